# hangup.sh: start a helper with `&`, as a script does, in the workload's
# own process group on the console (no setsid), then exit. The helper must
# live on until the teardown's SIGTERM and run its handler: the workload's
# exit must not hang the console up (which would send SIGHUP to the
# helper's group first).
. /scenario/lib.sh
stamp workload-start
sh -c 'trap "echo helper got SIGHUP; exit 1" HUP
	trap "echo helper got SIGTERM; sleep 1; echo helper done; exit 0" TERM
	read -r _ _ _ _ pgrp _ </proc/$$/stat
	echo "helper in group $pgrp"
	: >/helper-ready
	while :; do sleep 1; done' &
wait_for_file /helper-ready || echo "helper did not start"
read -r _ _ _ _ pgrp _ </proc/$$/stat
echo "workload group $pgrp"
stamp workload-end
exit 0
