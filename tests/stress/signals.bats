#!/usr/bin/env bats
# Signals under load: a flood while the workload forks, and sexton stopped.

load stress

# SIGRTMAX is sent last and is the highest signal, so both sexton and the
# workload dequeue it after everything sent before it (rt_sigtimedwait and
# signalfd take the lowest pending number first).
@test "100 000 mixed signals while orphans churn: all real-time ones arrive, the last one ends the run" {
	start_bg pid1 "$SEXTON" sigsink -c
	expect_line ready
	run --separate-stderr sigblast "$(sexton_host_pid)" 100000
	echo "sigblast: $status $output $stderr"
	[ "$status" -eq 0 ]
	sent=$output
	expect_line "got total *" 60
	got=$LINE
	wait_bg
	echo "sent: $sent; got: $got; sexton: $(cat "$ERR")"
	[ "$status" -eq $((128 + 64)) ] # the workload died of SIGRTMAX
	set -- $sent
	sent_rt=$4 sent_std=$6
	set -- $got
	[ "$5" -eq "$sent_rt" ]         # real-time signals queue: none lost
	[ "$7" -gt 0 ] && [ "$7" -le "$sent_std" ] # standard ones may coalesce
	[ ! -s "$ERR" ]
	figure "sent $sent_rt real-time + $sent_std standard; delivered $5 real-time + $7 standard, then SIGRTMAX"
}

@test "sexton stopped with SIGSTOP while orphans die and signals arrive: nothing is lost" {
	start_bg pid1 "$SEXTON" sigsink
	expect_line ready
	init=$(sexton_host_pid)
	kill -STOP "$init"
	await_state T "$init"
	say "orphans 1000"
	expect_line "made 1000"
	say zombies
	expect_line "zombies *"
	stopped_zombies=${LINE#zombies }
	echo "zombies while stopped: $stopped_zombies"
	[ "$stopped_zombies" -eq 1000 ] # nobody reaps while sexton is stopped
	for i in $(seq 100); do kill -s RTMIN+1 "$init"; done
	kill -USR1 "$init"
	sleep 1 # "stopped for a while": no event to wait for here
	kill -CONT "$init"
	say reaped
	expect_line "zombies 0"
	# SIGRTMAX is forwarded after everything pending, so the count it brings
	# is final: 100 RTMIN+1, then SIGUSR1 and the SIGCONT itself.
	kill -s RTMAX "$init"
	expect_line "got total 102 rt 100 std 2"
	wait_bg
	[ "$status" -eq $((128 + 64)) ]
	figure "$stopped_zombies zombies while stopped, all reaped after SIGCONT; 100/100 RTMIN+1 delivered"
}
