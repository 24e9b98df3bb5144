//! Static files as a release serves them: precompressed copies chosen by the client's
//! Accept-Encoding, a year's immutable caching for fingerprinted names, ETag
//! revalidation for the rest, a plain 404 for a chunk of another release, and pages
//! that no shared cache may keep.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use axum::{
    body::Body,
    http::{header, HeaderMap, Request, StatusCode},
};
use common::*;
use http_body_util::BodyExt;
use tower::ServiceExt;

const WASM: &[u8] = b"\0asm chunk of the board";
const WASM_BR: &[u8] = b"brotli copy";
const WASM_GZ: &[u8] = b"gzip copy";

/// A built site: a fingerprinted chunk with its compressed copies, and an icon.
fn site() -> String {
    let root = std::env::temp_dir().join(format!("pipewright-site-{}", uuid::Uuid::new_v4()));
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("board.Xy12.wasm"), WASM).unwrap();
    std::fs::write(pkg.join("board.Xy12.wasm.br"), WASM_BR).unwrap();
    std::fs::write(pkg.join("board.Xy12.wasm.gz"), WASM_GZ).unwrap();
    std::fs::write(root.join("favicon.svg"), "<svg/>").unwrap();
    root.to_string_lossy().into_owned()
}

async fn get(
    router: &axum::Router,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut request = Request::get(path).header(header::HOST, HOST);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    (
        parts.status,
        parts.headers,
        body.collect().await.unwrap().to_bytes().to_vec(),
    )
}

#[test]
fn a_chunk_comes_precompressed_and_cached_for_good() {
    run(async {
        let crm = crm().await;
        let router = router_for_site(&crm, &site(), true);
        let chunk = "/pkg/board.Xy12.wasm";

        let (status, headers, body) =
            get(&router, chunk, &[("accept-encoding", "gzip, deflate, br")]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, WASM_BR, "the build's brotli copy, as it is");
        assert_eq!(headers[header::CONTENT_ENCODING], "br");
        assert_eq!(headers[header::CONTENT_TYPE], "application/wasm");
        assert_eq!(
            headers[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(headers[header::VARY], "accept-encoding");
        let etag = headers[header::ETAG].to_str().unwrap().to_owned();
        assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");

        let (_, headers, body) = get(&router, chunk, &[("accept-encoding", "gzip")]).await;
        assert_eq!(
            (body.as_slice(), &headers[header::CONTENT_ENCODING]),
            (WASM_GZ, &"gzip".parse().unwrap())
        );
        let (_, headers, body) = get(&router, chunk, &[]).await;
        assert_eq!(body, WASM);
        assert!(headers.get(header::CONTENT_ENCODING).is_none());
        assert_eq!(
            headers[header::ETAG].to_str().unwrap(),
            etag,
            "one tag for every encoding"
        );

        let (status, headers, body) = get(&router, chunk, &[("if-none-match", &etag)]).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED);
        assert!(body.is_empty());
        assert_eq!(headers[header::ETAG].to_str().unwrap(), etag);
    });
}

#[test]
fn a_chunk_of_another_release_is_a_plain_404_and_names_that_last_are_revalidated() {
    run(async {
        let crm = crm().await;
        let router = router_for_site(&crm, &site(), true);
        let (status, headers, body) = get(&router, "/pkg/board.OLD1.wasm", &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        assert!(String::from_utf8(body)
            .unwrap()
            .contains("not part of the running release"));

        let (status, headers, body) = get(&router, "/favicon.svg", &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, b"<svg/>");
        assert_eq!(headers[header::CONTENT_TYPE], "image/svg+xml");
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    });
}

#[test]
fn without_fingerprints_nothing_is_cached_without_asking() {
    run(async {
        let crm = crm().await;
        let router = router_for_site(&crm, &site(), false);
        let (_, headers, _) = get(&router, "/pkg/board.Xy12.wasm", &[]).await;
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    });
}

#[test]
fn pages_are_private_to_the_browser() {
    run(async {
        let crm = crm().await;
        // Unfingerprinted: Leptos reads the hash file beside the binary to name the
        // assets in a page, and a test binary has none (`serve` checks it is there).
        let router = router_for_site(&crm, &site(), false);
        let (status, headers, _) = get(&router, "/sign-in", &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CACHE_CONTROL], "private, no-cache");
    });
}
