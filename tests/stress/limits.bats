#!/usr/bin/env bats
# Resource limits and the largest command line the kernel takes.

load stress

# RLIMIT_NPROC binds only an unprivileged user (root and CAP_SYS_RESOURCE are
# exempt), so setpriv drops to nobody first; prlimit then sets the limit and
# becomes sexton. With a limit of 1, sexton itself is the one process allowed.
AS_NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups)

# The limits below are about sexton, not about a sanitizer runtime: a dynamic
# build cannot load its libraries with no fd to spare, LeakSanitizer needs a
# process of its own at exit (so RLIMIT_NPROC 1 defeats it), and ASan's start-up
# spins when it cannot open /proc/self/cmdline. Those runs test the static one.
static_sexton_only() {
	if LC_ALL=C readelf -l "$SEXTON" | grep -q 'program interpreter'; then
		skip "$SEXTON is dynamically linked (a sanitizer build?)"
	fi
}

@test "RLIMIT_NPROC 1: the first fork fails with a clear error and exit 125" {
	static_sexton_only
	run --separate-stderr pid1 "${AS_NOBODY[@]}" prlimit --nproc=1 "$SEXTON" true
	[ "$status" -eq 125 ]
	[ "$stderr" = "sexton: cannot start 'true': fork: Resource temporarily unavailable" ]
	[ -z "$output" ]
}

@test "RLIMIT_NOFILE 3: sexton reaps and reports without any fd to spare" {
	static_sexton_only
	# -w reads each orphan's name from /proc, which fails with EMFILE here:
	# the warning still names the pid.
	run --separate-stderr pid1 prlimit --nofile=3 "$SEXTON" -w flood serial 20
	echo "$output / $stderr"
	[ "$status" -eq 0 ]
	[ "$output" = "made 20 eagain 0" ]
	[ "$(grep -c '^sexton: reaped zombie [0-9]* (exited with status 0)$' <<<"$stderr")" -eq 20 ]
	[ "$(wc -l <<<"$stderr")" -eq 20 ]
}

@test "RLIMIT_NOFILE 3 with stdin, stdout and stderr closed: sexton still runs and reaps" {
	static_sexton_only
	# prlimit is dynamic: it loads its libraries before it sets the limit.
	run --separate-stderr pid1 sh -c \
		'exec prlimit --nofile=3 "$0" flood serial 5 <&- >&- 2>&-' "$SEXTON"
	[ "$status" -eq 0 ]
}

@test "RLIMIT_NPROC 1 and RLIMIT_NOFILE 3 together: exit 125, one line" {
	static_sexton_only
	run --separate-stderr pid1 "${AS_NOBODY[@]}" prlimit --nproc=1 --nofile=3 "$SEXTON" true
	[ "$status" -eq 125 ]
	[ "$stderr" = "sexton: cannot start 'true': fork: Resource temporarily unavailable" ]
}

@test "argv and environment within 4 KiB of the execve limit pass through unchanged" {
	run --separate-stderr pid1 bigexec "$SEXTON" "$PROBES/argcheck"
	echo "$output / $stderr"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	expected=$(grep '^digest ' <<<"$output" | tail -n 2 | head -n 1)
	got=$(tail -n 1 <<<"$output")
	[ "$got" = "$expected" ]
	figure "$(grep '^execve ' <<<"$output" | tail -n 1), $(grep -c '^execve ' <<<"$output") attempts"
}
