#!/usr/bin/env bats
# The teardown: what sexton does with the processes the workload leaves
# behind (SIGTERM and SIGCONT, a wait only while something is alive, SIGKILL
# at the end of the grace period), signal rewriting (-r) and pause mode (-P).
# The leftovers come from the leftover probe (tests/helpers/leftover.c).

load common

export SEXTON

# nested SCRIPT [ARGS...]: run the shell SCRIPT (ARGS as $1...) under a shell
# that is PID 1 of a fresh namespace, so that sexton in SCRIPT is not PID 1
# (it is a subreaper) and whatever it leaves behind dies with the namespace.
nested() {
	pid1 sh -c "$@"
}

# The kernel SIGKILLs a namespace the moment its PID 1 exits, so a leftover
# that printed "NAME done" as PID 1's descendant did so before sexton exited.

@test "PID 1: a leftover in the workload's process group gets SIGTERM and finishes its handler" {
	run --separate-stderr pid1 "$SEXTON" sh -c 'leftover -d 200 grp; exit 5'
	[ "$status" -eq 5 ]
	[ "$output" = $'grp ready\ngrp term\ngrp done' ] || { echo "$output"; false; }
}

@test "PID 1: a leftover in a session of its own gets SIGTERM and finishes its handler" {
	run --separate-stderr pid1 "$SEXTON" sh -c 'leftover -s -d 200 daemon; exit 6'
	[ "$status" -eq 6 ]
	[ "$output" = $'daemon ready\ndaemon term\ndaemon done' ] || { echo "$output"; false; }
}

@test "PID 1: a re-parented orphan gets SIGTERM and finishes its handler" {
	run --separate-stderr pid1 "$SEXTON" sh -c 'leftover -o -d 200 orphan; exit 7'
	[ "$status" -eq 7 ]
	[ "$output" = $'orphan ready\norphan term\norphan done' ] || { echo "$output"; false; }
}

@test "PID 1: a grandchild whose parent is still alive gets SIGTERM too" {
	# Its parent ignores SIGTERM and waits for it: only a signal to every
	# process, not just the re-parented ones, reaches it in time.
	run --separate-stderr pid1 "$SEXTON" -t 20 sh -c 'leftover -w -d 200 deep; exit 0'
	[ "$status" -eq 0 ]
	[ "$output" = $'deep ready\ndeep term\ndeep done' ] || { echo "$output"; false; }
}

@test "not PID 1: leftovers in the group, in their own session, orphans and grandchildren all get SIGTERM" {
	run --separate-stderr nested '"$SEXTON" -t 20 sh -c "$1"' sh 'leftover -d 200 grp
		leftover -s -d 200 daemon; leftover -o -s -d 200 orphan; leftover -w -d 200 deep; exit 8'
	[ "$status" -eq 8 ]
	local name
	for name in grp daemon orphan deep; do
		grep -qx "$name term" <<<"$output"
		grep -qx "$name done" <<<"$output"
	done
	! grep -q "grace period is over" <<<"$stderr"
}

@test "sexton exits as soon as the last leftover is gone, long before the grace period ends" {
	local t0 took
	t0=$EPOCHREALTIME
	run --separate-stderr pid1 "$SEXTON" -t 25 sh -c 'leftover -s -d 300 slow; leftover -o fast; exit 3'
	took=$(awk "BEGIN { print $EPOCHREALTIME - $t0 }")
	[ "$status" -eq 3 ]
	grep -qx "slow done" <<<"$output"
	grep -qx "fast done" <<<"$output"
	! grep -q "grace period is over" <<<"$stderr" || false
	# 0.3 s of handler against 25 s of grace: a run near 25 s waited it out.
	echo "took $took s" >&3
	awk "BEGIN { exit !($took < 12.5) }"
}

@test "a leftover that ignores SIGTERM is SIGKILLed when the grace period ends; the status stays the workload's" {
	local t0 took
	t0=$EPOCHREALTIME
	# The pid file holds the leftover's pid in the namespace.
	run --separate-stderr nested '"$SEXTON" -t 0.5 sh -c "leftover -s -i -p $1 x; exit 9"
		rc=$?; kill -0 "$(cat "$1")" && echo "still there"; exit $rc' sh "$BATS_TEST_TMPDIR/nspid"
	took=$(awk "BEGIN { print $EPOCHREALTIME - $t0 }")
	[ "$status" -eq 9 ]
	grep -qx "sexton: the grace period is over: SIGKILL to every descendant" <<<"$stderr"
	# it waited the grace period out, and killed the leftover before exiting
	awk "BEGIN { exit !($took >= 0.5) }"
	[ "$output" = "x ready" ] || { echo "$output"; false; }
}

@test "PID 1: a leftover that ignores SIGTERM is SIGKILLed after the grace period" {
	run --separate-stderr pid1 "$SEXTON" -t 0.3 sh -c 'leftover -i stubborn; exit 4'
	[ "$status" -eq 4 ]
	grep -qx "sexton: the grace period is over: SIGKILL to every process" <<<"$stderr"
}

@test "a stopped leftover gets SIGCONT after SIGTERM and finishes its handler" {
	run --separate-stderr pid1 "$SEXTON" -t 20 sh -c 'leftover -S -d 100 stopped; exit 2'
	[ "$status" -eq 2 ]
	[ "$output" = $'stopped ready\nstopped term\nstopped done' ] || { echo "$output"; false; }
	! grep -q "grace period is over" <<<"$stderr"
}

@test "-t 0: PID 1 exits at once; the kernel kills the rest with no SIGTERM" {
	run --separate-stderr pid1 "$SEXTON" -t 0 sh -c 'leftover -s -d 200 late; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = "late ready" ] || { echo "$output"; false; }
}

@test "-t 0 as a subreaper: sexton exits at once and leaves the leftover alone" {
	run --separate-stderr nested '"$SEXTON" -t 0 sh -c "leftover -s -p $1 x; exit 3"
		rc=$?; kill -0 "$(cat "$1")" && echo "still there"; exit $rc' sh "$BATS_TEST_TMPDIR/nspid"
	[ "$status" -eq 3 ]
	[ "$output" = $'x ready\nstill there' ] || { echo "$output"; false; }
}

@test "not PID 1: the teardown touches only sexton's descendants" {
	# In a PID namespace of its own so that a kill(-1) would reach the
	# siblings and nothing of the machine: one in sexton's process group,
	# one in a session of its own. Both must survive sexton's teardown.
	run --separate-stderr pid1 sh -c '
		sleep 1000 & sib=$!
		setsid sleep 1000 & ses=$!
		'"$SEXTON"' -t 0.3 sh -c "leftover -s -i mine; exit 4"; rc=$?
		kill -0 $sib && kill -0 $ses && echo siblings alive
		kill $sib $ses
		exit $rc'
	[ "$status" -eq 4 ]
	grep -qx "siblings alive" <<<"$output"
	grep -qx "sexton: the grace period is over: SIGKILL to every descendant" <<<"$stderr"
}

@test "docker stop's way: SIGTERM to sexton reaches the workload, then the teardown stops the rest" {
	start_bg pid1 "$SEXTON" sh -c 'leftover -s -d 200 daemon; exec sigprobe'
	expect_line "daemon ready"
	expect_line ready
	kill -TERM "$(sexton_host_pid)"
	expect_line "got 15"
	expect_line "daemon term"
	expect_line "daemon done"
	wait_bg
	[ "$status" -eq 0 ]
}

@test "a second SIGTERM during the teardown is forwarded to what is left" {
	start_bg pid1 "$SEXTON" -t 20 sh -c 'leftover -s -d 1000 slow; exit 6'
	expect_line "slow ready"
	expect_line "slow term"
	kill -TERM "$(sexton_host_pid)"
	expect_line "slow term again"
	expect_line "slow done"
	wait_bg
	[ "$status" -eq 6 ]
}

@test "a SIGTERM storm during the teardown: sexton survives and keeps the workload's status" {
	local pid i
	start_bg pid1 "$SEXTON" -t 20 sh -c 'leftover -d 1500 a; leftover -o -d 1500 b; exit 11'
	expect_line "a term"
	expect_line "b term"
	pid=$(sexton_host_pid)
	for i in $(seq 2000); do
		kill -TERM "$pid" 2>/dev/null || break
	done
	# 2000 "term again" lines pass through expect_line first: give a
	# loaded machine the time to read them.
	expect_line "a done" 60
	expect_line "b done" 60
	wait_bg
	[ "$status" -eq 11 ]
	! grep -v "^sexton: " "$ERR"
}

@test "SIGKILL of sexton as PID 1 takes the namespace down at once" {
	start_bg pid1 "$SEXTON" sh -c 'leftover -s -d 200 gone; exec sleep 1000'
	expect_line "gone ready"
	kill -KILL "$(sexton_host_pid)"
	wait_bg
	! expect_line "gone term" 1
}

@test "-v: one line at exit with the status, orphans reaped, leftovers signalled and killed" {
	run --separate-stderr pid1 "$SEXTON" -v -t 0.3 sh -c \
		'sh -c "exit 0" & wait; leftover -o stubborn -i; leftover -o -d 50 nice; exit 3'
	[ "$status" -eq 3 ]
	grep -qx "sexton: exit status 3: workload exited with status 3; 2 orphans reaped; 2 leftovers got SIGTERM, 1 needed SIGKILL" <<<"$stderr" ||
		{ echo "$stderr"; false; }
}

@test "-v -w: a leftover that needed SIGKILL is named" {
	run --separate-stderr pid1 "$SEXTON" -w -t 0.3 sh -c 'leftover -s -i stubborn; exit 0'
	[ "$status" -eq 0 ]
	grep -qE "^sexton: leftover [0-9]+ 'leftover' outlived the grace period: SIGKILL$" <<<"$stderr" ||
		{ echo "$stderr"; false; }
}

@test "-t takes seconds with a fraction; SEXTON_GRACE sets it too and -t wins" {
	local t0 took
	t0=$EPOCHREALTIME
	SEXTON_GRACE=20 run --separate-stderr pid1 "$SEXTON" -t 0.25 sh -c 'leftover -i x; exit 1'
	took=$(awk "BEGIN { print $EPOCHREALTIME - $t0 }")
	[ "$status" -eq 1 ]
	awk "BEGIN { exit !($took >= 0.25 && $took < 12.5) }"
	SEXTON_GRACE=0.2 run --separate-stderr pid1 "$SEXTON" sh -c 'leftover -i x; exit 1'
	[ "$status" -eq 1 ]
	grep -q "grace period is over" <<<"$stderr"
}

@test "bad grace periods are rejected before the program starts" {
	local bad
	for bad in abc -1 1. .5 1.x 1e3 '' 1000001 1000000.001 ' 1'; do
		run --separate-stderr bounded "$SEXTON" -t "$bad" echo started
		[ "$status" -eq 125 ]
		[ "$output" = "" ]
		[ "$stderr" = "sexton: invalid grace period '$bad' for -t: expected seconds, e.g. 2.5" ] ||
			{ echo "$bad: $stderr"; false; }
	done
	SEXTON_GRACE=soon run --separate-stderr bounded "$SEXTON" echo started
	[ "$status" -eq 125 ]
	[ "$stderr" = "sexton: invalid grace period 'soon' in SEXTON_GRACE: expected seconds, e.g. 2.5" ]
}

# ---- -r: signal rewriting ------------------------------------------------

@test "-r TERM:QUIT forwards SIGTERM as SIGQUIT" {
	start_bg pid1 "$SEXTON" -r TERM:QUIT sigprobe 3
	expect_line ready
	kill -TERM "$(sexton_host_pid)"
	expect_line "got 3"
	wait_bg
	no_line "got 15"
}

@test "-r swaps two signals, with names and numbers" {
	start_bg pid1 "$SEXTON" -r USR1:SIGUSR2 -r 12:10 sigprobe 15
	expect_line ready
	kill -USR1 "$(sexton_host_pid)"
	expect_line "got 12"
	kill -USR2 "$(sexton_host_pid)"
	expect_line "got 10"
	kill -TERM "$(sexton_host_pid)"
	expect_line "got 15"
	wait_bg
}

@test "-r FROM:0 drops the signal" {
	# sexton takes pending signals lowest number first, real-time ones last,
	# and forwards them in that order: a dropped one would show before the
	# next, kept one.
	start_bg pid1 "$SEXTON" -r HUP:0 -r rtmin+1:0 sigprobe 15
	expect_line ready
	kill -HUP "$(sexton_host_pid)"
	kill -USR1 "$(sexton_host_pid)"
	expect_line "got 10"
	no_line "got 1"
	kill -s 35 "$(sexton_host_pid)"
	kill -s 36 "$(sexton_host_pid)"
	expect_line "got 36"
	no_line "got 35"
	kill -TERM "$(sexton_host_pid)"
	expect_line "got 15"
	wait_bg
}

@test "-r does not touch the teardown's own SIGTERM" {
	run --separate-stderr pid1 "$SEXTON" -r TERM:0 sh -c 'leftover -s -d 100 x; exit 0'
	[ "$status" -eq 0 ]
	grep -qx "x done" <<<"$output"
}

@test "bad -r rules are rejected before the program starts" {
	local rule want
	while IFS='|' read -r rule want; do
		run --separate-stderr bounded "$SEXTON" -r "$rule" echo started
		[ "$status" -eq 125 ]
		[ "$output" = "" ]
		[ "$stderr" = "sexton: $want" ] || { echo "$rule: $stderr"; false; }
	done <<'EOF'
TERM|invalid rule 'TERM' for -r: expected FROM:TO, e.g. TERM:QUIT
TERM:|invalid rule 'TERM:' for -r: expected FROM:TO, e.g. TERM:QUIT
:QUIT|invalid rule ':QUIT' for -r: expected FROM:TO, e.g. TERM:QUIT
FOO:QUIT|invalid signal 'FOO' in -r 'FOO:QUIT'
TERM:BAR|invalid signal 'BAR' in -r 'TERM:BAR'
0:TERM|invalid signal '0' in -r '0:TERM'
65:TERM|invalid signal '65' in -r '65:TERM'
KILL:TERM|invalid rule 'KILL:TERM' for -r: KILL is never forwarded
STOP:TERM|invalid rule 'STOP:TERM' for -r: STOP is never forwarded
SIGCHLD:TERM|invalid rule 'SIGCHLD:TERM' for -r: SIGCHLD is never forwarded
EOF
}

# ---- -P: pause mode ------------------------------------------------------

# in_ns PID CMD...: run CMD inside the PID namespace of the process PID.
in_ns() {
	local pid=$1
	shift
	timeout 10 nsenter --target "$pid" --pid "$@"
}

@test "-P: sits as PID 1, reaps what is re-parented to it, exits 0 on SIGTERM" {
	local pid
	start_bg pid1 "$SEXTON" -P
	pid=$(until p=$(sexton_host_pid 2>/dev/null); do sleep 0.01; done; echo "$p")
	# A process in the namespace whose parent (nsenter's child) exits at
	# once: it is re-parented to sexton, and must be reaped once it exits.
	in_ns "$pid" sh -c 'sh -c "read x </dev/null; exit 0" & exit 0'
	# USR1 and HUP are ignored: the reaping afterwards shows sexton is still there.
	kill -USR1 "$pid"
	kill -HUP "$pid"
	in_ns "$pid" sh -c '(exec sleep 0.1) & exit 0'
	local end=$((SECONDS + 10))
	until [ -z "$(children "$pid")" ]; do
		[ "$SECONDS" -lt "$end" ] || { echo "children left: $(children "$pid")"; false; }
		sleep 0.01
	done
	[ "$(proc_state "$pid")" != Z ]
	kill -TERM "$pid"
	wait_bg
	[ "$status" -eq 0 ]
}

@test "-P: exits 0 on SIGINT too" {
	local pid
	start_bg pid1 "$SEXTON" -P
	pid=$(until p=$(sexton_host_pid 2>/dev/null); do sleep 0.01; done; echo "$p")
	kill -INT "$pid"
	wait_bg
	[ "$status" -eq 0 ]
}

@test "-P with a program is a usage error" {
	run --separate-stderr bounded "$SEXTON" -P echo started
	[ "$status" -eq 125 ]
	[ "$output" = "" ]
	[ "$stderr" = "sexton: -P runs no program, but 'echo' was given" ]
}
