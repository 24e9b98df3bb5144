//! A board column (header figures from the server, cards a page at a time) and a card.

use super::{
    drag::{href, key, Pointer},
    state::{BoardState, ColumnState, Target, Via},
};
use crate::components::clock::{shared_offset, show_due};
use domain::{
    board::{ColumnTotals, DealCard},
    ids::StageId,
    money::format_whole,
    permission::{allows, Action, Whose},
    Role, UserId,
};
use leptos::{ev, prelude::*};

/// Loads the next page when the list is scrolled this close to its end.
const NEAR_END_PX: i32 = 400;

/// "$12,000 · €3,000", or a dash when the column is empty.
pub fn amounts(totals: &ColumnTotals, weighted: bool) -> String {
    if totals.values.is_empty() {
        return "–".to_owned();
    }
    totals
        .values
        .iter()
        .map(|v| {
            format_whole(
                if weighted {
                    v.weighted_cents
                } else {
                    v.value_cents
                },
                v.currency,
            )
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

#[component]
pub fn BoardColumn(state: BoardState, column: ColumnState, pointer: Pointer) -> impl IntoView {
    let stage = column.stage.get_value();
    let stage_id = stage.id;
    // Who is looking, read once per column: each card asks the permission table with it.
    let viewer = {
        let user = crate::pages::shell::use_current_user();
        (user.role, user.user_id)
    };
    let heading = format!("stage-{stage_id}");
    let labelled_by = heading.clone();
    let over = move || {
        state.over.get() == Some(Target::Stage(stage_id)) && state.drag.with(Option::is_some)
    };
    let needs = (!stage.criteria.is_empty()).then(|| {
        let mut needs: Vec<String> = stage
            .criteria
            .fields
            .iter()
            .map(|f| f.label().to_owned())
            .collect();
        needs.extend(stage.criteria.checklist.iter().cloned());
        format!("Needs: {}", needs.join(", "))
    });
    let remaining = move || {
        let shown = column.cards.with(Vec::len) as u64;
        column.totals.with(|t| t.deals).saturating_sub(shown)
    };
    // The server sends `FIRST_SCREEN` cards, what a laptop or a phone shows; on a
    // taller screen the column would end with room to spare and nothing to scroll, so
    // once in the page a column that does not fill its list asks for the next page
    // itself, once (a page fills any screen). Only the list is tracked: a card moving
    // out must not make the column fetch again.
    let list = NodeRef::<leptos::html::Ul>::new();
    Effect::new(move |_| {
        if let Some(list) = list.get() {
            if list.scroll_height() <= list.client_height() && untrack(remaining) > 0 {
                state.load_more(stage_id);
            }
        }
    });
    let on_scroll = move |event: ev::Event| {
        let list: leptos::web_sys::Element = event_target(&event);
        if list.scroll_height() - list.scroll_top() - list.client_height() < NEAR_END_PX {
            state.load_more(stage_id);
        }
    };
    view! {
        <section class="column" class:drop-over=over data-drop=stage_id.to_string() aria-labelledby=labelled_by>
            <header class="column-head">
                <div class="column-title">
                    <h2 id=heading>{stage.name.clone()}</h2>
                    <span class="probability" title="Win probability">{format!("{}%", stage.probability)}</span>
                </div>
                <p class="column-figures">
                    <span class="count">{move || column.totals.with(|t| deal_count(t.deals))}</span>
                    <span class="total" title="Total value">{move || column.totals.with(|t| amounts(t, false))}</span>
                    <span class="weighted" title="Weighted by win probability">
                        {move || column.totals.with(|t| format!("Weighted {}", amounts(t, true)))}
                    </span>
                </p>
                {needs.map(|text| view! { <p class="column-needs">{text}</p> })}
            </header>
            <ul class="column-cards" node_ref=list on:scroll=on_scroll>
                <For each=move || column.cards.get() key=|card| (card.id, card.version) let:card>
                    <li><Card state pointer card from=stage_id viewer /></li>
                </For>
            </ul>
            <Show when=move || { remaining() > 0 }>
                <button type="button" class="more" on:click=move |_| state.load_more(stage_id)>
                    {move || if column.loading.get() { "Loading…".to_owned() } else { format!("Show more ({} more)", remaining()) }}
                </button>
            </Show>
        </section>
    }
}

fn deal_count(deals: u64) -> String {
    if deals == 1 {
        "1 deal".to_owned()
    } else {
        format!("{deals} deals")
    }
}

/// Initials for the owner badge: "Alex Morgan" → "AM".
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|part| part.chars().next())
        .take(2)
        .collect::<String>()
        .to_uppercase()
}

#[component]
fn Card(
    state: BoardState,
    pointer: Pointer,
    card: DealCard,
    from: StageId,
    viewer: (Role, UserId),
) -> impl IntoView {
    let href = href(&card);
    // Cards the viewer may not move (a marketer's board, a colleague's deal for a rep)
    // are links only: no lifting by pointer or keyboard, and not announced as draggable.
    let movable = allows(
        viewer.0,
        Action::MoveDeal,
        Whose::of(viewer.1, card.owner_id),
    );
    let value = format_whole(card.value_cents, card.currency);
    // Title first, so the card reads (and is found) by its title, then the rest of
    // what the card shows.
    let mut label = vec![card.title.clone(), value.clone()];
    label.extend(card.company.clone());
    label.extend(card.owner.clone().map(|o| format!("owner {o}")));
    label.push(format!("{} days in stage", card.days_in_stage));
    if card.rotting {
        label.push("rotting".into());
    }
    match &card.next_activity {
        Some(next) => label.push(format!("next: {}", next.subject)),
        None => label.push("no activity planned".into()),
    }
    label.extend(card.next_step.clone().map(|s| format!("next step: {s}")));
    let label = label.join(", ");
    let id = card.id;
    let lifted = move || state.drag.with(|d| matches!(d, Some(d) if d.card.id == id));
    let for_down = card.clone();
    let for_key = card.clone();
    // One text node each (every separate piece of text costs the page a marker).
    let days = match card.days_in_stage {
        0 => "Today in stage".to_owned(),
        1 => "1 day in stage".to_owned(),
        n => format!("{n} days in stage"),
    };
    view! {
        <a
            class="deal-card"
            class:rotting=card.rotting
            class:lifted=lifted
            href=href
            aria-label=label
            aria-roledescription=movable.then_some("draggable deal")
            aria-describedby=movable.then_some("board-drag-help")
            on:pointerdown=move |e| {
                if movable {
                    pointer.down(state, for_down.clone(), from, &e);
                }
            }
            on:keydown=move |e| {
                if movable && key(state, &for_key, from, &e.key()) {
                    e.prevent_default();
                }
            }
            on:click=move |e| {
                if pointer.swallow_click.get_value() {
                    pointer.swallow_click.set_value(false);
                    e.prevent_default();
                }
            }
            on:focusout=move |_| {
                // Focus left a card lifted by keyboard: put it down where it was.
                if state.drag.with_untracked(|d| matches!(d, Some(d) if d.via == Via::Keyboard && d.card.id == id)) {
                    state.drag.set(None);
                    state.over.set(None);
                    state.announce.set("Move cancelled.".into());
                }
            }
            // The pointer handlers move cards; the browser's own dragging of a link
            // would fight them (a handler, not `draggable="false"` on every card).
            on:dragstart=|e| e.prevent_default()
            on:contextmenu=move |e| {
                if state.drag.with_untracked(Option::is_some) {
                    e.prevent_default();
                }
            }
        >
            <span class="card-title">{card.title.clone()}</span>
            {card.company.clone().map(|c| view! { <span class="card-company">{c}</span> })}
            <span class="card-row">
                <span class="card-value">{value}</span>
                {card.owner.clone().map(|o| view! { <span class="card-owner" title=o.clone()>{initials(&o)}</span> })}
            </span>
            <span class="card-row card-meta">
                <span class="card-days">{days}</span>
                {card.rotting.then(|| view! { <span class="rotting-mark">"Rotting"</span> })}
            </span>
            <NextLine card=card.clone() />
        </a>
    }
}

/// The deal's next scheduled activity, or a quiet mark that it has none.
#[component]
fn NextLine(card: DealCard) -> impl IntoView {
    let offset = shared_offset();
    match card.next_activity {
        Some(next) => {
            let overdue = next.due_at < chrono::Utc::now();
            let due_at = next.due_at;
            let what = format!("{}: {} · ", next.kind.label(), next.subject);
            view! {
                <span class="card-next" class:overdue=overdue>
                    {move || format!("{what}{}", show_due(due_at, offset.get()))}
                </span>
            }
            .into_any()
        }
        None => view! {
            <span class="card-no-next">"No activity planned"</span>
            {card.next_step.map(|s| view! { <span class="card-next">{format!("Next: {s}")}</span> })}
        }
        .into_any(),
    }
}
