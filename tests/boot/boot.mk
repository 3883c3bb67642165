# Boot tests, included by the top Makefile: sexton as the PID 1 of a real
# kernel under QEMU (tests/boot), on the architecture ARCH (default: the
# host's; x86_64, aarch64 or riscv64, see cross/cross.mk). `make check-boot`
# fetches a Debian kernel and busybox-static of ARCH into $(BOOT_CACHE) once
# (apt-get download, no install), builds sexton for ARCH and the initramfs,
# and runs tests/boot/boot.bats. `make check-boot-all` does it for every
# architecture. .ci/boot installs QEMU, cpio and the cross compilers first.
# Making /dev/console needs root.
BOOT_CACHE ?= $(CURDIR)/tests/boot/.cache/$(ARCH)
BOOT_INITRD := $(BOOT_CACHE)/initramfs.cpio
BOOT_FETCHED := $(BOOT_CACHE)/vmlinuz $(BOOT_CACHE)/busybox $(BOOT_CACHE)/applets
BOOT_SCENARIOS := $(wildcard tests/boot/scenario/*.sh)

$(BOOT_FETCHED) &:
	tests/boot/fetch $(ARCH) $(BOOT_CACHE)

$(BOOT_INITRD): $(ARCH_SEXTON) $(BOOT_FETCHED) tests/boot/mkinitramfs $(BOOT_SCENARIOS)
	tests/boot/mkinitramfs $(ARCH_SEXTON) $(BOOT_CACHE) $@

boot-fetch: $(BOOT_FETCHED)

boot-initramfs: $(BOOT_CACHE)/vmlinuz $(BOOT_INITRD)

check-boot: boot-initramfs
	rm -f $(BOOT_CACHE)/timings.txt
	@rc=0; BOOT_ARCH=$(ARCH) BOOT_CACHE=$(BOOT_CACHE) BATS_TEST_TIMEOUT=180 \
		bats --timing tests/boot || rc=$$?; \
	echo "--- boot timings, $(ARCH) ($(BOOT_CACHE)/timings.txt)"; \
	cat $(BOOT_CACHE)/timings.txt; exit $$rc

# Every architecture in turn, all of them even when one fails.
check-boot-all:
	@rc=0; for a in $(CROSS_ARCHS); do \
		$(MAKE) check-boot ARCH=$$a BOOT_CACHE=$(CURDIR)/tests/boot/.cache/$$a || rc=1; \
	done; exit $$rc

.PHONY: boot-fetch boot-initramfs check-boot check-boot-all
