#!/usr/bin/env bats
# The shape of the code, checked mechanically: each file calls only into the
# files below it (the Makefile lists SRCS from the bottom up), every format
# string the logger is given is one it prints correctly, and init.c stays a
# table of contents.

load common

setup() {
	read -ra SRCS < <(make -s -C "$ROOT" --no-print-directory srcs)
	[ "${#SRCS[@]}" -ge 3 ]
}

# The global symbols that the object of $1 defines or needs.
defined() { nm --defined-only -g "$1" | awk '$2 ~ /[TDRB]/ { print $3 }'; }
needed() { nm -u "$1" | awk '{ print $2 }'; }

@test "each source file calls only into the files below it: no circle, no arrow back up" {
	local objs="$BATS_TEST_TMPDIR" src i j sym bad=
	for src in "${SRCS[@]}"; do
		cc -std=c11 -D_GNU_SOURCE -c -o "$objs/${src%.c}.o" "$ROOT/$src"
	done
	# Where each project symbol is defined: the file's place in SRCS.
	declare -A home
	for i in "${!SRCS[@]}"; do
		for sym in $(defined "$objs/${SRCS[i]%.c}.o"); do
			home[$sym]=$i
		done
	done
	for i in "${!SRCS[@]}"; do
		for sym in $(needed "$objs/${SRCS[i]%.c}.o"); do
			j=${home[$sym]:-}
			[ -n "$j" ] || continue # libc
			[ "$j" -lt "$i" ] || bad+="${SRCS[i]} calls $sym of ${SRCS[j]}"$'\n'
		done
	done
	[ -z "$bad" ] || { printf '%s' "$bad"; false; }
}

@test "every log_msg format uses only the conversions the logger prints" {
	# %s %c %% and %d %i %u %x with l or z: see the top of log.c. perl
	# joins a call's adjacent string literals before looking.
	run perl -0777 -ne '
		while (/log_msg\(\s*[^,]+,\s*((?:"(?:[^"\\]|\\.)*"\s*)+)/g) {
			(my $fmt = $1) =~ s/"\s*"//g;
			my $rest = $fmt;
			$rest =~ s/%(?:[lz]?[diux]|[sc%])//g;
			print "$ARGV: $fmt\n" if $rest =~ /%/;
		}' "${SRCS[@]/#/$ROOT/}"
	[ "$status" -eq 0 ]
	[ -z "$output" ] || { echo "formats the logger would misprint:"; echo "$output"; false; }
	# The check itself must see the calls: there are dozens.
	[ "$(cat "${SRCS[@]/#/$ROOT/}" | grep -c 'log_msg(')" -gt 30 ]
}

@test "the logger prints each conversion it accepts with the argument's own type" {
	# A wrong va_arg type would garble the number or shift the ones after it.
	# libc's printf, given the same format and arguments, writes what the
	# logger must on stdout (all but the NULL string, which it may refuse).
	cat >"$BATS_TEST_TMPDIR/t.c" <<'C'
#include "sexton.h"
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#define FORMAT "%d %i %u %x|%ld %lu %lx|%zu %zd|%c %s %%"
#define ARGS INT_MIN, -7, UINT_MAX, 0xbeefu, LONG_MIN, ULONG_MAX, 0xfeedfaceUL, \
	(size_t)SIZE_MAX, (ssize_t)-42, 'q', "text"
int main(void)
{
	printf("sexton: " FORMAT " (null)\nsexton: after 1\n", ARGS);
	fflush(stdout);
	log_set_level(LEVEL_DEBUG);
	log_msg(LEVEL_ERROR, FORMAT " %s", ARGS, (const char *)0);
	log_msg(LEVEL_DEBUG, "after %d", 1);
	log_msg(LEVEL_DEBUG + 1, "never");
	return 0;
}
C
	cc -std=c11 -D_GNU_SOURCE -I"$ROOT" -o "$BATS_TEST_TMPDIR/t" "$BATS_TEST_TMPDIR/t.c" \
		"$ROOT/log.c" "$ROOT/num.c"
	run --separate-stderr "$BATS_TEST_TMPDIR/t"
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	[ "$stderr" = "$output" ] || { echo "got:  $stderr"; echo "want: $output"; false; }
}

@test "init.c stays a table of contents: at most 350 lines" {
	[ "$(wc -l <"$ROOT/init.c")" -le 350 ]
}
