# status.sh STATUS: wait for the status port (SEXTON_STATUS, loading the
# kernel's modules for it where it has them as modules), leave a leftover
# whose SIGTERM handler takes a moment, and exit with STATUS: the line on
# the port must come after the teardown.
. /scenario/lib.sh
stamp workload-start
load_modules
wait_for_file "$SEXTON_STATUS" || echo "no status port $SEXTON_STATUS"
setsid sh -c 'trap "sleep 0.5; echo leftover done; exit 0" TERM
	: >/leftover-ready
	while :; do sleep 1; done' &
wait_for_file /leftover-ready || echo "leftover did not start"
stamp workload-end
exit "$1"
