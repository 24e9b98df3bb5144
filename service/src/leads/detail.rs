//! One lead's page: its fields, answers, and every submission that made or merged into
//! it, newest first.

use super::{shape, target_of};
use crate::permissions::visible;
use crate::{
    db::OrInternal,
    entity::{lead, lead_submission},
    Crm,
};
use chrono::Utc;
use domain::{
    account::CurrentUser,
    ids::DealId,
    lead::{LeadSource, NewLead, Utm},
    lead_rules::{LeadDetail, Submission},
    AppError,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// Submissions a lead page lists: plenty for a person, bounded for a spam target.
const SUBMISSIONS_SHOWN: u64 = 100;

impl Crm {
    /// # Errors
    /// `NotFound` for a lead of another workspace.
    pub async fn lead_detail(
        &self,
        viewer: &CurrentUser,
        id: Uuid,
    ) -> Result<LeadDetail, AppError> {
        let row = visible(lead::Entity::find_by_id(id), viewer, lead::Column::OwnerId)
            .filter(lead::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .one(&self.db)
            .await
            .or_internal()?
            .ok_or(AppError::NotFound)?;
        let submissions = lead_submission::Entity::find()
            .filter(lead_submission::Column::LeadId.eq(id))
            .order_by_desc(lead_submission::Column::At)
            .limit(SUBMISSIONS_SHOWN)
            .all(&self.db)
            .await
            .or_internal()?
            .into_iter()
            .map(|s| Submission {
                at: s.at,
                source: LeadSource::parse(&s.source).unwrap_or(LeadSource::Other),
                fields: serde_json::from_str::<NewLead>(&s.payload)
                    .map(|sent| sent_fields(&sent))
                    .unwrap_or_default(),
            })
            .collect();
        let target = target_of(&self.db, viewer.workspace_id).await?;
        let detail = row.clone();
        let lead = shape(&self.db, vec![row], Utc::now(), target)
            .await?
            .pop()
            .ok_or(AppError::Internal)?;
        Ok(LeadDetail {
            lead,
            title: detail.title,
            domain: detail.domain,
            company_size: detail.company_size,
            utm: Utm {
                source: detail.utm_source.unwrap_or_default(),
                medium: detail.utm_medium.unwrap_or_default(),
                campaign: detail.utm_campaign.unwrap_or_default(),
                term: detail.utm_term.unwrap_or_default(),
                content: detail.utm_content.unwrap_or_default(),
            },
            landing_page: detail.landing_page,
            referrer: detail.referrer,
            message: detail.message,
            qualification: serde_json::from_str(&detail.qualification).unwrap_or_default(),
            disqualify_reason: detail.disqualify_reason,
            deal: detail.deal_id.map(DealId),
            submissions,
        })
    }
}

/// The fields a submission carried, labelled, skipping blanks.
fn sent_fields(sent: &NewLead) -> Vec<(String, String)> {
    [
        ("Name", &sent.name),
        ("E-mail", &sent.email),
        ("Phone", &sent.phone),
        ("Job title", &sent.title),
        ("Company", &sent.company),
        ("Domain", &sent.domain),
        ("Company size", &sent.company_size),
        ("Country", &sent.country),
        ("Campaign", &sent.campaign),
        ("utm_source", &sent.utm.source),
        ("utm_medium", &sent.utm.medium),
        ("utm_campaign", &sent.utm.campaign),
        ("Landing page", &sent.landing_page),
        ("Referrer", &sent.referrer),
        ("Message", &sent.message),
    ]
    .into_iter()
    .filter(|(_, value)| !value.trim().is_empty())
    .map(|(label, value)| (label.to_owned(), value.trim().to_owned()))
    .collect()
}
