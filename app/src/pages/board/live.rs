//! Other people's changes arriving on the board: each changed card is fetched under the
//! board's filter and put where it now belongs (or taken off), and the totals follow.

use super::state::BoardState;
use crate::{
    api::deals::get_board_card,
    live::{Live, News},
};
use domain::{
    ids::{DealId, StageId},
    live::LiveEvent,
};
use leptos::{prelude::*, task::spawn_local};

impl BoardState {
    /// Applies live deal events to this board while it is mounted.
    pub fn follow(&self, live: Live) {
        let state = *self;
        live.on_news(move |news| {
            if let News::Event(event) = news {
                state.apply(event);
            }
        });
    }

    fn apply(&self, event: &LiveEvent) {
        // Deal events carry the deal's version; activity events change the card's next
        // step without one, so they always refetch.
        let (id, version) = match event.deal() {
            Some(deal) => (DealId(deal), event.gist.version.unwrap_or(i64::MAX)),
            None => match event.gist.deal {
                Some(deal) => (DealId(deal), i64::MAX),
                None => return,
            },
        };
        // Our own move in flight, or a card in someone's hand here, settles on its own.
        if self.in_flight(id) || self.lifted(id) {
            return;
        }
        let pipeline = self.filter.try_with_value(|f| f.pipeline).flatten();
        match self.locate(id) {
            Some((_, shown)) if i64::from(shown) >= version => return,
            None if event.gist.pipeline != pipeline.map(|p| p.0) => return,
            _ => {}
        }
        let Some(filter) = self.filter.try_get_value() else {
            return;
        };
        let state = *self;
        spawn_local(async move {
            let Ok(fresh) = get_board_card(filter, id).await else {
                return;
            };
            if state.in_flight(id) || state.lifted(id) {
                return;
            }
            let was = state.locate(id);
            match fresh {
                Some((card, _))
                    if version != i64::MAX
                        && was.is_some_and(|(_, shown)| shown >= card.version) =>
                {
                    return
                }
                Some((card, stage)) => {
                    // Edited in place keeps its spot; moved in goes on top, as the
                    // column orders by when a deal entered it.
                    let index = match was {
                        Some((from, _)) if from == stage => state.index_of(stage, id),
                        _ => 0,
                    };
                    if let Some((from, _)) = was {
                        state.take(from, id);
                    }
                    state.put(stage, index, card);
                }
                None => {
                    if let Some((from, _)) = was {
                        state.take(from, id);
                    }
                }
            }
            state.refresh_totals();
        });
    }

    /// The column and version of a card shown on the board.
    fn locate(&self, id: DealId) -> Option<(StageId, i32)> {
        let columns = self.columns.try_get_value()?;
        columns.into_iter().find_map(|column| {
            column
                .cards
                .try_with_untracked(|cards| cards.iter().find(|c| c.id == id).map(|c| c.version))
                .flatten()
                .map(|version| (column.stage_id, version))
        })
    }

    fn index_of(&self, stage: StageId, id: DealId) -> usize {
        self.column(stage)
            .and_then(|c| {
                c.cards
                    .try_with_untracked(|cards| cards.iter().position(|c| c.id == id))
            })
            .flatten()
            .unwrap_or(0)
    }

    fn lifted(&self, id: DealId) -> bool {
        self.drag
            .try_with_untracked(|d| d.as_ref().is_some_and(|d| d.card.id == id))
            .unwrap_or(false)
    }
}
