//! The inbox's search box and filters. They live in the URL (`?q=…&source=…`), so a
//! filtered view can be bookmarked or shared, and the form works without JavaScript.

use domain::{board::Owner, lead::InboxView, lead::LeadSource, lead_rules::InboxFilter, UserId};
use leptos::prelude::*;
use leptos_router::params::ParamsMap;

/// Reads the filter from the page's query.
pub fn from_query(params: &ParamsMap) -> InboxFilter {
    InboxFilter {
        search: params.get("q").unwrap_or_default(),
        source: params.get("source").and_then(|s| LeadSource::parse(&s)),
        campaign: params.get("campaign").unwrap_or_default(),
        owner: params
            .get("owner")
            .and_then(|o| uuid::Uuid::parse_str(&o).ok())
            .map(UserId),
        min_score: params.get("score").and_then(|s| s.parse().ok()),
    }
}

/// `/inbox?view=…` with the filter kept, for the view tabs.
pub fn href(view: InboxView, filter: &InboxFilter) -> String {
    let mut query = vec![("view", view.key().to_owned())];
    if !filter.search.trim().is_empty() {
        query.push(("q", filter.search.trim().to_owned()));
    }
    if let Some(source) = filter.source {
        query.push(("source", source.key().to_owned()));
    }
    if !filter.campaign.trim().is_empty() {
        query.push(("campaign", filter.campaign.trim().to_owned()));
    }
    if let Some(owner) = filter.owner {
        query.push(("owner", owner.0.to_string()));
    }
    if let Some(score) = filter.min_score {
        query.push(("score", score.to_string()));
    }
    let encoded: Vec<String> = query
        .into_iter()
        .map(|(key, value)| format!("{key}={}", encode(&value)))
        .collect();
    format!("/inbox?{}", encoded.join("&"))
}

/// Percent-encodes a query value.
pub(crate) fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
pub fn FilterBar(view: InboxView, filter: InboxFilter, owners: Vec<Owner>) -> impl IntoView {
    let active = !filter.is_empty();
    let narrowed = filter.source.is_some()
        || !filter.campaign.trim().is_empty()
        || filter.owner.is_some()
        || filter.min_score.is_some();
    let source = filter.source;
    let owner = filter.owner;
    let score = filter.min_score;
    view! {
        <form class="inbox-filters" method="get" action="/inbox" role="search" aria-label="Search and filter leads">
            <input type="hidden" name="view" value=view.key() />
            <input type="search" name="q" id="inbox-search" aria-label="Search leads"
                placeholder="Search name, e-mail, company (press /)" value=filter.search.clone() />
            <button type="submit" class="secondary">"Search"</button>
            {active.then(|| view! { <a class="link" href=href(view, &InboxFilter::default())>"Clear"</a> })}
            // Folded away until used, so the list starts high on a phone.
            <details class="more-filters" open=narrowed>
                <summary>"Filters"</summary>
            <select name="source" aria-label="Source">
                <option value="">"Any source"</option>
                {LeadSource::ALL.into_iter().map(|s| view! {
                    <option value=s.key() selected=source == Some(s)>{s.label()}</option>
                }).collect_view()}
            </select>
            <input name="campaign" aria-label="Campaign" placeholder="Campaign" value=filter.campaign.clone() />
            <select name="owner" aria-label="Owner">
                <option value="">"Any owner"</option>
                {owners.into_iter().map(|o| view! {
                    <option value=o.id.0.to_string() selected=owner == Some(o.id)>{o.name}</option>
                }).collect_view()}
            </select>
            <select name="score" aria-label="Minimum score">
                <option value="">"Any score"</option>
                {[25_u8, 50, 75].into_iter().map(|n| view! {
                    <option value=n.to_string() selected=score == Some(n)>{format!("{n}+")}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="secondary">"Apply filters"</button>
            </details>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_keep_the_filter_and_encode_it() {
        let filter = InboxFilter {
            search: "ana & co".into(),
            source: Some(LeadSource::Event),
            ..InboxFilter::default()
        };
        assert_eq!(
            href(InboxView::Mine, &filter),
            "/inbox?view=mine&q=ana%20%26%20co&source=event"
        );
    }
}
