//! One lead in the inbox and what can be done with it, each in one or two taps: take
//! it, qualify it (need, budget, authority, timeline), disqualify it with a reason,
//! snooze it, open it, or convert it into a deal. Keyboard shortcuts land here too.

use super::keys::{Command, Shortcuts};
use crate::{
    api::{
        deals::{get_board_options, get_pipeline_stages},
        leads::{assign_lead, convert_lead_to_deal, disqualify_lead, qualify_lead, snooze_lead},
    },
    components::clock::offset_at,
    pages::shell::use_current_user,
};
use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use domain::{
    ids::{PipelineId, StageId},
    lead::{Answer, ConvertLead, Lead, Qualification},
    AppError,
};
use leptos::{html::Li, prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;

/// One triage call, answering with the sentence to show when it worked.
type Triage = std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, AppError>>>>;

/// Which inline form is open on a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    Nothing,
    Qualify,
    Disqualify,
    Snooze,
    Convert,
}

/// The one inline form open in a list of leads. The list holds it, not the row: a row
/// is rebuilt when its lead changes (one's own save answering, or a colleague's change
/// arriving live), and a form the rep has just opened must stay open across that.
#[derive(Debug, Clone, Copy)]
pub struct OpenForm(RwSignal<Option<(uuid::Uuid, Open)>>);

impl OpenForm {
    pub fn new() -> Self {
        Self(RwSignal::new(None))
    }

    fn on(self, lead: uuid::Uuid) -> Open {
        Self::form_of(self.0.get(), lead)
    }

    fn form_of(open: Option<(uuid::Uuid, Open)>, lead: uuid::Uuid) -> Open {
        match open {
            Some((id, form)) if id == lead => form,
            _ => Open::Nothing,
        }
    }

    fn toggle(self, lead: uuid::Uuid, form: Open) {
        let now = Self::form_of(self.0.get_untracked(), lead);
        self.0.set((now != form).then_some((lead, form)));
    }

    /// Closes the lead's form, leaving alone one the rep has since opened elsewhere.
    fn close(self, lead: uuid::Uuid) {
        let open = self.0.try_get_untracked().flatten();
        if Self::form_of(open, lead) != Open::Nothing {
            self.0.try_set(None);
        }
    }
}

impl Default for OpenForm {
    fn default() -> Self {
        Self::new()
    }
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
    #[prop(optional)] shortcuts: Option<Shortcuts>,
    #[prop(optional)] forms: Option<OpenForm>,
) -> impl IntoView {
    let me = use_current_user().user_id;
    let forms = forms.unwrap_or_default();
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
                assign_lead(id, version, Some(me)).await?;
                Ok(format!("{who} is yours."))
            }));
        }
    };
    let toggle = move |form: Open| forms.toggle(id, form);
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
    let company = lead.company.clone();
    let suggested_title = company.clone().unwrap_or_else(|| who.clone());
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
                Open::Qualify => view! { <QualifyForm id version who=who.clone() act busy /> }.into_any(),
                Open::Disqualify => view! { <DisqualifyForm id version who=who.clone() act busy /> }.into_any(),
                Open::Snooze => view! { <SnoozeChoices id version who=who.clone() act busy /> }.into_any(),
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
                value=reason.get_untracked() prop:value=move || reason.get() on:input=move |e| reason.set(event_target_value(&e)) />
            <button type="submit" class="danger" disabled=move || busy.get()>"Disqualify"</button>
        </form>
    }
}

/// Snooze choices in the browser's time: a few hours, tomorrow morning, next Monday.
fn snooze_choices(now: DateTime<Utc>, offset_minutes: i32) -> [(&'static str, DateTime<Utc>); 3] {
    let offset = Duration::minutes(i64::from(offset_minutes));
    let local_today = (now - offset).date_naive();
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default();
    let at_nine = |days: i64| {
        (local_today + Duration::days(days))
            .and_time(nine)
            .and_utc()
            + offset
    };
    let weekday = i64::from(local_today.weekday().num_days_from_monday());
    [
        ("For 3 hours", now + Duration::hours(3)),
        ("Until tomorrow, 9:00", at_nine(1)),
        ("Until Monday, 9:00", at_nine(7 - weekday)),
    ]
}

#[component]
fn SnoozeChoices(
    id: uuid::Uuid,
    version: i32,
    who: String,
    act: impl Fn(Triage) + Copy + Send + Sync + 'static,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let pick = move |label: &'static str, until: DateTime<Utc>| {
        let who = who.clone();
        act(Box::pin(async move {
            snooze_lead(id, version, Some(until)).await?;
            Ok(format!("{who} snoozed ({}).", label.to_lowercase()))
        }));
    };
    let choices = snooze_choices(Utc::now(), offset_at(""));
    view! {
        <div class="lead-form snooze" role="group" aria-label="Snooze until">
            {choices.into_iter().map(|(label, until)| {
                let pick = pick.clone();
                view! {
                    <button type="button" class="secondary" disabled=move || busy.get()
                        on:click=move |_| pick(label, until)>{label}</button>
                }
            }).collect_view()}
        </div>
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
    let pipelines = RwSignal::new(Vec::<(PipelineId, String)>::new());
    let pipeline = RwSignal::new(None::<PipelineId>);
    let stages = RwSignal::new(Vec::<(StageId, String)>::new());
    let stage = RwSignal::new(None::<StageId>);
    // Opened by a tap, never during hydration: plain tasks, no resources.
    spawn_local(async move {
        if let Ok(options) = get_board_options().await {
            pipeline.try_set(options.pipelines.first().map(|(p, _)| *p));
            pipelines.try_set(options.pipelines);
        }
    });
    Effect::new(move |_| {
        let Some(chosen) = pipeline.get() else { return };
        spawn_local(async move {
            if let Ok((_, found)) = get_pipeline_stages(chosen).await {
                stage.try_set(found.first().map(|s| s.id));
                stages.try_set(found.into_iter().map(|s| (s.id, s.name)).collect());
            }
        });
    });
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let to = ConvertLead {
            pipeline: pipeline.get_untracked(),
            stage: stage.get_untracked(),
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
            <input id=format!("deal-title-{id}") value=title.get_untracked() prop:value=move || title.get()
                on:input=move |e| title.set(event_target_value(&e)) />
            <label for=format!("deal-value-{id}")>"Value"</label>
            <input id=format!("deal-value-{id}") inputmode="decimal" placeholder="e.g. 12,500"
                value=value.get_untracked() prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e)) />
            <label for=format!("deal-pipeline-{id}")>"Pipeline"</label>
            <select id=format!("deal-pipeline-{id}") on:change=move |e| {
                pipeline.set(event_target_value(&e).parse().ok().map(PipelineId));
            }>
                {move || pipelines.get().into_iter().map(|(p, name)| view! {
                    <option value=p.0.to_string() selected=move || pipeline.get() == Some(p)>{name}</option>
                }).collect_view()}
            </select>
            <label for=format!("deal-stage-{id}")>"Stage"</label>
            <select id=format!("deal-stage-{id}") on:change=move |e| {
                stage.set(event_target_value(&e).parse().ok().map(StageId));
            }>
                {move || stages.get().into_iter().map(|(s, name)| view! {
                    <option value=s.0.to_string() selected=move || stage.get() == Some(s)>{name}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="primary" disabled=move || busy.get()>"Create deal"</button>
        </form>
    }
}
