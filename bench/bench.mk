# Benchmarks: sexton against tini, tini-static, dumb-init and catatonit.
# Included by the top Makefile.
#
#   make bench          full run (a few minutes); rewrites bench/RESULTS.md
#   make bench-quick    smaller run for CI (well under 2 minutes); prints only
#   make bench QUICK=1  the same as bench-quick
#   make bench-boot     boot timings against BusyBox init under QEMU (bench/boot;
#                       ARCH=..., BENCH_BOOT_RUNS=N boots per figure, default 3)
#
# Needs root (PID namespaces, apt-get), util-linux's unshare and taskset, and
# python3. Missing peers are installed from the distribution's packages.
# SEXTON=path/to/other/sexton make bench-quick measures another build.

BENCH_PROBES := bench/bin/workload bench/bin/driver
BENCH_PEERS := tini tini-static dumb-init catatonit
# The probes fork a lot: a small static binary forks fastest, so prefer the
# same musl-gcc that builds sexton; any C compiler will do.
BENCH_CC ?= $(CC)
BENCH_CFLAGS ?= -O2 -static -std=c11 -Wall -Wextra -Werror

bench/bin/%: bench/%.c bench/probe.h bench/bench.mk
	@mkdir -p bench/bin
	$(BENCH_CC) $(BENCH_CFLAGS) -o $@ $<

# tini-static comes in the tini package.
bench-peers:
	@missing=; for p in $(BENCH_PEERS); do command -v $$p >/dev/null || missing=1; done; \
	if [ -n "$$missing" ]; then \
		echo "bench: installing the peers: tini dumb-init catatonit"; \
		apt-get update && apt-get install -y tini dumb-init catatonit; \
	fi

ifeq ($(QUICK),1)
bench: bench-quick
else
bench: sexton $(BENCH_PROBES) bench-peers
	python3 bench/bench.py --profile --write bench/RESULTS.md
endif

bench-quick: sexton $(BENCH_PROBES) bench-peers
	python3 bench/bench.py --quick

bench-boot: boot-initramfs
	BOOT_ARCH=$(ARCH) BOOT_CACHE=$(BOOT_CACHE) BOOT_INITRD=$(BOOT_INITRD) bench/boot $(BENCH_BOOT_RUNS)

bench-clean:
	rm -rf bench/bin

clean: bench-clean

.PHONY: bench bench-quick bench-peers bench-boot bench-clean
