#!/usr/bin/env bats
# sexton as the kernel's own PID 1: each test boots a Debian kernel of
# BOOT_ARCH (x86_64, aarch64 or riscv64) under QEMU with sexton as /init of a
# small initramfs (busybox and the scripts in scenario/), and checks the
# serial console and how QEMU ended. `make check-boot [ARCH=...]` fetches the
# kernel and builds sexton and the initramfs first.

load boot

setup_file() {
	[ -s "$BOOT_KERNEL" ] || { echo "no kernel at $BOOT_KERNEL (make check-boot fetches it)" >&2; return 1; }
	[ -s "$BOOT_INITRD" ] || { echo "no initramfs at $BOOT_INITRD (make check-boot builds it)" >&2; return 1; }
	command -v "$QEMU" >/dev/null || { echo "no $QEMU (apt-get install $BOOT_QEMU_PACKAGE)" >&2; return 1; }
}

teardown() {
	boot_teardown
}

@test "the workload's exit status is reported, then the machine powers off" {
	boot_start /bin/sh /scenario/exit.sh 7
	boot_wait_for workload-start
	boot_end
	log_has "sexton: '/bin/sh' exited with status 7"
	log_order "exited with status 7" "sexton: powering off"
	powered_off
	boot_timings "exit 7"
}

@test "the workload finds proc, sysfs, devtmpfs, devpts and tmpfs mounted, and the console its terminal" {
	boot_start /bin/sh /scenario/mounts.sh
	boot_end
	log_has "mount /proc proc"
	log_has "mount /sys sysfs"
	log_has "mount /dev devtmpfs"
	log_has "mount /dev/pts devpts"
	log_has "mount /run tmpfs"
	log_has "/dev/null is a character device"
	log_has "/dev/null is writable"
	log_has "fd 0 /dev/console"
	log_has "fd 1 /dev/console"
	log_has "fd 2 /dev/console"
	# The serial console's device, behind /dev/console (ttyS0, 4:64, or
	# ttyAMA0, 204:64); /proc/PID/stat shows it as major << 8 | minor.
	log_has "tty_nr $((${BOOT_CONSOLE_DEV%:*} << 8 | ${BOOT_CONSOLE_DEV#*:}))"
	# The console is sexton's controlling terminal, in its session (so that
	# the workload's exit hangs nothing up), the workload in its foreground.
	grep -qx "session 1" <<<"$LOG" || { echo "not sexton's session"; false; }
	log_has "foreground"
	log_has "sexton: '/bin/sh' exited with status 0"
	powered_off
}

@test "a thousand orphans are reaped: no zombie is left" {
	boot_start /bin/sh /scenario/orphans.sh 1000
	boot_end
	log_has "left: 0 sleeping, 0 zombies"
	log_has "sexton: '/bin/sh' exited with status 0"
	powered_off
	local made start
	made=$(kernel_at "stamp: orphans-made") start=$(kernel_at "stamp: workload-start")
	timing "orphans: 1000 made in (guest)" "$(calc "$made - $start")"
}

@test "busybox poweroff powers off" {
	boot_start /bin/sh /scenario/applet.sh poweroff
	boot_wait_for workload-start
	boot_end
	log_lacks "still running after poweroff"
	powered_off
	boot_timings poweroff
}

@test "busybox reboot reboots" {
	boot_start /bin/sh /scenario/applet.sh reboot
	boot_wait_for workload-start
	boot_end
	log_lacks "still running after reboot"
	rebooted
	boot_timings reboot "reboot: Restarting system"
}

@test "busybox halt halts, and the machine stays up (riscv64: its kernel powers off)" {
	boot_start /bin/sh /scenario/applet.sh halt
	boot_wait_for workload-start
	boot_wait_for "reboot: System halted"
	boot_halted
	[ "$VM_STATUS" -eq 0 ]
	log_lacks "still running after halt"
	log_order "sexton: halting" "reboot: System halted"
	no_panic
	boot_timings halt "reboot: System halted"
}

@test "Ctrl-Alt-Del reboots, through sexton" {
	boot_start /bin/sh /scenario/wait.sh
	boot_wait_for "scenario ready"
	boot_monitor "sendkey ctrl-alt-delete"
	boot_end
	log_lacks "still running"
	rebooted
}

@test "SIGHUP to PID 1 is forwarded to the workload; SIGPWR powers off" {
	boot_start /bin/sh /scenario/signals.sh
	boot_wait_for workload-start
	boot_end
	log_has "workload got SIGHUP"
	log_lacks "still running"
	powered_off
	boot_timings SIGPWR
}

@test "a leftover process that traps SIGTERM runs its handler before the power-off" {
	boot_start /bin/sh /scenario/leftover.sh trap
	boot_wait_for workload-start
	boot_end
	log_lacks "leftover did not start"
	log_has "sexton: '/bin/sh' exited with status 0"
	log_order "exited with status 0" "leftover got SIGTERM"
	log_order "leftover got SIGTERM" "leftover done"
	log_order "leftover done" "sexton: powering off"
	powered_off
	boot_timings "leftover with a 1 s handler"
}

@test "a leftover process that ignores SIGTERM is killed after the grace period" {
	boot_start /bin/sh /scenario/leftover.sh ignore
	boot_wait_for workload-start
	boot_end
	log_lacks "leftover did not start"
	powered_off
	local took
	took=$(calc "$(kernel_at "reboot: Power down") - $(kernel_at "stamp: workload-end")")
	timing "leftover ignoring SIGTERM: workload end to power-down (guest)" "$took"
	# The grace period is 3 s by default (GRACE_DEFAULT_MS in sexton.h);
	# allow for the emulated machine's slowness.
	awk "BEGIN { exit !($took >= 2.9 && $took < 13) }"
}

@test "Ctrl-C typed on the serial console reaches the workload" {
	boot_start /bin/sh /scenario/ctrlc.sh
	boot_wait_for "scenario ready"
	boot_type '\003'
	boot_wait_for "scenario ready again" 20
	boot_type '\003'
	boot_end
	log_has "workload got SIGINT"
	log_has "sexton: '/bin/sh' killed by signal 2"
	powered_off
}

@test "a missing program is reported, and the machine powers off instead of panicking" {
	boot_start /no/such/program
	boot_end
	log_has "sexton: cannot run '/no/such/program': No such file or directory"
	log_has "sexton: '/no/such/program' exited with status 127"
	powered_off
}

@test "a usage error is reported, and the machine powers off instead of panicking" {
	boot_start -Q /bin/sh /scenario/exit.sh 0
	boot_end
	log_has "sexton: unknown option '-Q'"
	log_lacks "workload-start"
	powered_off
}

@test "without a program, /bin/sh runs on the console" {
	boot_start
	# busybox sh's prompt for root, in /: "/ # ", or "~ # " from busybox
	# 1.37 on (Debian 13's), as the kernel sets HOME=/.
	boot_wait_for "built-in shell (ash)"
	boot_wait_for " # "
	# shellcheck disable=SC2016 # the guest's shell expands it
	boot_type 'echo typed-$((6 * 7)); exit 3\r'
	boot_end
	log_has "typed-42"
	log_has "sexton: '/bin/sh' exited with status 3"
	log_lacks "can't access tty"
	powered_off
}

@test "-a reboot reboots when the workload exits" {
	boot_start -a reboot /bin/sh /scenario/exit.sh 0
	boot_end
	log_has "sexton: '/bin/sh' exited with status 0"
	rebooted
}

@test "-a halt halts when the workload exits" {
	boot_start -a halt /bin/sh /scenario/exit.sh 0
	boot_wait_for "reboot: System halted"
	boot_halted
	[ "$VM_STATUS" -eq 0 ]
	log_has "sexton: '/bin/sh' exited with status 0"
	log_order "sexton: halting" "reboot: System halted"
	no_panic
}

@test "a leftover with a pid above 2^16 is named by its pid and killed (64-bit kernels)" {
	boot_start -w -t 1 /bin/sh /scenario/bigpids.sh
	boot_end
	if grep -q "pid_max stays at" <<<"$LOG"; then
		powered_off
		skip "a 32-bit kernel: pid_max is at most 32768"
	fi
	log_has "leftover pid 100000"
	log_lacks "leftover did not start"
	log_has "sexton: leftover 100000 'sleep' outlived the grace period: SIGKILL"
	powered_off
}

@test "a console workload's background job gets SIGTERM in the teardown, not a hangup first" {
	boot_start /bin/sh /scenario/hangup.sh
	boot_wait_for workload-start
	boot_end
	log_lacks "helper did not start"
	local group
	group=$(sed -n 's/^workload group \([0-9]*\)$/\1/p' <<<"$LOG")
	log_has "helper in group $group"
	log_has "sexton: '/bin/sh' exited with status 0"
	log_lacks "helper got SIGHUP"
	log_order "exited with status 0" "helper got SIGTERM"
	log_order "helper got SIGTERM" "helper done"
	log_order "helper done" "sexton: powering off"
	powered_off
}

@test "job control on the console: Ctrl-Z stops a job of the shell, fg and Ctrl-C end it" {
	boot_start
	boot_wait_for "built-in shell (ash)"
	boot_wait_for " # "
	boot_type 'sleep 50\r'
	sleep 2
	boot_type '\032'
	boot_wait_for "Stopped" 20
	boot_type 'fg\r'
	sleep 2
	boot_type '\003'
	# shellcheck disable=SC2016 # the guest's shell expands it
	boot_type 'echo "job ended $?"; exit 6\r'
	boot_end
	log_has "job ended 130"
	log_lacks "can't access tty"
	log_has "sexton: '/bin/sh' exited with status 6"
	powered_off
}

# status_boot STATUS [ARGS...]: boot with a status port and
# SEXTON_STATUS naming it, the workload scenario/status.sh STATUS.
status_boot() {
	local status=$1
	shift
	boot_status_port "$VM/status" || skip "no status port on $BOOT_ARCH"
	mkdir -p "$VM"
	VM_QEMU=("${BOOT_STATUS_QEMU[@]}") VM_KERNEL="SEXTON_STATUS=$BOOT_STATUS_DEV"
	boot_start "$@" /bin/sh /scenario/status.sh "$status"
	boot_wait_for workload-start
	boot_end
	log_lacks "no status port"
	log_lacks "leftover did not start"
	log_lacks "SEXTON_STATUS"
	powered_off
	STATUS_LINES=$(tr -d '\r' <"$VM/status")
}

@test "SEXTON_STATUS: the workload's status, one line on a second port, after the teardown" {
	status_boot 7
	log_order "leftover done" "sexton: powering off"
	[ "$STATUS_LINES" = 7 ] || { echo "status port: '$STATUS_LINES'"; false; }
	# -e, signals and sexton's own statuses: tests/boot_mode.bats
}

# data_disk: an empty ext4 image, the NVMe drive of the test.
data_disk() {
	DISK="$BATS_TEST_TMPDIR/data.ext4"
	boot_disk_args "$DISK" || skip "$BOOT_NO_DISK"
	mkfs.ext4 -q -F -L data "$DISK" 16M
}

# disk_clean IMAGE: unmounted cleanly (no journal to recover: e2fsck -n
# would skip its recovery and still exit 0, so the superblock is read
# first), e2fsck finds nothing to repair, and data.txt holds what
# write_data wrote.
disk_clean() {
	local fsck sb
	sb=$(dumpe2fs -h "$1" 2>/dev/null)
	if grep -q "^Filesystem features:.*needs_recovery" <<<"$sb"; then
		echo "needs journal recovery: not unmounted or remounted read-only"
		return 1
	fi
	grep -q "^Filesystem state: *clean$" <<<"$sb" ||
		{ grep "^Filesystem state" <<<"$sb"; return 1; }
	fsck=$(e2fsck -fn "$1" 2>&1) || { echo "e2fsck -fn: $fsck"; return 1; }
	[ "$(debugfs -R "cat /data.txt" "$1" 2>/dev/null | wc -l)" -eq 1000 ] ||
		{ echo "data.txt: $(debugfs -R "cat /data.txt" "$1" 2>&1 | tail -n 3)"; return 1; }
	debugfs -R "cat /data.txt" "$1" 2>/dev/null | tail -n 1 | grep -qx "line 999"
}

@test "a data disk mounted after 300 other mounts is unmounted: e2fsck finds it clean, the data there" {
	command -v e2fsck >/dev/null || skip "no e2fsck (package e2fsprogs)"
	data_disk
	VM_QEMU=("${BOOT_DISK_QEMU[@]}")
	boot_start /bin/sh /scenario/mounts-many.sh 150
	boot_wait_for workload-start
	boot_end
	log_has "mounted 150 tmpfs and 150 binds"
	log_lacks "cannot mount the data disk"
	log_has "wrote /data/data.txt"
	powered_off
	disk_clean "$DISK"
	boot_timings "300 mounts and a data disk"
}

@test "init= on an ext4 root disk: the app's unsynced writes are there, e2fsck finds it clean" {
	command -v e2fsck >/dev/null || skip "no e2fsck (package e2fsprogs)"
	[ -s "${BOOT_ROOTFS:-}" ] || skip "no root file system image (make check-boot builds it)"
	DISK="$BATS_TEST_TMPDIR/root.ext4"
	boot_disk_args "$DISK" || skip "$BOOT_NO_DISK"
	cp "$BOOT_ROOTFS" "$DISK"
	# shellcheck disable=SC2034 # boot_start reads them
	VM_QEMU=("${BOOT_DISK_QEMU[@]}") VM_ROOT=$BOOT_DISK_DEV VM_KERNEL="init=/sbin/sexton"
	boot_start /app
	boot_wait_for workload-start
	boot_end
	log_has "wrote //data.txt"
	log_has "sexton: '/app' exited with status 0"
	powered_off
	disk_clean "$DISK"
	boot_timings "ext4 root"
}
