//! Deals, the board, pipelines, activities, timelines and the figures.

use super::{call, Endpoint};
use crate::seed::{local_time, new_activity, Ids};
use app::api::{activities as a, deals as d, metrics as m, timeline as t};
use chrono::{Duration, Utc};
use domain::{
    activity::{ActivityKind, LoggedWork},
    board::{self, DealFilter, DealSort, NewDeal, Outcome},
    deal::{ContactRole, DealChange},
    ids::{ContactId, DealId, PipelineId, StageId},
    metrics::{MetricsFilter, Period},
    note::{NewNote, RecordRef},
    pipeline::SavePipeline,
    timeline::TimelineCursor,
    UserId,
};

pub fn calls(ids: &Ids) -> Vec<Endpoint> {
    let deal = DealId(ids.deal.0);
    let filter = DealFilter {
        pipeline: Some(PipelineId(ids.pipeline)),
        text: "a".into(),
        ..DealFilter::default()
    };
    let today = Utc::now().date_naive();
    let mut calls = vec![
        call(d::GetBoard {
            filter: filter.clone(),
        }),
        call(d::GetBoardOptions {}),
        call(d::GetListOptions {
            pipeline: Some(PipelineId(ids.pipeline)),
        }),
        call(d::GetBoardColumn {
            filter: filter.clone(),
            stage: StageId(ids.stage),
            offset: 30,
        }),
        call(d::GetBoardTotals {
            filter: filter.clone(),
        }),
        call(d::GetBoardCard {
            filter: filter.clone(),
            deal,
        }),
        call(d::UndoChange { event: ids.event }),
        call(d::CreateDeal {
            deal: NewDeal {
                pipeline: Some(PipelineId(ids.pipeline)),
                stage: Some(StageId(ids.stage)),
                title: "Fuzzed deal".into(),
                changes: every_change(ids),
            },
        }),
        call(d::MoveDeal {
            command: board::MoveDeal {
                deal: DealId(ids.moving_deal.0),
                version: ids.moving_deal.1,
                stage: StageId(ids.next_stage),
                changes: vec![DealChange::NextStep("Send the quote".into())],
            },
        }),
        call(d::UpdateDeal {
            deal: DealId(ids.editing_deal.0),
            version: ids.editing_deal.1,
            changes: every_change(ids),
        }),
        call(d::CloseDeal {
            deal: DealId(ids.closing_deal.0),
            version: ids.closing_deal.1,
            outcome: Outcome::Lost {
                reason: ids.lost_reasons.first().cloned().unwrap_or_default(),
            },
        }),
        call(d::GetDeal {
            id: ids.deal.0.to_string(),
        }),
        call(d::ListDeals {
            filter: filter.clone(),
            sort: DealSort::ValueDesc,
            page: 1,
        }),
        call(d::BulkChange {
            deals: vec![(deal, ids.deal.1)],
            change: board::BulkChange::Owner(UserId(ids.rep)),
        }),
        call(d::GetPipelineStages {
            pipeline: PipelineId(ids.pipeline),
        }),
        call(d::SavePipeline {
            command: SavePipeline {
                pipeline: PipelineId(ids.spare_pipeline),
                // Mostly stale after the first save: a refusal (409) is an answer too.
                version: 1,
                name: "Fuzz pipeline".into(),
                stages: ids.spare_stages.clone(),
                relocate: Vec::new(),
            },
        }),
        call(d::CreatePipeline {
            name: "Another pipeline".into(),
        }),
        call(d::SaveLostReasons {
            reasons: ids.lost_reasons.clone(),
        }),
    ];
    calls.extend(activities(ids));
    calls.extend([
        call(m::GetDashboard {
            filter: MetricsFilter {
                period: Period {
                    from: today - Duration::days(90),
                    to: today,
                },
                pipeline: Some(ids.pipeline),
                owner: Some(ids.rep),
                team: Some(ids.team),
            },
        }),
        call(m::GetPipelineReview {
            pipeline: Some(ids.pipeline),
        }),
        call(m::StartReview {
            pipeline: Some(ids.pipeline),
        }),
        call(m::MarkReviewed {
            review: ids.review,
            deal,
            comment: "Looks healthy".into(),
        }),
    ]);
    calls
}

/// One of each kind of deal edit, so every variant's fields get mutated.
fn every_change(ids: &Ids) -> Vec<DealChange> {
    vec![
        DealChange::Title("Renamed deal".into()),
        DealChange::Value("12,500.50".into()),
        DealChange::Currency("EUR".into()),
        DealChange::ExpectedCloseOn((Utc::now().date_naive() + Duration::days(30)).to_string()),
        DealChange::Owner(Some(UserId(ids.rep))),
        DealChange::Company(Some(domain::ids::CompanyId(ids.company))),
        DealChange::Source("Referral".into()),
        DealChange::NextStep("Call back".into()),
        DealChange::Tags("hot, q3".into()),
        DealChange::AddContact(ContactId(ids.contact), ContactRole::Champion),
        DealChange::Check("Budget confirmed".into(), true),
    ]
}

fn activities(ids: &Ids) -> Vec<Endpoint> {
    let deal = DealId(ids.deal.0);
    vec![
        call(a::ScheduleActivity {
            activity: new_activity(deal),
        }),
        call(a::CompleteActivity {
            id: ids.completing_activity.0,
            version: ids.completing_activity.1,
            outcome: "Connected".into(),
        }),
        call(a::ChangeActivity {
            id: ids.changing_activity.0,
            version: ids.changing_activity.1,
            change: a::Change::Reschedule(local_time()),
        }),
        call(a::DealActivities { deal }),
        call(a::GetMyDay {
            offset_minutes: -60,
            team: true,
        }),
        call(t::AddNote {
            note: NewNote {
                on: RecordRef::Deal(deal),
                body: "Spoke to **the buyer**.".into(),
            },
        }),
        call(t::GetTimeline {
            of: RecordRef::Deal(deal),
            after: Some(TimelineCursor {
                at: Utc::now(),
                key: "event:1".into(),
            }),
        }),
        call(t::LogActivity {
            work: LoggedWork {
                deal,
                kind: ActivityKind::Call,
                subject: "Call: connected".into(),
                outcome: "Wants a demo".into(),
                next: Some(new_activity(deal)),
            },
        }),
        call(t::GetFollowupPlan {
            pipeline: Some(PipelineId(ids.pipeline)),
        }),
        call(t::SaveFollowupPlan {
            pipeline: PipelineId(ids.spare_pipeline),
            steps: ids.plan.clone(),
        }),
    ]
}
