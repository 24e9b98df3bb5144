//! Creating a workspace and signing in.

use crate::write::Lock;
use crate::{
    db::OrInternal,
    entity::{session, sign_in_failure, user, workspace},
    event_log::Change,
    pipelines::seed_default_pipeline,
    secrets::{hash_password, verify_password, SessionToken},
    sessions::{current_user, open_session},
    throttle::{
        network_of, refuse_until, sign_in_wait, FAILURE_WINDOW_MINUTES, MAX_FAILURES_PER_NETWORK,
    },
    Crm,
};
use chrono::{Duration, Utc};
use domain::event::{payload, Payload, Subject};
use domain::{
    account::{CurrentUser, SignIn, SignUp},
    money::Currency,
    validation::normalize_email,
    AppError, Role, UserId, WorkspaceId,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

/// Where a sign-in comes from: the client address for rate limiting, and the session
/// cookie it already carries, which is replaced (never reused) to prevent fixation.
#[derive(Debug, Clone, Default)]
pub struct SignInOrigin {
    pub ip: String,
    pub previous_session: Option<SessionToken>,
    /// The browser's User-Agent header, named in the person's session list.
    pub user_agent: String,
}

impl SignInOrigin {
    /// The activity log's source for what this sign-in writes: its browser and address.
    pub fn event_source(&self) -> crate::EventSource {
        crate::EventSource::browser(&self.user_agent, &self.ip)
    }
}

impl Crm {
    /// Hashes off the async runtime: argon2 takes tens of milliseconds of CPU on purpose.
    /// Hashes a new account's password: at most `PASSWORD_WORKERS - 1` at once, so a
    /// burst of sign-ups always leaves a hashing slot for someone signing in.
    pub(crate) async fn hash_new_password(&self, password: &str) -> Result<String, AppError> {
        let _turn = self
            .new_account_work
            .acquire()
            .await
            .map_err(|_| AppError::Internal)?;
        self.hash_password(password).await
    }

    pub(crate) async fn hash_password(&self, password: &str) -> Result<String, AppError> {
        let password = password.to_owned();
        let memory = self.settings.password_memory_kib;
        // Each hash takes 19 MiB and a core for tens of milliseconds: bound how many run
        // at once so a burst of sign-ups cannot exhaust memory.
        let _permit = self
            .password_work
            .acquire()
            .await
            .map_err(|_| AppError::Internal)?;
        tokio::task::spawn_blocking(move || hash_password(&password, memory))
            .await
            .map_err(|_| AppError::Internal)?
    }

    pub(crate) async fn verify_password(&self, password: &str, stored: String) -> bool {
        let password = password.to_owned();
        let Ok(_permit) = self.password_work.acquire().await else {
            return false;
        };
        tokio::task::spawn_blocking(move || verify_password(&password, &stored))
            .await
            .unwrap_or(false)
    }

    /// Creates a workspace with its default pipeline; the person signing up becomes its
    /// admin and is signed in.
    ///
    /// # Errors
    /// `Validation` for bad fields or an e-mail already registered.
    pub async fn sign_up(&self, command: SignUp) -> Result<(CurrentUser, SessionToken), AppError> {
        self.create_workspace(command, &SignInOrigin::default())
            .await
    }

    async fn create_workspace(
        &self,
        command: SignUp,
        origin: &SignInOrigin,
    ) -> Result<(CurrentUser, SessionToken), AppError> {
        command.validate()?;
        let email = normalize_email(&command.email);
        // Before the deliberately slow hash: a taken address costs nothing. Checked
        // again in the transaction, where it decides.
        ensure_email_free(&self.db, &email).await?;
        let password_hash = self.hash_new_password(&command.password).await?;
        self.write(Lock::Rows, async |txn| {
            ensure_email_free(txn, &email).await?;
            let now = Utc::now();
            let home = workspace::ActiveModel {
                id: Set(Uuid::new_v4()),
                name: Set(command.workspace_name.trim().to_owned()),
                default_currency: Set(Currency::USD),
                visibility: Set(domain::visibility::Visibility::Everyone),
                created_at: Set(now),
                session_days: Set(domain::session::SESSION_LIFETIME_DAYS),
            }
            .insert(txn)
            .await
            .or_internal()?;
            let workspace_id = WorkspaceId(home.id);
            let admin = insert_user(
                txn,
                workspace_id,
                &email,
                command.name.trim(),
                password_hash,
                Role::Admin,
            )
            .await?;
            seed_default_pipeline(txn, workspace_id).await?;
            txn.append(Change {
                workspace_id,
                actor: Some(UserId(admin.id)),
                subject: Subject::Workspace(home.id),
                payload: Payload::WorkspaceCreated(
                    (),
                    payload::WorkspaceCreated {
                        name: home.name.clone(),
                        admin: admin.email.clone(),
                    },
                ),
            })
            .await?;
            let token = open_session(txn, UserId(admin.id), &home, origin).await?;
            let signed_in = current_user(txn, admin, home).await?;
            Ok((signed_in, token))
        })
        .await
    }

    /// A sign-up from the web: each network may create a few accounts an hour
    /// (`throttle::ACCOUNTS_PER_NETWORK_PER_HOUR`), counted before anything else.
    ///
    /// # Errors
    /// `RateLimited` with the wait, or as [`Crm::sign_up`].
    pub async fn sign_up_from(
        &self,
        command: SignUp,
        origin: &SignInOrigin,
    ) -> Result<(CurrentUser, SessionToken), AppError> {
        self.new_accounts.check(&network_of(&origin.ip))?;
        self.create_workspace(command, origin).await
    }

    /// Signs a person in with e-mail and password, rotating any session they carried.
    ///
    /// Failures slow down per account *and network*: five are free, then each next try
    /// from that network waits longer (30 s, doubling, up to 15 minutes). Nobody can
    /// lock an account from elsewhere: its owner signs in from their own network. A
    /// network trying many accounts stops at 30 failures in 15 minutes.
    ///
    /// # Errors
    /// `RateLimited` with the wait; `Validation` for a wrong e-mail/password pair or a
    /// deactivated account.
    pub async fn sign_in(
        &self,
        command: SignIn,
        origin: SignInOrigin,
    ) -> Result<(CurrentUser, SessionToken), AppError> {
        command.validate()?;
        let email = normalize_email(&command.email);
        let network = network_of(&origin.ip);
        // Recorded before the check, so parallel guesses count each other: the attempt
        // stays as a failure unless the password turns out right.
        let attempt = self.record_sign_in_attempt(&email, &network).await?;
        if let Err(limited) = self.check_sign_in_rate(&email, &network, attempt).await {
            self.forget_sign_in_attempt(attempt).await?;
            return Err(limited);
        }
        let member = user::Entity::find()
            .filter(user::Column::Email.eq(email.as_str()))
            .one(&self.db)
            .await
            .or_internal()?;
        // Verify against a decoy when the account is unknown, so timing does not tell.
        let stored = member
            .as_ref()
            .map_or_else(|| self.decoy_hash.to_string(), |m| m.password_hash.clone());
        let password_ok = self.verify_password(&command.password, stored).await;
        if let Some(member) = member.as_ref().filter(|_| !password_ok) {
            self.log_failed_sign_in(member, &origin).await?;
        }
        let Some(member) = member.filter(|_| password_ok) else {
            return Err(AppError::invalid(
                "password",
                "That e-mail and password do not match.",
            ));
        };
        if !member.active {
            self.forget_sign_in_attempt(attempt).await?;
            return Err(AppError::invalid(
                "email",
                "This account has been deactivated. Ask your workspace admin.",
            ));
        }
        let home = workspace::Entity::find_by_id(member.workspace_id)
            .one(&self.db)
            .await
            .or_internal()?
            .ok_or(AppError::Internal)?;
        self.write(Lock::Rows, async |txn| {
            if let Some(previous) = &origin.previous_session {
                session::Entity::delete_by_id(previous.hash())
                    .exec(txn)
                    .await
                    .or_internal()?;
            }
            // Only this network's failures: a guesser elsewhere keeps waiting.
            sign_in_failure::Entity::delete_many()
                .filter(sign_in_failure::Column::Email.eq(email.as_str()))
                .filter(sign_in_failure::Column::Ip.eq(network.as_str()))
                .exec(txn)
                .await
                .or_internal()?;
            let token = open_session(txn, UserId(member.id), &home, &origin).await?;
            Ok((current_user(txn, member, home).await?, token))
        })
        .await
    }

    /// Refuses `attempt` when its network has failed too often, for this account or for
    /// any. Earlier attempts are those recorded before it (a lower id), so a burst of
    /// parallel guesses is ordered, and exactly the first five are let through.
    pub(crate) async fn check_sign_in_rate(
        &self,
        email: &str,
        network: &str,
        attempt: i64,
    ) -> Result<(), AppError> {
        let now = Utc::now();
        let since = now - Duration::minutes(FAILURE_WINDOW_MINUTES);
        let recent = || {
            sign_in_failure::Entity::find()
                .filter(sign_in_failure::Column::Ip.eq(network))
                .filter(sign_in_failure::Column::At.gt(since))
                .filter(sign_in_failure::Column::Id.lt(attempt))
        };
        let earlier = recent()
            .filter(sign_in_failure::Column::Email.eq(email))
            .order_by_desc(sign_in_failure::Column::Id)
            .all(&self.db)
            .await
            .or_internal()?;
        if let Some(latest) = earlier.first() {
            sign_in_wait(earlier.len() as u64, latest.at, now)?;
        }
        let from_network = recent().count(&self.db).await.or_internal()?;
        if from_network >= MAX_FAILURES_PER_NETWORK {
            let oldest = recent()
                .order_by_asc(sign_in_failure::Column::At)
                .one(&self.db)
                .await
                .or_internal()?;
            let frees_at = oldest.map_or(now, |o| o.at) + Duration::minutes(FAILURE_WINDOW_MINUTES);
            refuse_until(frees_at, now)?;
        }
        Ok(())
    }

    pub(crate) async fn record_sign_in_attempt(
        &self,
        email: &str,
        network: &str,
    ) -> Result<i64, AppError> {
        self.write(Lock::Rows, async |txn| {
            // Old failures no longer count; trimming here keeps the table small without a job.
            let expired = Utc::now() - Duration::minutes(FAILURE_WINDOW_MINUTES);
            sign_in_failure::Entity::delete_many()
                .filter(sign_in_failure::Column::At.lt(expired))
                .exec(txn)
                .await
                .or_internal()?;
            let attempt = sign_in_failure::ActiveModel {
                email: Set(email.chars().take(254).collect()),
                ip: Set(network.chars().take(64).collect()),
                at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(txn)
            .await
            .or_internal()?;
            Ok(attempt.id)
        })
        .await
    }

    /// A wrong password for a member's e-mail, in their workspace's log (the rate limits
    /// above bound how many). Unknown e-mails have no workspace and are not logged.
    async fn log_failed_sign_in(
        &self,
        member: &user::Model,
        origin: &SignInOrigin,
    ) -> Result<(), AppError> {
        let device = domain::session::device_label(&origin.user_agent);
        origin
            .event_source()
            .scope(self.log_wrong_password(member.workspace_id, member.id, None, device))
            .await
    }

    /// Logs a wrong password for `member`: at sign-in (`by` nobody yet), or a signed-in
    /// person's wrong current password when changing it (`by` them).
    pub(crate) async fn log_wrong_password(
        &self,
        workspace: Uuid,
        member: Uuid,
        by: Option<UserId>,
        device: String,
    ) -> Result<(), AppError> {
        let failed = Change {
            workspace_id: WorkspaceId(workspace),
            actor: by,
            subject: Subject::Member(member),
            payload: Payload::SignInFailed((), payload::SignInAttempt { device }),
        };
        self.write(Lock::Rows, async |txn| {
            txn.append(failed).await?;
            Ok(())
        })
        .await
    }

    pub(crate) async fn forget_sign_in_attempt(&self, attempt: i64) -> Result<(), AppError> {
        self.write(Lock::Rows, async |txn| {
            sign_in_failure::Entity::delete_by_id(attempt)
                .exec(txn)
                .await
                .or_internal()?;
            Ok(())
        })
        .await
    }
}

/// Refuses an e-mail that already has an account in any workspace.
pub(crate) async fn ensure_email_free<C: ConnectionTrait>(
    conn: &C,
    email: &str,
) -> Result<(), AppError> {
    let taken = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .count(conn)
        .await
        .or_internal()?;
    if taken > 0 {
        return Err(AppError::invalid(
            "email",
            "An account with this e-mail already exists. Sign in instead.",
        ));
    }
    Ok(())
}

/// Inserts an active member.
pub(crate) async fn insert_user<C: ConnectionTrait>(
    conn: &C,
    workspace_id: WorkspaceId,
    email: &str,
    name: &str,
    password_hash: String,
    role: Role,
) -> Result<user::Model, AppError> {
    let now = Utc::now();
    user::ActiveModel {
        id: Set(Uuid::new_v4()),
        workspace_id: Set(workspace_id.0),
        email: Set(email.to_owned()),
        name: Set(name.to_owned()),
        password_hash: Set(password_hash),
        role: Set(role),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(conn)
    .await
    .map_err(|err| match err.sql_err() {
        // Lost a race with another sign-up for the same address.
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AppError::invalid(
            "email",
            "An account with this e-mail already exists. Sign in instead.",
        ),
        _ => {
            tracing::error!(error = %err, "inserting a user failed");
            AppError::Internal
        }
    })
}
