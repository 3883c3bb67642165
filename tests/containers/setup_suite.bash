# Once per run of the engine tests: a temp dir of the run's own, and the
# base image's tarball that both engines import (mkbase: debootstrap from the
# host's Debian mirror, about 40 s). SEXTON_BASE_TAR names a tarball made
# earlier by mkbase, to skip that step while working on the tests.

setup_suite() {
	SEXTON_CONTAINERS_WORK=$(mktemp -d "${TMPDIR:-/tmp}/sexton-containers.XXXXXX")
	export SEXTON_CONTAINERS_WORK
	if [ -n "${SEXTON_BASE_TAR:-}" ]; then
		ln -s "$(realpath "$SEXTON_BASE_TAR")" "$SEXTON_CONTAINERS_WORK/base.tar"
		return
	fi
	if ! timeout 600 "$BATS_TEST_DIRNAME/mkbase" "$SEXTON_CONTAINERS_WORK/base.tar" \
		>"$SEXTON_CONTAINERS_WORK/mkbase.log" 2>&1; then
		tail -n 20 "$SEXTON_CONTAINERS_WORK/mkbase.log" >&2
		echo "cannot make the base image with debootstrap (log above)" >&2
		return 1
	fi
}

teardown_suite() {
	# --one-file-system: never follow a mount an engine may have left behind.
	rm -rf --one-file-system "$SEXTON_CONTAINERS_WORK"
}
