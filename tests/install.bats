#!/usr/bin/env bats
# make install and uninstall honour PREFIX and DESTDIR.

load common

@test "make install puts the binary and the man page under DESTDIR/PREFIX; uninstall removes them" {
	local dest="$BATS_TEST_TMPDIR/dest"
	run make -s -C "$ROOT" install DESTDIR="$dest" PREFIX=/opt/sx
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ -x "$dest/opt/sx/bin/sexton" ]
	[ -f "$dest/opt/sx/share/man/man1/sexton.1" ]
	"$dest/opt/sx/bin/sexton" --version
	run make -s -C "$ROOT" uninstall DESTDIR="$dest" PREFIX=/opt/sx
	[ "$status" -eq 0 ]
	[ ! -e "$dest/opt/sx/bin/sexton" ]
	[ ! -e "$dest/opt/sx/share/man/man1/sexton.1" ]
}

@test "the man page formats without warnings" {
	command -v man >/dev/null || skip "man is not installed"
	run bash -c "MANWIDTH=80 man --warnings -l '$ROOT/sexton.1' 2>&1 >/dev/null"
	[ -z "$output" ] || { echo "$output"; false; }
}
