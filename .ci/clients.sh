#!/usr/bin/env bash
# Generated clients: proof that the committed spec (generated/openapi.json, the document the
# server also serves at /api/openapi.json) serves SDKs. Generates a TypeScript client
# (openapi-typescript --enum + openapi-fetch, type-checked with `tsc --noEmit`) and a Python
# client (openapi-python-client, warnings fatal; the script type-checked with mypy), serves the
# demo app on a throw-away SQLite file, and runs a typed round trip with each
# (clients/typescript/smoke.ts, clients/python/smoke.py): create, list with a filter, get,
# patch, a 422 read as the typed error, delete, then get -> 404.
#
#   bash .ci/clients.sh
#
# Needs node >= 20 with npm and python3 >= 3.11. Installs clients/typescript/node_modules
# (`npm ci`, versions pinned by package-lock.json) and clients/python/.venv (requirements.txt,
# pinned); both are git-ignored, as are the generated clients. Builds metacore-demo only when
# the binary is missing, and fails when the binary serves a spec other than the committed one.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
spec="$root/generated/openapi.json"
ts="$root/clients/typescript"
py="$root/clients/python"
venv="$py/.venv"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HOME:-/tmp}/.cache/metacore-target}"
app="$CARGO_TARGET_DIR/debug/metacore-demo"

section() { printf '\n== %s  [%ss]\n' "$*" "$SECONDS"; }
fail() { echo "error: $*" >&2; exit 1; }

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

command -v node >/dev/null || fail "node is not installed"
command -v npm >/dev/null || fail "npm is not installed"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
  fail "python3 >= 3.11 is needed (the generated client uses enum.StrEnum), found $(python3 --version)"

section "TypeScript: npm ci (node $(node --version), npm $(npm --version))"
(cd "$ts" && npm ci --no-audit --no-fund --loglevel=error)

section "TypeScript: generate clients/typescript/schema.ts (openapi-typescript --enum)"
(cd "$ts" && npx --no-install openapi-typescript "$spec" --enum --output schema.ts)

section "TypeScript: tsc --noEmit"
(cd "$ts" && npx --no-install tsc --noEmit -p tsconfig.json)
echo "ok"

section "Python: pip install -r clients/python/requirements.txt ($(python3 --version))"
if ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$py/requirements.txt"

section "Python: generate clients/python/metacore_client (openapi-python-client --fail-on-warning)"
# The generator runs ruff (a pinned dependency) on its output: put the venv's tools first.
(cd "$py" && PATH="$venv/bin:$PATH" openapi-python-client generate --path "$spec" \
  --output-path metacore_client --meta none --overwrite --fail-on-warning)

section "Python: mypy smoke.py"
(cd "$py" && "$venv/bin/mypy")

section "Server: metacore-demo on a throw-away SQLite file"
if [ ! -x "$app" ]; then
  echo "$app is missing: building it"
  cargo build --quiet -p metacore-demo
fi
export METACORE_JWT_SECRET="clients-$(date +%s%N)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
"$app" serve --bind "127.0.0.1:$port" --database-url "sqlite://$work/metacore.db?mode=rwc" \
  >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "$base/api/health" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; fail "the server exited"; }
  sleep 0.1
done
curl -fsS "$base/api/health" >/dev/null || { cat "$work/server.log" >&2; fail "the server is not healthy at $base"; }
echo "serving $base"
# The clients were generated from the committed spec: the server must serve that document.
curl -fsS "$base/api/openapi.json" -o "$work/served.json"
if ! python3 -c 'import json, sys; a, b = (json.load(open(p)) for p in sys.argv[1:]); sys.exit(a != b)' \
  "$spec" "$work/served.json"; then
  fail "$app serves a spec other than generated/openapi.json:" \
    "rebuild it (cargo build -p metacore-demo) or regenerate the spec (cargo xtask codegen)"
fi
token="$("$app" token --user 00000000-0000-4000-8000-000000000001 \
  --org 00000000-0000-4000-8000-0000000000aa --role admin)"
export METACORE_BASE_URL="$base" METACORE_TOKEN="$token"

status=0
section "TypeScript: smoke.ts (openapi-fetch)"
(cd "$ts" && npx --no-install tsx smoke.ts) || status=1

section "Python: smoke.py (openapi-python-client)"
(cd "$py" && "$venv/bin/python" smoke.py) || status=1

if grep -q "panicked" "$work/server.log"; then
  echo "error: the server panicked:" >&2
  grep -A5 "panicked" "$work/server.log" >&2
  status=1
fi
if [ "$status" != 0 ]; then
  echo "--- server log (last 40 lines)" >&2
  tail -n 40 "$work/server.log" >&2
  section "FAILED"
  exit 1
fi
section "clients: ok"
