//! Sign-up, sign-in, sessions and their limits, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use common::{count, origin, sign_up};
use domain::{
    account::{CurrentUser, SignIn},
    event::EventKind,
    AppError, Role,
};
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
    let kinds: Vec<_> = events.iter().map(|e| e.kind()).collect();
    assert_eq!(kinds, [EventKind::WorkspaceCreated, EventKind::SignedIn]);
    assert!(events.iter().all(|e| e.actor == Some(admin.user_id)));
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
    assert_eq!(
        count(&crm, "events").await,
        2,
        "the workspace and its first sign-in"
    );
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
        previous_session: Some(first.clone()),
        ..origin("10.0.0.1")
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

fn waits(outcome: Result<(CurrentUser, SessionToken), AppError>) -> u32 {
    match outcome {
        Err(AppError::RateLimited(seconds)) => seconds,
        other => panic!("expected to be told to wait, got {other:?}"),
    }
}

async fn failures_slow_down_one_network_for_one_account_and_never_lock_out_the_owner(crm: Crm) {
    crm.sign_up(sign_up("Acme Sales", "dana@acme.com"))
        .await
        .unwrap();
    let right = || sign_in("dana@acme.com", "correct horse battery");
    for _ in 0..5 {
        let refused = crm
            .sign_in(sign_in("dana@acme.com", "guess guess"), origin("10.0.0.9"))
            .await;
        assert!(
            matches!(refused, Err(AppError::Validation(_))),
            "{refused:?}"
        );
    }
    // The sixth try from that network waits, even with the right password (else the
    // answer would tell a guesser it was right).
    let wait = waits(crm.sign_in(right(), origin("10.0.0.9")).await);
    assert!((1..=30).contains(&wait), "{wait}");
    // Dana, from her own network, is never locked out by someone else's guesses.
    crm.sign_in(right(), origin("10.0.0.7")).await.unwrap();
    // An IPv6 guesser rotating addresses inside one /64 is one network.
    for n in 0..5 {
        let _ = crm
            .sign_in(
                sign_in("dana@acme.com", "guess guess"),
                origin(&format!("2001:db8:7:7::{n:x}")),
            )
            .await;
    }
    waits(crm.sign_in(right(), origin("2001:db8:7:7::ffff")).await);
    crm.sign_in(right(), origin("2001:db8:7:8::1"))
        .await
        .unwrap();

    // A network trying many accounts stops at 30 failures, for every account.
    for n in 0..service::MAX_FAILURES_PER_NETWORK {
        let _ = crm
            .sign_in(
                sign_in(&format!("x{n}@acme.com"), "guess guess"),
                origin("10.0.0.66"),
            )
            .await;
    }
    crm.sign_up(sign_up("Beta", "eve@beta.com")).await.unwrap();
    let eve = || sign_in("eve@beta.com", "correct horse battery");
    let wait = waits(crm.sign_in(eve(), origin("10.0.0.66")).await);
    assert!(
        wait > 800,
        "until the first failure is 15 minutes old: {wait}"
    );
    assert!(crm.sign_in(eve(), origin("10.0.0.5")).await.is_ok());
}

async fn a_hundred_failures_for_the_admin_do_not_stop_the_admin_elsewhere(crm: Crm) {
    crm.sign_up(sign_up("Acme Sales", "dana@acme.com"))
        .await
        .unwrap();
    let mut refused_at_once = 0;
    for _ in 0..100 {
        if let Err(AppError::RateLimited(_)) = crm
            .sign_in(
                sign_in("dana@acme.com", "guess guess"),
                origin("198.51.100.4"),
            )
            .await
        {
            refused_at_once += 1;
        }
    }
    assert_eq!(refused_at_once, 95, "five guesses, then waiting");
    crm.sign_in(
        sign_in("dana@acme.com", "correct horse battery"),
        origin("203.0.113.20"),
    )
    .await
    .unwrap();
    // Her success clears only her own network's failures: the guesser still waits.
    waits(
        crm.sign_in(
            sign_in("dana@acme.com", "guess guess"),
            origin("198.51.100.4"),
        )
        .await,
    );
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
        if !matches!(outcome.unwrap(), Err(AppError::RateLimited(_))) {
            checked += 1;
        }
    }
    for n in 12..20 {
        if !matches!(
            crm.sign_in(guess(n), origin("10.3.3.3")).await,
            Err(AppError::RateLimited(_))
        ) {
            checked += 1;
        }
    }
    assert_eq!(
        checked, 5,
        "exactly five wrong passwords may be tried before waiting"
    );
}

/// 50 sign-ups at once from one network: ten get through (each creates a workspace
/// and costs a password hash), the rest are told to wait without hashing anything;
/// sign-in keeps a hashing slot and answers meanwhile.
async fn a_burst_of_sign_ups_from_one_network_is_limited_and_sign_in_still_answers(crm: Crm) {
    crm.sign_up(sign_up("Acme Sales", "dana@acme.com"))
        .await
        .unwrap();
    let mut burst = tokio::task::JoinSet::new();
    for n in 0..50 {
        let crm = crm.clone();
        burst.spawn(async move {
            crm.sign_up_from(
                sign_up(&format!("Spam {n}"), &format!("spam{n}@spam.example")),
                &origin("192.0.2.50"),
            )
            .await
        });
    }
    let started = std::time::Instant::now();
    crm.sign_in(
        sign_in("dana@acme.com", "correct horse battery"),
        origin("10.9.9.9"),
    )
    .await
    .unwrap();
    let signing_in = started.elapsed();
    let (mut created, mut limited) = (0, 0);
    while let Some(outcome) = burst.join_next().await {
        match outcome.unwrap() {
            Ok(_) => created += 1,
            Err(AppError::RateLimited(wait)) => {
                assert!(wait > 60, "{wait}");
                limited += 1;
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(
        (created, limited),
        (service::ACCOUNTS_PER_NETWORK_PER_HOUR, 40)
    );
    assert_eq!(count(&crm, "workspaces").await, 11);
    assert!(
        signing_in < std::time::Duration::from_secs(5),
        "sign-in waited {signing_in:?}"
    );
    // A taken address is refused before any hashing, and counted like the others.
    let taken = crm
        .sign_up_from(sign_up("Again", "dana@acme.com"), &origin("192.0.2.51"))
        .await
        .unwrap_err();
    assert!(taken.field_message("email").is_some());
}

on_both_databases!(
    parallel_guesses_cannot_outrun_the_limit,
    sign_up_creates_workspace_admin_pipeline_and_event,
    bad_or_duplicate_sign_up_writes_nothing,
    sign_in_checks_password_and_rotates_session,
    garbage_session_tokens_resolve_to_nobody,
    failures_slow_down_one_network_for_one_account_and_never_lock_out_the_owner,
    a_hundred_failures_for_the_admin_do_not_stop_the_admin_elsewhere,
    a_burst_of_sign_ups_from_one_network_is_limited_and_sign_in_still_answers,
);
