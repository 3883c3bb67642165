# signals.sh: send PID 1 a signal that asks for no shutdown (SIGHUP), which
# sexton forwards to the workload, then SIGPWR, which powers off.
. /scenario/lib.sh
stamp workload-start
trap 'echo "workload got SIGHUP"; : >/got-sighup' HUP
kill -HUP 1
wait_for_file /got-sighup || echo "no SIGHUP came back"
stamp workload-end
kill -PWR 1
sleep 60
echo "still running"
