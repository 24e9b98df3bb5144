//! The browser's end of the live channel: one WebSocket per tab (see `socket`), and the
//! context pages use to hear about changes, say what they show, and offer undo.
//!
//! Events arrive in id order; the last id seen is kept so a reconnect asks for exactly
//! what was missed. Pages register handlers for the lifetime of their component and
//! patch their own view: the board moves a card, the deal page reloads the deal.

// The socket, and so the receiving half below, exists only in the browser.
#![cfg_attr(not(feature = "hydrate"), allow(dead_code))]

#[cfg(feature = "hydrate")]
mod socket;

use domain::{
    event::EventKind,
    live::{LiveEvent, ServerMessage, Viewer},
    UserId,
};
use leptos::prelude::*;
use std::sync::Arc;

/// What the connection badge shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveStatus {
    Connecting,
    Live,
    Reconnecting,
    SignedOut,
}

/// What a page hears.
#[derive(Debug, Clone)]
pub enum News {
    /// One committed change, in order, each once.
    Event(Box<LiveEvent>),
    /// Too much was missed to patch event by event: load the view again.
    Resync,
}

type Handler = Arc<dyn Fn(&News) + Send + Sync>;

/// The change the undo toast offers to revert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoOffer {
    pub event: i64,
    pub what: String,
}

/// Something for this person: an activity coming due, or work someone assigned them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub event: i64,
    pub text: String,
    /// The deal it is about, to open it.
    pub deal: Option<String>,
}

/// Reminders kept on screen at once; older ones are in My day anyway.
const REMINDERS_SHOWN: usize = 4;

/// The live context of a signed-in tab; cheap to copy.
#[derive(Clone, Copy)]
pub struct Live {
    pub me: UserId,
    pub status: RwSignal<LiveStatus>,
    pub viewers: RwSignal<Vec<Viewer>>,
    /// "Dana moved Acme renewal to Proposal": the latest change by someone else.
    pub note: RwSignal<Option<String>>,
    pub undo: RwSignal<Option<UndoOffer>>,
    pub reminders: RwSignal<Vec<Reminder>>,
    handlers: StoredValue<Vec<(u64, Handler)>>,
    next_handler: StoredValue<u64>,
    /// What this tab shows, with the token of the component that said so.
    view: StoredValue<(u64, Option<String>)>,
    last_id: StoredValue<Option<i64>>,
}

/// Starts the live channel for the signed-in layout and provides it to the pages.
/// `head`: the newest event id when the page was rendered, where the socket resumes.
pub fn provide_live(me: UserId, head: Option<i64>) -> Live {
    let live = Live {
        me,
        status: RwSignal::new(LiveStatus::Connecting),
        viewers: RwSignal::new(Vec::new()),
        note: RwSignal::new(None),
        undo: RwSignal::new(None),
        reminders: RwSignal::new(Vec::new()),
        handlers: StoredValue::new(Vec::new()),
        next_handler: StoredValue::new(0),
        view: StoredValue::new((0, None)),
        last_id: StoredValue::new(head),
    };
    provide_context(live);
    #[cfg(feature = "hydrate")]
    socket::start(live);
    live
}

/// The live context, below the signed-in layout.
pub fn use_live() -> Option<Live> {
    use_context::<Live>()
}

impl Live {
    /// Calls `handler` for every piece of news while the calling component is mounted.
    pub fn on_news(&self, handler: impl Fn(&News) + Send + Sync + 'static) {
        let id = self.next_handler.get_value();
        self.next_handler.set_value(id + 1);
        self.handlers
            .update_value(|all| all.push((id, Arc::new(handler))));
        let handlers = self.handlers;
        on_cleanup(move || {
            handlers.try_update_value(|all| all.retain(|(i, _)| *i != id));
        });
    }

    /// Tells the others what this tab shows (`deal:<id>`, `board:<id>`, `deals`) until
    /// the calling component unmounts.
    pub fn show(&self, view: String) {
        let token = self.next_handler.get_value();
        self.next_handler.set_value(token + 1);
        self.set_view(token, Some(view));
        let live = *self;
        on_cleanup(move || {
            // Only if no page has claimed the view since (the next page may mount first).
            if live.view.try_with_value(|(shown, _)| *shown == token) == Some(true) {
                live.set_view(token, None);
            }
        });
    }

    fn set_view(&self, token: u64, view: Option<String>) {
        self.view.try_set_value((token, view.clone()));
        #[cfg(feature = "hydrate")]
        socket::send(&domain::live::ClientMessage::View { view });
    }

    /// The names of other people looking at `view` right now.
    pub fn others_on(&self, view: String) -> Signal<Vec<String>> {
        let (viewers, me) = (self.viewers, self.me);
        Signal::derive(move || {
            viewers.with(|all| {
                let mut names: Vec<String> = all
                    .iter()
                    .filter(|v| v.user != me && v.view.as_deref() == Some(view.as_str()))
                    .map(|v| v.name.clone())
                    .collect();
                names.dedup();
                names
            })
        })
    }

    /// Bumps `reload` once per burst of matching news, 300 ms after the first: a bulk
    /// move or a flood of form posts reloads a list once, not once per event.
    pub fn reload_on_burst(
        &self,
        reload: RwSignal<u32>,
        matters: impl Fn(&News) -> bool + Send + Sync + 'static,
    ) {
        let pending = StoredValue::new(None::<leptos::prelude::TimeoutHandle>);
        self.on_news(move |news| {
            if matters(news) && pending.try_get_value().flatten().is_none() {
                let handle = set_timeout_with_handle(
                    move || {
                        pending.try_set_value(None);
                        reload.try_update(|n| *n += 1);
                    },
                    std::time::Duration::from_millis(300),
                );
                pending.try_set_value(handle.ok());
            }
        });
    }

    /// Offers to undo the change a write just made (the event it returned).
    pub fn offer_undo(&self, event: i64, what: String) {
        self.undo.try_set(Some(UndoOffer { event, what }));
    }

    /// Handles one server message, in arrival order.
    fn receive(&self, message: ServerMessage) {
        match message {
            ServerMessage::Hello { head } => {
                let ahead = self.last_id.get_value().is_some_and(|last| last > head);
                self.seen(head);
                if ahead {
                    // The server's log is behind what this tab saw (a restored backup):
                    // follow the server, and reload what the views show.
                    self.last_id.set_value(Some(head));
                    self.dispatch(&News::Resync);
                }
                self.status.try_set(LiveStatus::Live);
            }
            ServerMessage::Event(event) => {
                if self
                    .last_id
                    .get_value()
                    .is_some_and(|last| event.id <= last)
                {
                    return;
                }
                self.seen(event.id);
                if event.actor != Some(self.me) && worth_a_note(event.kind) {
                    self.note.try_set(Some(event.describe()));
                }
                if let Some(reminder) = reminder_for(self.me, &event) {
                    self.reminders.try_update(|shown| {
                        shown.insert(0, reminder);
                        shown.truncate(REMINDERS_SHOWN);
                    });
                }
                self.dispatch(&News::Event(event));
            }
            ServerMessage::Resync { head } => {
                self.last_id.set_value(Some(head));
                self.dispatch(&News::Resync);
            }
            ServerMessage::Presence { viewers } => {
                self.viewers.try_set(viewers);
            }
        }
    }

    fn seen(&self, id: i64) {
        self.last_id
            .update_value(|last| *last = Some(last.map_or(id, |l| l.max(id))));
    }

    fn dispatch(&self, news: &News) {
        let handlers: Vec<Handler> = self
            .handlers
            .try_with_value(|all| all.iter().map(|(_, h)| h.clone()).collect())
            .unwrap_or_default();
        for handler in handlers {
            handler(news);
        }
    }
}

/// A reminder when the event is an activity of mine coming due, or one someone else
/// just scheduled for me or handed to me.
fn reminder_for(me: UserId, event: &LiveEvent) -> Option<Reminder> {
    if event.gist.assignee != Some(me.0) {
        return None;
    }
    let title = event.gist.title.as_deref().unwrap_or("an activity");
    let text = match event.kind {
        EventKind::ActivityDue => match &event.gist.deal_title {
            Some(deal) => format!("Due soon: {title} ({deal})"),
            None => format!("Due soon: {title}"),
        },
        EventKind::ActivityScheduled | EventKind::ActivityUpdated
            if event.actor.is_some_and(|actor| actor != me) =>
        {
            let who = event.actor_name.as_deref().unwrap_or("Someone");
            format!("{who} gave you “{title}”")
        }
        _ => return None,
    };
    Some(Reminder {
        event: event.id,
        text,
        deal: event.gist.deal.map(|deal| deal.to_string()),
    })
}

/// Changes a seller cares to hear about while working; membership and settings churn
/// is left to the pages that show it.
fn worth_a_note(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::DealCreated
            | EventKind::DealUpdated
            | EventKind::DealMoved
            | EventKind::DealWon
            | EventKind::DealLost
            | EventKind::DealReopened
            | EventKind::StagesChanged
    )
}
