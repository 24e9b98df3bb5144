//! Capturing a lead: checked, matched against the open leads and contacts of the
//! workspace, merged or created, and handed to the next rep in the rotation, all in one
//! transaction. Every submission is kept, merged or not.

use super::{lead_event, rotation::next_owner};
use crate::write::Lock;
use crate::{
    db::OrInternal,
    entity::{self, contact, lead, lead_submission},
    Crm,
};
use chrono::Utc;
use domain::{
    account::CurrentUser,
    event::EventKind,
    lead::{merge_message, Captured, LeadSource, LeadStatus, NewLead, ValidLead},
    lead_form::{read_post, Posted, TICKET_FIELD},
    AppError, UserId, WorkspaceId,
};
use sea_orm::{
    sea_query::{Condition, Expr, ExprTrait},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

/// Who is capturing: a member typing it in, or a public form / import with no session.
#[derive(Debug, Clone, Copy)]
pub struct CaptureBy {
    pub workspace: WorkspaceId,
    /// A member's quick add: they own it. `None`: the rotation decides.
    pub member: Option<UserId>,
    pub source: LeadSource,
    /// The web form it came through.
    pub form: Option<Uuid>,
}

/// What a public form post did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormPost {
    Captured(Captured),
    /// The honeypot was filled: nothing was stored, and the sender is not told.
    Ignored,
}

impl Crm {
    /// A post to a public web form: read against the form's field list, then captured
    /// as a web-form lead of the form's workspace, tagged with its campaign.
    ///
    /// # Errors
    /// `NotFound` for an unknown or deleted form; `Validation` for unknown fields or bad
    /// values (nothing is stored then).
    pub async fn post_form(
        &self,
        key: &str,
        pairs: &[(String, String)],
    ) -> Result<FormPost, AppError> {
        let (workspace, form) = self.form_by_key(key).await?.ok_or(AppError::NotFound)?;
        // Counted once the form is known: made-up keys cannot fill the limiter's memory.
        self.form_posts.check(&form.id.to_string())?;
        if super::setup::settings_of(&self.db, workspace)
            .await?
            .form_check
        {
            let secret = self.ticket_secret(form.id).await?;
            let ticket = pairs
                .iter()
                .find(|(name, _)| name == TICKET_FIELD)
                .map(|(_, value)| value.as_str());
            super::ticket::check(&secret, key, ticket, Utc::now())?;
        }
        let lead = match read_post(&form, pairs).map_err(AppError::Validation)? {
            Posted::Bot => return Ok(FormPost::Ignored),
            Posted::Lead(lead) => *lead,
        };
        let by = CaptureBy {
            workspace,
            member: None,
            source: LeadSource::WebForm,
            form: Some(form.id),
        };
        self.capture_lead(by, lead).await.map(FormPost::Captured)
    }

    /// A timing ticket for form `key`, for the form's page to send back with the post
    /// (see `leads::ticket`).
    ///
    /// # Errors
    /// `NotFound` for an unknown or deleted form.
    pub async fn form_ticket(&self, key: &str) -> Result<String, AppError> {
        let (_, form) = self.form_by_key(key).await?.ok_or(AppError::NotFound)?;
        let secret = self.ticket_secret(form.id).await?;
        super::ticket::issue(&secret, key, Utc::now())
    }

    /// A form's ticket for a moment in the past: tests stand in for a visitor who
    /// opened the page then.
    ///
    /// # Errors
    /// As [`Crm::form_ticket`].
    #[doc(hidden)]
    pub async fn form_ticket_at(
        &self,
        key: &str,
        at: chrono::DateTime<Utc>,
    ) -> Result<String, AppError> {
        let (_, form) = self.form_by_key(key).await?.ok_or(AppError::NotFound)?;
        let secret = self.ticket_secret(form.id).await?;
        super::ticket::issue(&secret, key, at)
    }

    async fn ticket_secret(&self, form: Uuid) -> Result<String, AppError> {
        entity::lead_form::Entity::find_by_id(form)
            .one(&self.db)
            .await
            .or_internal()?
            .map(|row| row.ticket_secret)
            .ok_or(AppError::NotFound)
    }

    /// A lead typed in by a member, from the inbox: they own it.
    ///
    /// # Errors
    /// `Forbidden` for a role that may not add leads; `Validation` for bad fields.
    pub async fn add_lead(&self, viewer: &CurrentUser, new: NewLead) -> Result<Captured, AppError> {
        crate::permissions::permit(viewer, domain::permission::Action::AddLead)?;
        let by = CaptureBy {
            workspace: viewer.workspace_id,
            member: Some(viewer.user_id),
            source: LeadSource::Manual,
            form: None,
        };
        self.capture_lead(by, new).await
    }

    /// Adds a lead to the inbox, or merges it into the open lead of the same person
    /// (same e-mail, or same phone, or for a company-only lead the same domain).
    ///
    /// # Errors
    /// `Validation` for bad fields; nothing is written then.
    pub async fn capture_lead(&self, by: CaptureBy, new: NewLead) -> Result<Captured, AppError> {
        let valid = new.validate().map_err(AppError::Validation)?;
        let payload = serde_json::to_string(&new).map_err(|_| AppError::Internal)?;
        // Anyone on the internet can post a form with anyone's e-mail address: such a
        // post only adds a submission to an open lead, never changes what reps see.
        let anonymous = by.member.is_none() && by.source == LeadSource::WebForm;
        self.write(Lock::Workspace(by.workspace), async |txn| {
            let now = Utc::now();
            let (row, merged, kind) = match same_person(txn, by.workspace, &valid).await? {
                Some(open) => {
                    // Re-read under the lead's row lock (PostgreSQL), as member edits
                    // do: merging into a copy read before a rep's save would undo it.
                    let open = lead::Entity::find_by_id(open.id)
                        .lock_exclusive()
                        .one(txn)
                        .await
                        .or_internal()?
                        .ok_or(AppError::Internal)?;
                    let row = if anonymous {
                        another_submission(txn, open, now).await?
                    } else {
                        merge(open, &valid, now).update(txn).await.or_internal()?
                    };
                    (row, true, EventKind::LeadMerged)
                }
                None => {
                    let known = known_contact(txn, by.workspace, &valid).await?;
                    let owner = match by.member {
                        Some(member) => Some(member.0),
                        None => next_owner(txn, by.workspace, by.source.key(), &valid).await?,
                    };
                    let row = fresh(by, &valid, known, owner, now)
                        .insert(txn)
                        .await
                        .or_internal()?;
                    (row, false, EventKind::LeadCaptured)
                }
            };
            lead_submission::ActiveModel {
                id: Set(Uuid::new_v4()),
                workspace_id: Set(by.workspace.0),
                lead_id: Set(row.id),
                source: Set(by.source.key().to_owned()),
                payload: Set(payload),
                at: Set(now),
                form_id: Set(by.form),
            }
            .insert(txn)
            .await
            .or_internal()?;
            lead_event(txn, by.workspace, by.member, kind, &row).await?;
            Ok(Captured {
                lead: row.id,
                merged,
                owner: row.owner_id.map(UserId),
            })
        })
        .await
    }
}

/// The open lead this submission comes from, if any: e-mail first, then phone; a
/// company-only lead (no e-mail, no phone) by its domain.
async fn same_person<C: ConnectionTrait>(
    conn: &C,
    workspace: WorkspaceId,
    valid: &ValidLead,
) -> Result<Option<lead::Model>, AppError> {
    let mut any = Condition::any();
    if let Some(email) = &valid.email {
        any = any.add(lead::Column::Email.eq(email.clone()));
    }
    if let Some(digits) = &valid.phone_digits {
        any = any.add(lead::Column::PhoneDigits.eq(digits.clone()));
    }
    if valid.email.is_none() && valid.phone_digits.is_none() {
        let Some(domain) = &valid.domain else {
            return Ok(None);
        };
        any = any.add(
            Condition::all()
                .add(lead::Column::Domain.eq(domain.clone()))
                .add(lead::Column::Email.is_null())
                .add(lead::Column::PhoneDigits.is_null()),
        );
    }
    let open: Vec<&str> = LeadStatus::OPEN.iter().map(|s| s.key()).collect();
    lead::Entity::find()
        .filter(lead::Column::WorkspaceId.eq(workspace.0))
        .filter(lead::Column::Status.is_in(open))
        .filter(any)
        .order_by_asc(lead::Column::CreatedAt)
        .one(conn)
        .await
        .or_internal()
}

/// An existing contact with the same e-mail: the lead is someone we already know.
async fn known_contact<C: ConnectionTrait>(
    conn: &C,
    workspace: WorkspaceId,
    valid: &ValidLead,
) -> Result<Option<Uuid>, AppError> {
    let Some(email) = &valid.email else {
        return Ok(None);
    };
    Ok(contact::Entity::find()
        .filter(contact::Column::WorkspaceId.eq(workspace.0))
        .filter(contact::Column::Email.eq(email.clone()))
        .one(conn)
        .await
        .or_internal()?
        .map(|c| c.id))
}

/// An anonymous submission from the person of an open lead: counted, and it wakes a
/// snoozed lead, but at most once an hour (only then does the lead's version change, so
/// a rep mid-triage is not pushed into conflicts by someone posting again and again).
/// The lead's fields stay as they are; what was posted is in its submissions.
async fn another_submission<C: ConnectionTrait>(
    conn: &C,
    open: lead::Model,
    now: chrono::DateTime<Utc>,
) -> Result<lead::Model, AppError> {
    let snoozed = open.snoozed_until.is_some_and(|until| until > now);
    let woke_lately = open
        .woken_at
        .is_some_and(|at| at > now - chrono::Duration::hours(1));
    if snoozed && !woke_lately {
        let mut row = open;
        row.snoozed_until = None;
        row.woken_at = Some(now);
        row.submissions = row.submissions.saturating_add(1);
        row.updated_at = now;
        row.version += 1;
        return lead::ActiveModel::from(row)
            .reset_all()
            .update(conn)
            .await
            .or_internal();
    }
    // The count is the server's, never edited by a rep: no version change.
    lead::Entity::update_many()
        .col_expr(
            lead::Column::Submissions,
            Expr::col(lead::Column::Submissions).add(1),
        )
        .filter(lead::Column::Id.eq(open.id))
        .exec(conn)
        .await
        .or_internal()?;
    Ok(lead::Model {
        submissions: open.submissions.saturating_add(1),
        ..open
    })
}

/// Fills what the open lead lacks; what it has stays (the first answer is kept, and
/// every later one is in its submissions).
fn merge(open: lead::Model, valid: &ValidLead, now: chrono::DateTime<Utc>) -> lead::ActiveModel {
    let fill = |have: &Option<String>, new: &Option<String>| have.clone().or_else(|| new.clone());
    let mut row = open.clone();
    row.name = fill(&open.name, &valid.name);
    row.email = fill(&open.email, &valid.email);
    row.phone = fill(&open.phone, &valid.phone);
    row.phone_digits = fill(&open.phone_digits, &valid.phone_digits);
    row.title = fill(&open.title, &valid.title);
    row.company = fill(&open.company, &valid.company);
    row.domain = fill(&open.domain, &valid.domain);
    row.company_size = open.company_size.or(valid.company_size);
    row.campaign = fill(&open.campaign, &valid.campaign);
    row.country = fill(&open.country, &valid.country);
    // Bounded: past `MERGED_MESSAGE_MAX` later messages stay in the submissions only.
    row.message = merge_message(open.message.as_deref(), valid.message.as_deref());
    row.submissions = row.submissions.saturating_add(1);
    // Someone writing again is worth a look now, whatever the snooze said.
    row.snoozed_until = None;
    row.updated_at = now;
    row.version += 1;
    lead::ActiveModel::from(row).reset_all()
}

fn fresh(
    by: CaptureBy,
    valid: &ValidLead,
    contact_id: Option<Uuid>,
    owner: Option<Uuid>,
    now: chrono::DateTime<Utc>,
) -> lead::ActiveModel {
    let utm = |value: &str| (!value.is_empty()).then(|| value.to_owned());
    lead::ActiveModel {
        id: Set(Uuid::new_v4()),
        workspace_id: Set(by.workspace.0),
        status: Set(LeadStatus::New),
        source: Set(by.source.key().to_owned()),
        name: Set(valid.name.clone()),
        email: Set(valid.email.clone()),
        phone: Set(valid.phone.clone()),
        phone_digits: Set(valid.phone_digits.clone()),
        title: Set(valid.title.clone()),
        company: Set(valid.company.clone()),
        domain: Set(valid.domain.clone()),
        campaign: Set(valid.campaign.clone()),
        utm_source: Set(utm(&valid.utm.source)),
        utm_medium: Set(utm(&valid.utm.medium)),
        utm_campaign: Set(utm(&valid.utm.campaign)),
        utm_term: Set(utm(&valid.utm.term)),
        utm_content: Set(utm(&valid.utm.content)),
        landing_page: Set(valid.landing_page.clone()),
        referrer: Set(valid.referrer.clone()),
        disqualify_reason: Set(None),
        company_size: Set(valid.company_size),
        message: Set(valid.message.clone()),
        owner_id: Set(owner),
        contact_id: Set(contact_id),
        deal_id: Set(None),
        qualification: Set("{}".to_owned()),
        score: Set(0),
        submissions: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        // A member typing in a lead is already talking to them.
        first_response_at: Set(by.member.map(|_| now)),
        version: Set(1),
        country: Set(valid.country.clone()),
        snoozed_until: Set(None),
        woken_at: Set(None),
    }
}
