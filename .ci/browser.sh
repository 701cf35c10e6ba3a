#!/usr/bin/env bash
# Browser test: the official React runtime (@asteby/metacore-runtime-react, pinned in
# browser/package-lock.json) mounted in a minimal Vite host (browser/) against the demo server
# on a throw-away SQLite file, driven in Debian's headless Chromium by playwright-core
# (browser/test.mjs): the table with paging and sorting, a relation label, a create refused
# with a field error and then accepted, row and table actions (WASM), export, import, and
# Swagger UI's Authorize + "Try it out" at /docs.
#
#   bash .ci/browser.sh            (what `cargo xtask browser` runs)
#
# Installs Debian's `chromium` when /usr/bin/chromium is missing and runs `npm ci` when
# browser/node_modules does not match the lock file. Needs Node >= 20.19 (Vite 8).
# BROWSER_SKIP_BUILD=1 uses the metacore-demo binary already in $CARGO_TARGET_DIR instead of
# building it first. On failure the work directory is kept: the server's and the host's logs,
# a screenshot per failed case and the downloaded files (BROWSER_ARTIFACTS moves the last two).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HOME:-/tmp}/.cache/metacore-target}"
chromium=/usr/bin/chromium

if [ ! -x "$chromium" ]; then
  echo "installing chromium from Debian's packages" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2 \
    || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2; }
fi
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null; then
  echo "error: the browser test needs Node.js >= 20.19 (Vite 8); found: $(node --version 2>/dev/null || echo none)" >&2
  exit 2
fi

# The host's dependencies, exactly as locked; reinstalled only when the lock file changed.
if ! cmp -s browser/package-lock.json browser/node_modules/.ci-package-lock.json; then
  (cd browser && npm ci --no-audit --no-fund --loglevel=error)
  cp browser/package-lock.json browser/node_modules/.ci-package-lock.json
fi
(cd browser && node_modules/.bin/vite build --logLevel warn)

if [ "${BROWSER_SKIP_BUILD:-}" != 1 ]; then
  # The test build (workspace features) links the demo binary too: reuse it.
  cargo test --quiet --workspace --no-run
fi
app="$CARGO_TARGET_DIR/debug/metacore-demo"

work="$(mktemp -d)"
artifacts="${BROWSER_ARTIFACTS:-$work/artifacts}"
server=""
host=""
status=1
cleanup() {
  if [ -n "$host" ]; then kill "$host" 2>/dev/null || true; fi
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  if [ "$status" = 0 ]; then
    rm -rf "$work"
  else
    echo "browser test failed; server log: $work/server.log, host log: $work/host.log," \
      "screenshots and downloads: $artifacts" >&2
  fi
}
trap cleanup EXIT
export METACORE_JWT_SECRET="browser-$(date +%s%N)"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits up to 10 s for URL $2 to answer; $1 names the process and $3 its pid.
await_up() {
  for _ in $(seq 1 100); do
    curl -fsS "$2" >/dev/null 2>&1 && return 0
    kill -0 "$3" 2>/dev/null || break
    sleep 0.1
  done
  echo "error: the $1 did not come up at $2" >&2
  return 1
}

port="$(free_port)"
"$app" serve --bind "127.0.0.1:$port" --database-url "sqlite://$work/metacore.db?mode=rwc" \
  >"$work/server.log" 2>&1 &
server=$!
await_up server "http://127.0.0.1:$port/api/health" "$server"
token="$("$app" token --user 00000000-0000-4000-8000-000000000001 \
  --org 00000000-0000-4000-8000-0000000000aa --role admin)"

host_port="$(free_port)"
(cd browser && METACORE_URL="http://127.0.0.1:$port" \
  exec node_modules/.bin/vite preview --port "$host_port" --strictPort) >"$work/host.log" 2>&1 &
host=$!
await_up host "http://127.0.0.1:$host_port/" "$host"

set +e
(cd browser && METACORE_URL="http://127.0.0.1:$port" HOST_URL="http://127.0.0.1:$host_port" \
  METACORE_TOKEN="$token" CHROMIUM="$chromium" ARTIFACTS_DIR="$artifacts" node test.mjs)
status=$?
set -e
if grep -q "panicked" "$work/server.log"; then
  echo "error: the server panicked:" >&2
  grep -A5 "panicked" "$work/server.log" >&2
  status=1
fi
exit "$status"
