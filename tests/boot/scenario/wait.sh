# wait.sh: print a ready line and wait to be ended from outside.
. /scenario/lib.sh
stamp workload-start
echo "scenario ready"
sleep 60
echo "still running"
