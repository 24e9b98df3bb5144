//! The work logged against demo deals: most open deals have a next step (some overdue),
//! many had a call or meeting lately (what keeps them from rotting), and the default
//! pipeline gets a post-sale follow-up plan.

use super::demo_id;
use super::names;
use crate::entity::{activity, deal, followup_step};
use chrono::{DateTime, Duration, Utc};
use domain::activity::ActivityKind;
use domain::deal::DealStatus;
use rand::{rngs::StdRng, Rng};
use sea_orm::Set;
use uuid::Uuid;

const DONE_SUBJECTS: &[(ActivityKind, &str)] = &[
    (ActivityKind::Call, "Call: connected"),
    (ActivityKind::Call, "Call: left a voicemail"),
    (ActivityKind::Meeting, "Discovery meeting"),
    (ActivityKind::Email, "Sent pricing"),
    (ActivityKind::Meeting, "Demo for the buying team"),
];

fn row(
    deal: &deal::ActiveModel,
    kind: ActivityKind,
    subject: &str,
    due_at: DateTime<Utc>,
    done_at: Option<DateTime<Utc>>,
) -> Option<activity::ActiveModel> {
    let deal_id = deal.id.clone().take()?;
    Some(activity::ActiveModel {
        id: Set(demo_id()),
        workspace_id: Set(deal.workspace_id.clone().take()?),
        kind: Set(kind),
        subject: Set(subject.to_owned()),
        due_at: Set(due_at),
        time_zone: Set("UTC".to_owned()),
        duration_minutes: Set(None),
        assignee_id: Set(deal.owner_id.clone().take()?),
        done: Set(done_at.is_some()),
        done_at: Set(done_at),
        outcome: Set(None),
        deal_id: Set(Some(deal_id)),
        contact_id: Set(None),
        company_id: Set(deal.company_id.clone().take()?),
        created_by: Set(deal.owner_id.clone().take()?),
        created_at: Set(due_at - Duration::days(2)),
        version: Set(1),
        // Demo history is not news: no reminder for what was due before the seed.
        reminded_at: Set(done_at.or(Some(due_at)).filter(|at| *at <= Utc::now())),
        plan_step: Set(None),
    })
}

/// Activities for one generated deal; sets its `touched_at` from the latest one done.
pub(super) fn activities_for(
    rng: &mut StdRng,
    deal: &mut deal::ActiveModel,
    now: DateTime<Utc>,
) -> Vec<activity::ActiveModel> {
    let mut rows = Vec::new();
    if deal.status.clone().take() != Some(DealStatus::Open) {
        return rows;
    }
    let entered = deal.stage_entered_at.clone().take().unwrap_or(now);
    if rng.gen_bool(0.6) {
        let since = (now - entered).num_hours().max(1);
        let done_at = entered + Duration::hours(rng.gen_range(0..since));
        let (kind, subject) = DONE_SUBJECTS[rng.gen_range(0..DONE_SUBJECTS.len())];
        rows.extend(row(deal, kind, subject, done_at, Some(done_at)));
        deal.touched_at = Set(Some(done_at));
    }
    // One in five open deals has nothing planned: the "No next step" list is not empty.
    if rng.gen_bool(0.8) {
        let due_at = now + Duration::hours(rng.gen_range(-96..=14 * 24));
        let subject = names::pick(rng, names::NEXT_STEPS);
        rows.extend(row(deal, ActivityKind::Call, subject, due_at, None));
    }
    rows
}

/// Kickoff, check-in and renewal review: the plan most sales teams start from.
pub(super) fn followup_plan(
    workspace_id: Uuid,
    pipeline_id: Uuid,
) -> Vec<followup_step::ActiveModel> {
    [
        (1, ActivityKind::Call, "Kickoff call"),
        (30, ActivityKind::Meeting, "Thirty-day check-in"),
        (330, ActivityKind::Meeting, "Renewal review"),
    ]
    .into_iter()
    .zip(0..)
    .map(
        |((day, kind, subject), position)| followup_step::ActiveModel {
            id: Set(demo_id()),
            workspace_id: Set(workspace_id),
            pipeline_id: Set(pipeline_id),
            position: Set(position),
            day: Set(day),
            kind: Set(kind),
            subject: Set(subject.to_owned()),
        },
    )
    .collect()
}
