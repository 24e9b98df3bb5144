//! The WebSocket itself (browser only): connect, resume after the last id, reconnect with
//! backoff, and reconnect at once when the network comes back.

use super::{Live, LiveStatus};
use domain::live::{ClientMessage, ServerMessage};
use leptos::{ev, prelude::*};
use std::{cell::RefCell, time::Duration};
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

/// The server's close code for a session that ended: reconnecting would not help.
const CLOSE_SIGNED_OUT: u16 = 4401;
/// Waits between reconnects double from this up to `RETRY_MAX`.
const RETRY_FIRST: Duration = Duration::from_millis(500);
const RETRY_MAX: Duration = Duration::from_secs(10);

/// The open socket and the callbacks it holds; replaced on reconnect, which drops the
/// old callbacks only after detaching them.
struct Connection {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

thread_local! {
    static CONNECTION: RefCell<Option<Connection>> = const { RefCell::new(None) };
    static RETRY: RefCell<(u32, Option<TimeoutHandle>)> = const { RefCell::new((0, None)) };
}

pub(super) fn start(live: Live) {
    // Effects run only once hydrated: the page is interactive before the socket opens.
    Effect::new(move |_| connect(live));
    let online = window_event_listener(ev::online, move |_| connect(live));
    let visible = window_event_listener(ev::visibilitychange, move |_| {
        // A phone waking up: its socket may have died silently while asleep.
        let shown = document().visibility_state() == web_sys::VisibilityState::Visible;
        if shown && live.status.get_untracked() != LiveStatus::Live {
            connect(live);
        }
    });
    on_cleanup(move || {
        online.remove();
        visible.remove();
        disconnect();
    });
}

/// Sends a message if the socket is open; presence is re-sent on every (re)connect.
pub(super) fn send(message: &ClientMessage) {
    let Ok(text) = serde_json::to_string(message) else {
        return;
    };
    CONNECTION.with(|connection| {
        if let Some(connection) = connection.borrow().as_ref() {
            if connection.socket.ready_state() == WebSocket::OPEN {
                let _ = connection.socket.send_with_str(&text);
            }
        }
    });
}

fn url(after: Option<i64>) -> Option<String> {
    let location = window().location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().ok()?;
    let resume = after.map(|id| format!("?after={id}")).unwrap_or_default();
    Some(format!("{scheme}://{host}/live{resume}"))
}

fn connect(live: Live) {
    cancel_retry();
    disconnect();
    let Some(url) = url(live.last_id.get_value()) else {
        return;
    };
    let Ok(socket) = WebSocket::new(&url) else {
        retry_later(live);
        return;
    };
    let on_open = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
        let view = live.view.try_with_value(|(_, view)| view.clone()).flatten();
        send(&ClientMessage::View { view });
    });
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else {
            return;
        };
        if let Ok(message) = serde_json::from_str::<ServerMessage>(&text) {
            RETRY.with(|retry| retry.borrow_mut().0 = 0);
            live.receive(message);
        }
    });
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
        if event.code() == CLOSE_SIGNED_OUT {
            live.status.try_set(LiveStatus::SignedOut);
            return;
        }
        live.status.try_set(LiveStatus::Reconnecting);
        retry_later(live);
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    CONNECTION.with(|connection| {
        *connection.borrow_mut() = Some(Connection {
            socket,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        });
    });
}

/// Closes the socket without triggering a reconnect.
fn disconnect() {
    let old = CONNECTION.with(|connection| connection.borrow_mut().take());
    if let Some(old) = old {
        old.socket.set_onopen(None);
        old.socket.set_onmessage(None);
        old.socket.set_onclose(None);
        let _ = old.socket.close();
    }
}

fn retry_later(live: Live) {
    let attempt = RETRY.with(|retry| {
        let mut retry = retry.borrow_mut();
        retry.0 += 1;
        retry.0
    });
    let wait = RETRY_FIRST
        .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1).min(5)))
        .min(RETRY_MAX);
    let handle = set_timeout_with_handle(move || connect(live), wait).ok();
    RETRY.with(|retry| {
        let mut retry = retry.borrow_mut();
        if let Some(old) = retry.1.take() {
            old.clear();
        }
        retry.1 = handle;
    });
}

fn cancel_retry() {
    RETRY.with(|retry| {
        if let Some(old) = retry.borrow_mut().1.take() {
            old.clear();
        }
    });
}
