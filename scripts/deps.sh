#!/bin/sh
# deps.sh - install what dnswl needs to build, test and demo on Debian 12.
# Installs only what is missing; run as root (or it says what to install).
set -e
PKGS="autoconf automake libtool pkg-config make gcc libtsan2
 libinih-dev libpsl-dev libdbi-dev libdbd-sqlite3 libdbd-pgsql libdbd-mysql
 sqlite3 bats bats-support bats-assert ldnsutils bind9-dnsutils
 postgresql mariadb-server postfix swaks valgrind"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: please install as root:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Postfix is only run by the tests from a private config directory.
echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
# Servers are only started by the tests, never as system services.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
apt-get install -y -qq --no-install-recommends $missing >/dev/null
rm -f /usr/sbin/policy-rc.d
