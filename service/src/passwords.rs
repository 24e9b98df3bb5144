//! Changing a password, and resetting a forgotten one by a one-time link.
//!
//! Reset links are 256 random bits; only their SHA-256 is stored, they work for
//! `RESET_VALID_MINUTES`, once, and only the newest link of a person works. Asking for
//! one answers the same whether or not the address has an account.

use crate::{
    accounts::SignInOrigin,
    db::OrInternal,
    entity::{password_reset, session, sign_in_failure, user, workspace},
    event_log::Change,
    mail::Mail,
    permissions::permit,
    secrets::{random_token, token_hash, SessionToken},
    sessions::{close_all_sessions, current_user, open_session},
    throttle::network_of,
    write::Lock,
    Crm,
};
use chrono::{Duration, Utc};
use domain::{
    account::CurrentUser,
    event::payload::{PasswordChanged, PasswordSet},
    event::Payload,
    permission::Action,
    session::{ChangePassword, RequestReset, ResetPassword, RESET_VALID_MINUTES},
    validation::normalize_email,
    AppError, UserId, WorkspaceId,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// What a refused reset link says, whatever the reason (unknown, used, expired). On
/// the `form` field: the link is what the whole form is about, not a field one can fix.
const LINK_UNUSABLE: &str =
    "This reset link has expired or was already used. Ask for a new one on the sign-in page.";

impl Crm {
    /// Changes the signed-in person's password after checking the current one; every
    /// other session of theirs ends, this one stays. Wrong guesses count as failed
    /// sign-ins from the caller's network, so a stolen session cannot try passwords
    /// faster than the sign-in page allows.
    ///
    /// # Errors
    /// `Validation` for a wrong current password or a new one outside the rules;
    /// `RateLimited` after repeated wrong guesses.
    pub async fn change_password(
        &self,
        viewer: &CurrentUser,
        current: &SessionToken,
        command: ChangePassword,
        ip: &str,
    ) -> Result<(), AppError> {
        command.validate()?;
        let network = network_of(ip);
        let attempt = self.record_sign_in_attempt(&viewer.email, &network).await?;
        if let Err(limited) = self
            .check_sign_in_rate(&viewer.email, &network, attempt)
            .await
        {
            self.forget_sign_in_attempt(attempt).await?;
            return Err(limited);
        }
        let stored = user::Entity::find_by_id(viewer.user_id.0)
            .one(&self.db)
            .await
            .or_internal()?
            .ok_or(AppError::Unauthorized)?
            .password_hash;
        if !self
            .verify_password(&command.current_password, stored)
            .await
        {
            // A stolen session guessing its owner's password shows in the activity log,
            // named by the session's device.
            let device = session::Entity::find_by_id(current.hash())
                .one(&self.db)
                .await
                .or_internal()?
                .map(|row| row.device)
                .unwrap_or_default();
            let (workspace, member) = (viewer.workspace_id.0, viewer.user_id);
            self.log_wrong_password(workspace, member.0, Some(member), device)
                .await?;
            return Err(AppError::invalid(
                "current_password",
                "That is not your current password.",
            ));
        }
        self.forget_sign_in_attempt(attempt).await?;
        let password_hash = self.hash_password(&command.new_password).await?;
        let user_id = viewer.user_id;
        let keep = current.hash();
        let workspace_id = viewer.workspace_id;
        self.write(Lock::Rows, async |txn| {
            store_password(txn, user_id, password_hash).await?;
            let ended = session::Entity::delete_many()
                .filter(session::Column::UserId.eq(user_id.0))
                .filter(session::Column::TokenHash.ne(keep.as_str()))
                .exec(txn)
                .await
                .or_internal()?;
            txn.append(password_changed(
                workspace_id,
                user_id,
                PasswordSet::Changed,
                ended.rows_affected,
            ))
            .await?;
            Ok(())
        })
        .await
    }

    /// Mails a reset link to `command.email` when it belongs to an active account, and
    /// answers the same either way. Each network may ask a few times an hour.
    ///
    /// # Errors
    /// `Validation` for a malformed address; `RateLimited` with the wait.
    pub async fn request_password_reset(
        &self,
        command: RequestReset,
        origin: &SignInOrigin,
        site: &str,
    ) -> Result<(), AppError> {
        command.validate()?;
        self.reset_requests.check(&network_of(&origin.ip))?;
        let email = normalize_email(&command.email);
        let Some(member) = user::Entity::find()
            .filter(user::Column::Email.eq(email.as_str()))
            .filter(user::Column::Active.eq(true))
            .one(&self.db)
            .await
            .or_internal()?
        else {
            return Ok(());
        };
        let token = self.issue_reset(UserId(member.id)).await?;
        self.settings.mailer.send(Mail {
            to: member.email,
            to_user: UserId(member.id),
            subject: "Reset your Pipewright password".into(),
            body: reset_mail(&member.name, &reset_link(site, &token)),
        });
        Ok(())
    }

    /// A reset link an admin hands to a member themselves (when no mail relay is set,
    /// or the member cannot reach their inbox). Their earlier links stop working.
    ///
    /// # Errors
    /// `Forbidden` for anyone but an admin; `NotFound` outside the workspace or for a
    /// deactivated member.
    pub async fn reset_link_for(
        &self,
        viewer: &CurrentUser,
        member: UserId,
        site: &str,
    ) -> Result<String, AppError> {
        permit(viewer, Action::ManageMembers)?;
        user::Entity::find_by_id(member.0)
            .filter(user::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .filter(user::Column::Active.eq(true))
            .one(&self.db)
            .await
            .or_internal()?
            .ok_or(AppError::NotFound)?;
        let token = self.issue_reset(member).await?;
        Ok(reset_link(site, &token))
    }

    /// Sets a new password from a reset link and signs the person in; every other
    /// session of theirs ends, and the link and their sign-in failures are cleared.
    ///
    /// # Errors
    /// `Validation` for an unusable link or a password outside the rules.
    pub async fn reset_password(
        &self,
        command: ResetPassword,
        origin: &SignInOrigin,
    ) -> Result<(CurrentUser, SessionToken), AppError> {
        command.validate()?;
        let hash = token_hash(command.token.trim());
        // Checked before the deliberately slow hash, so junk links cost nothing.
        usable_reset(&self.db, &hash).await?;
        let password_hash = self.hash_password(&command.password).await?;
        self.write(Lock::Rows, async |txn| {
            let reset = usable_reset(txn, &hash).await?;
            let user_id = UserId(reset.user_id);
            let member = user::Entity::find_by_id(user_id.0)
                .filter(user::Column::Active.eq(true))
                .one(txn)
                .await
                .or_internal()?
                .ok_or_else(|| AppError::invalid("form", LINK_UNUSABLE))?;
            let mut used: password_reset::ActiveModel = reset.into();
            used.used_at = Set(Some(Utc::now()));
            used.update(txn).await.or_internal()?;
            password_reset::Entity::delete_many()
                .filter(password_reset::Column::UserId.eq(user_id.0))
                .filter(password_reset::Column::UsedAt.is_null())
                .exec(txn)
                .await
                .or_internal()?;
            let member = store_password(txn, user_id, password_hash)
                .await?
                .unwrap_or(member);
            let ended = close_all_sessions(txn, user_id).await?;
            txn.append(password_changed(
                WorkspaceId(member.workspace_id),
                user_id,
                PasswordSet::Reset,
                ended,
            ))
            .await?;
            sign_in_failure::Entity::delete_many()
                .filter(sign_in_failure::Column::Email.eq(member.email.as_str()))
                .exec(txn)
                .await
                .or_internal()?;
            let home = workspace::Entity::find_by_id(member.workspace_id)
                .one(txn)
                .await
                .or_internal()?
                .ok_or(AppError::Internal)?;
            let token = open_session(txn, user_id, &home, origin).await?;
            Ok((current_user(txn, member, home).await?, token))
        })
        .await
    }

    /// Stores a new one-time reset token for `member`; earlier unused ones are dropped.
    async fn issue_reset(&self, member: UserId) -> Result<String, AppError> {
        let token = random_token();
        let hash = token_hash(&token);
        self.write(Lock::Rows, async |txn| {
            password_reset::Entity::delete_many()
                .filter(password_reset::Column::UserId.eq(member.0))
                .filter(password_reset::Column::UsedAt.is_null())
                .exec(txn)
                .await
                .or_internal()?;
            let now = Utc::now();
            password_reset::ActiveModel {
                token_hash: Set(hash),
                user_id: Set(member.0),
                created_at: Set(now),
                expires_at: Set(now + Duration::minutes(RESET_VALID_MINUTES)),
                used_at: Set(None),
            }
            .insert(txn)
            .await
            .or_internal()?;
            Ok(())
        })
        .await?;
        Ok(token)
    }
}

/// The unused, unexpired reset behind a token hash.
async fn usable_reset<C: ConnectionTrait>(
    conn: &C,
    hash: &str,
) -> Result<password_reset::Model, AppError> {
    password_reset::Entity::find_by_id(hash.to_owned())
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(Utc::now()))
        .one(conn)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::invalid("form", LINK_UNUSABLE))
}

/// Writes a new password hash; returns the updated member.
async fn store_password<C: ConnectionTrait>(
    conn: &C,
    user_id: UserId,
    password_hash: String,
) -> Result<Option<user::Model>, AppError> {
    let Some(member) = user::Entity::find_by_id::<Uuid>(user_id.0)
        .one(conn)
        .await
        .or_internal()?
    else {
        return Ok(None);
    };
    let mut changed: user::ActiveModel = member.into();
    changed.password_hash = Set(password_hash);
    changed.updated_at = Set(Utc::now());
    changed.update(conn).await.or_internal().map(Some)
}

fn reset_link(site: &str, token: &str) -> String {
    [site.trim_end_matches('/'), "/reset-password/", token].concat()
}

fn reset_mail(name: &str, link: &str) -> String {
    format!(
        "Hello {name},\n\n\
         someone (we hope you) asked to reset your Pipewright password. Choose a new one here:\n\n\
         {link}\n\n\
         The link works once, for {RESET_VALID_MINUTES} minutes. Using it signs you out everywhere else.\n\
         If you did not ask, ignore this e-mail: your password stays as it is.\n"
    )
}

fn password_changed(
    workspace_id: WorkspaceId,
    member: UserId,
    how: PasswordSet,
    sessions_ended: u64,
) -> Change {
    Change::by_member_on_self(
        workspace_id,
        member,
        Payload::PasswordChanged(
            (),
            PasswordChanged {
                how,
                sessions_ended,
            },
        ),
    )
}
