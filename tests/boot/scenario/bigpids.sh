# bigpids.sh: leave behind a daemon whose pid is above 2^16, which ignores
# SIGTERM, then exit 0. A 64-bit kernel takes a pid_max of up to 2^22; a
# 32-bit one keeps it at 32768 (PID_MAX_LIMIT): then it says so and exits.
# ns_last_pid makes the daemon's pid 100000: the `&` fork is the next pid,
# and setsid (not a group leader) and exec keep it.
. /scenario/lib.sh
stamp workload-start
if ! echo 4194304 2>/dev/null >/proc/sys/kernel/pid_max; then
	echo "pid_max stays at $(cat /proc/sys/kernel/pid_max)"
	exit 0
fi
echo 99999 >/proc/sys/kernel/ns_last_pid
setsid sh -c 'trap "" TERM
	: >/bigpid-ready
	exec sleep 60' &
echo "leftover pid $!"
wait_for_file /bigpid-ready || echo "leftover did not start"
stamp workload-end
exit 0
