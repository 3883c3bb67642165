#!/usr/bin/env bats
# sexton exits with the workload's status, 128+N for signal N, 126/127 when
# the program cannot be run, and -e remaps codes to 0.

load common

@test "every exit code 0..255 comes back unchanged" {
	# 256 runs in one namespace keep this fast; the PID 1 case of a sample
	# of codes is the next test.
	run pid1 sh -c '
		i=0
		while [ $i -le 255 ]; do
			"$1" sh -c "exit $i"; got=$?
			[ $got -eq $i ] || { echo "exit $i gave $got"; exit 1; }
			i=$((i + 1))
		done' sh "$SEXTON"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "exit codes as PID 1: 0, 1, 2, 100, 254, 255" {
	for code in 0 1 2 100 254 255; do
		run pid1 "$SEXTON" sh -c "exit $code"
		[ "$status" -eq "$code" ] || { echo "exit $code gave $status"; false; }
	done
}

@test "a workload killed by signal N gives 128+N" {
	for sig in 1 2 3 6 9 10 12 14 15 31 34 50 64; do
		run pid1 "$SEXTON" sh -c "kill -$sig \$\$; sleep 5"
		[ "$status" -eq $((128 + sig)) ] || { echo "signal $sig gave $status"; false; }
	done
}

@test "a program that does not exist: 127 and one line naming it" {
	run -127 --separate-stderr pid1 "$SEXTON" no-such-program-xyz arg
	[ "$stderr" = "sexton: cannot run 'no-such-program-xyz': No such file or directory" ]
	run -127 --separate-stderr pid1 "$SEXTON" /nonexistent/dir/prog
	[[ "$stderr" == *"'/nonexistent/dir/prog'"* ]]
}

@test "a file that is not executable: 126 and one line naming it" {
	printf '#!/bin/sh\nexit 0\n' >"$BATS_TEST_TMPDIR/noexec"
	chmod 0644 "$BATS_TEST_TMPDIR/noexec"
	run -126 --separate-stderr pid1 "$SEXTON" "$BATS_TEST_TMPDIR/noexec"
	[ "$stderr" = "sexton: cannot run '$BATS_TEST_TMPDIR/noexec': Permission denied" ]
}

@test "a directory: 126" {
	run -126 --separate-stderr pid1 "$SEXTON" "$BATS_TEST_TMPDIR"
	[[ "$stderr" == "sexton: cannot run '$BATS_TEST_TMPDIR': "* ]]
}

@test "a file of no executable format (no #!) is not run through sh: 126" {
	printf 'not a program\n' >"$BATS_TEST_TMPDIR/junk"
	chmod 0755 "$BATS_TEST_TMPDIR/junk"
	run -126 --separate-stderr pid1 "$SEXTON" "$BATS_TEST_TMPDIR/junk"
	[[ "$stderr" == "sexton: cannot run '$BATS_TEST_TMPDIR/junk': "* ]]
}

@test "PATH lookup finds programs by name" {
	mkdir "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\nexit 42\n' >"$BATS_TEST_TMPDIR/bin/my-prog"
	chmod 0755 "$BATS_TEST_TMPDIR/bin/my-prog"
	run env PATH="$BATS_TEST_TMPDIR/bin:$PATH" timeout 10 "$SEXTON" my-prog
	[ "$status" -eq 42 ]
}

@test "-e CODE turns CODE into 0 and leaves other codes alone" {
	run pid1 "$SEXTON" -e 143 sh -c 'exit 143'
	[ "$status" -eq 0 ]
	run pid1 "$SEXTON" -e 143 sh -c 'exit 1'
	[ "$status" -eq 1 ]
	run pid1 "$SEXTON" -e 143 sh -c 'kill -TERM $$; sleep 5'
	[ "$status" -eq 0 ]
	run pid1 "$SEXTON" -e 0 -e 255 sh -c 'exit 255'
	[ "$status" -eq 0 ]
	run pid1 "$SEXTON" -e 1 -e 2 sh -c 'exit 3'
	[ "$status" -eq 3 ]
}

@test "PATH: a non-executable match does not hide a later executable one; alone it gives 126" {
	mkdir "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	printf '#!/bin/sh\nexit 1\n' >"$BATS_TEST_TMPDIR/a/prog"
	printf '#!/bin/sh\nexit 42\n' >"$BATS_TEST_TMPDIR/b/prog"
	chmod 0644 "$BATS_TEST_TMPDIR/a/prog"
	chmod 0755 "$BATS_TEST_TMPDIR/b/prog"
	run timeout 10 env PATH="$BATS_TEST_TMPDIR/a:$BATS_TEST_TMPDIR/b" "$SEXTON" prog
	[ "$status" -eq 42 ]
	run -126 --separate-stderr timeout 10 env PATH="$BATS_TEST_TMPDIR/a" "$SEXTON" prog
	[ "$stderr" = "sexton: cannot run 'prog': Permission denied" ]
}

@test "PATH: an empty entry means the working directory" {
	printf '#!/bin/sh\nexit 43\n' >"$BATS_TEST_TMPDIR/here-prog"
	chmod 0755 "$BATS_TEST_TMPDIR/here-prog"
	cd "$BATS_TEST_TMPDIR"
	run timeout 10 env PATH="/nonexistent::/also-not" "$SEXTON" here-prog
	[ "$status" -eq 43 ]
}

@test "an empty program name: 127" {
	run -127 --separate-stderr timeout 10 "$SEXTON" ''
	[ "$stderr" = "sexton: cannot run '': No such file or directory" ]
}
