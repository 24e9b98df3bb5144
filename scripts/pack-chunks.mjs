// Packs each page group's WebAssembly chunks into one file, after `cargo leptos build
// --split`. The splitter cuts a group into dozens of chunks (the board: 64 files, most
// of them code shared with other groups); on a phone over HTTP/1.1 each costs a round
// trip on one of six connections, and each small file compresses on its own. One pack
// per group is one request, and brotli over the whole is about a quarter smaller
// (the board: 190,948 bytes in 64 files, 143,092 as one pack).
//
// The server names the opened page's pack in a meta tag (app/src/chunks.rs); the chunk
// guard (app/src/js/chunk_guard.js) fetches it and answers the loader's fetch of each
// chunk from it. The chunk files stay as they are: the idle prefetch and later
// navigations fetch them one by one, and so does a page whose pack fails (after what
// it had already downloaded of the pack, which is lost).
//
// Format: one line of JSON, `[[name, length], ...]` in file order, a newline, then the
// files' bytes one after another. Name: `pack_<group>.<content hash>.bin`, with the
// brotli (quality 11) and gzip copies the server sends as they are.
//
// Usage: node scripts/pack-chunks.mjs [site/pkg]
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const pkg = process.argv[2] ?? join(process.env.LEPTOS_SITE_ROOT ?? "target/site", "pkg");
const files = readdirSync(pkg);
const manifestName = files.find((name) => /^__wasm_split_manifest\..*\.json$/.test(name));
if (!manifestName) {
  console.log(`pack-chunks: no splitter manifest in ${pkg}, nothing to pack`);
  process.exit(0);
}
// A pack of an earlier build would be served beside this build's: remove them first.
for (const name of files) if (name.startsWith("pack_")) rmSync(join(pkg, name));

const manifest = JSON.parse(readFileSync(join(pkg, manifestName), "utf8"));
let before = 0;
let after = 0;
for (const [group, chunks] of Object.entries(manifest)) {
  if (!/^[A-Za-z0-9_]+$/.test(group)) throw new Error(`unexpected group name ${group}`);
  // The group's own chunk last: the loader instantiates it after the shared chunks it
  // depends on, so those are complete first.
  const names = [...chunks].sort((a, b) => Number(a.startsWith("split_")) - Number(b.startsWith("split_")));
  const bodies = names.map((name) => readFileSync(join(pkg, `${name}.wasm`)));
  const index = Buffer.from(`${JSON.stringify(names.map((name, i) => [`${name}.wasm`, bodies[i].length]))}\n`);
  const pack = Buffer.concat([index, ...bodies]);
  const hash = createHash("sha256").update(pack).digest("base64url").slice(0, 22);
  const file = join(pkg, `pack_${group}.${hash}.bin`);
  writeFileSync(file, pack);
  const brotli = brotliCompressSync(pack, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: pack.length,
    },
  });
  writeFileSync(`${file}.br`, brotli);
  writeFileSync(`${file}.gz`, gzipSync(pack, { level: 9 }));
  const separate = names.reduce((sum, name) => sum + readFileSync(join(pkg, `${name}.wasm.br`)).length, 0);
  before += separate;
  after += brotli.length;
  console.log(`pack-chunks: ${group}: ${names.length} chunks, ${separate} -> ${brotli.length} bytes brotli`);
}
console.log(`pack-chunks: all groups ${before} -> ${after} bytes brotli`);
