# Shared by the engine tests (docker.bats, podman.bats, containerd.bats). Each file sets
# ENGINE (its name) and ENGINE_CMD (the client with the options that point
# it at the engine the file started), then runs the same checks.
ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
HELPERS="$ROOT/tests/helpers"
# The run's own temp dir, made by setup_suite.bash.
WORK="${SEXTON_CONTAINERS_WORK:?run these tests with bats tests/containers (make check-containers)}"
# How long one engine command may take before the test counts it as hung.
LIMIT="${LIMIT:-120}"
bats_require_minimum_version 1.5.0

# The images every engine builds: the base imported from mkbase's tarball,
# sexton's own from the top-level Dockerfile, and a workload image that adds
# sexton (as the README's COPY --from does) and the test probes to the base.
BASE_IMAGE=localhost/sexton-base:test
SEXTON_IMAGE=localhost/sexton:test
WORKLOAD_IMAGE=localhost/sexton-workload:test

# eng ARGS...: the engine's client, bounded.
eng() {
	timeout --kill-after=5 "$LIMIT" "${ENGINE_CMD[@]}" "$@"
}

# die MESSAGE: fail setup with a message that says why.
die() {
	echo "$ENGINE: $*" >&2
	return 1
}

# now_ms: wall-clock milliseconds ($EPOCHREALTIME has the locale's radix).
now_ms() {
	local t=${EPOCHREALTIME//[!0-9]/}
	echo $((t / 1000))
}

# await_cmd SECONDS CMD...: run CMD until it succeeds. For the readiness of a
# daemon, which offers no event to wait on; bounded.
await_cmd() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# stop_pid NAME PIDFILE: end a daemon this run started, and wait for it.
stop_pid() {
	local pid end=$((SECONDS + 30))
	[ -s "$2" ] || return 0
	pid=$(cat "$2")
	kill -TERM "$pid" 2>/dev/null || return 0
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$SECONDS" -ge "$end" ]; then
			echo "$1 (pid $pid) ignored SIGTERM for 30 s: killing it" >&2
			kill -KILL "$pid" 2>/dev/null
			return 1
		fi
		sleep 0.1
	done
}

# build_images DIR [BUILD-OPTIONS...]: import the base, build sexton's image
# from the repository's Dockerfile, unchanged, and the workload image; copy
# the image's /sexton to DIR/sexton (for --init-path).
build_images() {
	local dir=$1 ctx="$1/workload" cid src
	shift
	eng import "$WORK/base.tar" "$BASE_IMAGE" >/dev/null ||
		die "cannot import the base image from $WORK/base.tar"
	eng build "$@" --build-arg BASE="$BASE_IMAGE" \
		--build-arg COMMIT="$(git -C "$ROOT" rev-parse --short=7 HEAD 2>/dev/null || echo unknown)" \
		-t "$SEXTON_IMAGE" "$ROOT" >"$dir/build.log" 2>&1 ||
		die "the Dockerfile does not build: $(tail -n 20 "$dir/build.log")"
	cid=$(eng create "$SEXTON_IMAGE") && eng cp "$cid:/sexton" "$dir/sexton" &&
		eng rm "$cid" >/dev/null || die "cannot copy /sexton out of $SEXTON_IMAGE"
	mkdir -p "$ctx/helpers"
	for src in "$HELPERS"/*.c; do
		[ -x "${src%.c}" ] || die "test probe ${src%.c} is not built (make helpers)"
		cp "${src%.c}" "$ctx/helpers/"
	done
	cp "$BATS_TEST_DIRNAME/workload.Dockerfile" "$ctx/Dockerfile"
	eng build "$@" -t "$WORKLOAD_IMAGE" "$ctx" >"$dir/build-workload.log" 2>&1 ||
		die "the workload image does not build: $(tail -n 20 "$dir/build-workload.log")"
}

# ---- containers of one test --------------------------------------------

# start NAME ARGS...: `run -d` a container named NAME; teardown removes it.
start() {
	local name=$1
	shift
	STARTED+=("$name")
	eng run -d --name "$name" --network none "$@" >/dev/null
}

teardown() {
	if [ "${#STARTED[@]}" -gt 0 ]; then
		eng rm -f "${STARTED[@]}" >/dev/null 2>&1 || true
	fi
	STARTED=()
}
STARTED=()

# await_log CONTAINER LINE [SECONDS]: follow the container's output until a
# line is exactly LINE. Fails when the container ends or time runs out first.
await_log() {
	local fifo="$BATS_TEST_TMPDIR/logs.$RANDOM" secs=${3:-30} line left fd pid
	local end=$((SECONDS + secs)) found=1
	mkfifo "$fifo"
	timeout "$secs" "${ENGINE_CMD[@]}" logs -f "$1" >"$fifo" 2>&1 3>&- &
	pid=$!
	exec {fd}<"$fifo"
	while left=$((end - SECONDS)) && [ "$left" -gt 0 ] &&
		IFS= read -r -t "$left" -u "$fd" line; do
		line=${line%$'\r'}
		if [ "$line" = "$2" ]; then
			found=0
			break
		fi
	done
	exec {fd}<&-
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -f "$fifo"
	[ "$found" -eq 0 ] || echo "$1 never printed '$2'" >&2
	return "$found"
}

# exit_code CONTAINER: the container's exit status once it has ended.
exit_code() {
	eng wait "$1"
}

# ---- the checks, the same in every engine -------------------------------

check_pid1() {
	run --separate-stderr eng run --rm --network none "$WORKLOAD_IMAGE" \
		sh -c 'echo "parent $PPID"; cat /proc/1/comm'
	echo "status $status; output: $output; stderr: $stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "parent 1" ]
	[ "${lines[1]}" = "sexton" ]
}

check_exit_status() {
	run eng run --rm --network none "$WORKLOAD_IMAGE" sh -c 'exit 3'
	echo "status $status; output: $output"
	[ "$status" -eq 3 ]
	# killed by SIGUSR1 (10): 128 + 10
	run eng run --rm --network none "$WORKLOAD_IMAGE" sh -c 'kill -s USR1 $$'
	echo "status $status; output: $output"
	[ "$status" -eq 138 ]
}

# stop_gracefully CONTAINER MS: stop it with a 30 s timeout; it must be gone
# within MS milliseconds, by its own exit with status 0 (a SIGKILL at the
# end of the timeout would give 137).
stop_gracefully() {
	local t0 ms
	t0=$(now_ms)
	eng stop -t 30 "$1" >/dev/null
	ms=$(($(now_ms) - t0))
	echo "stop of $1 took $ms ms"
	[ "$ms" -lt "$2" ]
	run exit_code "$1"
	echo "exit status of $1: $output"
	[ "$output" = 0 ]
}

# SIGTERM reaches the workload, which exits well inside the timeout.
check_stop() {
	local name="stop-$ENGINE"
	start "$name" "$WORKLOAD_IMAGE" sigprobe
	await_log "$name" ready
	stop_gracefully "$name" 5000
	run eng logs "$name"
	echo "logs: $output"
	[[ "$output" == *"got 15"* ]]
}

# The stop with something left behind: a daemon in a session of its own,
# with a 500 ms SIGTERM handler, must get SIGTERM from sexton's teardown and
# finish before the container ends; the status stays the workload's (0).
check_stop_leftover() {
	local name="leftover-$ENGINE"
	start "$name" "$WORKLOAD_IMAGE" sh -c 'leftover -s -d 500 daemon; exec sigprobe'
	await_log "$name" ready
	stop_gracefully "$name" 10000
	run eng logs "$name"
	echo "logs: $output"
	grep -qx "daemon term" <<<"$output"
	grep -qx "daemon done" <<<"$output"
}

# kill -s: each signal reaches the workload, the realtime one (34, which
# libc's sigset_t refuses) included.
check_kill() {
	local name="kill-$ENGINE" sig
	start "$name" "$WORKLOAD_IMAGE" sigprobe
	await_log "$name" ready
	for sig in USR1:10 HUP:1 WINCH:28 34:34; do
		eng kill -s "${sig%:*}" "$name" >/dev/null
		await_log "$name" "got ${sig#*:}"
	done
	eng kill -s TERM "$name" >/dev/null
	run exit_code "$name"
	[ "$output" = 0 ]
}

# orphans N checks with kill(pid, 0) that every orphan is gone, which a
# zombie is not; orphans -p reports who adopted its orphan.
check_orphans() {
	run --separate-stderr eng run --rm --network none "$WORKLOAD_IMAGE" orphans 50
	echo "status $status; output: $output; stderr: $stderr"
	[ "$status" -eq 0 ]
	[ "$output" = "reaped 50" ]
	run --separate-stderr eng run --rm --network none "$WORKLOAD_IMAGE" orphans -p
	echo "status $status; output: $output; stderr: $stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "init 1" ]
	[ "${lines[1]}" = "adopted 1" ]
}

# -it through a real pseudo-terminal: Ctrl-C, typed once the workload is
# ready, reaches it as SIGINT (sigprobe 2 exits 0 on SIGINT).
check_tty_ctrl_c() {
	run timeout --kill-after=5 "$LIMIT" "$HELPERS/ptyrun" -k 3 -- \
		"${ENGINE_CMD[@]}" run --rm -it --network none "$WORKLOAD_IMAGE" sigprobe 2
	echo "status $status; output: $output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"got 2"* ]]
}

# The engine's own --init (Docker: /sbin/docker-init, podman: /run/podman-init)
# is sexton: PID 1 runs it, it answers --version as sexton, it reaps, and the
# exit status is the workload's.
check_engine_init() {
	run --separate-stderr eng run --rm --network none "$@" --entrypoint sh "$BASE_IMAGE" \
		-c 'tr "\0" " " </proc/1/cmdline; echo; "$(readlink /proc/1/exe)" --version'
	echo "status $status; output: $output; stderr: $stderr"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *init" -- sh -c "* ]]
	[[ "${lines[1]}" == "sexton version "* ]]
	run --separate-stderr eng run --rm --network none "$@" --entrypoint sh \
		"$WORKLOAD_IMAGE" -c 'orphans 20 && exec orphans -p'
	echo "status $status; output: $output; stderr: $stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "reaped 20" ]
	[ "${lines[1]}" = "init 1" ]
	[ "${lines[2]}" = "adopted 1" ]
	run eng run --rm --network none "$@" --entrypoint sh "$BASE_IMAGE" -c 'exit 7'
	[ "$status" -eq 7 ]
}

check_image() {
	run eng image inspect -f '{{json .Config.Entrypoint}} {{len .RootFS.Layers}}' "$SEXTON_IMAGE"
	echo "entrypoint and layers: $output"
	[ "$output" = '["/sexton","--"] 1' ]
	# FROM scratch: the one layer is sexton, some tens of KiB.
	run eng image inspect -f '{{.Size}}' "$SEXTON_IMAGE"
	echo "size: $output"
	[ "$output" -lt 200000 ]
	# It runs with nothing else in the image: the entrypoint starts sexton,
	# which runs the program it is given (here, itself).
	run --separate-stderr eng run --rm --network none "$SEXTON_IMAGE" /sexton --version
	echo "status $status; output: $output; stderr: $stderr"
	[ "$status" -eq 0 ]
	[[ "$output" == "sexton version "* ]]
}
