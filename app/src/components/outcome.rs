//! A form's latest outcome, whether it came back to a hydrated page from the server
//! function or, without JavaScript, in the URL the server redirected the browser to.

use domain::AppError;
use leptos::{
    prelude::*,
    server::ServerActionError,
    server_fn::{error::ServerFnUrlError, ServerFn},
};

/// The action's latest result, falling back to an error carried in the URL for it.
pub fn form_outcome<S>(action: ServerAction<S>) -> Signal<Option<Result<S::Output, AppError>>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    // Provided by <Routes> after a no-JS form post failed and was redirected back.
    let from_url = use_context::<ServerActionError>()
        .filter(|carried| carried.path() == S::PATH)
        .map(|carried| ServerFnUrlError::<AppError>::decode_err(carried.err()))
        .map(trusted_from_url);
    let value = action.value();
    Signal::derive(move || value.get().or_else(|| from_url.clone().map(Err)))
}

/// Anyone can craft a URL, so free text carried in one is not shown as our message:
/// errors whose wording is chosen locally pass; free-text ones become a neutral line.
/// Field messages pass only when short and plain (no links, numbers to call, markup).
fn trusted_from_url(error: AppError) -> AppError {
    let plain = |text: &str| {
        text.len() <= 100
            && text
                .chars()
                .all(|c| c.is_alphanumeric() || " .,'-()@".contains(c))
    };
    match error {
        AppError::Validation(errors)
            if errors
                .0
                .iter()
                .all(|e| plain(&e.field) && plain(&e.message)) =>
        {
            AppError::Validation(errors)
        }
        AppError::Validation(_)
        | AppError::Conflict(_)
        | AppError::Network(_)
        | AppError::Malformed(_) => AppError::invalid(
            "form",
            "That did not work. Please check the form and try again.",
        ),
        local => local,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_field_messages_from_the_url_are_kept() {
        let error = AppError::invalid("email", "Enter an e-mail address like name@company.com.");
        assert_eq!(trusted_from_url(error.clone()), error);
        assert_eq!(
            trusted_from_url(AppError::RateLimited(120)),
            AppError::RateLimited(120)
        );
    }

    #[test]
    fn crafted_free_text_is_replaced() {
        let phishing = AppError::Conflict("Account locked: call +1 555 0100".into());
        let shown = trusted_from_url(phishing);
        assert_eq!(
            shown.field_message("form").as_deref(),
            Some("That did not work. Please check the form and try again.")
        );
        let sneaky = AppError::invalid("password", "Locked! Visit https://evil.example to unlock");
        assert!(trusted_from_url(sneaky).field_message("password").is_none());
    }
}
