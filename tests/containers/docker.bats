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
