//! Sign-up, sign-in, sessions and their limits, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use common::{count, origin, sign_up};
use domain::{account::SignIn, event::EventKind, AppError, Role};
use service::{Crm, SessionToken, SignInOrigin};

fn sign_in(email: &str, password: &str) -> SignIn {
    SignIn {
        email: email.into(),
        password: password.into(),
    }
}

async fn sign_up_creates_workspace_admin_pipeline_and_event(crm: Crm) {
    let (admin, token) = crm
        .sign_up(sign_up("Acme Sales", " Dana@Acme.com "))
        .await
        .unwrap();
    assert_eq!(admin.role, Role::Admin);
    assert_eq!(admin.email, "dana@acme.com");
    assert_eq!(admin.workspace_name, "Acme Sales");
    assert_eq!(
        count(&crm, "stages").await,
        6,
        "the buying process is seeded"
    );
    let resolved = crm
        .resolve_session(&token)
        .await
        .unwrap()
        .expect("session works");
    assert_eq!(resolved, admin);
    let events = crm.events_since(&admin, 0, 10).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind(), EventKind::WorkspaceCreated);
    assert_eq!(events[0].actor, Some(admin.user_id));
}

async fn bad_or_duplicate_sign_up_writes_nothing(crm: Crm) {
    crm.sign_up(sign_up("Acme Sales", "dana@acme.com"))
        .await
        .unwrap();
    let duplicate = crm
        .sign_up(sign_up("Other Co", "DANA@acme.com"))
        .await
        .unwrap_err();
    assert!(duplicate
        .field_message("email")
        .unwrap()
        .contains("already exists"));
    let mut bad = sign_up("", "not-an-email");
    bad.password = "short".into();
    let AppError::Validation(errors) = crm.sign_up(bad).await.unwrap_err() else {
        panic!("expected field errors");
    };
    assert!(errors.for_field("workspace_name").is_some());
    assert!(errors.for_field("email").is_some());
    assert!(errors.for_field("password").is_some());
    assert_eq!(count(&crm, "workspaces").await, 1);
    assert_eq!(count(&crm, "users").await, 1);
    assert_eq!(count(&crm, "events").await, 1);
}

async fn sign_in_checks_password_and_rotates_session(crm: Crm) {
    let (_, first) = crm
        .sign_up(sign_up("Acme Sales", "dana@acme.com"))
        .await
        .unwrap();
    let wrong = crm
        .sign_in(
            sign_in("dana@acme.com", "wrong password!"),
            origin("10.0.0.1"),
        )
        .await;
    assert_eq!(
        wrong.unwrap_err().field_message("password").as_deref(),
        Some("That e-mail and password do not match.")
    );
    let unknown = crm
        .sign_in(sign_in("nobody@acme.com", "whatever"), origin("10.0.0.1"))
        .await;
    assert!(
        unknown.unwrap_err().field_message("password").is_some(),
        "unknown e-mail looks the same"
    );
    let carried = SignInOrigin {
        ip: "10.0.0.1".into(),
        previous_session: Some(first.clone()),
    };
    let (user, second) = crm
        .sign_in(sign_in("DANA@acme.com", "correct horse battery"), carried)
        .await
        .unwrap();
    assert_eq!(user.email, "dana@acme.com");
    assert_ne!(first, second);
    assert!(
        crm.resolve_session(&first).await.unwrap().is_none(),
        "old session id no longer works"
    );
    assert!(crm.resolve_session(&second).await.unwrap().is_some());
    crm.sign_out(&second).await.unwrap();
    assert!(crm.resolve_session(&second).await.unwrap().is_none());
}

async fn garbage_session_tokens_resolve_to_nobody(crm: Crm) {
    crm.sign_up(sign_up("Acme Sales", "dana@acme.com"))
        .await
        .unwrap();
    for garbage in [
        "",
        "abc",
        "'; DROP TABLE users; --",
        &"f".repeat(64),
        &"é".repeat(40),
    ] {
        let token = SessionToken::from_cookie(garbage);
        assert!(
            crm.resolve_session(&token).await.unwrap().is_none(),
            "{garbage:?}"
        );
    }
    assert_eq!(count(&crm, "users").await, 1);
}

async fn repeated_failures_are_rate_limited_per_account_and_ip(crm: Crm) {
    crm.sign_up(sign_up("Acme Sales", "dana@acme.com"))
        .await
        .unwrap();
    for _ in 0..5 {
        let _ = crm
            .sign_in(sign_in("dana@acme.com", "guess guess"), origin("10.0.0.9"))
            .await;
    }
    let blocked = crm
        .sign_in(
            sign_in("dana@acme.com", "correct horse battery"),
            origin("10.0.0.7"),
        )
        .await;
    assert_eq!(
        blocked.unwrap_err(),
        AppError::RateLimited,
        "per account, from any address"
    );
    for n in 0..30 {
        let _ = crm
            .sign_in(
                sign_in(&format!("x{n}@acme.com"), "guess guess"),
                origin("10.0.0.66"),
            )
            .await;
    }
    crm.sign_up(sign_up("Beta", "eve@beta.com")).await.unwrap();
    let blocked_ip = crm
        .sign_in(
            sign_in("eve@beta.com", "correct horse battery"),
            origin("10.0.0.66"),
        )
        .await;
    assert_eq!(
        blocked_ip.unwrap_err(),
        AppError::RateLimited,
        "per address, for any account"
    );
    assert!(crm
        .sign_in(
            sign_in("eve@beta.com", "correct horse battery"),
            origin("10.0.0.5")
        )
        .await
        .is_ok());
}

async fn parallel_guesses_cannot_outrun_the_limit(crm: Crm) {
    crm.sign_up(sign_up("Acme Sales", "dana@acme.com"))
        .await
        .unwrap();
    let guess = |n: usize| sign_in("dana@acme.com", &format!("guess number {n}"));
    let mut burst = tokio::task::JoinSet::new();
    for n in 0..12 {
        let crm = crm.clone();
        burst.spawn(async move { crm.sign_in(guess(n), origin("10.3.3.3")).await });
    }
    // A guess is "checked" when its password was verified (refused ones never were).
    let mut checked = 0;
    while let Some(outcome) = burst.join_next().await {
        if outcome.unwrap() != Err(AppError::RateLimited) {
            checked += 1;
        }
    }
    for n in 12..20 {
        if crm.sign_in(guess(n), origin("10.3.3.3")).await != Err(AppError::RateLimited) {
            checked += 1;
        }
    }
    assert_eq!(
        checked, 5,
        "exactly five wrong passwords may be tried per window"
    );
    let correct = crm
        .sign_in(
            sign_in("dana@acme.com", "correct horse battery"),
            origin("10.3.3.4"),
        )
        .await;
    assert_eq!(correct.unwrap_err(), AppError::RateLimited);
}

on_both_databases!(
    parallel_guesses_cannot_outrun_the_limit,
    sign_up_creates_workspace_admin_pipeline_and_event,
    bad_or_duplicate_sign_up_writes_nothing,
    sign_in_checks_password_and_rotates_session,
    garbage_session_tokens_resolve_to_nobody,
    repeated_failures_are_rate_limited_per_account_and_ip,
);
