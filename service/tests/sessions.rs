//! Sessions after sign-in: their lifetime and purge, the owner's list, changing and
//! resetting a password. On SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use common::{count, deals::rep, origin, sign_up};
use domain::{
    account::SignIn,
    session::{ChangePassword, RequestReset, ResetPassword},
    AppError,
};
use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait},
    ConnectionTrait,
};
use service::{Crm, Mail, Mailer, SessionToken, SignInOrigin};

const PASSWORD: &str = "correct horse battery";
const ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

fn from(ip: &str, user_agent: &str) -> SignInOrigin {
    SignInOrigin {
        user_agent: user_agent.into(),
        ..origin(ip)
    }
}

async fn sign_in_as(crm: &Crm, email: &str, password: &str, from: SignInOrigin) -> SessionToken {
    let command = SignIn {
        email: email.into(),
        password: password.into(),
    };
    crm.sign_in(command, from).await.unwrap().1
}

async fn signed_in(crm: &Crm, token: &SessionToken) -> bool {
    crm.resolve_session(token).await.unwrap().is_some()
}

/// Runs an UPDATE written for both databases (timestamps bound as values).
async fn age(crm: &Crm, table: &str, column: &str, by: chrono::Duration) {
    let at = chrono::Utc::now() - by;
    let update = sea_orm::sea_query::Query::update()
        .table(Alias::new(table))
        .value(Alias::new(column), Expr::value(at))
        .to_owned();
    crm.db().execute(&update).await.expect("age rows");
}

fn outbox(crm: &Crm) -> Vec<Mail> {
    match &crm.settings().mailer {
        Mailer::Outbox(kept) => kept.lock().unwrap().clone(),
        other => panic!("the tests keep mail in memory, not {other:?}"),
    }
}

/// The token at the end of the last reset mail's link.
fn mailed_token(crm: &Crm) -> String {
    let mail = outbox(crm).pop().expect("a reset mail");
    let link = mail
        .body
        .split_whitespace()
        .find(|word| word.contains("/reset-password/"))
        .expect("a link in the mail");
    link.rsplit('/').next().unwrap().to_owned()
}

async fn a_session_ends_at_the_workspace_lifetime_however_often_it_is_used(crm: Crm) {
    let (dana, token) = crm
        .sign_up(sign_up("Acme Sales", "dana@acme.com"))
        .await
        .unwrap();
    assert!(signed_in(&crm, &token).await);
    // Used an hour ago, opened 31 days ago: past the default 30-day lifetime.
    age(&crm, "sessions", "created_at", chrono::Duration::days(31)).await;
    age(&crm, "sessions", "last_seen_at", chrono::Duration::hours(2)).await;
    assert!(!signed_in(&crm, &token).await, "older than the lifetime");
    // The lifetime is the workspace's: a longer one lets the same session back in.
    crm.set_session_days(&dana, 60).await.unwrap();
    assert!(signed_in(&crm, &token).await);
    assert_eq!(crm.session_days(&dana).await.unwrap(), 60);
    for days in [0, 366, -1, i32::MAX] {
        let refused = crm.set_session_days(&dana, days).await.unwrap_err();
        assert!(refused.field_message("session_days").is_some(), "{days}");
    }
    let sam = rep(&crm, &dana).await;
    assert!(matches!(
        crm.set_session_days(&sam, 90).await.unwrap_err(),
        AppError::Forbidden(_)
    ));
    assert_eq!(crm.session_days(&dana).await.unwrap(), 60);
    // The purge deletes sessions past their end, and nothing live.
    let live = sign_in_as(&crm, "dana@acme.com", PASSWORD, origin("10.0.0.2")).await;
    let update = sea_orm::sea_query::Query::update()
        .table(Alias::new("sessions"))
        .value(
            Alias::new("expires_at"),
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .and_where(
            Expr::col(Alias::new("created_at")).lt(chrono::Utc::now() - chrono::Duration::days(1)),
        )
        .to_owned();
    crm.db().execute(&update).await.unwrap();
    let purged = crm.purge_expired(chrono::Utc::now()).await.unwrap();
    assert_eq!(purged.sessions, 1);
    assert_eq!(count(&crm, "sessions").await, 1);
    assert!(signed_in(&crm, &live).await);
}

async fn changing_the_password_keeps_this_session_and_ends_the_others(crm: Crm) {
    let (dana, here) = crm
        .sign_up(sign_up("Acme Sales", "dana@acme.com"))
        .await
        .unwrap();
    let phone = sign_in_as(&crm, "dana@acme.com", PASSWORD, from("10.0.0.2", ANDROID)).await;
    let laptop = sign_in_as(&crm, "dana@acme.com", PASSWORD, origin("10.0.0.3")).await;
    let wrong = ChangePassword {
        current_password: "not my password".into(),
        new_password: "staple battery horse".into(),
    };
    let refused = crm
        .change_password(&dana, &here, wrong, "10.0.0.1")
        .await
        .unwrap_err();
    assert!(refused.field_message("current_password").is_some());
    assert!(
        signed_in(&crm, &phone).await,
        "a refused change ends nothing"
    );
    let change = ChangePassword {
        current_password: PASSWORD.into(),
        new_password: "staple battery horse".into(),
    };
    crm.change_password(&dana, &here, change, "10.0.0.1")
        .await
        .unwrap();
    assert!(signed_in(&crm, &here).await, "this session stays");
    assert!(!signed_in(&crm, &phone).await && !signed_in(&crm, &laptop).await);
    let old = SignIn {
        email: "dana@acme.com".into(),
        password: PASSWORD.into(),
    };
    assert!(crm.sign_in(old, origin("10.0.0.4")).await.is_err());
    sign_in_as(
        &crm,
        "dana@acme.com",
        "staple battery horse",
        origin("10.0.0.4"),
    )
    .await;
    // Guessing the current password from a stolen session is slowed like sign-in.
    let mut limited = None;
    for _ in 0..8 {
        let guess = ChangePassword {
            current_password: "a wrong guess".into(),
            new_password: "another new password".into(),
        };
        if let Err(AppError::RateLimited(wait)) =
            crm.change_password(&dana, &here, guess, "10.0.0.9").await
        {
            limited = Some(wait);
            break;
        }
    }
    assert!(limited.is_some_and(|wait| wait > 0), "{limited:?}");
}

async fn sessions_are_listed_to_their_owner_and_ended_one_by_one_or_everywhere(crm: Crm) {
    let (dana, laptop) = crm
        .sign_up_from(
            sign_up("Acme Sales", "dana@acme.com"),
            &from("192.0.2.7", ANDROID),
        )
        .await
        .unwrap();
    let phone = sign_in_as(&crm, "dana@acme.com", PASSWORD, from("192.0.2.8", IPHONE)).await;
    let sam = rep(&crm, &dana).await;
    let sams = sign_in_as(
        &crm,
        "sam@acme.com",
        "rep password 123",
        origin("192.0.2.9"),
    )
    .await;
    let listed = crm.my_sessions(&dana, Some(&laptop)).await.unwrap();
    assert_eq!(listed.len(), 2, "only Dana's own");
    let this = listed.iter().find(|s| s.current).expect("this one marked");
    assert_eq!(
        (this.device.as_str(), this.address.as_str()),
        ("Chrome on Android", "192.0.2.7")
    );
    let other = listed.iter().find(|s| !s.current).unwrap();
    assert_eq!(other.device, "Safari on iPhone");
    // Someone else's session cannot be ended by its key; a malformed key is refused.
    let sams_key = crm.my_sessions(&sam, Some(&sams)).await.unwrap()[0]
        .key
        .clone();
    assert_eq!(
        crm.end_session(&dana, &sams_key).await.unwrap_err(),
        AppError::NotFound
    );
    assert!(signed_in(&crm, &sams).await);
    for key in ["", "%", "0123456789ABCDEF", &"a".repeat(10_000)] {
        let refused = crm.end_session(&dana, key).await.unwrap_err();
        assert!(refused.field_message("form").is_some(), "{key}");
    }
    crm.end_session(&dana, &other.key).await.unwrap();
    assert!(!signed_in(&crm, &phone).await && signed_in(&crm, &laptop).await);
    assert_eq!(crm.sign_out_everywhere(&dana).await.unwrap(), 1);
    assert!(!signed_in(&crm, &laptop).await);
    assert!(signed_in(&crm, &sams).await, "Sam stays signed in");
}

async fn a_reset_link_works_once_within_the_hour_and_signs_out_everywhere(crm: Crm) {
    let (_, before) = crm
        .sign_up(sign_up("Acme Sales", "dana@acme.com"))
        .await
        .unwrap();
    let site = "https://crm.acme.test";
    let ask = |email: &str| RequestReset {
        email: email.into(),
    };
    // An unknown address gets the same answer and no mail.
    crm.request_password_reset(ask("nobody@acme.com"), &origin("10.0.0.1"), site)
        .await
        .unwrap();
    assert!(outbox(&crm).is_empty());
    crm.request_password_reset(ask(" Dana@Acme.com "), &origin("10.0.0.1"), site)
        .await
        .unwrap();
    let mail = outbox(&crm).pop().unwrap();
    assert_eq!(mail.to, "dana@acme.com");
    assert!(mail.body.contains("https://crm.acme.test/reset-password/"));
    let token = mailed_token(&crm);
    assert_eq!(count(&crm, "password_resets").await, 1, "stored once");
    let short = ResetPassword {
        token: token.clone(),
        password: "short".into(),
    };
    assert!(crm
        .reset_password(short, &origin("10.0.0.1"))
        .await
        .unwrap_err()
        .field_message("password")
        .is_some());
    let reset = ResetPassword {
        token: token.clone(),
        password: "a brand new password".into(),
    };
    let (dana, after) = crm
        .reset_password(reset.clone(), &origin("10.0.0.1"))
        .await
        .unwrap();
    assert_eq!(dana.email, "dana@acme.com");
    assert!(signed_in(&crm, &after).await && !signed_in(&crm, &before).await);
    sign_in_as(
        &crm,
        "dana@acme.com",
        "a brand new password",
        origin("10.0.0.2"),
    )
    .await;
    let again = crm
        .reset_password(reset, &origin("10.0.0.1"))
        .await
        .unwrap_err();
    assert!(again.field_message("form").is_some(), "one use only");
    // A link past its hour is refused; only the newest link works.
    crm.request_password_reset(ask("dana@acme.com"), &origin("10.0.0.1"), site)
        .await
        .unwrap();
    let first = mailed_token(&crm);
    crm.request_password_reset(ask("dana@acme.com"), &origin("10.0.0.1"), site)
        .await
        .unwrap();
    let newest = mailed_token(&crm);
    let stale = ResetPassword {
        token: first,
        password: "yet another password".into(),
    };
    assert!(crm
        .reset_password(stale, &origin("10.0.0.1"))
        .await
        .is_err());
    age(
        &crm,
        "password_resets",
        "expires_at",
        chrono::Duration::minutes(1),
    )
    .await;
    let late = ResetPassword {
        token: newest,
        password: "yet another password".into(),
    };
    let expired = crm
        .reset_password(late, &origin("10.0.0.1"))
        .await
        .unwrap_err();
    assert!(expired.field_message("form").is_some());
    // The purge takes the used link and the expired one.
    assert_eq!(
        crm.purge_expired(chrono::Utc::now()).await.unwrap().resets,
        2
    );
    // Each network may ask a few times an hour; then it is told to wait, in words.
    let mut asked = 4; // the unknown address, then three for Dana
    let limited = loop {
        match crm
            .request_password_reset(ask("dana@acme.com"), &origin("10.0.0.1"), site)
            .await
        {
            Ok(()) => asked += 1,
            Err(error) => break error,
        }
    };
    assert_eq!(asked, service::ACCOUNTS_PER_NETWORK_PER_HOUR);
    assert!(matches!(limited, AppError::RateLimited(_)), "{limited:?}");
    crm.request_password_reset(ask("dana@acme.com"), &origin("10.0.0.77"), site)
        .await
        .unwrap();
}

async fn admins_hand_out_reset_links_and_nobody_else_does(crm: Crm) {
    let (dana, _) = crm
        .sign_up(sign_up("Acme Sales", "dana@acme.com"))
        .await
        .unwrap();
    let sam = rep(&crm, &dana).await;
    let (outsider, _) = crm
        .sign_up(sign_up("Other Co", "olga@other.test"))
        .await
        .unwrap();
    let site = "http://127.0.0.1:3000/";
    let link = crm.reset_link_for(&dana, sam.user_id, site).await.unwrap();
    assert!(
        link.starts_with("http://127.0.0.1:3000/reset-password/"),
        "{link}"
    );
    assert!(matches!(
        crm.reset_link_for(&sam, dana.user_id, site)
            .await
            .unwrap_err(),
        AppError::Forbidden(_)
    ));
    assert_eq!(
        crm.reset_link_for(&dana, outsider.user_id, site)
            .await
            .unwrap_err(),
        AppError::NotFound
    );
    let token = link.rsplit('/').next().unwrap().to_owned();
    let (signed, _) = crm
        .reset_password(
            ResetPassword {
                token,
                password: "sam's new password".into(),
            },
            &origin("10.0.0.5"),
        )
        .await
        .unwrap();
    assert_eq!(signed.user_id, sam.user_id);
    assert!(outbox(&crm).is_empty(), "a handed-out link is not mailed");
}

on_both_databases!(
    a_session_ends_at_the_workspace_lifetime_however_often_it_is_used,
    changing_the_password_keeps_this_session_and_ends_the_others,
    sessions_are_listed_to_their_owner_and_ended_one_by_one_or_everywhere,
    a_reset_link_works_once_within_the_hour_and_signs_out_everywhere,
    admins_hand_out_reset_links_and_nobody_else_does,
);
