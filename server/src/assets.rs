//! Static files (the WebAssembly chunks, JavaScript, CSS, icons), served from memory.
//!
//! A release build names every file under `/pkg/` after its content (`hash-files`) and
//! writes brotli and gzip copies beside it once (`--precompress`), so a file is sent
//! compressed without compressing it per request, cached for a year (`immutable`: a
//! repeat visit asks nothing), and a new release changes the names. Files without a
//! content hash in their name (the icon, the web manifest, a build without hashing)
//! are revalidated each time against their ETag instead. A name that is not part of
//! the running release (a tab left open across a deploy asking for an old chunk) is a
//! plain 404, which the page's chunk loader answers with a reload.

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::Response,
};
use sha2::{Digest, Sha256};
use std::{collections::HashMap, path::Path, sync::Arc};

/// Cache policy for fingerprinted files: a new release changes the name.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache policy for files whose name stays the same across releases.
const REVALIDATE: &str = "no-cache";
/// How deep the site folder is walked; the build writes at most `pkg/<file>`.
const MAX_DEPTH: usize = 4;

/// One file in its encodings, with what its response needs.
struct Asset {
    identity: Bytes,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
    content_type: HeaderValue,
    etag: HeaderValue,
    cache_control: HeaderValue,
}

/// Every file of the built site, by URL path.
#[derive(Clone, Default)]
pub struct Assets {
    files: Arc<HashMap<String, Asset>>,
    pkg_prefix: Arc<str>,
}

impl Assets {
    /// Reads the site folder once at start-up. A missing folder (tests, a server-only
    /// build) gives an empty set and the router answers as before.
    pub fn load(site_root: &Path, pkg_dir: &str, fingerprinted: bool) -> Self {
        let mut files = HashMap::new();
        let pkg_prefix = format!("/{}/", pkg_dir.trim_matches('/'));
        collect(site_root, "", 0, &mut |url, path| {
            let Ok(identity) = std::fs::read(path) else {
                return;
            };
            let sibling = |suffix: &str| {
                let mut name = path.as_os_str().to_owned();
                name.push(suffix);
                std::fs::read(Path::new(&name)).ok().map(Bytes::from)
            };
            let immutable = fingerprinted && url.starts_with(&pkg_prefix);
            let asset = Asset {
                brotli: sibling(".br"),
                gzip: sibling(".gz"),
                content_type: HeaderValue::from_static(content_type(&url)),
                etag: etag(&identity),
                cache_control: HeaderValue::from_static(if immutable {
                    IMMUTABLE
                } else {
                    REVALIDATE
                }),
                identity: Bytes::from(identity),
            };
            files.insert(url, asset);
        });
        Assets {
            files: Arc::new(files),
            pkg_prefix: pkg_prefix.into(),
        }
    }

    /// How many files are served (for the start-up log and tests).
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no site folder was found.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The answer for `path`, or `None` when it is not a static file.
    fn answer(&self, path: &str, headers: &HeaderMap) -> Option<Response> {
        let Some(asset) = self.files.get(path) else {
            // Under /pkg/ only the current release's files exist: say so plainly
            // rather than rendering the app's HTML "not found" page for a script.
            return path.starts_with(&*self.pkg_prefix).then(gone);
        };
        let mut response = if not_modified(headers, &asset.etag) {
            plain(StatusCode::NOT_MODIFIED, Body::empty())
        } else {
            let (encoding, body) = match accepted(headers) {
                Encoding::Brotli if asset.brotli.is_some() => ("br", asset.brotli.clone()),
                Encoding::Brotli | Encoding::Gzip if asset.gzip.is_some() => {
                    ("gzip", asset.gzip.clone())
                }
                _ => ("identity", None),
            };
            let body = body.unwrap_or_else(|| asset.identity.clone());
            let mut response = plain(StatusCode::OK, Body::from(body));
            if encoding != "identity" {
                response
                    .headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
            }
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, asset.content_type.clone());
            response
        };
        let headers = response.headers_mut();
        headers.insert(header::ETAG, asset.etag.clone());
        headers.insert(header::CACHE_CONTROL, asset.cache_control.clone());
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        headers.insert(
            "x-content-type-options",
            HeaderValue::from_static("nosniff"),
        );
        Some(response)
    }
}

/// Serves GET and HEAD requests for static files before anything else runs.
pub async fn serve(State(assets): State<Assets>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        if let Some(response) = assets.answer(request.uri().path(), request.headers()) {
            return response;
        }
    }
    next.run(request).await
}

fn plain(status: StatusCode, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
}

fn gone() -> Response {
    let mut response = plain(
        StatusCode::NOT_FOUND,
        Body::from("This file is not part of the running release; reload the page.\n"),
    );
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Walks `dir`, calling `found(url_path, file)` for every file that is not itself a
/// compressed copy of another.
fn collect(dir: &Path, url: &str, depth: usize, found: &mut dyn FnMut(String, &Path)) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let url = format!("{url}/{name}");
        match entry.file_type() {
            Ok(kind) if kind.is_dir() && depth < MAX_DEPTH => {
                collect(&path, &url, depth + 1, found)
            }
            Ok(kind) if kind.is_file() && !name.ends_with(".br") && !name.ends_with(".gz") => {
                found(url, &path)
            }
            _ => {}
        }
    }
}

fn content_type(url: &str) -> &'static str {
    let extension = url.rsplit_once('.').map(|(_, ext)| ext).unwrap_or_default();
    match extension {
        "wasm" => "application/wasm",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A strong validator from the content: equal bytes, equal tag, across restarts.
fn etag(content: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(content);
    let hex: String = digest
        .iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    HeaderValue::from_str(&format!("\"{hex}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// `If-None-Match` lists the tag (or `*`): the client's copy is current.
fn not_modified(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let Some(Ok(wanted)) = headers.get(header::IF_NONE_MATCH).map(|v| v.to_str()) else {
        return false;
    };
    let ours = etag.to_str().unwrap_or_default();
    wanted
        .split(',')
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag == ours)
}

enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// The best encoding the client accepts (a `q=0` refuses one).
fn accepted(headers: &HeaderMap) -> Encoding {
    let Some(Ok(list)) = headers.get(header::ACCEPT_ENCODING).map(|v| v.to_str()) else {
        return Encoding::Identity;
    };
    let takes = |wanted: &str| {
        list.split(',').any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| p.replace(' ', "") == "q=0" || p == "q=0.0");
            name.eq_ignore_ascii_case(wanted) && !refused
        })
    };
    if takes("br") {
        Encoding::Brotli
    } else if takes("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn picks_the_best_accepted_encoding() {
        assert!(matches!(
            accepted(&headers(&[("accept-encoding", "gzip, deflate, br, zstd")])),
            Encoding::Brotli
        ));
        assert!(matches!(
            accepted(&headers(&[("accept-encoding", "br;q=0, gzip")])),
            Encoding::Gzip
        ));
        assert!(matches!(accepted(&headers(&[])), Encoding::Identity));
    }

    #[test]
    fn a_matching_tag_is_not_modified() {
        let tag = etag(b"chunk");
        let value = tag.to_str().unwrap().to_owned();
        let mut map = HeaderMap::new();
        map.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&format!("\"other\", W/{value}")).unwrap(),
        );
        assert!(not_modified(&map, &tag));
        assert!(!not_modified(
            &headers(&[("if-none-match", "\"other\"")]),
            &tag
        ));
    }
}
