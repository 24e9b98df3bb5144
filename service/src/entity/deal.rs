use domain::deal::DealStatus;
use domain::money::Currency;
use domain::stored::Listed;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub pipeline_id: Uuid,
    pub stage_id: Uuid,
    pub company_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub title: String,
    /// Value in hundredths of the currency unit: integer sums are exact on every engine.
    pub value_cents: i64,
    pub currency: Currency,
    pub expected_close_on: Option<Date>,
    pub status: DealStatus,
    pub lost_reason: Option<String>,
    pub source: Option<String>,
    pub next_step: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub stage_entered_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    /// Last completed activity: with `stage_entered_at`, what the rotting mark reads.
    pub touched_at: Option<DateTimeUtc>,
    pub version: i32,
    /// Lower case, each once (a JSON array).
    pub tags: Listed<String>,
    /// Ticked checklist items (a JSON array).
    pub checked: Listed<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
