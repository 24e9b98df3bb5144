//! The board's client state: columns as signals, the card being dragged, and the moves
//! that are applied at once and rolled back if the server refuses them.

use crate::api::deals::{close_deal, get_board_column, get_board_totals, get_deal, move_deal};
use crate::live::{use_live, Live};
use domain::{
    board::{Board, ColumnTotals, DealCard, DealFilter, MoveDeal, Outcome, Owner, StageInfo},
    deal::{missing_for_entry, DealChange, DealField, Missing},
    ids::{DealId, StageId},
    money::Currency,
    AppError,
};
use leptos::{prelude::*, task::spawn_local};

/// Where a card can be dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Stage(StageId),
    Won,
    Lost,
}

impl Target {
    /// The `data-drop` attribute value of a drop zone.
    pub fn key(self) -> String {
        match self {
            Target::Stage(id) => id.to_string(),
            Target::Won => "won".into(),
            Target::Lost => "lost".into(),
        }
    }

    pub fn parse(key: &str) -> Option<Target> {
        match key {
            "won" => Some(Target::Won),
            "lost" => Some(Target::Lost),
            other => other.parse().ok().map(Target::Stage),
        }
    }
}

/// How the card was lifted: pointers follow the finger, the keyboard steps by column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Pointer,
    Keyboard,
}

/// The card in the air.
#[derive(Debug, Clone, PartialEq)]
pub struct Drag {
    pub card: DealCard,
    pub from: StageId,
    pub via: Via,
}

/// A move waiting for the fields its stage needs.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingMove {
    pub card: DealCard,
    pub from: StageId,
    pub to: StageInfo,
    pub missing: Vec<Missing>,
}

/// One column's live state.
#[derive(Clone, Copy)]
pub struct ColumnState {
    pub stage_id: StageId,
    pub stage: StoredValue<StageInfo>,
    pub cards: RwSignal<Vec<DealCard>>,
    pub totals: RwSignal<ColumnTotals>,
    pub loading: RwSignal<bool>,
}

/// Everything the board's components share; cheap to copy.
#[derive(Clone, Copy)]
pub struct BoardState {
    pub filter: StoredValue<DealFilter>,
    pub columns: StoredValue<Vec<ColumnState>>,
    /// From the toolbar's options, for the move form's owner picker.
    pub owners: Signal<Vec<Owner>>,
    pub lost_reasons: StoredValue<Vec<String>>,
    pub default_currency: Currency,
    pub drag: RwSignal<Option<Drag>>,
    pub over: RwSignal<Option<Target>>,
    pub pointer: RwSignal<(i32, i32)>,
    pub pending: RwSignal<Option<PendingMove>>,
    pub losing: RwSignal<Option<(DealCard, StageId)>>,
    pub toast: RwSignal<Option<String>>,
    /// Cards whose move or close the server has not answered yet.
    in_flight: StoredValue<Vec<DealId>>,
    /// Read by a polite live region: what a screen reader hears about drags and moves.
    pub announce: RwSignal<String>,
    /// The tab's live channel, for undo offers (none outside the signed-in layout).
    pub live: Option<Live>,
}

impl BoardState {
    pub fn new(board: Board, filter: DealFilter, owners: Signal<Vec<Owner>>) -> Self {
        let columns = board
            .columns
            .into_iter()
            .map(|column| ColumnState {
                stage_id: column.stage.id,
                stage: StoredValue::new(column.stage),
                cards: RwSignal::new(column.cards),
                totals: RwSignal::new(column.totals),
                loading: RwSignal::new(false),
            })
            .collect();
        BoardState {
            filter: StoredValue::new(DealFilter {
                pipeline: Some(board.pipeline),
                ..filter
            }),
            columns: StoredValue::new(columns),
            owners,
            lost_reasons: StoredValue::new(board.lost_reasons),
            default_currency: board.default_currency,
            drag: RwSignal::new(None),
            over: RwSignal::new(None),
            pointer: RwSignal::new((0, 0)),
            pending: RwSignal::new(None),
            losing: RwSignal::new(None),
            toast: RwSignal::new(None),
            in_flight: StoredValue::new(Vec::new()),
            announce: RwSignal::new(String::new()),
            live: use_live(),
        }
    }

    /// The column of a stage. `try_`: async answers may arrive after the board was
    /// rebuilt for another filter, when its values are gone.
    pub fn column(&self, stage: StageId) -> Option<ColumnState> {
        self.columns
            .try_with_value(|cols| cols.iter().find(|c| c.stage_id == stage).copied())
            .flatten()
    }

    /// Whether any column shows the deal.
    fn shows(&self, deal: DealId) -> bool {
        self.columns
            .try_with_value(|cols| {
                cols.iter().any(|c| {
                    c.cards
                        .with_untracked(|cards| cards.iter().any(|card| card.id == deal))
                })
            })
            .unwrap_or(false)
    }

    pub fn stage_info(&self, stage: StageId) -> Option<StageInfo> {
        self.column(stage).and_then(|c| c.stage.try_get_value())
    }

    pub fn stage_name(&self, target: Target) -> String {
        match target {
            Target::Stage(id) => self.stage_info(id).map(|s| s.name).unwrap_or_default(),
            Target::Won => "Won".into(),
            Target::Lost => "Lost".into(),
        }
    }

    /// Drop targets in keyboard order: the stages left to right, then won and lost.
    pub fn targets(&self) -> Vec<Target> {
        let mut targets: Vec<Target> = self
            .columns
            .try_with_value(|cols| cols.iter().map(|c| Target::Stage(c.stage_id)).collect())
            .unwrap_or_default();
        targets.extend([Target::Won, Target::Lost]);
        targets
    }

    /// Removes a card from its column; returns where it was, for a rollback.
    pub(super) fn take(&self, stage: StageId, id: DealId) -> Option<usize> {
        let column = self.column(stage)?;
        let mut index = None;
        column.cards.update(|cards| {
            index = cards.iter().position(|c| c.id == id);
            if let Some(i) = index {
                cards.remove(i);
            }
        });
        index
    }

    pub(super) fn put(&self, stage: StageId, index: usize, card: DealCard) {
        if let Some(column) = self.column(stage) {
            column.cards.update(|cards| {
                cards.retain(|c| c.id != card.id);
                let at = index.min(cards.len());
                cards.insert(at, card);
            });
        }
    }

    /// A card saved by the server: shown at the top of its new column.
    pub fn place(&self, from: StageId, stage: StageId, card: DealCard) {
        self.take(from, card.id);
        self.put(stage, 0, card);
        self.refresh_totals();
    }

    /// The drop, from any input: checks the stage rules in the browser first.
    pub fn drop_on(&self, card: DealCard, from: StageId, target: Target) {
        match target {
            Target::Stage(to) if to == from => {
                self.announce.set(format!(
                    "{} stays in {}.",
                    card.title,
                    self.stage_name(target)
                ));
            }
            Target::Stage(to) => {
                let Some(stage) = self.stage_info(to) else {
                    return;
                };
                let missing = missing_for_entry(&card.facts, &stage.criteria);
                if missing.is_empty() {
                    self.send_move(card, from, to);
                } else {
                    self.announce.set(format!(
                        "{} needs more details before {} can enter.",
                        stage.name, card.title
                    ));
                    self.pending.set(Some(PendingMove {
                        card,
                        from,
                        to: stage,
                        missing,
                    }));
                }
            }
            Target::Won => self.send_close(card, from, Outcome::Won),
            Target::Lost => self.losing.set(Some((card, from))),
        }
    }

    /// Moves the card at once, then asks the server; puts it back if refused.
    fn send_move(&self, card: DealCard, from: StageId, to: StageId) {
        let state = *self;
        let Some(index) = self.take(from, card.id) else {
            return;
        };
        self.put(to, 0, card.clone());
        let command = MoveDeal {
            deal: card.id,
            version: card.version,
            stage: to,
            changes: Vec::new(),
        };
        self.flying(card.id, true);
        spawn_local(async move {
            let answer = move_deal(command).await;
            state.flying(card.id, false);
            match answer {
                Ok(saved) => {
                    state.replace(saved.card);
                    let what = format!(
                        "Moved {} to {}.",
                        card.title,
                        state.stage_name(Target::Stage(to))
                    );
                    state.done(saved.event, what);
                    state.refresh_totals();
                }
                Err(error) => {
                    state.take(to, card.id);
                    state.put(from, index, card.clone());
                    if matches!(error, AppError::Conflict(_)) {
                        state.refresh_card(card.id);
                    }
                    state.refused(card, from, to, error);
                }
            }
        });
    }

    /// Marks a card as waiting for the server: it cannot be lifted again until then, so
    /// a second move never goes out with the version the first one replaced.
    fn flying(&self, id: DealId, flying: bool) {
        self.in_flight.try_update_value(|ids| {
            ids.retain(|i| *i != id);
            if flying {
                ids.push(id);
            }
        });
    }

    pub fn in_flight(&self, id: DealId) -> bool {
        self.in_flight
            .try_with_value(|ids| ids.contains(&id))
            .unwrap_or(true)
    }

    /// Swaps in the server's copy of a card, wherever it now sits.
    fn replace(&self, card: DealCard) {
        // Cards are keyed by version, so the new copy is a new element: keep the focus.
        let focused = document()
            .active_element()
            .and_then(|e| e.get_attribute("href"))
            == Some(super::drag::href(&card));
        if focused {
            super::drag::refocus(&card);
        }
        let columns = self.columns.try_get_value().unwrap_or_default();
        for column in columns {
            column.cards.try_update(|cards| {
                if let Some(slot) = cards.iter_mut().find(|c| c.id == card.id) {
                    *slot = card.clone();
                }
            });
        }
    }

    /// After a conflict the card's copy is stale: fetch the current version and facts so
    /// the next attempt is based on what the other person saved.
    fn refresh_card(&self, id: DealId) {
        let state = *self;
        spawn_local(async move {
            let Ok(fresh) = get_deal(id.to_string()).await else {
                return;
            };
            let columns = state.columns.try_get_value().unwrap_or_default();
            for column in columns {
                column.cards.try_update(|cards| {
                    if let Some(card) = cards.iter_mut().find(|c| c.id == id) {
                        card.version = fresh.version;
                        card.title = fresh.title.clone();
                        card.value_cents = fresh.value_cents;
                        card.currency = fresh.currency;
                        card.next_step = fresh.next_step.clone();
                        card.tags = fresh.tags.clone();
                        card.facts = fresh.facts.clone();
                    }
                });
            }
        });
    }

    /// A refused move: missing fields reopen the inline form, anything else is a message.
    fn refused(&self, card: DealCard, from: StageId, to: StageId, error: AppError) {
        let missing = missing_fields(&error);
        match self.stage_info(to) {
            Some(stage) if !missing.is_empty() => self.pending.set(Some(PendingMove {
                card,
                from,
                to: stage,
                missing,
            })),
            _ => self.notify(format!("{} did not move: {}", card.title, error.explain())),
        }
    }

    /// Closes the deal at once; puts the card back if the server refuses.
    pub fn send_close(&self, card: DealCard, from: StageId, outcome: Outcome) {
        let state = *self;
        let Some(index) = self.take(from, card.id) else {
            return;
        };
        let verb = match &outcome {
            Outcome::Won => "won",
            Outcome::Lost { .. } => "lost",
            Outcome::Reopen => "reopened",
        };
        self.flying(card.id, true);
        spawn_local(async move {
            let answer = close_deal(card.id, card.version, outcome).await;
            state.flying(card.id, false);
            match answer {
                Ok(saved) => {
                    state.done(saved.event, format!("Marked {} as {verb}.", card.title));
                    state.refresh_totals();
                }
                Err(error) => {
                    state.put(from, index, card.clone());
                    if matches!(error, AppError::Conflict(_)) {
                        state.refresh_card(card.id);
                    }
                    state.notify(format!(
                        "{} was not closed: {}",
                        card.title,
                        error.explain()
                    ));
                }
            }
        });
    }

    /// A write of ours went through: say so, and offer to undo it.
    pub fn done(&self, event: i64, message: String) {
        match self.live {
            Some(live) => {
                self.announce.set(message.clone());
                live.offer_undo(event, message);
            }
            None => self.notify(message),
        }
    }

    pub fn notify(&self, message: String) {
        self.announce.set(message.clone());
        self.toast.set(Some(message));
    }

    /// Column totals come from the server, so they stay exact whatever was paged in.
    pub fn refresh_totals(&self) {
        let state = *self;
        let Some(filter) = self.filter.try_get_value() else {
            return;
        };
        spawn_local(async move {
            if let Ok(totals) = get_board_totals(filter).await {
                for (stage, figures) in totals {
                    if let Some(column) = state.column(stage) {
                        column.totals.set(figures);
                    }
                }
            }
        });
    }

    /// Appends the next page of a column.
    pub fn load_more(&self, stage: StageId) {
        let Some(column) = self.column(stage) else {
            return;
        };
        let (shown, total) = (
            column.cards.with_untracked(Vec::len),
            column.totals.with_untracked(|t| t.deals),
        );
        if column.loading.get_untracked() || shown as u64 >= total {
            return;
        }
        let Some(filter) = self.filter.try_get_value() else {
            return;
        };
        column.loading.set(true);
        let state = *self;
        spawn_local(async move {
            match get_board_column(filter, stage, shown as u64).await {
                Ok(more) => {
                    // A page read while a card was moving can still list it here: the
                    // board shows each deal once, where it is now.
                    let more: Vec<DealCard> = more
                        .into_iter()
                        .filter(|card| !state.shows(card.id))
                        .collect();
                    column.cards.update(|cards| cards.extend(more));
                }
                Err(error) => state.notify(error.explain()),
            }
            column.loading.set(false);
        });
    }
}

/// The entry criteria a server refusal names, so the inline form can ask for them.
pub fn missing_fields(error: &AppError) -> Vec<Missing> {
    let AppError::Validation(errors) = error else {
        return Vec::new();
    };
    let mut missing: Vec<Missing> = errors
        .0
        .iter()
        .filter_map(|e| DealField::parse(&e.field))
        .map(Missing::Field)
        .collect();
    missing.dedup();
    missing
}

/// The changes an inline form produced, for the same move command the board sends.
pub fn move_with(pending: &PendingMove, changes: Vec<DealChange>) -> MoveDeal {
    MoveDeal {
        deal: pending.card.id,
        version: pending.card.version,
        stage: pending.to.id,
        changes,
    }
}
