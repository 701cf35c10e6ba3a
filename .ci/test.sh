#!/usr/bin/env bash
# The whole test suite: unit, corpus, parity, hostile input, CLI, generated code, on SQLite and
# PostgreSQL. Starts a throw-away PostgreSQL cluster (installing the server from Debian's
# packages when missing) unless METACORE_TEST_POSTGRES_URL already names one.
# Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${METACORE_TEST_POSTGRES_URL:-}" ]; then
  pg_dir=$(mktemp -d)
  trap 'bash .ci/postgres.sh stop "$pg_dir"' EXIT
  METACORE_TEST_POSTGRES_URL=$(bash .ci/postgres.sh start "$pg_dir")
  export METACORE_TEST_POSTGRES_URL
fi
cargo test --workspace "$@"
