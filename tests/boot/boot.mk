# Boot tests, included by the top Makefile: sexton as the PID 1 of a real
# kernel under QEMU (tests/boot). `make check-boot` fetches Debian's cloud
# kernel and busybox-static into $(BOOT_CACHE) once (apt-get download, no
# install), builds the initramfs, and runs tests/boot/boot.bats.
# .ci/boot installs QEMU and cpio first. Making /dev/console needs root.
BOOT_CACHE ?= $(CURDIR)/tests/boot/.cache
BOOT_INITRD := $(BOOT_CACHE)/initramfs.cpio
BOOT_SCENARIOS := $(wildcard tests/boot/scenario/*.sh)

$(BOOT_CACHE)/vmlinuz $(BOOT_CACHE)/busybox &:
	tests/boot/fetch $(BOOT_CACHE)

$(BOOT_INITRD): sexton $(BOOT_CACHE)/busybox tests/boot/mkinitramfs $(BOOT_SCENARIOS)
	tests/boot/mkinitramfs sexton $(BOOT_CACHE)/busybox $@

boot-initramfs: $(BOOT_CACHE)/vmlinuz $(BOOT_INITRD)

check-boot: boot-initramfs
	rm -f $(BOOT_CACHE)/timings.txt
	@rc=0; BOOT_CACHE=$(BOOT_CACHE) BATS_TEST_TIMEOUT=180 bats --timing tests/boot || rc=$$?; \
	echo "--- boot timings ($(BOOT_CACHE)/timings.txt)"; \
	cat $(BOOT_CACHE)/timings.txt; exit $$rc

.PHONY: boot-initramfs check-boot
