//! The pipeline's post-sale follow-up plan: which activities a won deal's owner gets,
//! and on which day after the win.

use crate::api::timeline::save_followup_plan;
use domain::{
    activity::ActivityKind,
    followup::{validate_plan, FollowUpStep},
    ids::PipelineId,
    AppError, FieldErrors,
};
use leptos::{prelude::*, task::spawn_local};

/// One editable step; the key keeps rows stable while others are added or removed.
#[derive(Clone, Copy)]
struct Row {
    key: u32,
    day: RwSignal<String>,
    kind: RwSignal<ActivityKind>,
    subject: RwSignal<String>,
}

impl Row {
    fn new(key: u32, step: &FollowUpStep) -> Self {
        Row {
            key,
            day: RwSignal::new(step.day.to_string()),
            kind: RwSignal::new(step.kind),
            subject: RwSignal::new(step.subject.clone()),
        }
    }

    /// A day that is not a number reads as -1, which the plan's rules refuse by name.
    fn step(&self) -> FollowUpStep {
        FollowUpStep {
            day: self.day.get_untracked().trim().parse().unwrap_or(-1),
            kind: self.kind.get_untracked(),
            subject: self.subject.get_untracked(),
        }
    }
}

#[component]
pub fn FollowUpPlan(
    pipeline: PipelineId,
    steps: Vec<FollowUpStep>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    view! {
        <section class="card followup-plan" aria-labelledby="followup-title">
            <h2 id="followup-title">"Follow-up after a win"</h2>
            <p class="hint">"When a deal in this pipeline is won, its owner gets these activities, counted in days from the win."</p>
            <PlanEditor pipeline steps notice />
        </section>
    }
}

#[component]
fn PlanEditor(
    pipeline: PipelineId,
    steps: Vec<FollowUpStep>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let next_key = StoredValue::new(u32::try_from(steps.len()).unwrap_or(0));
    let rows = RwSignal::new(
        (0..)
            .zip(&steps)
            .map(|(key, step)| Row::new(key, step))
            .collect::<Vec<_>>(),
    );
    let errors = RwSignal::new(FieldErrors::default());
    let busy = RwSignal::new(false);
    let add = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        let blank = FollowUpStep {
            day: 1,
            kind: ActivityKind::Call,
            subject: String::new(),
        };
        rows.update(|all| all.push(Row::new(key, &blank)));
    };
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let steps: Vec<FollowUpStep> =
            rows.with_untracked(|all| all.iter().map(Row::step).collect());
        if let Err(found) = validate_plan(&steps) {
            errors.set(found);
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match save_followup_plan(pipeline, steps).await {
                Ok(saved) => {
                    errors.try_set(FieldErrors::default());
                    rows.try_set(
                        (0..)
                            .zip(&saved)
                            .map(|(key, step)| Row::new(key, step))
                            .collect(),
                    );
                    next_key.set_value(u32::try_from(saved.len()).unwrap_or(0));
                    notice.try_set(Some("Follow-up plan saved.".to_owned()));
                }
                Err(AppError::Validation(found)) => {
                    errors.try_set(found);
                }
                Err(other) => {
                    let mut found = FieldErrors::default();
                    found.add("plan", other.explain());
                    errors.try_set(found);
                }
            }
            busy.try_set(false);
        });
    };
    let message = move |field: String| errors.with(|e| e.for_field(&field).map(str::to_owned));
    view! {
        <form on:submit=save novalidate>
            {move || rows.with(Vec::is_empty).then(|| view! {
                <p class="hint">"No follow-up yet. A kickoff call on day 1 and a check-in on day 30 are a good start."</p>
            })}
            <ol class="plan-steps">
                {move || rows.get().into_iter().enumerate().map(|(index, row)| {
                    let n = index + 1;
                    let field = format!("step-{n}");
                    view! {
                        <li class="plan-step">
                            <label class="visually-hidden" for=format!("plan-day-{}", row.key)>{format!("Day of step {n}")}</label>
                            <span aria-hidden="true">"Day"</span>
                            <input id=format!("plan-day-{}", row.key) class="short" inputmode="numeric"
                                value=row.day.get_untracked() prop:value=move || row.day.get() on:input=move |e| row.day.set(event_target_value(&e)) />
                            <label class="visually-hidden" for=format!("plan-kind-{}", row.key)>{format!("Kind of step {n}")}</label>
                            <select id=format!("plan-kind-{}", row.key) prop:value=move || row.kind.get().key()
                                on:change=move |e| {
                                    if let Some(kind) = ActivityKind::parse(&event_target_value(&e)) { row.kind.set(kind) }
                                }>
                                {ActivityKind::ALL.into_iter().map(|k| view! {
                                    <option value=k.key() selected=row.kind.get_untracked() == k>{k.label()}</option>
                                }).collect_view()}
                            </select>
                            <label class="visually-hidden" for=format!("plan-subject-{}", row.key)>{format!("Activity of step {n}")}</label>
                            <input id=format!("plan-subject-{}", row.key) placeholder="e.g. Kickoff call"
                                value=row.subject.get_untracked() prop:value=move || row.subject.get() on:input=move |e| row.subject.set(event_target_value(&e)) />
                            <button type="button" class="link" aria-label=format!("Remove step {n}")
                                on:click=move |_| rows.update(|all| all.retain(|r| r.key != row.key))>"Remove"</button>
                            <p class="field-error" aria-live="polite">{move || message(field.clone())}</p>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <p class="field-error" aria-live="polite">{move || message("plan".to_owned())}</p>
            <div class="form-actions">
                <button type="button" class="secondary" on:click=add>"Add a step"</button>
                <button type="submit" class="primary" aria-disabled=move || busy.get().then_some("true")>
                    "Save follow-up plan"
                </button>
            </div>
        </form>
    }
}
