#!/usr/bin/env bash
# The run command: installs what is missing, builds the release, and serves Pipewright
# on http://127.0.0.1:3000 with an embedded SQLite database under ./data, seeded with a
# demo workspace the first time (the logins are printed).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
exec "$TARGET_DIR/release/pipewright" serve --demo "$@"
