# Shared set-up for sexton's bats tests. Every test that needs PID 1 runs
# sexton as PID 1 of a fresh PID namespace, under a timeout.
ROOT="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
SEXTON="${SEXTON:-$ROOT/sexton}"
PROBES="$ROOT/tests/helpers"
PATH="$PROBES:$PATH"
# How long one sexton run may take before the test counts it as hung.
LIMIT="${LIMIT:-30}"
bats_require_minimum_version 1.5.0

# pid1 CMD...: run CMD as PID 1 of a new PID namespace (with its own /proc),
# bounded; --kill-child takes the namespace down if the run is cut short.
pid1() {
	timeout --kill-after=5 "$LIMIT" unshare --pid --fork --mount-proc --kill-child "$@"
}

# bounded CMD...: run CMD with the same bound, outside any new namespace.
bounded() {
	timeout --kill-after=5 "$LIMIT" "$@"
}

# start_bg CMD...: run CMD in the background with stdout into a FIFO that the
# test reads with expect_line, stderr into $ERR. $BG is its pid.
start_bg() {
	OUTFIFO="$BATS_TEST_TMPDIR/out.fifo"
	ERR="$BATS_TEST_TMPDIR/err"
	mkfifo "$OUTFIFO"
	"$@" >"$OUTFIFO" 2>"$ERR" &
	BG=$!
	exec {OUT}<"$OUTFIFO"
}

# expect_line TEXT [SECONDS]: read the background job's lines until one is
# exactly TEXT. Fails when the job ends or the time runs out first.
expect_line() {
	local line left end=$((SECONDS + ${2:-10}))
	while left=$((end - SECONDS)) && [ "$left" -gt 0 ] &&
		IFS= read -r -t "$left" -u "$OUT" line; do
		line=${line%$'\r'}
		[ "$line" = "$1" ] && return 0
		echo "# line: $line" >&3
	done
	echo "expected a line '$1', did not see it" >&2
	return 1
}

# wait_bg: wait for the background job; its exit status becomes $status.
wait_bg() {
	status=0
	wait "$BG" || status=$?
	BG=
}

# children PID: the pids of PID's children, one per line.
children() {
	cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep .
}

# sexton_host_pid: sexton's pid (as the test sees it) inside a start_bg of
# `pid1 "$SEXTON" ...`: timeout -> unshare -> sexton.
sexton_host_pid() {
	local unshare
	unshare=$(children "$BG" | head -n 1)
	children "$unshare" | head -n 1
}

# The workload's pid as the test sees it: sexton's only child.
child_host_pid() {
	children "$(sexton_host_pid)" | head -n 1
}

# proc_state PID: the one-letter state of a process (R, S, T, Z...).
proc_state() {
	sed -n 's/^State:[[:space:]]*\([A-Za-z]\).*/\1/p' /proc/"$1"/status
}

# await STATE PID [SECONDS]: wait for a process to reach a state. There is no
# event to wait on for "stopped", so this polls, bounded.
await_state() {
	local end=$((SECONDS + ${3:-10}))
	while [ "$SECONDS" -lt "$end" ]; do
		[ "$(proc_state "$2")" = "$1" ] && return 0
		sleep 0.01
	done
	echo "process $2 never reached state $1" >&2
	return 1
}

teardown() {
	# Only what this test started: the background job and its namespace.
	if [ -n "${BG:-}" ]; then
		kill -KILL "$BG" $(children "$BG") 2>/dev/null || true
		wait "$BG" 2>/dev/null || true
	fi
}
