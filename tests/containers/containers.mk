# Tests against real container engines: Docker, podman and containerd (ctr)
# from Debian's packages, each on a daemon or store of the tests' own
# (tests/containers). containerd's test image holds the sexton built here.
# .ci/containers installs what they need, as root, and runs this target.
# BATS_TEST_TIMEOUT bounds every test; engine commands have their own bound.
check-containers: sexton helpers
	BATS_TEST_TIMEOUT=300 bats --timing tests/containers

.PHONY: check-containers
