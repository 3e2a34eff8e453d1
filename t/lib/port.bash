# SPDX-License-Identifier: GPL-2.0-or-later
# t/lib/port.bash - free_port, for the helpers that start servers
# (t/lib/sqlserver.bash, t/lib/postfix.bash).  Plain bash: the Postfix
# bench sources it outside bats.

# free_port - print a loopback TCP port nobody listens on; fails after
# 50 tries
free_port() {
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + RANDOM % 30000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}
