//! The deals a company or contact page lists: newest first, capped, with stage names
//! fetched in one query rather than one per deal.

use crate::permissions::visible;
use crate::{
    db::OrInternal,
    entity::{deal, deal_contact, stage},
};
use domain::deal::ContactRole;
use domain::{
    account::CurrentUser,
    company::{RelatedDeal, RELATED_MAX},
    ids::{CompanyId, ContactId, DealId},
    AppError,
};
use sea_orm::{
    sea_query::Query, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};
use std::collections::HashMap;
use uuid::Uuid;

async fn load<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    query: Select<deal::Entity>,
) -> Result<(Vec<RelatedDeal>, u64), AppError> {
    let query = visible(query, viewer, deal::Column::OwnerId)
        .filter(deal::Column::WorkspaceId.eq(viewer.workspace_id.0));
    let total = query.clone().count(conn).await.or_internal()?;
    let rows = query
        .order_by_desc(deal::Column::CreatedAt)
        .order_by_asc(deal::Column::Id)
        .limit(RELATED_MAX)
        .all(conn)
        .await
        .or_internal()?;
    let stage_ids: Vec<Uuid> = rows.iter().map(|d| d.stage_id).collect();
    let stages: HashMap<Uuid, String> = if stage_ids.is_empty() {
        HashMap::new()
    } else {
        stage::Entity::find()
            .filter(stage::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .filter(stage::Column::Id.is_in(stage_ids))
            .all(conn)
            .await
            .or_internal()?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect()
    };
    let deals = rows
        .into_iter()
        .map(|d| RelatedDeal {
            id: DealId(d.id),
            stage: stages.get(&d.stage_id).cloned().unwrap_or_default(),
            role: None,
            title: d.title,
            value_cents: d.value_cents,
            currency: d.currency,
            status: d.status,
        })
        .collect();
    Ok((deals, total))
}

/// The company's deals and how many there are in all.
pub(super) async fn deals_of_company<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    company: CompanyId,
) -> Result<(Vec<RelatedDeal>, u64), AppError> {
    let query = deal::Entity::find().filter(deal::Column::CompanyId.eq(company.0));
    load(conn, viewer, query).await
}

/// The deals the contact is on, with their role on each.
pub(super) async fn deals_of_contact<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    contact: ContactId,
) -> Result<(Vec<RelatedDeal>, u64), AppError> {
    let workspace_id = viewer.workspace_id;
    let links = deal_contact::Entity::find()
        .filter(deal_contact::Column::WorkspaceId.eq(workspace_id.0))
        .filter(deal_contact::Column::ContactId.eq(contact.0));
    let on_deal = Query::select()
        .column(deal_contact::Column::DealId)
        .from(deal_contact::Entity)
        .and_where(deal_contact::Column::WorkspaceId.eq(workspace_id.0))
        .and_where(deal_contact::Column::ContactId.eq(contact.0))
        .to_owned();
    let query = deal::Entity::find().filter(deal::Column::Id.in_subquery(on_deal));
    let (deals, total) = load(conn, viewer, query).await?;
    // Roles only for the deals shown: at most RELATED_MAX rows.
    let shown: Vec<Uuid> = deals.iter().map(|d| d.id.0).collect();
    let roles: HashMap<Uuid, ContactRole> = if shown.is_empty() {
        HashMap::new()
    } else {
        links
            .filter(deal_contact::Column::DealId.is_in(shown))
            .all(conn)
            .await
            .or_internal()?
            .into_iter()
            .map(|link| (link.deal_id, link.role))
            .collect()
    };
    let deals = deals
        .into_iter()
        .map(|mut d| {
            d.role = roles.get(&d.id.0).cloned();
            d
        })
        .collect();
    Ok((deals, total))
}
