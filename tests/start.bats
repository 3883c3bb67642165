#!/usr/bin/env bats
# The workload's clean start: empty signal mask, the caller's ignored signals
# and nothing of sexton's, no leaked descriptors, its own process group, and
# the same environment, directory, umask and argv.

load common

# field KEY: the value procinfo printed for KEY.
field() {
	sed -n "s/^$1 //p" <<<"$output"
}

@test "the workload starts with an empty signal mask, even if the caller blocked signals" {
	run pid1 spawnwith -b 15 -b 2 -b 10 -- "$SEXTON" procinfo
	[ "$status" -eq 0 ]
	[ "$(field sigblk)" = 0000000000000000 ]
}

# ignored_by CMD...: the SigIgn mask that procinfo sees when CMD runs it.
ignored_by() {
	"$@" procinfo | sed -n 's/^sigign //p'
}

@test "signals the caller ignored stay ignored; sexton adds none of its own" {
	# The test's own caller may ignore some signals already (a background
	# job ignores SIGINT and SIGQUIT): compare with procinfo run directly.
	local direct
	direct=$(ignored_by spawnwith -i 1 -i 12 --)
	[ $((0x$direct & 0x801)) -eq $((0x801)) ]
	run pid1 spawnwith -i 1 -i 12 -- "$SEXTON" procinfo
	[ "$status" -eq 0 ]
	[ "$(field sigign)" = "$direct" ]
	run pid1 "$SEXTON" procinfo
	[ "$(field sigign)" = "$(ignored_by env)" ]
}

@test "nohup sexton: SIGHUP stays ignored for the workload" {
	run pid1 nohup "$SEXTON" procinfo
	[ "$(field sigign)" = "$(ignored_by nohup)" ]
	[ $((0x$(field sigign) & 1)) -eq 1 ]
}

@test "a caller's ignored SIGCHLD: sexton still sees the exit status, the child keeps it ignored" {
	# With SIGCHLD ignored the kernel would reap the child before sexton could
	run pid1 spawnwith -i 17 -- "$SEXTON" sh -c 'exit 5'
	[ "$status" -eq 5 ]
	run pid1 spawnwith -i 17 -- "$SEXTON" procinfo
	[ "$(field sigign)" = "$(ignored_by spawnwith -i 17 --)" ]
	[ $((0x$(field sigign) & 0x10000)) -ne 0 ]
}

@test "no descriptor of sexton's leaks; the caller's pass through untouched" {
	run pid1 "$SEXTON" procinfo
	local base=$(field fds)
	exec 7</dev/null 9>"$BATS_TEST_TMPDIR/nine"
	run pid1 "$SEXTON" procinfo
	exec 7<&- 9>&-
	[ "$(field fds)" = "$(echo $base 7 9 | tr ' ' '\n' | sort -n | uniq | tr '\n' ' ' | sed 's/ $//')" ] ||
		{ echo "base: $base; got: $(field fds)"; false; }
}

@test "only fds 0, 1 and 2 when the caller passed only those" {
	run pid1 spawnwith -C -- "$SEXTON" procinfo
	[ "$status" -eq 0 ]
	[ "$(field fds)" = "0 1 2" ]
}

@test "closed stdin, stdout or stderr: sexton opens /dev/null there, the workload runs" {
	run pid1 sh -c 'exec "$0" procinfo <&-' "$SEXTON"
	[ "$status" -eq 0 ]
	[[ "$(field fds)" == "0 1 2"* ]]
	run --separate-stderr pid1 sh -c 'exec "$0" sh -c "exit 6" 2>&-' "$SEXTON"
	[ "$status" -eq 6 ]
}

@test "the workload has a process group of its own" {
	run pid1 "$SEXTON" procinfo
	[ "$(field pgrp-leader)" = yes ]
}

@test "same environment, working directory and umask" {
	cd "$BATS_TEST_TMPDIR"
	run pid1 env -i FOO='bar baz' EMPTY= PATH="$PATH" sh -c 'umask 027; exec "$0" sh -c "env; pwd; umask"' "$SEXTON"
	[ "$status" -eq 0 ]
	grep -qx 'FOO=bar baz' <<<"$output"
	grep -qx 'EMPTY=' <<<"$output"
	grep -qx "$BATS_TEST_TMPDIR" <<<"$output"
	grep -qx '0027' <<<"$output"
	[ "$(grep -c = <<<"$output")" -eq 4 ] # FOO, EMPTY, PATH, and sh's own PWD
}

@test "argv arrives byte for byte: spaces, newlines, empty strings, non-UTF-8" {
	local args=("" "a b" $'line\nbreak' $'\xff\xfe' '-x' '--' '*' '$HOME' ' ')
	local dump='for a in "$@"; do printf "%s" "$a" | od -An -tx1; echo .; done'
	local expected
	expected=$(sh -c "$dump" sh "${args[@]}")
	run pid1 "$SEXTON" sh -c "$dump" sh "${args[@]}"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^\.$' <<<"$output")" -eq "${#args[@]}" ]
	[ "$output" = "$expected" ]
}

@test "a huge argv (1 MiB in 20 000 arguments) arrives whole" {
	run pid1 "$SEXTON" sh -c 'echo $#; printf "%s" "$*" | md5sum' sh $(seq -f 'argument-%025g' 1 20000)
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 20000 ]
	[ "${lines[1]}" = "$(echo $(seq -f 'argument-%025g' 1 20000) | tr -d '\n' | md5sum)" ]
}

@test "sexton moves to / after the fork; the workload keeps its directory" {
	cd "$BATS_TEST_TMPDIR"
	start_bg pid1 "$SEXTON" sh -c 'pwd; echo ready; exec sleep 1000'
	expect_line "$BATS_TEST_TMPDIR"
	expect_line ready
	[ "$(readlink /proc/"$(sexton_host_pid)"/cwd)" = / ]
	[ "$(readlink /proc/"$(child_host_pid)"/cwd)" = "$BATS_TEST_TMPDIR" ]
}
