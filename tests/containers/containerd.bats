#!/usr/bin/env bats
# sexton under containerd (Debian's), driven by its own client, ctr: the
# runtime under most Kubernetes nodes. The file starts a containerd of its
# own (root, state dir and socket in the run's temp dir, no CRI plugin),
# imports the workload image into it with `ctr image import`, and stops it at
# the end. The image is the base that docker and podman import, with sexton
# and the test probes added as a second layer, written here as an OCI image
# layout: ctr builds nothing.
load containers

ENGINE=containerd
CW="$WORK/containerd"
NS=sexton-test
ENGINE_CMD=(ctr --address "$CW/containerd.sock" --namespace "$NS")
SEXTON="${SEXTON:-$ROOT/sexton}"

start_containerd() {
	cat >"$CW/config.toml" <<-EOF
		version = 2
		root = "$CW/root"
		state = "$CW/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$CW/containerd.sock"
		[ttrpc]
		  address = "$CW/containerd.sock.ttrpc"
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$CW/opt"
	EOF
	containerd --config "$CW/config.toml" >"$CW/containerd.log" 2>&1 3>&- &
	echo $! >"$CW/containerd.pid"
	await_cmd 30 "${ENGINE_CMD[@]}" version ||
		die "containerd did not start: $(tail -n 20 "$CW/containerd.log")"
}

# blob FILE: move FILE into the layout's blobs by its digest; print the digest.
blob() {
	local sum
	sum=$(sha256sum "$1") && sum=${sum%% *} &&
		mv "$1" "$CW/oci/blobs/sha256/$sum" && echo "$sum"
}

# oci_arch: the image's architecture in OCI's (Go's) names, from dpkg's.
oci_arch() {
	case $(dpkg --print-architecture) in
	armhf) echo arm ;;
	i386) echo 386 ;;
	ppc64el) echo ppc64le ;;
	*) dpkg --print-architecture ;;
	esac
}

# make_image: the workload image as an OCI layout tarball, $CW/image.tar:
# layer 1 the base tarball unchanged, layer 2 /sexton and the probes.
make_image() {
	local oci="$CW/oci" add="$CW/add" base top config manifest src
	mkdir -p "$oci/blobs/sha256" "$add/usr/local/bin"
	[ -x "$SEXTON" ] || die "$SEXTON is not built (make sexton)"
	install -m 0755 "$SEXTON" "$add/sexton"
	for src in "$HELPERS"/*.c; do
		[ -x "${src%.c}" ] || die "test probe ${src%.c} is not built (make helpers)"
		install -m 0755 "${src%.c}" "$add/usr/local/bin/"
	done
	cp "$WORK/base.tar" "$CW/layer1" && base=$(blob "$CW/layer1") || die "cannot copy the base"
	tar --numeric-owner --owner=0 --group=0 -C "$add" -cf "$CW/layer2" . &&
		top=$(blob "$CW/layer2") || die "cannot make the top layer"
	printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=%s"],"Entrypoint":["/sexton","--"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s","sha256:%s"]}}' \
		"$(oci_arch)" /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		"$base" "$top" >"$CW/config.json"
	config=$(stat -c %s "$CW/config.json")
	config="\"digest\":\"sha256:$(blob "$CW/config.json")\",\"size\":$config"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json",%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s},{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
		"$config" "$base" "$(stat -c %s "$oci/blobs/sha256/$base")" \
		"$top" "$(stat -c %s "$oci/blobs/sha256/$top")" >"$CW/manifest.json"
	manifest=$(stat -c %s "$CW/manifest.json")
	manifest="\"digest\":\"sha256:$(blob "$CW/manifest.json")\",\"size\":$manifest"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
		"$manifest" "$WORKLOAD_IMAGE" "$WORKLOAD_IMAGE" >"$oci/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$oci/oci-layout"
	tar -C "$oci" -cf "$CW/image.tar" oci-layout index.json blobs || die "cannot pack the image"
	rm -rf "$oci" "$add"
}

setup_file() {
	mkdir -p "$CW"
	command -v containerd >/dev/null && command -v ctr >/dev/null ||
		die "containerd or ctr not found: install Debian's containerd (.ci/containers does)"
	start_containerd
	make_image
	eng image import "$CW/image.tar" >"$CW/import.log" 2>&1 ||
		die "ctr image import failed: $(tail -n 20 "$CW/import.log")"
	rm -f "$CW/image.tar"
	eng image check | grep -q "^$WORKLOAD_IMAGE .* complete" ||
		die "the imported image is incomplete: $(eng image check)"
}

# gone ID: remove a container of this file and its task, whatever its state.
gone() {
	eng task kill -s SIGKILL "$1" >/dev/null 2>&1 || true
	eng task delete -f "$1" >/dev/null 2>&1 || true
	eng container delete "$1" >/dev/null 2>&1 || true
}

teardown() {
	local id
	for id in "${STARTED[@]}"; do
		gone "$id"
	done
	STARTED=()
}

teardown_file() {
	local id pid
	for id in $(eng container list -q 2>/dev/null); do
		gone "$id"
	done
	eng image remove "$WORKLOAD_IMAGE" >/dev/null 2>&1 || true
	stop_pid containerd "$CW/containerd.pid"
	# A shim outlives its containerd while its task runs: end any of ours.
	for pid in $(pgrep -f "containerd-shim.*-address $CW/containerd.sock" || true); do
		kill -KILL "$pid" 2>/dev/null || true
	done
	# Bundles' rootfs mounts, should a shim have been killed with one.
	grep -o " $CW/[^ ]*" /proc/mounts | sort -r | xargs -r umount -l 2>/dev/null || true
}

@test "containerd: ctr runs the imported image with sexton as PID 1; the exit status is the workload's" {
	STARTED+=(pid1)
	run --separate-stderr eng run --rm "$WORKLOAD_IMAGE" pid1 \
		/sexton -- sh -c 'echo "parent $PPID"; cat /proc/1/comm; exit 3'
	echo "status $status; output: $output; stderr: $stderr"
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = "parent 1" ]
	[ "${lines[1]}" = "sexton" ]
}

# The stop: ctr task kill sends SIGTERM to sexton, which forwards it to the
# workload (a shell that exits 7 on it). A daemon in a session of its own,
# whose SIGTERM handler takes 1.5 s, must get SIGTERM from the teardown and
# finish ("daemon done" in its file) before the container ends, and the
# task's exit status must be the workload's 7, not a SIGKILL's 137.
@test "ctr task kill: SIGTERM stops the workload; a leftover in its own session finishes its handler; status 7" {
	local id=stop out="$CW/out-stop" t0 ms rc run_pid
	mkdir -p "$out"
	STARTED+=("$id")
	# ctr run in the foreground ends with the task's exit status (this ctr
	# has no `task wait`); it is the test's own child, waited on below.
	eng run --log-uri "file://$out/task.log" \
		--mount "type=bind,src=$out,dst=/out,options=rbind:rw" "$WORKLOAD_IMAGE" "$id" \
		/sexton -- sh -c 'trap "exit 7" TERM
			leftover -s -d 1500 daemon >/out/daemon.log
			echo ready >/out/ready
			sleep 3600 & wait' >/dev/null 2>"$out/ctr.err" &
	run_pid=$!
	await_cmd 30 test -s "$out/ready" || {
		echo "the workload never got ready; its log: $(cat "$out/task.log" "$out/ctr.err")"
		false
	}
	grep -qx "daemon ready" "$out/daemon.log"
	t0=$(now_ms)
	eng task kill -s SIGTERM "$id"
	rc=0
	wait "$run_pid" || rc=$?
	ms=$(($(now_ms) - t0))
	echo "stop took $ms ms, exit status $rc; daemon: $(tr '\n' '|' <"$out/daemon.log")"
	echo "log: $(cat "$out/task.log" "$out/ctr.err")"
	[ "$rc" -eq 7 ]
	grep -qx "daemon term" "$out/daemon.log"
	grep -qx "daemon done" "$out/daemon.log"
	# The handler's 1.5 s, and no wait for the grace period beyond it.
	[ "$ms" -ge 1500 ]
	[ "$ms" -lt 10000 ]
}
