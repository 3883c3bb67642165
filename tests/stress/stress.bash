# Shared set-up of the stress tests (tests/stress/*.bats): the main suite's
# common.bash, from a level deeper, with the probes that `make stress` builds
# into this directory.
ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
PROBES="$BATS_TEST_DIRNAME"
# The bound on one sexton run; a stress test sets its own where it needs more.
LIMIT="${LIMIT:-60}"
# pid1, children, sexton_host_pid, await_state, wait_bg and teardown come
# from the main suite; start_bg and expect_line are redefined below.
source "$ROOT/tests/common.bash"

# pid1_max N CMD...: the same with the namespace's pid_max set to N first.
# pid_max is per PID namespace (Linux 6.14 on) and is written through the
# namespace's own /proc; a shell does it, then becomes CMD, still PID 1.
pid1_max() {
	local max=$1
	shift
	pid1 sh -c 'echo "$0" >/proc/sys/kernel/pid_max && exec "$@"' "$max" "$@"
}

# figure TEXT: a measurement, shown in the bats output next to the test.
figure() {
	echo "# $BATS_TEST_DESCRIPTION: $*" >&3
	[ -z "${STRESS_FIGURES:-}" ] || echo "$BATS_TEST_DESCRIPTION: $*" >>"$STRESS_FIGURES"
}

# start_bg CMD...: CMD in the background, stdin from a FIFO the test writes
# with `say`, stdout into a FIFO read with expect_line, stderr into $ERR.
start_bg() {
	local in="$BATS_TEST_TMPDIR/in.fifo" out="$BATS_TEST_TMPDIR/out.fifo"
	ERR="$BATS_TEST_TMPDIR/err"
	mkfifo "$in" "$out"
	"$@" <"$in" >"$out" 2>"$ERR" &
	BG=$!
	exec {IN}>"$in" {OUT}<"$out"
}

say() {
	echo "$1" >&"$IN"
}

# expect_line PATTERN [SECONDS]: read lines until one matches the glob;
# it is left in $LINE.
expect_line() {
	local left end=$((SECONDS + ${2:-20}))
	while left=$((end - SECONDS)) && [ "$left" -gt 0 ] &&
		IFS= read -r -t "$left" -u "$OUT" LINE; do
		# shellcheck disable=SC2053 # a glob on purpose
		[[ "$LINE" == $1 ]] && return 0
		echo "# line: $LINE" >&3
	done
	echo "expected a line '$1', did not see it" >&2
	return 1
}

