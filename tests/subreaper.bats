#!/usr/bin/env bats
# Outside PID 1: sexton makes itself a child subreaper, so orphans of its
# subtree come to it and are reaped. And -p, the parent-death signal.

load common

# field KEY: the value the probe printed for KEY.
field() {
	sed -n "s/^$1 //p" <<<"$output"
}

@test "not PID 1: orphans of the workload are adopted by sexton, not by init" {
	run bounded "$SEXTON" orphans -p
	[ "$status" -eq 0 ]
	[ -n "$(field init)" ]
	[ "$(field adopted)" = "$(field init)" ] || { echo "$output"; false; }
}

@test "not PID 1: an orphan storm is reaped" {
	run bounded "$SEXTON" orphans 2000
	[ "$status" -eq 0 ]
	[ "$output" = "reaped 2000" ]
}

@test "-s, TINI_SUBREAPER and SEXTON_SUBREAPER are accepted and keep subreaping" {
	run bounded "$SEXTON" -s orphans -p
	[ "$(field adopted)" = "$(field init)" ]
	run bounded env TINI_SUBREAPER= "$SEXTON" orphans -p
	[ "$(field adopted)" = "$(field init)" ]
	run bounded env SEXTON_SUBREAPER=1 "$SEXTON" orphans -p
	[ "$(field adopted)" = "$(field init)" ]
	run pid1 "$SEXTON" -s orphans -p
	[ "$(field adopted)" = 1 ]
}

@test "the probe itself tells a non-reaping parent apart" {
	# Under sh instead of sexton, the orphan goes to the nearest subreaper
	# or init, never to sh: the adoption check above can fail.
	run bounded sh -c "$PROBES/orphans -p; exit \$?"
	[ "$status" -eq 0 ]
	[ "$(field adopted)" != "$(field init)" ]
}

@test "-p SIGNAL: sexton gets SIGNAL when its parent dies, and forwards it" {
	# sh is sexton's parent; killing sh makes the kernel send USR1 to sexton
	start_bg sh -c '"$@" & wait' sh "$SEXTON" -p SIGUSR1 sigprobe 10
	expect_line ready
	kill -KILL "$BG"
	expect_line "got 10"
}

@test "without -p the death of the parent sends nothing" {
	start_bg sh -c '"$@" & wait' sh "$SEXTON" sigprobe 10
	expect_line ready
	local init
	init=$(sexton_host_pid)
	kill -KILL "$BG"
	kill -s USR2 "$init"
	expect_line "got 12"
	no_line "got 10"
	kill -s USR1 "$init"
	expect_line "got 10"
}

@test "-p with a number and a bare name works the same" {
	local spec
	for spec in 12 USR2; do
		start_bg sh -c '"$@" & wait' sh "$SEXTON" -p "$spec" sigprobe 12
		expect_line ready
		kill -KILL "$BG"
		expect_line "got 12"
		exec {OUT}<&-
	done
}

@test "-p KILL: sexton dies with its parent" {
	start_bg sh -c '"$@" & wait' sh "$SEXTON" -p KILL sigprobe
	expect_line ready
	local init probe
	init=$(sexton_host_pid)
	probe=$(child_host_pid)
	kill -KILL "$BG"
	# sexton's death is the event: its pid stops existing (it was the
	# child of the killed shell, so init reaps it)
	local end=$((SECONDS + 10))
	while kill -0 "$init" 2>/dev/null && [ "$SECONDS" -lt "$end" ]; do sleep 0.01; done
	! kill -0 "$init" 2>/dev/null || false
	kill -KILL "$probe"
}
