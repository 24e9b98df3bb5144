//! The one inline form open in a list of leads, what the rep has typed into it, and the
//! version their own last save left a lead at.
//!
//! The list holds all three, not the row: a row is rebuilt whenever its lead changes
//! (one's own save answering, or a colleague's change arriving live). A form the rep is
//! filling in must survive that, text included, and an action taken between one's own
//! save answering and the list reloading must not be refused as a conflict with oneself.

use domain::{
    ids::{PipelineId, StageId},
    lead::Answer,
};
use leptos::prelude::*;
use uuid::Uuid;

/// Which inline form is open on a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    Nothing,
    Qualify,
    Disqualify,
    Snooze,
    Convert,
}

/// What the rep has typed into the open form. Only one form is open at a time, so one
/// draft serves them all; opening a form starts it afresh.
#[derive(Debug, Clone, Copy)]
pub struct Draft {
    /// Need, budget, authority, timeline.
    pub answers: [RwSignal<Answer>; 4],
    pub reason: RwSignal<String>,
    pub title: RwSignal<String>,
    pub value: RwSignal<String>,
    pub pipeline: RwSignal<Option<PipelineId>>,
    pub stage: RwSignal<Option<StageId>>,
}

impl Draft {
    fn new() -> Self {
        Self {
            answers: [(); 4].map(|()| RwSignal::new(Answer::Unknown)),
            reason: RwSignal::new(String::new()),
            title: RwSignal::new(String::new()),
            value: RwSignal::new(String::new()),
            pipeline: RwSignal::new(None),
            stage: RwSignal::new(None),
        }
    }

    fn start(self, title: String) {
        for answer in self.answers {
            answer.set(Answer::Unknown);
        }
        self.reason.set(String::new());
        self.title.set(title);
        self.value.set(String::new());
        self.pipeline.set(None);
        self.stage.set(None);
    }
}

#[derive(Debug, Clone, Copy)]
pub struct OpenForm {
    open: RwSignal<Option<(Uuid, Open)>>,
    pub draft: Draft,
    saved: RwSignal<Option<(Uuid, i32)>>,
}

impl OpenForm {
    pub fn new() -> Self {
        Self {
            open: RwSignal::new(None),
            draft: Draft::new(),
            saved: RwSignal::new(None),
        }
    }

    pub fn on(self, lead: Uuid) -> Open {
        Self::form_of(self.open.get(), lead)
    }

    fn form_of(open: Option<(Uuid, Open)>, lead: Uuid) -> Open {
        match open {
            Some((id, form)) if id == lead => form,
            _ => Open::Nothing,
        }
    }

    /// Opens the form (with a fresh draft, the deal titled `title`), or closes it if it
    /// was open already.
    pub fn toggle(self, lead: Uuid, form: Open, title: String) {
        let now = Self::form_of(self.open.get_untracked(), lead);
        if now == form {
            self.open.set(None);
        } else {
            self.draft.start(title);
            self.open.set(Some((lead, form)));
        }
    }

    /// Closes the lead's form, leaving alone one the rep has since opened elsewhere.
    pub fn close(self, lead: Uuid) {
        let open = self.open.try_get_untracked().flatten();
        if Self::form_of(open, lead) != Open::Nothing {
            self.open.try_set(None);
        }
    }

    /// Notes the version one's own save left the lead at.
    pub fn saved(self, lead: Uuid, version: i32) {
        self.saved.try_set(Some((lead, version)));
    }

    /// The version to send with a change to a lead the row shows at `shown`: one's own
    /// newer save, if the list has not caught up with it yet.
    pub fn version(self, lead: Uuid, shown: i32) -> i32 {
        match self.saved.try_get_untracked().flatten() {
            Some((id, version)) if id == lead => version.max(shown),
            _ => shown,
        }
    }
}

impl Default for OpenForm {
    fn default() -> Self {
        Self::new()
    }
}
