//! `/inbox`: the shared lead queue. Views with counts, search and filters, quick add,
//! and triage on each lead (take, qualify, disqualify, snooze, convert, open), with
//! keyboard shortcuts on desktop; refreshed live when anyone changes a lead.

use crate::api::json::load;
pub(crate) mod filters;
mod keys;
mod lead_forms;
mod lead_page;
mod marketing;
mod open_form;
mod triage;

pub use lead_page::LeadPage;
pub use marketing::MarketingPage;

use crate::components::refetch_on;
use crate::{
    api::{
        deals::get_board_options,
        leads::{add_lead, get_inbox},
    },
    live::{use_live, News},
};
use domain::event::Subject;
use domain::{
    lead::{InboxCounts, InboxPage, InboxView, NewLead},
    lead_rules::InboxFilter,
};
use filters::FilterBar;
use keys::{ShortcutHelp, Shortcuts};
use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use open_form::OpenForm;
use triage::LeadRow;

#[component]
pub fn InboxPage() -> impl IntoView {
    let params = use_query_map();
    let view =
        Memo::new(move |_| params.with(|p| InboxView::parse(&p.get("view").unwrap_or_default())));
    let filter = Memo::new(move |_| params.with(filters::from_query));
    let reload = RwSignal::new(0_u32);
    let notice = RwSignal::new(None::<String>);
    // Keyed on the view and filter only: later changes are fetched by the list itself,
    // which keeps unchanged rows (and a form open on one) in place.
    let inbox = load(
        move || (view.get(), filter.get()),
        |(view, filter)| get_inbox(view, filter, 0),
    );
    let options = load(|| (), |_| get_board_options());
    if let Some(live) = use_live() {
        // A burst of form posts reloads the inbox once.
        live.reload_on_burst(reload, |news| match news {
            News::Resync => true,
            News::Event(event) => matches!(event.subject, Subject::Lead(_)),
        });
    }
    let shortcuts = Shortcuts::install();
    view! {
        <Title text="Inbox" />
        <header class="page-header">
            <h1>"Inbox"</h1>
            <a class="button secondary" href="/marketing">"Sources report"</a>
        </header>
        <div role="status">
            {move || notice.get().map(|message| view! { <p class="banner success">{message}</p> })}
        </div>
        <QuickAdd reload notice />
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let owners = options.await.map(|o| o.owners).unwrap_or_default();
                view! { <FilterBar view=view.get_untracked() filter=filter.get_untracked() owners /> }
            })}
        </Transition>
        <Transition fallback=|| view! { <p class="loading">"Loading the inbox…"</p> }>
            {move || Suspend::new(async move {
                match inbox.await {
                    Ok(page) => view! {
                        <LeadList page view=view.get_untracked() filter=filter.get_untracked() reload notice shortcuts />
                    }.into_any(),
                    Err(error) => view! { <div class="banner error" role="alert">{error.explain()}</div> }.into_any(),
                }
            })}
        </Transition>
        <ShortcutHelp shortcuts />
    }
}

#[component]
fn LeadList(
    page: InboxPage,
    view: InboxView,
    filter: InboxFilter,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    shortcuts: Shortcuts,
) -> impl IntoView {
    let page = RwSignal::new(page);
    let tabs_filter = filter.clone();
    refetch_on(reload, move || {
        let filter = filter.clone();
        async move {
            if let Ok(fresh) = get_inbox(view, filter, 0).await {
                page.try_set(fresh);
            }
        }
    });
    // j / k walk the rows in the order shown.
    shortcuts.order_from(move || page.with(|p| p.leads.iter().map(|l| l.id).collect()));
    let forms = OpenForm::new();
    view! {
        {move || page.with(|p| view! { <Tabs counts=p.counts.clone() current=view filter=tabs_filter.clone() /> })}
        {move || page.with(|p| p.leads.is_empty()).then(|| view! { <p class="empty">"No leads here."</p> })}
        <ul class="leads" aria-label="Leads">
            // Keyed by version, and by the submission count, which an anonymous web-form
            // post raises without a new version: a row is rebuilt only when it changed.
            <For each=move || page.with(|p| p.leads.clone()) key=|lead| (lead.id, lead.version, lead.submissions) let:lead>
                <LeadRow lead reload notice shortcuts forms />
            </For>
        </ul>
    }
}

#[component]
fn Tabs(counts: InboxCounts, current: InboxView, filter: InboxFilter) -> impl IntoView {
    view! {
        <nav class="inbox-views" aria-label="Inbox views">
            {InboxView::ALL.into_iter().map(|view| {
                let here = view == current;
                view! {
                    <a href=filters::href(view, &filter) class="inbox-view"
                        aria-current=here.then_some("page")>
                        {view.label()}" "<span class="count">{counts.of(view)}</span>
                    </a>
                }
            }).collect_view()}
        </nav>
    }
}

/// A lead typed in by hand (a call, a card from an event): it is yours.
#[component]
fn QuickAdd(reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let company = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let lead = NewLead {
            name: name.get_untracked(),
            email: email.get_untracked(),
            phone: phone.get_untracked(),
            company: company.get_untracked(),
            ..NewLead::default()
        };
        if let Err(problems) = lead.validate() {
            error.set(problems.0.first().map(|p| p.message.clone()));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match add_lead(lead).await {
                Ok(captured) => {
                    let what = if captured.merged {
                        "Added to the lead already open for this person."
                    } else {
                        "Lead added to your inbox."
                    };
                    notice.try_set(Some(what.to_owned()));
                    for field in [name, email, phone, company] {
                        field.try_set(String::new());
                    }
                    error.try_set(None);
                    reload.try_update(|n| *n += 1);
                }
                Err(problem) => {
                    error.try_set(Some(problem.explain()));
                }
            }
            busy.try_set(false);
        });
    };
    let input = |id: &'static str,
                 label: &'static str,
                 value: RwSignal<String>,
                 kind: &'static str| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id type=kind value=value.get_untracked() prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e)) />
            </div>
        }
    };
    view! {
        <details class="card quick-add">
            <summary>"Add a lead"</summary>
            <form on:submit=save aria-label="Add a lead" novalidate>
                {input("lead-name", "Name", name, "text")}
                {input("lead-email", "E-mail", email, "email")}
                {input("lead-phone", "Phone", phone, "tel")}
                {input("lead-company", "Company", company, "text")}
                <p class="field-error" role="alert">{move || error.get()}</p>
                <button type="submit" class="primary" disabled=move || busy.get()>"Add lead"</button>
            </form>
        </details>
    }
}
