//! One lead in the inbox and what can be done with it, each in one or two taps: take
//! it, qualify it (need, budget, authority, timeline), disqualify it with a reason, or
//! convert a qualified one into a deal.

use crate::{
    api::leads::{assign_lead, convert_lead_to_deal, disqualify_lead, qualify_lead},
    pages::shell::use_current_user,
};
use domain::{
    lead::{Answer, ConvertLead, Lead, LeadStatus, Qualification},
    AppError,
};
use leptos::{prelude::*, task::spawn_local};

/// One triage call, answering with the sentence to show when it worked.
type Triage = std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, AppError>>>>;

/// Which inline form is open on a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Nothing,
    Qualify,
    Disqualify,
    Convert,
}

const ANSWERS: [(Answer, &str); 4] = [
    (Answer::Unknown, "Unknown"),
    (Answer::No, "No"),
    (Answer::Partly, "Partly"),
    (Answer::Yes, "Yes"),
];

#[component]
pub fn LeadRow(
    lead: Lead,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let me = use_current_user().user_id;
    let open = RwSignal::new(Open::Nothing);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let (id, version) = (lead.id, lead.version);
    let who = lead
        .name
        .clone()
        .or_else(|| lead.email.clone())
        .or_else(|| lead.company.clone())
        .unwrap_or_else(|| "Lead".to_owned());
    // Runs one triage call; the list reloads either way (someone may have beaten us).
    let act = move |call: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<String, AppError>>>,
    >| {
        busy.set(true);
        spawn_local(async move {
            match call.await {
                Ok(message) => {
                    notice.try_set(Some(message));
                    error.try_set(None);
                    open.try_set(Open::Nothing);
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
        move |_| {
            let who = who.clone();
            act(Box::pin(async move {
                assign_lead(id, version, Some(me)).await?;
                Ok(format!("{who} is yours."))
            }));
        }
    };
    let toggle =
        move |form: Open| open.update(|o| *o = if *o == form { Open::Nothing } else { form });
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
    let company = lead.company.clone();
    let suggested_title = company.clone().unwrap_or_else(|| who.clone());
    view! {
        <li class="lead" class:overdue=lead.response_overdue>
            <div class="lead-head">
                <span class="lead-name">{who.clone()}</span>
                {company.map(|c| view! { <span class="lead-company">{c}</span> })}
                {lead.response_overdue.then(|| view! { <span class="lead-overdue">"Response overdue"</span> })}
            </div>
            <p class="lead-meta">
                <span>{reach}</span>
                <span>{source}</span>
                <span>{format!("Score {}", lead.score)}</span>
                <span>{owner}</span>
                {(lead.submissions > 1).then(|| view! { <span>{format!("{} submissions", lead.submissions)}</span> })}
            </p>
            {status.is_open().then(|| view! {
                <div class="lead-actions">
                    {(!mine).then(|| view! {
                        <button type="button" class="secondary" aria-label=format!("Take {who}")
                            disabled=move || busy.get() on:click=take.clone()>"Take"</button>
                    })}
                    <button type="button" class="secondary" aria-label=format!("Qualify {who}")
                        aria-expanded=move || (open.get() == Open::Qualify).to_string()
                        on:click=move |_| toggle(Open::Qualify)>"Qualify"</button>
                    {(status == LeadStatus::Qualified).then(|| view! {
                        <button type="button" class="primary" aria-label=format!("Convert {who}")
                            aria-expanded=move || (open.get() == Open::Convert).to_string()
                            on:click=move |_| toggle(Open::Convert)>"Convert"</button>
                    })}
                    <button type="button" class="link danger-link" aria-label=format!("Disqualify {who}")
                        aria-expanded=move || (open.get() == Open::Disqualify).to_string()
                        on:click=move |_| toggle(Open::Disqualify)>"Disqualify"</button>
                </div>
            })}
            {move || match open.get() {
                Open::Qualify => view! { <QualifyForm id version who=who.clone() act busy /> }.into_any(),
                Open::Disqualify => view! { <DisqualifyForm id version who=who.clone() act busy /> }.into_any(),
                Open::Convert => view! { <ConvertForm id version suggested=suggested_title.clone() act busy /> }.into_any(),
                Open::Nothing => ().into_any(),
            }}
            <p class="field-error" role="alert">{move || error.get()}</p>
        </li>
    }
}

#[component]
fn QualifyForm(
    id: uuid::Uuid,
    version: i32,
    who: String,
    act: impl Fn(Triage) + Copy + Send + Sync + 'static,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let answers = [(); 4].map(|()| RwSignal::new(Answer::Unknown));
    let labels = ["Need", "Budget", "Authority", "Timeline"];
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let [need, budget, authority, timeline] =
            answers.map(|a| (a.get_untracked(), String::new()));
        let who = who.clone();
        act(Box::pin(async move {
            let done = qualify_lead(
                id,
                version,
                Qualification {
                    need,
                    budget,
                    authority,
                    timeline,
                },
            )
            .await?;
            Ok(format!("{who} qualified, score {}.", done.score))
        }));
    };
    view! {
        <form class="lead-form" aria-label="Qualify" on:submit=save>
            {labels.into_iter().zip(answers).map(|(label, answer)| view! {
                <label class="lead-answer">
                    <span>{label}</span>
                    <select on:change=move |e| {
                        let picked = event_target_value(&e);
                        if let Some((value, _)) = ANSWERS.iter().find(|(_, name)| *name == picked) { answer.set(*value) }
                    }>
                        {ANSWERS.iter().map(|(_, name)| view! { <option value=*name>{*name}</option> }).collect_view()}
                    </select>
                </label>
            }).collect_view()}
            <button type="submit" class="primary" disabled=move || busy.get()>"Save answers"</button>
        </form>
    }
}

#[component]
fn DisqualifyForm(
    id: uuid::Uuid,
    version: i32,
    who: String,
    act: impl Fn(Triage) + Copy + Send + Sync + 'static,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (who, why) = (who.clone(), reason.get_untracked());
        act(Box::pin(async move {
            disqualify_lead(id, version, why).await?;
            Ok(format!("{who} disqualified."))
        }));
    };
    view! {
        <form class="lead-form" aria-label="Disqualify" on:submit=save>
            <label for=format!("why-{id}")>"Why?"</label>
            <input id=format!("why-{id}") placeholder="e.g. No budget, student, spam"
                prop:value=move || reason.get() on:input=move |e| reason.set(event_target_value(&e)) />
            <button type="submit" class="danger" disabled=move || busy.get()>"Disqualify"</button>
        </form>
    }
}

#[component]
fn ConvertForm(
    id: uuid::Uuid,
    version: i32,
    suggested: String,
    act: impl Fn(Triage) + Copy + Send + Sync + 'static,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let title = RwSignal::new(suggested);
    let value = RwSignal::new(String::new());
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let to = ConvertLead {
            pipeline: None,
            stage: None,
            title: title.get_untracked(),
            value: value.get_untracked(),
        };
        let name = to.title.clone();
        act(Box::pin(async move {
            convert_lead_to_deal(id, version, to).await?;
            Ok(format!("{name} is now a deal in the pipeline."))
        }));
    };
    view! {
        <form class="lead-form" aria-label="Convert to a deal" on:submit=save>
            <label for=format!("deal-title-{id}")>"Deal title"</label>
            <input id=format!("deal-title-{id}") prop:value=move || title.get()
                on:input=move |e| title.set(event_target_value(&e)) />
            <label for=format!("deal-value-{id}")>"Value"</label>
            <input id=format!("deal-value-{id}") inputmode="decimal" placeholder="e.g. 12,500"
                prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e)) />
            <button type="submit" class="primary" disabled=move || busy.get()>"Create deal"</button>
        </form>
    }
}
