#!/usr/bin/env bash
# API conformance: serve the demo app on a throw-away SQLite file and then on a throw-away
# PostgreSQL database, validate the served OpenAPI document with openapi-spec-validator, then
# run schemathesis against every operation with an admin token (no 5xx, responses conform to
# the spec; settings in .ci/schemathesis.toml).
#
#   bash .ci/conformance.sh [MAX_EXAMPLES [SEED]]
#
# MAX_EXAMPLES defaults to 25 (`cargo xtask conformance` uses 100); SEED makes the run
# reproducible (CI passes one, so a red run can be replayed locally with the same numbers).
# CONFORMANCE_BACKENDS picks the backends (default "sqlite postgres"); CONFORMANCE_SKIP_BUILD=1
# serves the demo binary already built. PostgreSQL: a fresh
# database on the server METACORE_TEST_POSTGRES_URL names, else a cluster started with
# .ci/postgres.sh for this run.
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-25}"
seed_args=()
if [ -n "${2:-}" ]; then
  seed_args=(--seed "$2")
fi
backends="${CONFORMANCE_BACKENDS:-sqlite postgres}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HOME:-/tmp}/.cache/metacore-target}"

if ! command -v schemathesis >/dev/null || ! command -v openapi-spec-validator >/dev/null; then
  python3 -m pip install --quiet 'schemathesis==4.32.5' 'openapi-spec-validator==0.9.0'
fi

# The test build (workspace features) links the demo binary too: reuse it.
# CONFORMANCE_SKIP_BUILD=1 serves the binary already built (to re-run without rebuilding).
if [ -z "${CONFORMANCE_SKIP_BUILD:-}" ]; then
  cargo test --quiet --workspace --no-run
fi
# The demo application: the generated addons and the hand-written `crm` addon.
app="$CARGO_TARGET_DIR/debug/metacore-demo"
work="$(mktemp -d)"
server=""
pg_dir=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  if [ -n "$pg_dir" ]; then bash .ci/postgres.sh stop "$pg_dir"; fi
  rm -rf "$work"
}
trap cleanup EXIT
export METACORE_JWT_SECRET="conformance-$(date +%s%N)"
# The showcase `spin` tool loops until its deadline: 2 s, not the default 10 s, keeps each such
# call inside schemathesis's response-time limit and the run short.
export METACORE_WASM_MAX_TIMEOUT_MS=2000

# A fresh database on the PostgreSQL server $1 (a URL ending in a database name).
fresh_database() {
  local name="conformance_$$_$(date +%s)"
  psql -q "$1" -c "CREATE DATABASE $name" >/dev/null
  echo "${1%/*}/$name"
}

# Serves the app on database URL $2 and runs schemathesis against it; $1 names the backend.
conform() {
  local backend=$1 database_url=$2
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  "$app" serve --bind "127.0.0.1:$port" --database-url "$database_url" \
    >"$work/server-$backend.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break
    sleep 0.1
  done
  local base="http://127.0.0.1:$port"
  curl -fsS "$base/api/openapi.json" -o "$work/openapi.json"
  openapi-spec-validator "$work/openapi.json"

  # The token reaches schemathesis through `[auth]` in .ci/schemathesis.toml.
  METACORE_TOKEN="$("$app" token --user 00000000-0000-4000-8000-000000000001 \
    --org 00000000-0000-4000-8000-0000000000aa --role admin)"
  export METACORE_TOKEN
  # Reference fields get ids of live rows (`x-metacore-ref`): .ci/schemathesis_hooks.py.
  export SCHEMATHESIS_HOOKS="$PWD/.ci/schemathesis_hooks.py"
  echo "== conformance on $backend"
  set +e
  schemathesis --config-file .ci/schemathesis.toml run "$base/api/openapi.json" \
    --url "$base" \
    --checks all \
    --max-examples "$examples" \
    "${seed_args[@]}" \
    --workers 1 \
    --no-color 2>&1 | tee "$work/schemathesis-$backend.log"
  local status=${PIPESTATUS[0]}
  set -e
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
  if grep -q "panicked" "$work/server-$backend.log"; then
    echo "error: the server panicked on $backend:" >&2
    grep -A5 "panicked" "$work/server-$backend.log" >&2
    return 1
  fi
  if [ "$status" != 0 ]; then
    echo "error: conformance failed on $backend" >&2
    return "$status"
  fi
}

failed=0
for backend in $backends; do
  case "$backend" in
    sqlite) conform sqlite "sqlite://$work/metacore.db?mode=rwc" || failed=1 ;;
    postgres)
      if [ -z "${METACORE_TEST_POSTGRES_URL:-}" ]; then
        pg_dir="$(mktemp -d)"
        METACORE_TEST_POSTGRES_URL="$(bash .ci/postgres.sh start "$pg_dir")"
      fi
      conform postgres "$(fresh_database "$METACORE_TEST_POSTGRES_URL")" || failed=1
      ;;
    *) echo "error: unknown backend \`$backend\` in CONFORMANCE_BACKENDS" >&2; exit 2 ;;
  esac
done
exit "$failed"
