//! The permission table, proven on the service: every role runs the command behind every
//! `Action` against its own record and against someone else's, and the answer is a 403
//! exactly when `domain::permission` says so. A new action without a command here does
//! not compile (`run` matches every action). Each case runs on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use chrono::{Duration, Utc};
use common::{
    count,
    deals::{board, move_to, new_deal, stage},
};
use domain::{
    account::{CurrentUser, InviteTeammate, NewMember},
    activity::{ActivityKind, LocalTime, NewActivity},
    board::{NewDeal, Outcome, Saved},
    company::CompanyInput,
    deal::DealChange,
    goal::{GoalDraft, GoalOwner},
    lead::{ConvertLead, LeadSource, NewLead},
    lead_form::{FormField, FormSetup},
    lead_rules::{NewRule, RuleField},
    note::{NewNote, RecordRef},
    permission::{allows, Action, Whose},
    AppError, Role,
};
use service::{CaptureBy, Crm, ImportOptions};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Unique e-mail addresses across the cases of one database.
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A workspace with an admin (Dana), the actor in `role`, and a record owner: the actor
/// for "mine", a colleague for "someone else's".
struct World {
    dana: CurrentUser,
    actor: CurrentUser,
    owner: CurrentUser,
    deal: Saved,
    lead: (uuid::Uuid, i32),
    activity: (uuid::Uuid, i32),
}

async fn member(crm: &Crm, dana: &CurrentUser, role: Role, name: &str) -> CurrentUser {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let created = crm
        .create_member(
            Some(&dana.workspace_name),
            NewMember {
                name: name.into(),
                email: format!("{}.{n}@acme.com", name.to_lowercase().replace(' ', ".")),
                password: "member password 123".into(),
                role,
            },
        )
        .await
        .unwrap();
    CurrentUser {
        user_id: created.id,
        name: name.into(),
        role,
        sees: Default::default(),
        ..dana.clone()
    }
}

async fn world(crm: &Crm, role: Role, whose: Whose) -> World {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let name = format!("Acme {n}");
    let (dana, _) = crm
        .sign_up(common::sign_up(&name, &format!("dana.{n}@acme.com")))
        .await
        .unwrap();
    let actor = if role == Role::Admin {
        dana.clone()
    } else {
        member(crm, &dana, role, "Alex Actor").await
    };
    let owner = match whose {
        Whose::Mine => actor.clone(),
        _ => member(crm, &dana, Role::Rep, "Olive Owner").await,
    };
    let deal = new_deal(
        crm,
        &dana,
        "Globex vans",
        vec![DealChange::Value("1000".into())],
    )
    .await;
    let deal = crm
        .update_deal(
            &dana,
            deal.card.id,
            deal.card.version,
            vec![DealChange::Owner(Some(owner.user_id))],
        )
        .await
        .unwrap();
    let web = CaptureBy {
        workspace: dana.workspace_id,
        member: None,
        source: LeadSource::WebForm,
        form: None,
    };
    let captured = crm
        .capture_lead(web, person("Ana Silva", "ana@globex.com"))
        .await
        .unwrap();
    let version = crm
        .lead_detail(&dana, captured.lead)
        .await
        .unwrap()
        .lead
        .version;
    let lead = crm
        .assign_lead(&dana, captured.lead, version, Some(owner.user_id))
        .await
        .unwrap();
    let activity = crm
        .schedule_activity(
            &dana,
            NewActivity {
                kind: ActivityKind::Call,
                subject: "Call Ana".into(),
                due: soon(),
                duration: "30".into(),
                assignee: Some(owner.user_id),
                deal: Some(deal.card.id),
                contact: None,
                company: None,
            },
        )
        .await
        .unwrap();
    World {
        dana,
        actor,
        owner,
        deal,
        lead: (lead.id, lead.version),
        activity: (activity.id, activity.version),
    }
}

fn person(name: &str, email: &str) -> NewLead {
    NewLead {
        name: name.into(),
        email: email.into(),
        ..NewLead::default()
    }
}

fn soon() -> LocalTime {
    LocalTime {
        local: (Utc::now() + Duration::hours(2))
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
        offset_minutes: 0,
        time_zone: "Etc/UTC".into(),
    }
}

/// Runs the command behind `action` as the world's actor; `Ok(())` when it went through.
async fn run(crm: &Crm, w: &World, action: Action) -> Result<(), AppError> {
    let actor = &w.actor;
    let (deal, version) = (w.deal.card.id, w.deal.card.version);
    match action {
        Action::CreateDeal => {
            let new = NewDeal {
                pipeline: None,
                stage: None,
                title: "Initech seats".into(),
                changes: vec![],
            };
            crm.create_deal(actor, new).await.map(drop)
        }
        Action::EditDeal => {
            let next = vec![DealChange::NextStep("Send the proposal".into())];
            crm.update_deal(actor, deal, version, next).await.map(drop)
        }
        Action::MoveDeal => {
            let to = stage(&board(crm, &w.dana).await, "Initial contact");
            crm.move_deal(actor, move_to(&w.deal, to, vec![]))
                .await
                .map(drop)
        }
        Action::CloseDeal => crm
            .close_deal(actor, deal, version, Outcome::Won)
            .await
            .map(drop),
        Action::ImportDeals => crm
            .import_deals(
                actor,
                vec![],
                vec![],
                &ImportOptions::default(),
                &mut |_, _| {},
            )
            .await
            .map(drop),
        Action::AddLead => crm
            .add_lead(actor, person("Bo Chen", "bo@globex.com"))
            .await
            .map(drop),
        Action::WorkLead => {
            let until = Some(Utc::now() + Duration::days(1));
            crm.snooze_lead(actor, w.lead.0, w.lead.1, until)
                .await
                .map(drop)
        }
        Action::ConvertLead => {
            let to = ConvertLead {
                pipeline: None,
                stage: None,
                title: "Globex fleet".into(),
                value: "48,000".into(),
            };
            crm.convert_lead(actor, w.lead.0, w.lead.1, to)
                .await
                .map(drop)
        }
        Action::EditRecords => {
            let company = CompanyInput {
                name: "Umbrella".into(),
                ..CompanyInput::default()
            };
            crm.create_company(actor, company).await.map(drop)
        }
        Action::WorkActivity => crm
            .complete_activity(actor, w.activity.0, w.activity.1, "Talked".into())
            .await
            .map(drop),
        Action::AddNote => {
            let note = NewNote {
                on: RecordRef::Deal(deal),
                body: "Budget confirmed".into(),
            };
            crm.add_note(actor, note).await.map(drop)
        }
        Action::EditPipelines => crm.create_pipeline(actor, "Renewals").await.map(drop),
        Action::EditLeadForms => {
            let form = FormSetup {
                name: "Contact us".into(),
                fields: vec![FormField::Name, FormField::Email],
                campaign: String::new(),
                version: 0,
            };
            crm.save_lead_form(actor, None, form).await.map(drop)
        }
        Action::EditLeadRouting => {
            let rule = NewRule {
                field: RuleField::Campaign,
                value: "Spring".into(),
                members: vec![w.owner.user_id],
            };
            crm.add_lead_rule(actor, rule).await.map(drop)
        }
        Action::SetGoals => {
            let goal = GoalDraft {
                owner: GoalOwner::Workspace.key(),
                measure: "won_deals".into(),
                currency: String::new(),
                starts_on: "2026-01-01".into(),
                ends_on: "2026-03-31".into(),
                target: "5".into(),
            };
            crm.set_goal(actor, &goal).await.map(drop)
        }
        Action::OrganiseTeams => crm.create_sales_team(actor, "Enterprise").await.map(drop),
        Action::RunReviews => crm.start_review(actor, None).await.map(drop),
        Action::ManageMembers => {
            let invite = InviteTeammate {
                email: "new.rep@acme.com".into(),
                role: Role::Rep,
            };
            crm.invite_teammate(actor, invite).await.map(drop)
        }
        Action::ReadActivityLog => crm
            .activity_log(actor, &domain::audit::AuditQuery::default())
            .await
            .map(drop),
    }
}

async fn every_role_may_do_exactly_what_the_table_says(crm: Crm) {
    let mut checked = 0;
    for role in Role::ALL {
        for whose in [Whose::Mine, Whose::Others] {
            for action in Action::ALL {
                let w = world(&crm, role, whose).await;
                let events = count(&crm, "events").await;
                let outcome = run(&crm, &w, action).await;
                let case = format!("{role:?} × {action:?} × {whose:?}: {outcome:?}");
                // Settings and new records are the workspace's: "mine" and "others" alike.
                let target = if action.on_owned_record() {
                    whose
                } else {
                    Whose::Workspace
                };
                let allowed = allows(role, action, target);
                if allowed {
                    assert_eq!(outcome, Ok(()), "{case}");
                } else {
                    let Err(AppError::Forbidden(reason)) = &outcome else {
                        panic!("expected a refusal: {case}");
                    };
                    assert!(reason.starts_with(role.plural_label()), "{case}");
                    assert_eq!(count(&crm, "events").await, events, "wrote nothing: {case}");
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, Role::ALL.len() * 2 * Action::ALL.len());
}

async fn a_rep_works_their_own_deal_and_only_reads_a_colleagues(crm: Crm) {
    let w = world(&crm, Role::Rep, Whose::Others).await;
    let refused = run(&crm, &w, Action::CloseDeal).await;
    assert_eq!(
        refused,
        Err(AppError::Forbidden(
            "Sales reps can close only their own deals; ask the owner or a manager.".into()
        ))
    );
    // Reading stays open to everyone (record visibility is a separate setting).
    crm.deal_detail(&w.actor, w.deal.card.id).await.unwrap();
    // Handed to them, it is theirs to close.
    let handed = crm
        .update_deal(
            &w.dana,
            w.deal.card.id,
            w.deal.card.version,
            vec![DealChange::Owner(Some(w.actor.user_id))],
        )
        .await
        .unwrap();
    crm.close_deal(&w.actor, handed.card.id, handed.card.version, Outcome::Won)
        .await
        .unwrap();
}

on_both_databases!(
    every_role_may_do_exactly_what_the_table_says,
    a_rep_works_their_own_deal_and_only_reads_a_colleagues,
);
