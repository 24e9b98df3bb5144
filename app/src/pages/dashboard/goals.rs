//! Goals on the dashboard: each with a progress bar against its target and the pace a
//! straight line to the target asks for; managers set and remove them here.

use super::format::{one_amount, share};
use crate::{
    api::goals::{RemoveGoal, SetGoal},
    components::{field::server_message, form_outcome, FormBanner, TextField},
};
use domain::{
    goal::{GoalMeasure, GoalOwner, GoalProgress},
    metrics::{Amount, Period},
};
use leptos::prelude::*;
use uuid::Uuid;

/// Who a new goal can be for, as (form value, label).
pub struct GoalChoices {
    pub people: Vec<(Uuid, String)>,
    pub teams: Vec<(Uuid, String)>,
    pub period: Period,
}

fn amount_of(progress: &GoalProgress, value: i64) -> String {
    match (progress.goal.measure, &progress.goal.currency) {
        (GoalMeasure::WonValue, Some(currency)) => one_amount(&Amount {
            currency: currency.to_string(),
            cents: value,
        }),
        _ if value == 1 => "1 deal".to_owned(),
        _ => format!("{value} deals"),
    }
}

#[component]
pub fn Goals(
    goals: Vec<GoalProgress>,
    can_set: bool,
    choices: GoalChoices,
    set: ServerAction<SetGoal>,
    remove: ServerAction<RemoveGoal>,
) -> impl IntoView {
    let empty = goals.is_empty();
    view! {
        <section class="card figure goals" aria-label="Goals">
            <div class="figure-head"><h2>"Goals"</h2></div>
            {empty.then(|| view! { <p class="empty">"No goals overlap this period."</p> })}
            <ul class="goal-list">
                {goals.into_iter().map(|progress| view! { <GoalRow progress can_set remove /> }).collect_view()}
            </ul>
            {(!empty).then(|| view! {
                <p class="hint">"The tick on each bar marks where a steady pace to the target would be today."</p>
            })}
            {can_set.then(|| view! { <GoalForm choices set /> })}
        </section>
    }
}

#[component]
fn GoalRow(
    progress: GoalProgress,
    can_set: bool,
    remove: ServerAction<RemoveGoal>,
) -> impl IntoView {
    let goal = &progress.goal;
    let name = format!(
        "{} · {}",
        goal.owner_name,
        goal.measure.label().to_lowercase()
    );
    let percent = progress.attainment.map_or(0.0, |r| r.percent());
    // SVG attributes, not inline styles: the content security policy forbids those.
    let filled = format!("{:.1}", percent.min(100.0));
    let pace = progress.pace;
    let expected = format!("{:.1}", expected_percent(&progress).min(100.0));
    let summary = format!(
        "{} of {} · {}",
        amount_of(&progress, progress.actual),
        amount_of(&progress, goal.target),
        share(progress.attainment)
    );
    let dates = date_range(goal.period);
    let id = goal.id.to_string();
    let remove_label = format!("Remove goal {name}");
    view! {
        <li class="goal">
            <div class="goal-head">
                <strong>{name.clone()}</strong>
                <span class=format!("pace pace-{}", pace.label().to_lowercase().replace(' ', "-"))>{pace.label()}</span>
            </div>
            <div class="goal-bar" role="progressbar" aria-label=name.clone()
                aria-valuemin="0" aria-valuemax="100" aria-valuenow=format!("{:.1}", percent.min(100.0))
                aria-valuetext=summary.clone()>
                <svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                    <rect class="goal-fill" x="0" y="0" height="10" width=filled />
                    <line class="goal-pace" x1=expected.clone() x2=expected y1="0" y2="10" />
                </svg>
            </div>
            <div class="goal-foot">
                <p class="goal-note">{summary} " · " {dates}</p>
                {can_set.then(|| view! {
                    <ActionForm action=remove attr:class="row-form">
                        <input type="hidden" name="goal_id" value=id />
                        <button type="submit" class="link" aria-label=remove_label>"Remove"</button>
                    </ActionForm>
                })}
            </div>
        </li>
    }
}

/// "Oct 1 – Dec 31, 2026"; the year on both ends when they differ.
fn date_range(period: Period) -> String {
    use chrono::Datelike;
    let (from, to) = (period.from, period.to);
    if from.year() == to.year() {
        format!("{} – {}", from.format("%b %-d"), to.format("%b %-d, %Y"))
    } else {
        format!(
            "{} – {}",
            from.format("%b %-d, %Y"),
            to.format("%b %-d, %Y")
        )
    }
}

fn expected_percent(progress: &GoalProgress) -> f64 {
    if progress.goal.target <= 0 {
        return 0.0;
    }
    progress.expected as f64 * 100.0 / progress.goal.target as f64
}

#[component]
fn GoalForm(choices: GoalChoices, set: ServerAction<SetGoal>) -> impl IntoView {
    let outcome = form_outcome(set);
    let saved = move || outcome.with(|r| matches!(r, Some(Ok(_))));
    let owner_error = server_message(outcome, "owner");
    view! {
        <details class="goal-form">
            <summary>"Set a goal"</summary>
            <ActionForm action=set attr:class="stacked-form">
                <FormBanner result=outcome />
                <div class="field">
                    <label for="goal-owner">"For"</label>
                    <select id="goal-owner" name="owner">
                        <option value=GoalOwner::Workspace.key()>"Everyone"</option>
                        {choices.teams.into_iter().map(|(id, name)| view! {
                            <option value=GoalOwner::Team(id).key()>{format!("Team: {name}")}</option>
                        }).collect_view()}
                        {choices.people.into_iter().map(|(id, name)| view! {
                            <option value=GoalOwner::Rep(id).key()>{name}</option>
                        }).collect_view()}
                    </select>
                    <p class="field-error" aria-live="polite">{move || owner_error.get()}</p>
                </div>
                <div class="field">
                    <label for="goal-measure">"Counts"</label>
                    <select id="goal-measure" name="measure">
                        {GoalMeasure::ALL.into_iter().map(|m| view! {
                            <option value=m.key()>{m.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <TextField label="Target" name="target" kind="text"
                    hint="Money for won value (12,500), a whole number for won deals."
                    server_error=server_message(outcome, "target") />
                <TextField label="Currency" name="currency" value="USD"
                    hint="Only deals in this currency count towards a value goal."
                    server_error=server_message(outcome, "currency") />
                <TextField label="Starts" name="starts_on" kind="date" value=choices.period.from.to_string()
                    server_error=server_message(outcome, "starts_on") />
                <TextField label="Ends" name="ends_on" kind="date" value=choices.period.to.to_string()
                    server_error=server_message(outcome, "ends_on") />
                <button type="submit" class="primary">"Save goal"</button>
                <Show when=saved>
                    <p class="hint" role="status">"Goal saved."</p>
                </Show>
            </ActionForm>
        </details>
    }
}
