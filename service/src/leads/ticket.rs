//! Timing tickets for web forms: a workspace that requires them refuses a post without
//! a ticket its form's page fetched at least `MIN_SECONDS` earlier (people take longer
//! than that to fill a form; most bots post at once, or never run the form's script).
//! A ticket is `<unix seconds>.<HMAC-SHA-256 of "<form key>:<seconds>">` under the
//! form's own secret, so nobody else can make one, and it works for `MAX_HOURS`. No
//! third-party service is involved; the cost is that visitors need JavaScript on.

use chrono::{DateTime, Utc};
use domain::AppError;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A ticket younger than this is refused: nobody fills a form that fast.
pub const MIN_SECONDS: i64 = 3;
/// A ticket older than this is refused: the page has been open too long to trust it.
pub const MAX_HOURS: i64 = 24;
/// Longest ticket read: a real one is about 75 characters.
const TICKET_MAX: usize = 100;

/// A ticket for form `key` made at `at`.
///
/// # Errors
/// `Internal` if the MAC cannot be keyed (HMAC takes keys of any length, so never).
pub(crate) fn issue(secret: &str, key: &str, at: DateTime<Utc>) -> Result<String, AppError> {
    let stamp = at.timestamp();
    let tag: String = signer(secret, key, stamp)
        .ok_or(AppError::Internal)?
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(format!("{stamp}.{tag}"))
}

/// Accepts a ticket for form `key` that is genuine and between `MIN_SECONDS` and
/// `MAX_HOURS` old at `now`.
///
/// # Errors
/// `Validation` on `form`, in words a visitor can act on.
pub(crate) fn check(
    secret: &str,
    key: &str,
    ticket: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let reload = || {
        AppError::invalid(
            "form",
            "This form could not confirm it was sent by a person. Reload the page and send it again.",
        )
    };
    let ticket = ticket
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= TICKET_MAX);
    let (stamp, tag) = ticket.and_then(|t| t.split_once('.')).ok_or_else(reload)?;
    if stamp.is_empty() || !stamp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(reload());
    }
    let stamp: i64 = stamp.parse().map_err(|_| reload())?;
    let tag = hex_bytes(tag).ok_or_else(reload)?;
    // Constant time: a forger learns nothing from how long the refusal took.
    signer(secret, key, stamp)
        .ok_or(AppError::Internal)?
        .verify_slice(&tag)
        .map_err(|_| reload())?;
    let age = now.timestamp().saturating_sub(stamp);
    if age < MIN_SECONDS {
        return Err(AppError::invalid(
            "form",
            "That was quick! Please wait a few seconds and send the form again.",
        ));
    }
    if age > MAX_HOURS * 3600 {
        return Err(reload());
    }
    Ok(())
}

fn signer(secret: &str, key: &str, stamp: i64) -> Option<Hmac<Sha256>> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(key.as_bytes());
    mac.update(b":");
    mac.update(stamp.to_string().as_bytes());
    Some(mac)
}

fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_ticket_works_after_a_few_seconds_for_a_day_and_only_for_its_form() {
        let now = Utc::now();
        let ticket = issue("secret", "form-key", now - Duration::seconds(10)).unwrap();
        assert!(check("secret", "form-key", Some(&ticket), now).is_ok());
        let fresh = issue("secret", "form-key", now).unwrap();
        let quick = check("secret", "form-key", Some(&fresh), now).unwrap_err();
        assert!(quick
            .field_message("form")
            .unwrap()
            .contains("wait a few seconds"));
        let stale = issue("secret", "form-key", now - Duration::hours(25)).unwrap();
        assert!(check("secret", "form-key", Some(&stale), now).is_err());
        assert!(check("secret", "another-form", Some(&ticket), now).is_err());
        assert!(check("other secret", "form-key", Some(&ticket), now).is_err());
    }

    #[test]
    fn made_up_and_malformed_tickets_are_refused() {
        let now = Utc::now();
        let genuine = issue("secret", "k", now - Duration::seconds(10)).unwrap();
        let (stamp, tag) = genuine.split_once('.').unwrap();
        let older = format!("{}.{tag}", stamp.parse::<i64>().unwrap() - 100);
        for ticket in [
            "",
            ".",
            "123",
            "abc.def",
            "-5.00",
            &older,
            &format!("{stamp}.{}", "0".repeat(64)),
            &format!("{stamp}.{}", "zz".repeat(32)),
            &"9".repeat(500),
            "99999999999999999999.00",
        ] {
            assert!(check("secret", "k", Some(ticket), now).is_err(), "{ticket}");
        }
        assert!(check("secret", "k", None, now).is_err());
    }
}
