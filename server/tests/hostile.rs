//! Issue 15: every page, rendered through the real router with hostile text in every
//! field a person can type, shows that text as text. Nothing a name holds may become a
//! tag, an attribute, a redirect in the head or the end of an inline script.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may stop on a broken assumption

mod common;
// In a folder of their own, so Cargo does not take them for test targets.
#[path = "hostile/markup.rs"]
mod markup;
#[path = "hostile/pages.rs"]
mod pages;
#[path = "hostile/seed.rs"]
mod seed;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use common::*;
use markup::{tags, unescape};
use pages::{signed_in_pages, signed_out_pages, Page};
use seed::{marker, Seeded};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Raw payload fragments: any of them in a page means markup got through unescaped.
/// Each starts with `<`, which the hydration data writes as `\u003c` (a lone `>` there
/// is harmless).
const RAW: [&str; 5] = [
    "<meta http-equiv",
    "<script>alert",
    "<img src=x",
    "<img/src=x",
    "</script><script>",
];

async fn get(
    router: &axum::Router,
    path: &str,
    cookie: Option<&str>,
) -> (StatusCode, String, String) {
    let mut request = Request::get(path)
        .header(header::HOST, HOST)
        .header(header::ACCEPT, "text/html");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let (status, headers, html) = send(router, request.body(Body::empty()).unwrap()).await;
    let policy = header_value(&headers, "content-security-policy").unwrap_or_default();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_default()
        .to_owned();
    (status, nonce, html)
}

/// Around `at` in `html`, for failure messages.
fn excerpt(html: &str, at: usize) -> String {
    let mut start = at.saturating_sub(200);
    while !html.is_char_boundary(start) {
        start -= 1;
    }
    html.get(start..)
        .unwrap_or_default()
        .chars()
        .take(400)
        .collect()
}

/// What is wrong with a page: raw payloads, tags or event attributes the app did not
/// write, scripts without this response's nonce, more than one `<title>`, and records
/// it should show but does not (as escaped text) or a title that does not name them.
fn problems(page: &Page, seeded: &Seeded, nonce: &str, html: &str) -> Vec<String> {
    let path = &page.path;
    let mut found = Vec::new();
    for raw in RAW {
        if let Some(at) = html.find(raw) {
            found.push(format!("{path}: raw {raw:?} in …{}…", excerpt(html, at)));
        }
    }
    let all = tags(html);
    for tag in &all {
        let mut bad =
            |why: &str| found.push(format!("{path}: {why}: <{} {:?}>", tag.name, tag.attrs));
        for (name, value) in &tag.attrs {
            if name.starts_with("on") {
                bad("an event attribute");
            }
            if unescape(value)
                .trim()
                .to_ascii_lowercase()
                .starts_with("javascript:")
            {
                bad("a script link");
            }
        }
        match tag.name.as_str() {
            "script" if tag.attr("nonce") != Some(nonce) => bad("a script without the nonce"),
            "meta" if tag.attr("http-equiv").is_some() => bad("an injected meta"),
            "img" if tag.attr("src") == Some("x") => bad("an injected image"),
            _ => {}
        }
    }
    let titles: Vec<&str> = all
        .iter()
        .filter(|t| t.name == "title")
        .map(|t| t.text.as_str())
        .collect();
    if titles.len() != 1 {
        found.push(format!("{path}: {} titles: {titles:?}", titles.len()));
    }
    for label in &page.shows {
        if !html.contains(&marker(label)) {
            found.push(format!("{path}: {label} is not shown as text"));
        }
    }
    if let (Some(label), Some(title)) = (page.title, titles.first()) {
        let name = seeded.texts.get(label);
        if title.contains(['<', '"']) || unescape(title) != format!("{name} · Pipewright") {
            found.push(format!("{path}: the title does not name {label}: {title}"));
        }
    }
    found
}

/// Counts panics from here on: one in a renderer task still answers (with a page missing
/// its content), so the test would otherwise only see the symptom.
fn count_panics() -> &'static AtomicUsize {
    static PANICS: AtomicUsize = AtomicUsize::new(0);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        previous(info);
    }));
    &PANICS
}

#[test]
fn every_page_shows_hostile_names_as_text() {
    let panics = count_panics();
    run(async {
        let crm = crm().await;
        let seeded = seed::workspace(&crm).await;
        let router = router(&crm);
        let visits = signed_in_pages(&seeded)
            .into_iter()
            .map(|page| (page, Some(seeded.cookie.as_str())))
            .chain(
                signed_out_pages(&seeded)
                    .into_iter()
                    .map(|page| (page, None)),
            );
        let mut found = Vec::new();
        for (page, cookie) in visits {
            let (status, nonce, html) = get(&router, &page.path, cookie).await;
            if status != StatusCode::OK {
                found.push(format!("{}: status {status}", page.path));
            }
            found.extend(problems(&page, &seeded, &nonce, &html));
        }
        let panicked = panics.load(Ordering::SeqCst);
        if panicked > 0 {
            found.push(format!(
                "{panicked} panics while rendering (messages above)"
            ));
        }
        assert!(found.is_empty(), "{}", found.join("\n"));
    });
}
