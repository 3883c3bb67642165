# mounts.sh: report what the workload finds: the mounts, /dev/null, its
# stdio and its terminal. The harness checks the lines.
. /scenario/lib.sh
stamp workload-start
while read -r _ dir type _; do
	echo "mount $dir $type"
done </proc/mounts
[ -c /dev/null ] && echo "/dev/null is a character device"
echo x >/dev/null && echo "/dev/null is writable"
for fd in 0 1 2; do
	echo "fd $fd $(readlink /proc/$$/fd/$fd)"
done
# Fields 5 to 8 of /proc/PID/stat: pgrp, session, tty_nr, tpgid.
read -r _ _ _ _ pgrp session tty tpgid _ </proc/$$/stat
echo "tty_nr $tty"
echo "session $session"
[ "$tpgid" = "$pgrp" ] && echo "foreground"
stamp workload-end
