# Tests against real container engines: Docker and podman from Debian's
# packages, each on a daemon or store of the tests' own (tests/containers).
# .ci/containers installs what they need, as root, and runs this target.
# BATS_TEST_TIMEOUT bounds every test; engine commands have their own bound.
check-containers: helpers
	BATS_TEST_TIMEOUT=300 bats --timing tests/containers

.PHONY: check-containers
