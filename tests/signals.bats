#!/usr/bin/env bats
# Signal forwarding: every catchable signal but SIGCHLD reaches the workload,
# from outside the namespace and from inside it (kill 1), in group mode to the
# whole group, and a stopped workload is woken up to act on SIGTERM.

load common

# Every signal sexton forwards: all of 1..64 but KILL (9), STOP (19) and CHLD (17).
forwarded_signals() {
	local s
	for s in $(seq 1 64); do
		case $s in 9 | 17 | 19) ;; *) echo "$s" ;; esac
	done
}

@test "every catchable signal but SIGCHLD is forwarded, sent from outside the namespace" {
	start_bg pid1 "$SEXTON" sigprobe 0
	expect_line ready
	local init sig
	init=$(sexton_host_pid)
	for sig in $(forwarded_signals); do
		kill -s "$sig" "$init"
		expect_line "got $sig" 5
	done
	kill -s TERM "$init"
	expect_line "got 15"
	# sigprobe exits on signal 0 only, which nobody can send: end it with KILL
	kill -KILL "$(child_host_pid)"
	wait_bg
	[ "$status" -eq 137 ]
}

@test "signals sent to PID 1 from inside the namespace are forwarded" {
	# kill from inside: PID 1 drops signals it has no handler for, unless blocked
	start_bg pid1 "$SEXTON" sigprobe 0
	expect_line ready
	local init
	init=$(sexton_host_pid)
	nsenter --target "$init" --pid --mount sh -c 'kill -USR1 1; kill -RTMIN+1 1'
	expect_line "got 10"
	expect_line "got 35"
}

@test "SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS sent with kill are forwarded, sexton survives" {
	start_bg pid1 "$SEXTON" sigprobe
	expect_line ready
	local init sig
	init=$(sexton_host_pid)
	for sig in SEGV BUS FPE ILL ABRT TRAP SYS; do
		kill -s "$sig" "$init"
		expect_line "got $(kill -l "$sig")" 5
	done
	kill -s TERM "$init"
	wait_bg
	[ "$status" -eq 0 ]
}

@test "SIGTERM to sexton ends a default workload with 143" {
	start_bg pid1 "$SEXTON" sh -c 'echo ready; exec sleep 1000'
	expect_line ready
	kill -s TERM "$(sexton_host_pid)"
	wait_bg
	[ "$status" -eq 143 ]
}

@test "a signal that arrives before the child has started is not lost" {
	# spawnwith leaves SIGTERM pending across exec: sexton takes it before
	# or while the child starts, and must still deliver it
	run pid1 spawnwith -r 15 -- "$SEXTON" sleep 1000
	[ "$status" -eq 143 ]
}

@test "a stopped workload gets SIGCONT after SIGTERM, SIGINT, SIGQUIT or SIGHUP, so it can die" {
	local sig child
	for sig in TERM INT QUIT HUP; do
		start_bg pid1 "$SEXTON" sh -c 'echo ready; exec sleep 1000'
		expect_line ready
		child=$(child_host_pid)
		kill -s STOP "$child"
		await_state T "$child"
		kill -s "$sig" "$(sexton_host_pid)"
		wait_bg
		[ "$status" -eq $((128 + $(kill -l "$sig"))) ] || { echo "$sig: $status"; false; }
		exec {OUT}<&-
	done
}

@test "a running workload gets no SIGCONT after SIGTERM" {
	start_bg pid1 "$SEXTON" sigprobe 18
	expect_line ready
	kill -s TERM "$(sexton_host_pid)"
	expect_line "got 15"
	kill -s USR1 "$(sexton_host_pid)"
	expect_line "got 10"
	no_line "got 18"
	kill -s CONT "$(sexton_host_pid)"
	expect_line "got 18"
	wait_bg
	[ "$status" -eq 0 ]
}

@test "without -g only the child gets the signal, not the rest of its group" {
	start_bg pid1 "$SEXTON" sh -c 'TAG=grand sigprobe 40 & exec sigprobe 12'
	expect_line ready
	expect_line "grand ready"
	kill -s USR1 "$(sexton_host_pid)"
	expect_line "got 10"
	# Had the group been signalled, USR1 would be pending at the grandchild
	# now, and it takes the lower number first: "got 10" would precede 40.
	kill -s 40 "$(children "$(child_host_pid)")"
	expect_line "grand got 40"
	no_line "grand got 10"
	kill -s USR2 "$(sexton_host_pid)"
	wait_bg
	[ "$status" -eq 0 ]
}

@test "-g forwards to the child's whole process group" {
	# the child outlives the grandchild: its exit would end the namespace
	start_bg pid1 "$SEXTON" -g sh -c 'TAG=grand sigprobe 10 & exec sigprobe 12'
	expect_line ready
	expect_line "grand ready"
	kill -s USR1 "$(sexton_host_pid)"
	expect_line "got 10"
	expect_line "grand got 10"
	kill -s USR2 "$(sexton_host_pid)"
	wait_bg
	[ "$status" -eq 0 ]
}

@test "TINI_KILL_PROCESS_GROUP and SEXTON_KILL_PROCESS_GROUP mean -g" {
	local var
	for var in TINI_KILL_PROCESS_GROUP SEXTON_KILL_PROCESS_GROUP; do
		start_bg env "$var=1" unshare --pid --fork --mount-proc --kill-child "$SEXTON" \
			sh -c 'TAG=grand sigprobe 10 & exec sigprobe 12'
		expect_line ready
		expect_line "grand ready"
		kill -s USR1 "$(sexton_host_pid)"
		expect_line "grand got 10"
		expect_line "got 10"
		kill -s USR2 "$(sexton_host_pid)"
		wait_bg
		exec {OUT}<&-
	done
}

@test "forwarding to a child that has just exited is not an error" {
	run --separate-stderr pid1 "$SEXTON" sh -c 'trap "" USR1; kill -USR1 1; exit 7'
	[ "$status" -eq 7 ]
	[ -z "$stderr" ]
}

@test "a storm of signals, then SIGTERM: the last signal still arrives, status right" {
	start_bg pid1 "$SEXTON" sh -c 'trap "" USR1 USR2; trap "exit 9" TERM; echo ready
		while :; do sleep 1 & wait $!; done'
	expect_line ready
	local init i
	init=$(sexton_host_pid)
	for i in $(seq 1 300); do
		kill -s USR1 "$init"
		kill -s USR2 "$init"
	done
	kill -s TERM "$init"
	wait_bg
	[ "$status" -eq 9 ]
}

# switches PID: voluntary plus involuntary context switches of a process.
switches() {
	awk '/ctxt_switches/ { n += $2 } END { print n }' /proc/"$1"/status
}

@test "sexton does not wake up while idle (tini wakes once a second)" {
	start_bg pid1 "$SEXTON" sigprobe
	expect_line ready
	local init before
	init=$(sexton_host_pid)
	before=$(switches "$init")
	# No event marks "nothing happened": watch over a window longer than
	# the one-second timer this test is meant to catch.
	sleep 2.5
	[ "$(switches "$init")" -eq "$before" ] || { echo "$before -> $(switches "$init")"; false; }
	kill -s TERM "$init"
	wait_bg
	[ "$status" -eq 0 ]
}
