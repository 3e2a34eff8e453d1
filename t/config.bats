#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# t/config.bats - dnswl.cfg: the dnswl.py sample parses to the expected
# table (`dnswl -n -v`), and every kind of mistake gets FILE:LINE: why.

setup() {
	load 'lib/common'
	common_setup
	SAMPLE=${abs_top_srcdir:-$BATS_TEST_DIRNAME/..}/t/data/dnswl-py.cfg
}

# check_cfg - run `dnswl -n` on $CFG (stdin closed)
check_cfg() {
	run_dnswl -n </dev/null
}

# assert_cfg_error LINE REGEX - exit 1, one stderr line "$CFG:LINE: ..."
assert_cfg_error() {
	assert_equal "$status" 1
	assert_equal "$(wc -l <"$ERR_FILE")" 1
	grep -Eq -- "^$CFG:$1: $2" "$ERR_FILE" ||
		fail "stderr: $(cat "$ERR_FILE") (wanted $CFG:$1: $2)"
}

# cfg TEXT - write $CFG verbatim
cfg() { printf '%s\n' "$@" >"$CFG"; }

@test "dnswl.py sample parses to the expected lists, entries and boosts" {
	run "$DNSWL" -n -v -c "$SAMPLE"
	assert_success
	tables=$(printf '%s\n' "$output" | sed -n '/^\[swl-sites\]/,$p')
	assert_equal "$tables" "[swl-sites]
sites = list.dnswl.org, swl.example.net

[dwl-sites]
sites = dwl.dnswl.org

[list.dnswl.org]
; queried by the client address (swl-sites)
boost = -10.0
probe = yes
ips = 127.0.10 / -20.0,
      127.0.2.1 / -10.0,
      127.0.3 / -5.0,
      127.0.15.2 / -100.0

[swl.example.net]
; queried by the client address (swl-sites)
boost = -3.5
probe = yes
ips = 127 / -3.5

[dwl.dnswl.org]
; queried by the client name's registrable domain (dwl-sites)
boost = -10.0
check = client_name
probe = yes
ips = 127.0.10 / -20.0,
      127.0.3 / -10.0"
	assert_line 'policy_priority = 7'
	assert_line 'mailaddr_priority = 5'
}

@test "dnswl.py daemon keys give a notice on stderr, not an error" {
	run_dnswl_sample() { "$DNSWL" -n -c "$SAMPLE" 2>"$ERR_FILE" >"$OUT_FILE"; }
	run run_dnswl_sample
	assert_success
	grep -q 'notice: .*ignored dnswl.py daemon keys: bind_address port uid gid' "$ERR_FILE" ||
		fail "no notice: $(cat "$ERR_FILE")"
	[[ ! -s $OUT_FILE ]] || fail "-n without -v printed: $(cat "$OUT_FILE")"
}

# long_ips_cfg - a list whose one `ips` line is over 300 bytes
long_ips_cfg() {
	local ips="" i
	for i in $(seq 1 40); do ips+="127.0.$i.1 / -$i, "; done
	ips+="127.0.99.99 / -7"
	((${#ips} > 300))
	cfg '[swl-sites]' 'sites = long.test' '[long.test]' "ips = $ips"
}

@test "an ips line of 300+ bytes is read whole or refused saying so" {
	long_ips_cfg
	run_dnswl -n -v </dev/null
	if ((status != 0)); then
		assert_cfg_error 4 'line longer than [0-9]+ bytes; split the value'
		[[ ! -s $OUT_FILE ]]
	else
		assert_equal "$(grep -o '127\.0\.[0-9.]* / ' "$OUT_FILE" | wc -l)" 41
	fi
}

@test "an ips line of 300+ bytes (over Debian libinih's 200) is read whole" {
	long_ips_cfg
	run_dnswl -n -v </dev/null
	if ((status == 1)) && grep -q 'line longer than 198 bytes' "$ERR_FILE"; then
		skip "this libinih cuts lines at 200 bytes and dnswl refuses them: $(cat "$ERR_FILE")"
	fi
	assert_success
	assert_output --partial '127.0.1.1 / -1.0,'
	assert_output --partial '127.0.40.1 / -40.0,'
	assert_output --partial '127.0.99.99 / -7.0'
	assert_equal "$(grep -o '127\.0\.[0-9.]* / ' "$OUT_FILE" | wc -l)" 41
}

@test "unknown section" {
	cfg '[global]' 'dns_timeout = 1' '' '[bogus]' 'ips = 127'
	check_cfg
	assert_cfg_error 4 'unknown section \[bogus\]'
}

@test "unknown key in [global]" {
	cfg '[global]' 'dns_timeout = 1' 'frobnicate = yes'
	check_cfg
	assert_cfg_error 3 'unknown key "frobnicate" in \[global\]'
}

@test "unknown key in a list section" {
	cfg '[swl-sites]' 'sites = a.test' '[a.test]' 'ips = 127' 'weight = 3'
	check_cfg
	assert_cfg_error 5 'unknown key "weight" in list section \[a.test\]'
}

@test "bad number" {
	cfg '[global]' 'dns_timeout = 2x'
	check_cfg
	assert_cfg_error 2 'dns_timeout: "2x" is not a whole number'
}

@test "number out of range" {
	cfg '[global]' '' 'dns_attempts = 0'
	check_cfg
	assert_cfg_error 3 'dns_attempts: "0" is not a whole number from 1 to 10'
}

@test "dns_max_parallel: 0 to 64; -n -v prints it" {
	cfg '[global]' 'dns_max_parallel = 65'
	check_cfg
	assert_cfg_error 2 'dns_max_parallel: "65" is not a whole number from 0 to 64'
	cfg '[global]' '' 'dns_max_parallel = -1'
	check_cfg
	assert_cfg_error 3 'dns_max_parallel: "-1" is not a whole number from 0 to 64'
	cfg '[global]' 'dns_max_parallel = many'
	check_cfg
	assert_cfg_error 2 'dns_max_parallel: "many" is not a whole number from 0 to 64'
	cfg '[global]' 'dns_max_parallel = 8' 'dns_max_parallel = 4'
	check_cfg
	assert_cfg_error 3 '"dns_max_parallel" given twice in \[global\]'
	cfg '[global]' 'dns_max_parallel = 64'
	run_dnswl -n -v </dev/null
	assert_success
	assert_line 'dns_max_parallel = 64'
	cfg '[global]'
	run_dnswl -n -v </dev/null
	assert_line 'dns_max_parallel = 0 ; every list of a request at once'
}

@test "bad list boost" {
	cfg '[swl-sites]' 'sites = a.test' '' '[a.test]' 'boost = lots'
	check_cfg
	assert_cfg_error 5 'boost: "lots" is not a plain decimal number from -10000 to 10000'
}

@test "bad per-entry boost" {
	cfg '[swl-sites]' 'sites = a.test' '[a.test]' 'ips = 127.0.2 / -5x'
	check_cfg
	assert_cfg_error 4 'ips of \[a.test\]: "-5x" is not a boost \(a plain decimal number'
}

@test "bad ips entry" {
	cfg '[swl-sites]' 'sites = a.test' '[a.test]' 'ips = 127.0.2, 127.0.256'
	check_cfg
	assert_cfg_error 4 'ips of \[a.test\]: "127.0.256": each octet is a number 0..255'
}

@test "bad ips entry on a continuation line names the ips line" {
	cfg '[swl-sites]' 'sites = a.test' '[a.test]' 'ips = 127.0.2,' '  127..1'
	check_cfg
	assert_cfg_error 4 'ips of \[a.test\]: "127..1": each octet is a number 0..255'
}

@test "bad nameserver" {
	cfg '[global]' 'nameserver = 127.0.0.1:99999'
	check_cfg
	# the message should quote the whole item; it may only show the host
	assert_cfg_error 2 'nameserver: "127\.0\.0\.1(:99999)?" is not IPv4\[:PORT\]'
}

@test "nameserver that is not an address" {
	cfg '[global]' 'nameserver = ns.example.com'
	check_cfg
	assert_cfg_error 2 'nameserver: "ns.example.com" is not IPv4'
}

@test "site named in sites without a section" {
	cfg '[swl-sites]' 'sites = a.test,' '  b.test' '[a.test]' 'ips = 127'
	check_cfg
	assert_equal "$status" 1
	grep -Eq "^$CFG:[23]: list b.test is named in sites but has no \[b.test\] section" \
		"$ERR_FILE" || fail "stderr: $(cat "$ERR_FILE")"
}

@test "key given twice" {
	cfg '[global]' 'dns_timeout = 1' 'dns_attempts = 1' 'dns_timeout = 2'
	check_cfg
	assert_cfg_error 4 '"dns_timeout" given twice in \[global\]'
}

@test "line longer than 4096 bytes is refused, never half-read" {
	local ips
	ips=$(printf '127.0.0.1 / -1, %.0s' $(seq 1 300))
	((${#ips} > 4096))
	cfg '[swl-sites]' 'sites = a.test' '[a.test]' "ips = $ips"
	check_cfg
	# ~4096 with a libinih that lets dnswl size its line buffer, else 198
	assert_cfg_error 4 'line longer than (40[0-9][0-9]|198) bytes'
	[[ ! -s $OUT_FILE ]]
}

@test "missing file" {
	run "$DNSWL" -n -c "$T/no-such.cfg"
	assert_equal "$status" 1
	assert_output --regexp "^$T/no-such.cfg: cannot open: No such file or directory"
}

# --- ips: CIDR, boosts, trust-level filters (issue 16) ----------------------

# ips_table IPS - the `ips = ...` lines `dnswl -n -v` prints for one list
ips_table() {
	cfg '[swl-sites]' 'sites = a.test' '[a.test]' "ips = $1"
	run_dnswl -n -v </dev/null
	assert_success
	sed -n '/^ips = /,$p' "$OUT_FILE"
}

@test "ips: 127.0.2.0/24 is a CIDR block (it was read as 127.0.2.0 with boost +24)" {
	run ips_table '127.0.2.0/24, 127.0.0.0/8, 127.0.16.0/20 / -3'
	assert_output 'ips = 127.0.2 / -10.0,
      127 / -10.0,
      127.0.[16..31] / -3.0'
}

@test "ips: ADDR / BOOST with spaces (and dnswl.py's ADDR/-5) stays a boost" {
	run ips_table '127.0.2 / 24, 127.0.3/-5, 127.0.4.1 / +2.5'
	assert_output 'ips = 127.0.2 / 24.0,
      127.0.3 / -5.0,
      127.0.4.1 / 2.5'
}

@test "ips: dnswl.org trust levels in postscreen's filter syntax" {
	run ips_table '127.0.[0..255].[1;2] / -2, 127.0.[0..255].3 / -20, 127.0.0.[2..11]'
	assert_output 'ips = 127.0.[0..255].[1..2] / -2.0,
      127.0.[0..255].3 / -20.0,
      127.0.0.[2..11] / -10.0'
}

@test "ips: more than 64 entries (a boost per category and trust level)" {
	local ips="" c t
	for c in $(seq 2 20); do for t in 0 1 2 3; do ips+="127.0.$c.$t / -$t, "; done; done
	ips+="127.0.99.3"
	cfg '[swl-sites]' 'sites = a.test' '[a.test]' "ips = $ips"
	run_dnswl -n -v </dev/null
	assert_success
	assert_equal "$(grep -c ' / ' "$OUT_FILE")" 77
}

# ips_error IPS REGEX - `ips = IPS` is refused on line 4 with REGEX
ips_error() {
	cfg '[swl-sites]' 'sites = a.test' '[a.test]' "ips = $1"
	check_cfg
	assert_cfg_error 4 "ips of \\[a.test\\]: $2"
}

@test "ips: an ambiguous slash is refused with the two correct spellings" {
	ips_error '127.0.2/24' '"127.0.2/24" is ambiguous: write 127.0.2.0/24 \(a CIDR block, no spaces\) or 127.0.2 / 24 \(a boost, spaces around "/"\)$'
	ips_error '127.0.2.0/ -5' '"127.0.2.0/ -5" is ambiguous: write 127.0.2.0 / -5 \(a boost'
	ips_error '127.0.2.0 /24' '"127.0.2.0 /24" is ambiguous: write 127.0.2.0/24 \(a CIDR block, no spaces\) or 127.0.2.0 / 24'
	ips_error '127.0.2.1/24' '"127.0.2.1/24": host bits set'
	ips_error '127.0.0.0/4' '"127.0.0.0/4": a CIDR prefix length is a number 8..32'
	ips_error '127.0.0.[3..2]' '"127.0.0.\[3..2\]": a range \[LOW..HIGH\] needs LOW <= HIGH'
}

@test "ips: entries that can never match are refused" {
	ips_error '10.0.0.2' '"10.0.0.2" never matches: list answers outside 127.0.0.0/8 are ignored'
	ips_error '127.0.0.255 / -5' '"127.0.0.255" never matches: it covers only refusal codes'
	ips_error '127.255.255.0/24' '"127.255.255.0/24" never matches: it covers only refusal codes'
	ips_error '127.255.255' '"127.255.255" never matches'
}

@test "numbers must be plain decimals: no hex, exponent, nan or inf" {
	local v
	cfg '[sql]' 'policy_priority = 1.5'
	check_cfg
	assert_cfg_error 2 'policy_priority: "1.5" is not a whole number'
	for v in 0x10 1e3 nan inf -inf; do
		ips_error "127.0.2 / $v" "\"$v\" is not a boost \\(a plain decimal number"
		cfg '[swl-sites]' 'sites = a.test' '[a.test]' "boost = $v"
		check_cfg
		assert_cfg_error 4 "boost: \"$v\" is not a plain decimal number"
		cfg '[sql]' "policy_priority = $v"
		check_cfg
		assert_cfg_error 2 "policy_priority: \"$v\" is not a whole number"
		cfg '[cache]' "size = $v"
		check_cfg
		assert_cfg_error 2 "size: \"$v\" is not a whole number"
	done
}

# --- "did you mean" (issue 16) ------------------------------------------------

@test "a misspelt key: did you mean the known key of that section" {
	cfg '[global]' 'dns_timout = 2'
	check_cfg
	assert_cfg_error 2 'unknown key "dns_timout" in \[global\]; did you mean "dns_timeout"\?$'
	cfg '[cache]' 'min_tll = 5'
	check_cfg
	assert_cfg_error 2 'unknown key "min_tll" in \[cache\]; did you mean "min_ttl"\?$'
	cfg '[sql]' 'usesql = yes'
	check_cfg
	assert_cfg_error 2 'unknown key "usesql" in \[sql\]; did you mean "use_sql"\?$'
	cfg '[dwl-sites]' 'site = a.test'
	check_cfg
	assert_cfg_error 2 'unknown key "site" in \[dwl-sites\]; did you mean "sites"\?$'
	cfg '[swl-sites]' 'sites = a.test' '[a.test]' 'ipz = 127'
	check_cfg
	assert_cfg_error 4 'unknown key "ipz" in list section \[a.test\]; did you mean "ips"\?$'
	# nothing near: no guess
	cfg '[global]' 'timeout = 2'
	check_cfg
	assert_cfg_error 2 'unknown key "timeout" in \[global\]$'
}

# --- a readable password (issue 16) -------------------------------------------

@test "dnswl -n warns when a file holding a DSN password is readable by others" {
	cfg '[sql]' 'dsn = postgresql://dnswl:secret@localhost/amavis'
	chmod 0644 "$CFG"
	check_cfg
	assert_success
	grep -qx "dnswl: warning: $CFG holds a database password (dsn) and every user can read it (mode 0644): chown root:dnswl $CFG && chmod 0640 $CFG" "$ERR_FILE" ||
		fail "stderr: $(cat "$ERR_FILE")"
	! grep -q secret "$ERR_FILE" || fail "the password was printed"
	chmod 0640 "$CFG"
	check_cfg
	assert_success
	[[ ! -s $ERR_FILE ]] || fail "mode 0640 still warned: $(cat "$ERR_FILE")"
	# no password, no warning
	cfg '[sql]' 'dsn = sqlite:///var/lib/amavis/amavis.db'
	chmod 0644 "$CFG"
	check_cfg
	assert_success
	[[ ! -s $ERR_FILE ]] || fail "a DSN without password warned: $(cat "$ERR_FILE")"
}

@test "dnswl -n -v names only the ignored dnswl.py keys the file sets, and no role" {
	cfg '[global]' 'port = 10025' '[swl-sites]' 'sites = a.test' '[a.test]' 'ips = 127'
	run_dnswl -n -v </dev/null
	assert_success
	grep -qx '; ignored dnswl.py daemon keys: port' "$OUT_FILE" ||
		fail "stdout: $(cat "$OUT_FILE")"
	! grep -q 'role\|bind_address' "$OUT_FILE" || fail "stdout: $(cat "$OUT_FILE")"
	cfg '[swl-sites]' 'sites = a.test' '[a.test]' 'ips = 127'
	run_dnswl -n -v </dev/null
	! grep -q 'ignored dnswl.py' "$OUT_FILE" || fail "unset keys listed: $(cat "$OUT_FILE")"
}

# --- scoring (issue 12) -----------------------------------------------------

@test "block lists: score, miss, check and the global scoring keys parse" {
	cfg '[global]' 'reject_score = 5' 'header = X-DNSWL' 'dry_run = yes' \
		'action_reject = REJECT 5.7.1 listed by $lists' \
		'[dnsbl-sites]' 'sites = zen.example, bl.example=127.0.0.[2..11]*3, ok.example*-2' \
		'[rhsbl-sites]' 'sites = dbl.example' \
		'[zen.example]' 'ips = 127.0.0.2 / 4, 127.0.0.[10..11] / 0.5' 'miss = -0.5' \
		'[dbl.example]' 'score = 2.5' 'check = sender, helo, reverse_client_name'
	run_dnswl -n -v </dev/null
	assert_success
	assert_line 'reject_score = 5.0'
	assert_line 'header = X-DNSWL'
	assert_line 'dry_run = yes'
	assert_line 'action_reject = REJECT 5.7.1 listed by $lists'
	assert_line 'sites = zen.example, bl.example'
	assert_line 'sites = ok.example'
	assert_line 'sites = dbl.example'
	assert_line 'miss = -0.5'
	assert_line 'score = 2.5'
	assert_line 'check = sender, helo, reverse_client_name'
	assert_line 'ips = 127.0.0.[2..11] / 3.0'
	assert_line 'ips = 127 / -2.0'
}

@test "boost in a block list, score or miss in an allow list" {
	cfg '[dnsbl-sites]' 'sites = a.test' '[a.test]' 'boost = 2'
	check_cfg
	assert_cfg_error 4 'boost in \[a.test\]: a block list \(dnsbl/rhsbl\) takes score'
	cfg '[swl-sites]' 'sites = a.test' '[a.test]' 'score = 2'
	check_cfg
	assert_cfg_error 4 'score in \[a.test\]: an allow list \(swl/dwl\) takes boost'
	cfg '[swl-sites]' 'sites = a.test' '[a.test]' 'miss = 2'
	check_cfg
	assert_cfg_error 4 'miss in \[a.test\]: an allow list'
	cfg '[dnsbl-sites]' 'sites = a.test' '[a.test]' 'miss = much'
	check_cfg
	assert_cfg_error 4 'miss: "much" is not a plain decimal number'
}

@test "check: only domain lists; an allow list only client_name, saying why" {
	cfg '[dnsbl-sites]' 'sites = a.test' '[a.test]' 'check = helo'
	check_cfg
	assert_cfg_error 4 'check in \[a.test\]: only domain lists'
	cfg '[dwl-sites]' 'sites = a.test' '[a.test]' 'check = client_name, helo'
	check_cfg
	assert_cfg_error 4 'check = helo in allow list \[a.test\]: the HELO name is chosen by the client, so any client could claim the list.s boost'
	cfg '[dwl-sites]' 'sites = a.test' '[a.test]' 'check = sender'
	check_cfg
	assert_cfg_error 4 'check = sender in allow list \[a.test\]: the envelope sender is chosen'
	cfg '[dwl-sites]' 'sites = a.test' '[a.test]' 'check = reverse_client_name'
	check_cfg
	assert_cfg_error 4 'check = reverse_client_name in allow list \[a.test\]: the unverified PTR name'
	cfg '[rhsbl-sites]' 'sites = a.test' '[a.test]' 'check = sender, mx'
	check_cfg
	assert_cfg_error 4 'check: "mx" is not sender, helo, client_name or reverse_client_name'
	cfg '[dwl-sites]' 'sites = a.test' '[a.test]' 'check = client_name'
	check_cfg
	assert_success
}

@test "a zone in both an allow and a block section" {
	cfg '[swl-sites]' 'sites = a.test' '[dnsbl-sites]' 'sites = a.test' '[a.test]' 'ips = 127'
	check_cfg
	assert_cfg_error 4 'sites: "a.test" is both an allow list and a block list \(line 2\)'
	cfg '[dwl-sites]' 'sites = a.test' '[rhsbl-sites]' 'sites = a.test' '[a.test]' 'ips = 127'
	check_cfg
	assert_cfg_error 4 'sites: "a.test" is both an allow list and a block list'
}

@test "postscreen spelling: bad weight, bad filter, negative RHSBL, also a section" {
	cfg '[dnsbl-sites]' 'sites = a.test*x'
	check_cfg
	assert_cfg_error 2 'sites: weight "x" of a.test is not a plain decimal number'
	cfg '[dnsbl-sites]' 'sites = a.test=127.0.0.[2..300]*3'
	check_cfg
	assert_cfg_error 2 'ips of \[a.test\]: '
	cfg '[rhsbl-sites]' 'sites = a.test*-2'
	check_cfg
	assert_cfg_error 2 'sites: "a.test\*-2": a negative weight would make an allow list of a domain list'
	cfg '[dnsbl-sites]' 'sites = a.test*2' '[a.test]' 'ips = 127'
	check_cfg
	assert_cfg_error 2 'list a.test is defined twice: by zone=FILTER\*WEIGHT in sites \(line 2\) and by its \[a.test\] section \(line 3\)'
	cfg '[dnsbl-sites]' 'sites = a.test*2, a.test*-2'
	check_cfg
	assert_cfg_error 2 'sites: "a.test" is both an allow list and a block list'
	cfg '[dnsbl-sites]' 'sites = a.test, a.test*2' '[a.test]' 'ips = 127'
	check_cfg
	assert_cfg_error 2 'sites: "a.test" named twice'
}

@test "reject_score, header and dry_run values" {
	for v in 0 -1 x 1e3; do
		cfg '[global]' "reject_score = $v"
		check_cfg
		assert_cfg_error 2 "reject_score: \"$v\" is not a plain decimal number above 0"
	done
	cfg '[global]' 'reject_score ='
	check_cfg
	assert_success
	cfg '[global]' 'header = X DNSWL'
	check_cfg
	assert_cfg_error 2 'header: "X DNSWL" is not a header field name'
	cfg '[global]' 'header = X-DNSWL:'
	check_cfg
	assert_cfg_error 2 'header: "X-DNSWL:" is not a header field name'
	cfg '[global]' 'dry_run = maybe'
	check_cfg
	assert_cfg_error 2 'dry_run: "maybe" is not yes or no'
	cfg '[global]' 'action_reject = NOPE listed'
	check_cfg
	assert_cfg_error 2 'action_reject: "NOPE listed" is not a Postfix access\(5\) action'
	cfg '[global]' 'rejet_score = 5'
	check_cfg
	assert_cfg_error 2 'unknown key "rejet_score" in \[global\]; did you mean "reject_score"\?'
}
