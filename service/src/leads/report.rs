//! The marketing view: what each source and campaign brought, from first form post to
//! won revenue. Two grouped queries, so it stays fast with a hundred thousand leads.

use crate::permissions::visible;
use crate::{
    db::OrInternal,
    entity::{deal, lead},
    Crm,
};
use domain::deal::DealStatus;
use domain::{
    account::CurrentUser,
    lead::{LeadSource, LeadStatus},
    lead_rules::{MarketingReport, SourceFigures},
    money::Currency,
    AppError,
};
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// Campaign rows shown: the biggest ones; the rest are summed as "Other campaigns".
const CAMPAIGNS_SHOWN: usize = 25;
/// Deals looked up per query when closing the loop.
const CHUNK: usize = 500;

impl Crm {
    /// Leads, qualification, conversion and won revenue by source and by campaign.
    ///
    /// # Errors
    /// Database failure.
    pub async fn marketing_report(
        &self,
        viewer: &CurrentUser,
    ) -> Result<MarketingReport, AppError> {
        let workspace = viewer.workspace_id.0;
        let counts: Vec<(String, Option<String>, String, i64)> =
            visible(lead::Entity::find(), viewer, lead::Column::OwnerId)
                .select_only()
                .column(lead::Column::Source)
                .column(lead::Column::Campaign)
                .column(lead::Column::Status)
                .column_as(Expr::cust("COUNT(*)"), "leads")
                .filter(lead::Column::WorkspaceId.eq(workspace))
                .group_by(lead::Column::Source)
                .group_by(lead::Column::Campaign)
                .group_by(lead::Column::Status)
                .into_tuple()
                .all(&self.db)
                .await
                .or_internal()?;
        let mut by_source: BTreeMap<String, SourceFigures> = BTreeMap::new();
        let mut by_campaign: BTreeMap<String, SourceFigures> = BTreeMap::new();
        for (source, campaign, status, n) in counts {
            let n = u64::try_from(n).unwrap_or(0);
            let status = LeadStatus::parse(&status);
            for row in [
                by_source.entry(source).or_default(),
                by_campaign.entry(campaign.unwrap_or_default()).or_default(),
            ] {
                row.leads += n;
                if matches!(
                    status,
                    Some(
                        LeadStatus::MarketingQualified
                            | LeadStatus::Qualified
                            | LeadStatus::Converted
                    )
                ) {
                    row.qualified += n;
                }
                if status == Some(LeadStatus::Converted) {
                    row.converted += n;
                }
            }
        }
        self.close_the_loop(viewer, &mut by_source, &mut by_campaign)
            .await?;
        Ok(MarketingReport {
            by_source: by_source
                .into_iter()
                .map(|(key, mut row)| {
                    row.label = LeadSource::parse(&key).map_or(key, |s| s.label().to_owned());
                    row
                })
                .collect(),
            by_campaign: campaigns(by_campaign),
        })
    }

    /// Adds each converted lead's won deal to its source's and campaign's revenue.
    async fn close_the_loop(
        &self,
        viewer: &CurrentUser,
        by_source: &mut BTreeMap<String, SourceFigures>,
        by_campaign: &mut BTreeMap<String, SourceFigures>,
    ) -> Result<(), AppError> {
        let workspace = viewer.workspace_id.0;
        let converted: Vec<(String, Option<String>, Option<Uuid>)> =
            visible(lead::Entity::find(), viewer, lead::Column::OwnerId)
                .select_only()
                .column(lead::Column::Source)
                .column(lead::Column::Campaign)
                .column(lead::Column::DealId)
                .filter(lead::Column::WorkspaceId.eq(workspace))
                .filter(lead::Column::Status.eq(LeadStatus::Converted.key()))
                .into_tuple()
                .all(&self.db)
                .await
                .or_internal()?;
        let ids: Vec<Uuid> = converted.iter().filter_map(|(_, _, deal)| *deal).collect();
        let mut won: HashMap<Uuid, (Currency, i64)> = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            let rows: Vec<(Uuid, String, i64)> =
                visible(deal::Entity::find(), viewer, deal::Column::OwnerId)
                    .select_only()
                    .column(deal::Column::Id)
                    .column(deal::Column::Currency)
                    .column(deal::Column::ValueCents)
                    .filter(deal::Column::WorkspaceId.eq(workspace))
                    .filter(deal::Column::Status.eq(DealStatus::Won))
                    .filter(deal::Column::Id.is_in(chunk.to_vec()))
                    .into_tuple()
                    .all(&self.db)
                    .await
                    .or_internal()?;
            for (id, currency, cents) in rows {
                won.insert(
                    id,
                    (Currency::parse(&currency).unwrap_or(Currency::USD), cents),
                );
            }
        }
        for (source, campaign, deal) in converted {
            let Some((currency, cents)) = deal.and_then(|id| won.get(&id)).copied() else {
                continue;
            };
            for row in [
                by_source.entry(source.clone()).or_default(),
                by_campaign
                    .entry(campaign.clone().unwrap_or_default())
                    .or_default(),
            ] {
                row.won_deals += 1;
                row.add_won(currency, cents);
            }
        }
        Ok(())
    }
}

/// Campaigns by lead count, the long tail folded into one row, leads without a
/// campaign last.
fn campaigns(by_campaign: BTreeMap<String, SourceFigures>) -> Vec<SourceFigures> {
    let mut none = None;
    let mut rows: Vec<SourceFigures> = Vec::new();
    for (name, mut row) in by_campaign {
        if name.is_empty() {
            row.label = "No campaign".to_owned();
            none = Some(row);
        } else {
            row.label = name;
            rows.push(row);
        }
    }
    rows.sort_by(|a, b| b.leads.cmp(&a.leads).then_with(|| a.label.cmp(&b.label)));
    if rows.len() > CAMPAIGNS_SHOWN {
        let mut other = SourceFigures {
            label: "Other campaigns".to_owned(),
            ..SourceFigures::default()
        };
        for row in rows.drain(CAMPAIGNS_SHOWN..) {
            other.absorb(row);
        }
        rows.push(other);
    }
    rows.extend(none);
    rows
}
