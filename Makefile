# sexton: a minimal init. `make` builds a stripped static binary with musl.
.DELETE_ON_ERROR:

VERSION := 0.1.0
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
SEXTON_CFLAGS := $(WARN) -D_GNU_SOURCE $(HARDEN) $(SIZE) $(CFLAGS)
SEXTON_LDFLAGS := $(STATIC) -Wl,--gc-sections -Wl,-z,relro,-z,now -Wl,-z,noseparate-code \
	-Wl,--build-id=none $(LDFLAGS)

SRCS := init.c signals.c reap.c
OBJS := $(SRCS:.c=.o)

all: sexton

sexton: $(OBJS)
	$(CC) $(SEXTON_CFLAGS) -o $@ $(OBJS) $(SEXTON_LDFLAGS)
	strip --strip-all -R .comment $@

%.o: %.c sexton.h Makefile
	$(CC) $(SEXTON_CFLAGS) -c -o $@ $<

# Test probes are ordinary programs of the host's compiler, built once per run.
HELPERS := $(patsubst %.c,%,$(wildcard tests/helpers/*.c))
HOSTCC ?= cc

tests/helpers/%: tests/helpers/%.c
	$(HOSTCC) -O2 -Wall -Wextra -Werror -o $@ $<

helpers: $(HELPERS)

check: sexton helpers
	bats --timing tests

install: sexton
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)
	install -m 0755 sexton $(DESTDIR)$(BINDIR)/sexton
	install -m 0644 sexton.1 $(DESTDIR)$(MANDIR)/sexton.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sexton $(DESTDIR)$(MANDIR)/sexton.1

clean:
	rm -f sexton $(OBJS) $(HELPERS)

.PHONY: all check helpers install uninstall clean

# Further targets live beside what they build: benchmarks, fuzzing, stress
# and container-engine tests.
-include bench/bench.mk fuzz/fuzz.mk tests/stress/stress.mk tests/containers/containers.mk
