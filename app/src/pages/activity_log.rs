//! Settings → Activity log (`/settings/activity-log`): who did what to which record, when,
//! from where, with each field before → after; filtered by person, record kind, record,
//! action and dates, and downloadable as CSV. Admins only; works without JavaScript.

use crate::api::json::load;
use crate::{
    api::activity_log::{get_activity_log, LogFilters},
    pages::shell::use_current_user,
};
use domain::{
    audit::{action_label, AuditLine, AuditPage, RecordKind},
    event::{EventKind, Origin},
    permission::Action,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

const PATH: &str = "/settings/activity-log";

/// `/settings/activity-log`.
#[component]
pub fn ActivityLogPage() -> impl IntoView {
    let user = use_current_user();
    if !user.role.may(Action::ReadActivityLog) {
        #[cfg(feature = "ssr")]
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::FORBIDDEN);
        }
        return Either::Left(view! {
            <Title text="Activity log" />
            <header class="page-header"><h1>"Activity log"</h1></header>
            <div class="banner error" role="alert">
                "Only workspace admins can read the activity log."
            </div>
        });
    }
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        query.with(|q| {
            let get = |name: &str| q.get(name).unwrap_or_default();
            LogFilters {
                person: get("person"),
                kind: get("kind"),
                record: get("record"),
                action: get("action"),
                from: get("from"),
                to: get("to"),
                before: get("before"),
            }
        })
    });
    let page = load(move || filters.get(), get_activity_log);
    Either::Right(view! {
        <Title text="Activity log" />
        <header class="page-header">
            <h1>"Activity log"</h1>
            <p class="hint">"Every change in the workspace, newest first. Times and dates are UTC."</p>
        </header>
        <Transition fallback=|| view! { <p>"Loading the log…"</p> }>
            {move || Suspend::new(async move {
                let shown = filters.get_untracked();
                match page.await {
                    Ok(page) => Either::Left(view! { <Log page=page filters=shown /> }),
                    Err(error) => Either::Right(view! {
                        <Filters filters=shown.clone() people=Vec::new() />
                        <div class="banner error" role="alert">{error.message()}</div>
                    }),
                }
            })}
        </Transition>
    })
}

#[component]
fn Log(page: AuditPage, filters: LogFilters) -> impl IntoView {
    let mut newest = filters.clone();
    newest.before = String::new();
    let download = format!("{PATH}.csv?{}", query_string(&newest));
    let older = page.older.map(|older| {
        let mut next = filters.clone();
        next.before = older.to_string();
        format!("{PATH}?{}", query_string(&next))
    });
    let searched = page
        .searched_back_to
        .map(|at| at.format("%-d %b %Y, %H:%M").to_string());
    let empty = page.lines.is_empty();
    view! {
        <Filters filters=filters.clone() people=page.people />
        <p class="log-actions">
            <a class="button secondary" href=download download="" rel="external">"Download CSV"</a>
            {(!filters.before.is_empty()).then(|| view! {
                <a class="link" href=format!("{PATH}?{}", query_string(&newest))>"Back to the newest"</a>
            })}
        </p>
        {match (empty, &searched) {
            (true, None) => Some(view! { <p class="empty">"Nothing in the log matches these filters."</p> }.into_any()),
            (true, Some(at)) => Some(view! {
                <p class="empty">"No matches among the events back to " {at.clone()} "."</p>
            }.into_any()),
            _ => None,
        }}
        <ol class="audit-log" aria-label="Events">
            {page.lines.into_iter().map(|line| view! { <Line line=line /> }).collect_view()}
        </ol>
        {older.map(|href| {
            let label = match &searched {
                Some(_) => "Search further back",
                None => "Older events",
            };
            view! { <p class="pager"><a class="button secondary" href=href>{label}</a></p> }
        })}
    }
}

/// The filters, as a form that reloads the page with them (with or without JavaScript).
#[component]
fn Filters(filters: LogFilters, people: Vec<(uuid::Uuid, String)>) -> impl IntoView {
    let LogFilters {
        person,
        kind,
        record,
        action,
        from,
        to,
        ..
    } = filters.clone();
    // A record chosen from a line's "only this" link, with a way back to every record.
    let show_all = (!record.is_empty()).then(|| {
        let all = LogFilters {
            record: String::new(),
            before: String::new(),
            ..filters
        };
        format!("{PATH}?{}", query_string(&all))
    });
    view! {
        <Form method="get" action=PATH attr:class="list-toolbar audit-filters" attr:role="search">
            <div class="field">
                <label for="log-person">"Person"</label>
                <select id="log-person" name="person">
                    <option value="">"Anyone"</option>
                    {people.into_iter().map(|(id, name)| {
                        let id = id.to_string();
                        let selected = id == person;
                        view! { <option value=id selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="log-kind">"Record kind"</label>
                <select id="log-kind" name="kind">
                    <option value="">"Any record"</option>
                    {RecordKind::ALL.iter().map(|(_, prefix, label)| view! {
                        <option value=*prefix selected=*prefix == kind>{*label}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="log-action">"Action"</label>
                <select id="log-action" name="action">
                    <option value="">"Any action"</option>
                    {EventKind::all().map(|each| view! {
                        <option value=each.as_str() selected=each.as_str() == action>{action_label(each)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="log-from">"From"</label>
                <input id="log-from" type="date" name="from" value=from />
            </div>
            <div class="field">
                <label for="log-to">"To"</label>
                <input id="log-to" type="date" name="to" value=to />
            </div>
            {(!record.is_empty()).then(|| view! { <input type="hidden" name="record" value=record /> })}
            <button type="submit" class="primary">"Filter"</button>
        </Form>
        {show_all.map(|href| view! {
            <p class="hint">"Showing one record only. " <a class="link" href=href>"Show every record"</a></p>
        })}
    }
}

/// One event: when, who, what, on which record, each change, from where.
#[component]
fn Line(line: AuditLine) -> impl IntoView {
    let when = line.at.format("%-d %b %Y, %H:%M").to_string();
    let who = match (&line.person, line.action, line.origin) {
        (Some(name), ..) => name.clone(),
        (None, EventKind::SignInFailed, _) => "Someone".to_owned(),
        (None, _, Some(Origin::WebForm)) => "A visitor".to_owned(),
        (None, _, Some(Origin::Cli | Origin::Import)) => "Command line".to_owned(),
        (None, ..) => "Pipewright".to_owned(),
    };
    let only_this = format!("{PATH}?record={}", line.record.subject);
    let record = match line.record.href.clone() {
        Some(href) => Either::Left(view! { <a href=href>{line.record.name.clone()}</a> }),
        None => Either::Right(view! { <span>{line.record.name.clone()}</span> }),
    };
    let from = [
        line.origin.map(|o| o.label().to_owned()),
        line.address.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    view! {
        <li class="audit-line">
            <p class="audit-head">
                <strong class="audit-action">{action_label(line.action)}</strong>
                " · " {record}
                " · " <a class="link audit-only" href=only_this
                    aria-label=format!("Only {}", line.record.name)>"only this"</a>
            </p>
            <p class="hint">
                <time datetime=line.at.to_rfc3339()>{when}</time> " · " {who}
                {(!from.is_empty()).then(|| format!(" · {from}"))}
            </p>
            {(!line.changes.is_empty()).then(|| view! {
                <ul class="audit-changes">
                    {line.changes.into_iter().map(|change| view! {
                        <li>
                            <span class="field-name">{change.label}</span> ": "
                            <span class="before">{change.before}</span> " → "
                            <span class="after">{change.after}</span>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </li>
    }
}

/// `person=…&action=…` for the filters that are set, percent-encoded.
fn query_string(filters: &LogFilters) -> String {
    filters
        .pairs()
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{name}={}", crate::pages::records::encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}
