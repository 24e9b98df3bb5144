//! Field-level validation shared by the browser and the server.

use serde::{Deserialize, Serialize};

/// One problem with one form field, phrased for the person filling it in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Every problem found in one submission, in field order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// Records a problem with `field`.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// The first message for `field`, if any.
    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was recorded.
    ///
    /// # Errors
    /// Returns the collected errors when there are any.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

/// Longest e-mail address RFC 5321 allows in a mailbox path.
pub const EMAIL_MAX: usize = 254;
/// NIST 800-63B: at least 8; we ask for 10 because a CRM holds customer data.
pub const PASSWORD_MIN: usize = 10;
/// Argon2 cost grows with input; a cap keeps a huge password from being a DoS.
pub const PASSWORD_MAX: usize = 128;
/// Names of people and workspaces.
pub const NAME_MAX: usize = 80;

/// Lower-cases and trims an e-mail so one person has one account.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Checks the shape of an e-mail address: one `@`, a local part, a dotted domain, no spaces.
pub fn check_email(errors: &mut FieldErrors, field: &str, email: &str) {
    let email = email.trim();
    if email.is_empty() {
        errors.add(field, "Enter an e-mail address.");
        return;
    }
    if email.len() > EMAIL_MAX {
        errors.add(field, "That e-mail address is too long.");
        return;
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if !valid {
        errors.add(field, "Enter an e-mail address like name@company.com.");
    }
}

/// Checks a new password's length (length beats composition rules, per NIST).
pub fn check_new_password(errors: &mut FieldErrors, field: &str, password: &str) {
    let length = password.chars().count();
    if length < PASSWORD_MIN {
        errors.add(
            field,
            format!("Use at least {PASSWORD_MIN} characters for the password."),
        );
    } else if length > PASSWORD_MAX {
        errors.add(
            field,
            format!("Use at most {PASSWORD_MAX} characters for the password."),
        );
    }
}

/// Checks a required short name (a person's or a workspace's).
pub fn check_name(errors: &mut FieldErrors, field: &str, what: &str, name: &str) {
    let name = name.trim();
    if name.is_empty() {
        errors.add(field, format!("Enter {what}."));
    } else if name.chars().count() > NAME_MAX {
        errors.add(
            field,
            format!("Keep {what} to {NAME_MAX} characters or fewer."),
        );
    } else if name.chars().any(char::is_control) {
        errors.add(field, format!("Remove the control characters from {what}."));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email_ok(email: &str) -> bool {
        let mut errors = FieldErrors::default();
        check_email(&mut errors, "email", email);
        errors.is_empty()
    }

    #[test]
    fn accepts_ordinary_addresses() {
        assert!(email_ok("dana@acme.com"));
        assert!(email_ok("  dana.smith+crm@sub.acme.co.uk "));
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in [
            "",
            "dana",
            "dana@",
            "@acme.com",
            "dana@acme",
            "da na@acme.com",
            "a@b@c.com",
            "dana@.com",
        ] {
            assert!(!email_ok(bad), "{bad:?} should be refused");
        }
        assert!(!email_ok(&format!("{}@acme.com", "a".repeat(260))));
    }

    #[test]
    fn password_length_is_bounded_both_ways() {
        let mut errors = FieldErrors::default();
        check_new_password(&mut errors, "password", "short");
        check_new_password(&mut errors, "password2", &"x".repeat(PASSWORD_MAX + 1));
        check_new_password(&mut errors, "password3", "correct horse battery");
        assert_eq!(errors.0.len(), 2);
        assert!(errors.for_field("password3").is_none());
    }

    #[test]
    fn names_must_be_present_and_short() {
        let mut errors = FieldErrors::default();
        check_name(&mut errors, "a", "your name", "   ");
        check_name(&mut errors, "b", "your name", &"n".repeat(NAME_MAX + 1));
        check_name(&mut errors, "c", "your name", "Dana\u{0}");
        check_name(&mut errors, "d", "your name", "Dana Scully");
        assert_eq!(errors.0.len(), 3);
        assert_eq!(errors.for_field("a"), Some("Enter your name."));
    }

    #[test]
    fn normalizes_email_case_and_space() {
        assert_eq!(normalize_email("  Dana@ACME.com "), "dana@acme.com");
    }
}
