#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# t/manpage.bats - the manual pages tell the truth about the program:
# dnswl.cfg(5) documents exactly the keys dnswl accepts (as `dnswl -n -v`
# prints them and as the loader's source names them) with the defaults
# dnswl uses; dnswl(8) documents its options, exit statuses and version.

setup() {
	load 'lib/common'
	common_setup
	SRC=${abs_top_srcdir:-$BATS_TEST_DIRNAME/..}
	MAN5=$SRC/doc/dnswl.cfg.5
	MAN8=$SRC/doc/dnswl.8
	# every section kind, nothing set: the defaults (one list for its keys)
	printf '%s\n' '[swl-sites]' 'sites = a.test' '[a.test]' \
		'[rhsbl-sites]' 'sites = b.test' '[b.test]' >"$CFG"
}

# --- keys, three ways ------------------------------------------------------
# Each prints "CATEGORY<TAB>KEY[<TAB>VALUE]" lines, CATEGORY being global,
# cache, sql, greylist, checks, sites (the four [*-sites]), list (a list's own
# section) or ignored (dnswl.py daemon keys, accepted and ignored).

# printed_settings FILE - what `dnswl -n -v -c FILE` prints, with values
printed_settings() {
	"$DNSWL" -n -v -c "$1" | awk '
		/^\[/ { s = $0; gsub(/[][]/, "", s)
			sec = s ~ /^(global|cache|sql|greylist|checks)$/ ? s : s ~ /-sites$/ ? "sites" : "list"
			next }
		/^; ignored dnswl.py daemon keys:/ {
			for (i = 6; i <= NF; i++) printf "ignored\t%s\t\n", $i
			next }
		/^[a-z0-9_]+ =/ { v = $0; sub(/^[^=]*= ?/, "", v); sub(/ *;.*$/, "", v)
			printf "%s\t%s\t%s\n", sec, $1, v }'
}

# printed_keys - the keys of printed_settings, once each, for $CFG with
# every ignored dnswl.py daemon key set (-n -v names only those set)
printed_keys() {
	local all=$T/all-keys.cfg k
	{
		echo '[global]'
		for k in $(source_keys | awk -F'\t' '$1 == "ignored" { print $2 }'); do
			echo "$k = 1"
		done
		cat "$CFG"
	} >"$all"
	printed_settings "$all" 2>/dev/null | cut -f1,2 | LC_ALL=C sort -u
}

# source_keys - the key names compared with `name` in the loader's source
source_keys() {
	awk '
		/^(void|static bool) cfg_(global|global_[a-z]+|scoring|cache|sql|greylist|sites|site_key|checks)\(/ {
			f = $0; sub(/\(.*/, "", f); sub(/.* cfg_/, "", f); sub(/^global_.*/, "global", f)
			cat = f == "site_key" ? "list" : f == "scoring" ? "global" : f; q = 0 }
		/^const char \*const cfg_ignored_keys\[\]/ { cat = "ignored"; q = 1 }
		/^const char \*cfg_check_key\(/ { cat = "checks"; q = 1 }
		cat != "" {
			line = $0
			re = q ? "\"[a-z0-9_]+\"" : "cfg_key\\(st, name, \"[a-z0-9_]+\"\\)"
			while (match(line, re)) {
				k = substr(line, RSTART, RLENGTH); line = substr(line, RSTART + RLENGTH)
				sub(/^[^"]*"/, "", k); sub(/".*/, "", k)
				printf "%s\t%s\n", cat, k
			}
			if (cat == "ignored" && $0 ~ /;/) cat = ""
		}
		/^}/ { cat = ""; q = 0 }' "$SRC/src/cfg/cfg_values.c" "$SRC/src/cfg/cfg_lists.c" "$SRC/src/cfg/cfg_sites.c" \
		"$SRC/src/cfg/cfg_grey.c" "$SRC/src/cfg/cfg_checks.c" |
		LC_ALL=C sort -u
}

# man_entries - dnswl.cfg(5)'s key entries (".TP" then ".B key" or
# ".BR k1 \", \" k2 ...") with the default the entry states ("Default: 2."
# or "Default:" then ".B OK", ".BR \"TEXT\" .", ".I /path"); <none> when
# it states none, "" for "empty"
man_entries() {
	awk '
		function arg(l) {
			sub(/^\.[A-Z]+ +/, "", l)
			if (l ~ /^"/) { l = substr(l, 2); sub(/".*/, "", l) } else sub(/ .*/, "", l)
			return l
		}
		function dflt(   n, L, i, p, t) {
			n = split(body, L, "\n")
			for (i = 1; i <= n; i++) {
				if (!(p = index(L[i], "Default:"))) continue
				t = substr(L[i], p + 8); sub(/^ +/, "", t)
				if (t == "") t = arg(L[i + 1])
				else { sub(/[ ,(].*/, "", t); sub(/\.$/, "", t) }
				gsub(/\\-/, "-", t)
				return t == "empty" ? "" : t
			}
			return "<none>"
		}
		function flush(   i, c) {
			c = sec == "global" && body ~ /accepted and ignored/ ? "ignored" : sec
			for (i = 1; i <= nk; i++) printf "%s\t%s\t%s\n", c, K[i], dflt()
			nk = 0; body = ""
		}
		/^\.SH/ { flush(); sec = ""
			if (/\[global\]/) sec = "global"; else if (/\[swl-sites\]/) sec = "sites"
			else if (/List sections/) sec = "list"; else if (/\[cache\]/) sec = "cache"
			else if (/\[sql\]/) sec = "sql"; else if (/\[greylist\]/) sec = "greylist"
			else if (/\[checks\]/) sec = "checks"
			next }
		/^\.(TP|PP|RS)/ { flush(); tp = /^\.TP/; next }
		tp { tp = 0
			if (sec != "" && /^\.BR? /)
				for (i = 2; i <= NF; i++) if ($i ~ /^[a-z0-9_]+$/) K[++nk] = $i
			next }
		nk { body = body "\n" $0 }
		END { flush() }' "$MAN5"
}

# assert_same_keys WHAT ONLY_LEFT ONLY_RIGHT LEFT RIGHT - two key lists
# are equal; else fail listing each key found on one side only
assert_same_keys() {
	[[ $4 == "$5" ]] && return 0
	diff <(printf '%s\n' "$4") <(printf '%s\n' "$5") | grep '^[<>]' |
		sed "s/^</ $2:/; s/^>/ $3:/" | batslib_decorate "$1" | fail
}

# man_keys - the keys of man_entries, once each
man_keys() {
	man_entries | cut -f1,2 | LC_ALL=C sort -u
}

@test "dnswl -n -v prints every key the loader's source accepts" {
	run source_keys
	assert_success
	local src=$output
	# the parser must find something in each category, or it is broken
	for c in global cache sql greylist sites list ignored checks; do
		grep -q "^$c	" <<<"$src" || fail "no $c keys found in src/cfg_*.c"
	done
	run printed_keys
	assert_success
	assert_same_keys "keys of dnswl -n -v versus src/cfg_*.c" \
		"printed, not in the source" "in the source, not printed" "$output" "$src"
}

@test "dnswl.cfg(5) documents exactly the keys dnswl accepts" {
	run man_keys
	assert_success
	local man=$output
	((${#lines[@]} >= 25)) || fail "only ${#lines[@]} key entries found in $MAN5"
	run printed_keys
	assert_success
	assert_same_keys "keys of dnswl -n -v versus $MAN5" \
		"not documented" "documented, unknown" "$output" "$man"
}

@test "every default dnswl.cfg(5) states is what dnswl -n -v prints" {
	local -A got=()
	local cat key val doc want bad=""
	while IFS=$'\t' read -r cat key val; do
		# `ips = 127 / -10.0`: the entries carry the list's boost
		[[ $cat/$key == list/ips ]] && val=${val%% / *}
		# the path depends on --localstatedir; the page shows /usr/local/var
		[[ $cat/$key == cache/file ]] && val=LOCALSTATEDIR${val#"${val%/cache/dnswl/cache.db}"}
		got[$cat/$key]=$val
	done < <(printed_settings "$CFG")
	((${#got[@]} >= 25)) || fail "dnswl -n -v printed only ${#got[@]} settings"
	while IFS=$'\t' read -r cat key doc; do
		[[ $cat/$key == cache/file ]] && doc=LOCALSTATEDIR${doc#/usr/local/var}
		if [[ $doc == '<none>' ]]; then
			# only lists of zones and ignored keys have no default
			[[ $cat == ignored || $key == sites ]] ||
				bad+="[$cat] $key: no \"Default:\" in the page"$'\n'
			continue
		fi
		want=${got[$cat/$key]-<not printed>}
		[[ $doc == "$want" ]] ||
			bad+="[$cat] $key: page says '$doc', dnswl -n -v prints '$want'"$'\n'
	done < <(man_entries)
	[[ -z $bad ]] || fail "$bad"
}

# sample_cfg - etc/dnswl.cfg as make builds it from etc/dnswl.cfg.in
sample_cfg() {
	if [[ -n ${abs_top_builddir:-} && -f $abs_top_builddir/etc/dnswl.cfg ]]; then
		echo "$abs_top_builddir/etc/dnswl.cfg"
	else
		sed 's|@localstatedir@|/usr/local/var|g; s|@sysconfdir@|/usr/local/etc|g' \
			"$SRC/etc/dnswl.cfg.in" >"$T/sample.cfg"
		echo "$T/sample.cfg"
	fi
}

@test "the sample etc/dnswl.cfg is valid and sets only the defaults" {
	local sample
	sample=$(sample_cfg)
	# its commented cache file is the real default
	grep -qx ";file = $("$DNSWL" -n -v -c "$CFG" | sed -n 's/^file = //p')" "$sample" ||
		fail "$sample: no ';file = DEFAULT' line: $(grep -n '^;file' "$sample")"
	! grep -q '@[a-z]*@' "$sample" || fail "$sample: unsubstituted $(grep -o '@[a-z]*@' "$sample")"
	run "$DNSWL" -n -c "$sample"
	assert_success
	assert_output ''
	run printed_settings "$sample"
	local mine=$output
	run printed_settings "$CFG"
	# [global], [cache], [sql], [checks]: the sample spells out what is built in
	assert_equal "$(grep -E '^(global|cache|sql|checks|ignored)	' <<<"$mine")" \
		"$(grep -E '^(global|cache|sql|checks|ignored)	' <<<"$output")"
}

# --- dnswl(8) --------------------------------------------------------------

# man_section PAGE TITLE - the roff text of one .SH section
man_section() {
	awk -v t="$2" '/^\.SH/ { on = index($0, t) > 0; next } on' "$1"
}

@test "dnswl(8) documents exactly the options dnswl takes" {
	local opts man
	opts=$(grep -o 'getopt\(_long\)\?(argc, argv, "[^"]*"' "$SRC/src/main.c" |
		sed 's/.*"\(.*\)".*/\1/; s/://g' | fold -w1 | LC_ALL=C sort | tr -d '\n')
	[[ -n $opts ]] || fail "no getopt string in src/main.c"
	man=$(man_section "$MAN8" OPTIONS | awk '/^\.TP/ { getline; print }' |
		grep -o '^\.B[IR]* \\-[a-zA-Z]' | sed 's/.*-//' | LC_ALL=C sort -u | tr -d '\n')
	assert_equal "$man" "$opts"
	# and the synopsis names each of them
	for o in $(fold -w1 <<<"$opts"); do
		man_section "$MAN8" SYNOPSIS | grep -q -- "\\\\-$o" ||
			fail "-$o missing from the SYNOPSIS of $MAN8"
	done
}

@test "dnswl -V prints the version both manual pages name" {
	run "$DNSWL" -V
	assert_success
	assert_output --regexp '^dnswl [0-9]+\.[0-9]+(\.[0-9]+)?$'
	local page
	for page in "$MAN8" "$MAN5"; do
		grep -q "^\.TH .*\"$output\"" "$page" ||
			fail "$page: .TH does not name \"$output\": $(grep '^\.TH' "$page")"
	done
}

# exits WANT ARGS... - dnswl ARGS (stdin from $IN) exits with WANT,
# which dnswl(8)'s EXIT STATUS must list
exits() {
	local want=$1 rc=0
	shift
	grep -qx "$want" <<<"$CODES" || fail "status $want is not in EXIT STATUS"
	timeout "$(scaled 60)" "$DNSWL" "$@" <"${IN:-/dev/null}" >"$OUT_FILE" 2>"$ERR_FILE" || rc=$?
	((rc == want)) ||
		fail "dnswl $* exited $rc, not $want: $(cat "$ERR_FILE")"
}

@test "dnswl exits with the statuses dnswl(8) documents" {
	local text bad=$T/bad.cfg nolists=$T/nolists.cfg
	text=$(man_section "$MAN8" '"EXIT STATUS"')
	CODES=$(awk '/^\.TP/ { getline; if (/^\.B [0-9]+$/) print $2 }' <<<"$text")
	assert_equal "$(tr '\n' ' ' <<<"$CODES")" "0 1 2 "
	# what each status is said to mean
	awk '/^\.B 1$/,/^\.B 2$/' <<<"$text" | grep -q 'invalid' ||
		fail "EXIT STATUS 1 does not speak of an invalid configuration"
	awk '/^\.B 2$/,0' <<<"$text" | grep -qi 'command line' ||
		fail "EXIT STATUS 2 does not speak of the command line"
	printf '[global]\nbogus = 1\n' >"$bad"
	printf '[global]\nlog_file = %s\n[cache]\nfile =\n' "$LOG" >"$nolists"
	exits 0 -n -c "$CFG"
	exits 0 -n -v -c "$CFG"
	exits 0 -V
	exits 0 -q 192.0.2.1 -c "$nolists"
	exits 0 -c "$nolists"				# serving: end of input
	exits 1 -n -c "$bad"
	exits 1 -n -c "$T/no-such.cfg"
	exits 1 -c "$bad"				# serving: logged, no reply
	exits 1 -q 192.0.2.1 -c "$bad"
	exits 1 -C stats -c "$nolists"			# caching disabled
	printf 'request=smtpd_access_policy\n' >"$T/cut"
	IN=$T/cut exits 1 -c "$nolists"			# end of input inside a request
	[[ ! -s $OUT_FILE ]] || fail "a cut request got a reply: $(cat "$OUT_FILE")"
	exits 2 -x
	grep -q '^usage: dnswl' "$ERR_FILE" || fail "no usage: $(cat "$ERR_FILE")"
	exits 2 -h
	exits 2 -n -c "$CFG" extra
	exits 2 -C bogus -c "$CFG"
	grep -q 'unknown cache command' "$ERR_FILE" || fail "no reason: $(cat "$ERR_FILE")"
}

teardown() {
	[[ -z ${DNSTEST_PID:-} ]] || dnstest_stop
}

# man_example PAGE INTRO - the .nf/.fi block after the line starting with
# INTRO, as a shell reads it when pasted from the rendered page
man_example() {
	awk -v t="$2" 'index($0, t) == 1 { on = 1; next }
		on && /^\.nf/ { inside = 1; next }
		inside && /^\.fi/ { exit }
		inside' "$1" | sed 's/\\e/\\/g; s/\\-/-/g'
}

@test "dnswl(8)'s \"talk the policy protocol by hand\" example works when pasted" {
	load 'lib/dnstest'
	dnstest_start "$BATS_TEST_DIRNAME/data/lists.testns"
	local example
	example=$(man_example "$MAN8" "Talk the policy protocol by hand")
	[[ $example == *'| dnswl'* ]] || fail "no example found in $MAN8: '$example'"
	# `dnswl` on PATH is the built one, reading a config for the test server
	write_cfg swl:swl.test:127
	mkdir -p "$T/bin"
	printf '#!/bin/sh\nexec "%s" -c "%s" "$@"\n' "$DNSWL" "$CFG" >"$T/bin/dnswl"
	chmod 755 "$T/bin/dnswl"
	run env PATH="$T/bin:$PATH" bash -c "$example"
	assert_success
	assert_output 'action=OK'
	grep -q 'decision: client=mx.example.com\[192.0.2.1\] .* swl.test=127.0.10.0:dns:-10.0 .*action=OK' "$LOG" ||
		fail "no decision line in $LOG: $(cat "$LOG")"
}

@test "the manual pages render without groff warnings" {
	command -v groff >/dev/null || skip "groff is not installed"
	local page
	for page in "$MAN8" "$MAN5"; do
		run env LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page"
		assert_success
		assert_output ''
	done
}
