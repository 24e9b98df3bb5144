//! Drag and drop by mouse, touch and keyboard. A mouse lifts a card after a few pixels;
//! a finger must rest on it (long-press) so that swiping still scrolls the board; the
//! keyboard picks up with Space, steps with the arrow keys and drops with Space or Enter.

use super::state::{BoardState, Drag, Target, Via};
use domain::{board::DealCard, ids::StageId};
use leptos::{ev, prelude::*};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Pixels a mouse travels before a press becomes a drag (a click stays a click).
const MOUSE_SLOP: i32 = 6;
/// Pixels a finger may wander during the long-press before it counts as a scroll.
const TOUCH_SLOP: i32 = 10;
const LONG_PRESS: Duration = Duration::from_millis(350);
/// Near the board's left or right edge a lifted card scrolls the board, so columns
/// out of view can be reached: this wide a band, this many pixels per tick.
#[cfg(feature = "hydrate")]
const EDGE_BAND: f64 = 56.0;
#[cfg(feature = "hydrate")]
const EDGE_STEP: f64 = 18.0;
const EDGE_TICK: Duration = Duration::from_millis(30);

/// Read by the document-level touchmove listener, which must decide synchronously.
static DRAGGING: AtomicBool = AtomicBool::new(false);

/// A press that may become a drag.
#[derive(Clone)]
pub struct Press {
    card: DealCard,
    from: StageId,
    start: (i32, i32),
    touch: bool,
    timer: Option<TimeoutHandle>,
}

/// Per-board pointer bookkeeping.
#[derive(Clone, Copy)]
pub struct Pointer {
    press: StoredValue<Option<Press>>,
    /// The click that ends a drag must not open the deal.
    pub swallow_click: StoredValue<bool>,
    scroller: StoredValue<Option<IntervalHandle>>,
}

impl Pointer {
    pub fn new() -> Self {
        Pointer {
            press: StoredValue::new(None),
            swallow_click: StoredValue::new(false),
            scroller: StoredValue::new(None),
        }
    }

    /// pointerdown on a card.
    pub fn down(&self, state: BoardState, card: DealCard, from: StageId, event: &ev::PointerEvent) {
        self.swallow_click.set_value(false);
        if event.button() != 0 || state.drag.get_untracked().is_some() || state.in_flight(card.id) {
            return;
        }
        let touch = event.pointer_type() != "mouse";
        let start = (event.client_x(), event.client_y());
        let timer = if touch {
            let pointer = *self;
            set_timeout_with_handle(move || pointer.lift(state), LONG_PRESS).ok()
        } else {
            None
        };
        self.press.set_value(Some(Press {
            card,
            from,
            start,
            touch,
            timer,
        }));
    }

    fn lift(&self, state: BoardState) {
        // A timer callback: the board may have been rebuilt since the press.
        let Some(press) = self.press.try_get_value().flatten() else {
            return;
        };
        DRAGGING.store(true, Ordering::Relaxed);
        let ticking = set_interval_with_handle(move || edge_scroll(state), EDGE_TICK).ok();
        self.scroller.try_set_value(ticking);
        state.pointer.set(press.start);
        state.over.set(Some(Target::Stage(press.from)));
        state
            .announce
            .set(format!("Picked up {}.", press.card.title));
        state.drag.set(Some(Drag {
            card: press.card,
            from: press.from,
            via: Via::Pointer,
        }));
    }

    fn moved(&self, state: BoardState, x: i32, y: i32) {
        if let Some(press) = self.press.get_value() {
            let distance = (x - press.start.0).abs().max((y - press.start.1).abs());
            let dragging = state.drag.with_untracked(|d| d.is_some());
            if !dragging && press.touch && distance > TOUCH_SLOP {
                // The finger is scrolling, not lifting.
                self.cancel();
                return;
            }
            if !dragging && !press.touch && distance > MOUSE_SLOP {
                self.lift(state);
            }
        }
        if state
            .drag
            .with_untracked(|d| matches!(d, Some(d) if d.via == Via::Pointer))
        {
            state.pointer.set((x, y));
            let target = target_at(x, y);
            if state.over.get_untracked() != target {
                state.over.set(target);
            }
        }
    }

    fn up(&self, state: BoardState) {
        let dropped = state.drag.get_untracked().filter(|d| d.via == Via::Pointer);
        let target = state.over.get_untracked();
        self.cancel();
        if let Some(drag) = dropped {
            self.swallow_click.set_value(true);
            finish(state);
            if let Some(target) = target {
                state.drop_on(drag.card, drag.from, target);
            } else {
                state.announce.set("Move cancelled.".into());
            }
        }
    }

    fn stop_scrolling(&self) {
        if let Some(handle) = self.scroller.try_get_value().flatten() {
            handle.clear();
        }
        self.scroller.try_set_value(None);
    }

    fn cancel(&self) {
        self.stop_scrolling();
        if let Some(timer) = self.press.try_get_value().flatten().and_then(|p| p.timer) {
            timer.clear();
        }
        self.press.try_set_value(None);
    }

    /// Window-wide listeners, so a drag continues outside the card and the column.
    pub fn listen(&self, state: BoardState) {
        let pointer = *self;
        Effect::new(move |_| {
            allow_touch_drag();
            let moves = window_event_listener(ev::pointermove, move |e| {
                pointer.moved(state, e.client_x(), e.client_y());
            });
            let ups = window_event_listener(ev::pointerup, move |_| pointer.up(state));
            let cancels = window_event_listener(ev::pointercancel, move |_| {
                pointer.cancel();
                if state
                    .drag
                    .with_untracked(|d| matches!(d, Some(d) if d.via == Via::Pointer))
                {
                    finish(state);
                }
            });
            on_cleanup(move || {
                pointer.cancel();
                moves.remove();
                ups.remove();
                cancels.remove();
                DRAGGING.store(false, Ordering::Relaxed);
            });
        });
    }
}

/// Ends any drag, whatever lifted it.
fn finish(state: BoardState) {
    DRAGGING.store(false, Ordering::Relaxed);
    state.drag.set(None);
    state.over.set(None);
}

/// Scrolls the board while the lifted card rests near its left or right edge, and
/// re-reads the zone under the pointer as the columns slide past.
#[cfg(feature = "hydrate")]
fn edge_scroll(state: BoardState) {
    let Some((x, y)) = state.pointer.try_get_untracked() else {
        return;
    };
    if !state
        .drag
        .with_untracked(|d| matches!(d, Some(d) if d.via == Via::Pointer))
    {
        return;
    }
    let Some(board) = document().query_selector(".board").ok().flatten() else {
        return;
    };
    let rect = board.get_bounding_client_rect();
    let x = f64::from(x);
    let step = if x > rect.right() - EDGE_BAND {
        EDGE_STEP
    } else if x < rect.left() + EDGE_BAND {
        -EDGE_STEP
    } else {
        return;
    };
    board.scroll_by_with_x_and_y(step, 0.0);
    let target = target_at(x as i32, y);
    if state.over.get_untracked() != target {
        state.over.set(target);
    }
}

/// The server never drags.
#[cfg(not(feature = "hydrate"))]
fn edge_scroll(_state: BoardState) {}

/// The drop zone under a point: the nearest element carrying `data-drop`.
fn target_at(x: i32, y: i32) -> Option<Target> {
    let element = document().element_from_point(x as f32, y as f32)?;
    let zone = element.closest("[data-drop]").ok()??;
    Target::parse(&zone.get_attribute("data-drop")?)
}

/// Browsers treat document touchmove listeners as passive, so a lifted card would scroll
/// the page. One non-passive listener cancels the scroll only while a card is lifted.
fn allow_touch_drag() {
    use leptos::wasm_bindgen::{closure::Closure, JsCast};
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let listener = Closure::<dyn Fn(leptos::web_sys::TouchEvent)>::new(
            |event: leptos::web_sys::TouchEvent| {
                if DRAGGING.load(Ordering::Relaxed) {
                    event.prevent_default();
                }
            },
        );
        let options = leptos::web_sys::AddEventListenerOptions::new();
        options.set_passive(false);
        let _ = document().add_event_listener_with_callback_and_add_event_listener_options(
            "touchmove",
            listener.as_ref().unchecked_ref(),
            &options,
        );
        // Registered once for the page's lifetime; the closure must outlive it.
        listener.forget();
    });
}

/// Keyboard dragging on a focused card. Returns true when the key was used.
pub fn key(state: BoardState, card: &DealCard, from: StageId, key: &str) -> bool {
    let lifted = state
        .drag
        .with_untracked(|d| matches!(d, Some(d) if d.via == Via::Keyboard && d.card.id == card.id));
    match key {
        " " | "Enter" if lifted => {
            let target = state.over.get_untracked();
            finish(state);
            if let Some(target) = target {
                state.drop_on(card.clone(), from, target);
                // A dialog that opened for the drop keeps the focus.
                let dialog = state.pending.with_untracked(Option::is_some)
                    || state.losing.with_untracked(Option::is_some);
                if !dialog {
                    refocus(card);
                }
            }
            true
        }
        " " if state.in_flight(card.id) => true,
        " " => {
            state.over.set(Some(Target::Stage(from)));
            state.drag.set(Some(Drag {
                card: card.clone(),
                from,
                via: Via::Keyboard,
            }));
            state.announce.set(format!(
                "Picked up {} in {}. Left and right arrows choose a stage, then Space drops it. Escape cancels.",
                card.title,
                state.stage_name(Target::Stage(from))
            ));
            true
        }
        "ArrowRight" | "ArrowLeft" if lifted => {
            let targets = state.targets();
            let current = state
                .over
                .get_untracked()
                .and_then(|t| targets.iter().position(|x| *x == t))
                .unwrap_or(0);
            let next = if key == "ArrowRight" {
                (current + 1).min(targets.len().saturating_sub(1))
            } else {
                current.saturating_sub(1)
            };
            if let Some(target) = targets.get(next).copied() {
                state.over.set(Some(target));
                state
                    .announce
                    .set(format!("Over {}.", state.stage_name(target)));
            }
            true
        }
        "Escape" if lifted => {
            finish(state);
            state
                .announce
                .set(format!("Move cancelled. {} stays put.", card.title));
            true
        }
        _ => false,
    }
}

/// A card's link, which is also how its element is found again.
pub(super) fn href(card: &DealCard) -> String {
    format!("/deals/{}", card.id)
}

/// Keeps keyboard focus on the card after it lands in another column.
pub(super) fn refocus(card: &DealCard) {
    let selector = format!("a.deal-card[href=\"{}\"]", href(card));
    set_timeout(
        move || {
            if let Some(element) = document()
                .query_selector(&selector)
                .ok()
                .flatten()
                .and_then(|e| {
                    leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(e).ok()
                })
            {
                let _ = element.focus();
            }
        },
        Duration::from_millis(50),
    );
}
