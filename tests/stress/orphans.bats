#!/usr/bin/env bats
# Orphans by the million, and what happens to a PID space without an init.

load stress

@test "1 000 000 orphans are reaped, none is left a zombie" {
	LIMIT=240
	run --separate-stderr pid1 "$SEXTON" flood rate 1000000
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "orphans 1000000 "*" left 0" ]]
	set -- $output
	figure "$4 s, $6 orphans/s, peak $8 zombies (sampled every 10 ms)"
}

# pid_max is per PID namespace; 300 is the kernel's floor (RESERVED_PIDS + 1),
# so 400 leaves room for a few hundred processes at a time.
@test "with pid_max 400, 8000 orphans complete under sexton" {
	run --separate-stderr pid1_max 400 "$SEXTON" flood serial 8000
	echo "$output $stderr"
	[ "$status" -eq 0 ]
	[[ "$output" == "made 8000 eagain "* ]]
	figure "$output"
}

@test "with pid_max 400 and a PID 1 that does not reap, fork fails with EAGAIN" {
	run --separate-stderr pid1_max 400 noreap flood serial 8000
	echo "$output $stderr"
	[ "$status" -eq 1 ]
	[[ "$output" == "fork: EAGAIN after "*" orphans" ]]
	figure "$output"
}

@test "pid_max below 301 is refused, so the tests above use 400" {
	run --separate-stderr pid1_max 300 true
	[ "$status" -ne 0 ]
	run --separate-stderr pid1_max 301 cat /proc/sys/kernel/pid_max
	[ "$status" -eq 0 ]
	[ "$output" = 301 ]
}
