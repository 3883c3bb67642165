#!/usr/bin/env bats
# Drop-in behaviour: what a program, a socket activator, an engine's stop
# timer or a pod expects of the init it is given, beyond reaping and
# forwarding. Socket activation (LISTEN_PID), descriptors sexton must not
# keep, the stop budget, the pod's PID 1 and processes that join its
# namespace, --copy-to, and the tini-compatible readings of bad input.

load common

export SEXTON

# wait_for_sexton: the host pid of the background job's sexton, once it runs.
wait_for_sexton() {
	local end=$((SECONDS + 10)) p
	while [ "$SECONDS" -lt "$end" ]; do
		p=$(sexton_host_pid 2>/dev/null) && { echo "$p"; return 0; }
		sleep 0.01
	done
	echo "sexton never started" >&2
	return 1
}

# since T0: seconds from $EPOCHREALTIME T0 to now.
since() {
	awk "BEGIN { print $EPOCHREALTIME - $1 }"
}

# grace_at_most MS: sexton's -v line in $ERR gave the leftovers at most MS
# milliseconds of grace (and some).
grace_at_most() {
	local ms
	ms=$(sed -n 's/^sexton: SIGTERM to every .* left; grace period \([0-9]*\) ms$/\1/p' "$ERR")
	[ -n "$ms" ] && [ "$ms" -gt 0 ] && [ "$ms" -le "$1" ] || { echo "grace period '$ms' ms, wanted 1 to $1"; cat "$ERR"; false; }
}

teardown() {
	[ -z "${JOINED:-}" ] || { kill -KILL "$JOINED" $(descendants "$JOINED") 2>/dev/null || true; }
	if [ -n "${BG:-}" ]; then
		kill -KILL "$BG" $(descendants "$BG") 2>/dev/null || true
		wait "$BG" 2>/dev/null || true
	fi
}

# ---- 1: socket activation ------------------------------------------------

@test "LISTEN_PID naming sexton becomes the workload's own pid; LISTEN_FDS and LISTEN_FDNAMES pass through" {
	# The shell that is PID 1 sets LISTEN_PID to its pid and becomes sexton,
	# as a socket activator does before it execs its service.
	run --separate-stderr pid1 sh -c 'LISTEN_PID=$$ LISTEN_FDS=2 LISTEN_FDNAMES=a:b exec "$SEXTON" \
		sh -c "echo \$LISTEN_PID \$\$ \$LISTEN_FDS \$LISTEN_FDNAMES"'
	[ "$status" -eq 0 ]
	[ "$output" = "2 2 2 a:b" ] || { echo "$output"; false; }
	# Not PID 1 as well: the workload's pid is whatever the kernel gave it.
	run --separate-stderr bounded sh -c 'LISTEN_PID=$$ exec "$SEXTON" sh -c "[ \$LISTEN_PID = \$\$ ] && echo own"'
	[ "$status" -eq 0 ]
	[ "$output" = "own" ]
}

@test "a LISTEN_PID that is not sexton's passes through untouched" {
	run --separate-stderr pid1 env LISTEN_PID=12345 "$SEXTON" sh -c 'echo "$LISTEN_PID"'
	[ "$status" -eq 0 ]
	[ "$output" = "12345" ]
	run --separate-stderr pid1 env LISTEN_PID=1x "$SEXTON" sh -c 'echo "$LISTEN_PID"'
	[ "$output" = "1x" ]
}

@test "systemd-socket-activate: the service behind sexton sees its own pid in LISTEN_PID and gets the socket" {
	command -v systemd-socket-activate >/dev/null || skip "systemd-socket-activate is not installed"
	local sock="$BATS_TEST_TMPDIR/sock"
	# The activator execs sexton when the first connection comes; the
	# workload checks LISTEN_PID as sd_listen_fds(3) does and that fd 3 is
	# the listening socket.
	start_bg bounded systemd-socket-activate -l "$sock" "$SEXTON" sh -c \
		'[ "$LISTEN_PID" = $$ ] && [ "$LISTEN_FDS" = 1 ] && [ -S /proc/self/fd/3 ] && echo service ok'
	local end=$((SECONDS + 10))
	until [ -S "$sock" ]; do
		[ "$SECONDS" -lt "$end" ] || { echo "no socket"; false; }
		sleep 0.01
	done
	bounded python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])' "$sock"
	expect_line "service ok"
	wait_bg
	[ "$status" -eq 0 ]
}

# ---- 2: inherited descriptors ---------------------------------------------

# inherited_pipe FD [WRAPPER...]: PID 1 (run through WRAPPER) opens the
# write end of a FIFO on FD and becomes sexton, whose workload closes its
# own copy and waits. EOF comes when the last writer closes: the workload
# has, sexton must have too (old sexton held it for its whole life, and the
# read timed out). FD is opened by PID 1 itself, so that no process outside
# the namespace (timeout, unshare) holds a copy; cat opens the FIFO itself,
# so that the timeout bounds the open too.
inherited_pipe() {
	local fd=$1 dir="$BATS_TEST_TMPDIR"
	shift
	mkfifo "$dir/data" "$dir/ctl"
	pid1 "$@" sh -c "exec $fd>\"\$1\"; exec \"\$SEXTON\" sh -c \"exec $fd>&-; read x <\\\"\\\$0\\\"; exit 4\" \"\$2\"" \
		sh "$dir/data" "$dir/ctl" &
	BG=$!
	run timeout 10 cat "$dir/data"
	[ "$status" -eq 0 ] || { echo "no EOF while sexton lives: status $status"; false; }
	timeout 5 sh -c 'echo go >"$1"' sh "$dir/ctl"
	wait_bg
	[ "$status" -eq 4 ]
}

@test "sexton keeps no copy of an inherited descriptor: a pipe's reader sees EOF once the workload closes its own" {
	inherited_pipe 3
}

@test "without close_range(2) (ENOSYS) sexton still closes what it inherited" {
	# nosys makes close_range fail as an old kernel or a seccomp profile would;
	# fd 9, well above 3, so that the fallback must go past the first few.
	inherited_pipe 9 nosys close_range
}

@test "sexton -P keeps no inherited descriptor either" {
	local dir="$BATS_TEST_TMPDIR" spid
	mkfifo "$dir/data"
	start_bg pid1 sh -c 'exec 3>"$1"; exec "$SEXTON" -P' sh "$dir/data"
	# cat opens the FIFO itself, so that the timeout bounds the open too
	run timeout 10 cat "$dir/data"
	[ "$status" -eq 0 ] || { echo "no EOF while sexton -P lives: status $status"; false; }
	spid=$(wait_for_sexton)
	kill -TERM "$spid"
	wait_bg
	[ "$status" -eq 0 ]
}

@test "sexton's own log lines still reach stderr after it closed what it inherited" {
	run --separate-stderr pid1 sh -c 'exec 3>/dev/null 4>/dev/null; exec "$SEXTON" -v sh -c "exec 3>&- 4>&-; exit 2"' 3>/dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"sexton: started 'sh' as pid 2"* ]]
	[[ "$stderr" == *"sexton: exit status 2: workload exited with status 2"* ]]
}

# ---- 3: no program --------------------------------------------------------

@test "no program: the usage lines on stderr, exit 125" {
	local usage
	usage=$("$SEXTON" -h | sed -n '1,/^Run /p' | sed '$d')
	for args in "" "--" "-g --"; do
		# shellcheck disable=SC2086
		run --separate-stderr bounded "$SEXTON" $args
		[ "$status" -eq 125 ]
		[ -z "$output" ]
		[ "$stderr" = "$usage" ] || { echo "stderr: $stderr"; false; }
	done
	[[ "$usage" == "usage: sexton [OPTIONS] [--] PROGRAM [ARGS...]"* ]]
}

# ---- 4: TINI_VERBOSITY as tini reads it ------------------------------------

@test "TINI_VERBOSITY that is not a clean number runs the program, read as atoi(3) reads it, with one warning" {
	local value level
	for value in "" debug " 2" 2x +1 -3; do
		run --separate-stderr bounded env "TINI_VERBOSITY=$value" "$SEXTON" sh -c 'echo ran; exit 3'
		[ "$status" -eq 3 ] || { echo "TINI_VERBOSITY='$value': status $status"; false; }
		[ "$output" = "ran" ]
		case $value in " 2" | 2x) level=2 ;; +1) level=1 ;; *) level=0 ;; esac
		grep -qxF "sexton: TINI_VERBOSITY '$value' is not a number: read as $level, as tini reads it" \
			<<<"$stderr" || { echo "$stderr"; false; }
		# level 2 prints info lines: the " 2" and "2x" were read as 2
		if [ "$level" = 2 ]; then
			[[ "$stderr" == *"started 'sh'"* ]]
		else
			[[ "$stderr" != *"started 'sh'"* ]]
		fi
	done
}

@test "SEXTON_VERBOSITY stays strict, and wins over TINI_VERBOSITY without a warning about it" {
	run --separate-stderr bounded env SEXTON_VERBOSITY=debug "$SEXTON" true
	[ "$status" -eq 125 ]
	[ "$stderr" = "sexton: invalid verbosity 'debug' in SEXTON_VERBOSITY: expected a number" ]
	run --separate-stderr bounded env SEXTON_VERBOSITY=0 TINI_VERBOSITY=debug "$SEXTON" true
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

# ---- 5: bad input on rare paths -------------------------------------------

@test "-p refuses the stop signals and SIGCHLD" {
	local sig
	for sig in STOP SIGTSTP ttin TTOU 19; do
		run --separate-stderr bounded "$SEXTON" -p "$sig" true
		[ "$status" -eq 125 ] || { echo "-p $sig accepted"; false; }
		[ "$stderr" = "sexton: invalid signal '$sig' for -p: a stop signal would leave sexton or the program stopped" ]
	done
	for sig in CHLD SIGCLD 17; do
		run --separate-stderr bounded "$SEXTON" -p "$sig" true
		[ "$status" -eq 125 ] || { echo "-p $sig accepted"; false; }
		[ "$stderr" = "sexton: invalid signal '$sig' for -p: SIGCHLD is sexton's own, never forwarded" ]
	done
	run bounded "$SEXTON" -p TERM true
	[ "$status" -eq 0 ]
}

@test "a program that is not found gives 127 even when stderr is a pipe whose reader has gone" {
	# The reader of the process substitution has exited before sexton runs;
	# SIGPIPE is put back to its default, as a container's processes have it.
	run bounded bash -c 'exec {w}> >(exit 0); wait $!
		pid() { timeout 10 unshare --pid --fork --mount-proc --kill-child "$@"; }
		pid env --default-signal=PIPE "$SEXTON" no-such-program 2>&$w; echo "pid1 $?"
		timeout 10 env --default-signal=PIPE "$SEXTON" no-such-program 2>&$w; echo "not pid1 $?"
		timeout 10 env --default-signal=PIPE "$SEXTON" / 2>&$w; echo "not executable $?"'
	[ "$status" -eq 0 ]
	[ "$output" = $'pid1 127\nnot pid1 127\nnot executable 126' ] || { echo "$output"; false; }
}

@test "the program still gets the caller's SIGPIPE disposition" {
	run bounded bash -c 'exec {w}> >(exit 0); wait $!
		timeout 10 env --default-signal=PIPE "$SEXTON" sh -c "echo x >&2; echo no" 2>&$w; echo "default $?"
		timeout 10 env --ignore-signal=PIPE "$SEXTON" sh -c "echo x >&2; echo yes" 2>&$w; echo "ignored $?"'
	[ "$output" = $'default 141\nyes\nignored 0' ] || { echo "$output"; false; }
}

# ---- 6: the stop budget ----------------------------------------------------

@test "default stop budget: a leftover whose SIGTERM handler takes 4.4 s finishes it (the old 3 s grace killed it)" {
	local t0 took
	t0=$EPOCHREALTIME
	run --separate-stderr pid1 "$SEXTON" sh -c 'leftover -s -d 4400 save; exit 5'
	took=$(since "$t0")
	echo "took $took s" >&3
	[ "$status" -eq 5 ]
	[ "$output" = $'save ready\nsave term\nsave done' ] || { echo "$output"; echo "$stderr"; false; }
	! grep -q "grace period is over" <<<"$stderr" || false
	# the budget's 9 s were not waited out: sexton left with the leftover
	awk "BEGIN { exit !($took >= 4.4 && $took < 8.5) }"
}

@test "stop budget 2 s: the leftovers are SIGKILLed before 2 s from the stop request; the status is the workload's" {
	local t0 took spid
	# The workload takes 0.3 s to exit after SIGTERM; its leftover ignores
	# SIGTERM. An engine with a 2 s timeout would SIGKILL sexton at 2 s.
	start_bg pid1 env SEXTON_STOP_TIMEOUT=2 "$SEXTON" -v sh -c \
		'trap "sleep 0.3; exit 7" TERM; leftover -s -i stubborn; sleep 100 & wait'
	expect_line "stubborn ready"
	spid=$(sexton_host_pid)
	t0=$EPOCHREALTIME
	kill -TERM "$spid"
	wait_bg
	took=$(since "$t0")
	echo "SIGTERM to exit: $took s" >&3
	[ "$status" -eq 7 ]
	grep -qx "sexton: the grace period is over: SIGKILL to every process" "$ERR"
	# 2 s minus the 250 ms margin: SIGKILL at 1.75 s after the SIGTERM, so
	# the grace left after the workload's 0.3 s is at most 1.45 s (the old
	# grace was 3 s after the workload's exit, 3.3 s in all). The grace is
	# read from sexton's own line, not from a wall clock that a loaded
	# machine stretches; the wall clock only shows that it was waited for.
	grace_at_most 1450
	awk "BEGIN { exit !($took >= 1.6) }"
}

@test "-T counts from the stop request, -t from the workload's exit: with both, the earlier end wins" {
	local t0 took spid
	start_bg pid1 "$SEXTON" -T 20 -t 0.5 sh -c \
		'trap "sleep 0.3; exit 7" TERM; leftover -s -i stubborn; sleep 100 & wait'
	expect_line "stubborn ready"
	spid=$(sexton_host_pid)
	t0=$EPOCHREALTIME
	kill -TERM "$spid"
	wait_bg
	took=$(since "$t0")
	echo "SIGTERM to exit: $took s" >&3
	[ "$status" -eq 7 ]
	# 0.3 s of the workload's own, then 0.5 s of -t: long before 19 s
	awk "BEGIN { exit !($took >= 0.8 && $took < 3) }"
}

@test "-T 0: no stop budget, the old grace of 3 s from the workload's exit" {
	local t0 took
	t0=$EPOCHREALTIME
	run --separate-stderr pid1 "$SEXTON" -T 0 sh -c 'leftover -s -i stubborn; exit 4'
	took=$(since "$t0")
	echo "took $took s" >&3
	[ "$status" -eq 4 ]
	grep -qx "sexton: the grace period is over: SIGKILL to every process" <<<"$stderr"
	awk "BEGIN { exit !($took >= 3 && $took < 6) }"
}

@test "-T and SEXTON_STOP_TIMEOUT take seconds; anything else is an error" {
	run --separate-stderr bounded "$SEXTON" -T soon true
	[ "$status" -eq 125 ]
	[ "$stderr" = "sexton: invalid stop budget 'soon' for -T: expected seconds, e.g. 10" ]
	run --separate-stderr bounded env SEXTON_STOP_TIMEOUT=-1 "$SEXTON" true
	[ "$status" -eq 125 ]
	[ "$stderr" = "sexton: invalid stop budget '-1' in SEXTON_STOP_TIMEOUT: expected seconds, e.g. 10" ]
	run --separate-stderr bounded "$SEXTON" -T 2.5 true
	[ "$status" -eq 0 ]
}

# ---- 7: --copy-to -----------------------------------------------------------

@test "--copy-to DIR copies the running binary to DIR/sexton, mode 0755, and exits 0" {
	local dir="$BATS_TEST_TMPDIR/shared" link="$BATS_TEST_TMPDIR/init"
	mkdir "$dir"
	# started by another name, with a umask that would take the x bits
	ln -s "$SEXTON" "$link"
	run --separate-stderr bounded sh -c 'umask 077; exec "$1" --copy-to "$2"' sh "$link" "$dir"
	[ "$status" -eq 0 ]
	[ -z "$output$stderr" ]
	cmp "$SEXTON" "$dir/sexton"
	[ "$(stat -c %a "$dir/sexton")" = 755 ]
	[ "$(ls -A "$dir")" = sexton ] # no temporary left
	# over an existing copy, with the = form
	run bounded "$dir/sexton" --copy-to="$dir"
	[ "$status" -eq 0 ]
	cmp "$SEXTON" "$dir/sexton"
	run bounded "$dir/sexton" sh -c 'exit 6'
	[ "$status" -eq 6 ]
}

@test "--copy-to fails with one line and 125" {
	run --separate-stderr bounded "$SEXTON" --copy-to "$BATS_TEST_TMPDIR/none"
	[ "$status" -eq 125 ]
	[ "$stderr" = "sexton: cannot copy sexton to '$BATS_TEST_TMPDIR/none': No such file or directory" ]
	run --separate-stderr bounded "$SEXTON" --copy-to
	[ "$status" -eq 125 ]
	[ "$stderr" = "sexton: option '--copy-to' needs a directory (see sexton -h)" ]
	run --separate-stderr bounded "$SEXTON" --copy-to "$BATS_TEST_TMPDIR" true
	[ "$status" -eq 125 ]
	[ "$stderr" = "sexton: --copy-to runs no program, but 'true' was given" ]
	[ ! -e "$BATS_TEST_TMPDIR/sexton" ]
	# a directory that cannot be written (not even root writes a read-only mount)
	mkdir "$BATS_TEST_TMPDIR/ro"
	run --separate-stderr bounded unshare --mount sh -c \
		'mount -t tmpfs -o ro none "$1" && exec "$SEXTON" --copy-to "$1"' sh "$BATS_TEST_TMPDIR/ro"
	[ "$status" -eq 125 ]
	[ "$stderr" = "sexton: cannot copy sexton to '$BATS_TEST_TMPDIR/ro': Read-only file system" ]
}

# join_and_stop SPID TRAP: as a container joining the pod, a shell enters
# the PID namespace of sexton (host pid SPID) with nsenter, whose process
# stays outside, so sexton never sees the shell in waitpid; the shell sets
# TRAP, says "joined ready" on the FIFO read through fd $J, and loops.
# Then SIGTERM to sexton, and its end: $status, $took (seconds), $JOINED
# (nsenter's pid).
join_and_stop() {
	local out="$BATS_TEST_TMPDIR/joined" line t0
	mkfifo "$out"
	nsenter --pid=/proc/"$1"/ns/pid -- sh -c "$2"'
		echo joined ready; while :; do sleep 0.05; done' >"$out" &
	JOINED=$!
	exec {J}<"$out"
	read -r -t 10 -u "$J" line
	[ "$line" = "joined ready" ]
	t0=$EPOCHREALTIME
	kill -TERM "$1"
	wait_bg
	took=$(since "$t0")
	echo "pod stop took $took s" >&3
}

# ---- 10: the pod's PID 1 --------------------------------------------------

@test "sexton -P as a pod's PID 1: a process that entered its namespace from outside gets SIGTERM and finishes" {
	local spid
	start_bg pid1 "$SEXTON" -P
	spid=$(wait_for_sexton)
	# The trap's sleep starts after the teardown's SIGTERM, so only it
	# outlives that signal.
	join_and_stop "$spid" 'trap "echo joined term; sleep 0.5; echo joined done; exit 0" TERM'
	[ "$status" -eq 0 ]
	read -r -t 10 -u "$J" line
	[ "$line" = "joined term" ]
	read -r -t 10 -u "$J" line
	[ "$line" = "joined done" ] || { echo "got '$line'"; cat "$ERR"; false; }
	# it ended as soon as the joined process had: 0.5 s, not the 9 s of grace
	awk "BEGIN { exit !($took >= 0.5 && $took < 4) }"
	! grep -q "grace period is over" "$ERR" || false
}

@test "sexton -P: a joined process that ignores SIGTERM is SIGKILLed at the end of the grace period" {
	local spid
	start_bg pid1 "$SEXTON" -v -P -T 2
	spid=$(wait_for_sexton)
	join_and_stop "$spid" 'trap "" TERM'
	[ "$status" -eq 0 ]
	grep -qx "sexton: the grace period is over: SIGKILL to every process" "$ERR"
	# SIGKILL 1.75 s after the SIGTERM (2 s minus the 250 ms margin)
	grace_at_most 1750
	awk "BEGIN { exit !($took >= 1.6) }"
	# nsenter saw its child killed
	wait "$JOINED" || [ $? -eq 137 ]
	JOINED=
}

@test "sexton -P does not wait for the zombie of a joined process whose parent outside never reaps it" {
	local spid t0 took out="$BATS_TEST_TMPDIR/joined" zombie end
	start_bg pid1 "$SEXTON" -v -P
	spid=$(wait_for_sexton)
	mkfifo "$out"
	# --no-fork: the shell stays outside, its child enters the namespace;
	# then the shell becomes a sleep that never waits for that child.
	nsenter --pid=/proc/"$spid"/ns/pid --no-fork -- sh -c 'sleep 100 & echo "$!"; exec sleep 100' >"$out" &
	JOINED=$!
	exec {J}<"$out"
	read -r -t 10 -u "$J" zombie
	# the shell must have become the sleep first, or it would reap the child
	end=$((SECONDS + 10))
	until [ "$(cat /proc/"$JOINED"/comm)" = sleep ]; do
		[ "$SECONDS" -lt "$end" ] || { echo "the parent never became a sleep"; false; }
		sleep 0.01
	done
	kill -KILL "$zombie"
	await_state Z "$zombie" 2>/dev/null || { echo "no zombie $zombie"; false; }
	t0=$EPOCHREALTIME
	kill -TERM "$spid"
	# The kernel holds a PID 1's exit until every process of its namespace
	# is reaped, this zombie too: so the teardown's end is the -v line, and
	# the zombie's parent is ended afterwards to let sexton go.
	end=$((SECONDS + 15))
	until grep -q "pause ended" "$ERR"; do
		[ "$SECONDS" -lt "$end" ] || { cat "$ERR"; false; }
		sleep 0.01
	done
	took=$(since "$t0")
	echo "teardown took $took s" >&3
	kill -KILL "$JOINED"
	wait "$JOINED" || true
	JOINED=
	wait_bg
	[ "$status" -eq 0 ]
	grep -q "0 needed SIGKILL" "$ERR"
	# kill(-1, 0) alone would count the zombie, and wait out 9 s of grace
	awk "BEGIN { exit !($took < 2) }"
}
