//! The deal page: every field, the stage path, contacts, company and stage history.

use super::rows::{facts_of, load_deal, stage_info, stages_of, ContactFacts};
use crate::{
    db::OrInternal,
    entity::{company, contact, deal_contact, pipeline, stage_change, user},
    Crm,
};
use domain::deal::DealStatus;
use domain::{
    account::CurrentUser,
    board::{DealContact, DealDetail, StageChange},
    ids::{CompanyId, ContactId, DealId, PipelineId, StageId},
    AppError,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

/// How many stage changes the page lists; older ones stay in the event log.
const HISTORY: u64 = 50;

impl Crm {
    /// Everything the deal page shows; from memory while nothing is written (see
    /// `fresh`).
    ///
    /// # Errors
    /// `NotFound` for a deal of another workspace.
    pub async fn deal_detail(
        &self,
        viewer: &CurrentUser,
        id: DealId,
    ) -> Result<DealDetail, AppError> {
        let key = (viewer.clone(), id);
        self.kept_or(&self.kept.deals, viewer.workspace_id, key, async |_| {
            self.read_deal_detail(viewer, id).await
        })
        .await
    }

    /// The deal page as the database has it now.
    async fn read_deal_detail(
        &self,
        viewer: &CurrentUser,
        id: DealId,
    ) -> Result<DealDetail, AppError> {
        let row = load_deal(&self.db, viewer, id).await?;
        let stages = stages_of(&self.db, viewer, row.pipeline_id).await?;
        let pipeline_name = pipeline::Entity::find_by_id(row.pipeline_id)
            .one(&self.db)
            .await
            .or_internal()?
            .map(|p| p.name)
            .unwrap_or_default();
        let company = match row.company_id {
            Some(id) => company::Entity::find_by_id(id)
                .one(&self.db)
                .await
                .or_internal()?
                .map(|c| (CompanyId(c.id), c.name)),
            None => None,
        };
        let links = deal_contact::Entity::find()
            .filter(deal_contact::Column::DealId.eq(row.id))
            .all(&self.db)
            .await
            .or_internal()?;
        // Lookups by the ids of none are skipped: each statement is a round trip.
        let people: HashMap<Uuid, contact::Model> = if links.is_empty() {
            HashMap::new()
        } else {
            contact::Entity::find()
                .filter(contact::Column::Id.is_in(links.iter().map(|l| l.contact_id)))
                .all(&self.db)
                .await
                .or_internal()?
                .into_iter()
                .map(|c| (c.id, c))
                .collect()
        };
        let mut contacts: Vec<DealContact> = links
            .iter()
            .filter_map(|link| {
                let person = people.get(&link.contact_id)?;
                Some(DealContact {
                    id: ContactId(person.id),
                    name: person.name.clone(),
                    email: person.email.clone(),
                    role: link.role,
                })
            })
            .collect();
        contacts.sort_by(|a, b| a.name.cmp(&b.name));
        let history = self.history(row.id, &stages).await?;
        // The links loaded above are all the contact facts need.
        let facts = facts_of(&row, ContactFacts::of(&links));
        Ok(DealDetail {
            id,
            version: row.version,
            title: row.title,
            value_cents: row.value_cents,
            currency: row.currency,
            expected_close_on: row.expected_close_on,
            owner: row.owner_id.map(domain::UserId),
            company,
            contacts,
            pipeline: (PipelineId(row.pipeline_id), pipeline_name),
            stage: StageId(row.stage_id),
            stages: stages.iter().map(stage_info).collect(),
            status: row.status,
            lost_reason: row.lost_reason,
            source: row.source,
            next_step: row.next_step,
            tags: row.tags.0.clone(),
            facts,
            created_at: row.created_at,
            updated_at: row.updated_at,
            last_touched: row
                .touched_at
                .map_or(row.stage_entered_at, |t| t.max(row.stage_entered_at)),
            stage_entered_at: row.stage_entered_at,
            history,
            owners: self.owners_in(&self.db, viewer).await?,
            lost_reasons: self.lost_reasons_in(&self.db, viewer).await?,
        })
    }

    async fn history(
        &self,
        deal_id: Uuid,
        stages: &[crate::entity::stage::Model],
    ) -> Result<Vec<StageChange>, AppError> {
        let steps = stage_change::Entity::find()
            .filter(stage_change::Column::DealId.eq(deal_id))
            .order_by_desc(stage_change::Column::At)
            .limit(HISTORY)
            .all(&self.db)
            .await
            .or_internal()?;
        let actor_ids: Vec<Uuid> = steps.iter().filter_map(|s| s.actor_id).collect();
        let actors: HashMap<Uuid, String> = if actor_ids.is_empty() {
            HashMap::new()
        } else {
            user::Entity::find()
                .filter(user::Column::Id.is_in(actor_ids))
                .all(&self.db)
                .await
                .or_internal()?
                .into_iter()
                .map(|u| (u.id, u.name))
                .collect()
        };
        let name_of = |id: Uuid| {
            stages
                .iter()
                .find(|s| s.id == id)
                .map_or_else(|| "A removed stage".to_owned(), |s| s.name.clone())
        };
        Ok(steps
            .into_iter()
            .map(|step| {
                let to = match step.status {
                    DealStatus::Won | DealStatus::Lost => step.status.label().to_owned(),
                    DealStatus::Open => name_of(step.to_stage_id),
                };
                let from = step.from_stage_id.map(name_of);
                StageChange {
                    from,
                    to,
                    by: step.actor_id.and_then(|a| actors.get(&a).cloned()),
                    at: step.at,
                }
            })
            .collect())
    }
}
