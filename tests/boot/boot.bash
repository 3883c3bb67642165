# Shared set-up of the boot tests: boot Debian's kernel under QEMU (software
# emulation) with sexton as /init of an initramfs, type on its serial
# console and its monitor, and read what the serial console printed. The
# machine is one of BOOT_ARCH (default: the host's architecture): x86_64,
# aarch64, riscv64, armhf, i386, ppc64el or s390x.
#
# One machine per test. QEMU's stdio is the serial console multiplexed with
# the monitor (-serial mon:stdio): its output goes to $VM/serial.log, its
# input comes from a FIFO the test writes to (Ctrl-A c switches between the
# console and the monitor). `panic=-1` and `-no-reboot` make a panic, a
# reboot and a power-off all end QEMU; a halt leaves it running (but on
# riscv64, see boot_halted).
ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
BOOT_ARCH="${BOOT_ARCH:-$(uname -m)}"
BOOT_CACHE="${BOOT_CACHE:-$ROOT/tests/boot/.cache/$BOOT_ARCH}"
BOOT_KERNEL="${BOOT_KERNEL:-$BOOT_CACHE/vmlinuz}"
BOOT_INITRD="${BOOT_INITRD:-$BOOT_CACHE/initramfs.cpio}"
# Timings of every boot are appended here, one "what: seconds" line each.
BOOT_TIMINGS="${BOOT_TIMINGS:-$BOOT_CACHE/timings.txt}"
# The bound of one boot, from QEMU's start to its end, in seconds.
BOOT_LIMIT="${BOOT_LIMIT:-90}"
# Each architecture's machine: QEMU, its board, the serial console the
# kernel writes to and the device number (major:minor) behind it, the
# Debian package QEMU comes in, and whether a halted machine stays up. None
# needs firmware from elsewhere. The virt boards have no PC keyboard for
# Ctrl-Alt-Del: they get a virtio one (scenario/wait.sh loads its driver),
# on a virtio-mmio transport of version 1.0, which Linux's virtio_input
# requires and QEMU's virtio-mmio offers only when told (force-legacy).
VIRT_KEYBOARD=(-device virtio-keyboard-device -global virtio-mmio.force-legacy=false)
# shellcheck disable=SC2034 # BOOT_CONSOLE_DEV and BOOT_QEMU_PACKAGE: boot.bats reads them
case $BOOT_ARCH in
x86_64)
	BOOT_QEMU=qemu-system-x86_64 BOOT_MACHINE=()
	BOOT_CONSOLE=ttyS0 BOOT_CONSOLE_DEV=4:64 BOOT_QEMU_PACKAGE=qemu-system-x86
	BOOT_HALT_STAYS_UP=1
	;;
aarch64)
	# QEMU starts the kernel itself; the kernel powers off and resets
	# through PSCI, which ends QEMU as the ACPI of a PC does.
	BOOT_QEMU=qemu-system-aarch64
	BOOT_MACHINE=(-M virt -cpu cortex-a57 "${VIRT_KEYBOARD[@]}")
	BOOT_CONSOLE=ttyAMA0 BOOT_CONSOLE_DEV=204:64 BOOT_QEMU_PACKAGE=qemu-system-arm
	BOOT_HALT_STAYS_UP=1
	;;
riscv64)
	# OpenSBI, QEMU's own copy (-bios default), is what the kernel calls
	# to power off and reset. Linux on riscv halts by powering off
	# (machine_halt() in arch/riscv/kernel/reset.c).
	BOOT_QEMU=qemu-system-riscv64
	BOOT_MACHINE=(-M virt -bios default "${VIRT_KEYBOARD[@]}")
	BOOT_CONSOLE=ttyS0 BOOT_CONSOLE_DEV=4:64 BOOT_QEMU_PACKAGE=qemu-system-misc
	BOOT_HALT_STAYS_UP=
	;;
armhf)
	# The 32-bit virt board, as aarch64's; PSCI for power-off and reset.
	BOOT_QEMU=qemu-system-arm
	BOOT_MACHINE=(-M virt -cpu cortex-a15 "${VIRT_KEYBOARD[@]}")
	BOOT_CONSOLE=ttyAMA0 BOOT_CONSOLE_DEV=204:64 BOOT_QEMU_PACKAGE=qemu-system-arm
	BOOT_HALT_STAYS_UP=1
	;;
i386)
	# A PC, as x86_64's, with a 32-bit CPU.
	BOOT_QEMU=qemu-system-i386 BOOT_MACHINE=()
	BOOT_CONSOLE=ttyS0 BOOT_CONSOLE_DEV=4:64 BOOT_QEMU_PACKAGE=qemu-system-x86
	BOOT_HALT_STAYS_UP=1
	;;
ppc64el)
	# QEMU's own SLOF firmware starts the kernel; the console is the
	# hypervisor's (hvc0), power-off and reset go through RTAS. The cap-*
	# settings turn off the speculation mitigations TCG cannot emulate,
	# which it would otherwise warn of on every boot.
	BOOT_QEMU=qemu-system-ppc64
	# shellcheck disable=SC2054 # one argument: -M takes its properties with commas
	BOOT_MACHINE=(-M pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off
		-device virtio-keyboard-pci)
	BOOT_CONSOLE=hvc0 BOOT_CONSOLE_DEV=229:0 BOOT_QEMU_PACKAGE=qemu-system-ppc
	BOOT_HALT_STAYS_UP=
	;;
s390x)
	# QEMU's s390-ccw firmware; -serial is the SCLP's ASCII console, which
	# Linux calls ttysclp0 (4:65), and a virtio keyboard on the channel
	# subsystem. Linux powers off and halts alike, by stopping every CPU,
	# which QEMU takes for a power-off; the SCLP console is written to
	# asynchronously, and the kernel's lines after its reboot notifiers
	# ("reboot: Power down", "Restarting system", "System halted") never
	# come out. QEMU's trace of its shutdown request tells a power-off
	# (reason 6, the guest's own) from a reboot, which -no-reboot ends
	# without one.
	BOOT_QEMU=qemu-system-s390x
	BOOT_MACHINE=(-M s390-ccw-virtio -device virtio-keyboard-ccw
		-trace qemu_system_shutdown_request)
	BOOT_CONSOLE=ttysclp0 BOOT_CONSOLE_DEV=4:65 BOOT_QEMU_PACKAGE=qemu-system-misc
	BOOT_HALT_STAYS_UP='' BOOT_LAST_LINES=''
	# shellcheck disable=SC2034 # read by boot_skip_unsupported
	BOOT_UNSUPPORTED='halt|ignores SIGTERM is killed after the grace period'
	BOOT_UNSUPPORTED_WHY="s390x: the kernel's last lines never reach the SCLP console: no 'System halted' (and QEMU ends a halted machine as a powered-off one), no time stamp of 'Power down' to measure the grace period by"
	;;
*)
	echo "boot.bash: no machine for BOOT_ARCH '$BOOT_ARCH'" \
		"(x86_64, aarch64, riscv64, armhf, i386, ppc64el, s390x)" >&2
	return 1
	;;
esac
# Each board's status port, for SEXTON_STATUS: a second serial port or a
# virtio console whose output QEMU writes to the file $VM/status, and the
# device the guest sees. x86_64's second UART (ttyS1, COM2) is built in;
# aarch64's virtio console is a module on virtio-mmio (scenario/status.sh
# loads it), riscv64 has virtio-pci and the virtio console built in. Where
# there is none, the status tests are skipped.
# shellcheck disable=SC2034,SC2054 # boot.bats reads them; -chardev takes commas
boot_status_port() {
	local file=$1
	case $BOOT_ARCH in
	x86_64 | i386)
		BOOT_STATUS_QEMU=(-serial "file:$file") BOOT_STATUS_DEV=/dev/ttyS1 ;;
	aarch64)
		BOOT_STATUS_QEMU=(-device virtio-serial-device -chardev "file,id=status,path=$file"
			-device virtconsole,chardev=status) BOOT_STATUS_DEV=/dev/hvc0 ;;
	riscv64)
		BOOT_STATUS_QEMU=(-device virtio-serial-pci -chardev "file,id=status,path=$file"
			-device virtconsole,chardev=status) BOOT_STATUS_DEV=/dev/hvc0 ;;
	*) return 1 ;;
	esac
}
# The disk of the tests that need one (a data disk, a root file system): an
# NVMe drive, which Debian's x86_64 and arm64 kernels have built in with
# ext4 (their virtio-blk is a module), so that a root disk needs no
# initramfs. Elsewhere (riscv64 has NVMe, ext4 and ext4's own dependencies
# as modules) the disk tests are skipped, with BOOT_NO_DISK as the reason.
# shellcheck disable=SC2034 # boot.bats reads it
BOOT_NO_DISK="$BOOT_ARCH: Debian's kernel has no NVMe and ext4 built in (only x86_64's and arm64's have)"
# shellcheck disable=SC2034,SC2054 # boot.bats reads them; -drive takes commas
boot_disk_args() {
	case $BOOT_ARCH in x86_64 | aarch64) ;; *) return 1 ;; esac
	BOOT_DISK_QEMU=(-drive "file=$1,format=raw,if=none,id=disk0"
		-device nvme,serial=sexton0,drive=disk0)
	BOOT_DISK_DEV=/dev/nvme0n1
}
QEMU="${QEMU:-$BOOT_QEMU}"
# Whether the console shows the kernel's last line ("reboot: Power down");
# every board but s390x's does.
BOOT_LAST_LINES="${BOOT_LAST_LINES-1}"
# Guest memory, MiB. Debian's riscv64 kernel needs at least 96.
BOOT_MEMORY="${BOOT_MEMORY:-256}"
bats_require_minimum_version 1.5.0

# boot_start [ARGS...]: start the machine in the background. ARGS follow `--`
# on the kernel's command line, which passes them on to sexton: sexton's
# options, then the workload. Without ARGS there is no `--`. Set before it:
#   VM_QEMU     more of QEMU's arguments (a status port, a disk)
#   VM_KERNEL   more words for the kernel's command line, before `--`; a
#               NAME=VALUE the kernel does not know becomes init's
#               environment (SEXTON_STATUS=/dev/ttyS1)
#   VM_ROOT     boot with no initramfs, from the root file system on this
#               device (root=, rw); VM_KERNEL then says init=
boot_start() {
	local cmdline="console=$BOOT_CONSOLE panic=-1" initrd=(-initrd "$BOOT_INITRD")

	if [ -n "${VM_ROOT:-}" ]; then
		cmdline+=" root=$VM_ROOT rootfstype=ext4 rw rootwait" initrd=()
	else
		cmdline+=" rdinit=/init"
	fi
	cmdline+=" printk.time=1 quiet${VM_KERNEL:+ $VM_KERNEL}"
	[ $# -eq 0 ] || cmdline+=" -- $*"
	VM="$BATS_TEST_TMPDIR/vm"
	mkdir -p "$VM"
	# a test's second boot: a FIFO of its own
	[ -z "${VM_IN:-}" ] || exec {VM_IN}>&-
	rm -f "$VM/in"
	mkfifo "$VM/in"
	# Read-write, so that neither this open nor QEMU's read ever waits for
	# the other end, and QEMU never sees an end of file.
	exec {VM_IN}<>"$VM/in"
	VM_STARTED=
	VM_T0=$(date +%s.%N)
	# 3>&-: bats waits for every holder of its fd 3 before it goes on.
	timeout --kill-after=5 "$BOOT_LIMIT" "$QEMU" "${BOOT_MACHINE[@]}" -accel tcg \
		-m "$BOOT_MEMORY" -nodefaults -nographic -no-reboot -serial mon:stdio \
		"${VM_QEMU[@]}" -kernel "$BOOT_KERNEL" "${initrd[@]}" -append "$cmdline" \
		<&"$VM_IN" >"$VM/serial.log" 2>"$VM/qemu.err" 3>&- &
	VM_PID=$!
}

vm_running() {
	[ -n "${VM_PID:-}" ] && kill -0 "$VM_PID" 2>/dev/null
}

# boot_wait_for TEXT [SECONDS]: wait until TEXT shows in the serial log, at
# most SECONDS (default: the boot's bound). VM_STARTED is when the line
# "workload-start" showed, if that was waited for.
boot_wait_for() {
	local text=$1 limit=${2:-$BOOT_LIMIT} start=$SECONDS

	until grep -qF -- "$text" "$VM/serial.log"; do
		if ! vm_running; then
			grep -qF -- "$text" "$VM/serial.log" && break
			echo "QEMU ended before '$text' showed on the console"
			return 1
		fi
		if ((SECONDS - start >= limit)); then
			echo "'$text' did not show on the console within $limit s"
			return 1
		fi
		sleep 0.05
	done
	[ "$text" != workload-start ] || VM_STARTED=$(date +%s.%N)
}

# boot_type TEXT: type TEXT (printf %b escapes: \003 is Ctrl-C, \r Enter)
# on the serial console.
boot_type() {
	printf '%b' "$1" >&"$VM_IN"
}

# boot_monitor COMMAND: run a QEMU monitor command, then switch back to the
# serial console.
boot_monitor() {
	printf '\001c%s\r\001c' "$1" >&"$VM_IN"
}

# boot_halted: after "reboot: System halted", the machine stays up: end
# QEMU from its monitor. Where the kernel halts by powering off (riscv64),
# QEMU ends by itself.
boot_halted() {
	if [ -n "$BOOT_HALT_STAYS_UP" ]; then
		vm_running || { echo "QEMU ended after the halt"; return 1; }
		boot_monitor quit
	fi
	boot_end
}

# boot_end: wait for QEMU to end (it is bounded by its timeout). Sets
# VM_STATUS (124: the bound was hit) and LOG, the serial log without CRs.
boot_end() {
	VM_STATUS=0
	wait "$VM_PID" || VM_STATUS=$?
	VM_PID=
	VM_T1=$(date +%s.%N)
	LOG=$(tr -d '\r' <"$VM/serial.log")
}

# boot_teardown: end a QEMU still running, close the FIFO, and show the
# serial log of a failed test.
boot_teardown() {
	if vm_running; then
		kill "$VM_PID" 2>/dev/null || true
		wait "$VM_PID" 2>/dev/null || true
	fi
	[ -z "${VM_IN:-}" ] || exec {VM_IN}>&-
	if [ -z "${BATS_TEST_COMPLETED:-}" ] && [ -f "${VM:-}/serial.log" ]; then
		echo "--- serial console ($VM/serial.log)"
		tr -d '\r' <"$VM/serial.log"
		echo "--- QEMU's stderr"
		cat "$VM/qemu.err"
	fi
}

# ---- assertions on LOG, after boot_end ------------------------------------

log_has() {
	grep -qF -- "$1" <<<"$LOG" || { echo "not on the console: '$1'"; return 1; }
}

log_lacks() {
	! grep -qF -- "$1" <<<"$LOG" || { echo "on the console: '$1'"; return 1; }
}

# log_order FIRST SECOND: both show, FIRST on an earlier line.
log_order() {
	local a b
	a=$(grep -nF -m1 -- "$1" <<<"$LOG" | cut -d: -f1)
	b=$(grep -nF -m1 -- "$2" <<<"$LOG" | cut -d: -f1)
	if [ -z "$a" ] || [ -z "$b" ] || [ "$a" -ge "$b" ]; then
		echo "not in this order on the console: '$1', then '$2'"
		return 1
	fi
}

no_panic() {
	log_lacks "Kernel panic"
	log_lacks "Attempted to kill init"
}

# ended_with ACTION: QEMU ended by itself (not by its bound), sexton said
# it would ACTION (powering off, rebooting), the kernel did it, no panic.
ended_with() {
	local kernel
	case $1 in
	"powering off") kernel="reboot: Power down" ;;
	rebooting) kernel="reboot: Restarting system" ;;
	esac
	[ "$VM_STATUS" -eq 0 ] || { echo "QEMU's status: $VM_STATUS"; return 1; }
	log_has "sexton: $1"
	if [ -n "$BOOT_LAST_LINES" ]; then
		log_has "$kernel"
		log_order "sexton: $1" "$kernel"
	else
		qemu_ended_as "$1"
	fi
	no_panic
}

# qemu_ended_as ACTION: where the console loses the kernel's last line
# (s390x), QEMU's trace says how the machine ended: a power-off requests a
# shutdown for the guest (reason 6), a reboot under -no-reboot does not.
qemu_ended_as() {
	local request="qemu_system_shutdown_request reason=6"
	case $1 in
	"powering off")
		grep -qF "$request" "$VM/qemu.err" || { echo "QEMU saw no power-off"; return 1; }
		;;
	rebooting)
		! grep -q qemu_system_shutdown_request "$VM/qemu.err" ||
			{ echo "QEMU saw a power-off, not a reboot"; return 1; }
		;;
	esac
}

# boot_skip_unsupported: skip a test the board cannot do (BOOT_UNSUPPORTED,
# a regular expression of test names), saying why.
boot_skip_unsupported() {
	if [ -n "${BOOT_UNSUPPORTED:-}" ] && grep -qE -- "$BOOT_UNSUPPORTED" <<<"$BATS_TEST_DESCRIPTION"; then
		skip "$BOOT_UNSUPPORTED_WHY"
	fi
}

# Every test starts there; boot.bats may define its own setup and call it.
setup() {
	VM="$BATS_TEST_TMPDIR/vm" VM_QEMU=() VM_KERNEL='' VM_ROOT=''
	boot_skip_unsupported
}

powered_off() { ended_with "powering off"; }
rebooted() { ended_with rebooting; }

# ---- timings ---------------------------------------------------------------

# kernel_at TEXT: the printk time stamp of the kernel's line with TEXT.
kernel_at() {
	grep -F -- "$1" <<<"$LOG" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p' | head -n 1
}

# timing WHAT SECONDS: report a figure (bats shows it) and keep it.
timing() {
	printf '# %s: %s s\n' "$1" "$2" >&3
	printf '%s: %s s\n' "$1" "$2" >>"$BOOT_TIMINGS"
}

# boot_timings NAME [END]: the figures of this boot: QEMU start to the
# workload's first line (host clock, when workload-start was waited for),
# kernel start to the workload, and the workload's last stamp to the
# kernel's END line (default: its power-down), both on the kernel's clock;
# then the whole run (host clock).
boot_timings() {
	local name=$1 end=${2:-reboot: Power down} start last down

	start=$(kernel_at "stamp: workload-start")
	last=$(kernel_at "stamp: workload-end")
	down=$(kernel_at "$end")
	[ -z "$VM_STARTED" ] ||
		timing "$name: QEMU start to workload (host)" "$(calc "$VM_STARTED - $VM_T0")"
	[ -z "$start" ] || timing "$name: kernel start to workload (guest)" "$start"
	[ -z "$last" ] || [ -z "$down" ] ||
		timing "$name: workload end to '$end' (guest)" "$(calc "$down - $last")"
	timing "$name: whole run (host)" "$(calc "$VM_T1 - $VM_T0")"
}

calc() {
	awk "BEGIN { printf \"%.2f\", $1 }"
}
