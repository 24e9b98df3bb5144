//! `/inbox`: the shared lead queue. Views with counts, quick add, and triage on each
//! lead (take, qualify, disqualify, convert), refreshed live when anyone changes a lead.

mod triage;

use crate::components::refetch_on;
use crate::{
    api::leads::{add_lead, get_inbox},
    live::{use_live, News},
};
use domain::lead::{InboxCounts, InboxPage, InboxView, NewLead};
use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use triage::LeadRow;

#[component]
pub fn InboxPage() -> impl IntoView {
    let params = use_query_map();
    let view =
        Memo::new(move |_| params.with(|p| InboxView::parse(&p.get("view").unwrap_or_default())));
    let reload = RwSignal::new(0_u32);
    let notice = RwSignal::new(None::<String>);
    // Keyed on the view only: later changes are fetched by the list itself, which keeps
    // unchanged rows (and a form open on one) in place.
    let inbox = Resource::new(move || view.get(), |view| get_inbox(view, 0));
    if let Some(live) = use_live() {
        // A burst of form posts reloads the inbox once.
        live.reload_on_burst(reload, |news| match news {
            News::Resync => true,
            News::Event(event) => event.subject.starts_with("lead:"),
        });
    }
    view! {
        <Title text="Inbox" />
        <header class="page-header"><h1>"Inbox"</h1></header>
        <div role="status">
            {move || notice.get().map(|message| view! { <p class="banner success">{message}</p> })}
        </div>
        <QuickAdd reload notice />
        <Transition fallback=|| view! { <p class="loading">"Loading the inbox…"</p> }>
            {move || Suspend::new(async move {
                match inbox.await {
                    Ok(page) => view! { <LeadList page view=view.get_untracked() reload notice /> }.into_any(),
                    Err(error) => view! { <div class="banner error" role="alert">{error.explain()}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn LeadList(
    page: InboxPage,
    view: InboxView,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let page = RwSignal::new(page);
    refetch_on(reload, move || async move {
        if let Ok(fresh) = get_inbox(view, 0).await {
            page.try_set(fresh);
        }
    });
    view! {
        {move || page.with(|p| view! { <Tabs counts=p.counts.clone() current=view /> })}
        {move || page.with(|p| p.leads.is_empty()).then(|| view! { <p class="empty">"No leads here."</p> })}
        <ul class="leads" aria-label="Leads">
            // Keyed by version: a row is rebuilt only when its lead changed.
            <For each=move || page.with(|p| p.leads.clone()) key=|lead| (lead.id, lead.version) let:lead>
                <LeadRow lead reload notice />
            </For>
        </ul>
    }
}

#[component]
fn Tabs(counts: InboxCounts, current: InboxView) -> impl IntoView {
    view! {
        <nav class="inbox-views" aria-label="Inbox views">
            {InboxView::ALL.into_iter().map(|view| {
                let here = view == current;
                view! {
                    <a href=format!("/inbox?view={}", view.key()) class="inbox-view"
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
                <input id=id type=kind prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e)) />
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
