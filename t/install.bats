#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# t/install.bats - `make install DESTDIR=...` puts each file where the
# README says, never overwrites or removes an admin's dnswl.cfg, needs no
# root, and `make uninstall` takes back everything else.
#
# Runs make in the build tree (abs_top_builddir, exported by make check):
# the programs are built by then, so install only copies.  The directory
# variables are given on the command line, so the file list below holds
# whatever configure was told (distcheck uses its own --prefix).

setup() {
	load 'lib/common'
	common_setup
	[[ -n ${abs_top_builddir:-} && -f $abs_top_builddir/Makefile ]] ||
		skip "abs_top_builddir is not set (run by make check): no build tree to install from"
	command -v "${MAKE:-make}" >/dev/null || skip "make is not installed"
	ROOT=$T/root
	ETC=$ROOT/usr/local/etc
}

# mk TARGET - make TARGET in the build tree, into $ROOT, /usr/local layout.
# The caller's MAKEFLAGS (make check's -j and jobserver) are not passed on.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -C "$abs_top_builddir" \
		--no-print-directory "$1" DESTDIR="$ROOT" prefix=/usr/local \
		exec_prefix=/usr/local sbindir=/usr/local/sbin sysconfdir=/usr/local/etc \
		datarootdir=/usr/local/share datadir=/usr/local/share \
		mandir=/usr/local/share/man
}

# installed - the files under $ROOT, with their mode, one a line
installed() {
	[[ -d $ROOT ]] || return 0
	(cd "$ROOT" && find . -type f -printf '%m /%P\n' | LC_ALL=C sort -k2)
}

EXPECTED='755 /usr/local/sbin/dnswl
644 /usr/local/etc/dnswl.cfg
644 /usr/local/share/dnswl/README.sql.md
644 /usr/local/share/dnswl/grey-mysql.sql
644 /usr/local/share/dnswl/grey-pgsql.sql
644 /usr/local/share/dnswl/grey-sqlite.sql
644 /usr/local/share/dnswl/dynamic_patterns
644 /usr/local/share/dnswl/installed-dirs
644 /usr/local/share/dnswl/mysql.sql
644 /usr/local/share/dnswl/pgsql.sql
644 /usr/local/share/dnswl/sqlite.sql
644 /usr/local/share/dnswl/upgrade-mysql.sql
644 /usr/local/share/dnswl/upgrade-pgsql.sql
644 /usr/local/share/dnswl/upgrade-sqlite.sql
644 /usr/local/share/man/man5/dnswl.cfg.5
644 /usr/local/share/man/man8/dnswl.8'

@test "make install puts each file in its place; make uninstall removes them" {
	run mk install
	assert_success
	run installed
	assert_output "$(LC_ALL=C sort -k2 <<<"$EXPECTED")"
	# the installed program runs and accepts the installed sample
	run "$ROOT/usr/local/sbin/dnswl" -n -c "$ETC/dnswl.cfg"
	assert_success
	cmp -s "$ROOT/usr/local/share/man/man8/dnswl.8" \
		"${abs_top_srcdir:-$BATS_TEST_DIRNAME/..}/doc/dnswl.8" ||
		fail "the installed dnswl.8 differs from doc/dnswl.8"
	run mk uninstall
	assert_success
	run installed
	assert_output ''
	# and the directories it created: $ROOT/usr was there before (mkdir -p)
	run find "$ROOT" -mindepth 1
	assert_output "$ROOT/usr"
}

# dirs - the directories under $ROOT, one a line
dirs() {
	(cd "$ROOT" && find . -mindepth 1 -type d -printf '/%P\n' | LC_ALL=C sort)
}

@test "make uninstall removes only the empty directories make install created" {
	# a tree where sbin and the man pages' directory already exist
	mkdir -p "$ROOT/usr/local/sbin" "$ROOT/usr/local/share/man"
	run mk install
	assert_success
	assert_equal "$(cat "$ROOT/usr/local/share/dnswl/installed-dirs")" '/usr/local/etc
/usr/local/share/dnswl
/usr/local/share/man/man5
/usr/local/share/man/man8'
	# a reinstall keeps the note of the first install
	run mk install
	assert_success
	run mk uninstall
	assert_success
	assert_output --partial "rmdir '$ROOT/usr/local/share/dnswl'"
	run dirs
	assert_output '/usr
/usr/local
/usr/local/sbin
/usr/local/share
/usr/local/share/man'
	# an edited dnswl.cfg keeps its directory
	rm -rf "$ROOT"
	run mk install
	assert_success
	echo '; mine' >>"$ETC/dnswl.cfg"
	run mk uninstall
	assert_success
	run dirs
	assert_output '/usr
/usr/local
/usr/local/etc'
}

@test "make install keeps an existing dnswl.cfg; make uninstall an edited one" {
	mkdir -p "$ETC"
	printf '; mine\n[global]\ndns_timeout = 1\n' >"$ETC/dnswl.cfg"
	run mk install
	assert_success
	assert_output --partial "keeping existing $ETC/dnswl.cfg"
	assert_equal "$(cat "$ETC/dnswl.cfg")" $'; mine\n[global]\ndns_timeout = 1'
	run mk uninstall
	assert_success
	assert_output --partial "keeping edited $ETC/dnswl.cfg"
	run installed
	assert_output "644 /usr/local/etc/dnswl.cfg"
	assert_equal "$(cat "$ETC/dnswl.cfg")" $'; mine\n[global]\ndns_timeout = 1'

	# the sample installed, then edited by the admin: uninstall keeps it
	rm -rf "$ROOT"
	run mk install
	assert_success
	printf 'dns_attempts = 1\n' >>"$ETC/dnswl.cfg"
	run mk uninstall
	assert_success
	assert_output --partial "keeping edited $ETC/dnswl.cfg"
	run installed
	assert_output "644 /usr/local/etc/dnswl.cfg"
}

@test "make install needs no root: no chown, chgrp or setuid" {
	run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -n \
		-C "$abs_top_builddir" install uninstall DESTDIR="$ROOT"
	assert_success
	refute_output --regexp '(^|[ ;/])(chown|chgrp|setcap)[ ]|chmod [^ ]*[ugo]*\+s|-o root'
	run installed
	assert_output ''
}

@test "the tarball ships the licence (COPYING), NEWS and configure's bug-report address" {
	run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -C "$abs_top_builddir" \
		--no-print-directory distdir distdir="$T/dist"
	assert_success
	local f
	for f in COPYING NEWS README.md ChangeLog; do
		[[ -s $T/dist/$f ]] || fail "$f is not in the tarball"
	done
	grep -q 'GNU GENERAL PUBLIC LICENSE' "$T/dist/COPYING" || fail "COPYING is not the GPL"
	grep -q '^Unreleased$' "$T/dist/NEWS" || fail "NEWS has no Unreleased section"
	run "$T/dist/configure" --help
	assert_output --regexp 'Report bugs to <[^>]+@[^>]+>'
}
