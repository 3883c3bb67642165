# Boot tests, included by the top Makefile: sexton as the PID 1 of a real
# kernel under QEMU (tests/boot), on the architecture ARCH (default: the
# host's; x86_64, aarch64, riscv64, armhf, i386, ppc64el or s390x, see
# cross/cross.mk). `make check-boot`
# fetches a Debian kernel and busybox-static of ARCH into $(BOOT_CACHE) once
# (apt-get download, no install), builds sexton for ARCH and the initramfs,
# and runs tests/boot/boot.bats. `make check-boot-all` does it for every
# architecture. .ci/boot installs QEMU, cpio and the cross compilers first.
# Making /dev/console needs root.
#   BOOT_TESTS=quick      only the tests of $(BOOT_QUICK): boot, exit
#                         status, power-off, reboot, both leftovers'
#                         teardown, pids above 2^16 (what .ci/boot runs on
#                         the architectures without the full suite)
#   BOOT_ALSO=REGEX       with BOOT_TESTS=quick: the tests matching REGEX too
#   BOOT_TESTS=REGEX      only the tests whose names match REGEX (bats -f)
#   BOOT_SEXTON=FILE      boot FILE as /init instead of ARCH's own build: a
#                         32-bit binary on a 64-bit kernel (its initramfs is
#                         then initramfs-NAME.cpio, NAME the binary's folder)
BOOT_CACHE ?= $(CURDIR)/tests/boot/.cache/$(ARCH)
BOOT_SEXTON ?= $(ARCH_SEXTON)
BOOT_INITRD := $(BOOT_CACHE)/initramfs$(if $(filter $(ARCH_SEXTON),$(BOOT_SEXTON)),,-$(notdir \
	$(patsubst %/,%,$(dir $(abspath $(BOOT_SEXTON)))))).cpio
# The same tree as an ext4 root file system, for the tests of init= on a
# real root (mkfs.ext4 -d: package e2fsprogs).
BOOT_ROOTFS := $(dir $(BOOT_INITRD))$(patsubst initramfs%.cpio,rootfs%.ext4,$(notdir $(BOOT_INITRD)))
BOOT_QUICK := exit status is reported|busybox poweroff|busybox reboot|SIGTERM runs its handler|ignores SIGTERM is killed|pid above
BOOT_TESTS ?=
BOOT_ALSO ?=
BOOT_FILTER := $(if $(filter quick,$(BOOT_TESTS)),$(BOOT_QUICK)$(if $(BOOT_ALSO),|$(BOOT_ALSO)),$(BOOT_TESTS))
BOOT_FETCHED := $(BOOT_CACHE)/vmlinuz $(BOOT_CACHE)/busybox $(BOOT_CACHE)/applets
BOOT_SCENARIOS := $(wildcard tests/boot/scenario/*.sh)

# Again after fetch changes: it does nothing when its cache holds what it
# would fetch (modules.wanted lists the modules of that cache).
$(BOOT_FETCHED) &: tests/boot/fetch
	tests/boot/fetch $(ARCH) $(BOOT_CACHE)

$(BOOT_INITRD) $(BOOT_ROOTFS): $(BOOT_SEXTON) $(BOOT_FETCHED) tests/boot/mkinitramfs \
		$(BOOT_SCENARIOS)
	tests/boot/mkinitramfs $(BOOT_SEXTON) $(BOOT_CACHE) $@

boot-fetch: $(BOOT_FETCHED)

boot-initramfs: $(BOOT_CACHE)/vmlinuz $(BOOT_INITRD) $(BOOT_ROOTFS)

check-boot: boot-initramfs
	rm -f $(BOOT_CACHE)/timings.txt
	@rc=0; BOOT_ARCH=$(ARCH) BOOT_CACHE=$(BOOT_CACHE) BOOT_INITRD=$(BOOT_INITRD) \
		BOOT_ROOTFS=$(BOOT_ROOTFS) \
		BATS_TEST_TIMEOUT=180 bats --timing $(if $(BOOT_FILTER),-f '$(BOOT_FILTER)') \
		tests/boot || rc=$$?; \
	echo "--- boot timings, $(ARCH) ($(BOOT_CACHE)/timings.txt)"; \
	cat $(BOOT_CACHE)/timings.txt; exit $$rc

# Every architecture in turn, all of them even when one fails.
check-boot-all:
	@rc=0; for a in $(CROSS_ARCHS); do \
		$(MAKE) check-boot ARCH=$$a BOOT_CACHE=$(CURDIR)/tests/boot/.cache/$$a || rc=1; \
	done; exit $$rc

.PHONY: boot-fetch boot-initramfs check-boot check-boot-all
