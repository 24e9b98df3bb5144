//! Just enough of an HTML tokenizer to see the page the way a browser would: which tags
//! and attributes it holds, with script, style, title and textarea contents read as the
//! raw text they are. A name that broke out of its text would show up here as a tag.

// Every slice below starts or ends at an ASCII delimiter found by `find`, so it falls on a
// character boundary.
#![allow(clippy::string_slice)]

/// One start tag, with its attribute names lower-cased and values as written.
#[derive(Debug)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    /// For the raw-text elements (script, style, title, textarea): what lies inside.
    pub text: String,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Elements whose contents are text up to their end tag, however much it looks like markup.
const RAW_TEXT: [&str; 4] = ["script", "style", "title", "textarea"];

/// Every start tag of `html`, in order.
pub fn tags(html: &str) -> Vec<Tag> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        if let Some(comment) = rest.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
        } else if rest.starts_with(['!', '/', '?']) {
            rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
        } else if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let (mut tag, after) = start_tag(rest);
            rest = after;
            if RAW_TEXT.contains(&tag.name.as_str()) {
                let close = format!("</{}", tag.name);
                let end = rest.to_ascii_lowercase().find(&close).unwrap_or(rest.len());
                tag.text = rest[..end].to_owned();
                rest = &rest[end..];
            }
            found.push(tag);
        }
    }
    found
}

/// Reads `name attr="value" …>` (the `<` already consumed); returns the tag and the rest.
fn start_tag(input: &str) -> (Tag, &str) {
    let name_end = input
        .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        .unwrap_or(input.len());
    let mut tag = Tag {
        name: input[..name_end].to_ascii_lowercase(),
        attrs: Vec::new(),
        text: String::new(),
    };
    let mut rest = &input[name_end..];
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() {
            return (tag, rest);
        }
        if let Some(after) = rest.strip_prefix('>') {
            return (tag, after);
        }
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '>' | '/'))
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (text, tail) = match after.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let inner = &after[1..];
                    let end = inner.find(quote).unwrap_or(inner.len());
                    (&inner[..end], inner.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            value = text.to_owned();
            rest = tail;
        }
        tag.attrs.push((name, value));
    }
}

/// HTML text as the browser reads it, for the few entities the renderers write.
pub fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

#[test]
fn the_tokenizer_sees_injected_tags_and_skips_raw_text() {
    let html = r#"<!DOCTYPE html><title>a &lt;b&gt;</title><p class="x" hidden>"><img src=x onerror=alert(1)></p><script nonce="n">var s = "<b>";</script><!-- <i> -->"#;
    let found = tags(html);
    let names: Vec<&str> = found.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["title", "p", "img", "script"]);
    assert_eq!(unescape(&found[0].text), "a <b>");
    assert_eq!(found[1].attr("hidden"), Some(""));
    assert_eq!(found[2].attr("onerror"), Some("alert(1)"));
    assert_eq!(found[3].attr("nonce"), Some("n"));
}
