//! Where the deal stands: the stage path, won/lost/reopen, the checklist and history.

use super::DealState;
use crate::api::deals::{close_deal, move_deal};
use domain::deal::DealStatus;
use domain::{
    board::{MoveDeal, Outcome, StageInfo},
    deal::{describe_missing, missing_for_entry, DealChange},
    permission::{permit, Action, Whose},
};
use leptos::{prelude::*, task::spawn_local};

impl DealState {
    fn move_to(&self, stage: StageInfo) {
        let missing = self
            .detail
            .with_untracked(|d| missing_for_entry(&d.facts, &stage.criteria));
        if !missing.is_empty() {
            self.banner.set(Some(format!(
                "{} needs {} first. Fill them in below, then move the deal.",
                stage.name,
                describe_missing(&missing)
            )));
            return;
        }
        let state = *self;
        let command = MoveDeal {
            deal: self.id(),
            version: self.version(),
            stage: stage.id,
            changes: Vec::new(),
        };
        spawn_local(async move {
            match move_deal(command).await {
                Ok(saved) => state.done(&saved, format!("Moved to {}.", stage.name)),
                Err(error) => state.failed(error),
            }
        });
    }

    fn close(&self, outcome: Outcome) {
        let state = *self;
        let (id, version) = (self.id(), self.version());
        let what = match &outcome {
            Outcome::Won => "Marked as won.",
            Outcome::Lost { .. } => "Marked as lost.",
            Outcome::Reopen => "Reopened.",
        };
        spawn_local(async move {
            match close_deal(id, version, outcome).await {
                Ok(saved) => state.done(&saved, what.to_owned()),
                Err(error) => state.failed(error),
            }
        });
    }
}

#[component]
pub fn StagePath(state: DealState) -> impl IntoView {
    let losing = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let status = move || state.detail.with(|d| d.status);
    let open = move || status().is_open();
    let stages = move || state.detail.with(|d| (d.stages.clone(), d.stage));
    let next_needs = move || {
        state.detail.with(|d| {
            let at = d.stages.iter().position(|s| s.id == d.stage)?;
            let next = d.stages.get(at + 1)?;
            let missing = missing_for_entry(&d.facts, &next.criteria);
            Some(if missing.is_empty() {
                format!("Ready for {}.", next.name)
            } else {
                format!("{} needs {}.", next.name, describe_missing(&missing))
            })
        })
    };
    let confirm_lost = move |_| {
        let chosen = reason.get_untracked();
        if chosen.is_empty() {
            state.banner.set(Some("Pick why the deal was lost.".into()));
            return;
        }
        losing.set(false);
        reason.set(String::new());
        state.close(Outcome::Lost { reason: chosen });
    };
    view! {
        <section class="stage-path-section" aria-label="Stage">
            <ol class="stage-path">
                {move || {
                    let (list, current) = stages();
                    let at = list.iter().position(|s| s.id == current).unwrap_or(0);
                    list.into_iter().enumerate().map(|(index, stage)| {
                        let here = stage.id == current;
                        let name = stage.name.clone();
                        view! {
                            <li class:done=index < at class:current=here>
                                <button type="button" aria-current=here.then_some("step")
                                    disabled=move || !open() || here || !state.may(Action::MoveDeal)
                                    on:click=move |_| state.move_to(stage.clone())>
                                    {name}
                                </button>
                            </li>
                        }
                    }).collect_view()
                }}
            </ol>
            <div class="outcome">
                {move || match status() {
                    _ if !state.may(Action::CloseDeal) => view! {
                        <p class="hint">{read_only_reason(state)}</p>
                    }.into_any(),
                    DealStatus::Open => view! {
                        <p class="hint">{next_needs}</p>
                        <button type="button" class="won" on:click=move |_| state.close(Outcome::Won)>"Mark won"</button>
                        <button type="button" class="danger" on:click=move |_| losing.set(true)>"Mark lost"</button>
                    }.into_any(),
                    closed => {
                        let label = if closed == DealStatus::Won { "Won".to_owned() } else {
                            format!("Lost: {}", state.detail.with(|d| d.lost_reason.clone().unwrap_or_default()))
                        };
                        view! {
                            <span class=format!("status-badge {}", closed.key())>{label}</span>
                            <button type="button" on:click=move |_| state.close(Outcome::Reopen)>"Reopen"</button>
                        }.into_any()
                    }
                }}
            </div>
            <Show when=move || losing.get()>
                <div class="lost-inline">
                    <label for="deal-lost-reason">"Why was it lost?"</label>
                    <select id="deal-lost-reason" prop:value=move || reason.get() on:change=move |e| reason.set(event_target_value(&e))>
                        <option value="">"Choose a reason…"</option>
                        {state.detail.with_untracked(|d| d.lost_reasons.clone()).into_iter()
                            .map(|r| view! { <option value=r.clone()>{r.clone()}</option> }).collect_view()}
                    </select>
                    <button type="button" class="danger" on:click=confirm_lost>"Confirm lost"</button>
                    <button type="button" on:click=move |_| { losing.set(false); reason.set(String::new()); }>"Cancel"</button>
                </div>
            </Show>
        </section>
    }
}

/// Checklist items of the current and the next stage, ticked on the deal.
#[component]
pub fn Checklist(state: DealState) -> impl IntoView {
    let items = move || {
        state.detail.with(|d| {
            let at = d.stages.iter().position(|s| s.id == d.stage).unwrap_or(0);
            let mut items: Vec<(String, bool)> = Vec::new();
            for stage in d.stages.iter().skip(at).take(2) {
                for item in &stage.criteria.checklist {
                    items.push((item.clone(), d.facts.checked.contains(item)));
                }
            }
            items
        })
    };
    view! {
        <Show when=move || !items().is_empty()>
            <section class="panel" aria-labelledby="checklist-title">
                <h2 id="checklist-title">"Checklist"</h2>
                <ul class="checks">
                    {move || items().into_iter().map(|(item, done)| {
                        let label = item.clone();
                        view! {
                            <li><label class="check">
                                <input type="checkbox" checked=done on:change=move |e| {
                                    let on = event_target_checked(&e);
                                    state.save(vec![DealChange::Check(item.clone(), on)], "the checklist");
                                } />
                                {label}
                            </label></li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}

/// Why the outcome buttons are missing, in the table's own words.
fn read_only_reason(state: DealState) -> String {
    let (role, me) = state.viewer;
    let owner = state.detail.with(|d| d.owner);
    permit(role, Action::CloseDeal, Whose::of(me, owner))
        .err()
        .map(|refusal| refusal.message())
        .unwrap_or_default()
}
