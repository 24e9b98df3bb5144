//! One lead in the inbox and what can be done with it, each in one or two taps: take
//! it, qualify it (need, budget, authority, timeline), disqualify it with a reason,
//! snooze it, open it, or convert it into a deal. Keyboard shortcuts land here too.

use super::{
    keys::{Command, Shortcuts},
    lead_forms::{ConvertForm, DisqualifyForm, QualifyForm, SnoozeChoices},
    open_form::{Open, OpenForm},
};
use crate::{api::leads::assign_lead, pages::shell::use_current_user};
use domain::{lead::Lead, AppError};
use leptos::{html::Li, prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;

/// One triage call, answering with the sentence to show when it worked and the version
/// it left the lead at (none once the lead became a deal).
pub type Triage = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Saved, AppError>>>>;

pub struct Saved {
    said: String,
    version: Option<i32>,
}

impl Saved {
    pub fn lead(said: String, lead: &Lead) -> Self {
        Self {
            said,
            version: Some(lead.version),
        }
    }

    /// The lead is no more (it became a deal).
    pub fn gone(said: String) -> Self {
        Self {
            said,
            version: None,
        }
    }
}

#[component]
pub fn LeadRow(
    lead: Lead,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    #[prop(optional)] shortcuts: Option<Shortcuts>,
    #[prop(optional)] forms: Option<OpenForm>,
) -> impl IntoView {
    let me = use_current_user().user_id;
    let forms = forms.unwrap_or_default();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let (id, shown) = (lead.id, lead.version);
    // What a change is checked against: what the row shows, or one's own newer save.
    let version = move || forms.version(id, shown);
    let who = lead
        .name
        .clone()
        .or_else(|| lead.email.clone())
        .or_else(|| lead.company.clone())
        .unwrap_or_else(|| "Lead".to_owned());
    // Runs one triage call; the list reloads either way (someone may have beaten us).
    let act = move |call: Triage| {
        busy.set(true);
        spawn_local(async move {
            match call.await {
                Ok(Saved { said, version }) => {
                    if let Some(version) = version {
                        forms.saved(id, version);
                    }
                    notice.try_set(Some(said));
                    error.try_set(None);
                    forms.close(id);
                    reload.try_update(|n| *n += 1);
                }
                Err(problem) => {
                    error.try_set(Some(problem.explain()));
                }
            }
            busy.try_set(false);
        });
    };
    let take = {
        let who = who.clone();
        move |(): ()| {
            let who = who.clone();
            act(Box::pin(async move {
                let lead = assign_lead(id, version(), Some(me)).await?;
                Ok(Saved::lead(format!("{who} is yours."), &lead))
            }));
        }
    };
    let company = lead.company.clone();
    let suggested_title = company.clone().unwrap_or_else(|| who.clone());
    let title = StoredValue::new(suggested_title);
    let toggle = move |form: Open| forms.toggle(id, form, title.get_value());
    let row = NodeRef::<Li>::new();
    let href = format!("/inbox/{id}");
    if let Some(keys) = shortcuts {
        // The selected row takes the focus, so the browser scrolls it into view.
        Effect::new(move |_| {
            if keys.selected.get() == Some(id) {
                if let Some(li) = row.get_untracked() {
                    let _ = li.focus();
                }
            }
        });
        let navigate = use_navigate();
        let href = href.clone();
        let take = take.clone();
        Effect::new(move |_| {
            let Some((lead, command)) = keys.command.get() else {
                return;
            };
            if lead != id {
                return;
            }
            keys.command.set(None);
            match command {
                Command::Take => take(()),
                Command::Qualify => toggle(Open::Qualify),
                Command::Disqualify => toggle(Open::Disqualify),
                Command::Snooze => toggle(Open::Snooze),
                Command::Convert => toggle(Open::Convert),
                Command::Open => navigate(&href, Default::default()),
            }
        });
    }
    let status = lead.status;
    let mine = lead.owner.as_ref().is_some_and(|(owner, _)| *owner == me);
    let owner = lead
        .owner
        .clone()
        .map_or_else(|| "Unassigned".to_owned(), |(_, name)| name);
    let reach = [lead.email.clone(), lead.phone.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    let source = match &lead.campaign {
        Some(campaign) => format!("{} · {campaign}", lead.source.label()),
        None => lead.source.label().to_owned(),
    };
    let draft = forms.draft;
    view! {
        <li class="lead" class:overdue=lead.response_overdue node_ref=row tabindex="0"
            class:selected=move || shortcuts.is_some_and(|k| k.selected.get() == Some(id))
            on:focus=move |_| if let Some(keys) = shortcuts { keys.selected.set(Some(id)) }>
            <div class="lead-head">
                <a class="lead-name" href=href.clone()>{who.clone()}</a>
                <span class="lead-status">{status.label()}</span>
                {company.map(|c| view! { <span class="lead-company">{c}</span> })}
                {lead.response_overdue.then(|| view! { <span class="lead-overdue">"Response overdue"</span> })}
            </div>
            <p class="lead-meta">
                <span>{reach}</span>
                <span>{source}</span>
                <span>{format!("Score {}", lead.score)}</span>
                <span>{owner}</span>
                {(lead.submissions > 1).then(|| view! { <span>{format!("{} submissions", lead.submissions)}</span> })}
                {lead.snoozed_until.map(|until| view! { <span>{format!("Snoozed until {}", until.format("%b %-d"))}</span> })}
            </p>
            {status.is_open().then(|| view! {
                <div class="lead-actions">
                    {(!mine).then(|| view! {
                        <button type="button" class="secondary" aria-label=format!("Take {who}")
                            disabled=move || busy.get() on:click={
                                let take = take.clone();
                                move |_| take(())
                            }>"Take"</button>
                    })}
                    <button type="button" class="secondary" aria-label=format!("Qualify {who}")
                        aria-expanded=move || (forms.on(id) == Open::Qualify).to_string()
                        on:click=move |_| toggle(Open::Qualify)>"Qualify"</button>
                    <button type="button" class="primary" aria-label=format!("Convert {who}")
                        aria-expanded=move || (forms.on(id) == Open::Convert).to_string()
                        on:click=move |_| toggle(Open::Convert)>"Convert"</button>
                    <button type="button" class="secondary" aria-label=format!("Snooze {who}")
                        aria-expanded=move || (forms.on(id) == Open::Snooze).to_string()
                        on:click=move |_| toggle(Open::Snooze)>"Snooze"</button>
                    <button type="button" class="link danger-link" aria-label=format!("Disqualify {who}")
                        aria-expanded=move || (forms.on(id) == Open::Disqualify).to_string()
                        on:click=move |_| toggle(Open::Disqualify)>"Disqualify"</button>
                </div>
            })}
            {move || match forms.on(id) {
                Open::Qualify => view! { <QualifyForm id version who=who.clone() draft act busy /> }.into_any(),
                Open::Disqualify => view! { <DisqualifyForm id version who=who.clone() draft act busy /> }.into_any(),
                Open::Snooze => view! { <SnoozeChoices id version who=who.clone() act busy /> }.into_any(),
                Open::Convert => view! { <ConvertForm id version draft act busy /> }.into_any(),
                Open::Nothing => ().into_any(),
            }}
            <p class="field-error" role="alert">{move || error.get()}</p>
        </li>
    }
}
