#!/usr/bin/env bats
# Boot mode's logic, without a kernel to boot: -B forces it inside a PID
# namespace. There reboot(2) ends the namespace instead of the machine, and
# its init dies of SIGINT for a power-off or halt, SIGHUP for a reboot, which
# unshare passes on as 130 and 129. The real boots are in tests/boot/.

load common

POWEROFF=130 # SIGINT: RB_POWER_OFF or RB_HALT_SYSTEM in a PID namespace
REBOOT=129   # SIGHUP: RB_AUTOBOOT

@test "boot mode: when the workload exits, its status goes to the console and the machine powers off" {
	run --separate-stderr pid1 "$SEXTON" -B sh -c 'exit 3'
	[ "$status" -eq "$POWEROFF" ]
	[ "$stderr" = $'sexton: \'sh\' exited with status 3\nsexton: powering off' ] ||
		{ echo "$stderr"; false; }
}

@test "boot mode: a workload killed by a signal is reported as such" {
	run --separate-stderr pid1 "$SEXTON" -B sh -c 'kill -KILL $$'
	[ "$status" -eq "$POWEROFF" ]
	grep -qx "sexton: 'sh' killed by signal 9" <<<"$stderr"
}

@test "boot mode: -a reboot and -a halt pick the action" {
	run --separate-stderr pid1 "$SEXTON" -B -a reboot true
	[ "$status" -eq "$REBOOT" ]
	grep -qx "sexton: rebooting" <<<"$stderr"
	run --separate-stderr pid1 "$SEXTON" -B -a halt true
	[ "$status" -eq "$POWEROFF" ]
	grep -qx "sexton: halting" <<<"$stderr"
	run --separate-stderr pid1 "$SEXTON" -B -a poweroff true
	grep -qx "sexton: powering off" <<<"$stderr"
}

@test "-a rejects anything but poweroff, reboot and halt" {
	run --separate-stderr bounded "$SEXTON" -a shutdown true
	[ "$status" -eq 125 ]
	[ "$stderr" = "sexton: invalid action 'shutdown' for -a: expected poweroff, reboot or halt" ]
}

@test "boot mode: BusyBox's signals: USR1 halt, USR2 and PWR power off, TERM and INT reboot" {
	local sig want
	for sig in USR1:halting USR2:"powering off" PWR:"powering off" TERM:rebooting INT:rebooting; do
		want=${sig#*:}
		start_bg pid1 "$SEXTON" -B sh -c 'echo ready; exec sleep 1000'
		expect_line ready
		kill -s "${sig%%:*}" "$(sexton_host_pid)"
		wait_bg
		grep -qx "sexton: $want" "$ERR" || { echo "${sig%%:*}: $(cat "$ERR")"; false; }
		exec {OUT}<&-
	done
}

@test "boot mode: other signals are still forwarded to the workload" {
	start_bg pid1 "$SEXTON" -B sigprobe 12
	expect_line ready
	kill -s HUP "$(sexton_host_pid)"
	expect_line "got 1"
	kill -s WINCH "$(sexton_host_pid)"
	expect_line "got 28"
	kill -s USR2 "$(sexton_host_pid)" # power off: SIGTERM to everyone
	expect_line "got 15"
	wait_bg
	[ "$status" -eq "$POWEROFF" ]
}

# A workload that leaves one process behind and exits once that process has
# set up its SIGTERM trap ($1: the trap's action; $2: "stop" to stop it).
leave_behind() {
	cat <<EOS
mkfifo /tmp/sexton-test-ready.\$\$ || exit 9
f=/tmp/sexton-test-ready.\$\$
sh -c 'trap "$1" TERM; echo leftover-ready; echo >"\$0"; [ "$2" = stop ] && kill -STOP \$\$
	while :; do sleep 0.01; done' "\$f" &
read x <"\$f"; rm -f "\$f"
if [ "$2" = stop ]; then
	until grep -q '^State:.*T' /proc/\$!/status; do sleep 0.01; done
fi
exit 0
EOS
}

@test "boot mode: a leftover process that traps SIGTERM runs its handler before the power-off" {
	start_bg pid1 "$SEXTON" -B sh -c "$(leave_behind 'echo handled; exit 0')"
	expect_line leftover-ready
	expect_line handled
	wait_bg
	[ "$status" -eq "$POWEROFF" ]
	grep -qx "sexton: powering off" "$ERR"
	! grep -q "grace period is over" "$ERR"
}

@test "boot mode: a stopped leftover still gets to act on SIGTERM" {
	start_bg pid1 "$SEXTON" -B sh -c "$(leave_behind 'echo handled; exit 0' stop)"
	expect_line leftover-ready
	expect_line handled
	wait_bg
	[ "$status" -eq "$POWEROFF" ]
	! grep -q "grace period is over" "$ERR"
}

@test "boot mode: a leftover that ignores SIGTERM is killed after the grace period" {
	start_bg pid1 "$SEXTON" -B sh -c "$(leave_behind '')"
	expect_line leftover-ready
	wait_bg
	[ "$status" -eq "$POWEROFF" ]
	grep -qx "sexton: the grace period is over: SIGKILL to every process" "$ERR"
}

@test "boot mode: a missing program is reported and the machine powers off" {
	run --separate-stderr pid1 "$SEXTON" -B /no/such/program
	[ "$status" -eq "$POWEROFF" ]
	[ "$stderr" = $'sexton: cannot run \'/no/such/program\': No such file or directory\nsexton: \'/no/such/program\' exited with status 127\nsexton: powering off' ] ||
		{ echo "$stderr"; false; }
}

@test "boot mode: a bad option does not exit (that would panic the kernel): it powers off" {
	run --separate-stderr pid1 "$SEXTON" -B -x
	[ "$status" -eq "$POWEROFF" ]
	[ "$stderr" = $'sexton: unknown option \'-x\' (see sexton -h)\nsexton: powering off' ]
}

@test "boot mode: with no program it runs /bin/sh" {
	run --separate-stderr pid1 "$SEXTON" -B <<<'exit 4'
	[ "$status" -eq "$POWEROFF" ]
	grep -qx "sexton: '/bin/sh' exited with status 4" <<<"$stderr"
}

@test "as PID 1 of a PID namespace sexton is in container mode; -C keeps it there" {
	run pid1 "$SEXTON" sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run pid1 "$SEXTON" -C sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run --separate-stderr pid1 "$SEXTON" -B -C sh -c 'exit 3'
	[ "$status" -eq 3 ]
	[ -z "$stderr" ]
}

@test "-B is refused unless sexton is PID 1 of its PID namespace: one line, status 125, nothing run" {
	# sexton as PID 2 of a fresh PID namespace: never outside one, where an
	# unguarded -B would power the host off.
	run --separate-stderr pid1 sh -c '"$1" -B sh -c "echo workload ran"; echo "status $?"' sh "$SEXTON"
	[ "$output" = "status 125" ] || { echo "$output"; false; }
	[ "$stderr" = "sexton: refusing boot mode (-B): not PID 1 of its PID namespace" ] ||
		{ echo "$stderr"; false; }
}

@test "-B as PID 1 of a PID namespace is still boot mode" {
	run --separate-stderr pid1 "$SEXTON" -B true
	[ "$status" -eq "$POWEROFF" ]
	! grep -q refusing <<<"$stderr" || false
}

# without_sys_boot CMD...: CMD without CAP_SYS_BOOT, so that reboot(2) in a
# PID namespace fails with EPERM instead of ending the namespace.
without_sys_boot() {
	setpriv --bounding-set -sys_boot "$@"
}

@test "boot mode: a failed reboot(2) is said on the console; PID 1 of a PID namespace then exits with the workload's status" {
	LIMIT=15
	run --separate-stderr without_sys_boot timeout --kill-after=5 "$LIMIT" \
		unshare --pid --fork --mount-proc --kill-child "$SEXTON" -B sh -c 'exit 3'
	[ "$status" -eq 3 ] || { echo "status $status: $stderr"; false; }
	[ "$stderr" = $'sexton: \'sh\' exited with status 3\nsexton: powering off\nsexton: cannot power off: Operation not permitted' ] ||
		{ echo "$stderr"; false; }
	run --separate-stderr without_sys_boot timeout --kill-after=5 "$LIMIT" \
		unshare --pid --fork --mount-proc --kill-child "$SEXTON" -B -a reboot sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	grep -qx "sexton: cannot reboot: Operation not permitted" <<<"$stderr"
}

@test "boot mode: SEXTON_STATUS gets the exit status, one line, after the teardown" {
	local file=$BATS_TEST_TMPDIR/status
	SEXTON_STATUS=$file run --separate-stderr pid1 "$SEXTON" -B sh -c \
		'sh -c "trap \"echo leftover-done >>$0; exit 0\" TERM; echo ready >>$0; while :; do sleep 0.01; done" "$0" &
		until [ -s "$0" ]; do sleep 0.01; done; exit 7' "$file.log"
	[ "$status" -eq "$POWEROFF" ]
	[ "$(cat "$file")" = 7 ]
	[ "$(wc -l <"$file")" -eq 1 ]
	grep -qx leftover-done "$file.log"
	# after -e: the status sexton would exit with
	SEXTON_STATUS=$file run pid1 "$SEXTON" -B -e 7 sh -c 'exit 7'
	[ "$(cat "$file")" = 0 ]
	SEXTON_STATUS=$file run pid1 "$SEXTON" -B sh -c 'kill -KILL $$'
	[ "$(cat "$file")" = 137 ]
	SEXTON_STATUS=$file run pid1 "$SEXTON" -B /no/such/program
	[ "$(cat "$file")" = 127 ]
}

@test "boot mode: a SEXTON_STATUS nobody reads does not hold the shutdown" {
	local fifo=$BATS_TEST_TMPDIR/status.fifo start=$SECONDS
	mkfifo "$fifo"
	SEXTON_STATUS=$fifo run --separate-stderr pid1 "$SEXTON" -B sh -c 'exit 3'
	[ "$status" -eq "$POWEROFF" ]
	grep -qx "sexton: cannot open SEXTON_STATUS '$fifo': No such device or address" <<<"$stderr"
	# a reader that never reads: the line fits the pipe, and goes
	exec {held}<>"$fifo"
	SEXTON_STATUS=$fifo run --separate-stderr pid1 "$SEXTON" -B sh -c 'exit 4'
	[ "$status" -eq "$POWEROFF" ]
	read -r -t 5 line <&"$held"
	exec {held}<&-
	[ "$line" = 4 ]
	((SECONDS - start < 10))
}
