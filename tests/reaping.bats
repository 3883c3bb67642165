#!/usr/bin/env bats
# Reaping: every orphan the kernel hands to sexton is waited for, however
# many die at once, and the workload is recognised by its pid.

load common

@test "20 000 orphans that die at once are all reaped (as PID 1)" {
	LIMIT=120 run pid1 "$SEXTON" orphans 20000
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$output" = "reaped 20000" ]
}

@test "orphans left behind by a shell are reaped; no zombie in the namespace" {
	# The workload forks 200 background sleepers and exits only after all of
	# them are gone and reaped by PID 1, then checks for Z states itself.
	run pid1 "$SEXTON" sh -c '
		i=0; while [ $i -lt 200 ]; do (sleep 0.01 &) ; i=$((i+1)); done
		end=$(( $(date +%s) + 20 ))
		while [ "$(date +%s)" -lt "$end" ]; do
			z=$(grep -l "^State:.*Z" /proc/[0-9]*/status 2>/dev/null | wc -l)
			s=$(pgrep -c -x sleep)
			[ "$z" -eq 0 ] && [ "$s" -eq 0 ] && { echo clean; exit 0; }
			sleep 0.05
		done
		echo "zombies $z sleepers $s"; exit 1'
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$output" = clean ]
}

@test "a PID 1 that does not reap leaves zombies: the probe can tell" {
	# The same storm under `sleep` as PID 1, which never waits for orphans.
	start_bg pid1 sh -c 'ORPHANS_WAIT=2 orphans 50 & exec sleep 1000'
	expect_line "left 50"
}

@test "the workload's status is right while orphans die at the same moment" {
	# The child exits together with 2000 orphans; signals coalesce, so only
	# the pid that waitpid returns can tell the child apart.
	run pid1 "$SEXTON" sh -c "$PROBES/orphans 2000 >/dev/null & exit 23"
	[ "$status" -eq 23 ]
}

@test "-w names every reaped orphan on stderr, with its pid and name" {
	run --separate-stderr pid1 "$SEXTON" -w orphans 3
	[ "$status" -eq 0 ]
	[ "$output" = "reaped 3" ]
	[ "$(grep -c "^sexton: reaped zombie [0-9]* 'orphan-probe' (exited with status 0)$" <<<"$stderr")" -eq 3 ] ||
		{ echo "$stderr"; false; }
}

@test "without -w reaping is silent" {
	run --separate-stderr pid1 "$SEXTON" orphans 3
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "-vv (debug) reports reaped orphans too" {
	run --separate-stderr pid1 "$SEXTON" -vv orphans 2
	[ "$(grep -c "^sexton: reaped zombie [0-9]*" <<<"$stderr")" -eq 2 ] || { echo "$stderr"; false; }
}
