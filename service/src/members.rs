//! The people of a workspace: invitations, roles, deactivation.

use crate::write::Lock;
use crate::{
    accounts::{ensure_email_free, insert_user, SignInOrigin},
    db::OrInternal,
    entity::{invite, user, workspace},
    event_log::Change,
    secrets::{random_token, token_hash, SessionToken},
    sessions::{close_all_sessions, current_user, open_session},
    Crm,
};
use chrono::{Duration, Utc};
use domain::event::{
    payload::{Active, Invited, MemberJoined, RoleHeld},
    Payload, Subject,
};
use domain::{
    account::{
        AcceptInvite, CurrentUser, InviteDetails, InviteTeammate, IssuedInvite, Member, NewMember,
        PendingInvite, INVITE_VALID_DAYS,
    },
    ids::InviteId,
    validation::normalize_email,
    AppError, Role, UserId, WorkspaceId,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

/// Everything Settings → Users shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub members: Vec<Member>,
    pub invites: Vec<PendingInvite>,
}

pub(crate) fn to_member(row: user::Model) -> Option<Member> {
    Some(Member {
        id: UserId(row.id),
        role: row.role,
        name: row.name,
        email: row.email,
        active: row.active,
        joined_at: row.created_at,
        version: row.version,
    })
}

/// Refuses a change based on a stale view of the member, naming who changed them.
async fn current_member(
    txn: &crate::write::Write,
    actor: &CurrentUser,
    row: &user::Model,
    version: i32,
) -> Result<(), AppError> {
    crate::db::require_current(
        txn,
        (actor.workspace_id, Subject::Member(row.id)),
        (row.version, version),
        "member",
    )
    .await
}

fn to_pending(row: invite::Model) -> Option<PendingInvite> {
    Some(PendingInvite {
        id: InviteId(row.id),
        role: row.role,
        email: row.email,
        expires_at: row.expires_at,
    })
}

/// Finds an invitation that can still be accepted.
async fn usable_invite<C: ConnectionTrait>(
    conn: &C,
    token: &str,
) -> Result<invite::Model, AppError> {
    let found = invite::Entity::find()
        .filter(invite::Column::TokenHash.eq(token_hash(token.trim())))
        .one(conn)
        .await
        .or_internal()?
        .filter(|row| row.revoked_at.is_none())
        .ok_or(AppError::NotFound)?;
    if found.accepted_at.is_some() {
        return Err(AppError::Conflict(
            "This invitation has already been used. Sign in instead.".into(),
        ));
    }
    if found.expires_at <= Utc::now() {
        return Err(AppError::Conflict(
            "This invitation has expired. Ask your admin for a new link.".into(),
        ));
    }
    Ok(found)
}

impl Crm {
    /// Members and pending invitations of the admin's workspace.
    ///
    /// # Errors
    /// `Forbidden` for anyone but an admin.
    pub async fn team(&self, actor: &CurrentUser) -> Result<Team, AppError> {
        crate::permissions::permit(actor, domain::permission::Action::ManageMembers)?;
        let members = user::Entity::find()
            .filter(user::Column::WorkspaceId.eq(actor.workspace_id.0))
            .order_by_asc(user::Column::Name)
            .all(&self.db)
            .await
            .or_internal()?;
        let invites = invite::Entity::find()
            .filter(invite::Column::WorkspaceId.eq(actor.workspace_id.0))
            .filter(invite::Column::AcceptedAt.is_null())
            .filter(invite::Column::RevokedAt.is_null())
            .filter(invite::Column::ExpiresAt.gt(Utc::now()))
            .order_by_desc(invite::Column::CreatedAt)
            .all(&self.db)
            .await
            .or_internal()?;
        Ok(Team {
            members: members.into_iter().filter_map(to_member).collect(),
            invites: invites.into_iter().filter_map(to_pending).collect(),
        })
    }

    /// Creates a one-time invitation link; an earlier pending one for the same address stops working.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `Validation` for a bad or already-registered e-mail.
    pub async fn invite_teammate(
        &self,
        actor: &CurrentUser,
        command: InviteTeammate,
    ) -> Result<IssuedInvite, AppError> {
        crate::permissions::permit(actor, domain::permission::Action::ManageMembers)?;
        command.validate()?;
        let email = normalize_email(&command.email);
        let token = random_token();
        let now = Utc::now();
        self.write(Lock::Rows, async |txn| {
            ensure_email_free(txn, &email).await?;
            invite::Entity::update_many()
                .col_expr(
                    invite::Column::RevokedAt,
                    sea_orm::sea_query::Expr::value(now),
                )
                .filter(invite::Column::WorkspaceId.eq(actor.workspace_id.0))
                .filter(invite::Column::Email.eq(email.as_str()))
                .filter(invite::Column::AcceptedAt.is_null())
                .filter(invite::Column::RevokedAt.is_null())
                .exec(txn)
                .await
                .or_internal()?;
            let row = invite::ActiveModel {
                id: Set(Uuid::new_v4()),
                workspace_id: Set(actor.workspace_id.0),
                email: Set(email.clone()),
                role: Set(command.role),
                token_hash: Set(token_hash(&token)),
                invited_by: Set(actor.user_id.0),
                created_at: Set(now),
                expires_at: Set(now + Duration::days(INVITE_VALID_DAYS)),
                accepted_at: Set(None),
                revoked_at: Set(None),
            }
            .insert(txn)
            .await
            .or_internal()?;
            txn.append(Change {
                workspace_id: actor.workspace_id,
                actor: Some(actor.user_id),
                subject: Subject::Invite(row.id),
                payload: Payload::MemberInvited(
                    (),
                    Invited {
                        email: email.clone(),
                        role: Some(command.role),
                    },
                ),
            })
            .await?;
            let invite = to_pending(row).ok_or(AppError::Internal)?;
            Ok(IssuedInvite { invite, token })
        })
        .await
    }

    /// Withdraws a pending invitation.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `NotFound` for an invitation of another workspace.
    pub async fn revoke_invite(
        &self,
        actor: &CurrentUser,
        invite_id: InviteId,
    ) -> Result<(), AppError> {
        crate::permissions::permit(actor, domain::permission::Action::ManageMembers)?;
        self.write(Lock::Rows, async |txn| {
            let row = invite::Entity::find_by_id(invite_id.0)
                .filter(invite::Column::WorkspaceId.eq(actor.workspace_id.0))
                .filter(invite::Column::AcceptedAt.is_null())
                .filter(invite::Column::RevokedAt.is_null())
                .one(txn)
                .await
                .or_internal()?
                .ok_or(AppError::NotFound)?;
            let email = row.email.clone();
            let mut active: invite::ActiveModel = row.into();
            active.revoked_at = Set(Some(Utc::now()));
            active.update(txn).await.or_internal()?;
            txn.append(Change {
                workspace_id: actor.workspace_id,
                actor: Some(actor.user_id),
                subject: Subject::Invite(invite_id.0),
                payload: Payload::InviteRevoked(
                    Invited {
                        email: email.clone(),
                        role: None,
                    },
                    (),
                ),
            })
            .await?;
            Ok(())
        })
        .await
    }

    /// What an invitation link offers, for the page that accepts it.
    ///
    /// # Errors
    /// `Validation` for a token longer than any real one; `NotFound` for an unknown or
    /// revoked link; `Conflict` for a used or expired one.
    pub async fn invite_details(&self, token: &str) -> Result<InviteDetails, AppError> {
        domain::account::check_invite_token(token)?;
        let found = usable_invite(&self.db, token).await?;
        let home = workspace::Entity::find_by_id(found.workspace_id)
            .one(&self.db)
            .await
            .or_internal()?
            .ok_or(AppError::NotFound)?;
        Ok(InviteDetails {
            workspace_name: home.name,
            email: found.email,
            role: found.role,
        })
    }

    /// An invitation accepted from the web: counted per network like a sign-up.
    ///
    /// # Errors
    /// `RateLimited` with the wait, or as [`Crm::accept_invite`].
    pub async fn accept_invite_from(
        &self,
        command: AcceptInvite,
        origin: &SignInOrigin,
    ) -> Result<(CurrentUser, SessionToken), AppError> {
        self.new_accounts
            .check(&crate::throttle::network_of(&origin.ip))?;
        self.join_by_invite(command, origin).await
    }

    /// Turns an invitation into an account and signs the new member in. One use only.
    ///
    /// # Errors
    /// As `invite_details`, plus `Validation` for the name and password.
    pub async fn accept_invite(
        &self,
        command: AcceptInvite,
    ) -> Result<(CurrentUser, SessionToken), AppError> {
        self.join_by_invite(command, &SignInOrigin::default()).await
    }

    async fn join_by_invite(
        &self,
        command: AcceptInvite,
        origin: &SignInOrigin,
    ) -> Result<(CurrentUser, SessionToken), AppError> {
        command.validate()?;
        // Check the link before the deliberately slow hash, so junk tokens cost nothing.
        usable_invite(&self.db, &command.token).await?;
        let password_hash = self.hash_new_password(&command.password).await?;
        self.write(Lock::Rows, async |txn| {
            let found = usable_invite(txn, &command.token).await?;
            ensure_email_free(txn, &found.email).await?;
            let workspace_id = WorkspaceId(found.workspace_id);
            let role = found.role;
            let member = insert_user(
                txn,
                workspace_id,
                &found.email,
                command.name.trim(),
                password_hash,
                role,
            )
            .await?;
            let invite_id = found.id;
            let mut used: invite::ActiveModel = found.into();
            used.accepted_at = Set(Some(Utc::now()));
            used.update(txn).await.or_internal()?;
            txn.append(Change {
                workspace_id,
                actor: Some(UserId(member.id)),
                subject: Subject::Member(member.id),
                payload: joined(&member, role, Some(invite_id), None),
            })
            .await?;
            let home = workspace::Entity::find_by_id(workspace_id.0)
                .one(txn)
                .await
                .or_internal()?
                .ok_or(AppError::Internal)?;
            let token = open_session(txn, UserId(member.id), &home, origin).await?;
            let signed_in = current_user(txn, member, home).await?;
            Ok((signed_in, token))
        })
        .await
    }

    /// Gives a member another role, based on the member's version the page showed. The
    /// last active admin cannot be demoted.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `NotFound` outside the workspace; `Conflict` for the last
    /// admin, or when another admin changed the member since `version`.
    pub async fn change_role(
        &self,
        actor: &CurrentUser,
        (member_id, version): (UserId, i32),
        role: Role,
    ) -> Result<Member, AppError> {
        crate::permissions::permit(actor, domain::permission::Action::ManageMembers)?;
        self.write(Lock::Workspace(actor.workspace_id), async |txn| {
            let row = find_member(txn, actor.workspace_id, member_id).await?;
            let before = row.role;
            if before == role {
                return to_member(row).ok_or(AppError::Internal);
            }
            current_member(txn, actor, &row, version).await?;
            if before == Role::Admin && row.active {
                ensure_another_admin(txn, actor.workspace_id, member_id).await?;
            }
            let version = row.version;
            let mut active: user::ActiveModel = row.into();
            active.role = Set(role);
            active.updated_at = Set(Utc::now());
            active.version = Set(version + 1);
            let updated = active.update(txn).await.or_internal()?;
            txn.append(Change {
                workspace_id: actor.workspace_id,
                actor: Some(actor.user_id),
                subject: Subject::Member(member_id.0),
                payload: Payload::MemberRoleChanged(RoleHeld { role: before }, RoleHeld { role }),
            })
            .await?;
            to_member(updated).ok_or(AppError::Internal)
        })
        .await
    }

    /// Deactivates (signing them out everywhere) or reactivates a member.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `NotFound` outside the workspace; `Conflict` for
    /// deactivating yourself or the last admin, or when another admin changed the member
    /// since `version`.
    pub async fn set_member_active(
        &self,
        actor: &CurrentUser,
        (member_id, version): (UserId, i32),
        active: bool,
    ) -> Result<Member, AppError> {
        crate::permissions::permit(actor, domain::permission::Action::ManageMembers)?;
        if !active && member_id == actor.user_id {
            return Err(AppError::Conflict(
                "You cannot deactivate your own account.".into(),
            ));
        }
        self.write(Lock::Workspace(actor.workspace_id), async |txn| {
            let row = find_member(txn, actor.workspace_id, member_id).await?;
            if row.active == active {
                return to_member(row).ok_or(AppError::Internal);
            }
            current_member(txn, actor, &row, version).await?;
            if !active && row.role == Role::Admin {
                ensure_another_admin(txn, actor.workspace_id, member_id).await?;
            }
            let version = row.version;
            let mut change: user::ActiveModel = row.into();
            change.active = Set(active);
            change.updated_at = Set(Utc::now());
            change.version = Set(version + 1);
            let updated = change.update(txn).await.or_internal()?;
            if !active {
                close_all_sessions(txn, member_id).await?;
            }
            txn.append(Change {
                workspace_id: actor.workspace_id,
                actor: Some(actor.user_id),
                subject: Subject::Member(member_id.0),
                payload: if active {
                    Payload::MemberReactivated(Active { active: false }, Active { active: true })
                } else {
                    Payload::MemberDeactivated(Active { active: true }, Active { active: false })
                },
            })
            .await?;
            to_member(updated).ok_or(AppError::Internal)
        })
        .await
    }

    /// Creates a member directly (the CLI's `user create`), in the only workspace or the named one.
    ///
    /// # Errors
    /// `NotFound` when the workspace cannot be chosen; `Validation` for bad input.
    pub async fn create_member(
        &self,
        workspace_name: Option<&str>,
        command: NewMember,
    ) -> Result<Member, AppError> {
        command.validate()?;
        let (name, role, password) = (
            command.name.as_str(),
            command.role,
            command.password.as_str(),
        );
        let email = normalize_email(&command.email);
        let home = self.single_workspace(workspace_name).await?;
        let workspace_id = WorkspaceId(home.id);
        let password_hash = self.hash_password(password).await?;
        self.write(Lock::Rows, async |txn| {
            ensure_email_free(txn, &email).await?;
            let member =
                insert_user(txn, workspace_id, &email, name.trim(), password_hash, role).await?;
            txn.append(Change {
                workspace_id,
                actor: None,
                subject: Subject::Member(member.id),
                payload: joined(&member, role, None, Some("cli")),
            })
            .await?;
            to_member(member).ok_or(AppError::Internal)
        })
        .await
    }
}

async fn find_member<C: ConnectionTrait>(
    conn: &C,
    workspace_id: WorkspaceId,
    member_id: UserId,
) -> Result<user::Model, AppError> {
    user::Entity::find_by_id(member_id.0)
        .filter(user::Column::WorkspaceId.eq(workspace_id.0))
        .one(conn)
        .await
        .or_internal()?
        .ok_or(AppError::NotFound)
}

async fn ensure_another_admin<C: ConnectionTrait>(
    conn: &C,
    workspace_id: WorkspaceId,
    except: UserId,
) -> Result<(), AppError> {
    let others = user::Entity::find()
        .filter(user::Column::WorkspaceId.eq(workspace_id.0))
        .filter(user::Column::Role.eq(Role::Admin.as_str()))
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::Id.ne(except.0))
        .count(conn)
        .await
        .or_internal()?;
    if others == 0 {
        return Err(AppError::Conflict(
            "A workspace needs at least one active admin. Make someone else admin first.".into(),
        ));
    }
    Ok(())
}

/// `member` must be an active member of the viewer's workspace: the one check for
/// anyone work is handed to (an activity's assignee, a lead's owner).
pub(crate) async fn active_member<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    member: UserId,
    field: &str,
) -> Result<(), AppError> {
    let found = user::Entity::find_by_id(member.0)
        .filter(user::Column::WorkspaceId.eq(viewer.workspace_id.0))
        .filter(user::Column::Active.eq(true))
        .count(conn)
        .await
        .or_internal()?;
    if found == 0 {
        return Err(AppError::invalid(field, "Pick an active member."));
    }
    Ok(())
}

/// The event of a member joining, by invitation or from the CLI (`via`).
fn joined(member: &user::Model, role: Role, invite: Option<Uuid>, via: Option<&str>) -> Payload {
    Payload::MemberJoined(
        (),
        MemberJoined {
            name: member.name.clone(),
            email: member.email.clone(),
            role,
            invite,
            via: via.map(str::to_owned),
        },
    )
}
