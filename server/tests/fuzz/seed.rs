//! The workspace the fuzzer works on: the demo data, one signed-in member per role,
//! and real ids of every kind of record, so that valid samples reach deep into each
//! endpoint and mutations start from something the server accepts.
//!
//! Records a valid sample destroys (a form, a team, a goal, a rule, an invitation, a
//! pipeline's stages) are made for that purpose, so the rest of the run keeps its own.

use chrono::{Duration, Utc};
use domain::{
    account::{AcceptInvite, CurrentUser, InviteTeammate, SignIn},
    activity::{ActivityKind, LocalTime, NewActivity},
    board::{DealFilter, NewDeal},
    deal::DealChange,
    followup::FollowUpStep,
    goal::GoalDraft,
    ids::DealId,
    lead::{LeadSource, NewLead},
    lead_form::FormSetup,
    lead_rules::{LeadSettings, NewRule, RuleField},
    pipeline::StageDraft,
    Role, UserId,
};
use service::{demo::DemoOptions, CaptureBy, Crm, SignInOrigin};
use uuid::Uuid;

/// Deals in the demo workspace: enough for full board columns and lists, few enough
/// to seed in a second or two.
const DEMO_DEALS: usize = 60;

/// Who sends a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Who {
    Admin,
    Rep,
    Marketer,
    SignedOut,
}

impl Who {
    pub const ALL: [Who; 4] = [Who::Admin, Who::Rep, Who::Marketer, Who::SignedOut];
}

/// A signed-in member and their session cookie.
#[derive(Clone)]
pub struct Member {
    pub user: CurrentUser,
    pub cookie: String,
}

/// Real ids and values; `Default` gives placeholders for building the catalogue
/// without a database.
#[derive(Debug, Clone, Default)]
pub struct Ids {
    pub pipeline: Uuid,
    /// A pipeline of its own for `save_pipeline` and `save_followup_plan`.
    pub spare_pipeline: Uuid,
    pub spare_stages: Vec<StageDraft>,
    pub stage: Uuid,
    pub next_stage: Uuid,
    /// Records with their versions: a demo deal for reading and small writes, and a
    /// record of its own for each write that needs the current version.
    pub deal: (Uuid, i32),
    pub moving_deal: (Uuid, i32),
    pub editing_deal: (Uuid, i32),
    pub closing_deal: (Uuid, i32),
    /// The admin's own change to a deal of its own, for `undo_change`.
    pub event: i64,
    pub completing_activity: (Uuid, i32),
    pub changing_activity: (Uuid, i32),
    /// Leads to assign, qualify, snooze, disqualify and convert.
    pub leads: [(Uuid, i32); 5],
    /// A company referred to by name (`save_contact`) and one to edit.
    pub company: Uuid,
    pub company_name: String,
    pub edited_company: (Uuid, String),
    pub contact: Uuid,
    pub rep: Uuid,
    pub spare_member: Uuid,
    pub team: Uuid,
    pub doomed_team: Uuid,
    pub doomed_goal: Uuid,
    /// The demo's web form: its id, public key and set-up.
    pub form: Uuid,
    pub form_key: String,
    pub form_setup: FormSetup,
    pub doomed_form: Uuid,
    pub doomed_rule: Uuid,
    pub doomed_invite: Uuid,
    pub invite_token: String,
    pub review: Uuid,
    pub settings: LeadSettings,
    pub lost_reasons: Vec<String>,
    pub plan: Vec<FollowUpStep>,
    /// Whose sign-in the `sign_in` sample tries: never a fuzzing role's, since its
    /// mutations fail and failures lock an e-mail out for a while.
    pub sign_in_email: String,
}

pub struct Seed {
    pub ids: Ids,
    pub admin: Member,
    pub rep: Member,
    pub marketer: Member,
}

impl Seed {
    /// After a call that may have ended every session of `who`: a new one.
    pub async fn sign_in_again(&mut self, who: Who, crm: &Crm) {
        let member = match who {
            Who::Admin => &mut self.admin,
            Who::Rep => &mut self.rep,
            Who::Marketer => &mut self.marketer,
            Who::SignedOut => return,
        };
        member.cookie = fresh_cookie(crm, member).await;
    }

    pub fn member(&self, who: Who) -> Option<&Member> {
        match who {
            Who::Admin => Some(&self.admin),
            Who::Rep => Some(&self.rep),
            Who::Marketer => Some(&self.marketer),
            Who::SignedOut => None,
        }
    }

    /// Every real id, to put one kind of record where another is expected.
    pub fn all_ids(&self) -> Vec<Uuid> {
        let i = &self.ids;
        vec![
            i.pipeline,
            i.stage,
            i.deal.0,
            i.company,
            i.contact,
            i.completing_activity.0,
            i.leads[0].0,
            i.spare_member,
            i.team,
            i.form,
            i.review,
            i.doomed_invite,
        ]
    }
}

/// A new session for `member`, for calls that end or replace the one they came with.
pub async fn fresh_cookie(crm: &Crm, member: &Member) -> String {
    sign_in(crm, &member.user.email).await.cookie
}

async fn sign_in(crm: &Crm, email: &str) -> Member {
    let (user, token) = crm
        .sign_in(
            SignIn {
                email: email.to_owned(),
                password: service::demo::DEMO_PASSWORD.to_owned(),
            },
            SignInOrigin {
                ip: "fuzz-seed".into(),
                ..Default::default()
            },
        )
        .await
        .expect("demo sign-in");
    Member {
        user,
        cookie: format!("pw_session={}", token.expose()),
    }
}

/// Seeds the demo workspace and collects what the catalogue needs.
pub async fn plant(crm: &Crm) -> Seed {
    let demo = crm
        .seed_demo(
            DemoOptions {
                deals: DEMO_DEALS,
                seed: 15,
            },
            &|_| {},
        )
        .await
        .expect("demo data");
    let login = |role: Role| {
        demo.logins
            .iter()
            .find(|l| l.role == role)
            .map(|l| l.email.clone())
            .expect("a demo login per role")
    };
    let admin = sign_in(crm, &login(Role::Admin)).await;
    let rep = sign_in(crm, &login(Role::Rep)).await;
    let marketer = sign_in(crm, &login(Role::Marketer)).await;
    let a = &admin.user;
    let mut ids = Ids {
        rep: rep.user.user_id.0,
        sign_in_email: login(Role::Manager),
        ..Ids::default()
    };
    deals(crm, a, &mut ids).await;
    records(crm, a, &mut ids).await;
    leads(crm, a, &mut ids).await;
    settings(crm, a, &mut ids).await;
    Seed {
        ids,
        admin,
        rep,
        marketer,
    }
}

async fn deals(crm: &Crm, a: &CurrentUser, ids: &mut Ids) {
    let board = crm.board(a, DealFilter::default()).await.expect("board");
    ids.pipeline = board.pipeline.0;
    ids.lost_reasons = board.lost_reasons.clone();
    let columns = &board.columns;
    ids.stage = columns[0].stage.id.0;
    ids.next_stage = columns[1].stage.id.0;
    let mut cards = columns.iter().flat_map(|c| c.cards.iter());
    let card = cards.next().expect("a deal on the board");
    ids.deal = (card.id.0, card.version);
    // A deal for each write, so that one call's new version leaves the others' valid.
    let deal = |title: &'static str| {
        let new = NewDeal {
            pipeline: Some(board.pipeline),
            stage: None,
            title: title.into(),
            changes: vec![DealChange::Value("1,000".into())],
        };
        async move { crm.create_deal(a, new).await.expect("a deal").card }
    };
    let moving = deal("Deal to move").await;
    ids.moving_deal = (moving.id.0, moving.version);
    let editing = deal("Deal to edit").await;
    ids.editing_deal = (editing.id.0, editing.version);
    let closing = deal("Deal to close").await;
    ids.closing_deal = (closing.id.0, closing.version);
    let undoing = deal("Deal to undo").await;
    let next_step = vec![DealChange::NextStep("Send the quote".into())];
    let updated = crm
        .update_deal(a, undoing.id, undoing.version, next_step)
        .await;
    ids.event = updated.expect("an update to undo").event;
    let spare = crm
        .create_pipeline(a, "Fuzz pipeline")
        .await
        .expect("pipeline");
    ids.spare_pipeline = spare.0;
    let (_, stages) = crm.pipeline_stages(a, spare).await.expect("stages");
    ids.spare_stages = stages
        .into_iter()
        .map(|s| StageDraft {
            id: Some(s.id),
            name: s.name,
            probability: s.probability,
            rotting_days: s.rotting_days,
            criteria: s.criteria,
        })
        .collect();
    ids.plan = crm.followup_plan(a, Some(spare)).await.expect("plan");
    for slot in [&mut ids.completing_activity, &mut ids.changing_activity] {
        let activity = crm
            .schedule_activity(a, new_activity(DealId(ids.deal.0)))
            .await;
        let activity = activity.expect("an activity");
        *slot = (activity.id, activity.version);
    }
    ids.review = crm
        .start_review(a, Some(ids.pipeline))
        .await
        .expect("a review");
}

/// A call on `deal` next week: the activity samples share it.
pub fn new_activity(deal: DealId) -> NewActivity {
    NewActivity {
        kind: ActivityKind::Call,
        subject: "Call about the proposal".into(),
        due: local_time(),
        duration: "30".into(),
        assignee: None,
        deal: Some(deal),
        contact: None,
        company: None,
    }
}

pub fn local_time() -> LocalTime {
    let due = Utc::now().date_naive() + Duration::days(7);
    LocalTime {
        local: format!("{due}T10:00"),
        offset_minutes: -60,
        time_zone: "Europe/Berlin".into(),
    }
}

async fn records(crm: &Crm, a: &CurrentUser, ids: &mut Ids) {
    let sort = domain::company::ListSort::parse("");
    let companies = crm.list_companies(a, "", sort, 0).await.expect("companies");
    let [company, edited, ..] = companies.items.as_slice() else {
        panic!("two companies in the demo")
    };
    (ids.company, ids.company_name) = (company.id.0, company.name.clone());
    ids.edited_company = (edited.id.0, edited.name.clone());
    let contacts = crm.list_contacts(a, "", sort, 0).await.expect("contacts");
    ids.contact = contacts.items.first().expect("a contact").id.0;
    let invite = |email: &str| InviteTeammate {
        email: email.into(),
        role: Role::Rep,
    };
    let spare = crm
        .invite_teammate(a, invite("spare@fuzz.example"))
        .await
        .expect("invite");
    let (spare, _) = crm
        .accept_invite(AcceptInvite {
            token: spare.token,
            name: "Sam Spare".into(),
            password: "correct horse battery".into(),
        })
        .await
        .expect("spare member");
    ids.spare_member = spare.user_id.0;
    let doomed = crm.invite_teammate(a, invite("doomed@fuzz.example")).await;
    ids.doomed_invite = doomed.expect("invite").invite.id.0;
    let kept = crm.invite_teammate(a, invite("kept@fuzz.example")).await;
    ids.invite_token = kept.expect("invite").token;
}

async fn leads(crm: &Crm, a: &CurrentUser, ids: &mut Ids) {
    for (n, slot) in ids.leads.iter_mut().enumerate() {
        let by = CaptureBy {
            workspace: a.workspace_id,
            member: Some(a.user_id),
            source: LeadSource::Manual,
            form: None,
        };
        let lead = NewLead {
            name: format!("Lead {n}"),
            email: format!("lead{n}@fuzz.example"),
            company: "Fuzz Ltd".into(),
            ..NewLead::default()
        };
        let captured = crm.capture_lead(by, lead).await.expect("a lead");
        let detail = crm.lead_detail(a, captured.lead).await.expect("lead");
        *slot = (captured.lead, detail.lead.version);
    }
}

async fn settings(crm: &Crm, a: &CurrentUser, ids: &mut Ids) {
    ids.settings = crm.lead_settings(a).await.expect("settings");
    let forms = crm.lead_forms(a).await.expect("forms");
    let form = forms.into_iter().next().expect("the demo's form");
    (ids.form, ids.form_key) = (form.id, form.key);
    ids.form_setup = FormSetup {
        name: form.name,
        fields: form.fields,
        campaign: form.campaign.unwrap_or_default(),
        version: form.version,
    };
    let setup = FormSetup {
        name: "Doomed form".into(),
        ..ids.form_setup.clone()
    };
    ids.doomed_form = crm.save_lead_form(a, None, setup).await.expect("form").id;
    let rule = NewRule {
        field: RuleField::Country,
        value: "Atlantis".into(),
        members: vec![UserId(ids.rep)],
    };
    let rules = crm.add_lead_rule(a, rule).await.expect("rule");
    ids.doomed_rule = rules.last().expect("the rule").id;
    ids.team = crm.create_sales_team(a, "Hunters").await.expect("team").id;
    ids.doomed_team = crm.create_sales_team(a, "Doomed").await.expect("team").id;
    let today = Utc::now().date_naive();
    let goal = GoalDraft {
        owner: "everyone".into(),
        measure: "won_deals".into(),
        currency: String::new(),
        starts_on: today.to_string(),
        ends_on: (today + Duration::days(30)).to_string(),
        target: "5".into(),
    };
    ids.doomed_goal = crm.set_goal(a, &goal).await.expect("goal").id;
}
