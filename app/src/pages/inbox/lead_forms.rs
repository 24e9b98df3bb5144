//! The inline forms a lead row opens: qualify, disqualify, snooze and convert. What the
//! rep types lives in the list's [`Draft`], so a row rebuilt under them keeps it.

use super::{
    open_form::Draft,
    triage::{Saved, Triage},
};
use crate::{
    api::{
        deals::{get_board_options, get_pipeline_stages},
        leads::{convert_lead_to_deal, disqualify_lead, qualify_lead, snooze_lead},
    },
    components::clock::offset_at,
};
use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use domain::{
    ids::{PipelineId, StageId},
    lead::{Answer, ConvertLead, Qualification},
};
use leptos::{prelude::*, task::spawn_local};
use uuid::Uuid;

const ANSWERS: [(Answer, &str); 4] = [
    (Answer::Unknown, "Unknown"),
    (Answer::No, "No"),
    (Answer::Partly, "Partly"),
    (Answer::Yes, "Yes"),
];

#[component]
pub fn QualifyForm(
    id: Uuid,
    version: impl Fn() -> i32 + Copy + Send + Sync + 'static,
    who: String,
    draft: Draft,
    act: impl Fn(Triage) + Copy + Send + Sync + 'static,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let answers = draft.answers;
    let labels = ["Need", "Budget", "Authority", "Timeline"];
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let [need, budget, authority, timeline] =
            answers.map(|a| (a.get_untracked(), String::new()));
        let who = who.clone();
        act(Box::pin(async move {
            let answers = Qualification {
                need,
                budget,
                authority,
                timeline,
            };
            let lead = qualify_lead(id, version(), answers).await?;
            let said = format!("{who} qualified, score {}.", lead.score);
            Ok(Saved::lead(said, &lead))
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
                        {ANSWERS.iter().map(|(value, name)| view! {
                            <option value=*name selected=move || answer.get() == *value>{*name}</option>
                        }).collect_view()}
                    </select>
                </label>
            }).collect_view()}
            <button type="submit" class="primary" disabled=move || busy.get()>"Save answers"</button>
        </form>
    }
}

#[component]
pub fn DisqualifyForm(
    id: Uuid,
    version: impl Fn() -> i32 + Copy + Send + Sync + 'static,
    who: String,
    draft: Draft,
    act: impl Fn(Triage) + Copy + Send + Sync + 'static,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let reason = draft.reason;
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (who, why) = (who.clone(), reason.get_untracked());
        act(Box::pin(async move {
            let lead = disqualify_lead(id, version(), why).await?;
            Ok(Saved::lead(format!("{who} disqualified."), &lead))
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
pub fn SnoozeChoices(
    id: Uuid,
    version: impl Fn() -> i32 + Copy + Send + Sync + 'static,
    who: String,
    act: impl Fn(Triage) + Copy + Send + Sync + 'static,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let pick = move |label: &'static str, until: DateTime<Utc>| {
        let who = who.clone();
        act(Box::pin(async move {
            let lead = snooze_lead(id, version(), Some(until)).await?;
            let said = format!("{who} snoozed ({}).", label.to_lowercase());
            Ok(Saved::lead(said, &lead))
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
pub fn ConvertForm(
    id: Uuid,
    version: impl Fn() -> i32 + Copy + Send + Sync + 'static,
    draft: Draft,
    act: impl Fn(Triage) + Copy + Send + Sync + 'static,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let Draft {
        title,
        value,
        pipeline,
        stage,
        ..
    } = draft;
    let pipelines = RwSignal::new(Vec::<(PipelineId, String)>::new());
    let stages = RwSignal::new(Vec::<(StageId, String)>::new());
    // Opened by a tap, never during hydration: plain tasks, no resources. A choice the
    // rep already made (the form rebuilt under them) is kept.
    spawn_local(async move {
        if let Ok(options) = get_board_options().await {
            if pipeline.try_get_untracked().flatten().is_none() {
                pipeline.try_set(options.pipelines.first().map(|(p, _)| *p));
            }
            pipelines.try_set(options.pipelines);
        }
    });
    Effect::new(move |_| {
        let Some(chosen) = pipeline.get() else { return };
        spawn_local(async move {
            if let Ok((_, found)) = get_pipeline_stages(chosen).await {
                let kept = stage.try_get_untracked().flatten();
                if !found.iter().any(|s| Some(s.id) == kept) {
                    stage.try_set(found.first().map(|s| s.id));
                }
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
            convert_lead_to_deal(id, version(), to).await?;
            Ok(Saved::gone(format!(
                "{name} is now a deal in the pipeline."
            )))
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
