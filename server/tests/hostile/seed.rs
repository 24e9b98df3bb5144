//! A workspace whose every typed text is hostile: each value starts with its field's
//! label (so a page can be shown to have rendered that record) followed by markup
//! payloads, as many as the field's length limit lets it hold.

use chrono::{Datelike, Duration, Utc};
use domain::{
    account::{InviteTeammate, NewMember, SignUp},
    activity::{ActivityKind, LocalTime, LoggedWork, NewActivity},
    board::{DealFilter, NewDeal, Outcome},
    company::{CompanyInput, ContactInput},
    deal::{ContactRole, DealChange, EntryCriteria},
    followup::FollowUpStep,
    goal::{GoalDraft, GoalOwner},
    ids::{CompanyId, ContactId, DealId},
    note::{NewNote, RecordRef},
    pipeline::{SavePipeline, StageDraft},
    Role,
};
use service::Crm;
use uuid::Uuid;

#[path = "leads.rs"]
mod leads;

/// Always first after the label, so the escaped form is known whatever the context.
pub const SCRIPT: &str = "<script>alert(1)</script>";
/// The issue's reproduction: closes the head's `<title>` and redirects.
pub const TITLE: &str =
    r#"</title><meta http-equiv="refresh" content="0;url=https://evil.example/">"#;
pub const IMG: &str = r#""><img src=x onerror=alert(1)>"#;
/// Closes an inline script (Leptos's hydration data) and opens one without the nonce.
pub const CLOSE: &str = "</script><script>alert(2)</script>";
pub const ATTR: &str = "'onmouseover='alert(3)";

/// `label` and the payloads that fit in `max` characters. Where the rest do not all fit,
/// `turn` picks which comes first, so the short fields of a page carry different ones.
pub fn hostile(label: &str, max: usize, turn: usize) -> String {
    let mut text = format!("{label} {SCRIPT}");
    let rest = [TITLE, IMG, CLOSE, ATTR];
    for n in 0..rest.len() {
        let payload = rest[(n + turn) % rest.len()];
        if text.chars().count() + payload.chars().count() <= max {
            text.push_str(payload);
        }
    }
    text
}

/// An address that passes validation (no spaces) yet is markup.
fn mail(label: &str) -> String {
    format!(r#"{label}{SCRIPT}"><img/src=x/onerror=alert(1)>@evil.example"#)
}

/// How the start of a hostile value reads once escaped as HTML text; addresses (labels
/// in lower case) have no space before the markup.
pub fn marker(label: &str) -> String {
    let space = if label.starts_with(char::is_lowercase) {
        ""
    } else {
        " "
    };
    format!("{label}{space}&lt;script&gt;alert(1)&lt;/script&gt;")
}

/// What the page tests need to find the seeded records.
pub struct Seeded {
    /// The admin's session cookie.
    pub cookie: String,
    /// A pending invitation's token: its page is public.
    pub invite: String,
    pub deal: DealId,
    pub lost_deal: DealId,
    pub company: CompanyId,
    pub contact: ContactId,
    /// The admin's new lead, a qualified and a disqualified one.
    pub leads: [Uuid; 3],
    pub texts: Texts,
}

/// Each label and the value stored under it.
#[derive(Default)]
pub struct Texts(Vec<(&'static str, String)>);

impl Texts {
    /// A new hostile value for `label`; each starts the payload rotation one further.
    fn add(&mut self, label: &'static str, max: usize) -> String {
        let value = hostile(label, max, self.0.len());
        self.0.push((label, value.clone()));
        value
    }

    pub fn get(&self, label: &str) -> &str {
        self.0
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no value labelled {label}"))
    }
}

fn due(from_now: Duration) -> LocalTime {
    LocalTime {
        local: (Utc::now() + from_now).format("%Y-%m-%dT%H:%M").to_string(),
        offset_minutes: 0,
        time_zone: "Etc/UTC".into(),
    }
}

fn activity(kind: ActivityKind, subject: String, when: Duration, deal: DealId) -> NewActivity {
    NewActivity {
        kind,
        subject,
        due: due(when),
        duration: "30".into(),
        assignee: None,
        deal: Some(deal),
        contact: None,
        company: None,
    }
}

/// A Markdown note: the payloads as paragraphs, raw HTML, script links, an image title
/// that tries to close its attribute, inline code and a code block.
fn note(label: &str) -> String {
    format!(
        "{label} {SCRIPT}\n\n{TITLE}\n\n{IMG} {CLOSE} {ATTR}\n\n<a href=\"javascript:alert(4)\">raw</a> \
         [link](javascript:alert(5)) ![pic](javascript:alert(6)) \
         ![pic](/x.png \"\\\" onerror=\\\"alert(7)\")\n\n`{CLOSE}`\n\n    {TITLE}\n"
    )
}

pub async fn workspace(crm: &Crm) -> Seeded {
    let mut texts = Texts::default();
    let (admin, token) = crm
        .sign_up(SignUp {
            workspace_name: texts.add("Workspace", 80),
            name: texts.add("Admin", 80),
            email: mail("admin"),
            password: "correct horse battery".into(),
        })
        .await
        .unwrap();
    let rep = crm
        .create_member(
            None,
            NewMember {
                email: mail("rep"),
                name: texts.add("Rep", 80),
                role: Role::Rep,
                password: "rep password 123".into(),
            },
        )
        .await
        .unwrap();
    let invite = crm
        .invite_teammate(
            &admin,
            InviteTeammate {
                email: mail("invitee"),
                role: Role::Rep,
            },
        )
        .await
        .unwrap();
    let team = crm
        .create_sales_team(&admin, &texts.add("Team", 60))
        .await
        .unwrap();
    crm.assign_sales_team(&admin, rep.id.0, Some(team.id))
        .await
        .unwrap();
    let year = Utc::now().year();
    for owner in [GoalOwner::Team(team.id), GoalOwner::Rep(rep.id.0)] {
        let draft = GoalDraft {
            owner: owner.key(),
            measure: "won_deals".into(),
            currency: String::new(),
            starts_on: format!("{year}-01-01"),
            ends_on: format!("{year}-12-31"),
            target: "5".into(),
        };
        crm.set_goal(&admin, &draft).await.unwrap();
    }

    // Pipeline, stages and a checklist item on the first stage, where new deals land.
    let board = crm.board(&admin, DealFilter::default()).await.unwrap();
    let check = texts.add("Checklist", 120);
    let stage_labels = ["Stage1", "Stage2", "Stage3", "Stage4", "Stage5", "Stage6"];
    let stages = board
        .columns
        .iter()
        .zip(stage_labels)
        .enumerate()
        .map(|(n, (column, label))| StageDraft {
            id: Some(column.stage.id),
            name: texts.add(label, 80),
            probability: column.stage.probability,
            rotting_days: column.stage.rotting_days,
            criteria: EntryCriteria {
                fields: vec![],
                checklist: if n == 0 { vec![check.clone()] } else { vec![] },
            },
        })
        .collect();
    crm.save_pipeline(
        &admin,
        SavePipeline {
            pipeline: board.pipeline,
            version: board.pipeline_version,
            name: texts.add("Pipeline", 80),
            stages,
            relocate: vec![],
        },
    )
    .await
    .unwrap();
    crm.create_pipeline(&admin, &texts.add("Pipeline2", 80))
        .await
        .unwrap();
    let lost_reason = texts.add("Lost", 120);
    crm.save_lost_reasons(&admin, vec![lost_reason.clone(), "Price".into()])
        .await
        .unwrap();
    let step = FollowUpStep {
        day: 1,
        kind: ActivityKind::Call,
        subject: texts.add("Followup", 200),
    };
    crm.set_followup_plan(&admin, board.pipeline, vec![step])
        .await
        .unwrap();

    let company = crm
        .create_company(
            &admin,
            CompanyInput {
                name: texts.add("Company", 160),
                domain: "evil.example".into(),
                industry: texts.add("Industry", 80),
                employees: "50".into(),
                address: texts.add("Address", 300),
            },
        )
        .await
        .unwrap();
    let contact = crm
        .create_contact(
            &admin,
            ContactInput {
                name: texts.add("Contact", 160),
                email: mail("contact"),
                phone: "+1 (555) 010-0200 ext 7".into(),
                title: texts.add("JobTitle", 120),
                company: texts.get("Company").to_owned(),
            },
        )
        .await
        .unwrap();
    let tags = [SCRIPT, IMG, ATTR, "</script><script>alert(2)"].join(",");
    let deal = crm
        .create_deal(
            &admin,
            NewDeal {
                pipeline: None,
                stage: None,
                title: texts.add("Deal", 200),
                changes: vec![
                    DealChange::Value("12000".into()),
                    // Closing soon: the pipeline review lists it.
                    DealChange::ExpectedCloseOn(
                        (Utc::now() + Duration::days(7)).date_naive().to_string(),
                    ),
                    DealChange::Company(Some(company)),
                    DealChange::Source(texts.add("Source", 80)),
                    DealChange::NextStep(texts.add("NextStep", 200)),
                    DealChange::Tags(tags),
                    DealChange::AddContact(contact, ContactRole::DecisionMaker),
                    DealChange::Check(check.clone(), true),
                ],
            },
        )
        .await
        .unwrap();
    let lost = crm
        .create_deal(
            &admin,
            NewDeal {
                pipeline: None,
                stage: None,
                title: texts.add("LostDeal", 200),
                changes: vec![DealChange::Check(check, true)],
            },
        )
        .await
        .unwrap();
    crm.close_deal(
        &admin,
        lost.card.id,
        lost.card.version,
        Outcome::Lost {
            reason: lost_reason,
        },
    )
    .await
    .unwrap();

    // Work on the deal: one overdue, one due soon, one logged with its outcome.
    let overdue = activity(
        ActivityKind::Call,
        texts.add("Overdue", 200),
        Duration::days(-1),
        deal.card.id,
    );
    crm.schedule_activity(&admin, overdue).await.unwrap();
    let soon = activity(
        ActivityKind::Task,
        texts.add("Soon", 200),
        Duration::hours(1),
        deal.card.id,
    );
    crm.schedule_activity(&admin, soon).await.unwrap();
    let next = activity(
        ActivityKind::Meeting,
        texts.add("NextMeeting", 200),
        Duration::days(2),
        deal.card.id,
    );
    let work = LoggedWork {
        deal: deal.card.id,
        kind: ActivityKind::Call,
        subject: texts.add("Logged", 200),
        outcome: texts.add("Outcome", 1000),
        next: Some(next),
    };
    crm.log_activity(&admin, work).await.unwrap();

    let leads = leads::seed(crm, &admin, &mut texts, rep.id).await;
    for (label, on) in [
        ("DealNote", RecordRef::Deal(deal.card.id)),
        ("CompanyNote", RecordRef::Company(company)),
        ("ContactNote", RecordRef::Contact(contact)),
        ("LeadNote", RecordRef::Lead(leads[0])),
    ] {
        let body = note(label);
        crm.add_note(&admin, NewNote { on, body }).await.unwrap();
    }
    let review = crm.start_review(&admin, None).await.unwrap();
    crm.mark_reviewed(&admin, review, deal.card.id, &texts.add("Review", 1000))
        .await
        .unwrap();

    Seeded {
        cookie: format!("pw_session={}", token.expose()),
        invite: invite.token,
        deal: deal.card.id,
        lost_deal: lost.card.id,
        company,
        contact,
        leads,
        texts,
    }
}
