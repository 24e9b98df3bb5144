//! The hostile workspace's leads, lead form and assignment rule.

use super::{mail, Texts};
use domain::{
    account::CurrentUser,
    lead::{Answer, LeadSource, NewLead, Qualification, Utm},
    lead_form::{FormField, FormSetup},
    lead_rules::{NewRule, RuleField},
};
use service::{CaptureBy, Crm};
use uuid::Uuid;

/// Three leads (new, qualified, disqualified), a form and an assignment rule.
pub async fn seed(
    crm: &Crm,
    admin: &CurrentUser,
    texts: &mut Texts,
    rep: domain::UserId,
) -> [Uuid; 3] {
    let form = FormSetup {
        name: texts.add("Form", 80),
        fields: vec![FormField::Name, FormField::Email, FormField::Message],
        campaign: texts.add("Fc", 30),
        version: 0,
    };
    crm.save_lead_form(admin, None, form).await.unwrap();
    // Matches none of the leads below (the rotation hands those to the rep).
    let rule = NewRule {
        field: RuleField::Campaign,
        value: texts.add("Rule", 30),
        members: vec![rep],
    };
    crm.add_lead_rule(admin, rule).await.unwrap();

    let by = CaptureBy {
        workspace: admin.workspace_id,
        member: None,
        source: LeadSource::WebForm,
        form: None,
    };
    let mut ids = [Uuid::nil(); 3];
    for (n, label) in ["Lead", "LeadQualified", "LeadDisqualified"]
        .into_iter()
        .enumerate()
    {
        let lead = NewLead {
            name: texts.add(label, 160),
            email: mail(&format!("lead{n}")),
            phone: String::new(),
            title: texts.add(["LeadTitle", "LeadTitle2", "LeadTitle3"][n], 120),
            company: texts.add(["LeadCompany", "LeadCompany2", "LeadCompany3"][n], 160),
            domain: String::new(),
            company_size: "40".into(),
            campaign: texts.add(["Cmp", "Cmp2", "Cmp3"][n], 30),
            utm: Utm {
                source: texts.add(["Us", "Us2", "Us3"][n], 30),
                medium: texts.add(["Um", "Um2", "Um3"][n], 30),
                campaign: texts.add(["Uc", "Uc2", "Uc3"][n], 30),
                term: texts.add(["Ut", "Ut2", "Ut3"][n], 30),
                content: texts.add(["Uo", "Uo2", "Uo3"][n], 30),
            },
            landing_page: texts.add(["Lp", "Lp2", "Lp3"][n], 30),
            referrer: texts.add(["Rf", "Rf2", "Rf3"][n], 30),
            message: texts.add(["Message", "Message2", "Message3"][n], 5000),
            country: texts.add(["Country", "Country2", "Country3"][n], 100),
        };
        // The first is the admin's own, so their inbox lists it.
        let member = (n == 0).then_some(admin.user_id);
        ids[n] = crm
            .capture_lead(CaptureBy { member, ..by }, lead)
            .await
            .unwrap()
            .lead;
    }
    let answers = Qualification {
        need: (Answer::Yes, texts.add("Need", 1000)),
        budget: (Answer::Partly, texts.add("Budget", 1000)),
        authority: (Answer::No, texts.add("Authority", 1000)),
        timeline: (Answer::Yes, texts.add("Timeline", 1000)),
    };
    crm.qualify_lead(admin, ids[1], 1, answers).await.unwrap();
    crm.disqualify_lead(admin, ids[2], 1, texts.add("Disqualified", 200))
        .await
        .unwrap();
    ids
}
