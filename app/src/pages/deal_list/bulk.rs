//! The bar that appears once deals are picked: move them to a stage or give them an
//! owner. Each deal still passes the stage rules on the server, so the report afterwards
//! says what changed and, deal by deal, what was refused and why.

use super::table::Selection;
use crate::api::deals::bulk_change;
use domain::{
    board::{BulkChange, BulkResult, Owner, StageInfo},
    ids::{StageId, UserId},
    AppError,
};
use leptos::{prelude::*, task::spawn_local};

/// What the last bulk change did.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkReport {
    /// How a refused deal is described: "did not move", "did not change owner".
    refused_as: &'static str,
    outcome: Result<BulkResult, AppError>,
}

/// "3 deals changed. 2 did not move:"
fn summary(result: &BulkResult, refused_as: &str) -> String {
    let changed = match result.changed {
        0 => "No deals changed.".to_owned(),
        1 => "1 deal changed.".to_owned(),
        n => format!("{n} deals changed."),
    };
    match result.refused.len() {
        0 => changed,
        n => format!("{changed} {n} {refused_as}:"),
    }
}

/// The id at the place a menu's value names; `None` while nothing is chosen.
fn picked<Id: Copy>(menu: RwSignal<String>, ids: &[Id]) -> Option<Id> {
    let at: usize = menu.get_untracked().parse().ok()?;
    ids.get(at).copied()
}

#[component]
pub fn BulkBar(
    /// `None` while the list spans several pipelines: stages only make sense within one.
    stages: Option<Vec<StageInfo>>,
    owners: Vec<Owner>,
    selected: Selection,
    report: RwSignal<Option<BulkReport>>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let stage = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<&'static str>);
    let apply = move |change: BulkChange, refused_as: &'static str| {
        let deals = selected.get_untracked();
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let outcome = bulk_change(deals, change).await;
            if outcome.is_ok() {
                // Versions moved on: the old selection would only be refused as stale.
                selected.set(Vec::new());
                reload.update(|v| *v += 1);
            }
            report.set(Some(BulkReport {
                refused_as,
                outcome,
            }));
            busy.set(false);
        });
    };
    // The menus' values are places in these lists, not ids: forty owners' ids would be
    // 1.5 KB of every /deals page, and the menus never leave the page.
    let stage_ids: Vec<StageId> = stages.iter().flatten().map(|s| s.id).collect();
    let owner_ids: Vec<UserId> = owners.iter().map(|o| o.id).collect();
    let move_deals = move |_| match picked(stage, &stage_ids) {
        Some(id) => apply(BulkChange::Stage(id), "did not move"),
        None => problem.set(Some("Choose the stage to move the deals to.")),
    };
    let assign = move |_| match picked(owner, &owner_ids) {
        Some(id) => apply(BulkChange::Owner(id), "did not change owner"),
        None => problem.set(Some("Choose the owner to assign.")),
    };
    let count = move || match selected.with(Vec::len) {
        1 => "1 deal selected".to_owned(),
        n => format!("{n} deals selected"),
    };
    let stage_picker = match stages {
        Some(stages) => view! {
            <div class="bulk-action">
                <label for="bulk-stage">"Move to stage"</label>
                <select id="bulk-stage" on:change=move |e| stage.set(event_target_value(&e))>
                    <option value="">"Choose a stage"</option>
                    {stages.into_iter().enumerate().map(|(at, s)| view! { <option value=at.to_string()>{s.name}</option> }).collect_view()}
                </select>
                <button type="button" class="primary" disabled=move || busy.get() on:click=move_deals>"Move deals"</button>
            </div>
        }
        .into_any(),
        None => view! {
            <p class="hint bulk-action">"Pick one pipeline above to move deals between its stages."</p>
        }
        .into_any(),
    };
    // Hidden rather than removed, so the chosen stage and owner survive a re-selection.
    view! {
        <section class="bulk-bar" aria-label="Change selected deals" hidden=move || selected.with(Vec::is_empty)>
            <p class="bulk-count">{count}</p>
            {stage_picker}
            <div class="bulk-action">
                <label for="bulk-owner">"Assign owner"</label>
                <select id="bulk-owner" on:change=move |e| owner.set(event_target_value(&e))>
                    <option value="">"Choose an owner"</option>
                    {owners.into_iter().enumerate().map(|(at, o)| view! { <option value=at.to_string()>{o.name}</option> }).collect_view()}
                </select>
                <button type="button" class="primary" disabled=move || busy.get() on:click=assign>"Assign deals"</button>
            </div>
            <button type="button" class="text-button" on:click=move |_| selected.set(Vec::new())>"Clear selection"</button>
            <p class="field-error" role="alert">{move || problem.get()}</p>
        </section>
    }
}

/// The outcome of the last bulk change, in a live region so it is read out.
#[component]
pub fn BulkReportView(report: RwSignal<Option<BulkReport>>) -> impl IntoView {
    let body = move || {
        report.get().map(|shown| match shown.outcome {
            Ok(result) => {
                let class = if result.refused.is_empty() {
                    "banner success bulk-report"
                } else {
                    "banner partial bulk-report"
                };
                view! {
                    <div class=class>
                        <p>{summary(&result, shown.refused_as)}</p>
                        <ul class="bulk-refused">
                            {result.refused.into_iter().map(|(title, reason)| view! {
                                <li><strong>{title}</strong>" — "{reason}</li>
                            }).collect_view()}
                        </ul>
                        <button type="button" class="text-button" on:click=move |_| report.set(None)>"Dismiss"</button>
                    </div>
                }
                .into_any()
            }
            Err(error) => view! { <div class="banner error">{error.explain()}</div> }.into_any(),
        })
    };
    view! { <div class="bulk-report-region" role="status">{body}</div> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_changed_and_refused() {
        let result = BulkResult {
            changed: 3,
            refused: vec![("A".into(), "x".into()), ("B".into(), "y".into())],
        };
        assert_eq!(
            summary(&result, "did not move"),
            "3 deals changed. 2 did not move:"
        );
        assert_eq!(
            summary(&BulkResult::default(), "did not move"),
            "No deals changed."
        );
    }
}
