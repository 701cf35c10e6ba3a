#!/usr/bin/env bash
# API conformance: serve the demo app on a throw-away SQLite file, validate the served
# OpenAPI document with openapi-spec-validator, then run schemathesis against every
# operation with an admin token (no 5xx, responses conform to the spec; settings in
# .ci/schemathesis.toml).
#
#   bash .ci/conformance.sh [MAX_EXAMPLES [SEED]]
#
# MAX_EXAMPLES defaults to 25 (`cargo xtask conformance` uses 100); SEED makes the run
# reproducible (CI passes one, so a red run can be replayed locally with the same numbers).
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-25}"
seed_args=()
if [ -n "${2:-}" ]; then
  seed_args=(--seed "$2")
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HOME:-/tmp}/.cache/metacore-target}"

if ! command -v schemathesis >/dev/null || ! command -v openapi-spec-validator >/dev/null; then
  python3 -m pip install --quiet 'schemathesis==4.32.5' 'openapi-spec-validator==0.9.0'
fi

# The test build (workspace features) links the generated crate's binary too: reuse it.
cargo test --quiet --workspace --no-run
app="$CARGO_TARGET_DIR/debug/metacore-app"
work="$(mktemp -d)"
export METACORE_JWT_SECRET="conformance-$(date +%s%N)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$app" serve --bind "127.0.0.1:$port" --database-url "sqlite://$work/metacore.db?mode=rwc" \
  >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break
  sleep 0.1
done
base="http://127.0.0.1:$port"
curl -fsS "$base/api/openapi.json" -o "$work/openapi.json"
openapi-spec-validator "$work/openapi.json"

token="$("$app" token --user 00000000-0000-4000-8000-000000000001 \
  --org 00000000-0000-4000-8000-0000000000aa --role admin)"
set +e
schemathesis --config-file .ci/schemathesis.toml run "$base/api/openapi.json" \
  --url "$base" \
  --header "Authorization: Bearer $token" \
  --checks all \
  --max-examples "$examples" \
  "${seed_args[@]}" \
  --workers 1 \
  --no-color 2>&1 | tee "$work/schemathesis.log"
status=${PIPESTATUS[0]}
set -e
if grep -q "panicked" "$work/server.log"; then
  echo "error: the server panicked:" >&2
  grep -A5 "panicked" "$work/server.log" >&2
  exit 1
fi
exit "$status"
