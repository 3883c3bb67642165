#!/usr/bin/env bats
# The terminal: the workload gets the foreground process group of sexton's
# controlling terminal (Ctrl-C and Ctrl-Z reach it, as under `docker run -it`),
# takes a terminal that is nobody's controlling terminal (a boot console),
# and nothing is stolen from a shell when sexton runs in the background.
# ptyrun plays the terminal emulator; -k types keys.

load common

# in_ns CMD...: the pid1 namespace wrapper, for use after ptyrun's "--".
in_ns=(unshare --pid --fork --mount-proc --kill-child)

# lines: the output without the terminal's carriage returns and echoed ^C/^Z.
clean_lines() {
	tr -d '\r' <<<"$output" | sed 's/^\^[CZ]//'
}

@test "with a controlling terminal the workload is in the foreground" {
	run bounded ptyrun -- "${in_ns[@]}" "$SEXTON" procinfo
	[ "$status" -eq 0 ]
	grep -qx 'ctty yes' <<<"$(clean_lines)"
	grep -qx 'foreground yes' <<<"$(clean_lines)"
}

@test "Ctrl-C on the terminal reaches the workload, and nothing else arrives" {
	run bounded ptyrun -k 3 -- "${in_ns[@]}" "$SEXTON" sigprobe 2
	[ "$status" -eq 0 ]
	[ "$(clean_lines)" = $'ready\ngot 2' ] || { echo "$output"; false; }
}

@test "Ctrl-Z on the terminal reaches the workload; sexton goes on" {
	run bounded ptyrun -k 26 -k 3 -- "${in_ns[@]}" "$SEXTON" sigprobe 2
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(clean_lines)" = $'ready\ngot 20\ngot 2' ] || { echo "$output"; false; }
}

@test "Ctrl-C kills a default workload: 130" {
	run bounded ptyrun -k 3 -- "${in_ns[@]}" "$SEXTON" sh -c 'echo ready; exec sleep 1000'
	[ "$status" -eq 130 ]
}

@test "an interactive shell under sexton gets job control" {
	run bounded ptyrun -- "${in_ns[@]}" "$SEXTON" bash --norc -i -c 'echo shell-ran'
	[ "$status" -eq 0 ]
	grep -qx 'shell-ran' <<<"$(clean_lines)"
	! grep -q 'no job control' <<<"$output"
}

@test "a terminal that is nobody's controlling terminal becomes the workload's" {
	run bounded ptyrun -n -- "${in_ns[@]}" "$SEXTON" procinfo
	[ "$status" -eq 0 ]
	grep -qx 'ctty yes' <<<"$(clean_lines)"
	grep -qx 'foreground yes' <<<"$(clean_lines)"
	grep -qx 'session-leader yes' <<<"$(clean_lines)"
	run bounded ptyrun -n -k 3 -- "${in_ns[@]}" "$SEXTON" sigprobe 2
	[ "$status" -eq 0 ]
	[ "$(clean_lines)" = $'ready\ngot 2' ] || { echo "$output"; false; }
}

@test "sexton in a background process group does not steal the terminal" {
	# A shell that stays (no exec) is the session leader; sexton's group is
	# new. Not in a new PID namespace: there sexton's group and the
	# foreground group both live outside it and read as 0 (see tty_probe).
	run bounded ptyrun -- sh -c '"$@"; exit $?' sh spawnwith -G -- "$SEXTON" procinfo
	[ "$status" -eq 0 ]
	grep -qx 'ctty yes' <<<"$(clean_lines)"
	grep -qx 'foreground no' <<<"$(clean_lines)"
}

@test "without a terminal the workload just gets its own process group" {
	run pid1 "$SEXTON" procinfo </dev/null
	[ "$status" -eq 0 ]
	grep -qx 'ctty no' <<<"$output"
	grep -qx 'pgrp-leader yes' <<<"$output"
	grep -qx 'session-leader no' <<<"$output"
}

@test "not PID 1, under a job-control shell: Ctrl-Z stops the job, fg resumes it" {
	# The workload stops itself as Ctrl-Z would stop it. sexton must stop
	# too, or the shell waits forever for a job that will never end.
	cat >"$BATS_TEST_TMPDIR/job.sh" <<EOS
set -m
"$SEXTON" sh -c 'kill -TSTP \$\$; echo resumed'
echo "after-stop \$?"
fg >/dev/null
echo "done \$?"
EOS
	run bounded ptyrun -- bash --norc "$BATS_TEST_TMPDIR/job.sh"
	[ "$status" -eq 0 ]
	[ "$(clean_lines)" = $'after-stop 147\nresumed\ndone 0' ] || { echo "$output"; false; }
}
