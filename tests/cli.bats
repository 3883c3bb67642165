#!/usr/bin/env bats
# The command line: help, version, licence, parsing rules, and bad input.

load common

@test "-h prints usage on stdout and exits 0" {
	run --separate-stderr "$SEXTON" -h
	[ "$status" -eq 0 ]
	[[ "$output" == "usage: sexton "* ]]
	[ -z "$stderr" ]
}

@test "--help is the same as -h" {
	run --separate-stderr "$SEXTON" --help
	[ "$status" -eq 0 ]
	[[ "$output" == "usage: sexton "* ]]
}

@test "--version prints 'sexton version X.Y.Z - git.ID' on stdout and exits 0" {
	run --separate-stderr "$SEXTON" --version
	[ "$status" -eq 0 ]
	# " - git.ID" with no dot in ID: the form Docker reads for `docker info`
	[[ "$output" =~ ^sexton\ version\ [0-9]+\.[0-9]+\.[0-9]+\ -\ git\.[0-9a-z]+$ ]]
	[ -z "$stderr" ]
}

@test "-l prints the MIT licence and exits 0" {
	run --separate-stderr "$SEXTON" -l
	[ "$status" -eq 0 ]
	[[ "$output" == "MIT License"* ]]
}

@test "an unknown option is a one-line error naming it, exit 125" {
	run --separate-stderr bounded "$SEXTON" -x true
	[ "$status" -eq 125 ]
	[ "$stderr" = "sexton: unknown option '-x' (see sexton -h)" ]
	[ -z "$output" ]
}

@test "an unknown long option is an error naming it" {
	run --separate-stderr bounded "$SEXTON" --frobnicate true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"'--frobnicate'"* ]]
}

@test "no program is an error: the usage lines on stderr" {
	run --separate-stderr bounded "$SEXTON"
	[ "$status" -eq 125 ]
	[[ "$stderr" == "usage: sexton [OPTIONS] [--] PROGRAM [ARGS...]"* ]]
	run --separate-stderr bounded "$SEXTON" -g --
	[ "$status" -eq 125 ]
}

@test "an option that needs a value and has none is an error" {
	run --separate-stderr bounded "$SEXTON" -p
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"option '-p' needs a value"* ]]
	run --separate-stderr bounded "$SEXTON" -e
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"option '-e' needs a value"* ]]
}

@test "options stop at the first non-option: sexton prog -x passes -x to prog" {
	run --separate-stderr bounded "$SEXTON" echo -x -g --
	[ "$status" -eq 0 ]
	[ "$output" = "-x -g --" ]
}

@test "-- is optional and ends the options" {
	run --separate-stderr bounded "$SEXTON" -- echo a
	[ "$output" = "a" ]
	run -127 --separate-stderr bounded "$SEXTON" -g -- -prog-that-does-not-exist
	[ "$status" -eq 127 ]
	[[ "$stderr" == *"'-prog-that-does-not-exist'"* ]]
}

@test "combined flags and attached values: -gw, -e0, -pKILL" {
	run --separate-stderr bounded "$SEXTON" -gwe3 -pKILL -e 4 sh -c 'exit 3'
	[ "$status" -eq 0 ]
	run --separate-stderr bounded "$SEXTON" -gwe3 -pKILL -e 4 sh -c 'exit 4'
	[ "$status" -eq 0 ]
	run --separate-stderr bounded "$SEXTON" -gwe3 -pKILL -e 4 sh -c 'exit 5'
	[ "$status" -eq 5 ]
}

@test "-p accepts SIGKILL, KILL, kill, 9 and real-time names" {
	for sig in SIGKILL KILL kill 9 SIGTERM RTMIN RTMIN+3 SIGRTMAX-2 64 1; do
		run --separate-stderr bounded "$SEXTON" -p "$sig" true
		[ "$status" -eq 0 ] || { echo "-p $sig: status $status: $stderr"; false; }
	done
}

@test "-p rejects bad signals with a one-line error naming the value" {
	for sig in FOO 0 65 -9 '' SIG RTMIN+31 RTMAX-31 RTMIN- ' 9' '9 ' 1x SIGKILLX; do
		run --separate-stderr bounded "$SEXTON" -p "$sig" true
		[ "$status" -eq 125 ] || { echo "-p '$sig' accepted"; false; }
		[ "$stderr" = "sexton: invalid signal '$sig' for -p" ]
	done
}

@test "-e rejects empty, negative, out-of-range and non-numeric codes" {
	for code in '' -1 256 1000 abc 1.5 ' 3' 0x10; do
		run --separate-stderr bounded "$SEXTON" -e "$code" true
		[ "$status" -eq 125 ] || { echo "-e '$code' accepted"; false; }
		[ "$stderr" = "sexton: invalid exit code '$code' for -e: expected 0 to 255" ]
	done
}

@test "a bad SEXTON_VERBOSITY is an error (TINI_VERBOSITY is read as tini does); above 3 means all" {
	run --separate-stderr env SEXTON_VERBOSITY=loud "$SEXTON" true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"invalid verbosity 'loud'"* ]]
	run --separate-stderr env SEXTON_VERBOSITY= "$SEXTON" true
	[ "$status" -eq 125 ]
	for var in SEXTON_VERBOSITY TINI_VERBOSITY; do
		run --separate-stderr env "$var=7" "$SEXTON" true
		[ "$status" -eq 0 ]
		[[ "$stderr" == *"started 'true'"* ]]
	done
}

@test "a normal run prints nothing of sexton's own" {
	run --separate-stderr pid1 "$SEXTON" sh -c 'echo out; echo err >&2'
	[ "$status" -eq 0 ]
	[ "$output" = "out" ]
	[ "$stderr" = "err" ]
}

@test "-v levels: -v logs info on stderr, -vv debug, never on stdout" {
	run --separate-stderr pid1 "$SEXTON" -v true
	[ -z "$output" ]
	[[ "$stderr" == *"sexton: started 'true' as pid 2"* ]]
	[[ "$stderr" == *"sexton: child 2 exited with status 0"* ]]
	[[ "$stderr" != *"forwarded"* ]]
	start_bg pid1 "$SEXTON" -vv sigprobe 10
	expect_line ready
	kill -s USR1 "$(sexton_host_pid)"
	expect_line "got 10"
	wait_bg
	grep -qx "sexton: forwarded SIGUSR1 to 2" "$ERR"
	run --separate-stderr pid1 "$SEXTON" -vvvvv true
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"started 'true'"* ]]
}

@test "TINI_VERBOSITY and SEXTON_VERBOSITY set the level; SEXTON_ wins; -v wins over both" {
	run --separate-stderr env TINI_VERBOSITY=2 "$SEXTON" true
	[[ "$stderr" == *"started 'true'"* ]]
	run --separate-stderr env TINI_VERBOSITY=2 SEXTON_VERBOSITY=0 "$SEXTON" sh -c 'exit 0'
	[ -z "$stderr" ]
	run --separate-stderr env SEXTON_VERBOSITY=0 "$SEXTON" -v true
	[[ "$stderr" == *"started 'true'"* ]]
}

@test "verbosity 0 silences warnings, never the line that explains a 125, 126 or 127" {
	run -127 --separate-stderr env TINI_VERBOSITY=0 "$SEXTON" no-such-program
	[ "$stderr" = "sexton: cannot run 'no-such-program': No such file or directory" ]
	run -126 --separate-stderr env SEXTON_VERBOSITY=0 "$SEXTON" /
	[ "$stderr" = "sexton: cannot run '/': Permission denied" ]
	run -125 --separate-stderr env SEXTON_VERBOSITY=0 "$SEXTON" -t x true
	[ "$stderr" = "sexton: invalid grace period 'x' for -t: expected seconds, e.g. 2.5" ]
	run -125 --separate-stderr env SEXTON_VERBOSITY=0 "$SEXTON" -Z true
	[ "$stderr" = "sexton: unknown option '-Z' (see sexton -h)" ]
}

@test "every option that -h lists is in the README and the man page" {
	local opt n=0
	for opt in $("$SEXTON" -h | sed -n 's/^  \(-[a-zA-Z-][a-z-]*\).*/\1/p'); do
		n=$((n + 1))
		grep -qF -- "\`$opt" "$ROOT/README.md" || { echo "README lacks $opt"; false; }
		grep -qF -- "$(sed 's/-/\\-/g' <<<"$opt")" "$ROOT/sexton.1" || { echo "sexton.1 lacks $opt"; false; }
	done
	[ "$n" -ge 15 ]
}
