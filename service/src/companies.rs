//! Companies: create, edit, list, search, and the company page. Contacts live in
//! `companies/contacts.rs`; the deal lists both pages show in `companies/related.rs`.

mod contacts;
mod related;

use crate::write::Lock;
use crate::{
    db::{require_current, OrInternal},
    entity::{company, contact},
    event_log::Change,
    Crm,
};
use chrono::Utc;
use domain::event::{payload::record, Payload, Subject};
use domain::{
    account::CurrentUser,
    company::{
        duplicate_error, Company, CompanyDetails, CompanyFields, CompanyInput, CompanySummary,
        ListPage, ListSort, PAGE_SIZE, RELATED_MAX,
    },
    ids::CompanyId,
    AppError, WorkspaceId,
};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Func, LikeExpr, NullOrdering},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoSimpleExpr, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set,
};
use uuid::Uuid;

/// Picker results at most: a dropdown, not a report.
const SEARCH_MAX: u64 = 50;

/// `LOWER(column) LIKE '%text%'`, with the user's `%` and `_` taken literally.
pub(crate) fn contains<C: ColumnTrait>(column: C, text: &str) -> Expr {
    let escaped = text
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Expr::from(Func::lower(column.into_simple_expr()))
        .like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}

/// Orders by the lower-cased column, so "acme" and "Zeta" sort as people expect on both engines.
pub(crate) fn by_name<E: EntityTrait, C: ColumnTrait>(
    query: Select<E>,
    column: C,
    order: Order,
) -> Select<E> {
    query.order_by(Func::lower(column.into_simple_expr()), order)
}

/// The page's offset, refusing page numbers past `limits::PAGE_MAX` (so the product
/// cannot overflow).
pub(crate) fn offset(page: u64) -> Result<u64, AppError> {
    Ok(domain::limits::check_page(page)?.saturating_mul(PAGE_SIZE))
}

pub(crate) fn fields(row: &company::Model) -> CompanyFields {
    CompanyFields {
        name: row.name.clone(),
        domain: row.domain.clone(),
        industry: row.industry.clone(),
        employees: row.employees,
        address: row.address.clone(),
    }
}

fn summary(row: company::Model) -> CompanySummary {
    CompanySummary {
        id: CompanyId(row.id),
        name: row.name,
        domain: row.domain,
        industry: row.industry,
        employees: row.employees,
    }
}

/// A company of the viewer's workspace; another workspace's is `NotFound`.
pub(crate) async fn find_company<C: ConnectionTrait>(
    conn: &C,
    workspace_id: WorkspaceId,
    id: CompanyId,
) -> Result<company::Model, AppError> {
    company::Entity::find_by_id(id.0)
        .filter(company::Column::WorkspaceId.eq(workspace_id.0))
        .one(conn)
        .await
        .or_internal()?
        .ok_or(AppError::NotFound)
}

/// Refuses a domain another company of the workspace already has.
async fn ensure_domain_free<C: ConnectionTrait>(
    conn: &C,
    workspace_id: WorkspaceId,
    domain: Option<&str>,
    except: Option<Uuid>,
) -> Result<(), AppError> {
    let Some(domain) = domain else {
        return Ok(());
    };
    let mut query = company::Entity::find()
        .filter(company::Column::WorkspaceId.eq(workspace_id.0))
        .filter(company::Column::Domain.eq(domain));
    if let Some(id) = except {
        query = query.filter(company::Column::Id.ne(id));
    }
    match query.one(conn).await.or_internal()? {
        Some(existing) => Err(duplicate_error(
            "domain",
            format!("{} already uses this domain.", existing.name),
            existing.id,
        )),
        None => Ok(()),
    }
}

impl Crm {
    /// Companies whose name contains `text`, for pickers (at most 50).
    ///
    /// # Errors
    /// `Internal` on database failure.
    pub async fn search_companies(
        &self,
        viewer: &CurrentUser,
        text: &str,
        limit: u64,
    ) -> Result<Vec<(CompanyId, String)>, AppError> {
        domain::limits::check_search("text", text)?;
        let query = company::Entity::find()
            .filter(company::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .filter(contains(company::Column::Name, text));
        let rows = by_name(query, company::Column::Name, Order::Asc)
            .limit(limit.clamp(1, SEARCH_MAX))
            .all(&self.db)
            .await
            .or_internal()?;
        Ok(rows
            .into_iter()
            .map(|row| (CompanyId(row.id), row.name))
            .collect())
    }

    /// One page of the workspace's companies matching `text` (name, domain or industry).
    ///
    /// # Errors
    /// `Validation` for a page or search past its bound; `Internal` on database failure.
    pub async fn list_companies(
        &self,
        viewer: &CurrentUser,
        text: &str,
        sort: ListSort,
        page: u64,
    ) -> Result<ListPage<CompanySummary>, AppError> {
        domain::limits::check_search("text", text)?;
        let offset = offset(page)?;
        let mut query =
            company::Entity::find().filter(company::Column::WorkspaceId.eq(viewer.workspace_id.0));
        if !text.trim().is_empty() {
            query = query.filter(
                contains(company::Column::Name, text)
                    .or(contains(company::Column::Domain, text))
                    .or(contains(company::Column::Industry, text)),
            );
        }
        let total = query.clone().count(&self.db).await.or_internal()?;
        let query = match sort {
            ListSort::NameAsc => by_name(query, company::Column::Name, Order::Asc),
            ListSort::NameDesc => by_name(query, company::Column::Name, Order::Desc),
            ListSort::Newest => query.order_by_desc(company::Column::CreatedAt),
            ListSort::Oldest => query.order_by_asc(company::Column::CreatedAt),
            ListSort::Largest => query.order_by_with_nulls(
                company::Column::Employees,
                Order::Desc,
                NullOrdering::Last,
            ),
        };
        // The id breaks ties, so paging never shows a row twice or skips one.
        let rows = query
            .order_by_asc(company::Column::Id)
            .offset(offset)
            .limit(PAGE_SIZE)
            .all(&self.db)
            .await
            .or_internal()?;
        Ok(ListPage {
            items: rows.into_iter().map(summary).collect(),
            total,
            page,
            per_page: PAGE_SIZE,
        })
    }

    /// A company with its people and its deals.
    ///
    /// # Errors
    /// `NotFound` outside the viewer's workspace.
    pub async fn company_details(
        &self,
        viewer: &CurrentUser,
        id: CompanyId,
    ) -> Result<CompanyDetails, AppError> {
        let row = find_company(&self.db, viewer.workspace_id, id).await?;
        let people = contact::Entity::find()
            .filter(contact::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .filter(contact::Column::CompanyId.eq(id.0));
        let contacts_total = people.clone().count(&self.db).await.or_internal()?;
        let people = by_name(people, contact::Column::Name, Order::Asc)
            .limit(RELATED_MAX)
            .all(&self.db)
            .await
            .or_internal()?;
        let (deals, deals_total) = related::deals_of_company(&self.db, viewer, id).await?;
        let company_name = row.name.clone();
        Ok(CompanyDetails {
            company: Company {
                id,
                fields: fields(&row),
                created_at: row.created_at,
                version: row.version,
            },
            contacts: people
                .into_iter()
                .map(|p| contacts::summary(p, Some((id, company_name.clone()))))
                .collect(),
            contacts_total,
            deals,
            deals_total,
        })
    }

    /// Adds a company, unless another one already has its domain.
    ///
    /// # Errors
    /// `Validation` per field; for a taken domain it names the existing company
    /// (see `domain::company::duplicate_of`).
    pub async fn create_company(
        &self,
        actor: &CurrentUser,
        input: CompanyInput,
    ) -> Result<CompanyId, AppError> {
        let fields = input.validate()?;
        crate::permissions::permit(actor, domain::permission::Action::EditRecords)?;
        self.write(Lock::Workspace(actor.workspace_id), async |txn| {
            // Serialises creations per workspace on PostgreSQL, so two people adding the same
            // domain at once cannot both pass the check (SQLite writers are serial already).
            ensure_domain_free(txn, actor.workspace_id, fields.domain.as_deref(), None).await?;
            let id = Uuid::new_v4();
            company::ActiveModel {
                id: Set(id),
                workspace_id: Set(actor.workspace_id.0),
                name: Set(fields.name.clone()),
                domain: Set(fields.domain.clone()),
                industry: Set(fields.industry.clone()),
                employees: Set(fields.employees),
                address: Set(fields.address.clone()),
                created_at: Set(Utc::now()),
                version: Set(1),
            }
            .insert(txn)
            .await
            .or_internal()?;
            txn.append(Change {
                workspace_id: actor.workspace_id,
                actor: Some(actor.user_id),
                subject: Subject::Company(id),
                payload: Payload::CompanySaved(None, record(&fields)),
            })
            .await?;
            Ok(CompanyId(id))
        })
        .await
    }

    /// Changes a company's fields; the domain guard applies as on creation.
    ///
    /// # Errors
    /// `NotFound` outside the workspace; `Validation` as for `create_company`.
    pub async fn update_company(
        &self,
        actor: &CurrentUser,
        (id, version): (CompanyId, i32),
        input: CompanyInput,
    ) -> Result<(), AppError> {
        let fields = input.validate()?;
        crate::permissions::permit(actor, domain::permission::Action::EditRecords)?;
        self.write(Lock::Workspace(actor.workspace_id), async |txn| {
            let row = find_company(txn, actor.workspace_id, id).await?;
            let subject = Subject::Company(id.0);
            require_current(
                txn,
                (actor.workspace_id, subject),
                (row.version, version),
                "company",
            )
            .await?;
            ensure_domain_free(
                txn,
                actor.workspace_id,
                fields.domain.as_deref(),
                Some(id.0),
            )
            .await?;
            let before = self::fields(&row);
            if before == fields {
                return Ok(());
            }
            let next = row.version + 1;
            let mut change: company::ActiveModel = row.into();
            change.version = Set(next);
            change.name = Set(fields.name.clone());
            change.domain = Set(fields.domain.clone());
            change.industry = Set(fields.industry.clone());
            change.employees = Set(fields.employees);
            change.address = Set(fields.address.clone());
            change.update(txn).await.or_internal()?;
            txn.append(Change {
                workspace_id: actor.workspace_id,
                actor: Some(actor.user_id),
                subject,
                payload: Payload::CompanySaved(Some(record(&before)), record(&fields)),
            })
            .await?;
            Ok(())
        })
        .await
    }
}
