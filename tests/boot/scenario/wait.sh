# wait.sh: print a ready line and wait to be ended from outside.
. /scenario/lib.sh
stamp workload-start
# Ctrl-Alt-Del comes from a keyboard: its driver first, where it is a module.
load_modules
echo "scenario ready"
sleep 60
echo "still running"
