# Shared set-up for sexton's bats tests. Every test that needs PID 1 runs
# sexton as PID 1 of a fresh PID namespace, under a timeout.
# A suite in a subfolder (tests/stress) sets ROOT, PROBES and LIMIT first.
ROOT="${ROOT:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}"
SEXTON="${SEXTON:-$ROOT/sexton}"
PROBES="${PROBES:-$ROOT/tests/helpers}"
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
	SEEN=()
	rm -f "$OUTFIFO"
	mkfifo "$OUTFIFO"
	"$@" >"$OUTFIFO" 2>"$ERR" &
	BG=$!
	exec {OUT}<"$OUTFIFO"
}

# expect_line TEXT [SECONDS]: wait until the background job has printed a
# line that is exactly TEXT. Lines from several processes may come in any
# order, so a line read while waiting for another is kept for a later call.
# Fails when the job ends or the time runs out first.
SEEN=()
expect_line() {
	local i line left end=$((SECONDS + ${2:-10}))
	for i in "${!SEEN[@]}"; do
		if [ "${SEEN[$i]}" = "$1" ]; then
			unset 'SEEN[i]'
			return 0
		fi
	done
	while left=$((end - SECONDS)) && [ "$left" -gt 0 ] &&
		IFS= read -r -t "$left" -u "$OUT" line; do
		line=${line%$'\r'}
		[ "$line" = "$1" ] && return 0
		SEEN+=("$line")
	done
	echo "expected a line '$1', did not see it; seen: ${SEEN[*]}" >&2
	return 1
}

# no_line TEXT: the job has not printed TEXT among the lines read so far.
no_line() {
	local l
	for l in "${SEEN[@]}"; do
		[ "$l" != "$1" ] || { echo "unexpected line '$1'" >&2; return 1; }
	done
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

# descendants PID: PID's descendants, parents before children.
descendants() {
	local c
	for c in $(children "$1"); do
		echo "$c"
		descendants "$c"
	done
}

# sexton_host_pid: the pid (as the test sees it) of the first sexton started
# by the background job.
sexton_host_pid() {
	local p
	for p in $(descendants "$BG"); do
		case $(cat /proc/"$p"/comm 2>/dev/null) in sexton*) echo "$p"; return 0 ;; esac
	done
	echo "no sexton under job $BG" >&2
	return 1
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
		kill -KILL "$BG" $(descendants "$BG") 2>/dev/null || true
		wait "$BG" 2>/dev/null || true
	fi
}
