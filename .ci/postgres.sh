#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster for the test suite and prints the URL to use as
# METACORE_TEST_POSTGRES_URL:
#
#   dir=$(mktemp -d); export METACORE_TEST_POSTGRES_URL=$(bash .ci/postgres.sh start "$dir")
#   ...; bash .ci/postgres.sh stop "$dir"
#
# Installs the server from Debian's packages when it is missing. The cluster lives in DIR,
# listens on a free port on 127.0.0.1 only (trust auth, fsync off: test data only).
set -euo pipefail

find_bin() {
  local name=$1
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  local candidate
  for candidate in /usr/lib/postgresql/*/bin/"$name"; do
    [ -x "$candidate" ] && { echo "$candidate"; return; }
  done
  return 1
}

# PostgreSQL refuses to run as root: as root, run it as the `postgres` user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd=${1:-}; dir=${2:-}
if [ -z "$dir" ] || { [ "$cmd" != start ] && [ "$cmd" != stop ]; }; then
  echo "usage: $0 start|stop DIR" >&2; exit 2
fi
if [ "$cmd" = stop ]; then
  as_pg "$(find_bin pg_ctl)" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi

if ! find_bin initdb >/dev/null || ! find_bin pg_ctl >/dev/null; then
  echo "installing postgresql from Debian's packages" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql python3 >&2
fi
INITDB=$(find_bin initdb)
PG_CTL=$(find_bin pg_ctl)

if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$dir"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || echo $((20000 + RANDOM % 20000)))
as_pg "$INITDB" -D "$dir/data" -U metacore --auth=trust -E UTF8 --no-locale >/dev/null
as_pg "$PG_CTL" -D "$dir/data" -l "$dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null
echo "postgres://metacore@127.0.0.1:$port/postgres"
