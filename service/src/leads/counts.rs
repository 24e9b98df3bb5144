//! Every inbox view's count in one grouped query: the workspace's leads are read once
//! (from a covering index), grouped by status and by four yes/no facts — mine, nobody's,
//! snoozed, past the response target — and the views are added up from the groups.

use super::filtered;
use crate::{db::OrInternal, entity::lead, permissions::visible};
use chrono::{DateTime, Duration, Utc};
use domain::{
    account::CurrentUser,
    lead::{InboxCounts, InboxView, LeadStatus},
    lead_rules::InboxFilter,
    AppError,
};
use sea_orm::{
    sea_query::{Condition, Expr},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

/// 1 when `condition` holds, else 0 (NULLs count as not holding), on both engines.
fn flag(condition: Condition) -> Expr {
    Expr::case(condition, 1).finally(0).into()
}

/// One group: a status, the four facts, and how many leads share them.
struct Group {
    status: Option<LeadStatus>,
    mine: bool,
    unowned: bool,
    snoozed: bool,
    overdue: bool,
    leads: u64,
}

impl Group {
    fn counts_in(&self, view: InboxView) -> bool {
        let open = self.status.is_some_and(LeadStatus::is_open);
        let awake = !self.snoozed;
        match view {
            InboxView::Unassigned => self.status == Some(LeadStatus::New) && self.unowned && awake,
            InboxView::Mine => open && self.mine && awake,
            InboxView::MarketingQualified => {
                self.status == Some(LeadStatus::MarketingQualified) && awake
            }
            InboxView::SalesQualified => self.status == Some(LeadStatus::Qualified) && awake,
            InboxView::ResponseOverdue => {
                self.status == Some(LeadStatus::New) && self.overdue && awake
            }
            InboxView::Snoozed => open && self.snoozed,
            InboxView::Disqualified => self.status == Some(LeadStatus::Disqualified),
        }
    }
}

pub(super) async fn view_counts<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    filter: &InboxFilter,
    now: DateTime<Utc>,
    target: Duration,
) -> Result<InboxCounts, AppError> {
    let mine = flag(Condition::all().add(lead::Column::OwnerId.eq(viewer.user_id.0)));
    let unowned = flag(Condition::all().add(lead::Column::OwnerId.is_null()));
    let snoozed = flag(Condition::all().add(lead::Column::SnoozedUntil.gt(now)));
    let overdue = flag(
        Condition::all()
            .add(lead::Column::FirstResponseAt.is_null())
            .add(lead::Column::CreatedAt.lt(now - target)),
    );
    // Converted leads are in no view: left out of the scan.
    let listed: Vec<&str> = LeadStatus::ALL
        .iter()
        .filter(|s| **s != LeadStatus::Converted)
        .map(|s| s.key())
        .collect();
    let query = visible(lead::Entity::find(), viewer, lead::Column::OwnerId)
        .filter(lead::Column::WorkspaceId.eq(viewer.workspace_id.0))
        .filter(lead::Column::Status.is_in(listed));
    let rows: Vec<(String, i32, i32, i32, i32, i64)> = filtered(query, filter)
        .select_only()
        .column(lead::Column::Status)
        .column_as(mine, "mine")
        .column_as(unowned, "unowned")
        .column_as(snoozed, "snoozed")
        .column_as(overdue, "overdue")
        .column_as(Expr::cust("COUNT(*)"), "leads")
        // By the output names: PostgreSQL cannot tell that two copies of an expression
        // with bound values are the same expression.
        .group_by(lead::Column::Status)
        .group_by(Expr::cust("mine"))
        .group_by(Expr::cust("unowned"))
        .group_by(Expr::cust("snoozed"))
        .group_by(Expr::cust("overdue"))
        .into_tuple()
        .all(conn)
        .await
        .or_internal()?;
    let groups: Vec<Group> = rows
        .into_iter()
        .map(|(status, mine, unowned, snoozed, overdue, leads)| Group {
            status: LeadStatus::parse(&status),
            mine: mine == 1,
            unowned: unowned == 1,
            snoozed: snoozed == 1,
            overdue: overdue == 1,
            leads: u64::try_from(leads).unwrap_or(0),
        })
        .collect();
    Ok(InboxCounts(
        InboxView::ALL
            .into_iter()
            .map(|view| {
                let n = groups
                    .iter()
                    .filter(|g| g.counts_in(view))
                    .map(|g| g.leads)
                    .sum();
                (view, n)
            })
            .collect(),
    ))
}
