//! Contacts: the people at companies. One e-mail address, one contact per workspace.

use super::{by_name, contains, find_company, offset, related, SEARCH_MAX};
use crate::write::Lock;
use crate::{
    db::{require_current, OrInternal},
    entity::{company, contact},
    event_log::Change,
    Crm,
};
use chrono::Utc;
use domain::event::{
    payload::{record, Record},
    Payload, Subject,
};
use domain::{
    account::CurrentUser,
    company::{
        duplicate_error, ContactDetails, ContactFields, ContactInput, ContactSummary, ListPage,
        ListSort, PAGE_SIZE,
    },
    ids::{CompanyId, ContactId},
    AppError, WorkspaceId,
};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Func},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoSimpleExpr, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

pub(super) fn summary(row: contact::Model, company: Option<(CompanyId, String)>) -> ContactSummary {
    ContactSummary {
        id: ContactId(row.id),
        name: row.name,
        email: row.email,
        phone: row.phone,
        title: row.title,
        company,
    }
}

/// What the event log records about a contact.
fn logged(fields: &ContactFields, company_id: Option<Uuid>) -> Record {
    record(&json!({
        "name": fields.name, "email": fields.email, "phone": fields.phone,
        "title": fields.title, "company_id": company_id,
    }))
}

/// The names of the companies `rows` belong to, in one query.
async fn company_names<C: ConnectionTrait>(
    conn: &C,
    workspace_id: WorkspaceId,
    rows: &[contact::Model],
) -> Result<HashMap<Uuid, String>, AppError> {
    let ids: Vec<Uuid> = rows.iter().filter_map(|r| r.company_id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let companies = company::Entity::find()
        .filter(company::Column::WorkspaceId.eq(workspace_id.0))
        .filter(company::Column::Id.is_in(ids))
        .all(conn)
        .await
        .or_internal()?;
    Ok(companies.into_iter().map(|c| (c.id, c.name)).collect())
}

/// The company a contact form names, matched case-insensitively within the workspace.
async fn company_named<C: ConnectionTrait>(
    conn: &C,
    workspace_id: WorkspaceId,
    name: Option<&str>,
) -> Result<Option<Uuid>, AppError> {
    let Some(name) = name else {
        return Ok(None);
    };
    let lowered = Expr::from(Func::lower(company::Column::Name.into_simple_expr()))
        .eq(name.to_lowercase())
        // SQLite lowers ASCII only: an exact match still finds "Ökonom GmbH".
        .or(company::Column::Name.eq(name));
    // Two rows are enough to know the name is ambiguous.
    let found = company::Entity::find()
        .filter(company::Column::WorkspaceId.eq(workspace_id.0))
        .filter(lowered)
        .limit(2)
        .all(conn)
        .await
        .or_internal()?;
    match found.as_slice() {
        [only] => Ok(Some(only.id)),
        [] => Err(AppError::invalid(
            "company",
            "There is no company with that name yet. Create it first, or leave this empty.",
        )),
        _ => Err(AppError::invalid(
            "company",
            "Several companies have that name. Rename one of them to tell them apart.",
        )),
    }
}

/// Refuses an e-mail another contact of the workspace already has.
async fn ensure_email_free<C: ConnectionTrait>(
    conn: &C,
    workspace_id: WorkspaceId,
    email: Option<&str>,
    except: Option<Uuid>,
) -> Result<(), AppError> {
    let Some(email) = email else {
        return Ok(());
    };
    let mut query = contact::Entity::find()
        .filter(contact::Column::WorkspaceId.eq(workspace_id.0))
        .filter(contact::Column::Email.eq(email));
    if let Some(id) = except {
        query = query.filter(contact::Column::Id.ne(id));
    }
    match query.one(conn).await.or_internal()? {
        Some(existing) => Err(duplicate_error(
            "email",
            format!("{} already has this e-mail.", existing.name),
            existing.id,
        )),
        None => Ok(()),
    }
}

async fn find_contact<C: ConnectionTrait>(
    conn: &C,
    workspace_id: WorkspaceId,
    id: ContactId,
) -> Result<contact::Model, AppError> {
    contact::Entity::find_by_id(id.0)
        .filter(contact::Column::WorkspaceId.eq(workspace_id.0))
        .one(conn)
        .await
        .or_internal()?
        .ok_or(AppError::NotFound)
}

impl Crm {
    /// Contacts whose name or e-mail contains `text`, for pickers (at most 50).
    ///
    /// # Errors
    /// `Internal` on database failure.
    pub async fn search_contacts(
        &self,
        viewer: &CurrentUser,
        text: &str,
        limit: u64,
    ) -> Result<Vec<(ContactId, String, Option<String>)>, AppError> {
        domain::limits::check_search("text", text)?;
        let query = contact::Entity::find()
            .filter(contact::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .filter(
                contains(contact::Column::Name, text).or(contains(contact::Column::Email, text)),
            );
        let rows = by_name(query, contact::Column::Name, Order::Asc)
            .limit(limit.clamp(1, SEARCH_MAX))
            .all(&self.db)
            .await
            .or_internal()?;
        Ok(rows
            .into_iter()
            .map(|row| (ContactId(row.id), row.name, row.email))
            .collect())
    }

    /// One page of the workspace's contacts matching `text` (name, e-mail, phone or title).
    ///
    /// # Errors
    /// `Validation` for a page or search past its bound; `Internal` on database failure.
    pub async fn list_contacts(
        &self,
        viewer: &CurrentUser,
        text: &str,
        sort: ListSort,
        page: u64,
    ) -> Result<ListPage<ContactSummary>, AppError> {
        domain::limits::check_search("text", text)?;
        let offset = offset(page)?;
        let mut query =
            contact::Entity::find().filter(contact::Column::WorkspaceId.eq(viewer.workspace_id.0));
        if !text.trim().is_empty() {
            query = query.filter(
                contains(contact::Column::Name, text)
                    .or(contains(contact::Column::Email, text))
                    .or(contains(contact::Column::Phone, text))
                    .or(contains(contact::Column::Title, text)),
            );
        }
        let total = query.clone().count(&self.db).await.or_internal()?;
        let query = match sort {
            ListSort::NameDesc => by_name(query, contact::Column::Name, Order::Desc),
            ListSort::Newest => query.order_by_desc(contact::Column::CreatedAt),
            ListSort::Oldest => query.order_by_asc(contact::Column::CreatedAt),
            // People have no size; "largest" falls back to the name order.
            ListSort::NameAsc | ListSort::Largest => {
                by_name(query, contact::Column::Name, Order::Asc)
            }
        };
        let rows = query
            .order_by_asc(contact::Column::Id)
            .offset(offset)
            .limit(PAGE_SIZE)
            .all(&self.db)
            .await
            .or_internal()?;
        let names = company_names(&self.db, viewer.workspace_id, &rows).await?;
        let items = rows
            .into_iter()
            .map(|row| {
                let company = row
                    .company_id
                    .and_then(|id| Some((CompanyId(id), names.get(&id)?.clone())));
                summary(row, company)
            })
            .collect();
        Ok(ListPage {
            items,
            total,
            page,
            per_page: PAGE_SIZE,
        })
    }

    /// A contact with their company and the deals they take part in.
    ///
    /// # Errors
    /// `NotFound` outside the viewer's workspace.
    pub async fn contact_details(
        &self,
        viewer: &CurrentUser,
        id: ContactId,
    ) -> Result<ContactDetails, AppError> {
        let row = find_contact(&self.db, viewer.workspace_id, id).await?;
        let company = match row.company_id {
            Some(company_id) => find_company(&self.db, viewer.workspace_id, CompanyId(company_id))
                .await
                .ok()
                .map(|c| (CompanyId(c.id), c.name)),
            None => None,
        };
        let (deals, deals_total) = related::deals_of_contact(&self.db, viewer, id).await?;
        let (created_at, version) = (row.created_at, row.version);
        Ok(ContactDetails {
            contact: summary(row, company),
            created_at,
            version,
            deals,
            deals_total,
        })
    }

    /// Adds a contact, unless another one already has their e-mail.
    ///
    /// # Errors
    /// `Validation` per field; for a taken e-mail it names the existing contact
    /// (see `domain::company::duplicate_of`).
    pub async fn create_contact(
        &self,
        actor: &CurrentUser,
        input: ContactInput,
    ) -> Result<ContactId, AppError> {
        let fields = input.validate()?;
        crate::permissions::permit(actor, domain::permission::Action::EditRecords)?;
        self.write(Lock::Workspace(actor.workspace_id), async |txn| {
            // See `create_company`: one duplicate check at a time per workspace.
            ensure_email_free(txn, actor.workspace_id, fields.email.as_deref(), None).await?;
            let company_id =
                company_named(txn, actor.workspace_id, fields.company.as_deref()).await?;
            let id = Uuid::new_v4();
            contact::ActiveModel {
                id: Set(id),
                workspace_id: Set(actor.workspace_id.0),
                company_id: Set(company_id),
                name: Set(fields.name.clone()),
                email: Set(fields.email.clone()),
                phone: Set(fields.phone.clone()),
                title: Set(fields.title.clone()),
                created_at: Set(Utc::now()),
                version: Set(1),
            }
            .insert(txn)
            .await
            .or_internal()?;
            txn.append(Change {
                workspace_id: actor.workspace_id,
                actor: Some(actor.user_id),
                subject: Subject::Contact(id),
                payload: Payload::ContactSaved(None, logged(&fields, company_id)),
            })
            .await?;
            Ok(ContactId(id))
        })
        .await
    }

    /// Changes a contact's fields; the e-mail guard applies as on creation.
    ///
    /// # Errors
    /// `NotFound` outside the workspace; `Validation` as for `create_contact`.
    pub async fn update_contact(
        &self,
        actor: &CurrentUser,
        (id, version): (ContactId, i32),
        input: ContactInput,
    ) -> Result<(), AppError> {
        let fields = input.validate()?;
        crate::permissions::permit(actor, domain::permission::Action::EditRecords)?;
        self.write(Lock::Workspace(actor.workspace_id), async |txn| {
            let row = find_contact(txn, actor.workspace_id, id).await?;
            let subject = Subject::Contact(id.0);
            require_current(
                txn,
                (actor.workspace_id, subject),
                (row.version, version),
                "contact",
            )
            .await?;
            ensure_email_free(txn, actor.workspace_id, fields.email.as_deref(), Some(id.0)).await?;
            let company_id =
                company_named(txn, actor.workspace_id, fields.company.as_deref()).await?;
            let before = ContactFields {
                name: row.name.clone(),
                email: row.email.clone(),
                phone: row.phone.clone(),
                title: row.title.clone(),
                company: None,
            };
            let before = logged(&before, row.company_id);
            let after = logged(&fields, company_id);
            if before == after {
                return Ok(());
            }
            let next = row.version + 1;
            let mut change: contact::ActiveModel = row.into();
            change.version = Set(next);
            change.name = Set(fields.name.clone());
            change.email = Set(fields.email.clone());
            change.phone = Set(fields.phone.clone());
            change.title = Set(fields.title.clone());
            change.company_id = Set(company_id);
            change.update(txn).await.or_internal()?;
            txn.append(Change {
                workspace_id: actor.workspace_id,
                actor: Some(actor.user_id),
                subject,
                payload: Payload::ContactSaved(Some(before), after),
            })
            .await?;
            Ok(())
        })
        .await
    }
}
