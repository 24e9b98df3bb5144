#!/usr/bin/env bash
# Installs what building Pipewright needs, skipping whatever is already there.
# Everything comes from the package registries (crates.io, npm, Debian): nothing is
# downloaded from anywhere else. `--test` also installs what the test suite needs.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
# Debian packages need root; use sudo when run as someone else.
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

CARGO_LEPTOS_VERSION=0.3.10
# wasm-bindgen-cli must equal the wasm-bindgen crate pinned in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "Adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [[ "$(cargo leptos --version 2>/dev/null || true)" != *"$CARGO_LEPTOS_VERSION"* ]]; then
  say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes on 2 cores, once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != *"$WASM_BINDGEN_VERSION"* ]]; then
  say "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# sass and wasm-opt (binaryen) for cargo-leptos, Playwright for the browser tests.
# Never Debian's binaryen: its old wasm-opt silently breaks hydration.
if ! command -v npm >/dev/null; then
  say "Installing Node.js and npm"
  as_root apt-get update && as_root apt-get install -y nodejs npm
fi
if [[ ! -x node_modules/.bin/wasm-opt || ! -x node_modules/.bin/sass || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "Installing npm tools (sass, binaryen, Playwright)"
  npm ci --no-audit --no-fund
fi

if [[ "${1:-}" == "--test" ]]; then
  for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$component"; then
      say "Adding the $component component"
      rustup component add "$component"
    fi
  done
  if ! command -v chromium >/dev/null; then
    say "Installing Debian's Chromium for the end-to-end tests"
    as_root apt-get update && as_root apt-get install -y chromium
  fi
fi
