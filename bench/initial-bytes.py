#!/usr/bin/env python3
"""What each lazy group costs on a first visit: the main module, its JS, the chunk
loader and the CSS (every page), plus the group's chunks from the splitter's manifest,
as the brotli copies the build wrote: one by one, and as the group's pack
(scripts/pack-chunks.mjs), which is what a first visit fetches when the build made one.
Usage: bench/initial-bytes.py [site/pkg]"""
import glob, json, os, re, sys

pkg = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.environ.get("LEPTOS_SITE_ROOT", "target/site"), "pkg")
size = lambda name: os.path.getsize(os.path.join(pkg, name + ".br"))
shared = [f for f in os.listdir(pkg) if re.match(r"(pipewright\.[^.]+\.(wasm|js|css)|__wasm_split\.[^.]+\.js)$", f)]
base = sum(size(f) for f in shared)
print(f"every page: {base} bytes brotli ({', '.join(f'{f.split(chr(46))[0]}.{f.rsplit(chr(46), 1)[1]} {size(f)}' for f in sorted(shared))})")
manifest = json.load(open(glob.glob(os.path.join(pkg, "__wasm_split_manifest.*.json"))[0]))
print(f"{'group':<16}{'files':>6}{'chunks':>9}{'pack':>9}{'first visit':>13}")
for key, files in sorted(manifest.items()):
    chunks = sum(size(f + ".wasm") for f in files)
    pack = [f for f in os.listdir(pkg) if f.startswith(f"pack_{key}.") and f.endswith(".bin")]
    packed = size(pack[0]) if pack else None
    fetched = packed if packed is not None else chunks
    print(f"{re.sub(r'_[0-9]+$', '', key):<16}{len(files):>6}{chunks:>9}{packed or '-':>9}{base + fetched:>13}")
