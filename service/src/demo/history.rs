//! A demo deal's stage history: it entered every stage up to its current one, spread
//! evenly between its creation and the day it entered that stage, and (when closed)
//! closed there. The dashboard's funnel and time-in-stage read these steps.

use super::demo_id;
use crate::entity::{deal, stage_change};
use chrono::{DateTime, Utc};
use domain::deal::DealStatus;
use sea_orm::Set;
use uuid::Uuid;

pub(super) fn steps_of(
    deal: &deal::ActiveModel,
    stage_ids: &[Uuid],
) -> Vec<stage_change::ActiveModel> {
    let (Some(id), Some(workspace), Some(stage), Some(created), Some(entered), Some(status)) = (
        deal.id.clone().take(),
        deal.workspace_id.clone().take(),
        deal.stage_id.clone().take(),
        deal.created_at.clone().take(),
        deal.stage_entered_at.clone().take(),
        deal.status.clone().take(),
    ) else {
        return Vec::new();
    };
    let closed = deal.closed_at.clone().take().flatten();
    let reached = stage_ids.iter().position(|s| *s == stage).unwrap_or(0);
    let mut times: Vec<(Uuid, DealStatus, DateTime<Utc>)> = (0..=reached)
        .map(|k| {
            let share = i32::try_from(k).unwrap_or(0);
            let whole = i32::try_from(reached.max(1)).unwrap_or(1);
            (
                stage_ids[k],
                DealStatus::Open,
                created + (entered - created) * share / whole,
            )
        })
        .collect();
    if let Some(closed) = closed {
        times.push((stage, status, closed));
    }
    let lefts: Vec<Option<DateTime<Utc>>> = times
        .iter()
        .skip(1)
        .map(|t| Some(t.2))
        .chain([None])
        .collect();
    times
        .into_iter()
        .zip(lefts)
        .enumerate()
        .map(
            |(i, ((to, status, at), left_at))| stage_change::ActiveModel {
                id: Set(demo_id()),
                workspace_id: Set(workspace),
                deal_id: Set(id),
                from_stage_id: Set(i
                    .checked_sub(1)
                    .and_then(|p| stage_ids.get(p.min(reached)))
                    .copied()),
                to_stage_id: Set(to),
                status: Set(status),
                actor_id: Set(None),
                at: Set(at),
                left_at: Set(left_at),
            },
        )
        .collect()
}
