//! Sessions, the team, goals, companies and contacts, leads and lead capture.

use super::{call, everywhere_call, session_call, Endpoint};
use crate::seed::Ids;
use app::api::{
    account as ac, activity_log as al, companies as c, goals as g, lead_setup as ls, leads as l,
    session as s, team as tm,
};
use chrono::{Duration, Utc};
use domain::{
    lead::{Answer, ConvertLead, InboxView, NewLead, Qualification, Utm},
    lead_rules::{InboxFilter, NewRule, RuleField},
    UserId,
};

pub fn calls(ids: &Ids) -> Vec<Endpoint> {
    let mut calls = vec![
        call(s::GetSession {}),
        session_call(s::CreateWorkspace {
            workspace_name: "Fuzz & Co".into(),
            name: "Fay Fuzz".into(),
            email: "fay@fuzz-new.example".into(),
            password: "correct horse battery".into(),
        }),
        session_call(s::SignIn {
            email: ids.sign_in_email.clone(),
            password: service::demo::DEMO_PASSWORD.into(),
        }),
        session_call(s::SignOut {}),
        call(s::GetInvite {
            token: ids.invite_token.clone(),
        }),
        session_call(s::AcceptInvite {
            token: ids.invite_token.clone(),
            name: "Kim Kept".into(),
            password: "correct horse battery".into(),
        }),
        call(ac::GetAccount {}),
        // A wrong current password as the sample: a right one would change the demo
        // password the fuzzer signs in with.
        everywhere_call(ac::ChangePassword {
            current_password: "not the demo password".into(),
            new_password: "another long password".into(),
        }),
        call(ac::EndSession {
            key: "0123456789abcdef".into(),
        }),
        everywhere_call(ac::SignOutEverywhere {}),
        call(ac::SetSessionDays { days: "30".into() }),
        call(al::GetActivityLog {
            filters: al::LogFilters {
                action: "deal.moved".into(),
                from: "2026-01-01".into(),
                ..al::LogFilters::default()
            },
        }),
        call(ac::MemberResetLink {
            member_id: ids.spare_member.to_string(),
        }),
        call(ac::RequestPasswordReset {
            email: "nobody@fuzz.example".into(),
        }),
        session_call(ac::ResetPassword {
            token: "ab".repeat(32),
            password: "another long password".into(),
        }),
        call(tm::GetTeam {}),
        call(tm::InviteTeammate {
            email: "new.rep@fuzz.example".into(),
            role: "rep".into(),
        }),
        call(tm::RevokeInvite {
            invite_id: ids.doomed_invite.to_string(),
        }),
        call(tm::ChangeRole {
            member_id: ids.spare_member.to_string(),
            version: 1,
            role: "manager".into(),
        }),
        call(tm::SetVisibility {
            visibility: "everyone".into(),
        }),
        call(tm::SetMemberActive {
            member_id: ids.spare_member.to_string(),
            version: 1,
            active: "false".into(),
        }),
    ];
    calls.extend(goals_and_records(ids));
    calls.extend(leads(ids));
    calls
}

fn goals_and_records(ids: &Ids) -> Vec<Endpoint> {
    let today = Utc::now().date_naive();
    vec![
        call(g::SetGoal {
            owner: format!("rep:{}", ids.rep),
            measure: "won_value".into(),
            currency: "USD".into(),
            starts_on: today.to_string(),
            ends_on: (today + Duration::days(90)).to_string(),
            target: "50,000".into(),
        }),
        call(g::RemoveGoal {
            goal_id: ids.doomed_goal.to_string(),
        }),
        call(g::GetSalesTeams {}),
        call(g::CreateSalesTeam {
            name: "Farmers".into(),
        }),
        call(g::RenameSalesTeam {
            team_id: ids.team.to_string(),
            version: 1,
            name: "Hunters East".into(),
        }),
        call(g::RemoveSalesTeam {
            team_id: ids.doomed_team.to_string(),
            version: 1,
        }),
        call(g::AssignSalesTeam {
            member_id: ids.spare_member.to_string(),
            team_id: ids.team.to_string(),
        }),
        call(c::SearchCompanies { text: "a".into() }),
        call(c::SearchContacts { text: "a".into() }),
        call(c::ListCompanies {
            text: "a".into(),
            sort: "name".into(),
            page: 0,
        }),
        call(c::GetCompany {
            id: ids.company.to_string(),
        }),
        call(c::SaveCompany {
            id: ids.edited_company.0.to_string(),
            version: "1".into(),
            name: ids.edited_company.1.clone(),
            domain: "fuzz.example".into(),
            industry: "Hardware".into(),
            employees: "250".into(),
            address: "1 Main St".into(),
        }),
        call(c::ListContacts {
            text: "a".into(),
            sort: "name".into(),
            page: 0,
        }),
        call(c::GetContact {
            id: ids.contact.to_string(),
        }),
        call(c::SaveContact {
            id: ids.contact.to_string(),
            version: "1".into(),
            name: "Pat Contact".into(),
            email: "pat@fuzz.example".into(),
            phone: "+1 555 010 2030".into(),
            title: "Buyer".into(),
            company: ids.company_name.clone(),
        }),
    ]
}

fn leads(ids: &Ids) -> Vec<Endpoint> {
    let [assigned, qualified, snoozed, doomed, converted] = ids.leads;
    let answer = |note: &str| (Answer::Yes, note.to_owned());
    vec![
        call(l::GetInbox {
            view: InboxView::Unassigned,
            filter: InboxFilter {
                search: "lead".into(),
                min_score: Some(10),
                ..InboxFilter::default()
            },
            page: 0,
        }),
        call(l::AddLead {
            lead: NewLead {
                name: "Nia New".into(),
                email: "nia@fuzz.example".into(),
                utm: Utm {
                    source: "newsletter".into(),
                    ..Utm::default()
                },
                ..NewLead::default()
            },
        }),
        call(l::AssignLead {
            id: assigned.0,
            version: assigned.1,
            owner: Some(UserId(ids.rep)),
        }),
        call(l::QualifyLead {
            id: qualified.0,
            version: qualified.1,
            answers: Qualification {
                need: answer("Replacing spreadsheets"),
                budget: answer("Approved"),
                ..Qualification::default()
            },
        }),
        call(l::DisqualifyLead {
            id: doomed.0,
            version: doomed.1,
            reason: "Spam".into(),
        }),
        call(l::ConvertLeadToDeal {
            id: converted.0,
            version: converted.1,
            to: ConvertLead {
                pipeline: Some(domain::ids::PipelineId(ids.pipeline)),
                stage: None,
                title: "Deal from a lead".into(),
                value: "5,000".into(),
            },
        }),
        call(l::SnoozeLead {
            id: snoozed.0,
            version: snoozed.1,
            until: Some(Utc::now() + Duration::days(3)),
        }),
        call(l::GetLead { id: assigned.0 }),
        call(l::GetMarketingReport {}),
        call(ls::GetLeadSetup {}),
        call(ls::SaveLeadSettings {
            settings: ids.settings,
        }),
        call(ls::SaveLeadForm {
            id: Some(ids.form),
            setup: ids.form_setup.clone(),
        }),
        call(ls::DeleteLeadForm {
            id: ids.doomed_form,
        }),
        call(ls::AddLeadRule {
            rule: NewRule {
                field: RuleField::Campaign,
                value: "spring".into(),
                members: vec![UserId(ids.rep)],
            },
        }),
        call(ls::RemoveLeadRule {
            id: ids.doomed_rule,
        }),
    ]
}
