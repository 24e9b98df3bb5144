//! How a workspace runs its inbox: web forms (marketing's), assignment rules and the
//! first-response target and score weights (admins' and managers'). Every change is
//! logged as one event so other sessions refresh.

use super::rotation::parse_ids;
use crate::write::{Lock, Write};
use crate::{
    db::{names_by_id, OrInternal},
    entity::{lead_form, lead_rule, lead_settings, lead_submission, user},
    event_log::Change,
    members::active_member,
    secrets::random_token,
    Crm,
};
use chrono::Utc;
use domain::event::{
    payload::{record, Record},
    Payload, Subject,
};
use domain::stored::Listed;
use domain::{
    account::CurrentUser,
    lead_form::{check_form_room, FormField, FormSetup, LeadForm},
    lead_rules::{check_rule_room, AssignmentRule, LeadSettings, NewRule, RuleField},
    AppError, UserId, WorkspaceId,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

/// A workspace's inbox settings, the defaults when never saved.
pub(crate) async fn settings_of<C: ConnectionTrait>(
    conn: &C,
    workspace: WorkspaceId,
) -> Result<LeadSettings, AppError> {
    let Some(row) = lead_settings::Entity::find_by_id(workspace.0)
        .one(conn)
        .await
        .or_internal()?
    else {
        return Ok(LeadSettings::default());
    };
    Ok(LeadSettings {
        first_response_minutes: u32::try_from(row.first_response_minutes).unwrap_or(60),
        weights: serde_json::from_str(&row.weights).unwrap_or_default(),
        version: row.version,
        form_check: row.form_check,
    })
}

fn shape_form(row: lead_form::Model, submissions: u64) -> LeadForm {
    LeadForm {
        id: row.id,
        key: row.key,
        name: row.name,
        fields: row.fields.0,
        campaign: row.campaign,
        submissions,
        version: row.version,
    }
}

impl Crm {
    /// # Errors
    /// Database failure.
    pub async fn lead_settings(&self, viewer: &CurrentUser) -> Result<LeadSettings, AppError> {
        settings_of(&self.db, viewer.workspace_id).await
    }

    /// # Errors
    /// `Forbidden` below manager; `Validation` for out-of-range values.
    pub async fn save_lead_settings(
        &self,
        viewer: &CurrentUser,
        settings: LeadSettings,
    ) -> Result<LeadSettings, AppError> {
        crate::permissions::permit(viewer, domain::permission::Action::EditLeadRouting)?;
        settings.validate().map_err(AppError::Validation)?;
        self.write(Lock::Rows, async |txn| {
            let had = lead_settings::Entity::find_by_id(viewer.workspace_id.0)
                .one(txn)
                .await
                .or_internal()?;
            let current = had.as_ref().map_or(0, |row| row.version);
            crate::db::require_current(
                txn,
                (
                    viewer.workspace_id,
                    Subject::Workspace(viewer.workspace_id.0),
                ),
                (current, settings.version),
                "inbox setup",
            )
            .await?;
            let settings = LeadSettings {
                version: current.saturating_add(1),
                ..settings
            };
            let row = lead_settings::ActiveModel {
                workspace_id: Set(viewer.workspace_id.0),
                first_response_minutes: Set(i32::try_from(settings.first_response_minutes)
                    .map_err(|_| AppError::Internal)?),
                weights: Set(
                    serde_json::to_string(&settings.weights).map_err(|_| AppError::Internal)?
                ),
                version: Set(settings.version),
                form_check: Set(settings.form_check),
            };
            if had.is_some() {
                row.update(txn).await.or_internal()?;
            } else {
                row.insert(txn).await.or_internal()?;
            }
            setup_event(txn, viewer, record(&json!({ "settings": settings }))).await?;
            Ok(settings)
        })
        .await
    }

    /// The workspace's forms, oldest first, with how many submissions each brought.
    ///
    /// # Errors
    /// Database failure.
    pub async fn lead_forms(&self, viewer: &CurrentUser) -> Result<Vec<LeadForm>, AppError> {
        let rows = lead_form::Entity::find()
            .filter(lead_form::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .order_by_asc(lead_form::Column::CreatedAt)
            .all(&self.db)
            .await
            .or_internal()?;
        // One grouped count for all forms, not one query per form.
        let counts: Vec<(Option<Uuid>, i64)> = lead_submission::Entity::find()
            .select_only()
            .column(lead_submission::Column::FormId)
            .column_as(sea_orm::sea_query::Expr::cust("COUNT(*)"), "n")
            .filter(lead_submission::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .filter(lead_submission::Column::FormId.is_not_null())
            .group_by(lead_submission::Column::FormId)
            .into_tuple()
            .all(&self.db)
            .await
            .or_internal()?;
        let forms: Vec<LeadForm> = rows
            .into_iter()
            .map(|row| {
                let n = counts
                    .iter()
                    .find(|(form, _)| *form == Some(row.id))
                    .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0));
                shape_form(row, n)
            })
            .collect();
        Ok(forms)
    }

    /// Creates a form (`id` `None`) or changes one; its key never changes, so pages
    /// that embed it keep working.
    ///
    /// # Errors
    /// `Forbidden` for reps; `Validation` for a bad setup; `NotFound` for a foreign form.
    pub async fn save_lead_form(
        &self,
        viewer: &CurrentUser,
        id: Option<Uuid>,
        setup: FormSetup,
    ) -> Result<LeadForm, AppError> {
        crate::permissions::permit(viewer, domain::permission::Action::EditLeadForms)?;
        setup.validate().map_err(AppError::Validation)?;
        // In form order, each once, whatever order they were picked in.
        let fields: Vec<FormField> = FormField::ALL
            .into_iter()
            .filter(|field| setup.fields.contains(field))
            .collect();
        let campaign = Some(setup.campaign.trim().to_owned()).filter(|c| !c.is_empty());
        self.write(Lock::Rows, async |txn| {
            if id.is_none() {
                let forms = lead_form::Entity::find()
                    .filter(lead_form::Column::WorkspaceId.eq(viewer.workspace_id.0))
                    .count(txn)
                    .await
                    .or_internal()?;
                check_form_room(forms)?;
            }
            let row = match id {
                None => lead_form::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    workspace_id: Set(viewer.workspace_id.0),
                    key: Set(random_token().chars().take(24).collect()),
                    name: Set(setup.name.trim().to_owned()),
                    fields: Set(Listed(fields.clone())),
                    campaign: Set(campaign),
                    created_at: Set(Utc::now()),
                    version: Set(1),
                    ticket_secret: Set(random_token()),
                }
                .insert(txn)
                .await
                .or_internal()?,
                Some(id) => {
                    let current = lead_form::Entity::find_by_id(id)
                        .filter(lead_form::Column::WorkspaceId.eq(viewer.workspace_id.0))
                        .lock_exclusive()
                        .one(txn)
                        .await
                        .or_internal()?
                        .ok_or(AppError::NotFound)?;
                    // Form changes are logged on the workspace (the inbox setup).
                    crate::db::require_current(
                        txn,
                        (
                            viewer.workspace_id,
                            Subject::Workspace(viewer.workspace_id.0),
                        ),
                        (current.version, setup.version),
                        "web form",
                    )
                    .await?;
                    let next = current.version.saturating_add(1);
                    let mut row: lead_form::ActiveModel = current.into();
                    row.version = Set(next);
                    row.name = Set(setup.name.trim().to_owned());
                    row.fields = Set(Listed(fields.clone()));
                    row.campaign = Set(campaign);
                    row.update(txn).await.or_internal()?
                }
            };
            setup_event(
                txn,
                viewer,
                record(&json!({ "form": row.name, "id": row.id })),
            )
            .await?;
            Ok(shape_form(row, 0))
        })
        .await
    }

    /// Removes a form: posts to its address are refused from then on; the leads it
    /// brought stay.
    ///
    /// # Errors
    /// `Forbidden` for reps; `NotFound` for a foreign form.
    pub async fn delete_lead_form(&self, viewer: &CurrentUser, id: Uuid) -> Result<(), AppError> {
        crate::permissions::permit(viewer, domain::permission::Action::EditLeadForms)?;
        self.write(Lock::Rows, async |txn| {
            let gone = lead_form::Entity::delete_many()
                .filter(lead_form::Column::Id.eq(id))
                .filter(lead_form::Column::WorkspaceId.eq(viewer.workspace_id.0))
                .exec(txn)
                .await
                .or_internal()?;
            if gone.rows_affected == 0 {
                return Err(AppError::NotFound);
            }
            setup_event(txn, viewer, record(&json!({ "form_deleted": id }))).await?;
            Ok(())
        })
        .await
    }

    /// The form a public post names, with its workspace; `None` for an unknown key.
    ///
    /// # Errors
    /// Database failure.
    pub async fn form_by_key(
        &self,
        key: &str,
    ) -> Result<Option<(WorkspaceId, LeadForm)>, AppError> {
        if key.len() > 40 {
            return Ok(None);
        }
        let row = lead_form::Entity::find()
            .filter(lead_form::Column::Key.eq(key))
            .one(&self.db)
            .await
            .or_internal()?;
        Ok(row.map(|row| (WorkspaceId(row.workspace_id), shape_form(row, 0))))
    }

    /// The assignment rules, in the order they are tried.
    ///
    /// # Errors
    /// Database failure.
    pub async fn lead_rules(&self, viewer: &CurrentUser) -> Result<Vec<AssignmentRule>, AppError> {
        let rows = lead_rule::Entity::find()
            .filter(lead_rule::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .order_by_asc(lead_rule::Column::Position)
            .all(&self.db)
            .await
            .or_internal()?;
        let names = names_by_id::<user::Entity, _>(
            &self.db,
            user::Column::Id,
            rows.iter().flat_map(|r| parse_ids(&r.members)),
            |u| (u.id, u.name),
        )
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                Some(AssignmentRule {
                    id: row.id,
                    field: RuleField::parse(&row.field)?,
                    members: parse_ids(&row.members)
                        .into_iter()
                        .filter_map(|id| Some((UserId(id), names.get(&id)?.clone())))
                        .collect(),
                    value: row.value,
                })
            })
            .collect())
    }

    /// Adds a rule after the others.
    ///
    /// # Errors
    /// `Forbidden` below manager; `Validation` for a bad rule or inactive members.
    pub async fn add_lead_rule(
        &self,
        viewer: &CurrentUser,
        rule: NewRule,
    ) -> Result<Vec<AssignmentRule>, AppError> {
        crate::permissions::permit(viewer, domain::permission::Action::EditLeadRouting)?;
        let value = rule.validate().map_err(AppError::Validation)?;
        self.write(Lock::Rows, async |txn| {
            let rules = lead_rule::Entity::find()
                .filter(lead_rule::Column::WorkspaceId.eq(viewer.workspace_id.0))
                .count(txn)
                .await
                .or_internal()?;
            check_rule_room(rules)?;
            // At most `RULE_MEMBERS_MAX` lookups: the rule's validation bounds the list.
            for member in &rule.members {
                active_member(txn, viewer, *member, "members").await?;
            }
            let last = lead_rule::Entity::find()
                .filter(lead_rule::Column::WorkspaceId.eq(viewer.workspace_id.0))
                .order_by_desc(lead_rule::Column::Position)
                .one(txn)
                .await
                .or_internal()?
                .map_or(0, |r| r.position);
            let members: Vec<String> = rule.members.iter().map(|m| m.0.to_string()).collect();
            lead_rule::ActiveModel {
                id: Set(Uuid::new_v4()),
                workspace_id: Set(viewer.workspace_id.0),
                position: Set(last + 1),
                field: Set(rule.field.key().to_owned()),
                value: Set(value.clone()),
                members: Set(members.join(",")),
                last_user_id: Set(None),
            }
            .insert(txn)
            .await
            .or_internal()?;
            setup_event(
                txn,
                viewer,
                record(&json!({ "rule": format!("{} is {value}", rule.field.label()) })),
            )
            .await?;
            Ok(())
        })
        .await?;
        self.lead_rules(viewer).await
    }

    /// # Errors
    /// `Forbidden` below manager; `NotFound` for a foreign rule.
    pub async fn remove_lead_rule(
        &self,
        viewer: &CurrentUser,
        id: Uuid,
    ) -> Result<Vec<AssignmentRule>, AppError> {
        crate::permissions::permit(viewer, domain::permission::Action::EditLeadRouting)?;
        self.write(Lock::Rows, async |txn| {
            let gone = lead_rule::Entity::delete_many()
                .filter(lead_rule::Column::Id.eq(id))
                .filter(lead_rule::Column::WorkspaceId.eq(viewer.workspace_id.0))
                .exec(txn)
                .await
                .or_internal()?;
            if gone.rows_affected == 0 {
                return Err(AppError::NotFound);
            }
            setup_event(txn, viewer, record(&json!({ "rule_removed": id }))).await?;
            Ok(())
        })
        .await?;
        self.lead_rules(viewer).await
    }
}

async fn setup_event(
    conn: &Write,
    viewer: &CurrentUser,
    after: Record,
) -> Result<domain::event::Event, AppError> {
    conn.append(Change {
        workspace_id: viewer.workspace_id,
        actor: Some(viewer.user_id),
        subject: Subject::Workspace(viewer.workspace_id.0),
        payload: Payload::LeadSetupChanged((), after),
    })
    .await
}
