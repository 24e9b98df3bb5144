//! Accounts: sign-up, sign-in, invitations, and the people in a workspace.

use crate::{
    ids::{InviteId, UserId, WorkspaceId},
    role::Role,
    validation::{
        check_email, check_name, check_new_password, FieldErrors, EMAIL_MAX, PASSWORD_MAX,
    },
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Days an invitation link stays valid.
pub const INVITE_VALID_DAYS: i64 = 7;
/// Longest invitation token read: a real one is 64 hex characters.
pub const INVITE_TOKEN_MAX: usize = 128;

/// An invitation token from a link: refused unread when longer than any real one.
///
/// # Errors
/// `Validation` on `token` for an overlong token.
pub fn check_invite_token(token: &str) -> Result<(), crate::AppError> {
    if token.trim().chars().count() > INVITE_TOKEN_MAX {
        return Err(crate::AppError::invalid(
            "token",
            "This invitation link is not valid; ask your admin for a new one.",
        ));
    }
    Ok(())
}

/// A visitor creating a new workspace; they become its first admin.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignUp {
    pub workspace_name: String,
    pub name: String,
    pub email: String,
    pub password: String,
}

impl SignUp {
    /// # Errors
    /// Lists every field that is missing or malformed.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        check_name(
            &mut errors,
            "workspace_name",
            "the workspace name",
            &self.workspace_name,
        );
        check_name(&mut errors, "name", "your name", &self.name);
        check_email(&mut errors, "email", &self.email);
        check_new_password(&mut errors, "password", &self.password);
        errors.into_result()
    }
}

/// Someone signing in with e-mail and password.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

impl SignIn {
    /// Presence, and lengths no account can have (so an overlong password is never
    /// hashed): the shape of a stored password is not a hint to give away.
    ///
    /// # Errors
    /// Lists the empty and the overlong fields.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.email.trim().is_empty() {
            errors.add("email", "Enter your e-mail address.");
        } else if self.email.trim().chars().count() > EMAIL_MAX {
            errors.add("email", "That e-mail address is too long.");
        }
        if self.password.is_empty() {
            errors.add("password", "Enter your password.");
        } else if self.password.chars().count() > PASSWORD_MAX {
            errors.add(
                "password",
                format!("Passwords are at most {PASSWORD_MAX} characters long."),
            );
        }
        errors.into_result()
    }
}

/// An admin inviting a teammate by e-mail with a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteTeammate {
    pub email: String,
    pub role: Role,
}

impl InviteTeammate {
    /// # Errors
    /// Reports a malformed e-mail address.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        check_email(&mut errors, "email", &self.email);
        errors.into_result()
    }
}

/// An invited person choosing their name and password.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptInvite {
    pub token: String,
    pub name: String,
    pub password: String,
}

impl AcceptInvite {
    /// # Errors
    /// Lists every field that is missing or malformed.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.token.trim().is_empty() {
            errors.add("token", "This invitation link is incomplete.");
        } else if let Err(crate::AppError::Validation(problems)) = check_invite_token(&self.token) {
            errors.0.extend(problems.0);
        }
        check_name(&mut errors, "name", "your name", &self.name);
        check_new_password(&mut errors, "password", &self.password);
        errors.into_result()
    }
}

/// An account created directly by an operator (the CLI's `user create`), not by invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMember {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password: String,
}

impl NewMember {
    /// The same rules as signing up and accepting an invitation.
    ///
    /// # Errors
    /// Lists every field that is missing or malformed.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        check_email(&mut errors, "email", &self.email);
        check_name(&mut errors, "name", "the name", &self.name);
        check_new_password(&mut errors, "password", &self.password);
        errors.into_result()
    }
}

/// The signed-in person, as every page and server function sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub user_id: UserId,
    pub workspace_id: WorkspaceId,
    pub workspace_name: String,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// Whose deals and leads they see (the workspace's record visibility).
    pub sees: crate::visibility::Sees,
}

/// A member of a workspace as listed in Settings → Users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    pub joined_at: DateTime<Utc>,
    /// What a role change or (de)activation is based on: a stale one is refused.
    pub version: i32,
}

/// An invitation not yet accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvite {
    pub id: InviteId,
    pub email: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
}

/// A freshly created invitation; the token is shown once, to the admin who made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedInvite {
    pub invite: PendingInvite,
    pub token: String,
}

/// What the accept-invite page shows before the person signs up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteDetails {
    pub workspace_name: String,
    pub email: String,
    pub role: Role,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_up_reports_every_bad_field_at_once() {
        let errors = SignUp::default().validate().unwrap_err();
        for field in ["workspace_name", "name", "email", "password"] {
            assert!(
                errors.for_field(field).is_some(),
                "{field} should be flagged"
            );
        }
    }

    #[test]
    fn complete_sign_up_passes() {
        let sign_up = SignUp {
            workspace_name: "Acme Sales".into(),
            name: "Dana Scully".into(),
            email: "dana@acme.com".into(),
            password: "correct horse battery".into(),
        };
        assert!(sign_up.validate().is_ok());
    }

    #[test]
    fn new_member_follows_the_sign_up_rules() {
        let member = NewMember {
            email: "sam@acme.com".into(),
            name: "Sam".into(),
            role: Role::Rep,
            password: "short".into(),
        };
        let errors = member.validate().unwrap_err();
        assert_eq!(errors.0.len(), 1);
        assert!(errors.for_field("password").is_some());
    }

    #[test]
    fn sign_in_refuses_lengths_no_account_has() {
        let longest = SignIn {
            email: format!("{}@acme.com", "a".repeat(EMAIL_MAX - 9)),
            password: "p".repeat(PASSWORD_MAX),
        };
        assert!(
            longest.validate().is_ok(),
            "the limits themselves are accepted"
        );
        let over = SignIn {
            email: format!("{}@acme.com", "a".repeat(EMAIL_MAX - 8)),
            password: "p".repeat(PASSWORD_MAX + 1),
        };
        let errors = over.validate().unwrap_err();
        assert_eq!(
            errors.for_field("email"),
            Some("That e-mail address is too long.")
        );
        assert_eq!(
            errors.for_field("password"),
            Some("Passwords are at most 128 characters long.")
        );
    }

    #[test]
    fn invitation_tokens_longer_than_any_real_one_are_refused() {
        assert!(check_invite_token(&"f".repeat(INVITE_TOKEN_MAX)).is_ok());
        let refused = check_invite_token(&"f".repeat(INVITE_TOKEN_MAX + 1)).unwrap_err();
        assert_eq!(refused.status_code(), 422);
        let accept = AcceptInvite {
            token: "f".repeat(60_000),
            name: "Dana".into(),
            password: "correct horse battery".into(),
        };
        assert_eq!(
            accept.validate().unwrap_err().for_field("token"),
            Some("This invitation link is not valid; ask your admin for a new one.")
        );
    }

    #[test]
    fn sign_in_only_checks_presence() {
        let short = SignIn {
            email: "x".into(),
            password: "y".into(),
        };
        assert!(short.validate().is_ok());
        assert!(SignIn::default().validate().is_err());
    }
}
