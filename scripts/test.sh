#!/usr/bin/env bash
# The test command: formatting, lints, unit and service tests (SQLite AND PostgreSQL),
# then the Playwright suite in headless Chromium against the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

./scripts/setup.sh --test
./scripts/postgres.sh
unset PIPEWRIGHT_SKIP_POSTGRES # service tests must never skip PostgreSQL here

say "cargo fmt --check"
cargo fmt --all -- --check

say "clippy (server side, then the browser bundle)"
cargo clippy -p domain -p service -p server --all-targets -- -D warnings
cargo clippy -p app --features ssr --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

# Per package: a bare workspace `cargo test` would merge the ssr and hydrate features.
say "unit and service tests (SQLite and PostgreSQL)"
# Each step has a time limit, so a hung test fails the run instead of stalling CI.
timeout 20m cargo test -p domain
timeout 20m cargo test -p service
timeout 20m cargo test -p app --features ssr
timeout 20m cargo test -p server

say "release build"
./scripts/build.sh

say "end-to-end tests (Playwright, headless Chromium)"
timeout 20m ./scripts/e2e.sh
