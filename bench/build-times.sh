#!/usr/bin/env bash
# Cold and warm release build times. Cold uses an empty target folder (dependencies
# compiled from scratch; tools already installed); warm rebuilds after touching one
# component file. Takes a long time: run it alone on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
COLD=$(mktemp -d)
start=$(date +%s)
CARGO_TARGET_DIR="$COLD" ./scripts/build.sh >/dev/null 2>&1
echo "cold release build: $(( $(date +%s) - start )) s"
touch app/src/pages/placeholders.rs
start=$(date +%s)
CARGO_TARGET_DIR="$COLD" ./scripts/build.sh >/dev/null 2>&1
echo "warm release build (one component touched): $(( $(date +%s) - start )) s"
rm -rf "$COLD"
