use domain::lead::LeadStatus;
use sea_orm::entity::prelude::*;

/// A lead in the shared inbox. `status` and `source` hold `LeadStatus` / `LeadSource`
/// keys; `qualification` is a JSON `Qualification`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "leads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub status: LeadStatus,
    pub source: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub phone_digits: Option<String>,
    pub title: Option<String>,
    pub company: Option<String>,
    pub domain: Option<String>,
    pub campaign: Option<String>,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
    pub utm_term: Option<String>,
    pub utm_content: Option<String>,
    pub landing_page: Option<String>,
    pub referrer: Option<String>,
    pub disqualify_reason: Option<String>,
    pub company_size: Option<i32>,
    pub message: Option<String>,
    pub owner_id: Option<Uuid>,
    /// The existing contact this person already is, found on arrival.
    pub contact_id: Option<Uuid>,
    /// The deal it became.
    pub deal_id: Option<Uuid>,
    pub qualification: String,
    pub score: i32,
    pub submissions: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub first_response_at: Option<DateTimeUtc>,
    pub version: i32,
    pub country: Option<String>,
    /// Out of the inbox's views until then.
    pub snoozed_until: Option<DateTimeUtc>,
    /// When a web-form post last woke it from a snooze: at most once an hour.
    pub woken_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
