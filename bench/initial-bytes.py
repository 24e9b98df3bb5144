#!/usr/bin/env python3
"""What each lazy group costs on a first visit: the main module, its JS, the chunk
loader and the CSS (every page), plus the group's chunks from the splitter's manifest,
as the brotli copies the build wrote. Usage: bench/initial-bytes.py [site/pkg]"""
import glob, json, os, re, sys

pkg = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.environ.get("LEPTOS_SITE_ROOT", "target/site"), "pkg")
size = lambda name: os.path.getsize(os.path.join(pkg, name + ".br"))
shared = [f for f in os.listdir(pkg) if re.match(r"(pipewright\.[^.]+\.(wasm|js|css)|__wasm_split\.[^.]+\.js)$", f)]
base = sum(size(f) for f in shared)
print(f"every page: {base} bytes brotli ({', '.join(f'{f.split(chr(46))[0]}.{f.rsplit(chr(46), 1)[1]} {size(f)}' for f in sorted(shared))})")
manifest = json.load(open(glob.glob(os.path.join(pkg, "__wasm_split_manifest.*.json"))[0]))
print(f"{'group':<16}{'files':>6}{'chunks':>9}{'first visit':>13}")
for key, files in sorted(manifest.items()):
    chunks = sum(size(f + ".wasm") for f in files)
    print(f"{re.sub(r'_[0-9]+$', '', key):<16}{len(files):>6}{chunks:>9}{base + chunks:>13}")
