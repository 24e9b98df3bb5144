#!/usr/bin/env bash
# What makes the browser bundle big: the largest functions and data, and the total per
# crate, read by twiggy (`cargo install twiggy`) from the name section of the WASM that
# rustc linked (target/front/…/frontend.wasm, before wasm-opt and before splitting, so
# sizes are pre-optimisation; their order is what matters). Usage:
#   bench/bundle-contributors.sh [file.wasm] [top-N]
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
WASM="${1:-$TARGET_DIR/front/wasm32-unknown-unknown/wasm-release/frontend.wasm}"
TOP="${2:-25}"
command -v twiggy >/dev/null || { echo "twiggy missing: cargo install twiggy --locked" >&2; exit 2; }
echo "== $WASM: $(stat -c %s "$WASM") bytes"
echo "== largest items (shallow size)"
twiggy top -n "$TOP" "$WASM"
echo "== code per crate and per method (shallow sizes summed; generic code counts for the crate that defines it)"
twiggy top -n 1000000 -f json "$WASM" | node -e '
  let text = "";
  process.stdin.on("data", (d) => (text += d)).on("end", () => {
    // Custom sections (names, wasm-bindgen metadata) never reach the browser: wasm-opt drops them.
    const items = JSON.parse(text).filter((i) => !/subsection|custom section/.test(i.name));
    const total = items.reduce((s, i) => s + i.shallow_size, 0);
    const tally = (key) => {
      const sums = new Map();
      for (const item of items) sums.set(key(item.name), (sums.get(key(item.name)) ?? 0) + item.shallow_size);
      return [...sums].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[1]));
    };
    const crate = (name) => {
      // wasm-bindgen reads these to write the JS glue, then deletes them.
      if (/__wbindgen_describe/.test(name)) return "(wasm-bindgen describe, removed)";
      // "<T as tachys::view::Render>::build" is tachys code instantiated for some T.
      const generic = /^<+[^<>]*? as ([a-z_][a-z0-9_]*)(\[[0-9a-f]+\])?::/.exec(name);
      if (generic) return generic[1];
      const bare = name.replace(/^<+/, "").replace(/^(&mut |&|\*const |\*mut )/, "");
      // Standard-library paths carry a hash: "core[c5930c85a12de822]::fmt::write".
      if (/^[a-z_][a-z0-9_]*(\[[0-9a-f]+\])?::/.test(bare)) return bare.split("::")[0].replace(/\[.*$/, "");
      return /^data|rodata/.test(name) ? "(data)" : "(other)";
    };
    // The method a function implements: "…::hydrate_async::{{closure}}::h12" -> hydrate_async.
    const method = (name) => {
      const parts = name.replace(/::h[0-9a-f]{16}$/, "").split("::").filter((p) => !p.startsWith("{{"));
      return parts.length ? parts[parts.length - 1] : name;
    };
    const print = (title, rows) => {
      console.log(title);
      for (const [key, size] of rows) {
        console.log(`  ${key.slice(0, 40).padEnd(40)} ${String(size).padStart(9)}  ${((100 * size) / total).toFixed(1).padStart(5)} %`);
      }
    };
    console.log(`code and data: ${total} bytes`);
    print("per crate:", tally(crate));
    print("per method:", tally(method));
  });
' "$TOP"
