//! Converting a lead: its company and contact (the existing ones when the domain or
//! e-mail is already known) and a deal with the lead's source, all in one transaction.
//! The lead keeps what it became, so it cannot be converted twice.

use super::{lead_event, locked, still_open};
use crate::write::{Lock, Write};
use crate::{
    db::OrInternal,
    entity::{company, contact, lead},
    event_log::Change,
    Crm,
};
use chrono::Utc;
use domain::event::{
    payload::{record, Record},
    Payload, Subject,
};
use domain::permission::Action;
use domain::{
    account::CurrentUser,
    board::NewDeal,
    deal::{ContactRole, DealChange, SOURCE_MAX},
    event::{Event, EventKind},
    ids::{CompanyId, ContactId, DealId},
    lead::{Answer, ConvertLead, Converted, LeadSource, LeadStatus, Qualification},
    AppError,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

impl Crm {
    /// Makes a deal of an open lead.
    ///
    /// # Errors
    /// `Validation` for a closed or converted lead, a bad title or value, or a stage
    /// whose entry rules the new deal does not meet; `Conflict` when stale.
    pub async fn convert_lead(
        &self,
        viewer: &CurrentUser,
        id: Uuid,
        version: i32,
        to: ConvertLead,
    ) -> Result<Converted, AppError> {
        self.write(Lock::Deals(viewer.workspace_id), async |txn| {
            let mut row = locked(txn, viewer, (id, version), Action::ConvertLead).await?;
            still_open(&row)?;
            let company = match (&row.company, &row.domain) {
                (None, None) => None,
                _ => Some(find_or_add_company(txn, viewer, &row).await?),
            };
            let contact = match (&row.email, &row.name, &row.phone) {
                (None, None, None) => None,
                _ => Some(find_or_add_contact(txn, viewer, &row, company).await?),
            };
            let answers: Qualification =
                serde_json::from_str(&row.qualification).unwrap_or_default();
            let source = LeadSource::parse(&row.source).map_or("Other", LeadSource::label);
            // A campaign may be longer than a deal's source holds: keep what fits.
            let mut changes = vec![DealChange::Source(
                row.campaign
                    .as_ref()
                    .map_or_else(|| source.to_owned(), |c| format!("{source} · {c}"))
                    .chars()
                    .take(SOURCE_MAX)
                    .collect(),
            )];
            if !to.value.trim().is_empty() {
                changes.push(DealChange::Value(to.value.clone()));
            }
            if let Some(company) = company {
                changes.push(DealChange::Company(Some(CompanyId(company))));
            }
            if let Some(contact) = contact {
                // Whoever has the authority to buy is the decision maker from the start.
                let role = if answers.authority.0 == Answer::Yes {
                    ContactRole::DecisionMaker
                } else {
                    ContactRole::Champion
                };
                changes.push(DealChange::AddContact(ContactId(contact), role));
            }
            let title = domain::deal::parse_title(&to.title)
                .map_err(|message| AppError::invalid("title", message))?;
            let valid = domain::deal::validate_changes(&changes).map_err(AppError::Validation)?;
            let new = NewDeal {
                pipeline: to.pipeline,
                stage: to.stage,
                title: to.title.clone(),
                changes,
            };
            let (saved, _) = self.insert_deal(txn, viewer, &new, title, valid).await?;
            row.status = LeadStatus::Converted;
            row.deal_id = Some(saved.card.id.0);
            row.contact_id = contact.or(row.contact_id);
            row.first_response_at = row.first_response_at.or(Some(Utc::now()));
            row.updated_at = Utc::now();
            row.version += 1;
            let row = lead::ActiveModel::from(row)
                .reset_all()
                .update(txn)
                .await
                .or_internal()?;
            lead_event(
                txn,
                viewer.workspace_id,
                Some(viewer.user_id),
                EventKind::LeadConverted,
                &row,
            )
            .await?;
            Ok(Converted {
                deal: DealId(saved.card.id.0),
                contact: contact.map(ContactId),
                company: company.map(CompanyId),
            })
        })
        .await
    }
}

async fn saved_event(
    conn: &Write,
    viewer: &CurrentUser,
    subject: Subject,
    after: Record,
) -> Result<Event, AppError> {
    let payload = match subject {
        Subject::Company(_) => Payload::CompanySaved(None, after),
        _ => Payload::ContactSaved(None, after),
    };
    conn.append(Change {
        workspace_id: viewer.workspace_id,
        actor: Some(viewer.user_id),
        subject,
        payload,
    })
    .await
}

async fn find_or_add_company(
    conn: &Write,
    viewer: &CurrentUser,
    row: &lead::Model,
) -> Result<Uuid, AppError> {
    let workspace = viewer.workspace_id.0;
    if let Some(domain) = &row.domain {
        if let Some(found) = company::Entity::find()
            .filter(company::Column::WorkspaceId.eq(workspace))
            .filter(company::Column::Domain.eq(domain.clone()))
            .one(conn)
            .await
            .or_internal()?
        {
            return Ok(found.id);
        }
    }
    let name = row
        .company
        .clone()
        .or_else(|| row.domain.clone())
        .unwrap_or_default();
    let added = company::ActiveModel {
        id: Set(Uuid::new_v4()),
        workspace_id: Set(workspace),
        name: Set(name),
        domain: Set(row.domain.clone()),
        industry: Set(None),
        employees: Set(row.company_size),
        address: Set(None),
        created_at: Set(Utc::now()),
        version: Set(1),
    }
    .insert(conn)
    .await
    .or_internal()?;
    let after = record(&json!({ "name": added.name, "domain": added.domain, "from_lead": row.id }));
    saved_event(conn, viewer, Subject::Company(added.id), after).await?;
    Ok(added.id)
}

async fn find_or_add_contact(
    conn: &Write,
    viewer: &CurrentUser,
    row: &lead::Model,
    company: Option<Uuid>,
) -> Result<Uuid, AppError> {
    let workspace = viewer.workspace_id.0;
    if let Some(email) = &row.email {
        if let Some(found) = contact::Entity::find()
            .filter(contact::Column::WorkspaceId.eq(workspace))
            .filter(contact::Column::Email.eq(email.clone()))
            .one(conn)
            .await
            .or_internal()?
        {
            return Ok(found.id);
        }
    }
    let name = row
        .name
        .clone()
        .or_else(|| row.email.clone())
        .or_else(|| row.phone.clone())
        .unwrap_or_default();
    let added = contact::ActiveModel {
        id: Set(Uuid::new_v4()),
        workspace_id: Set(workspace),
        company_id: Set(company),
        name: Set(name),
        email: Set(row.email.clone()),
        phone: Set(row.phone.clone()),
        title: Set(row.title.clone()),
        created_at: Set(Utc::now()),
        version: Set(1),
    }
    .insert(conn)
    .await
    .or_internal()?;
    let after = record(&json!({ "name": added.name, "email": added.email, "from_lead": row.id }));
    saved_event(conn, viewer, Subject::Contact(added.id), after).await?;
    Ok(added.id)
}
