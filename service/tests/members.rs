//! Invitations, roles, deactivation and workspace isolation, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use common::{count, expire_all_invites, origin, sign_up};
use domain::{
    account::{AcceptInvite, InviteTeammate, SignIn},
    event::EventKind,
    AppError, Role,
};
use service::Crm;

fn accept(token: &str, name: &str) -> AcceptInvite {
    AcceptInvite {
        token: token.into(),
        name: name.into(),
        password: "rep password 123".into(),
    }
}

fn invite(email: &str, role: Role) -> InviteTeammate {
    InviteTeammate {
        email: email.into(),
        role,
    }
}

/// A workspace whose admin has invited (but not yet admitted) sam@acme.com as a rep.
async fn admin_with_invited_rep(
    crm: &Crm,
) -> (domain::account::CurrentUser, domain::account::IssuedInvite) {
    let (admin, _) = crm
        .sign_up(sign_up("Acme Sales", "dana@acme.com"))
        .await
        .unwrap();
    let issued = crm
        .invite_teammate(&admin, invite("sam@acme.com", Role::Rep))
        .await
        .unwrap();
    (admin, issued)
}

async fn invited_rep_joins_once_and_signs_in(crm: Crm) {
    let (admin, issued) = admin_with_invited_rep(&crm).await;
    let details = crm.invite_details(&issued.token).await.unwrap();
    assert_eq!(
        (details.workspace_name.as_str(), details.role),
        ("Acme Sales", Role::Rep)
    );
    let (rep, _) = crm
        .accept_invite(accept(&issued.token, "Sam Okafor"))
        .await
        .unwrap();
    assert_eq!(
        (rep.role, rep.workspace_id),
        (Role::Rep, admin.workspace_id)
    );
    let again = crm
        .accept_invite(accept(&issued.token, "Sam Again"))
        .await
        .unwrap_err();
    assert!(matches!(again, AppError::Conflict(_)), "one-time link");
    let signed_in = crm
        .sign_in(
            SignIn {
                email: "sam@acme.com".into(),
                password: "rep password 123".into(),
            },
            origin("10.1.1.1"),
        )
        .await;
    assert!(signed_in.is_ok());
    let kinds: Vec<_> = crm
        .events_since(&admin, 0, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind())
        .filter(|kind| *kind != EventKind::SignedIn)
        .collect();
    assert_eq!(
        kinds,
        [
            EventKind::WorkspaceCreated,
            EventKind::MemberInvited,
            EventKind::MemberJoined
        ]
    );
}

async fn expired_unknown_and_revoked_invites_are_refused(crm: Crm) {
    let (admin, _) = crm
        .sign_up(sign_up("Acme Sales", "dana@acme.com"))
        .await
        .unwrap();
    assert_eq!(
        crm.invite_details("nonsense").await.unwrap_err(),
        AppError::NotFound
    );
    let revoked = crm
        .invite_teammate(&admin, invite("lee@acme.com", Role::Manager))
        .await
        .unwrap();
    crm.revoke_invite(&admin, revoked.invite.id).await.unwrap();
    assert_eq!(
        crm.accept_invite(accept(&revoked.token, "Lee"))
            .await
            .unwrap_err(),
        AppError::NotFound
    );
    let expired = crm
        .invite_teammate(&admin, invite("kim@acme.com", Role::Rep))
        .await
        .unwrap();
    expire_all_invites(&crm).await;
    let refused = crm
        .accept_invite(accept(&expired.token, "Kim"))
        .await
        .unwrap_err();
    assert!(matches!(refused, AppError::Conflict(ref m) if m.contains("expired")));
    assert_eq!(count(&crm, "users").await, 1, "nothing was written");
    let taken = crm
        .invite_teammate(&admin, invite("DANA@acme.com", Role::Rep))
        .await
        .unwrap_err();
    assert!(
        taken.field_message("email").is_some(),
        "existing members cannot be invited"
    );
}

async fn only_admins_manage_the_team(crm: Crm) {
    let (admin, issued) = admin_with_invited_rep(&crm).await;
    let (rep, _) = crm
        .accept_invite(accept(&issued.token, "Sam Okafor"))
        .await
        .unwrap();
    assert_eq!(
        crm.team(&rep).await.unwrap_err(),
        AppError::Forbidden("Sales reps can't manage users.".into())
    );
    assert_eq!(
        crm.invite_teammate(&rep, invite("x@acme.com", Role::Admin))
            .await
            .unwrap_err(),
        AppError::Forbidden("Sales reps can't manage users.".into())
    );
    assert_eq!(
        crm.change_role(&rep, (rep.user_id, 1), Role::Admin)
            .await
            .unwrap_err(),
        AppError::Forbidden("Sales reps can't manage users.".into())
    );
    let team = crm.team(&admin).await.unwrap();
    assert_eq!(team.members.len(), 2);
    assert!(team.invites.is_empty());
}

async fn another_workspace_is_invisible(crm: Crm) {
    let (acme, _) = crm
        .sign_up(sign_up("Acme Sales", "dana@acme.com"))
        .await
        .unwrap();
    let (beta, _) = crm
        .sign_up(sign_up("Beta Corp", "eve@beta.com"))
        .await
        .unwrap();
    assert_eq!(
        crm.change_role(&acme, (beta.user_id, 1), Role::Rep)
            .await
            .unwrap_err(),
        AppError::NotFound
    );
    assert_eq!(
        crm.set_member_active(&acme, (beta.user_id, 1), false)
            .await
            .unwrap_err(),
        AppError::NotFound
    );
    let issued = crm
        .invite_teammate(&beta, invite("sam@beta.com", Role::Rep))
        .await
        .unwrap();
    assert_eq!(
        crm.revoke_invite(&acme, issued.invite.id)
            .await
            .unwrap_err(),
        AppError::NotFound
    );
    assert!(crm
        .team(&acme)
        .await
        .unwrap()
        .members
        .iter()
        .all(|m| m.email.ends_with("@acme.com")));
    assert!(crm
        .events_since(&acme, 0, 100)
        .await
        .unwrap()
        .iter()
        .all(|e| e.workspace_id == acme.workspace_id));
}

async fn role_changes_and_deactivation_keep_an_admin(crm: Crm) {
    let (admin, _) = crm
        .sign_up(sign_up("Acme Sales", "dana@acme.com"))
        .await
        .unwrap();
    let last = crm
        .change_role(&admin, (admin.user_id, 1), Role::Rep)
        .await
        .unwrap_err();
    assert!(
        matches!(last, AppError::Conflict(_)),
        "the last admin stays admin"
    );
    let issued = crm
        .invite_teammate(&admin, invite("sam@acme.com", Role::Rep))
        .await
        .unwrap();
    let (rep, rep_session) = crm
        .accept_invite(accept(&issued.token, "Sam Okafor"))
        .await
        .unwrap();
    let promoted = crm
        .change_role(&admin, (rep.user_id, 1), Role::Manager)
        .await
        .unwrap();
    assert_eq!(promoted.role, Role::Manager);
    // A second admin's page from before the promotion is refused, naming who changed it.
    let stale = crm
        .set_member_active(&admin, (rep.user_id, 1), false)
        .await
        .unwrap_err();
    assert_eq!(
        stale,
        AppError::Conflict(
            "Dana Whitfield changed this member since you opened it. Reload to see their change, then make yours again.".into()
        )
    );
    let off = crm
        .set_member_active(&admin, (rep.user_id, promoted.version), false)
        .await
        .unwrap();
    assert!(!off.active);
    assert!(
        crm.resolve_session(&rep_session).await.unwrap().is_none(),
        "signed out everywhere"
    );
    let refused = crm
        .sign_in(
            SignIn {
                email: "sam@acme.com".into(),
                password: "rep password 123".into(),
            },
            origin("10.2.2.2"),
        )
        .await
        .unwrap_err();
    assert!(refused
        .field_message("email")
        .unwrap()
        .contains("deactivated"));
    assert!(matches!(
        crm.set_member_active(&admin, (admin.user_id, 1), false)
            .await,
        Err(AppError::Conflict(_))
    ));
    assert!(
        crm.set_member_active(&admin, (rep.user_id, off.version), true)
            .await
            .unwrap()
            .active
    );
    let kinds: Vec<_> = crm
        .events_since(&admin, 0, 20)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind())
        .collect();
    assert!(kinds.contains(&EventKind::MemberRoleChanged));
    assert!(kinds.contains(&EventKind::MemberDeactivated));
    assert!(kinds.contains(&EventKind::MemberReactivated));
}

async fn operators_create_members_by_the_same_rules(crm: Crm) {
    use domain::account::NewMember;
    let member = |password: &str| NewMember {
        email: "Lee@Acme.com".into(),
        name: "Lee Chen".into(),
        role: Role::Manager,
        password: password.into(),
    };
    let (admin, _) = crm
        .sign_up(sign_up("Acme Sales", "dana@acme.com"))
        .await
        .unwrap();
    let short = crm.create_member(None, member("short")).await.unwrap_err();
    assert!(short.field_message("password").is_some());
    let created = crm
        .create_member(None, member("manager password 1"))
        .await
        .unwrap();
    assert_eq!(
        (created.email.as_str(), created.role),
        ("lee@acme.com", Role::Manager)
    );
    let again = crm
        .create_member(None, member("manager password 1"))
        .await
        .unwrap_err();
    assert!(
        again.field_message("email").is_some(),
        "one e-mail, one account"
    );
    crm.sign_up(sign_up("Beta Corp", "eve@beta.com"))
        .await
        .unwrap();
    let mut other = member("manager password 1");
    other.email = "kim@acme.com".into();
    assert_eq!(
        crm.create_member(None, other.clone()).await.unwrap_err(),
        AppError::NotFound
    );
    assert!(
        crm.create_member(Some("Acme Sales"), other).await.is_ok(),
        "named workspace"
    );
    let kinds: Vec<_> = crm
        .events_since(&admin, 0, 20)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind())
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == EventKind::MemberJoined)
            .count(),
        2
    );
}

on_both_databases!(
    operators_create_members_by_the_same_rules,
    invited_rep_joins_once_and_signs_in,
    expired_unknown_and_revoked_invites_are_refused,
    only_admins_manage_the_team,
    another_workspace_is_invisible,
    role_changes_and_deactivation_keep_an_admin,
);
