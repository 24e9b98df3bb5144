//! The visitor's session and the actions that change it, shared through context.

use crate::api::json::{load, Loaded};
use crate::api::session::{
    get_session, AcceptInvite, CreateWorkspace, SessionInfo, SignIn, SignOut,
};
use domain::AppError;
use leptos::prelude::*;

/// The session resource plus the actions that change it; the resource refetches
/// whenever one of them completes.
#[derive(Clone, Copy)]
pub struct Auth {
    pub session: Loaded<Result<SessionInfo, AppError>>,
    pub sign_in: ServerAction<SignIn>,
    pub sign_up: ServerAction<CreateWorkspace>,
    pub sign_out: ServerAction<SignOut>,
    pub accept_invite: ServerAction<AcceptInvite>,
}

/// Reads the session context; only called below `AuthProvider`.
pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// Provides `Auth` to its children. Sits inside the router, so actions pick up errors
/// that a no-JavaScript form post carried back in the URL.
#[component]
pub fn AuthProvider(children: Children) -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let sign_up = ServerAction::<CreateWorkspace>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let accept_invite = ServerAction::<AcceptInvite>::new();
    let session = load(
        move || {
            (
                sign_in.version().get(),
                sign_up.version().get(),
                sign_out.version().get(),
                accept_invite.version().get(),
            )
        },
        |_| get_session(),
    );
    provide_context(Auth {
        session,
        sign_in,
        sign_up,
        sign_out,
        accept_invite,
    });
    children()
}
