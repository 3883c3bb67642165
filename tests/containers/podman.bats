#!/usr/bin/env bats
# sexton under podman (Debian's), and in a pod from `podman kube play`. All
# of podman's state lives in the run's temp dir, through a containers.conf
# and a storage.conf of the file's own: runc (crun refuses a machine with
# hybrid cgroups), cgroupfs, events in a file, no network, and ulimits no
# higher than this shell's hard limits (podman's defaults for root are higher,
# and runc cannot raise them).
load containers

ENGINE=podman
PW="$WORK/podman"
ENGINE_CMD=(env CONTAINERS_CONF="$PW/containers.conf" CONTAINERS_STORAGE_CONF="$PW/storage.conf"
	podman --runtime runc --cgroup-manager cgroupfs --events-backend file)
POD="$BATS_TEST_DIRNAME/pod.yaml"

write_config() {
	local nofile nproc
	nofile=$(ulimit -Hn)
	nproc=$(ulimit -Hu)
	[ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ] && nproc=32768
	[ "$nofile" = unlimited ] && nofile=1048576
	cat >"$PW/containers.conf" <<-EOF
		[containers]
		default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
		netns = "none"
		log_driver = "k8s-file"

		[engine]
		runtime = "runc"
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$PW/events.log"
		tmp_dir = "$PW/tmp"

		[network]
		network_config_dir = "$PW/networks"
	EOF
	cat >"$PW/storage.conf" <<-EOF
		[storage]
		driver = "overlay"
		graphroot = "$PW/root"
		runroot = "$PW/run"
	EOF
}

setup_file() {
	mkdir -p "$PW"
	command -v podman >/dev/null ||
		die "podman not found: install Debian's podman (.ci/containers does)"
	write_config
	eng info >"$PW/info.log" 2>&1 ||
		die "podman cannot start: $(tail -n 20 "$PW/info.log")"
	build_images "$PW" --network none
}

teardown_file() {
	# Everything in this store is the file's own: containers, pods, images.
	eng pod rm -f -a >/dev/null 2>&1 || true
	eng rm -f -a >/dev/null 2>&1 || true
	eng system reset -f >/dev/null 2>&1 || true
}

@test "podman: the Dockerfile builds with podman too, into the same image" {
	check_image
}

@test "podman: sexton is PID 1 and the workload its child" {
	check_pid1
}

@test "podman: the container's exit status is the workload's, 128+N for signal N" {
	check_exit_status
}

@test "podman stop: SIGTERM reaches the workload, which ends well inside the timeout" {
	check_stop
}

@test "podman stop: a leftover daemon gets SIGTERM from the teardown and finishes first" {
	check_stop_leftover
}

@test "podman kill -s: signals are forwarded to the workload" {
	check_kill
}

@test "podman: orphans are reaped, no zombie is left" {
	check_orphans
}

@test "podman run -it: Ctrl-C on the terminal reaches the workload" {
	check_tty_ctrl_c
}

@test "podman run --init --init-path: sexton is podman's init" {
	check_engine_init --init --init-path "$PW/sexton"
}

# ---- kube play -----------------------------------------------------------

kube_down() {
	eng kube down "$POD" >/dev/null 2>&1 || true
}

@test "podman kube play: in a shared PID namespace sexton is not PID 1 and reaps the pod's orphans" {
	local sexton_pid
	teardown() { kube_down; }
	run --separate-stderr eng kube play --network none "$POD"
	echo "status $status; output: $output; stderr: $stderr"
	[ "$status" -eq 0 ]
	run exit_code sexton-pod-reaper
	echo "reaper exit: $output"
	[ "$output" = 0 ]
	run --separate-stderr eng logs sexton-pod-reaper
	echo "reaper: $output; stderr: $stderr"
	[ "${lines[0]}" = "reaped 20" ]
	# orphans -p is sexton's child: "init P" names sexton, "adopted P" says
	# the orphan went to sexton, not to the pod's PID 1.
	sexton_pid=${lines[1]#init }
	[ "${lines[1]}" = "init $sexton_pid" ]
	[ "$sexton_pid" -gt 1 ]
	[ "${lines[2]}" = "adopted $sexton_pid" ]
}

@test "podman kube play: stopping the app ends it gracefully, status 0 with -e 143; its teardown spares the neighbour" {
	teardown() { kube_down; }
	run --separate-stderr eng kube play --network none "$POD"
	echo "status $status; output: $output; stderr: $stderr"
	[ "$status" -eq 0 ]
	await_log sexton-pod-app ready
	stop_gracefully sexton-pod-app 5000
	# sexton, not PID 1 here, stopped its own leftover daemon in order...
	run eng logs sexton-pod-app
	echo "app logs: $output"
	grep -qx "daemon term" <<<"$output"
	grep -qx "daemon done" <<<"$output"
	# ...and nothing of the neighbour's in the shared PID namespace.
	await_log sexton-pod-neighbour ready
	run eng inspect -f '{{.State.Running}}' sexton-pod-neighbour
	[ "$output" = true ]
	run eng logs sexton-pod-neighbour
	echo "neighbour logs: $output"
	[ "$output" = ready ]
}

# stop_pod POD MS: `podman pod stop` with a 10 s timeout; it must return
# within MS milliseconds. Sets STOP_MS.
stop_pod() {
	local t0
	t0=$(now_ms)
	eng pod stop -t 10 "$1" >/dev/null
	STOP_MS=$(($(now_ms) - t0))
	echo "pod stop of $1 took $STOP_MS ms"
	[ "$STOP_MS" -lt "$2" ]
}

# ---- sexton added to a pod without rebuilding its image ------------------

KUBE_INIT="$BATS_TEST_DIRNAME/kube-init.yaml"

@test "podman kube play: an initContainer of sexton's scratch image copies it (--copy-to) into an emptyDir; the app runs under it, reaps, stops with its own status" {
	teardown() { eng kube down "$KUBE_INIT" >/dev/null 2>&1 || true; }
	# Away from the tree: this kube play takes ./sexton (the binary) for the
	# build context of the image named sexton, even with --build=false.
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr eng kube play --network none "$KUBE_INIT"
	echo "status $status; output: $output; stderr: $stderr"
	[ "$status" -eq 0 ]
	await_log sexton-init-app ready
	run eng logs sexton-init-app
	echo "app logs: $output"
	[ "${lines[0]}" = "init sexton mode 755" ]
	[[ "${lines[1]}" == "reaped "* ]]
	# The pod's stop: SIGTERM to sexton, forwarded; the status is the
	# script's 4, well inside the 10 s.
	stop_pod sexton-init 5000
	echo "# kube play with --copy-to: podman pod stop took $STOP_MS ms" >&3
	run exit_code sexton-init-app
	echo "app exit status: $output"
	[ "$output" = 4 ]
	run eng logs sexton-init-app
	[ "${lines[-1]}" = term ]
}

# ---- sexton as the pod's own PID 1 (its infra process) -------------------

# infra_pod POD [POD-CREATE-OPTIONS...]: a pod that shares its PID namespace,
# and in it a container "POD-app" under its own sexton (the image's
# entrypoint; not PID 1 there) that leaves a daemon in a session of its own,
# whose SIGTERM handler takes 1 s and writes "daemon done" to
# $PW/POD/daemon.log at its end. The app needs an init of its own: when a
# container that does not own its PID namespace loses its main process, runc
# SIGKILLs what is left in its cgroup.
infra_pod() {
	local pod=$1
	shift
	mkdir -p "$PW/$pod"
	eng pod create --name "$pod" --network none --share pid,ipc,net,uts "$@" >/dev/null
	eng run -d --pod "$pod" --name "$pod-app" -v "$PW/$pod:/data" "$WORKLOAD_IMAGE" \
		sh -c 'leftover -s -d 1000 daemon >/data/daemon.log &&
			echo "pid1 $(cat /proc/1/comm)" && echo ready && exec sigprobe' >/dev/null
	await_log "$pod-app" ready
}

@test "podman pod, sexton -P as the infra process: pod stop lets a joined container's leftover finish its handler, and ends once nothing is left" {
	local pod=sexton-infra
	teardown() { eng pod rm -f sexton-infra >/dev/null 2>&1 || true; }
	# This podman splits --infra-command at spaces into the entrypoint.
	infra_pod "$pod" --infra-image "$SEXTON_IMAGE" --infra-command '/sexton -P'
	run eng logs "$pod-app"
	echo "app logs: $output"
	[ "${lines[0]}" = "pid1 sexton" ]
	stop_pod "$pod" 5000
	echo "# pod infra: sexton -P: podman pod stop took $STOP_MS ms, app status $(exit_code "$pod-app"); daemon: $(tr '\n' ' ' <"$PW/$pod/daemon.log")" >&3
	echo "daemon: $(cat "$PW/$pod/daemon.log")"
	grep -qx "daemon term" "$PW/$pod/daemon.log"
	grep -qx "daemon done" "$PW/$pod/daemon.log"
	# The handler's second, not the 10 s timeout.
	[ "$STOP_MS" -ge 1000 ]
	# The app's own status (sigprobe exits 0 on SIGTERM), not the 137 of
	# the kernel's SIGKILL when the namespace's PID 1 goes first.
	run exit_code "$pod-app"
	echo "app exit status: $output"
	[ "$output" = 0 ]
}

# For the record: podman's own infra, catatonit -P, exits at once on the
# stop, and the kernel SIGKILLs the daemon mid-handler.
@test "podman pod, catatonit as the infra process: the leftover's handler does not finish (information only)" {
	local pod=catatonit-infra
	teardown() { eng pod rm -f catatonit-infra >/dev/null 2>&1 || true; }
	infra_pod "$pod" || skip "no pod with podman's default infra image here"
	run eng logs "$pod-app"
	echo "app logs: $output"
	stop_pod "$pod" 15000
	echo "# pod infra: ${lines[0]#pid1 }: podman pod stop took $STOP_MS ms, app status $(exit_code "$pod-app"); daemon: $(tr '\n' ' ' <"$PW/$pod/daemon.log")" >&3
}
