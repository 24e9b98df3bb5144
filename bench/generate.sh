#!/usr/bin/env bash
# Times the synthetic data generator: a workspace with N deals in a fresh SQLite file
# (or in DATABASE_URL when set). Usage: bench/generate.sh N [N...]
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
for size in "${@:-10000}"; do
  WORK=$(mktemp -d)
  url="${DATABASE_URL:-sqlite://$WORK/bench.db?mode=rwc}"
  start=$(date +%s.%N)
  "$TARGET_DIR/release/pipewright" demo --size "$size" --database-url "$url" | head -1
  end=$(date +%s.%N)
  printf '%s deals: %.1f s' "$size" "$(echo "$end - $start" | bc)"
  [[ -f "$WORK/bench.db" ]] && printf ', database %s' "$(du -h "$WORK/bench.db" | cut -f1)"
  echo
  rm -rf "$WORK"
done
