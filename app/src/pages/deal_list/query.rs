//! The deal list's state lives in the URL (`?q=…&owner=…&mine=1&pipeline=…&sort=…&page=…`)
//! so a view can be linked, reloaded, and used before (or without) the WASM.

use domain::{
    board::{DealFilter, DealSort},
    ids::{PipelineId, UserId},
};

/// Rows per page; the service pages by the same number.
pub const PER_PAGE: u64 = 50;

/// Every order the list offers, as the sort menu lists them.
pub const SORTS: [DealSort; 5] = [
    DealSort::Updated,
    DealSort::Title,
    DealSort::ValueDesc,
    DealSort::CloseDate,
    DealSort::Stage,
];

/// The order's name in the URL.
pub fn sort_key(sort: DealSort) -> &'static str {
    match sort {
        DealSort::Updated => "updated",
        DealSort::Title => "title",
        DealSort::ValueDesc => "value",
        DealSort::CloseDate => "close",
        DealSort::Stage => "stage",
    }
}

/// The order as the sort menu names it.
pub fn sort_label(sort: DealSort) -> &'static str {
    match sort {
        DealSort::Updated => "Recently updated",
        DealSort::Title => "Title (A–Z)",
        DealSort::ValueDesc => "Value (largest first)",
        DealSort::CloseDate => "Expected close (soonest first)",
        DealSort::Stage => "Stage",
    }
}

/// Unknown keys fall back to the default order rather than failing the page.
pub fn parse_sort(key: &str) -> DealSort {
    SORTS
        .into_iter()
        .find(|sort| sort_key(*sort) == key.trim())
        .unwrap_or_default()
}

/// What the list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DealQuery {
    pub text: String,
    pub owner: Option<UserId>,
    pub mine: bool,
    /// Only open deals without a planned activity.
    pub idle: bool,
    pub pipeline: Option<PipelineId>,
    pub sort: DealSort,
    /// Zero-based.
    pub page: u64,
}

impl DealQuery {
    /// Reads the query string; anything malformed (a hand-edited URL) is ignored.
    pub fn read(get: impl Fn(&str) -> Option<String>) -> DealQuery {
        let text = get("q").unwrap_or_default();
        DealQuery {
            text: text.trim().to_owned(),
            owner: get("owner").and_then(|o| o.trim().parse().ok()),
            mine: get("mine").is_some_and(|m| matches!(m.trim(), "1" | "on" | "true")),
            idle: get("idle").is_some_and(|m| matches!(m.trim(), "1" | "on" | "true")),
            pipeline: get("pipeline").and_then(|p| p.trim().parse().ok()),
            sort: parse_sort(&get("sort").unwrap_or_default()),
            page: get("page").and_then(|p| p.trim().parse().ok()).unwrap_or(0),
        }
    }

    pub fn filter(&self) -> DealFilter {
        DealFilter {
            pipeline: self.pipeline,
            owner: self.owner,
            mine: self.mine,
            tag: String::new(),
            text: self.text.clone(),
            no_next_step: self.idle,
        }
    }

    /// This query's address; defaults are left out to keep links short.
    pub fn href(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.text.is_empty() {
            pairs.push(("q", encode(&self.text)));
        }
        if let Some(owner) = self.owner {
            pairs.push(("owner", owner.to_string()));
        }
        if self.mine {
            pairs.push(("mine", "1".to_owned()));
        }
        if self.idle {
            pairs.push(("idle", "1".to_owned()));
        }
        if let Some(pipeline) = self.pipeline {
            pairs.push(("pipeline", pipeline.to_string()));
        }
        if self.sort != DealSort::default() {
            pairs.push(("sort", sort_key(self.sort).to_owned()));
        }
        if self.page > 0 {
            pairs.push(("page", self.page.to_string()));
        }
        let query: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
        if query.is_empty() {
            "/deals".to_owned()
        } else {
            format!("/deals?{}", query.join("&"))
        }
    }

    /// The same filters on another page.
    pub fn at_page(&self, page: u64) -> DealQuery {
        DealQuery {
            page,
            ..self.clone()
        }
    }

    /// The same filters in another order, from the first page.
    pub fn sorted(&self, sort: DealSort) -> DealQuery {
        DealQuery {
            sort,
            page: 0,
            ..self.clone()
        }
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(pairs: &[(&str, &str)]) -> DealQuery {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        DealQuery::read(|key| map.get(key).cloned())
    }

    #[test]
    fn malformed_values_are_ignored() {
        let query = read(&[("owner", "nobody"), ("page", "-3"), ("sort", "price")]);
        assert_eq!(query, DealQuery::default());
    }

    #[test]
    fn links_keep_filters_and_encode_text() {
        let query = DealQuery {
            text: "50% off & more".into(),
            mine: true,
            sort: DealSort::ValueDesc,
            page: 2,
            ..DealQuery::default()
        };
        assert_eq!(
            query.href(),
            "/deals?q=50%25%20off%20%26%20more&mine=1&sort=value&page=2"
        );
        assert_eq!(query.sorted(DealSort::Title).page, 0);
        assert_eq!(DealQuery::default().href(), "/deals");
    }

    #[test]
    fn every_sort_round_trips() {
        for sort in SORTS {
            assert_eq!(parse_sort(sort_key(sort)), sort);
        }
    }
}
