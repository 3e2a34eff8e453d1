#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# deps.sh [demo|test|fuzz] - install what dnswl needs on Debian 12, only what
# is missing; run as root (or it says what to install).
#   demo  building dnswl and running scripts/demo.sh: the compiler and
#         libraries, SQLite, ldns-testns (the test DNS server) and dig
#   test  (the default) all of the above, and what the whole suite
#         drives: PostgreSQL and MariaDB servers, Postfix and swaks,
#         bats, valgrind, libfaketime.  The packages are installed, but
#         no server is started or enabled as a system service: the tests
#         start private instances of their own.
#   fuzz  test, and clang with its libFuzzer runtime (make fuzz)
set -e
DEMO="autoconf automake libtool pkg-config make gcc
 libinih-dev libpsl-dev libidn2-dev libunistring-dev libspf2-dev libdbi-dev libdbd-sqlite3 sqlite3 ldnsutils bind9-dnsutils"
TEST="$DEMO libtsan2 libdbd-pgsql libdbd-mysql bats bats-support bats-assert
 postgresql mariadb-server postfix swaks valgrind faketime"
FUZZ="$TEST clang libclang-rt-14-dev"
case ${1:-test} in
demo) PKGS=$DEMO ;;
test) PKGS=$TEST ;;
fuzz) PKGS=$FUZZ ;;
*) echo "usage: deps.sh [demo|test|fuzz]" >&2; exit 2 ;;
esac
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
