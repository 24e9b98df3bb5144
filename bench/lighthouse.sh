#!/usr/bin/env bash
# Lighthouse (npm, fetched on first use into ~/.npm) on the pages bench/mobile.mjs
# loads, mobile preset (simulated slow 4G, CPU 4x) and desktop preset, signed in as the
# demo rep. Expects PIPEWRIGHT_URL of a server seeded by `pipewright demo --seed 7`
# (bench/mobile.sh starts one and calls this with LIGHTHOUSE=1).
set -euo pipefail
BASE="${PIPEWRIGHT_URL:?set PIPEWRIGHT_URL}"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
COOKIE=$(curl -fsS -o /dev/null -D - -X POST "$BASE/api/sign_in" \
  -d "email=alex.morgan%40northwind.example&password=pipewright-demo" | awk 'tolower($1)=="set-cookie:" {print $2}' | tr -d ';\r')
DEAL=$(curl -fsS -X POST "$BASE/api/board" -H "cookie: $COOKIE" -H 'content-type: application/json' \
  -d '{"filter":{"pipeline":null,"owner":null,"mine":false,"tag":"","text":""}}' |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const b=JSON.parse(s);console.log(b.columns.flatMap(c=>c.cards??c.deals??[])[0].id)})')
export CHROME_PATH=/usr/bin/chromium
FLAGS="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --disable-quic"
echo "| preset | page | FCP | LCP | TBT | Speed Index | TTI | transferred |"
echo "|---|---|---|---|---|---|---|---|"
for preset in mobile desktop; do
  for path in /sign-in /pipeline "/deals/$DEAL" /inbox /dashboard; do
    extra=()
    [[ "$preset" == desktop ]] && extra=(--preset=desktop)
    npx --yes lighthouse@12 "$BASE$path" --quiet --only-categories=performance --output=json \
      --output-path="$OUT/report.json" --chrome-flags="$FLAGS" \
      --extra-headers="{\"Cookie\":\"$COOKIE\"}" "${extra[@]}" >/dev/null 2>&1 || { echo "| $preset | $path | lighthouse failed |"; continue; }
    node -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1]));
      const a = (k) => r.audits[k]?.numericValue ?? 0;
      const s = (v) => `${(v / 1000).toFixed(2)} s`;
      const path = process.argv[3].replace(/\/deals\/[^/]+$/, "/deals/:id");
      console.log(`| ${process.argv[2]} | ${path} | ${s(a("first-contentful-paint"))} | ${s(a("largest-contentful-paint"))} | ${a("total-blocking-time").toFixed(0)} ms | ${s(a("speed-index"))} | ${s(a("interactive"))} | ${(a("total-byte-weight") / 1024).toFixed(0)} KB |`);
    ' "$OUT/report.json" "$preset" "$path"
  done
done
