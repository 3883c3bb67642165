#!/usr/bin/env bats
# The subreaper teardown, tried as a hostile user would (issue 13): every
# descendant of sexton gets SIGTERM, and no process outside its subtree gets
# any signal, whatever the /proc scan's order, threads, descriptor limits,
# pid reuse, hidepid or a stderr nobody reads do. Each test runs sexton as a
# subreaper under a bash that is PID 1 of a fresh PID namespace, with a
# bystander outside sexton's subtree (tdprobe bystander) that records every
# signal it gets. The probes are tests/helpers/tdprobe.c and leftover.c.

load common

export SEXTON PROBES

# foreign_proc: for a test whose sexton sees another namespace's /proc.
# LeakSanitizer (in the sanitizer suite's build) lists the threads of
# /proc/PID/task by sexton's own pid at exit, which such a /proc does not
# have: it would abort sexton there, though nothing leaked.
foreign_proc() {
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
}

# sub SCRIPT: run the bash SCRIPT as PID 1 of a fresh PID namespace, with
# $T a private directory and the helpers below defined.
sub() {
	T="$BATS_TEST_TMPDIR" pid1 bash -c "$PRELUDE$1"
}

PRELUDE='
set -u
PATH="$PROBES:$PATH"
# bystander_clean NAME: the bystander NAME got no signal and is alive.
bystander_clean() {
	if [ -s "$T/$1" ] || ! kill -0 "$(cat "$T/$1.pid")" 2>/dev/null; then
		echo "bystander $1 was signalled: $(cat "$T/$1" 2>/dev/null | tr "\n" " ")alive: $(kill -0 "$(cat "$T/$1.pid")" 2>&1 && echo yes)"
	else
		echo "bystander $1 clean"
	fi
}
tdprobe bystander "$T/by"
'

# 1 ---------------------------------------------------------------------

@test "1: a descendant whose parent exits and is reaped mid-scan still gets SIGTERM" {
	# P (an orphan, sexton's child) -> A (pid 900) -> B (pid 800). The scan
	# reads B (parent A) first; a tracer stops sexton right after that read,
	# lets A exit, waits until P has reaped it, and lets sexton go on: A is
	# gone when the scan reaches pid 900.
	run --separate-stderr sub '
		mkfifo "$T/go" "$T/reaped" "$T/wl" "$T/hold"
		"$SEXTON" -v -t 5 sh -c "tdprobe chain \"\$1\" 900 800 && read x <\"\$1/wl\"; exit 0" sh "$T" &
		sx=$!
		exec 3<>"$T/hold"
		tdprobe hold "$sx" 800 "$T" >&3 &
		read -r line <&3; echo "tracer $line"
		echo x >"$T/wl"
		wait "$sx"; echo "rc $?"
		read -r -t 10 line <&3; echo "tracer $line"
		bystander_clean by'
	echo "$output"; echo "$stderr"
	grep -qx "tracer tdprobe released" <<<"$output"
	grep -qx "B term" <<<"$output"
	grep -qx "P term" <<<"$output"
	grep -qx "rc 0" <<<"$output"
	grep -qx "bystander by clean" <<<"$output"
	! grep -q "grace period is over" <<<"$stderr" || false
	grep -q "; 2 leftovers got SIGTERM, 0 needed SIGKILL$" <<<"$stderr"
}

# 2 ---------------------------------------------------------------------

@test "2: a live process whose main thread has exited (state Z) gets SIGTERM" {
	run --separate-stderr sub '
		"$SEXTON" -v -t 5 sh -c "tdprobe zleader zl; exit 0"; echo "rc $?"
		pgrep -x tdprobe | grep -vx "$(cat "$T/by.pid")" && echo "zl survived"
		bystander_clean by'
	echo "$output"; echo "$stderr"
	grep -qx "zl term" <<<"$output"
	! grep -q "zl survived" <<<"$output" || false
	grep -qx "bystander by clean" <<<"$output"
	! grep -q "grace period is over" <<<"$stderr" || false
	grep -q "; 1 leftovers got SIGTERM, 0 needed SIGKILL$" <<<"$stderr"
}

# 3 ---------------------------------------------------------------------

@test "3: with a /proc of another namespace, a stranger that took the workload's pid gets nothing" {
	# sexton runs in a namespace of its own whose /proc is the outer one.
	# Once the workload (pid W) and its group are reaped, a stranger is
	# forked with pid W in a group of its own, during the grace period
	# that a daemon which ignores SIGTERM keeps open.
	foreign_proc
	cat >"$BATS_TEST_TMPDIR/inner.sh" <<'EOF'
set -u
tdprobe bystander "$T/inner"
mkfifo "$T/out"
"$SEXTON" -v -t 2 sh -c "leftover grp; leftover -s -i daemon >/dev/null; exit 0" >"$T/out" 2>"$T/err" &
sx=$!
exec 3<"$T/out"
while read -r -t 10 line <&3; do echo "$line"; [ "$line" = "grp done" ] && break; done
w=$(sed -n "s/^sexton: started .sh. as pid \([0-9]*\)$/\1/p" "$T/err")
for i in $(seq 500); do
	tdprobe bystander -a "$w" "$T/stranger" 2>/dev/null && break
	sleep 0.01 # the group leader pid is free once its last member is reaped
done
echo "stranger $(cat "$T/stranger.pid") for workload $w"
cat <&3
wait "$sx"; echo "rc $?"
cat "$T/err" >&2
for b in inner stranger; do
	if [ -s "$T/$b" ] || ! kill -0 "$(cat "$T/$b.pid")" 2>/dev/null; then
		echo "bystander $b was signalled"; else echo "bystander $b clean"; fi
done
EOF
	run --separate-stderr sub '
		unshare --pid --fork bash "$T/inner.sh"
		bystander_clean by'
	echo "$output"; echo "$stderr"
	grep -qx "grp term" <<<"$output"
	grep -qE "^stranger ([0-9]+) for workload \1$" <<<"$output"
	grep -qx "bystander stranger clean" <<<"$output"
	grep -qx "bystander inner clean" <<<"$output"
	grep -qx "bystander by clean" <<<"$output"
	grep -q "not this PID namespace's" <<<"$stderr"
	grep -q "leftovers signalled (uncounted" <<<"$stderr"
}

# 4 ---------------------------------------------------------------------

@test "4: with exactly one free descriptor, a daemon still gets SIGTERM" {
	# RLIMIT_NOFILE's soft limit 64 (the hard one above it, as Docker and
	# systemd set them), every descriptor but one taken by the caller.
	run --separate-stderr sub '
		ulimit -S -n 64
		tdprobe fill 1 "$SEXTON" -v -t 3 spawnwith -C -- sh -c "leftover -s daemon; exit 0"
		echo "rc $?"
		bystander_clean by'
	echo "$output"; echo "$stderr"
	grep -qx "daemon term" <<<"$output"
	grep -qx "bystander by clean" <<<"$output"
	! grep -q "grace period is over" <<<"$stderr" || false
	grep -q "; 1 leftovers got SIGTERM, 0 needed SIGKILL$" <<<"$stderr"
}

# 5 ---------------------------------------------------------------------

# A pids cgroup for the namespace (2000 pids, BOMB_PIDS to change it: with
# 120, the bomb never outran the old SIGKILL sweeps here in 60 rounds; with
# 2000 it did within 4): v2 when its controller is on, else v1; empty when
# neither can be made.
pids_cgroup() {
	local dir
	for dir in /sys/fs/cgroup /sys/fs/cgroup/pids; do
		[ -d "$dir" ] && [ -e "$dir/cgroup.procs" ] || continue
		mkdir "$dir/sexton-bomb-$$" 2>/dev/null || continue
		if echo "${BOMB_PIDS:-2000}" >"$dir/sexton-bomb-$$/pids.max" 2>/dev/null; then
			echo "$dir/sexton-bomb-$$"
			return 0
		fi
		rmdir "$dir/sexton-bomb-$$"
	done
}

@test "5: a fork bomb that ignores SIGTERM does not outlive the teardown (20 rounds)" {
	local cg rounds=20 LIMIT=150 # 20 rounds of a 0.2 s grace and a bomb to stop, on a busy machine
	cg=$(pids_cgroup)
	if [ -n "$cg" ]; then
		CG=$cg
		limit="echo \$\$ >$cg/cgroup.procs"
		run_as=
	else
		# RLIMIT_NPROC binds only a non-root user.
		limit="ulimit -u ${BOMB_PIDS:-2000}"
		run_as="setpriv --reuid=65534 --regid=65534 --clear-groups"
	fi
	run --separate-stderr sub "$limit"'
		for r in $(seq '"$rounds"'); do
			'"$run_as"' "$SEXTON" -t 0.2 sh -c "tdprobe bomb bomb; exit 0" >/dev/null
			left=$(pgrep -x tdprobe | grep -vxc "$(cat "$T/by.pid")")
			echo "round $r left $left"
			[ "$left" -eq 0 ] || break
		done
		bystander_clean by'
	[ -z "${CG:-}" ] || { rmdir "$CG" 2>/dev/null || true; }
	echo "$output"
	echo "$(grep -c 'left 0$' <<<"$output") of $rounds rounds left nothing (${cg:-RLIMIT_NPROC})" >&3
	[ "$(grep -c 'left 0$' <<<"$output")" -eq "$rounds" ]
	grep -qx "bystander by clean" <<<"$output"
}

# 6 ---------------------------------------------------------------------

@test "6: hidepid=2, non-root sexton: a setuid descendant it cannot see is reported, never counted as none" {
	local dir="$BATS_TEST_TMPDIR/suid"
	mkdir -m 755 "$dir"
	cp "$PROBES/leftover" "$dir/leftover"
	chmod 4755 "$dir/leftover"
	chmod o+x "$BATS_TEST_TMPDIR" "$BATS_TEST_TMPDIR/.." "$BATS_TEST_TMPDIR/../.." 2>/dev/null || true
	D=$dir run --separate-stderr sub '
		mount -o remount,hidepid=2 /proc
		setpriv --reuid=65534 --regid=65534 --clear-groups "$SEXTON" -v -t 1 \
			sh -c "\"$D/leftover\" -s -i hidden; exit 0"; echo "rc $?"
		bystander_clean by'
	echo "$output"; echo "$stderr"
	grep -qx "bystander by clean" <<<"$output"
	grep -q "cannot see" <<<"$stderr"
	! grep -q "0 leftovers got SIGTERM" <<<"$stderr" || false
}

# 7 ---------------------------------------------------------------------

@test "7: -w does not name orphans after another namespace's processes" {
	# The inner namespace has the outer /proc; the orphan gets the inner
	# pid 300 that an outer bystander has, so a lookup by number in the
	# wrong /proc names the bystander ("tdprobe"). The orphan may still be
	# alive when the workload exits; then the teardown's SIGTERM ends it.
	foreign_proc
	run --separate-stderr sub '
		tdprobe bystander -a 300 "$T/by300"
		unshare --pid --fork sh -c "\"\$SEXTON\" -w -t 1 tdprobe orphan -a 300 orphan-x; echo rc \$?"
		bystander_clean by
		bystander_clean by300'
	echo "$output"; echo "$stderr"
	grep -qx "rc 0" <<<"$output"
	grep -qx "bystander by clean" <<<"$output"
	grep -qx "bystander by300 clean" <<<"$output"
	grep -qE "^sexton: reaped zombie 300 ('orphan-x' )?\((exited with status 0|killed by signal 15)\)$" <<<"$stderr"
	! grep -q "'tdprobe'" <<<"$stderr" || false
}

# 8 ---------------------------------------------------------------------

@test "8: a stranger that took a descendant's pid within the same clock tick gets nothing" {
	# X (pid 5000, a child of the orphan P) is born while a tracer holds
	# sexton at the start of its /proc scan, read by the scan, then killed
	# and reaped by P, and a stranger (a bystander, not sexton's) forks into
	# pid 5000. When both started in the same clock tick, the start time
	# cannot tell them apart; only a round where they did counts. 5 such
	# rounds are wanted, in at most 40.
	LIMIT=240 run --separate-stderr sub '
		same=0 rounds=0
		while [ "$same" -lt 5 ] && [ "$rounds" -lt 40 ]; do
			rounds=$((rounds + 1))
			d="$T/r$rounds"; mkdir "$d"
			mkfifo "$d/mk" "$d/made" "$d/kill" "$d/dead" "$d/wl" "$d/hold"
			"$SEXTON" -t 5 sh -c "tdprobe reuser \"\$1\" 5000 && read x <\"\$1/wl\"; exit 0" sh "$d" \
				>"$d/out" 2>"$d/err" &
			sx=$!
			exec 3<>"$d/hold"
			tdprobe holdreuse "$sx" 5000 "$d" >&3 &
			tr=$!
			read -r line <&3; [ "$line" = "tdprobe attached" ] || { echo "round $rounds: $line"; break; }
			echo x >"$d/wl"
			wait "$sx"; rc=$?
			read -r -t 20 tick <&3; read -r -t 20 line <&3; wait "$tr"
			exec 3<&-
			[ "$line" = "tdprobe released" ] || { echo "round $rounds: tracer said $tick / $line"; break; }
			grep -qx "P term" "$d/out" || echo "round $rounds: P got no SIGTERM (rc $rc)"
			if [ "$tick" = "same tick" ]; then
				same=$((same + 1))
				[ -s "$d/y" ] && echo "round $rounds: the stranger was signalled: $(tr "\n" " " <"$d/y")"
			fi
			kill -9 "$(cat "$d/y.pid")"
		done
		echo "$same of $rounds rounds in the same tick"
		bystander_clean by'
	echo "$output"; echo "$stderr"
	grep -qx "5 of [0-9]* rounds in the same tick" <<<"$output"
	grep "rounds in the same tick" <<<"$output" >&3
	! grep -q "^round " <<<"$output" || false
	grep -qx "bystander by clean" <<<"$output"
}

# 9 ---------------------------------------------------------------------

@test "9: a grace period between 0 and 1 ms is 1 ms, not none" {
	run --separate-stderr sub '
		"$SEXTON" -v -t 0.0001 sh -c "leftover -s -i a; exit 0"
		SEXTON_GRACE=0.0004 "$SEXTON" -v sh -c "leftover -s -i b; exit 0"
		bystander_clean by'
	echo "$output"; echo "$stderr"
	[ "$(grep -c "SIGTERM to every descendant left; grace period 1 ms" <<<"$stderr")" -eq 2 ]
	[ "$(grep -c "1 leftovers got SIGTERM, 1 needed SIGKILL" <<<"$stderr")" -eq 2 ]
	grep -qx "bystander by clean" <<<"$output"
}

# 10 --------------------------------------------------------------------

@test "10: a stderr nobody reads costs log lines, never reaping; the child's stderr stays blocking" {
	run --separate-stderr sub '
		mkfifo "$T/err" "$T/out" "$T/drained"
		exec 4<>"$T/err" # a reader that never reads
		ORPHANS_WAIT=10 "$SEXTON" -v -w sh -c \
			"grep ^flags /proc/self/fdinfo/2 >\"\$1/flags\"; orphans 3000; read x <\"\$1/drained\"" \
			sh "$T" 2>"$T/err" >"$T/out" &
		sx=$!
		read -r -t 30 result <"$T/out"; echo "$result"
		# Drain what the pipe holds; nothing more comes while the workload
		# waits, so "no data ready" (read -t 0) means empty.
		while read -r -t 0 -u 4; do IFS= read -r -u 4 line; echo "$line" >>"$T/log"; done
		exec 5<"$T/err" # opened while fd 4 keeps a writer, so it cannot block
		exec 4>&-
		echo >"$T/drained"
		cat <&5 >>"$T/log"
		wait "$sx"; echo "rc $?"
		echo "flags $(cut -f2 "$T/flags")"
		grep "dropped" "$T/log" || { wc -l "$T/log"; tail -3 "$T/log"; }
		bystander_clean by'
	echo "$output"
	grep -qx "reaped 3000" <<<"$output"
	grep -qx "rc 0" <<<"$output"
	local flags
	flags=$(sed -n "s/^flags //p" <<<"$output")
	[ $((8#$flags & 8#4000)) -eq 0 ] # O_NONBLOCK
	grep -qE "^sexton: [0-9]+ log lines dropped" <<<"$output"
	grep -qx "bystander by clean" <<<"$output"
}
