#!/usr/bin/env bats
# The clock and the timed wait behind the grace period, where a 32-bit build
# can differ from a 64-bit one: musl 1.2's 64-bit time_t in struct timespec
# (which only the *_time64 system calls read and write), and milliseconds of
# CLOCK_MONOTONIC past what a 32-bit long holds. Meant to be run with the
# 32-bit binaries as well: SEXTON=build/i386/sexton runs natively on an
# x86_64 kernel (.ci/run does it).

load common

export SEXTON

# cpu_of_run CMD...: run CMD bounded; print the CPU time (user + system, in
# seconds) of everything it ran and waited for, CMD's status on a second line.
# `times` in a pipeline would report a subshell's children: none.
cpu_of_run() {
	local times="$BATS_TEST_TMPDIR/times"
	TIMES=$times bash -c '
		rc=0
		timeout --kill-after=5 "$0" "$@" >/dev/null 2>&1 || rc=$?
		times >"$TIMES"
		echo "$rc" >>"$TIMES"
	' "$LIMIT" "$@"
	awk 'NR == 2 { split($0, t, /[ms ]+/); print t[1] * 60 + t[2] + t[3] * 60 + t[4] }
		NR == 3' "$times"
}

@test "the grace period is slept, not spun: waiting 0.9 s for a leftover that ignores SIGTERM takes little CPU" {
	local out cpu
	# A timeout the kernel read wrongly (a 64-bit tv_sec taken as two 32-bit
	# fields) turns each wait shorter than a second into none at all, and
	# sexton would spin on rt_sigtimedwait until the deadline.
	out=$(cpu_of_run unshare --pid --fork --mount-proc --kill-child \
		"$SEXTON" -t 0.9 sh -c 'leftover -i x; exit 5')
	cpu=${out%$'\n'*}
	echo "CPU time of the run: $cpu s" >&3
	[ "${out#*$'\n'}" -eq 5 ]
	# Sleeping, the whole run takes some 10 ms of CPU; spinning, about the
	# 0.9 s of the wait.
	awk "BEGIN { exit !($cpu < 0.45) }"
}

@test "CLOCK_MONOTONIC past 2^31 ms (30 days on): a 0.5 s grace period still ends, and only after 0.5 s" {
	local t0 took
	t0=$EPOCHREALTIME
	run --separate-stderr pid1 --time --monotonic 2600000 "$SEXTON" -t 0.5 sh -c 'leftover -i x; exit 6'
	took=$(awk "BEGIN { print $EPOCHREALTIME - $t0 }")
	[ "$status" -eq 6 ]
	grep -qx "sexton: the grace period is over: SIGKILL to every process" <<<"$stderr"
	awk "BEGIN { exit !($took >= 0.5) }"
}

@test "a grace period of 1,000,000 s with the clock 30 days on: the teardown ends when the leftover does" {
	# 10^9 ms added to 2.6 * 10^9 ms of clock: neither fits a 32-bit long.
	run --separate-stderr pid1 --time --monotonic 2600000 "$SEXTON" -t 1000000 sh -c \
		'leftover -d 100 x; exit 7'
	[ "$status" -eq 7 ]
	grep -qx "x done" <<<"$output"
	! grep -q "grace period is over" <<<"$stderr" || false
}

@test "a grace period of 1,000,000 s ends early when the leftover exits, and the timed wait still sleeps" {
	local out cpu
	out=$(cpu_of_run unshare --pid --fork --mount-proc --kill-child \
		"$SEXTON" -t 1000000 sh -c 'leftover -d 900 x; exit 8')
	cpu=${out%$'\n'*}
	echo "CPU time of the run: $cpu s" >&3
	[ "${out#*$'\n'}" -eq 8 ]
	awk "BEGIN { exit !($cpu < 0.45) }"
}
