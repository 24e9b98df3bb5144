//! The one error type every layer returns and the browser understands.

use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What went wrong, in terms a client can act on. Internal detail never travels in it:
/// the server logs that and sends `Internal`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppError {
    /// The input broke a rule; each field says which.
    Validation(FieldErrors),
    /// No such record in this workspace (also used for records of other workspaces).
    NotFound,
    /// No valid session: sign in first.
    Unauthorized,
    /// Signed in, but this role may not do this; the text says why, in words.
    Forbidden(String),
    /// The record changed or already exists; the message says what to do.
    Conflict(String),
    /// Too many attempts from this network: the seconds until the next one is let in.
    /// Sent as text: a number here would pull serde_json's float parsing into the
    /// browser's shell module (56 KB brotli, measured), which no other error needs.
    RateLimited(#[serde(with = "seconds_as_text")] u32),
    /// The request could not be read (a malformed id, a wrong type, missing JSON): the
    /// text says what the parser stumbled on, never anything about the server.
    Malformed(String),
    /// The request body is larger than the server accepts.
    TooLarge,
    /// The request ran past the server's time budget, or the server is shutting down.
    Unavailable,
    /// Something broke on the server; details are in its log.
    Internal,
    /// The browser could not reach the server or read its answer.
    Network(String),
}

impl AppError {
    /// A single-field validation error.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        AppError::Validation(errors)
    }

    /// A malformed-request error whose detail is cut to a readable length (a parser may
    /// quote a 60 KB input back).
    pub fn malformed(detail: &str) -> Self {
        AppError::Malformed(shorten(detail))
    }

    /// The message for `field` when this is a validation error about it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Validation(errors) => errors.for_field(field).map(str::to_owned),
            _ => None,
        }
    }

    /// A sentence for a banner above a form or a toast.
    pub fn message(&self) -> String {
        match self {
            AppError::Validation(_) => "Please correct the highlighted fields.".into(),
            AppError::NotFound => "That record does not exist or is not yours to see.".into(),
            AppError::Unauthorized => "Please sign in to continue.".into(),
            AppError::Forbidden(reason) => reason.clone(),
            AppError::Conflict(message) => message.clone(),
            AppError::RateLimited(seconds) => {
                "Too many attempts from this network; try again in ".to_owned()
                    + &wait_in_words(*seconds)
                    + "."
            }
            AppError::Malformed(detail) => format!("The request could not be read: {detail}"),
            AppError::TooLarge => format!(
                "Request too large: Pipewright accepts at most {} KiB per request.",
                crate::limits::BODY_MAX_BYTES / 1024
            ),
            AppError::Unavailable => {
                "Pipewright took too long to answer. Please try again in a moment.".into()
            }
            AppError::Internal => "Something went wrong on our side. Please try again.".into(),
            AppError::Network(_) => "Could not reach Pipewright. Check your connection.".into(),
        }
    }

    /// One sentence naming the actual problem, for toasts and bulk results where there
    /// is no form to highlight: a stage refusal's summary, or the first field message.
    pub fn explain(&self) -> String {
        match self {
            AppError::Validation(errors) => errors
                .for_field("stage")
                .or_else(|| errors.0.first().map(|e| e.message.as_str()))
                .map_or_else(|| self.message(), str::to_owned),
            _ => self.message(),
        }
    }

    /// The HTTP status a REST client should see.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Validation(_) => 422,
            AppError::NotFound => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden(_) => 403,
            AppError::Conflict(_) => 409,
            AppError::RateLimited(_) => 429,
            AppError::Malformed(_) => 400,
            AppError::TooLarge => 413,
            AppError::Unavailable => 503,
            AppError::Internal => 500,
            AppError::Network(_) => 502,
        }
    }
}

impl AppError {
    /// The seconds a client should wait before trying again (`Retry-After`), if any.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            AppError::RateLimited(seconds) => Some((*seconds).max(1)),
            _ => None,
        }
    }
}

/// A `u32` written as a JSON string, read back with `str::parse`.
mod seconds_as_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(seconds: &u32, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(seconds)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// "40 seconds", "1 minute", "15 minutes": a wait as a person says it, rounded up.
fn wait_in_words(seconds: u32) -> String {
    match seconds {
        0..=1 => "a second".to_owned(),
        2..=59 => digits(seconds) + " seconds",
        60 => "1 minute".to_owned(),
        _ => digits(seconds.div_ceil(60)) + " minutes",
    }
}

/// A number's decimal digits. Written out because formatting an integer with `format!`
/// here pulled 55 KB (brotli, measured) of formatting code into the browser's shell
/// module, which every page downloads first.
fn digits(mut number: u32) -> String {
    let mut reversed = Vec::with_capacity(10);
    loop {
        reversed.push(char::from(b'0' + (number % 10) as u8));
        number /= 10;
        if number == 0 {
            break;
        }
    }
    reversed.iter().rev().collect()
}

/// A parser's message cut to a readable length (200 characters and an ellipsis).
fn shorten(detail: &str) -> String {
    const DETAIL_MAX: usize = 200;
    let mut short: String = detail.chars().take(DETAIL_MAX).collect();
    if short.len() < detail.len() {
        short.push('…');
    }
    short
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Validation(errors)
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for AppError {}

#[cfg(feature = "server-fn")]
mod server_fn_bridge {
    use super::AppError;
    use server_fn::error::ServerFnErrorErr;
    use server_fn::{codec::JsonEncoding, error::FromServerFnError, ServerFnError};

    impl FromServerFnError for AppError {
        type Encoder = JsonEncoding;

        fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
            match value {
                // The request never produced an answer from our code.
                // Cut short: serde quotes a bad value whole (a 60 KB string) in its message.
                ServerFnErrorErr::Request(detail)
                | ServerFnErrorErr::Response(detail)
                | ServerFnErrorErr::Deserialization(detail) => {
                    AppError::Network(super::shorten(&detail))
                }
                // Malformed arguments from a hand-made or broken request: 400, with the
                // parser's words about the input (never about the server), kept short.
                ServerFnErrorErr::Args(detail) => AppError::malformed(&detail),
                ServerFnErrorErr::MissingArg(name) => {
                    AppError::malformed(&format!("missing argument `{name}`"))
                }
                _ => AppError::Internal,
            }
        }
    }

    impl From<ServerFnError> for AppError {
        fn from(_: ServerFnError) -> Self {
            AppError::Internal
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_round_trip_through_json() {
        let error = AppError::invalid("email", "Enter an e-mail address.");
        let json = serde_json::to_string(&error).unwrap();
        let back: AppError = serde_json::from_str(&json).unwrap();
        assert_eq!(
            back.field_message("email").as_deref(),
            Some("Enter an e-mail address.")
        );
        assert_eq!(back.status_code(), 422);
    }

    #[test]
    fn internal_message_reveals_nothing() {
        assert!(!AppError::Internal.message().contains("sql"));
        assert_eq!(AppError::RateLimited(90).status_code(), 429);
        assert_eq!(
            AppError::RateLimited(90).message(),
            "Too many attempts from this network; try again in 2 minutes."
        );
        assert_eq!(
            AppError::RateLimited(40).message(),
            "Too many attempts from this network; try again in 40 seconds."
        );
        assert_eq!(AppError::RateLimited(0).retry_after(), Some(1));
        assert_eq!(digits(0), "0");
        assert_eq!(digits(4_294_967_295), "4294967295");
        let sent = serde_json::to_string(&AppError::RateLimited(90)).unwrap();
        assert_eq!(sent, r#"{"RateLimited":"90"}"#);
        assert_eq!(
            serde_json::from_str::<AppError>(&sent).unwrap(),
            AppError::RateLimited(90)
        );
        assert_eq!(AppError::NotFound.retry_after(), None);
    }
}
