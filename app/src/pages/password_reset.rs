//! A forgotten password: ask for a link by e-mail, then choose a new password from it.
//! Both work without JavaScript.

use crate::{
    api::account::{RequestPasswordReset, ResetPassword},
    components::{
        field::{server_message, FieldRule},
        form_outcome, FormBanner, TextField,
    },
    pages::auth::{rule_email, rule_password, AuthCard, SignedOutOnly},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/forgot-password`.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let result = form_outcome(action);
    let query = use_query_map();
    // The same words whether or not the address has an account.
    let sent = move || {
        matches!(result.get(), Some(Ok(())))
            || query.with(|q| q.get("sent").is_some()) && result.get().is_none()
    };
    view! {
        <Title text="Reset your password" />
        <SignedOutOnly>
            <AuthCard title="Reset your password">
                <Show when=sent>
                    <p class="banner success" role="status">
                        "If that address has an account, a reset link is on its way. It works for one hour."
                    </p>
                </Show>
                <p class="lead">"Enter the e-mail you sign in with and we will send you a link to choose a new password."</p>
                <ActionForm action=action>
                    <FormBanner result=result />
                    <TextField label="E-mail" name="email" kind="email" autocomplete="username"
                        rule=rule_email as FieldRule server_error=server_message(result, "email") />
                    <button type="submit" class="primary wide" disabled=move || action.pending().get()>
                        "Send reset link"
                    </button>
                </ActionForm>
                <p class="aside">"Remembered it? " <a href="/sign-in">"Sign in"</a></p>
                <p class="hint">"No e-mail arriving? Your workspace admin can give you a reset link from Settings → Users."</p>
            </AuthCard>
        </SignedOutOnly>
    }
}

/// `/reset-password/:token`: the link from the e-mail.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let action = ServerAction::<ResetPassword>::new();
    let result = form_outcome(action);
    // Signed in by the reset: a full load of the pipeline picks up the new session.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(()))) {
            let _ = window().location().set_href("/pipeline");
        }
    });
    view! {
        <Title text="Choose a new password" />
        <AuthCard title="Choose a new password">
            <ActionForm action=action>
                <FormBanner result=result />
                <input type="hidden" name="token" value=token />
                <TextField label="New password" name="password" kind="password" autocomplete="new-password"
                    hint="At least 10 characters. You will be signed out everywhere else."
                    rule=rule_password as FieldRule server_error=server_message(result, "password") />
                <button type="submit" class="primary wide" disabled=move || action.pending().get()>
                    "Set password and sign in"
                </button>
            </ActionForm>
            <p class="aside"><a href="/forgot-password">"Ask for a new link"</a></p>
        </AuthCard>
    }
}
