#!/usr/bin/env bash
# Every file of the browser bundle after ./scripts/build.sh: raw, and the brotli copy
# the server sends (written by --precompress). The main module, its JS and the CSS are
# loaded by every page; each page's chunk (and chunks shared by pages) on first use.
# The budget for what a page loads before it is usable is checked by the test command
# (end2end/tests/bundle-budget.spec.ts, figures in bundle-budget.json).
set -euo pipefail
cd "$(dirname "$0")/.."
PKG="${LEPTOS_SITE_ROOT:-target/site}/pkg"
printf '%-58s %10s %10s\n' file raw brotli
for file in "$PKG"/*; do
  case "$file" in *.br|*.gz) continue ;; esac
  raw=$(stat -c %s "$file")
  br=$( [[ -f "$file.br" ]] && stat -c %s "$file.br" || node -e '
    const zlib = require("zlib");
    const data = require("fs").readFileSync(process.argv[1]);
    console.log(zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length);' "$file")
  printf '%-58s %10s %10s\n' "$(basename "$file")" "$raw" "$br"
done | sort -k3 -n -r
