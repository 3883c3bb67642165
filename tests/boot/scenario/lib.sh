# Sourced by every scenario. The kernel starts init with no PATH at all.
PATH=/sbin:/usr/sbin:/bin:/usr/bin
export PATH

# stamp WORD: print "WORD SECONDS", the time since the kernel started (from
# /proc/uptime; 0 when /proc is not there), and log "stamp: WORD" through the
# kernel, so that the console shows it with the kernel's own time stamp, the
# clock of its "reboot: Power down" line. Level 3: above "quiet"'s threshold.
stamp() {
	up=0
	[ -r /proc/uptime ] && read -r up _ </proc/uptime
	echo "$1 $up"
	[ -w /dev/kmsg ] && echo "<3>stamp: $1" >/dev/kmsg
}

# wait_for_file PATH: wait up to 10 s for PATH to exist.
wait_for_file() {
	n=0
	while [ ! -e "$1" ] && [ "$n" -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ -e "$1" ]
}

# load_modules: load the kernel modules of the initramfs, in the order of
# their names (tests/boot/fetch numbers them): the virtio keyboard of the
# boards that have no PC keyboard. Elsewhere there are none.
load_modules() {
	for module in /lib/modules/*.ko; do
		[ -e "$module" ] || continue
		insmod "$module" || echo "insmod $module failed"
	done
}

# write_data DIR: write DIR/data.txt, 1000 numbered lines, without sync; the
# host reads it back from the disk image.
write_data() {
	i=0
	while [ "$i" -lt 1000 ]; do
		echo "line $i"
		i=$((i + 1))
	done >"$1/data.txt"
	echo "wrote $1/data.txt"
}
