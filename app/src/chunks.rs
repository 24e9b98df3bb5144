//! Server side of the lazy chunks (`routes`): the page being rendered names its group's
//! code in its head, so the browser fetches it beside the main bundle instead of after
//! it has started (one round trip saved, 150 ms on slow 4G).
//!
//! The chunk names come from the splitter's manifest (`pkg/__wasm_split_manifest.*.json`,
//! keyed `<group>_<hash>`), read once. Where the build packed a group's chunks into one
//! file (`pack_<group>_<hash>.<content hash>.bin`, scripts/pack-chunks.mjs), the page
//! names only the pack, in a meta tag: one request instead of dozens, and a quarter
//! fewer bytes; the chunk guard (`js/chunk_guard.js`) fetches it and answers the
//! loader's chunk fetches from it. Otherwise each chunk gets a `<link rel=preload>`.
//! Leptos has the same preloading built in, but in 0.8.23 its links never reach the
//! page (the manifest is looked up outside the render's reactive owner), so it is done
//! here.

use crate::ssr::AppState;
use leptos::prelude::*;
use leptos_meta::{Link, Meta};
use std::{collections::HashMap, path::Path, sync::OnceLock};

/// What the splitter wrote: each group's chunk files, and the loader script; and what
/// the build packed: each group's pack, by the same key.
struct SplitManifest {
    chunks: HashMap<String, Vec<String>>,
    packs: HashMap<String, String>,
    loader: Option<String>,
}

static MANIFEST: OnceLock<Option<SplitManifest>> = OnceLock::new();

fn manifest(options: &LeptosOptions) -> Option<&'static SplitManifest> {
    MANIFEST
        .get_or_init(|| {
            let pkg = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
            let mut manifest = None;
            let mut loader = None;
            let mut packs = HashMap::new();
            for entry in std::fs::read_dir(&pkg).ok()?.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if let Some(group) = pack_group(&name) {
                    packs.insert(group.to_owned(), name);
                } else if name.starts_with("__wasm_split_manifest") && name.ends_with(".json") {
                    manifest = Some(entry.path());
                } else if name.starts_with("__wasm_split.") && name.ends_with(".js") {
                    loader = Some(name);
                }
            }
            let text = std::fs::read_to_string(manifest?).ok()?;
            let chunks: HashMap<String, Vec<String>> = serde_json::from_str(&text).ok()?;
            // A pack left by an earlier build (one that skipped scripts/build.sh) holds
            // other chunks: the page would download it in vain, then fetch chunk by chunk.
            packs.retain(|key, file| {
                chunks
                    .get(key)
                    .is_some_and(|names| pack_holds(&pkg.join(file.as_str()), names))
            });
            Some(SplitManifest {
                chunks,
                packs,
                loader,
            })
        })
        .as_ref()
}

/// The manifest key a pack file is for: `pack_board_pages_1787.Xy9.bin` -> `board_pages_1787`.
fn pack_group(file: &str) -> Option<&str> {
    let (stem, _) = file
        .strip_prefix("pack_")?
        .strip_suffix(".bin")?
        .split_once('.')?;
    Some(stem)
}

/// Whether the pack at `path` lists exactly the chunks `names` (without `.wasm`), in
/// any order. Its first line is its list (scripts/pack-chunks.mjs).
fn pack_holds(path: &Path, names: &[String]) -> bool {
    use std::io::{BufRead, BufReader, Read};
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    // A list of a few hundred names; a first line longer than this is not a pack's.
    let mut line = Vec::new();
    let read = BufReader::new(file)
        .take(256 * 1024)
        .read_until(b'\n', &mut line);
    let Ok(listed) = read.map_err(drop).and_then(|_| {
        serde_json::from_slice::<Vec<(String, u64)>>(line.trim_ascii_end()).map_err(drop)
    }) else {
        return false;
    };
    let mut listed: Vec<&str> = listed
        .iter()
        .filter_map(|(name, _)| name.strip_suffix(".wasm"))
        .collect();
    let mut wanted: Vec<&str> = names.iter().map(String::as_str).collect();
    listed.sort_unstable();
    wanted.sort_unstable();
    listed == wanted
}

/// Names the code of `group` (its `#[lazy]` function's name) in the page's head: its
/// pack, or a preload link per chunk. Without a split build there is no manifest and
/// nothing is added.
pub fn preload_group(group: &str) {
    let Some(state) = use_context::<AppState>() else {
        return;
    };
    let Some(manifest) = manifest(&state.leptos_options) else {
        return;
    };
    let pkg = state.leptos_options.site_pkg_dir.clone();
    let prefix = format!("{group}_");
    let groups = manifest.chunks.iter().filter(|(key, _)| {
        key.strip_prefix(&prefix)
            .is_some_and(|hash| !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_digit()))
    });
    // `to_html` registers a head tag with the meta context without rendering it in
    // the body, so the browser's hydration sees nothing of it. An unpacked group names
    // up to ninety chunks, so each link says only what the fetch must match: an empty
    // `crossorigin` is "anonymous", and a type is optional for `as="fetch"`.
    for (key, chunks) in groups {
        if let Some(pack) = manifest.packs.get(key) {
            // A meta tag, not a preload link: the guard (just below in the head) fetches
            // the pack itself as the head is parsed, about as early as a preload, and
            // there is one request, not a preload its fetch must match to reuse.
            let _ = view! { <Meta name="pipewright-pack" content=format!("/{pkg}/{pack}") /> }
                .to_html();
            continue;
        }
        for file in chunks {
            let _ = view! {
                <Link rel="preload" href=format!("/{pkg}/{file}.wasm") as_="fetch" crossorigin="" />
            }
            .to_html();
        }
    }
    if let Some(loader) = &manifest.loader {
        let _ = view! { <Link rel="modulepreload" href=format!("/{pkg}/{loader}") /> }.to_html();
    }
}

/// The chunk guard (`js/chunk_guard.js`, commented for its readers) as every page
/// carries it inline: without its comments and indentation, 5.5 KB instead of 8.3 KB
/// (2.1 KB gzipped). It runs before the hydration script, so it wraps every chunk
/// fetch, and starts fetching the page's pack.
pub fn guard_script() -> impl IntoView {
    static GUARD: OnceLock<String> = OnceLock::new();
    let text = GUARD.get_or_init(|| minify(include_str!("js/chunk_guard.js")));
    view! { <script nonce=leptos::nonce::use_nonce()>{text.as_str()}</script> }
}

/// Drops whole-line comments and each line's indentation; the line breaks stay, so
/// the script parses as written (no statement is joined to the next).
fn minify(script: &str) -> String {
    script
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Leptos's hydration scripts, rendered in an owner of their own that is dropped at
/// once. `HydrationScripts` also provides the splitter's manifest as a context, and
/// leptos_integration_utils 0.8.9 looks it up after the render from whatever owner the
/// thread last had: sometimes it finds it and writes its own preload link for every
/// chunk, a second copy of `preload_group`'s (67 more links, 9 KB of /pipeline),
/// sometimes not (a deal page). Dropped, the context is never found, so the links are
/// written once, by `preload_group`, on every page.
pub fn hydration_scripts(options: LeptosOptions) -> impl IntoView {
    let alone = Owner::current().map_or_else(Owner::new, |owner| owner.child());
    alone.with(|| view! { <leptos::prelude::HydrationScripts options /> }.into_any())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_pack_is_found_by_its_group_key() {
        assert_eq!(
            super::pack_group("pack_board_pages_17872676816432373766.tQgJJHFpAeN5fD.bin"),
            Some("board_pages_17872676816432373766")
        );
        assert_eq!(super::pack_group("pack_board_pages_1.bin.br"), None);
        assert_eq!(super::pack_group("chunk_9.kMJnJfAZU0IFDM.wasm"), None);
    }

    #[test]
    fn a_pack_counts_only_if_it_lists_the_manifests_chunks() {
        let dir = std::env::temp_dir().join(format!("pipewright-pack-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pack = dir.join("pack_board_pages_1.abc.bin");
        std::fs::write(
            &pack,
            b"[[\"split_b.x.wasm\",3],[\"chunk_1.y.wasm\",2]]\nabcde",
        )
        .unwrap();
        let names = |list: &[&str]| list.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
        assert!(super::pack_holds(
            &pack,
            &names(&["chunk_1.y", "split_b.x"])
        ));
        // An earlier build's pack: other names, or one chunk fewer.
        assert!(!super::pack_holds(
            &pack,
            &names(&["chunk_1.z", "split_b.x"])
        ));
        assert!(!super::pack_holds(
            &pack,
            &names(&["chunk_1.y", "split_b.x", "chunk_2.w"])
        ));
        assert!(!super::pack_holds(
            &dir.join("missing.bin"),
            &names(&["chunk_1.y"])
        ));
        std::fs::write(&pack, b"not a pack").unwrap();
        assert!(!super::pack_holds(
            &pack,
            &names(&["chunk_1.y", "split_b.x"])
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_guard_keeps_its_code_and_drops_its_comments() {
        let minified = super::minify(include_str!("js/chunk_guard.js"));
        assert!(!minified.contains("// "), "{minified}");
        assert!(minified.starts_with("(() => {"), "{minified}");
        assert!(minified.contains("window.fetch = async (input, init) => {"));
        assert!(minified.ends_with("})();"), "{minified}");
        // Every page carries it: growth past this is a choice, not an accident.
        assert!(minified.len() < 6_000, "{} bytes", minified.len());
    }
}
