use super::*;
use crate::visibility::Visibility;
use serde_json::json;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default()
}

fn deal_after() -> DealAfter {
    DealAfter {
        version: 3,
        changed: vec!["stage".into()],
        stage: id(2),
        stage_name: Some("Proposal".into()),
        status: DealStatus::Open,
        pipeline: id(1),
        title: "Acme renewal".into(),
        undo_of: None,
        fields: vec![FieldChange {
            label: "Value".into(),
            before: "$1,000".into(),
            after: "$2,000".into(),
        }],
        lost_reason: None,
    }
}

fn deal_before() -> Option<DealBefore> {
    Some(DealBefore {
        stage: id(3),
        status: DealStatus::Open,
        lost_reason: None,
        closed_at: None,
        stage_entered_at: at(),
        restore: vec![DealChange::Value("1000.00".into())],
    })
}

fn lead_after() -> LeadAfter {
    LeadAfter {
        version: 2,
        title: Some("Ada".into()),
        status: LeadStatus::Working,
        assignee: Some(id(9)),
        owner_name: Some("Sam Rep".into()),
        source: "web_form".into(),
        submissions: 1,
        score: 70,
        snoozed_until: Some(at()),
        reason: None,
    }
}

fn activity_after() -> ActivityAfter {
    ActivityAfter {
        version: 1,
        title: "Call Ada".into(),
        deal: Some(id(4)),
        assignee: Some(id(9)),
        due_at: at(),
        done: false,
    }
}

fn named(name: &str) -> Record {
    record(&json!({ "name": name }))
}

/// One example of every kind. The match has no wildcard: a new kind must add one.
fn sample(kind: EventKind) -> Payload {
    match kind {
        EventKind::WorkspaceCreated => Payload::WorkspaceCreated(
            (),
            WorkspaceCreated {
                name: "Acme".into(),
                admin: "ada@acme.test".into(),
            },
        ),
        EventKind::MemberJoined => Payload::MemberJoined(
            (),
            MemberJoined {
                name: "Sam".into(),
                email: "sam@acme.test".into(),
                role: Role::Rep,
                invite: Some(id(5)),
                via: None,
            },
        ),
        EventKind::MemberInvited => Payload::MemberInvited(
            (),
            Invited {
                email: "new@acme.test".into(),
                role: Some(Role::Marketer),
            },
        ),
        EventKind::InviteRevoked => Payload::InviteRevoked(
            Invited {
                email: "new@acme.test".into(),
                role: None,
            },
            (),
        ),
        EventKind::MemberRoleChanged => Payload::MemberRoleChanged(
            RoleHeld { role: Role::Rep },
            RoleHeld {
                role: Role::Manager,
            },
        ),
        EventKind::MemberDeactivated => {
            Payload::MemberDeactivated(Active { active: true }, Active { active: false })
        }
        EventKind::MemberReactivated => {
            Payload::MemberReactivated(Active { active: false }, Active { active: true })
        }
        EventKind::DemoSeeded => Payload::DemoSeeded(
            (),
            DemoSeeded {
                deals: 10,
                companies: 4,
                contacts: 8,
            },
        ),
        EventKind::DealCreated => Payload::DealCreated((), deal_after()),
        EventKind::DealUpdated => Payload::DealUpdated(deal_before(), deal_after()),
        EventKind::DealMoved => Payload::DealMoved(deal_before(), deal_after()),
        EventKind::DealWon => Payload::DealWon(deal_before(), deal_after()),
        EventKind::DealLost => Payload::DealLost(deal_before(), deal_after()),
        EventKind::DealReopened => Payload::DealReopened(None, deal_after()),
        EventKind::StagesChanged => Payload::StagesChanged(
            (),
            StagesChanged {
                stages: Some(7),
                created: false,
            },
        ),
        EventKind::CompanySaved => Payload::CompanySaved(Some(named("Acme")), named("Acme Inc")),
        EventKind::ContactSaved => Payload::ContactSaved(None, named("Ada")),
        EventKind::LostReasonsChanged => Payload::LostReasonsChanged(
            (),
            LostReasons {
                reasons: vec!["Price".into()],
            },
        ),
        EventKind::ActivityScheduled => Payload::ActivityScheduled((), activity_after()),
        EventKind::ActivityCompleted => Payload::ActivityCompleted((), activity_after()),
        EventKind::ActivityUpdated => Payload::ActivityUpdated((), activity_after()),
        EventKind::ActivityDue => Payload::ActivityDue(
            (),
            ActivityDue {
                title: "Call Ada".into(),
                kind: ActivityKind::Call,
                assignee: Some(id(9)),
                due_at: at(),
                deal: None,
                deal_title: None,
            },
        ),
        EventKind::NoteAdded => Payload::NoteAdded(
            (),
            NoteAdded {
                record: Subject::Deal(id(4)),
                title: "Acme renewal".into(),
            },
        ),
        EventKind::FollowUpPlanChanged => Payload::FollowUpPlanChanged(
            (),
            FollowUpPlan {
                title: Some("Sales".into()),
                steps: 3,
            },
        ),
        EventKind::LeadCaptured => Payload::LeadCaptured((), lead_after()),
        EventKind::LeadMerged => Payload::LeadMerged((), lead_after()),
        EventKind::LeadAssigned => Payload::LeadAssigned((), lead_after()),
        EventKind::LeadQualified => Payload::LeadQualified((), lead_after()),
        EventKind::LeadDisqualified => Payload::LeadDisqualified((), lead_after()),
        EventKind::LeadConverted => Payload::LeadConverted((), lead_after()),
        EventKind::LeadSnoozed => Payload::LeadSnoozed((), lead_after()),
        EventKind::LeadSetupChanged => {
            Payload::LeadSetupChanged((), record(&json!({ "rule_removed": id(6) })))
        }
        EventKind::DealsImported => Payload::DealsImported(
            (),
            DealsImported {
                pipeline: id(1),
                title: "Sales".into(),
                deals: 120,
                won: 30,
                lost: 20,
            },
        ),
        EventKind::ReviewStarted => Payload::ReviewStarted(
            (),
            ReviewStarted {
                review: id(7),
                title: "Sales".into(),
            },
        ),
        EventKind::DealReviewed => Payload::DealReviewed(
            (),
            DealReviewed {
                review: id(7),
                title: "Acme renewal".into(),
                comment: "Push for a date".into(),
            },
        ),
        EventKind::GoalChanged => Payload::GoalChanged(None, Some(named("Q4"))),
        EventKind::SignedIn => Payload::SignedIn(
            (),
            SignInAttempt {
                device: "Chrome on Android".into(),
            },
        ),
        EventKind::SignInFailed => Payload::SignInFailed(
            (),
            SignInAttempt {
                device: "Firefox on Linux".into(),
            },
        ),
        EventKind::PasswordChanged => Payload::PasswordChanged(
            (),
            PasswordChanged {
                how: PasswordSet::Reset,
                sessions_ended: 2,
            },
        ),
        EventKind::SignedOutEverywhere => {
            Payload::SignedOutEverywhere((), SessionsEnded { sessions: 3 })
        }
        EventKind::SessionLifetimeChanged => Payload::SessionLifetimeChanged(
            SessionLifetime { days: 30 },
            SessionLifetime { days: 7 },
        ),
        EventKind::DataExported => Payload::DataExported(
            (),
            Exported {
                what: "activity log".into(),
                filters: "action=deal.moved".into(),
            },
        ),
        EventKind::VisibilityChanged => Payload::VisibilityChanged(
            Shown {
                visibility: Visibility::Everyone,
            },
            Shown {
                visibility: Visibility::OwnAndTeam,
            },
        ),
        EventKind::SalesTeamsChanged => {
            Payload::SalesTeamsChanged(Some(named("East")), Some(named("North")))
        }
    }
}

#[test]
fn every_kind_round_trips_through_the_log_columns() {
    for (kind, _) in EventKind::NAMES {
        let payload = sample(kind);
        assert_eq!(payload.kind(), kind);
        let (before, after) = payload.columns();
        // Through text, as the database keeps it.
        let stored = |c: Option<Value>| c.map(|v| v.to_string());
        let reread = |c: Option<String>| c.map(|t| serde_json::from_str(&t).unwrap());
        let read = Payload::read(kind, reread(stored(before)), reread(stored(after)));
        assert_eq!(read.unwrap(), payload, "{kind:?}");
    }
}

#[test]
fn nothing_on_a_side_is_stored_as_null() {
    let (before, after) = sample(EventKind::DealCreated).columns();
    assert_eq!(before, None);
    assert!(after.is_some());
    let (before, after) = sample(EventKind::InviteRevoked).columns();
    assert!(before.is_some());
    assert_eq!(after, None);
}

/// Rows exactly as the first release (format 1) wrote them, before payloads were typed.
#[test]
fn rows_written_by_the_first_release_still_read() {
    let moved = Payload::read(
        EventKind::DealMoved,
        Some(json!({
            "stage": id(3), "status": "open", "lost_reason": null, "closed_at": null,
            "stage_entered_at": "2026-11-30T10:00:00Z",
            "restore": [{"Value": "1000.00"}],
        })),
        Some(json!({
            "version": 4, "changed": ["stage"], "stage": id(2), "stage_name": "Proposal",
            "status": "open", "pipeline": id(1), "title": "Acme renewal", "undo_of": null,
            "fields": [], "lost_reason": null,
        })),
    )
    .unwrap();
    let after = moved.deal_after().unwrap();
    assert_eq!(
        (after.version, after.changed.as_slice()),
        (4, &["stage".to_owned()][..])
    );
    let before = moved.deal_before().unwrap();
    assert_eq!(before.stage, id(3));
    assert_eq!(before.restore, vec![DealChange::Value("1000.00".into())]);

    let lead = Payload::read(
        EventKind::LeadAssigned,
        None,
        Some(json!({
            "version": 2, "title": "Ada", "status": "working", "assignee": id(9),
            "owner_name": "Sam Rep", "source": "web_form", "submissions": 1, "score": 0,
            "snoozed_until": null, "reason": null,
        })),
    )
    .unwrap();
    assert_eq!(
        lead.lead_after().unwrap().owner_name.as_deref(),
        Some("Sam Rep")
    );

    let due = Payload::read(
        EventKind::ActivityDue,
        None,
        Some(json!({
            "title": "Call Ada", "kind": "call", "assignee": id(9),
            "due_at": "2026-12-01T09:00:00Z", "deal": null, "deal_title": null,
        })),
    )
    .unwrap();
    assert!(matches!(
        due,
        Payload::ActivityDue(
            (),
            ActivityDue {
                kind: ActivityKind::Call,
                ..
            }
        )
    ));

    let note = Payload::read(
        EventKind::NoteAdded,
        None,
        Some(json!({ "record": format!("deal:{}", id(4)), "title": "Acme renewal" })),
    )
    .unwrap();
    assert!(matches!(
        note,
        Payload::NoteAdded(
            (),
            NoteAdded {
                record: Subject::Deal(_),
                ..
            }
        )
    ));

    let joined = Payload::read(
        EventKind::MemberJoined,
        None,
        Some(json!({ "name": "Sam", "email": "sam@acme.test", "role": "rep", "via": "cli" })),
    )
    .unwrap();
    assert!(matches!(
        joined,
        Payload::MemberJoined(
            (),
            MemberJoined {
                role: Role::Rep,
                ..
            }
        )
    ));
}

#[test]
fn a_column_that_does_not_fit_its_kind_is_refused() {
    let wrong = Payload::read(EventKind::DealWon, None, Some(json!({ "name": "Acme" })));
    assert!(wrong.is_err());
}
