# applet.sh APPLET: run busybox's halt, poweroff or reboot, which only signal
# PID 1, then wait to be ended by the shutdown.
. /scenario/lib.sh
stamp workload-start
stamp workload-end
"$1"
echo "$1 returned $?"
sleep 60
echo "still running after $1"
