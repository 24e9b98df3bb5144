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
        .map(|carried| ServerFnUrlError::<AppError>::decode_err(carried.err()));
    let value = action.value();
    Signal::derive(move || value.get().or_else(|| from_url.clone().map(Err)))
}
