# SPDX-License-Identifier: GPL-2.0-or-later
# t/lib/runas.bash - the binary under test for another user (spawn's user,
# nobody), from a build tree that user may not be able to enter.
# Sourced by common.bash and postfix.bash (and bench/postfix_load.sh).

# dnswl_install_for USER BINARY COPY - COPY: the binary under test as USER
# can run it from anywhere (the build tree may be under a 0700 directory
# such as /root).  A wrapper of make check-valgrind or check-tsan is
# copied with its binary (COPY.real), suppressions and a log directory
# (COPY.logs) beside COPY; dnswl_collect_logs COPY brings the logs back.
# Fails saying what USER cannot run.
dnswl_install_for() {
	local user=$1 src=$2 copy=$3 real supp
	real=$(sed -n 's/^DNSWL_REAL=//p' "$src" 2>/dev/null)
	if [[ -n $real ]] && head -c 2 "$src" | grep -q '#!'; then
		install -m 755 "$real" "$copy.real"
		mkdir -p -m 1777 "$copy.logs"
		supp=$(sed -n 's/^VALGRIND_SUPP=//p' "$src")
		[[ -z $supp ]] || install -m 644 "$supp" "$copy.supp"
		sed -e "s|^DNSWL_REAL=.*|DNSWL_REAL=$copy.real|" \
			-e "s#^\(VALGRIND_LOG_DIR\|TSAN_LOG_DIR\)=.*#\1=$copy.logs#" \
			-e "s|^VALGRIND_SUPP=.*|VALGRIND_SUPP=$copy.supp|" "$src" >"$copy"
		chmod 755 "$copy"
	else
		install -m 755 "$src" "$copy"
	fi
	printf '%s\n' "$src" >"$copy.src"
	runuser -u "$user" -- "$copy" -V >"$copy.version" 2>&1 || {
		echo "user $user cannot run $copy (a copy of $src): $(cat "$copy.version")" >&2
		return 1
	}
}

# dnswl_collect_logs COPY - the valgrind/TSan logs of dnswl_install_for's
# COPY into the build's own log directory, where the make target looks.
dnswl_collect_logs() {
	local dir
	[[ -d $1.logs ]] || return 0
	dir=$(sed -n 's/^\(VALGRIND_LOG_DIR\|TSAN_LOG_DIR\)=//p' "$(cat "$1.src")" 2>/dev/null)
	[[ -n $dir && -d $dir ]] || return 0
	find "$1.logs" -type f -exec cp -p {} "$dir/" \;
}

