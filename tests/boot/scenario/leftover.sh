# leftover.sh trap|ignore: leave a process behind that, on SIGTERM, either
# runs a handler that takes a second (trap), or nothing (ignore), then exit 0.
# The leftover is a daemon in a session of its own: in the workload's process
# group it would die of the SIGHUP the kernel sends to the terminal's
# foreground group when the workload, the session leader, exits.
. /scenario/lib.sh
stamp workload-start
case $1 in
trap)
	setsid sh -c 'trap "echo leftover got SIGTERM; sleep 1; echo leftover done; exit 0" TERM
		: >/leftover-ready
		while :; do sleep 1; done' &
	;;
ignore)
	setsid sh -c 'trap "" TERM
		: >/leftover-ready
		while :; do sleep 1; done' &
	;;
esac
wait_for_file /leftover-ready || echo "leftover did not start"
stamp workload-end
exit 0
