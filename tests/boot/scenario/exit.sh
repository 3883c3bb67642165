# exit.sh STATUS: exit with STATUS at once.
. /scenario/lib.sh
stamp workload-start
stamp workload-end
exit "${1:-0}"
