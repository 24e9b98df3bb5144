//! Sessions and passwords after sign-in: how long a session lives, the devices a person
//! is signed in on, changing a password and resetting a forgotten one.

use crate::validation::{check_email, check_new_password, FieldErrors, PASSWORD_MAX};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Days a session lasts without being used; using it pushes the end back.
pub const SESSION_IDLE_DAYS: i64 = 14;
/// Days a session lasts at most, used or not, unless the workspace sets another figure.
pub const SESSION_LIFETIME_DAYS: i32 = 30;
/// The range a workspace may choose its session lifetime from.
pub const SESSION_LIFETIME_RANGE: std::ops::RangeInclusive<i32> = 1..=365;
/// Minutes a password-reset link works.
pub const RESET_VALID_MINUTES: i64 = 60;
/// Longest reset token read: a real one is 64 hex characters.
pub const RESET_TOKEN_MAX: usize = 128;
/// How a session is named to its owner (the start of its stored hash): 16 hex characters.
pub const SESSION_KEY_LEN: usize = 16;
/// Most sessions listed: the newest ones; a person with more signs out everywhere.
pub const SESSIONS_LISTED: u64 = 50;

/// Someone signed in changing their password; every other session of theirs ends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

impl ChangePassword {
    /// # Errors
    /// Lists the empty, overlong and too-short fields.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.current_password.is_empty() {
            errors.add("current_password", "Enter your current password.");
        } else if self.current_password.chars().count() > PASSWORD_MAX {
            errors.add("current_password", "That is not your current password.");
        }
        check_new_password(&mut errors, "new_password", &self.new_password);
        if errors.0.is_empty() && self.current_password == self.new_password {
            errors.add(
                "new_password",
                "Choose a password different from the current one.",
            );
        }
        errors.into_result()
    }
}

/// A visitor asking for a reset link for a forgotten password.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestReset {
    pub email: String,
}

impl RequestReset {
    /// # Errors
    /// Reports a malformed e-mail address.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        check_email(&mut errors, "email", &self.email);
        errors.into_result()
    }
}

/// A visitor with a reset link choosing a new password.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetPassword {
    pub token: String,
    pub password: String,
}

impl ResetPassword {
    /// # Errors
    /// A missing or overlong token, or a password outside the rules.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        let length = self.token.trim().chars().count();
        if length == 0 || length > RESET_TOKEN_MAX {
            errors.add(
                "form",
                "This reset link is not valid. Ask for a new one on the sign-in page.",
            );
        }
        check_new_password(&mut errors, "password", &self.password);
        errors.into_result()
    }
}

/// One browser or phone a person is signed in on, as their session list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveSession {
    /// Names the session for revoking it (`SESSION_KEY_LEN` hex characters).
    pub key: String,
    /// "Chrome on Android" and the like, from the browser's User-Agent at sign-in.
    pub device: String,
    /// The client address it signed in from.
    pub address: String,
    pub signed_in_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// The session this list was asked for from.
    pub current: bool,
}

/// Whether `key` can name a session: exactly `SESSION_KEY_LEN` lowercase hex characters.
pub fn is_session_key(key: &str) -> bool {
    key.len() == SESSION_KEY_LEN && key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A workspace's session lifetime in days, refused outside `SESSION_LIFETIME_RANGE`.
///
/// # Errors
/// `Validation` on `session_days`.
pub fn check_session_days(days: i32) -> Result<(), crate::AppError> {
    if SESSION_LIFETIME_RANGE.contains(&days) {
        return Ok(());
    }
    Err(crate::AppError::invalid(
        "session_days",
        "Sessions last between 1 and 365 days.",
    ))
}

/// Names the browser and system of a User-Agent for people reading their session list;
/// unknown agents are "Unknown browser". Only the name is kept, never the raw header.
pub fn device_label(user_agent: &str) -> String {
    // Order matters: Edge and Opera say "Chrome", Chrome says "Safari", phones say "Linux".
    const BROWSERS: [(&str, &str); 6] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ];
    const SYSTEMS: [(&str, &str); 7] = [
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];
    let find = |table: &[(&str, &'static str)]| {
        table
            .iter()
            .find(|(mark, _)| user_agent.contains(mark))
            .map(|(_, name)| *name)
    };
    match (find(&BROWSERS), find(&SYSTEMS)) {
        (Some(browser), Some(system)) => [browser, " on ", system].concat(),
        (Some(browser), None) => browser.to_owned(),
        (None, Some(system)) => ["Browser on ", system].concat(),
        (None, None) => "Unknown browser".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_named_by_browser_and_system() {
        let cases = [
            ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36", "Chrome on Android"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iPhone"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0", "Edge on Windows"),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0", "Firefox on macOS"),
            ("curl/8.5.0", "curl"),
            ("", "Unknown browser"),
        ];
        for (agent, label) in cases {
            assert_eq!(device_label(agent), label, "{agent}");
        }
    }

    #[test]
    fn a_new_password_must_differ_and_follow_the_rules() {
        let same = ChangePassword {
            current_password: "correct horse battery".into(),
            new_password: "correct horse battery".into(),
        };
        assert!(same
            .validate()
            .unwrap_err()
            .for_field("new_password")
            .is_some());
        let short = ChangePassword {
            current_password: "correct horse battery".into(),
            new_password: "short".into(),
        };
        assert!(short
            .validate()
            .unwrap_err()
            .for_field("new_password")
            .is_some());
        let fine = ChangePassword {
            current_password: "correct horse battery".into(),
            new_password: "staple battery horse".into(),
        };
        assert!(fine.validate().is_ok());
    }

    #[test]
    fn session_keys_and_lifetimes_are_bounded() {
        assert!(is_session_key("0123456789abcdef"));
        assert!(!is_session_key("0123456789ABCDEF"));
        assert!(!is_session_key("0123456789abcde"));
        assert!(!is_session_key("0123456789abcdef0"));
        assert!(check_session_days(30).is_ok());
        assert!(check_session_days(0).is_err());
        assert!(check_session_days(366).is_err());
        assert!(check_session_days(i32::MIN).is_err());
    }

    #[test]
    fn reset_tokens_are_bounded_before_anything_reads_them() {
        let long = ResetPassword {
            token: "a".repeat(RESET_TOKEN_MAX + 1),
            password: "correct horse battery".into(),
        };
        assert!(long.validate().unwrap_err().for_field("form").is_some());
    }
}
