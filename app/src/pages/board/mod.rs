//! `/pipeline`: the kanban board. One column per stage with exact totals from the
//! server; cards move by mouse, touch or keyboard, at once, and come back if refused.

mod column;
mod dialogs;
mod drag;
mod live;
mod state;

use crate::api::json::load;
use crate::{
    api::deals::{get_board, get_board_options},
    components::live::Here,
    live::{use_live, News},
};
use column::BoardColumn;
pub use dialogs::preload as preload_dialogs;
use dialogs::{LostForm, MoveForm, NewDealForm};
use domain::{
    board::{Board, BoardOptions, DealFilter, Owner},
    event::EventKind,
    ids::{PipelineId, UserId},
};
use drag::Pointer;
use leptos::prelude::*;
use leptos_meta::Title;
use state::{BoardState, Target, Via};
use std::time::Duration;

/// Typing pauses this long before the board asks the server again.
const SEARCH_PAUSE: Duration = Duration::from_millis(250);

#[component]
pub fn BoardPage() -> impl IntoView {
    let filter = RwSignal::new(DealFilter::default());
    let new_deal = RwSignal::new(false);
    // The toolbar has its own small resource so it stays mounted (and keeps focus in
    // the search box) while the board reloads for a new filter.
    let options = load(|| (), |_| get_board_options());
    let board = load(move || filter.get(), get_board);
    let owners = Signal::derive(move || {
        options
            .get()
            .and_then(Result::ok)
            .map(|o| o.owners)
            .unwrap_or_default()
    });
    if let Some(live) = use_live() {
        // Cards patch themselves (see `live`); a new set of stages, or too much missed
        // while away, means loading the board again.
        live.on_news(move |news| {
            let reload = match news {
                News::Resync => true,
                News::Event(event) => event.kind == EventKind::StagesChanged,
            };
            if reload {
                board.refetch();
            }
        });
    }
    view! {
        <Title text="Pipeline" />
        <h1 class="visually-hidden">"Pipeline"</h1>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                options.await.ok().map(|options| view! { <Toolbar options filter new_deal /> })
            })}
        </Transition>
        <Transition fallback=|| view! { <p class="loading">"Loading the board…"</p> }>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(loaded) => view! { <BoardView board=loaded filter new_deal owners /> }.into_any(),
                    Err(error) => view! { <div class="banner error" role="alert">{error.message()}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Toolbar(
    options: BoardOptions,
    filter: RwSignal<DealFilter>,
    new_deal: RwSignal<bool>,
) -> impl IntoView {
    let pending_search = StoredValue::new(None::<TimeoutHandle>);
    let on_search = move |event| {
        let text = event_target_value(&event);
        if let Some(handle) = pending_search.get_value() {
            handle.clear();
        }
        let handle =
            set_timeout_with_handle(move || filter.update(|f| f.text = text), SEARCH_PAUSE);
        pending_search.set_value(handle.ok());
    };
    let BoardOptions { pipelines, owners } = options;
    // An owner's option says its place in this list, not its 36-character id: forty
    // owners' ids were 1.4 KB of every board.
    let owner_ids: Vec<UserId> = owners.iter().map(|o| o.id).collect();
    let current = filter
        .with_untracked(|f| f.pipeline)
        .or_else(|| pipelines.first().map(|p| p.0));
    view! {
        <div class="board-toolbar">
            <input type="search" class="search" aria-label="Search deals" placeholder="Search deals"
                value=filter.with_untracked(|f| f.text.clone()) prop:value=move || filter.with_untracked(|f| f.text.clone()) on:input=on_search />
            {crate::pages::shell::use_current_user().role.may(domain::permission::Action::CreateDeal).then(|| view! {
                <button type="button" class="primary" on:click=move |_| new_deal.set(true)>"New deal"</button>
            })}
            // Beside New deal, not among the filters: on a phone the filters' row has
            // no room left for it.
            <a class="button" href="/deals">"List"</a>
            <div class="toolbar-filters">
            {(pipelines.len() > 1).then(|| view! {
                <select aria-label="Pipeline" on:change=move |e| {
                    let id = event_target_value(&e).parse().ok().map(PipelineId);
                    filter.update(|f| f.pipeline = id);
                }>
                    {pipelines.into_iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=Some(id) == current>{name}</option>
                    }).collect_view()}
                </select>
            })}
            <select aria-label="Owner" on:change=move |e| {
                let owner = event_target_value(&e).parse::<usize>().ok().and_then(|at| owner_ids.get(at).copied());
                filter.update(|f| f.owner = owner);
            }>
                <option value="">"All owners"</option>
                {owners.into_iter().enumerate().map(|(at, o)| {
                    let selected = filter.with_untracked(|f| f.owner == Some(o.id));
                    view! { <option value=at.to_string() selected=selected>{o.name}</option> }
                }).collect_view()}
            </select>
            <input class="tag" aria-label="Tag" placeholder="Tag"
                value=filter.with_untracked(|f| f.tag.clone()) prop:value=move || filter.with_untracked(|f| f.tag.clone())
                on:change=move |e| { let tag = event_target_value(&e); filter.update(|f| f.tag = tag); } />
            <label class="switch">
                <input type="checkbox" checked=filter.with_untracked(|f| f.mine) prop:checked=move || filter.with_untracked(|f| f.mine)
                    on:change=move |e| { let mine = event_target_checked(&e); filter.update(|f| f.mine = mine); } />
                "My deals"
            </label>
            </div>
        </div>
    }
}

#[component]
fn BoardView(
    board: Board,
    filter: RwSignal<DealFilter>,
    new_deal: RwSignal<bool>,
    owners: Signal<Vec<Owner>>,
) -> impl IntoView {
    let state = BoardState::new(board, filter.get_untracked(), owners);
    let pointer = Pointer::new();
    pointer.listen(state);
    let columns = state.columns.get_value();
    let here = use_live().map(|live| {
        state.follow(live);
        let pipeline = state.filter.with_value(|f| f.pipeline);
        let view = pipeline.map_or_else(String::new, |p| format!("board:{p}"));
        live.show(view.clone());
        view! { <Here live view /> }
    });
    view! {
        {here}
        <p id="board-drag-help" class="visually-hidden">
            "Press Space to pick up a deal, the arrow keys to choose a stage, and Space again to drop it. \
             On a touch screen, press and hold a deal to lift it."
        </p>
        <div class="visually-hidden" role="status" aria-live="polite">{move || state.announce.get()}</div>
        <section class="board" aria-label="Pipeline board">
            {columns.into_iter().map(|column| view! { <BoardColumn state column pointer /> }).collect_view()}
        </section>
        <DropBar state />
        <Ghost state />
        <MoveForm state />
        <LostForm state />
        <NewDealForm state open=new_deal />
        <Toast state />
    }
}

/// While a card is lifted: won and lost zones, and (on a phone) every stage as a chip,
/// so a card can reach a column that is scrolled out of view.
#[component]
fn DropBar(state: BoardState) -> impl IntoView {
    let zone = move |target: Target, name: String, class: &'static str| {
        let key = target.key();
        view! {
            <div class=class class:drop-over=move || state.over.get() == Some(target) data-drop=key>
                {name}
            </div>
        }
    };
    move || {
        state.drag.get().map(|_| {
            let stages: Vec<_> = state.columns.with_value(|cols| {
                cols.iter().filter_map(|c| c.stage.try_get_value()).collect()
            });
            view! {
                <div class="drop-bar" aria-hidden="true">
                    <div class="drop-stages">
                        {stages.into_iter().map(|s| zone(Target::Stage(s.id), s.name, "drop-chip")).collect_view()}
                    </div>
                    <div class="drop-outcomes">
                        {zone(Target::Won, "Won".into(), "drop-zone won")}
                        {zone(Target::Lost, "Lost".into(), "drop-zone lost")}
                    </div>
                </div>
            }
        })
    }
}

/// The lifted card following the pointer; it ignores hits so the zone below is found.
#[component]
fn Ghost(state: BoardState) -> impl IntoView {
    move || {
        state
            .drag
            .get()
            .filter(|d| d.via == Via::Pointer)
            .map(|drag| {
                // A style property, not a style attribute: the CSP forbids inline styles.
                let transform = move || {
                    let (x, y) = state.pointer.get();
                    format!("translate({}px, {}px)", x + 8, y + 8)
                };
                view! { <div class="drag-ghost" style:transform=transform aria-hidden="true">{drag.card.title}</div> }
            })
    }
}

#[component]
fn Toast(state: BoardState) -> impl IntoView {
    let timer = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        if state.toast.get().is_some() {
            if let Some(handle) = timer.get_value() {
                handle.clear();
            }
            let handle =
                set_timeout_with_handle(move || state.toast.set(None), Duration::from_secs(6));
            timer.set_value(handle.ok());
        }
    });
    move || {
        state.toast.get().map(|message| view! {
            <div class="toast" role="alert">
                <span>{message}</span>
                <button type="button" class="link" aria-label="Dismiss" on:click=move |_| state.toast.set(None)>"×"</button>
            </div>
        })
    }
}
