# Stress tests, included by the top Makefile:
#   make stress    build the probes, then run tests/stress/*.bats against
#                  $(SEXTON) (default: ./sexton; `SEXTON=$PWD/sexton-asan`
#                  runs them against the sanitizer build)
# They need root: PID namespaces, pid_max, setpriv. A figure of each test
# (orphans per second, zombies, signals) is printed and kept in
# $(STRESS_FIGURES).

STRESS_PROBES := $(patsubst %.c,%,$(wildcard tests/stress/*.c))
SEXTON ?= $(CURDIR)/sexton
STRESS_FIGURES ?= $(CURDIR)/tests/stress/figures.txt

# Static: the RLIMIT_NOFILE=3 test runs them where the dynamic loader could
# not open a single library.
tests/stress/%: tests/stress/%.c tests/stress/zombies.h
	$(HOSTCC) -O2 -Wall -Wextra -Werror -static -o $@ $<

stress-probes: $(STRESS_PROBES)

stress: sexton stress-probes
	rm -f $(STRESS_FIGURES)
	SEXTON=$(SEXTON) STRESS_FIGURES=$(STRESS_FIGURES) bats --timing tests/stress
	cat $(STRESS_FIGURES)

.PHONY: stress stress-probes
