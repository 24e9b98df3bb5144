//! The weekly pipeline review. Starting one keeps a snapshot of the pipeline's open
//! deals; the guided view lists deals that need a word, comparing with the previous
//! review's snapshot; a manager marks each reviewed with a comment.

use crate::permissions::visible;
use crate::write::Lock;
use crate::{
    db::OrInternal,
    entity::{deal, pipeline_review, review_item, review_mark, stage, user},
    event_log::Change,
    migration::{NO_NEXT_STEP, OPEN},
    raw::{count, get, rows, Sql},
    Crm,
};
use chrono::{DateTime, Datelike, Duration, Utc};
use domain::event::{payload, Payload, Subject};
use domain::{
    account::CurrentUser,
    ids::DealId,
    metrics::Amount,
    review::{
        parse_comment, DealSnapshot, PipelineReview, ReviewDeal, ReviewMark, ReviewSection,
        ReviewSummary,
    },
    AppError,
};
use sea_orm::{
    sea_query::{Condition, Expr},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// Deals per section: a review is a conversation, not a list of everything.
const SECTION_LIMIT: u64 = 25;
/// Reviews kept visible for comparison.
const HISTORY: u64 = 12;

impl Crm {
    /// Starts a review of the pipeline: snapshots its open deals.
    ///
    /// # Errors
    /// `Forbidden` below manager; `NotFound` for a foreign pipeline.
    pub async fn start_review(
        &self,
        viewer: &CurrentUser,
        pipeline: Option<Uuid>,
    ) -> Result<Uuid, AppError> {
        crate::permissions::permit(viewer, domain::permission::Action::RunReviews)?;
        let pipeline = self.metrics_pipeline(viewer, pipeline).await?;
        self.write(Lock::Rows, async |txn| {
            let id = Uuid::new_v4();
            pipeline_review::ActiveModel {
                id: Set(id),
                workspace_id: Set(viewer.workspace_id.0),
                pipeline_id: Set(pipeline.id),
                started_by: Set(viewer.user_id.0),
                started_at: Set(Utc::now()),
            }
            .insert(txn)
            .await
            .or_internal()?;
            let snapshot = Sql::new(
                "INSERT INTO review_items (review_id, deal_id, workspace_id, stage_id, value_cents, currency, expected_close_on) SELECT",
            )
            .bind(" ?, id, workspace_id, stage_id, value_cents, currency, expected_close_on FROM deals", id)
            .bind(" WHERE workspace_id = ?", viewer.workspace_id.0)
            .bind(" AND pipeline_id = ?", pipeline.id)
            .push(" AND status = 'open'");
            txn.execute_raw(snapshot.statement(txn.get_database_backend()))
                .await
                .or_internal()?;
            txn.append(Change {
                    workspace_id: viewer.workspace_id,
                    actor: Some(viewer.user_id),
                    subject: Subject::Pipeline(pipeline.id),
                    payload: Payload::ReviewStarted(
                        (),
                        payload::ReviewStarted {
                            review: id,
                            title: pipeline.name.clone(),
                        },
                    ),
                },
            )
            .await?;
            Ok(id)
        })
        .await
    }

    /// The guided review of a pipeline: sections of deals, the current review's marks,
    /// and the kept reviews for comparison.
    ///
    /// # Errors
    /// `NotFound` for a foreign pipeline.
    pub async fn pipeline_review(
        &self,
        viewer: &CurrentUser,
        pipeline: Option<Uuid>,
    ) -> Result<PipelineReview, AppError> {
        let pipeline = self.metrics_pipeline(viewer, pipeline).await?;
        let reviews = pipeline_review::Entity::find()
            .filter(pipeline_review::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .filter(pipeline_review::Column::PipelineId.eq(pipeline.id))
            .order_by_desc(pipeline_review::Column::StartedAt)
            .limit(HISTORY)
            .all(&self.db)
            .await
            .or_internal()?;
        let names: HashMap<Uuid, String> = user::Entity::find()
            .filter(user::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .all(&self.db)
            .await
            .or_internal()?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        let stages = crate::deals::stages_of(&self.db, viewer, pipeline.id).await?;
        let current = reviews.first().map(|r| r.id);
        let baseline = reviews.get(1).map(|r| r.id);
        let mut picked: Vec<(ReviewSection, Vec<Uuid>)> = Vec::new();
        for section in ReviewSection::ALL {
            let ids = self
                .section_ids(viewer, pipeline.id, &stages, section, baseline)
                .await?;
            picked.push((section, ids));
        }
        let all_ids: Vec<Uuid> = picked
            .iter()
            .flat_map(|(_, ids)| ids.iter().copied())
            .collect();
        let deals = self
            .review_deals(viewer, &all_ids, &stages, &names, current, baseline)
            .await?;
        let sections = picked
            .into_iter()
            .map(|(section, ids)| {
                (
                    section,
                    ids.iter().filter_map(|id| deals.get(id).cloned()).collect(),
                )
            })
            .collect();
        let history = self.review_history(viewer, &reviews, &names).await?;
        Ok(PipelineReview {
            pipeline_name: pipeline.name,
            current: history.first().cloned(),
            sections,
            history,
            can_review: viewer.role.may(domain::permission::Action::RunReviews),
        })
    }

    /// Marks a deal reviewed in a review (again: the new comment replaces the old).
    ///
    /// # Errors
    /// `Forbidden` below manager; `NotFound` for a foreign review or deal;
    /// `Validation` for a bad comment.
    pub async fn mark_reviewed(
        &self,
        viewer: &CurrentUser,
        review: Uuid,
        deal_id: DealId,
        comment: &str,
    ) -> Result<ReviewMark, AppError> {
        crate::permissions::permit(viewer, domain::permission::Action::RunReviews)?;
        let comment = parse_comment(comment).map_err(|m| AppError::invalid("comment", m))?;
        self.write(Lock::Rows, async |txn| {
            let kept = pipeline_review::Entity::find_by_id(review)
                .filter(pipeline_review::Column::WorkspaceId.eq(viewer.workspace_id.0))
                .one(txn)
                .await
                .or_internal()?
                .ok_or(AppError::NotFound)?;
            let row = deal::Entity::find_by_id(deal_id.0)
                .filter(deal::Column::WorkspaceId.eq(viewer.workspace_id.0))
                .filter(deal::Column::PipelineId.eq(kept.pipeline_id))
                .one(txn)
                .await
                .or_internal()?
                .ok_or(AppError::NotFound)?;
            review_mark::Entity::delete_many()
                .filter(review_mark::Column::ReviewId.eq(review))
                .filter(review_mark::Column::DealId.eq(row.id))
                .exec(txn)
                .await
                .or_internal()?;
            let at = Utc::now();
            review_mark::ActiveModel {
                review_id: Set(review),
                deal_id: Set(row.id),
                workspace_id: Set(viewer.workspace_id.0),
                reviewer_id: Set(viewer.user_id.0),
                comment: Set(comment.clone()),
                at: Set(at),
            }
            .insert(txn)
            .await
            .or_internal()?;
            txn.append(Change {
                workspace_id: viewer.workspace_id,
                actor: Some(viewer.user_id),
                subject: Subject::Deal(row.id),
                payload: Payload::DealReviewed(
                    (),
                    payload::DealReviewed {
                        review,
                        title: row.title.clone(),
                        comment: comment.clone(),
                    },
                ),
            })
            .await?;
            Ok(ReviewMark {
                by: viewer.name.clone(),
                comment,
                at,
            })
        })
        .await
    }

    /// The ids of the deals one section lists, most valuable (or most changed) first.
    async fn section_ids(
        &self,
        viewer: &CurrentUser,
        pipeline: Uuid,
        stages: &[stage::Model],
        section: ReviewSection,
        baseline: Option<Uuid>,
    ) -> Result<Vec<Uuid>, AppError> {
        // Every section lists only deals the viewer may see (record visibility). The
        // open-deal condition is spelled as the partial indexes spell it (migration 21),
        // so each section reads its index in order and stops at the limit.
        let open = visible(deal::Entity::find(), viewer, deal::Column::OwnerId)
            .select_only()
            .column(deal::Column::Id)
            .filter(deal::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .filter(deal::Column::PipelineId.eq(pipeline))
            .filter(Expr::cust(OPEN))
            .limit(SECTION_LIMIT);
        let query = match section {
            ReviewSection::Rotting => return self.rotting_ids(open, stages).await,
            ReviewSection::NoNextStep => open
                .filter(Expr::cust(NO_NEXT_STEP))
                .order_by_desc(deal::Column::ValueCents),
            ReviewSection::ClosingSoon => {
                let today = Utc::now().date_naive();
                let month_end = today
                    .with_day(1)
                    .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
                    .and_then(|d| d.pred_opt())
                    .unwrap_or(today);
                open.filter(deal::Column::ExpectedCloseOn.lte(month_end))
                    .order_by_asc(deal::Column::ExpectedCloseOn)
            }
            ReviewSection::Slipped | ReviewSection::BiggestChanges => {
                let Some(baseline) = baseline else {
                    return Ok(Vec::new());
                };
                return self.compared_ids(viewer, pipeline, baseline, section).await;
            }
        };
        query.into_tuple::<Uuid>().all(&self.db).await.or_internal()
    }

    /// Deals untouched longer than their stage allows (as on the board), longest in
    /// the stage first. One read per stage, each in the order of the stage's
    /// entered-at index and stopping at the limit, then merged: a condition over every
    /// stage at once made SQLite collect and sort all open deals (5 s at 1,000,000).
    async fn rotting_ids(
        &self,
        open: sea_orm::Select<deal::Entity>,
        stages: &[stage::Model],
    ) -> Result<Vec<Uuid>, AppError> {
        let now = Utc::now();
        let mut found: Vec<(DateTime<Utc>, Uuid)> = Vec::new();
        for stage in stages.iter().filter(|s| s.rotting_days > 0) {
            let cutoff = now - Duration::days(i64::from(stage.rotting_days) + 1);
            let rows: Vec<(Uuid, DateTime<Utc>)> = open
                .clone()
                .column(deal::Column::StageEnteredAt)
                .filter(deal::Column::StageId.eq(stage.id))
                .filter(deal::Column::StageEnteredAt.lte(cutoff))
                .filter(
                    Condition::any()
                        .add(deal::Column::TouchedAt.is_null())
                        .add(deal::Column::TouchedAt.lte(cutoff)),
                )
                .order_by_asc(deal::Column::StageEnteredAt)
                .into_tuple()
                .all(&self.db)
                .await
                .or_internal()?;
            found.extend(rows.into_iter().map(|(id, entered)| (entered, id)));
        }
        found.sort_unstable();
        Ok(found
            .into_iter()
            .take(usize::try_from(SECTION_LIMIT).unwrap_or(usize::MAX))
            .map(|(_, id)| id)
            .collect())
    }

    /// Deals compared with the previous review's snapshot.
    async fn compared_ids(
        &self,
        viewer: &CurrentUser,
        pipeline: Uuid,
        baseline: Uuid,
        section: ReviewSection,
    ) -> Result<Vec<Uuid>, AppError> {
        let (condition, order) = if section == ReviewSection::Slipped {
            (
                "(d.expected_close_on > r.expected_close_on OR (d.expected_close_on IS NULL AND r.expected_close_on IS NOT NULL))",
                "d.value_cents DESC",
            )
        } else {
            (
                "(d.value_cents <> r.value_cents OR d.stage_id <> r.stage_id)",
                "ABS(d.value_cents - r.value_cents) DESC, d.value_cents DESC",
            )
        };
        let sql = Sql::new("SELECT d.id FROM deals d JOIN review_items r ON r.deal_id = d.id")
            .bind(" AND r.review_id = ?", baseline)
            .bind(" WHERE d.workspace_id = ?", viewer.workspace_id.0)
            .bind(" AND d.pipeline_id = ?", pipeline)
            .push(&format!(
                " AND d.{OPEN} AND {condition} ORDER BY {order} LIMIT {SECTION_LIMIT}"
            ));
        rows(&self.db, sql)
            .await?
            .iter()
            .map(|row| get::<Uuid>(row, 0))
            .collect()
    }

    async fn review_deals(
        &self,
        viewer: &CurrentUser,
        ids: &[Uuid],
        stages: &[stage::Model],
        names: &HashMap<Uuid, String>,
        current: Option<Uuid>,
        baseline: Option<Uuid>,
    ) -> Result<HashMap<Uuid, ReviewDeal>, AppError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let stage_name = |id: Uuid| {
            stages
                .iter()
                .find(|s| s.id == id)
                .map_or_else(|| "Another pipeline".to_owned(), |s| s.name.clone())
        };
        let before: HashMap<Uuid, review_item::Model> = match baseline {
            Some(baseline) => review_item::Entity::find()
                .filter(review_item::Column::ReviewId.eq(baseline))
                .filter(review_item::Column::DealId.is_in(ids.iter().copied()))
                .all(&self.db)
                .await
                .or_internal()?
                .into_iter()
                .map(|item| (item.deal_id, item))
                .collect(),
            None => HashMap::new(),
        };
        let marks: HashMap<Uuid, review_mark::Model> = match current {
            Some(current) => review_mark::Entity::find()
                .filter(review_mark::Column::ReviewId.eq(current))
                .filter(review_mark::Column::DealId.is_in(ids.iter().copied()))
                .all(&self.db)
                .await
                .or_internal()?
                .into_iter()
                .map(|mark| (mark.deal_id, mark))
                .collect(),
            None => HashMap::new(),
        };
        let now = Utc::now();
        let rows = visible(deal::Entity::find(), viewer, deal::Column::OwnerId)
            .filter(deal::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .filter(deal::Column::Id.is_in(ids.iter().copied()))
            .all(&self.db)
            .await
            .or_internal()?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let snapshot = before.get(&row.id).map(|item| DealSnapshot {
                    stage_name: stage_name(item.stage_id),
                    value_cents: item.value_cents,
                    expected_close_on: item.expected_close_on,
                });
                let mark = marks.get(&row.id).map(|m| ReviewMark {
                    by: names
                        .get(&m.reviewer_id)
                        .cloned()
                        .unwrap_or_else(|| "Someone".into()),
                    comment: m.comment.clone(),
                    at: m.at,
                });
                let deal = ReviewDeal {
                    id: DealId(row.id),
                    title: row.title,
                    owner: row.owner_id.and_then(|o| names.get(&o).cloned()),
                    stage_name: stage_name(row.stage_id),
                    value_cents: row.value_cents,
                    currency: row.currency.to_string(),
                    expected_close_on: row.expected_close_on,
                    next_step: row.next_step.filter(|s| !s.trim().is_empty()),
                    days_in_stage: (now - row.stage_entered_at).num_days().max(0),
                    before: snapshot,
                    compared: baseline.is_some(),
                    mark,
                };
                (row.id, deal)
            })
            .collect())
    }

    /// Each kept review with the open pipeline it saw and how many deals it covered.
    async fn review_history(
        &self,
        viewer: &CurrentUser,
        reviews: &[pipeline_review::Model],
        names: &HashMap<Uuid, String>,
    ) -> Result<Vec<ReviewSummary>, AppError> {
        if reviews.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = reviews.iter().map(|r| r.id).collect();
        let mut totals: HashMap<Uuid, (u64, BTreeMap<String, i64>)> = HashMap::new();
        let mut sql = Sql::new("SELECT review_id, currency, COUNT(*), CAST(COALESCE(SUM(value_cents), 0) AS BIGINT) FROM review_items")
            .bind(" WHERE workspace_id = ?", viewer.workspace_id.0)
            .push(" AND review_id IN (");
        for (i, id) in ids.iter().enumerate() {
            sql = sql.bind(if i == 0 { "?" } else { ", ?" }, *id);
        }
        sql = sql.push(") GROUP BY review_id, currency");
        for row in rows(&self.db, sql).await? {
            let entry = totals.entry(get::<Uuid>(&row, 0)?).or_default();
            entry.0 += count(&row, 2)?;
            *entry.1.entry(get::<String>(&row, 1)?).or_default() += get::<i64>(&row, 3)?;
        }
        let marked: HashMap<Uuid, i64> = review_mark::Entity::find()
            .select_only()
            .column(review_mark::Column::ReviewId)
            .column_as(Expr::cust("COUNT(*)"), "marks")
            .filter(review_mark::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .filter(review_mark::Column::ReviewId.is_in(ids))
            .group_by(review_mark::Column::ReviewId)
            .into_tuple::<(Uuid, i64)>()
            .all(&self.db)
            .await
            .or_internal()?
            .into_iter()
            .collect();
        Ok(reviews
            .iter()
            .map(|review| {
                let (open_deals, values) = totals.remove(&review.id).unwrap_or_default();
                ReviewSummary {
                    id: review.id,
                    started_at: review.started_at,
                    started_by: names
                        .get(&review.started_by)
                        .cloned()
                        .unwrap_or_else(|| "Someone".into()),
                    open_deals,
                    open_value: values
                        .into_iter()
                        .map(|(currency, cents)| Amount { currency, cents })
                        .collect(),
                    reviewed: u64::try_from(marked.get(&review.id).copied().unwrap_or(0))
                        .unwrap_or(0),
                }
            })
            .collect())
    }
}
