# Architectures, included by the top Makefile before its first target.
#
#   make                  ./sexton for the host's architecture (musl-gcc)
#   make ARCH=aarch64     build/aarch64/sexton, static, musl, for arm64
#   make ARCH=riscv64     build/riscv64/sexton, static, musl, for riscv64
#   make ARCH=armhf       build/armhf/sexton, 32-bit ARM (ARMv7, hard float)
#   make ARCH=i386        build/i386/sexton, 32-bit x86 (i686)
#   make ARCH=ppc64el     build/ppc64el/sexton, 64-bit POWER, little-endian
#   make ARCH=s390x       build/s390x/sexton, IBM Z, big-endian
#   make ARCH=x86_64      the same as `make` on an x86_64 host
#   make deps ARCH=...    also installs the cross compiler (apt-get)
#   make dist             dist/: the source tarball of HEAD, the static
#                         binary of every architecture, SHA256SUMS
#
# ARCH may also be given as Debian names it (amd64, arm64) or as uname -m
# does (armv7l, i686, ppc64le). The 64-bit architectures that were here first
# keep their uname -m names; the newer ones go by their Debian names, as
# uname -m has several for each (armv7l, armv8l; i386, i686). A cross build
# never touches the native ./sexton and its objects: objects and binary go
# to build/ARCH/. Its libc is musl, the version of the host's own musl-tools,
# built from Debian's source package with Debian's cross gcc by cross/musl,
# once, into $(CROSS_CACHE). Debian 12 has no musl for riscv64 at all; for
# aarch64 its musl-dev:arm64 would need the arm64 architecture added to the
# host's dpkg, and one way of building both is simpler to keep working.

# The rules below come before the top Makefile's `all`: keep it the default.
.DEFAULT_GOAL := all

HOST_ARCH := $(shell uname -m)
CROSS_ARCHS := x86_64 aarch64 riscv64 armhf i386 ppc64el s390x
ARCH ?= $(HOST_ARCH)
# arch_alias NAME: the name of CROSS_ARCHS for one of its other names.
arch_alias = $(or $(ALIAS_$1),$1)
ALIAS_amd64 := x86_64
ALIAS_arm64 := aarch64
ALIAS_armv7l := armhf
ALIAS_i686 := i386
ALIAS_ppc64le := ppc64el
override ARCH := $(call arch_alias,$(ARCH))
override HOST_ARCH := $(call arch_alias,$(HOST_ARCH))
ifeq ($(filter $(ARCH),$(HOST_ARCH) $(CROSS_ARCHS)),)
$(error ARCH=$(ARCH) is not supported: use one of $(CROSS_ARCHS))
endif

# The GNU triplet of each architecture: Debian's cross gcc is gcc-TRIPLET,
# its tools TRIPLET-gcc, TRIPLET-strip. armhf is ARMv7 with VFPv3-D16 and
# Thumb-2, what Debian's armhf is built for; i686 for i386, likewise.
TRIPLET_x86_64 := x86_64-linux-gnu
TRIPLET_aarch64 := aarch64-linux-gnu
TRIPLET_riscv64 := riscv64-linux-gnu
TRIPLET_armhf := arm-linux-gnueabihf
TRIPLET_i386 := i686-linux-gnu
TRIPLET_ppc64el := powerpc64le-linux-gnu
TRIPLET_s390x := s390x-linux-gnu

ifeq ($(ARCH),$(HOST_ARCH))
ARCH_SEXTON := sexton
CROSS_DEPS :=
else
ARCH_SEXTON := build/$(ARCH)/sexton
# binutils (strip) comes with gcc; dpkg-dev unpacks musl's source package.
CROSS_DEPS := gcc-$(TRIPLET_$(ARCH)) dpkg-dev file
endif

CROSS_CACHE ?= $(CURDIR)/cross/.cache

# cross_cc ARCH, cross_strip ARCH: the host's own musl-gcc and strip for its
# architecture, else the musl built by cross/musl and Debian's cross strip.
cross_cc = $(if $(filter $(HOST_ARCH),$1),musl-gcc,$(CROSS_CACHE)/musl-$1/bin/musl-gcc)
cross_strip = $(if $(filter $(HOST_ARCH),$1),strip,$(TRIPLET_$1)-strip)
cross_musl = $(if $(filter $(HOST_ARCH),$1),,$(CROSS_CACHE)/musl-$1/bin/musl-gcc)

# What file(1) says of each architecture's executables.
FILE_x86_64 := x86-64
FILE_aarch64 := ARM aarch64
FILE_riscv64 := RISC-V
FILE_armhf := 32-bit LSB executable, ARM
FILE_i386 := 32-bit LSB executable, Intel 80386
FILE_ppc64el := 64-bit LSB executable, 64-bit PowerPC.*OpenPOWER ELF V2 ABI
FILE_s390x := 64-bit MSB executable, IBM S/390

# The top Makefile's link flags for musl (whose static start-up never applies
# RELRO, so -z relro would only pad the file).
CROSS_LDFLAGS := $(STATIC) -Wl,--gc-sections -Wl,-z,norelro -Wl,-z,noseparate-code \
	-Wl,--build-id=none
# Page size, aarch64. Linux on arm64 runs with 4, 16 or 64 KiB pages and
# maps each PT_LOAD segment at its file offset, so a segment's address and
# offset must agree modulo the largest page: the linker's max-page-size, 64
# KiB by default, said here explicitly so that it stays. That costs no file
# space: the read-write segment follows the code at the next file offset,
# only its address moves on by 64 KiB (readelf -l: offset 0x7288, address
# 0x417288). The 36 KiB or so of padding an aarch64 binary usually carries
# comes from RELRO, whose end the linker puts on a 64 KiB boundary of the
# file, and -z separate-code would pad even more; the flags above turn both
# off. -z max-page-size=4096 would save 8 bytes, and the binary would no
# longer start under a 16 or 64 KiB kernel (execve fails with EINVAL):
# checked under Debian 13's arm64-16k kernel.
LDFLAGS_aarch64 := -Wl,-z,max-page-size=0x10000
# musl's ABI on powerpc64 has a 64-bit long double (cross/musl); sexton has
# none, but its objects must say the same as musl's for the linker.
CFLAGS_ppc64el := -mlong-double-64

# cross_rules ARCH: the objects and the binary of build/ARCH. The binary
# must come out static and of ARCH, or the build fails.
define cross_rules
build/$1/%.o: %.c sexton.h Makefile .commit | $(call cross_musl,$1)
	@mkdir -p $$(@D)
	$(call cross_cc,$1) $$(SEXTON_CFLAGS) $$(CFLAGS_$1) -c -o $$@ $$<

build/$1/sexton: $$(addprefix build/$1/,$$(OBJS))
	$(call cross_cc,$1) $$(SEXTON_CFLAGS) $$(CFLAGS_$1) -o $$@ $$^ $$(CROSS_LDFLAGS) $$(LDFLAGS_$1) \
		$$(LDFLAGS)
	$(call cross_strip,$1) --strip-all -R .comment $$@
	@file -b $$@ | grep -q '$(FILE_$1),.*statically linked' || \
		{ echo "$$@ is not a static $1 executable: $$$$(file -b $$@)" >&2; exit 1; }
endef
$(foreach a,$(CROSS_ARCHS),$(eval $(call cross_rules,$a)))

# musl of each other architecture. A rule of its own, not a pattern: make
# deletes what a chain of pattern rules made once it is done with it.
define musl_rule
$(call cross_musl,$1):
	cross/musl $(TRIPLET_$1) $(CROSS_CACHE)/musl-$1
endef
$(foreach a,$(filter-out $(HOST_ARCH),$(CROSS_ARCHS)),$(eval $(call musl_rule,$a)))

# The release: what `git archive` makes of HEAD, and binaries built from
# exactly that tree (unpacked under build/dist), not from the working tree,
# whatever is uncommitted there.
DIST := sexton-$(VERSION)
DIST_FILES := $(DIST).tar.gz $(addprefix $(DIST)-,$(CROSS_ARCHS))

dist:
	@git diff --quiet HEAD -- || \
		echo "dist: uncommitted changes are not in it: dist/ is HEAD ($(COMMIT))" >&2
	rm -rf dist build/dist
	mkdir -p dist build/dist
	git archive --format=tar.gz --prefix=$(DIST)/ -o dist/$(DIST).tar.gz HEAD
	tar -xzf dist/$(DIST).tar.gz -C build/dist
	for a in $(CROSS_ARCHS); do \
		$(MAKE) -C build/dist/$(DIST) build/$$a/sexton COMMIT=$(COMMIT) \
			CROSS_CACHE=$(CROSS_CACHE) && \
		cp build/dist/$(DIST)/build/$$a/sexton dist/$(DIST)-$$a || exit 1; \
	done
	cd dist && sha256sum $(DIST_FILES) >SHA256SUMS && sha256sum -c SHA256SUMS
	@ls -l dist

cross-clean:
	rm -rf build dist

clean: cross-clean

.PHONY: dist cross-clean
