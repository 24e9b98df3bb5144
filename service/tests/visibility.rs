//! Record visibility: with "reps see their own and their team's", a rep's board, totals,
//! list, deal and lead pages, related deals, dashboard and live feed all leave out what
//! a rep outside the team owns, and keep what nobody owns. Managers still see it all.
//! Each case runs on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use chrono::Utc;
use common::deals::{board, move_to, new_deal, stage, titles};
use domain::{
    account::{CurrentUser, NewMember, SignIn},
    board::{DealFilter, DealSort, Saved},
    deal::DealChange,
    event::{EventKind, Payload},
    lead::{InboxView, NewLead},
    lead_rules::InboxFilter,
    live::ServerMessage,
    metrics::{MetricsFilter, Period},
    visibility::{Sees, Visibility},
    AppError, Role, UserId,
};
use service::{About, Crm, LiveHub};
use std::time::Duration;

struct Team {
    dana: CurrentUser,
    sam: CurrentUser,
    ria: CurrentUser,
    olive: CurrentUser,
    manager: CurrentUser,
}

/// Signs a member in, so their `sees` is worked out as on every request.
async fn signed_in(crm: &Crm, email: &str) -> CurrentUser {
    let command = SignIn {
        email: email.into(),
        password: "member password 123".into(),
    };
    crm.sign_in(command, common::origin("127.0.0.1"))
        .await
        .unwrap()
        .0
}

async fn member(crm: &Crm, dana: &CurrentUser, name: &str, role: Role) -> CurrentUser {
    let email = format!("{}@acme.com", name.to_lowercase());
    let new = NewMember {
        name: name.into(),
        email: email.clone(),
        password: "member password 123".into(),
        role,
    };
    crm.create_member(Some(&dana.workspace_name), new)
        .await
        .unwrap();
    signed_in(crm, &email).await
}

/// Dana (admin), Sam and Ria (reps in team North), Olive (a rep in no team), Mia (manager).
async fn team(crm: &Crm) -> Team {
    let dana = common::deals::workspace(crm, "dana@acme.com").await;
    let sam = member(crm, &dana, "Sam", Role::Rep).await;
    let ria = member(crm, &dana, "Ria", Role::Rep).await;
    let olive = member(crm, &dana, "Olive", Role::Rep).await;
    let manager = member(crm, &dana, "Mia", Role::Manager).await;
    let north = crm.create_sales_team(&dana, "North").await.unwrap();
    for rep in [&sam, &ria] {
        crm.assign_sales_team(&dana, rep.user_id.0, Some(north.id))
            .await
            .unwrap();
    }
    Team {
        dana,
        sam,
        ria,
        olive,
        manager,
    }
}

async fn owned(crm: &Crm, dana: &CurrentUser, title: &str, owner: Option<UserId>) -> Saved {
    let changes = vec![DealChange::Value("1000".into()), DealChange::Owner(owner)];
    new_deal(crm, dana, title, changes).await
}

async fn open_deals(crm: &Crm, viewer: &CurrentUser) -> u64 {
    let filter = MetricsFilter {
        period: Period::quarter_of(Utc::now().date_naive()),
        pipeline: None,
        owner: None,
        team: None,
    };
    crm.dashboard(viewer, filter)
        .await
        .unwrap()
        .current
        .open_deals
}

async fn reps_see_their_own_and_their_teams_records_once_narrowed(crm: Crm) {
    let t = team(&crm).await;
    owned(&crm, &t.dana, "Sam's deal", Some(t.sam.user_id)).await;
    owned(&crm, &t.dana, "Ria's deal", Some(t.ria.user_id)).await;
    let olives = owned(&crm, &t.dana, "Olive's deal", Some(t.olive.user_id)).await;
    owned(&crm, &t.dana, "Nobody's deal", None).await;
    let everything = ["Nobody's deal", "Olive's deal", "Ria's deal", "Sam's deal"];
    assert_eq!(titles(&board(&crm, &t.sam).await), everything);
    assert_eq!(t.sam.sees, Sees::Everything);

    // Only admins set it.
    assert!(matches!(
        crm.set_visibility(&t.manager, Visibility::OwnAndTeam).await,
        Err(AppError::Forbidden(_))
    ));
    crm.set_visibility(&t.dana, Visibility::OwnAndTeam)
        .await
        .unwrap();
    let log = crm.events_since(&t.dana, 0, 500).await.unwrap();
    let changed = log.last().unwrap();
    assert_eq!(changed.kind(), EventKind::VisibilityChanged);
    assert!(matches!(changed.payload, Payload::VisibilityChanged(..)));

    let sam = signed_in(&crm, "sam@acme.com").await;
    let Sees::Owners(seen) = &sam.sees else {
        panic!("a narrowed rep: {:?}", sam.sees);
    };
    assert_eq!(seen[0], t.sam.user_id, "the person first");
    assert_eq!(seen[1..], [t.ria.user_id]);
    let olive = signed_in(&crm, "olive@acme.com").await;
    assert_eq!(olive.sees, Sees::Owners(vec![t.olive.user_id]));

    // The board, its totals, the list and its count agree.
    let narrowed = board(&crm, &sam).await;
    assert_eq!(
        titles(&narrowed),
        ["Nobody's deal", "Ria's deal", "Sam's deal"]
    );
    let total: u64 = narrowed.columns.iter().map(|c| c.totals.deals).sum();
    assert_eq!(total, 3);
    let list = crm
        .list_deals(&sam, DealFilter::default(), DealSort::Title, 0)
        .await
        .unwrap();
    assert_eq!(list.total, 3);
    assert_eq!(
        titles(&board(&crm, &olive).await),
        ["Nobody's deal", "Olive's deal"]
    );

    // Another rep's deal is not found, as another workspace's is: no page, no timeline,
    // no note, and it cannot be searched for.
    assert_eq!(
        crm.deal_detail(&sam, olives.card.id).await.map(|_| ()),
        Err(AppError::NotFound)
    );
    let search = DealFilter {
        text: "olive".into(),
        ..DealFilter::default()
    };
    assert_eq!(
        crm.list_deals(&sam, search, DealSort::Title, 0)
            .await
            .unwrap()
            .total,
        0
    );

    // The review page lists only what the rep sees too.
    let review = crm.pipeline_review(&sam, None).await.unwrap();
    let reviewed: std::collections::BTreeSet<String> = review
        .sections
        .iter()
        .flat_map(|(_, deals)| deals.iter().map(|d| d.title.clone()))
        .collect();
    assert!(reviewed.contains("Sam's deal"), "{reviewed:?}");
    assert!(!reviewed.contains("Olive's deal"), "{reviewed:?}");

    // Figures count what the rep sees; the manager and admin still see everything.
    assert_eq!(open_deals(&crm, &sam).await, 3);
    assert_eq!(open_deals(&crm, &olive).await, 2);
    let mia = signed_in(&crm, "mia@acme.com").await;
    assert_eq!(mia.sees, Sees::Everything);
    assert_eq!(open_deals(&crm, &mia).await, 4);
    assert_eq!(titles(&board(&crm, &mia).await), everything);

    // Back to everyone: the next request sees it all again.
    crm.set_visibility(&t.dana, Visibility::Everyone)
        .await
        .unwrap();
    let sam = signed_in(&crm, "sam@acme.com").await;
    assert_eq!(titles(&board(&crm, &sam).await), everything);
}

async fn leads_nobody_owns_stay_in_the_shared_inbox(crm: Crm) {
    let t = team(&crm).await;
    crm.set_visibility(&t.dana, Visibility::OwnAndTeam)
        .await
        .unwrap();
    let lead = |name: &str| NewLead {
        name: name.into(),
        email: format!("{}@globex.com", name.to_lowercase()),
        ..NewLead::default()
    };
    let olives = crm.add_lead(&t.olive, lead("Ada")).await.unwrap();
    let open = crm.add_lead(&t.dana, lead("Bo")).await.unwrap();
    let olives_id = olives.lead;
    // Dana's lead went to Dana; hand it back to nobody for the shared inbox.
    let version = crm
        .lead_detail(&t.dana, open.lead)
        .await
        .unwrap()
        .lead
        .version;
    crm.assign_lead(&t.dana, open.lead, version, None)
        .await
        .unwrap();
    let sam = signed_in(&crm, "sam@acme.com").await;
    let unassigned = crm
        .inbox(&sam, InboxView::Unassigned, &InboxFilter::default(), 0)
        .await
        .unwrap();
    assert_eq!(
        unassigned.iter().map(|l| l.id).collect::<Vec<_>>(),
        [open.lead]
    );
    crm.lead_detail(&sam, open.lead).await.unwrap();
    assert_eq!(
        crm.lead_detail(&sam, olives_id).await.map(|_| ()),
        Err(AppError::NotFound)
    );
    let olive = signed_in(&crm, "olive@acme.com").await;
    crm.lead_detail(&olive, olives_id).await.unwrap();
}

async fn the_live_feed_says_whose_record_each_event_is_about(crm: Crm) {
    let hub = LiveHub::start(&crm);
    let t = team(&crm).await;
    crm.set_visibility(&t.dana, Visibility::OwnAndTeam)
        .await
        .unwrap();
    let sam = signed_in(&crm, "sam@acme.com").await;
    let mut feed = hub.join(&sam, None).await.unwrap();
    let olives = owned(&crm, &t.dana, "Olive's deal", Some(t.olive.user_id)).await;
    let rias = owned(&crm, &t.dana, "Ria's deal", Some(t.ria.user_id)).await;
    let second = stage(&board(&crm, &t.dana).await, "Initial contact");
    for deal in [&olives, &rias] {
        crm.move_deal(&t.dana, move_to(deal, second, vec![]))
            .await
            .unwrap();
    }
    let mut delivered = Vec::new();
    while delivered.len() < 4 {
        let next = tokio::time::timeout(Duration::from_secs(5), feed.receiver.recv())
            .await
            .expect("a live message within 5 s")
            .expect("the feed is open");
        if let Ok(ServerMessage::Event(event)) = serde_json::from_str(&next.wire) {
            delivered.push((event.gist.title.clone().unwrap_or_default(), next.about));
        }
    }
    let shown: Vec<&str> = delivered
        .iter()
        .filter(|(_, about)| about.seen_by(&sam.sees))
        .map(|(title, _)| title.as_str())
        .collect();
    assert_eq!(shown, ["Ria's deal", "Ria's deal"]);
    assert!(delivered
        .iter()
        .any(|(_, about)| *about == About::OwnedBy(t.olive.user_id.0)));
    // A manager's socket is sent everything.
    assert!(delivered
        .iter()
        .all(|(_, about)| about.seen_by(&t.manager.sees)));
}

on_both_databases!(
    reps_see_their_own_and_their_teams_records_once_narrowed,
    leads_nobody_owns_stay_in_the_shared_inbox,
    the_live_feed_says_whose_record_each_event_is_about,
);
