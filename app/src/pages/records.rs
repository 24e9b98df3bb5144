//! Pieces the company and contact pages share: the search-and-sort bar and pager (both
//! plain links and GET forms, so they work before the WASM loads), the "open the existing
//! record" offer after a refused duplicate, and the list of related deals.

use domain::{
    company::{duplicate_of, ListSort, RelatedDeal},
    deal::ContactRole,
    money::format_whole,
    AppError,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

/// What a list shows, read from the URL (`?q=…&sort=…&page=…`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub text: String,
    pub sort: ListSort,
    pub page: u64,
}

impl ListQuery {
    /// The list's address with this query and another page number.
    fn href(&self, path: &str, page: u64) -> String {
        format!(
            "{path}?q={}&sort={}&page={page}",
            encode(&self.text),
            self.sort.key()
        )
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
pub fn encode(text: &str) -> String {
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

/// The list query of the current URL, as a memo so resources refetch only when it changes.
pub fn use_list_query() -> Memo<ListQuery> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| ListQuery {
            text: q.get("q").unwrap_or_default(),
            sort: ListSort::parse(&q.get("sort").unwrap_or_default()),
            page: q
                .get("page")
                .and_then(|p| p.trim().parse().ok())
                .unwrap_or(0),
        })
    })
}

/// The search box and sort order above a list.
#[component]
pub fn ListToolbar(
    path: &'static str,
    label: &'static str,
    sorts: &'static [ListSort],
    query: Memo<ListQuery>,
) -> impl IntoView {
    let initial = query.get_untracked();
    view! {
        <Form method="get" action=path attr:class="list-toolbar" attr:role="search">
            <div class="field">
                <label for="list-q">{label}</label>
                <input
                    id="list-q"
                    type="search"
                    name="q"
                    value=initial.text
                    prop:value=move || query.get().text
                    autocomplete="off"
                />
            </div>
            <div class="field">
                <label for="list-sort">"Sort by"</label>
                <select id="list-sort" name="sort">
                    {sorts.iter().map(|sort| view! {
                        <option value=sort.key() selected=move || query.get().sort == *sort>{sort.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="secondary">"Search"</button>
        </Form>
    }
}

/// "Showing 51–53 of 53" with previous and next links.
#[component]
pub fn Pager(path: &'static str, query: ListQuery, total: u64, per_page: u64) -> impl IntoView {
    let first = query.page * per_page + 1;
    let last = (first + per_page - 1).min(total);
    let summary = if total == 0 {
        "Nothing matches.".to_owned()
    } else {
        format!("Showing {first}–{last} of {total}")
    };
    let previous = (query.page > 0).then(|| query.href(path, query.page - 1));
    let next = (last < total).then(|| query.href(path, query.page + 1));
    view! {
        <nav class="pager" aria-label="Pages">
            <span role="status">{summary}</span>
            {previous.map(|href| view! { <a class="button secondary" rel="prev" href=href>"Previous page"</a> })}
            {next.map(|href| view! { <a class="button secondary" rel="next" href=href>"Next page"</a> })}
        </nav>
    }
}

/// The existing record a refused save points to, from a form's latest outcome.
pub fn duplicate_target<T: Send + Sync + 'static>(
    result: Signal<Option<Result<T, AppError>>>,
) -> Signal<Option<uuid::Uuid>> {
    Signal::derive(move || {
        result.with(|r| match r {
            Some(Err(error)) => duplicate_of(error),
            _ => None,
        })
    })
}

/// After a save was refused as a duplicate: a link to the record that already exists.
#[component]
pub fn DuplicateOffer(
    existing: Signal<Option<uuid::Uuid>>,
    base: &'static str,
    what: &'static str,
) -> impl IntoView {
    move || {
        existing.get().map(|id| {
            view! {
                <p class="duplicate-offer">
                    <a class="button secondary" href=format!("{base}/{id}")>{format!("Open the existing {what}")}</a>
                </p>
            }
        })
    }
}

/// Holds the response while context is still there, so a page whose record turns out to be
/// missing can still answer 404 after its data arrived.
#[derive(Clone)]
pub struct NotFoundStatus {
    #[cfg(feature = "ssr")]
    response: Option<leptos_axum::ResponseOptions>,
}

impl NotFoundStatus {
    /// Call in the component body, before anything awaits.
    pub fn capture() -> Self {
        NotFoundStatus {
            #[cfg(feature = "ssr")]
            response: use_context(),
        }
    }

    fn mark(&self, error: &AppError) {
        #[cfg(feature = "ssr")]
        if let (Some(response), AppError::NotFound) = (&self.response, error) {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
        #[cfg(not(feature = "ssr"))]
        let _ = error;
    }
}

/// What a detail page shows when its record could not be loaded.
pub fn load_failed(
    error: &AppError,
    status: &NotFoundStatus,
    title: &'static str,
    back: &'static str,
    back_label: &'static str,
) -> AnyView {
    status.mark(error);
    view! {
        <Title text=title />
        <header class="page-header"><h1>{title}</h1></header>
        <div class="banner error" role="alert">{error.message()}</div>
        <a href=back>{back_label}</a>
    }
    .into_any()
}

fn amount(deal: &RelatedDeal) -> String {
    format_whole(deal.value_cents, deal.currency)
}

/// The deals of a company or contact, each linking to its deal page.
#[component]
pub fn RelatedDeals(deals: Vec<RelatedDeal>, total: u64) -> impl IntoView {
    if deals.is_empty() {
        return view! { <p class="hint">"No deals yet."</p> }.into_any();
    }
    let more = (total > deals.len() as u64)
        .then(|| format!("Showing the newest {} of {total} deals.", deals.len()));
    view! {
        <ul class="record-list">
            {deals.into_iter().map(|deal| {
                let role = deal.role.map(ContactRole::label);
                let facts = [
                    Some(deal.status.label().to_owned()),
                    (!deal.stage.is_empty()).then(|| deal.stage.clone()),
                    Some(amount(&deal)),
                    role.map(|r| format!("Role: {r}")),
                ];
                let facts: Vec<String> = facts.into_iter().flatten().collect();
                view! {
                    <li class="record" class:closed=!deal.status.is_open()>
                        <a class="record-name" href=format!("/deals/{}", deal.id)>{deal.title}</a>
                        <span class="record-meta">{facts.join(" · ")}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
        {more.map(|m| view! { <p class="hint">{m}</p> })}
    }
    .into_any()
}

/// Thousands separated, for company sizes.
pub fn grouped(number: i32) -> String {
    let digits = number.unsigned_abs().to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode("a&b=c d/é"), "a%26b%3Dc%20d%2F%C3%A9");
        let query = ListQuery {
            text: "acme & co".into(),
            sort: ListSort::Newest,
            page: 0,
        };
        assert_eq!(
            query.href("/companies", 1),
            "/companies?q=acme%20%26%20co&sort=newest&page=1"
        );
    }

    #[test]
    fn sizes_are_grouped() {
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(250), "250");
    }
}
