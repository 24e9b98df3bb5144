//! Lead capture and routing: public web forms, assignment rules, the workspace's
//! response target and weights, snoozing, marketing's qualification, inbox filters,
//! the sources report and a lead's timeline. Each test runs on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use chrono::{Duration, Utc};
use common::{
    count,
    deals::{fields, workspace},
};
use domain::{
    account::{CurrentUser, NewMember},
    board::Outcome,
    lead::{
        Answer, ConvertLead, InboxView, LeadSource, LeadStatus, NewLead, Qualification,
        ScoreWeights,
    },
    lead_form::{FormField, FormSetup},
    lead_rules::{InboxFilter, LeadSettings, NewRule, RuleField},
    note::RecordRef,
    timeline::Entry,
    AppError, Role, UserId,
};
use sea_orm::{ConnectionTrait, Statement};
use service::{CaptureBy, Crm, FormPost};

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

async fn member(crm: &Crm, dana: &CurrentUser, name: &str, email: &str, role: Role) -> CurrentUser {
    let made = crm
        .create_member(
            Some("Acme Sales"),
            NewMember {
                name: name.into(),
                email: email.into(),
                password: "member password 123".into(),
                role,
            },
        )
        .await
        .unwrap();
    CurrentUser {
        user_id: made.id,
        role,
        sees: Default::default(),
        name: name.into(),
        ..dana.clone()
    }
}

fn all() -> InboxFilter {
    InboxFilter::default()
}

fn web(dana: &CurrentUser) -> CaptureBy {
    CaptureBy {
        workspace: dana.workspace_id,
        member: None,
        source: LeadSource::WebForm,
        form: None,
    }
}

fn setup(name: &str, campaign: &str) -> FormSetup {
    FormSetup {
        name: name.into(),
        fields: vec![FormField::Name, FormField::Email, FormField::Country],
        campaign: campaign.into(),
        version: 0,
    }
}

async fn a_web_form_takes_posts_from_anywhere_and_refuses_what_it_does_not_ask_for(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let form = crm
        .save_lead_form(&dana, None, setup("Contact us", "Spring webinar"))
        .await
        .unwrap();
    assert_eq!(form.key.len(), 24);
    // An edit moves the form's version on; one based on the old version is refused.
    let edit = |name: &str, version: i32| domain::lead_form::FormSetup {
        version,
        ..setup(name, "Spring webinar")
    };
    let edited = crm
        .save_lead_form(&dana, Some(form.id), edit("Contact sales", form.version))
        .await
        .unwrap();
    assert_eq!(
        (edited.version, edited.key.as_str()),
        (form.version + 1, form.key.as_str())
    );
    let stale = crm
        .save_lead_form(&dana, Some(form.id), edit("Contact us", form.version))
        .await;
    assert!(matches!(stale, Err(AppError::Conflict(_))), "{stale:?}");
    let posted = crm
        .post_form(
            &form.key,
            &pairs(&[
                ("name", "Ana <b>Silva</b>"),
                ("email", "ana@globex.com"),
                ("website", ""),
                ("utm_source", "linkedin"),
            ]),
        )
        .await
        .unwrap();
    let FormPost::Captured(captured) = posted else {
        panic!("expected a lead")
    };
    let detail = crm.lead_detail(&dana, captured.lead).await.unwrap();
    assert_eq!(
        detail.lead.name.as_deref(),
        Some("Ana <b>Silva</b>"),
        "kept as text"
    );
    assert_eq!(detail.lead.campaign.as_deref(), Some("Spring webinar"));
    assert_eq!(detail.utm.source, "linkedin");
    assert_eq!(detail.lead.source, LeadSource::WebForm);

    // A field the form does not ask for, a bot, a missing address: nothing stored.
    let unknown = crm
        .post_form(&form.key, &pairs(&[("email", "bo@x.org"), ("phone", "1")]))
        .await
        .unwrap_err();
    assert_eq!(fields(&unknown), ["form"]);
    let bot = crm
        .post_form(
            &form.key,
            &pairs(&[("email", "bot@x.org"), ("website", "http://spam")]),
        )
        .await
        .unwrap();
    assert_eq!(bot, FormPost::Ignored);
    let nobody = crm
        .post_form(&form.key, &pairs(&[("name", "No Address")]))
        .await
        .unwrap_err();
    assert_eq!(fields(&nobody), ["email"]);
    assert_eq!(count(&crm, "leads").await, 1);
    assert_eq!(crm.lead_forms(&dana).await.unwrap()[0].submissions, 1);

    // Reps cannot add forms; a deleted form's address is gone; other workspaces' keys
    // lead nowhere.
    let rep = member(&crm, &dana, "Rita Rep", "rita@acme.com", Role::Rep).await;
    let refused = crm
        .save_lead_form(&rep, None, setup("Mine", ""))
        .await
        .unwrap_err();
    assert_eq!(
        refused,
        AppError::Forbidden("Sales reps can't change web forms.".into())
    );
    crm.delete_lead_form(&dana, form.id).await.unwrap();
    let gone = crm
        .post_form(&form.key, &pairs(&[("email", "late@x.org")]))
        .await
        .unwrap_err();
    assert_eq!(gone, AppError::NotFound);
    assert_eq!(
        crm.post_form("nope", &pairs(&[])).await.unwrap_err(),
        AppError::NotFound
    );
}

/// Anyone can post a form with anyone's address: such a post only adds a submission to
/// the open lead (its page lists it), wakes it from a snooze at most once an hour, and
/// never changes the fields or the version a rep is working from.
async fn an_anonymous_post_for_an_open_lead_adds_a_submission_and_changes_nothing_else(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let form = crm
        .save_lead_form(&dana, None, setup("Contact us", "Spring webinar"))
        .await
        .unwrap();
    let post = |name: &'static str, country: &'static str| {
        let (crm, key) = (crm.clone(), form.key.clone());
        async move {
            let sent = pairs(&[
                ("name", name),
                ("email", "ana@globex.com"),
                ("country", country),
            ]);
            match crm.post_form(&key, &sent).await.unwrap() {
                FormPost::Captured(captured) => captured,
                FormPost::Ignored => panic!("not a bot"),
            }
        }
    };
    let first = post("Ana Silva", "PT").await;
    let lead = first.lead;
    let before = crm.lead_detail(&dana, lead).await.unwrap().lead;
    let again = post("Mallory", "RU").await;
    assert_eq!((again.lead, again.merged), (lead, true));
    let after = crm.lead_detail(&dana, lead).await.unwrap();
    assert_eq!(after.lead.name.as_deref(), Some("Ana Silva"));
    assert_eq!(after.lead.country.as_deref(), Some("PT"));
    assert_eq!(
        after.lead.version, before.version,
        "no conflict for a rep mid-triage"
    );
    assert_eq!((after.lead.submissions, after.submissions.len()), (2, 2));
    // A snoozed lead wakes once; another post within the hour leaves the new snooze.
    let until = Some(Utc::now() + Duration::days(1));
    let snoozed = crm
        .snooze_lead(&dana, lead, before.version, until)
        .await
        .unwrap();
    post("Ana", "PT").await;
    let woken = crm.lead_detail(&dana, lead).await.unwrap().lead;
    assert!(woken.snoozed_until.is_none());
    assert_eq!(woken.version, snoozed.version + 1);
    let again = crm
        .snooze_lead(&dana, lead, woken.version, until)
        .await
        .unwrap();
    post("Ana", "PT").await;
    let still = crm.lead_detail(&dana, lead).await.unwrap().lead;
    assert!(still.snoozed_until.is_some(), "woken at most once an hour");
    assert_eq!((still.version, still.submissions), (again.version, 4));
    // One form takes 60 posts at once from everyone together, then one a second (60 a
    // minute), and says to wait. The first posts began the count; a slow machine may
    // have earned a post back for each second the loop took.
    let started = std::time::Instant::now();
    let mut accepted = 4;
    let refused = loop {
        let sent = pairs(&[("email", &format!("visitor{accepted}@x.org"))]);
        match crm.post_form(&form.key, &sent).await {
            Ok(_) => accepted += 1,
            Err(error) => break error,
        }
    };
    let earned = u32::try_from(started.elapsed().as_secs()).unwrap() + 1;
    let quota = service::FORM_POSTS_PER_FORM_PER_MINUTE;
    assert!((quota..=quota + earned).contains(&accepted), "{accepted}");
    assert!(matches!(refused, AppError::RateLimited(_)), "{refused:?}");
}

/// With the timing check on, a post needs a ticket the form's page fetched at least a
/// few seconds earlier; without one, or made up, or sent at once, it is refused in
/// words and nothing is stored.
async fn a_workspace_that_requires_the_timing_check_refuses_posts_without_a_ticket(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let form = crm
        .save_lead_form(&dana, None, setup("Contact us", ""))
        .await
        .unwrap();
    let post = |ticket: Option<String>| {
        let (crm, key) = (crm.clone(), form.key.clone());
        async move {
            let mut sent = pairs(&[("email", "ana@globex.com")]);
            if let Some(ticket) = ticket {
                sent.push(("_ticket".into(), ticket));
            }
            crm.post_form(&key, &sent).await
        }
    };
    // Off (the default): a post without a ticket is taken, and one with a ticket too.
    assert!(post(None).await.is_ok());
    let on = LeadSettings {
        form_check: true,
        ..crm.lead_settings(&dana).await.unwrap()
    };
    assert!(crm.save_lead_settings(&dana, on).await.unwrap().form_check);
    let submissions = count(&crm, "lead_submissions").await;
    let refused = post(None).await.unwrap_err();
    assert!(refused
        .field_message("form")
        .unwrap()
        .contains("Reload the page"));
    let made_up = post(Some(format!(
        "{}.{}",
        Utc::now().timestamp() - 60,
        "ab".repeat(32)
    )));
    assert!(made_up.await.is_err());
    let at_once = crm.form_ticket(&form.key).await.unwrap();
    let quick = post(Some(at_once)).await.unwrap_err();
    assert!(quick
        .field_message("form")
        .unwrap()
        .contains("wait a few seconds"));
    assert_eq!(
        count(&crm, "lead_submissions").await,
        submissions,
        "nothing stored"
    );
    // A visitor who opened the page 20 seconds ago.
    let opened = crm
        .form_ticket_at(&form.key, Utc::now() - Duration::seconds(20))
        .await
        .unwrap();
    assert!(matches!(
        post(Some(opened)).await,
        Ok(FormPost::Captured(_))
    ));
    // Another form's ticket does not open this one.
    let other = crm
        .save_lead_form(&dana, None, setup("Other", ""))
        .await
        .unwrap();
    let foreign = crm
        .form_ticket_at(&other.key, Utc::now() - Duration::seconds(20))
        .await
        .unwrap();
    assert!(post(Some(foreign)).await.is_err());
    assert_eq!(
        crm.form_ticket("nope").await.unwrap_err(),
        AppError::NotFound
    );
}

async fn rules_route_by_country_campaign_and_source_before_the_reps_take_turns(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let jonas = member(&crm, &dana, "Jonas", "jonas@acme.com", Role::Rep).await;
    let mia = member(&crm, &dana, "Mia", "mia@acme.com", Role::Rep).await;
    let raj = member(&crm, &dana, "Raj", "raj@acme.com", Role::Rep).await;
    let rule = |field, value: &str, members: Vec<UserId>| NewRule {
        field,
        value: value.into(),
        members,
    };
    crm.add_lead_rule(
        &dana,
        rule(
            RuleField::Country,
            "Germany",
            vec![jonas.user_id, mia.user_id],
        ),
    )
    .await
    .unwrap();
    crm.add_lead_rule(&dana, rule(RuleField::Source, "event", vec![raj.user_id]))
        .await
        .unwrap();
    let refused = crm
        .add_lead_rule(&jonas, rule(RuleField::Campaign, "x", vec![jonas.user_id]))
        .await
        .unwrap_err();
    assert_eq!(
        refused,
        AppError::Forbidden("Sales reps can't change lead routing.".into())
    );

    let german = |n: usize| NewLead {
        email: format!("kunde{n}@beispiel.de"),
        country: "germany".into(),
        ..NewLead::default()
    };
    let mut owners = Vec::new();
    for n in 0..4 {
        owners.push(crm.capture_lead(web(&dana), german(n)).await.unwrap().owner);
    }
    let pair = [Some(jonas.user_id), Some(mia.user_id)];
    assert!(
        owners.iter().all(|o| pair.contains(o)),
        "only the rule's people"
    );
    assert_eq!(
        owners.iter().filter(|o| **o == pair[0]).count(),
        2,
        "in turn"
    );
    let at_event = crm
        .capture_lead(
            CaptureBy {
                source: LeadSource::Event,
                ..web(&dana)
            },
            NewLead {
                email: "badge@fair.org".into(),
                ..NewLead::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(at_event.owner, Some(raj.user_id));
    // No rule matches: the reps' own rotation.
    let plain = crm
        .capture_lead(
            web(&dana),
            NewLead {
                email: "someone@else.org".into(),
                ..NewLead::default()
            },
        )
        .await
        .unwrap();
    assert!(plain.owner.is_some());
    // Rules are listed with names, and can be removed.
    let rules = crm.lead_rules(&dana).await.unwrap();
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0].members.len(), 2);
    let left = crm.remove_lead_rule(&dana, rules[1].id).await.unwrap();
    assert_eq!(left.len(), 1);
}

async fn the_workspace_sets_the_response_target_and_weights_and_marketing_qualifies(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let mo = member(&crm, &dana, "Mo Marketing", "mo@acme.com", Role::Marketer).await;
    let lead = crm
        .capture_lead(
            web(&dana),
            NewLead {
                email: "ana@globex.com".into(),
                ..NewLead::default()
            },
        )
        .await
        .unwrap();
    let forty_minutes_ago = (Utc::now() - Duration::minutes(40)).to_rfc3339();
    let db = crm.db();
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        format!("UPDATE leads SET created_at = '{forty_minutes_ago}'"),
    ))
    .await
    .unwrap();
    let overdue = |crm: &Crm, dana: &CurrentUser| {
        let (crm, dana) = (crm.clone(), dana.clone());
        async move {
            crm.inbox(&dana, InboxView::ResponseOverdue, &all(), 0)
                .await
                .unwrap()
                .len()
        }
    };
    assert_eq!(
        overdue(&crm, &dana).await,
        0,
        "the default target is an hour"
    );
    let settings = LeadSettings {
        first_response_minutes: 30,
        weights: ScoreWeights {
            need: 0,
            budget: 0,
            authority: 100,
            timeline: 0,
        },
        version: 0,
        form_check: false,
    };
    assert_eq!(
        crm.save_lead_settings(&mo, settings).await.unwrap_err(),
        AppError::Forbidden("Marketers can't change lead routing.".into())
    );
    let bad = LeadSettings {
        first_response_minutes: 0,
        ..settings
    };
    assert_eq!(
        fields(&crm.save_lead_settings(&dana, bad).await.unwrap_err()),
        ["first_response_minutes"]
    );
    let saved = crm.save_lead_settings(&dana, settings).await.unwrap();
    assert_eq!(saved.version, 1);
    assert_eq!(overdue(&crm, &dana).await, 1, "past a 30-minute target");
    // A second tab still showing the never-saved settings cannot undo that save.
    let stale = crm.save_lead_settings(&dana, settings).await.unwrap_err();
    assert!(
        matches!(&stale, AppError::Conflict(m) if m.contains("changed this inbox setup")),
        "{stale:?}"
    );
    assert_eq!(crm.lead_settings(&dana).await.unwrap(), saved);

    // A marketer's answers make it marketing-qualified, weighed the workspace's way.
    let answers = Qualification {
        authority: (Answer::Yes, "Head of fleet".into()),
        need: (Answer::Yes, String::new()),
        ..Qualification::default()
    };
    let mql = crm
        .qualify_lead(&mo, lead.lead, 1, answers.clone())
        .await
        .unwrap();
    assert_eq!(
        (mql.status, mql.score),
        (LeadStatus::MarketingQualified, 100)
    );
    let listed = crm
        .inbox(&dana, InboxView::MarketingQualified, &all(), 0)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    // Sales accepts it.
    let sql = crm
        .qualify_lead(&dana, lead.lead, mql.version, answers)
        .await
        .unwrap();
    assert_eq!(sql.status, LeadStatus::Qualified);
    assert_eq!(
        crm.inbox_counts(&dana, &all())
            .await
            .unwrap()
            .of(InboxView::SalesQualified),
        1
    );
}

async fn snoozed_leads_leave_the_views_until_they_wake_or_write_again(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let ana = NewLead {
        name: "Ana".into(),
        email: "ana@globex.com".into(),
        ..NewLead::default()
    };
    let lead = crm.capture_lead(web(&dana), ana.clone()).await.unwrap();
    let past = crm
        .snooze_lead(&dana, lead.lead, 1, Some(Utc::now() - Duration::hours(1)))
        .await
        .unwrap_err();
    assert_eq!(fields(&past), ["until"]);
    let snoozed = crm
        .snooze_lead(&dana, lead.lead, 1, Some(Utc::now() + Duration::days(1)))
        .await
        .unwrap();
    assert!(snoozed.snoozed_until.is_some());
    assert!(
        snoozed.first_response_at.is_none(),
        "snoozing is not a response"
    );
    let counts = crm.inbox_counts(&dana, &all()).await.unwrap();
    assert_eq!(
        (
            counts.of(InboxView::Unassigned),
            counts.of(InboxView::Snoozed)
        ),
        (0, 1)
    );
    // Writing again wakes it.
    crm.capture_lead(web(&dana), ana).await.unwrap();
    let counts = crm.inbox_counts(&dana, &all()).await.unwrap();
    assert_eq!(
        (
            counts.of(InboxView::Unassigned),
            counts.of(InboxView::Snoozed)
        ),
        (1, 0)
    );
}

async fn search_and_filters_narrow_every_view(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    for (name, email, campaign, source) in [
        ("Ana Silva", "ana@globex.com", "Spring", LeadSource::WebForm),
        (
            "Bo Chen",
            "bo_chen@initech.com",
            "Spring",
            LeadSource::Event,
        ),
        ("Cy Twombly", "cy@twombly.art", "", LeadSource::Referral),
    ] {
        let lead = NewLead {
            name: name.into(),
            email: email.into(),
            campaign: campaign.into(),
            ..NewLead::default()
        };
        let by = CaptureBy {
            source,
            ..web(&dana)
        };
        crm.capture_lead(by, lead).await.unwrap();
    }
    let find = |filter: InboxFilter| {
        let (crm, dana) = (crm.clone(), dana.clone());
        async move {
            crm.inbox(&dana, InboxView::Unassigned, &filter, 0)
                .await
                .unwrap()
                .into_iter()
                .filter_map(|l| l.name)
                .collect::<Vec<_>>()
        }
    };
    let search = |text: &str| InboxFilter {
        search: text.into(),
        ..all()
    };
    assert_eq!(find(search("SILVA")).await, ["Ana Silva"]);
    assert_eq!(
        find(search("bo_c")).await,
        ["Bo Chen"],
        "underscore is literal"
    );
    assert!(find(search("%")).await.is_empty(), "percent is literal");
    let spring = InboxFilter {
        campaign: "Spring".into(),
        source: Some(LeadSource::Event),
        ..all()
    };
    assert_eq!(find(spring).await, ["Bo Chen"]);
    let scored = InboxFilter {
        min_score: Some(50),
        ..all()
    };
    assert!(find(scored).await.is_empty());
}

async fn the_sources_report_closes_the_loop_to_won_revenue(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    for (email, campaign, source) in [
        ("a@globex.com", "Spring", LeadSource::WebForm),
        ("b@initech.com", "Spring", LeadSource::WebForm),
        ("c@umbrella.com", "", LeadSource::Event),
    ] {
        crm.capture_lead(
            CaptureBy {
                source,
                ..web(&dana)
            },
            NewLead {
                email: email.into(),
                campaign: campaign.into(),
                ..NewLead::default()
            },
        )
        .await
        .unwrap();
    }
    let first = &crm
        .inbox(&dana, InboxView::Unassigned, &all(), 0)
        .await
        .unwrap()[0];
    let converted = crm
        .convert_lead(
            &dana,
            first.id,
            first.version,
            ConvertLead {
                pipeline: None,
                stage: None,
                title: "Globex fleet".into(),
                value: "12,000".into(),
            },
        )
        .await
        .unwrap();
    let deal = crm.deal_detail(&dana, converted.deal).await.unwrap();
    crm.close_deal(&dana, converted.deal, deal.version, Outcome::Won)
        .await
        .unwrap();
    let report = crm.marketing_report(&dana).await.unwrap();
    let web_form = report
        .by_source
        .iter()
        .find(|r| r.label == "Web form")
        .unwrap();
    assert_eq!(
        (
            web_form.leads,
            web_form.qualified,
            web_form.converted,
            web_form.won_deals
        ),
        (2, 1, 1, 1)
    );
    assert_eq!(web_form.won_text(), "$12,000");
    let spring = report
        .by_campaign
        .iter()
        .find(|r| r.label == "Spring")
        .unwrap();
    assert_eq!((spring.leads, spring.won_deals), (2, 1));
    assert_eq!(report.by_campaign.last().unwrap().label, "No campaign");

    // The lead's timeline tells its story, and takes notes.
    crm.add_note(
        &dana,
        domain::note::NewNote {
            on: RecordRef::Lead(first.id),
            body: "Met at the *spring* webinar".into(),
        },
    )
    .await
    .unwrap();
    let story = crm
        .timeline(&dana, RecordRef::Lead(first.id), None)
        .await
        .unwrap();
    let lines: Vec<String> = story
        .items
        .iter()
        .map(|item| match &item.entry {
            Entry::Changed { what } => what.clone(),
            Entry::Note { .. } => "note".to_owned(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        lines,
        ["note", "Converted into a deal", "Captured from Web form"]
    );
}

on_both_databases!(
    a_workspace_that_requires_the_timing_check_refuses_posts_without_a_ticket,
    an_anonymous_post_for_an_open_lead_adds_a_submission_and_changes_nothing_else,
    a_web_form_takes_posts_from_anywhere_and_refuses_what_it_does_not_ask_for,
    rules_route_by_country_campaign_and_source_before_the_reps_take_turns,
    the_workspace_sets_the_response_target_and_weights_and_marketing_qualifies,
    snoozed_leads_leave_the_views_until_they_wake_or_write_again,
    search_and_filters_narrow_every_view,
    the_sources_report_closes_the_loop_to_won_revenue,
);
