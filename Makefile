# sexton: a minimal init. `make` builds a stripped static binary with musl.
.DELETE_ON_ERROR:

VERSION := 0.1.0
# The commit goes into --version as "- git.ID", the form Docker's `docker info`
# reads from its init. Builds outside git (the Dockerfile) pass COMMIT=.
COMMIT ?= $(shell git rev-parse --short=7 HEAD 2>/dev/null || echo unknown)
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man/man1

# `CC ?= musl-gcc` would never apply: make predefines CC. Only replace make's
# own default, so `make CC=gcc` and `make CC=clang` still mean what they say.
ifeq ($(origin CC),default)
CC := musl-gcc
endif

CFLAGS ?= -Os
# -static: an init runs where no libc may exist (FROM scratch, an initramfs).
# No -static-pie: Debian's musl-gcc silently makes a dynamic binary with it.
STATIC ?= -static
WARN := -std=c11 -pedantic -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Werror
HARDEN := -fstack-protector-strong -D_FORTIFY_SOURCE=2
# Size: unwind tables and unused sections are dead weight in a C program that
# never unwinds; one page-aligned segment per kind is plenty for 20 KiB.
SIZE := -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
	-fno-unwind-tables
# A -static binary is never position-independent, so neither need its code
# be: without -fno-pie, tables of pointers land in .data.rel.ro for nothing.
NOPIE := $(if $(STATIC),-fno-pie)
SEXTON_CFLAGS := $(WARN) -D_GNU_SOURCE -DSEXTON_VERSION='"$(VERSION)"' \
	-DSEXTON_COMMIT='"$(COMMIT)"' $(HARDEN) $(SIZE) $(NOPIE) $(CFLAGS)
# RELRO: musl's static start-up never makes the region read-only (its pages
# stay rw-p in /proc/PID/maps), so with musl -z relro would only pad the file
# to a page boundary. glibc's static start-up does apply it: keep it there.
ifeq ($(CC),musl-gcc)
RELRO := -Wl,-z,norelro
else
RELRO := -Wl,-z,relro,-z,now
endif
# common-page-size: with the default (a whole page), ld may start the data
# segment on a page boundary of the file to save a page of memory, padding
# the file by up to 4 KiB depending on where the code happens to end; 64
# keeps the data right after the code, as for a binary this small it is.
SEXTON_LDFLAGS := $(STATIC) -Wl,--gc-sections $(RELRO) -Wl,-z,noseparate-code \
	-Wl,-z,common-page-size=64 -Wl,--build-id=none $(LDFLAGS)

# From the bottom of the program up: each file calls only into the files
# before it (tests/layout.bats checks the objects for it).
SRCS := num.c log.c proc.c reap.c signals.c child.c teardown.c boot.c copy.c config.c init.c
OBJS := $(SRCS:.c=.o)

# ARCH=aarch64 or ARCH=riscv64 cross-builds build/ARCH/sexton instead; dist.
include cross/cross.mk

all: $(ARCH_SEXTON)

# Rebuild when the commit changes, so --version never names a stale one.
.commit: FORCE
	@echo '$(COMMIT)' | cmp -s - $@ || echo '$(COMMIT)' >$@
FORCE:

sexton: $(OBJS)
	$(CC) $(SEXTON_CFLAGS) -o $@ $(OBJS) $(SEXTON_LDFLAGS)
	strip --strip-all -R .comment $@

%.o: %.c sexton.h Makefile .commit
	$(CC) $(SEXTON_CFLAGS) -c -o $@ $<

# Test probes are ordinary programs of the host's compiler, built once per run.
HELPERS := $(patsubst %.c,%,$(wildcard tests/helpers/*.c))
HOSTCC ?= cc

tests/helpers/%: tests/helpers/%.c
	$(HOSTCC) -O2 -Wall -Wextra -Werror -o $@ $<

helpers: $(HELPERS)

# Debian packages the build and the tests need; only missing ones are
# installed (apt-get, as root or through sudo).
DEPS := make gcc libc6-dev musl-tools bats util-linux procps coreutils $(CROSS_DEPS)
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
deps:
	@missing=; for p in $(DEPS); do dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	[ -z "$$missing" ] || { $(SUDO) apt-get update -q && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends $$missing; }

# The tests start PID namespaces (unshare --pid), so they run as root.
check: deps sexton helpers
	bats --timing tests

install: $(ARCH_SEXTON)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)
	install -m 0755 $(ARCH_SEXTON) $(DESTDIR)$(BINDIR)/sexton
	install -m 0644 sexton.1 $(DESTDIR)$(MANDIR)/sexton.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sexton $(DESTDIR)$(MANDIR)/sexton.1

clean:
	rm -f sexton $(OBJS) $(HELPERS) .commit

# The sources in layering order, for tests/layout.bats.
srcs:
	@echo $(SRCS)

.PHONY: all check deps helpers install uninstall clean srcs FORCE

# Further targets live beside what they build: benchmarks, fuzzing, stress
# and container-engine tests.
-include bench/bench.mk fuzz/fuzz.mk tests/stress/stress.mk tests/containers/containers.mk \
	tests/boot/boot.mk
