#!/usr/bin/env bats
# sexton under Docker (Debian's docker.io). The file starts a containerd and a
# dockerd of its own, on sockets, data and exec roots in the run's temp dir,
# with no bridge and no iptables rules, so it shares nothing with another
# Docker on the machine; it stops them at the end.
load containers

ENGINE=docker
DW="$WORK/docker"
# The client that comes with the daemon: another docker earlier in PATH may
# speak a newer API than Debian's daemon.
DOCKER="${DOCKER:-$(dpkg-query -L docker.io 2>/dev/null | grep -m 1 '/bin/docker$' ||
	command -v docker)}"
ENGINE_CMD=("$DOCKER" -H "unix://$DW/docker.sock")

start_containerd() {
	cat >"$DW/containerd.toml" <<-EOF
		version = 2
		root = "$DW/containerd"
		state = "$DW/containerd-state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$DW/containerd.sock"
	EOF
	containerd --config "$DW/containerd.toml" >"$DW/containerd.log" 2>&1 3>&- &
	echo $! >"$DW/containerd.pid"
	await_cmd 30 test -S "$DW/containerd.sock" ||
		die "containerd did not start: $(tail -n 20 "$DW/containerd.log")"
}

# dockerd would use a containerd already listening at the system's default
# address, so it gets one of its own.
start_dockerd() {
	dockerd --containerd "$DW/containerd.sock" \
		--data-root "$DW/data" --exec-root "$DW/exec" \
		-H "unix://$DW/docker.sock" --pidfile "$DW/docker.pid" \
		--bridge=none --iptables=false --init-path "$DW/sexton" \
		>"$DW/dockerd.log" 2>&1 3>&- &
	await_cmd 60 "${ENGINE_CMD[@]}" version ||
		die "dockerd did not start: $(tail -n 20 "$DW/dockerd.log")"
}

setup_file() {
	mkdir -p "$DW"
	command -v dockerd >/dev/null && [ -x "$DOCKER" ] ||
		die "dockerd or docker not found: install Debian's docker.io (.ci/containers does)"
	start_containerd
	# --init-path names the binary that build_images copies out of the image;
	# dockerd looks at it only when a container or `docker info` needs it.
	start_dockerd
	build_images "$DW" --network none
}

teardown_file() {
	stop_pid dockerd "$DW/docker.pid"
	stop_pid containerd "$DW/containerd.pid"
}

@test "docker: the Dockerfile makes a FROM scratch image of /sexton with ENTRYPOINT [/sexton, --]" {
	check_image
}

@test "docker: sexton is PID 1 and the workload its child" {
	check_pid1
}

@test "docker: the container's exit status is the workload's, 128+N for signal N" {
	check_exit_status
}

@test "docker stop: SIGTERM reaches the workload, which ends well inside the timeout" {
	check_stop
}

@test "docker stop: a leftover daemon gets SIGTERM from the teardown and finishes first" {
	check_stop_leftover
}

@test "docker kill -s: signals are forwarded to the workload" {
	check_kill
}

@test "docker: orphans are reaped, no zombie is left" {
	check_orphans
}

@test "docker run -it: Ctrl-C on the terminal reaches the workload" {
	check_tty_ctrl_c
}

@test "docker run --init: with the daemon's --init-path, sexton is Docker's init" {
	check_engine_init --init
}

@test "docker info: reports sexton as the init, with its version" {
	local version commit
	version=$("$DW/sexton" --version)
	run eng info -f '{{.InitBinary}}|{{.InitCommit.ID}}'
	echo "sexton --version: $version; docker info: $output"
	[ "$status" -eq 0 ]
	[ "${output%%|*}" = "$DW/sexton" ]
	# Docker reads an init's version as tini prints it, "NAME version X -
	# git.ID", and shows the ID; any other line shows as N/A.
	[[ "$version" == *" - git."* ]] || {
		echo "docker info shows N/A: sexton --version must print 'sexton version X - git.ID'"
		false
	}
	commit=${version##* - git.}
	[ "${output#*|}" = "$commit" ]
}

# ---- the stop budget: a redis-like leftover under docker stop ------------
#
# The leftover is a daemon in a session of its own whose SIGTERM handler
# "saves" for SAVE_MS and writes the save at the end ("redis done" in
# /data/save.log); the workload, sleep, dies of the stop's SIGTERM, so its
# status is 143. The engine SIGKILLs sexton when the stop timeout ends,
# which would make it 137.

# OLD: the commit the "before" rows measure (main before the stop budget).
OLD_COMMIT="${SEXTON_OLD_COMMIT:-6e57315}"

# redis_stop LABEL SAVE_MS STOP_SECONDS [RUN-OPTIONS...]: run the case, stop
# it with `docker stop -t STOP_SECONDS`; sets STOP_MS, STOP_STATUS, SAVED and
# prints one row of the table on the TAP output.
redis_stop() {
	local label=$1 save=$2 t=$3 name="redis-$RANDOM" data t0
	shift 3
	data="$DW/$name"
	mkdir -p "$data"
	start "$name" -v "$data:/data" "$@" "$WORKLOAD_IMAGE" \
		sh -c "leftover -s -d $save redis >/data/save.log && echo ready && exec sleep 3600"
	await_log "$name" ready
	t0=$(now_ms)
	eng stop -t "$t" "$name" >/dev/null
	STOP_MS=$(($(now_ms) - t0))
	STOP_STATUS=$(exit_code "$name")
	SAVED=lost
	grep -qx "redis done" "$data/save.log" && SAVED=saved
	echo "# stop budget: $label: save ${save} ms, docker stop -t $t: stopped in $STOP_MS ms, status $STOP_STATUS, save $SAVED" >&3
	echo "$label: $STOP_MS ms, status $STOP_STATUS, $SAVED; save.log: $(tr '\n' '|' <"$data/save.log")"
}

@test "docker stop (10 s): a leftover's 4.4 s save completes inside the default stop budget; status the workload's 143" {
	redis_stop "after, default budget" 4400 10
	[ "$STOP_STATUS" = 143 ]
	[ "$SAVED" = saved ]
	[ "$STOP_MS" -ge 4400 ]
}

@test "docker stop -t 2, SEXTON_STOP_TIMEOUT=2: sexton SIGKILLs a 2.7 s save before the engine does; status 143, not 137" {
	redis_stop "after, -e SEXTON_STOP_TIMEOUT=2" 2700 2 -e SEXTON_STOP_TIMEOUT=2
	[ "$STOP_STATUS" = 143 ]
	[ "$SAVED" = lost ]
}

# The same two cases with main's binary before the stop budget, for the
# record (nothing asserted but that they ran): its 3 s grace, counted from
# the workload's exit, SIGKILLed the 4.4 s save, and under -t 2 the engine
# SIGKILLed sexton (137). Needs the commit in the repository's history.
@test "docker stop, before: the same cases with the binary of $OLD_COMMIT (information only)" {
	local old="$DW/sexton-old" cid
	git -C "$ROOT" cat-file -e "$OLD_COMMIT^{commit}" 2>/dev/null ||
		skip "commit $OLD_COMMIT is not in this repository's history"
	git -C "$ROOT" archive --format=tar "$OLD_COMMIT" >"$DW/old.tar"
	eng build --network none --build-arg BASE="$BASE_IMAGE" --build-arg COMMIT="$OLD_COMMIT" \
		-t localhost/sexton:old - <"$DW/old.tar" >"$DW/build-old.log" 2>&1 || {
		tail -n 20 "$DW/build-old.log"
		false
	}
	cid=$(eng create localhost/sexton:old)
	eng cp "$cid:/sexton" "$old"
	eng rm "$cid" >/dev/null
	redis_stop "before ($OLD_COMMIT), docker stop" 4400 10 -v "$old:/sexton:ro"
	redis_stop "before ($OLD_COMMIT), docker stop -t 2" 2700 2 -v "$old:/sexton:ro" \
		-e SEXTON_STOP_TIMEOUT=2
}
