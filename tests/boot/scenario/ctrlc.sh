# ctrlc.sh: catch a first Ctrl-C from the console, then die of a second one.
. /scenario/lib.sh
stamp workload-start
trap 'echo "workload got SIGINT"; : >/got-sigint' INT
echo "scenario ready"
# A Ctrl-C ends the sleep (same process group) and runs the trap.
n=0
while [ ! -e /got-sigint ] && [ "$n" -lt 60 ]; do
	sleep 1
	n=$((n + 1))
done
trap - INT
echo "scenario ready again"
exec sleep 60
