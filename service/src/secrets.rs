//! Passwords and tokens. Neither type can be serialised, so neither can leak into a response.

use argon2::{
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use domain::AppError;
use rand::{rngs::OsRng, RngCore};
use sha2::{Digest, Sha256};
use std::fmt;

/// A session cookie's secret value. Shown to the browser once; only its hash is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    pub(crate) fn generate() -> Self {
        SessionToken(random_token())
    }

    /// Wraps a value read from a cookie.
    pub fn from_cookie(value: &str) -> Self {
        SessionToken(value.to_owned())
    }

    /// The value to put in the cookie.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub(crate) fn hash(&self) -> String {
        token_hash(&self.0)
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(..)")
    }
}

/// 256 random bits as lowercase hex.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// SHA-256 of a token, lowercase hex. Tokens are random, so no salt or slow hash is needed.
pub(crate) fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

fn hasher(memory_kib: u32) -> Result<Argon2<'static>, AppError> {
    // OWASP: argon2id, m=19 MiB, t=2, p=1.
    let params = Params::new(memory_kib, 2, 1, None).map_err(|err| {
        tracing::error!(error = %err, "bad argon2 parameters");
        AppError::Internal
    })?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a new password into a PHC string.
///
/// # Errors
/// Only if the hasher is misconfigured.
pub(crate) fn hash_password(password: &str, memory_kib: u32) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher(memory_kib)?
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| {
            tracing::error!(error = %err, "password hashing failed");
            AppError::Internal
        })
}

/// Checks a password against a stored PHC string; parameters come from the string itself.
pub(crate) fn verify_password(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// A valid hash of nothing anyone knows: verifying against it for unknown e-mails keeps
/// sign-in time the same whether or not the account exists.
pub(crate) fn decoy_hash(memory_kib: u32) -> String {
    hash_password(&random_token(), memory_kib).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_the_right_password() {
        let stored = hash_password("correct horse battery", 1024).unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &stored));
        assert!(!verify_password("Correct horse battery", &stored));
        assert!(!verify_password("anything", "not a phc string"));
    }

    #[test]
    fn tokens_are_random_and_hash_stably() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a);
    }
}
