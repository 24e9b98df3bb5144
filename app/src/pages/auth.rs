//! Create a workspace, sign in, accept an invitation. All work without JavaScript.

use crate::api::json::load;
use crate::{
    api::session::get_invite,
    auth::use_auth,
    components::{
        field::{server_message, FieldRule},
        form_outcome, FormBanner, TextField,
    },
};
use domain::{validation, AppError, FieldErrors};
use leptos::{either::EitherOf3, prelude::*};
use leptos_meta::Title;
use leptos_router::{components::Redirect, hooks::use_params_map};

pub(crate) fn rule_email(errors: &mut FieldErrors, value: &str) {
    validation::check_email(errors, "email", value);
}
pub(crate) fn rule_password(errors: &mut FieldErrors, value: &str) {
    validation::check_new_password(errors, "password", value);
}
fn rule_person(errors: &mut FieldErrors, value: &str) {
    validation::check_name(errors, "name", "your name", value);
}
fn rule_workspace(errors: &mut FieldErrors, value: &str) {
    validation::check_name(errors, "workspace_name", "the workspace name", value);
}

/// `/`: the pipeline when signed in, otherwise sign-in (or create-workspace on a fresh install).
#[component]
pub fn HomeRedirect() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let target = match auth.session.await {
                    Ok(info) if info.user.is_some() => "/pipeline",
                    Ok(info) if info.fresh_install => "/sign-up",
                    _ => "/sign-in",
                };
                view! { <Redirect path=target /> }
            })}
        </Suspense>
    }
}

/// Shows `children` to signed-out visitors; sends signed-in people to their pipeline.
#[component]
pub(crate) fn SignedOutOnly(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let children = StoredValue::new(children);
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match auth.session.await {
                    Ok(info) if info.user.is_some() => {
                        leptos::either::Either::Left(view! { <Redirect path="/pipeline" /> })
                    }
                    _ => leptos::either::Either::Right(children.with_value(|c| c())),
                }
            })}
        </Suspense>
    }
}

/// The card that frames every signed-out page.
#[component]
pub(crate) fn AuthCard(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <main class="auth-page" id="main">
            <section class="auth-card" aria-labelledby="auth-title">
                <p class="brand-mark" aria-hidden="true">"Pipewright"</p>
                <h1 id="auth-title">{title}</h1>
                {children()}
            </section>
        </main>
    }
}

/// Sign in with e-mail and password.
#[component]
pub fn SignInPage() -> impl IntoView {
    let action = use_auth().sign_in;
    let result = form_outcome(action);
    view! {
        <Title text="Sign in" />
        <SignedOutOnly>
            <AuthCard title="Sign in">
                <ActionForm action=action>
                    <FormBanner result=result />
                    <TextField label="E-mail" name="email" kind="email" autocomplete="username"
                        rule=rule_email as FieldRule server_error=server_message(result, "email") />
                    <TextField label="Password" name="password" kind="password" autocomplete="current-password"
                        server_error=server_message(result, "password") />
                    <button type="submit" class="primary wide" disabled=move || action.pending().get()>
                        "Sign in"
                    </button>
                </ActionForm>
                <p class="aside"><a href="/forgot-password">"Forgot your password?"</a></p>
                <p class="aside">"New team? " <a href="/sign-up">"Create a workspace"</a></p>
            </AuthCard>
        </SignedOutOnly>
    }
}

/// Create a workspace; the creator becomes its admin.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = use_auth().sign_up;
    let result = form_outcome(action);
    view! {
        <Title text="Create your workspace" />
        <SignedOutOnly>
            <AuthCard title="Create your workspace">
                <p class="lead">"Set up Pipewright for your sales team. You will be its admin."</p>
                <ActionForm action=action>
                    <FormBanner result=result />
                    <TextField label="Workspace name" name="workspace_name" autocomplete="organization"
                        rule=rule_workspace as FieldRule server_error=server_message(result, "workspace_name") />
                    <TextField label="Your name" name="name" autocomplete="name"
                        rule=rule_person as FieldRule server_error=server_message(result, "name") />
                    <TextField label="Work e-mail" name="email" kind="email" autocomplete="email"
                        rule=rule_email as FieldRule server_error=server_message(result, "email") />
                    <TextField label="Password" name="password" kind="password" autocomplete="new-password"
                        hint="At least 10 characters."
                        rule=rule_password as FieldRule server_error=server_message(result, "password") />
                    <button type="submit" class="primary wide" disabled=move || action.pending().get()>
                        "Create workspace"
                    </button>
                </ActionForm>
                <p class="aside">"Already on Pipewright? " <a href="/sign-in">"Sign in"</a></p>
            </AuthCard>
        </SignedOutOnly>
    }
}

/// `/invite/:token`: join a workspace by invitation.
#[component]
pub fn AcceptInvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let details = load(token, get_invite);
    let action = use_auth().accept_invite;
    let result = form_outcome(action);
    view! {
        <Title text="Join your team" />
        <AuthCard title="Join your team">
            <Suspense fallback=|| view! { <p>"Checking your invitation…"</p> }>
                {move || Suspend::new(async move {
                    match details.await {
                        Ok(invite) => EitherOf3::A(view! {
                            <p class="lead">
                                "You are invited to " <strong>{invite.workspace_name}</strong>
                                " as " {invite.role.label()} "."
                            </p>
                            <ActionForm action=action>
                                <FormBanner result=result />
                                <input type="hidden" name="token" value=token() />
                                <TextField label="E-mail" name="email_shown" kind="email" value=invite.email
                                    readonly=true />
                                <TextField label="Your name" name="name" autocomplete="name"
                                    rule=rule_person as FieldRule server_error=server_message(result, "name") />
                                <TextField label="Choose a password" name="password" kind="password"
                                    autocomplete="new-password" hint="At least 10 characters."
                                    rule=rule_password as FieldRule server_error=server_message(result, "password") />
                                <button type="submit" class="primary wide" disabled=move || action.pending().get()>
                                    "Join workspace"
                                </button>
                            </ActionForm>
                        }),
                        Err(AppError::NotFound) => EitherOf3::B(view! {
                            <div class="banner error" role="alert">
                                "This invitation link is not valid. Ask your admin for a new one."
                            </div>
                        }),
                        Err(other) => EitherOf3::C(view! {
                            <div class="banner error" role="alert">{other.message()}</div>
                            <p class="aside"><a href="/sign-in">"Go to sign in"</a></p>
                        }),
                    }
                })}
            </Suspense>
        </AuthCard>
    }
}
