//! Web forms: each workspace publishes forms that any site can post to. A form has a
//! public key (its address), the fields it asks for, and an optional campaign that
//! every submission is tagged with. A hidden honeypot field catches naive bots.

use crate::{
    lead::{NewLead, TAG_MAX},
    validation::FieldErrors,
};
use serde::{Deserialize, Serialize};

/// The hidden field people never see and bots fill in.
pub const HONEYPOT: &str = "website";
/// The hidden field carrying the form's timing ticket: the snippet's script fetches one
/// from `/f/<key>/ticket` when the page opens. A workspace that requires the check
/// refuses posts without a valid ticket, or sent within seconds of the page opening.
pub const TICKET_FIELD: &str = "_ticket";
/// Longest form name.
pub const FORM_NAME_MAX: usize = 80;
/// Most forms a workspace may publish.
pub const LEAD_FORMS_MAX: usize = 100;
/// Most fields one post may send: every form field, every tracking field, the honeypot
/// and the timing ticket, each once.
pub const POST_FIELDS_MAX: usize = FormField::ALL.len() + TRACKING.len() + 2;

/// Room for another form in a workspace that has `existing`.
///
/// # Errors
/// `Validation` on `name` when the workspace already has `LEAD_FORMS_MAX`.
pub fn check_form_room(existing: u64) -> Result<(), crate::AppError> {
    crate::limits::check_room(
        "name",
        existing,
        LEAD_FORMS_MAX,
        &format!("A workspace can have at most {LEAD_FORMS_MAX} forms; remove one first."),
    )
}

/// A field a form can ask for, by its HTML `name` (also its serialised key: a form
/// stores its fields as a JSON array of keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormField {
    Name,
    Email,
    Phone,
    Title,
    Company,
    CompanySize,
    Country,
    Message,
}

impl FormField {
    pub const ALL: [FormField; 8] = [
        FormField::Name,
        FormField::Email,
        FormField::Phone,
        FormField::Title,
        FormField::Company,
        FormField::CompanySize,
        FormField::Country,
        FormField::Message,
    ];

    /// The `name` attribute, stable: sites embed it.
    pub fn key(self) -> &'static str {
        match self {
            FormField::Name => "name",
            FormField::Email => "email",
            FormField::Phone => "phone",
            FormField::Title => "title",
            FormField::Company => "company",
            FormField::CompanySize => "company_size",
            FormField::Country => "country",
            FormField::Message => "message",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FormField::Name => "Name",
            FormField::Email => "Work e-mail",
            FormField::Phone => "Phone",
            FormField::Title => "Job title",
            FormField::Company => "Company",
            FormField::CompanySize => "Company size",
            FormField::Country => "Country",
            FormField::Message => "How can we help?",
        }
    }

    pub fn parse(key: &str) -> Option<FormField> {
        Self::ALL.into_iter().find(|field| field.key() == key)
    }

    fn input_type(self) -> &'static str {
        match self {
            FormField::Email => "email",
            FormField::Phone => "tel",
            FormField::CompanySize => "number",
            _ => "text",
        }
    }
}

/// Tracking fields any form accepts: the snippet fills them from the page's address.
pub const TRACKING: [&str; 7] = [
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "landing_page",
    "referrer",
];

/// A form as Settings lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadForm {
    pub id: uuid::Uuid,
    /// The public part of its address: `/f/<key>`.
    pub key: String,
    pub name: String,
    pub fields: Vec<FormField>,
    pub campaign: Option<String>,
    pub submissions: u64,
    pub version: i32,
}

/// A form as an admin sets it up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormSetup {
    pub name: String,
    pub fields: Vec<FormField>,
    pub campaign: String,
    /// The form's version the edit is based on (0 for a new form): a stale edit is
    /// refused instead of undoing a colleague's.
    #[serde(default)]
    pub version: i32,
}

impl FormSetup {
    /// A name, and a way to reach the person among the fields.
    ///
    /// # Errors
    /// Field-level messages.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = self.name.trim();
        if name.is_empty() {
            errors.add(
                "name",
                "Name the form, e.g. \"Contact us\" or \"Webinar sign-up\".",
            );
        } else if name.chars().count() > FORM_NAME_MAX {
            errors.add(
                "name",
                format!("Keep the name to {FORM_NAME_MAX} characters."),
            );
        }
        let fields = &self.fields;
        let repeated = fields
            .iter()
            .enumerate()
            .any(|(i, f)| fields.iter().skip(i + 1).any(|other| other == f));
        if fields.len() > FormField::ALL.len() || repeated {
            errors.add("fields", "Ask for each field at most once.");
        } else if !fields
            .iter()
            .any(|f| matches!(f, FormField::Email | FormField::Phone))
        {
            errors.add(
                "fields",
                "Ask for an e-mail address or a phone number, or nobody can get back to the lead.",
            );
        }
        if self.campaign.trim().chars().count() > TAG_MAX {
            errors.add(
                "campaign",
                format!("Keep the campaign to {TAG_MAX} characters."),
            );
        } else if self.campaign.chars().any(char::is_control) {
            errors.add(
                "campaign",
                "Remove the control characters from the campaign.",
            );
        }
        errors.into_result()
    }
}

/// What a posted form turned into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    Lead(Box<NewLead>),
    /// The honeypot was filled: answer as if it worked, keep nothing.
    Bot,
}

/// Reads posted `name=value` pairs against the form's field list. Fields the form does
/// not ask for are refused by name, so a typo in an embedded form shows up at once
/// instead of losing data silently.
///
/// # Errors
/// More fields than any form sends, unknown or repeated fields.
pub fn read_post(form: &LeadForm, pairs: &[(String, String)]) -> Result<Posted, FieldErrors> {
    let mut lead = NewLead {
        campaign: form.campaign.clone().unwrap_or_default(),
        ..NewLead::default()
    };
    let mut errors = FieldErrors::default();
    if pairs.len() > POST_FIELDS_MAX {
        errors.add(
            "form",
            format!("A form sends at most {POST_FIELDS_MAX} fields; this post had more."),
        );
        return Err(errors);
    }
    let mut seen: Vec<&str> = Vec::new();
    for (name, value) in pairs {
        if seen.contains(&name.as_str()) {
            let name = shorten(name);
            errors.add(&name, format!("\"{name}\" was sent twice."));
            continue;
        }
        seen.push(name);
        if name == HONEYPOT {
            if !value.trim().is_empty() {
                return Ok(Posted::Bot);
            }
            continue;
        }
        // Checked by the server before reading (`service::leads::ticket`), not a lead field.
        if name == TICKET_FIELD {
            continue;
        }
        let slot = match FormField::parse(name) {
            Some(field) if form.fields.contains(&field) => field_slot(&mut lead, field),
            _ => match name.as_str() {
                "utm_source" => &mut lead.utm.source,
                "utm_medium" => &mut lead.utm.medium,
                "utm_campaign" => &mut lead.utm.campaign,
                "utm_term" => &mut lead.utm.term,
                "utm_content" => &mut lead.utm.content,
                "landing_page" => &mut lead.landing_page,
                "referrer" => &mut lead.referrer,
                _ => {
                    errors.add(
                        "form",
                        format!("This form has no field called \"{}\".", shorten(name)),
                    );
                    continue;
                }
            },
        };
        value.clone_into(slot);
    }
    errors.into_result().map(|()| Posted::Lead(Box::new(lead)))
}

fn field_slot(lead: &mut NewLead, field: FormField) -> &mut String {
    match field {
        FormField::Name => &mut lead.name,
        FormField::Email => &mut lead.email,
        FormField::Phone => &mut lead.phone,
        FormField::Title => &mut lead.title,
        FormField::Company => &mut lead.company,
        FormField::CompanySize => &mut lead.company_size,
        FormField::Country => &mut lead.country,
        FormField::Message => &mut lead.message,
    }
}

/// A field name as echoed back in an error: short, and only printable characters.
fn shorten(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(40).collect()
}

/// Escapes text for an HTML attribute or element.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The copy-paste HTML for a form: plain inputs (no script needed to submit), the
/// hidden honeypot, and a small script that passes the page's UTM tags along.
pub fn snippet(form: &LeadForm, base_url: &str) -> String {
    let action = format!("{}/f/{}", base_url.trim_end_matches('/'), form.key);
    let mut html = format!(
        "<form method=\"post\" action=\"{}\" class=\"pipewright-form\">\n",
        escape(&action)
    );
    for field in &form.fields {
        let id = format!("pw-{}", field.key());
        if *field == FormField::Message {
            html.push_str(&format!(
                "  <label for=\"{id}\">{}</label>\n  <textarea id=\"{id}\" name=\"{}\" rows=\"4\"></textarea>\n",
                field.label(),
                field.key()
            ));
        } else {
            html.push_str(&format!(
                "  <label for=\"{id}\">{}</label>\n  <input id=\"{id}\" name=\"{}\" type=\"{}\">\n",
                field.label(),
                field.key(),
                field.input_type()
            ));
        }
    }
    html.push_str(&format!(
        "  <div style=\"position:absolute;left:-10000px\" aria-hidden=\"true\"><input name=\"{HONEYPOT}\" tabindex=\"-1\" autocomplete=\"off\"></div>\n"
    ));
    for tag in TRACKING {
        html.push_str(&format!("  <input type=\"hidden\" name=\"{tag}\">\n"));
    }
    html.push_str(&format!(
        "  <input type=\"hidden\" name=\"{TICKET_FIELD}\">\n"
    ));
    html.push_str("  <button type=\"submit\">Send</button>\n</form>\n");
    html.push_str(concat!(
        "<script>(function (f) {\n",
        "  var q = new URLSearchParams(location.search);\n",
        "  ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'].forEach(function (k) { f.elements[k].value = q.get(k) || ''; });\n",
        "  f.elements.landing_page.value = location.origin + location.pathname;\n",
        "  f.elements.referrer.value = document.referrer;\n",
        "  fetch(f.action + '/ticket').then(function (r) { return r.ok ? r.text() : ''; })\n",
        "    .then(function (t) { f.elements._ticket.value = t; }, function () {});\n",
        "})(document.currentScript.previousElementSibling);</script>\n",
    ));
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> LeadForm {
        LeadForm {
            id: uuid::Uuid::nil(),
            key: "k3y".into(),
            name: "Contact <us>".into(),
            fields: vec![FormField::Name, FormField::Email, FormField::Message],
            campaign: Some("Spring webinar".into()),
            submissions: 0,
            version: 1,
        }
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_post_fills_the_lead_and_tags_the_campaign() {
        let posted = read_post(
            &form(),
            &pairs(&[
                ("name", "Ana"),
                ("email", "ana@acme.com"),
                ("website", ""),
                ("utm_source", "linkedin"),
            ]),
        )
        .unwrap();
        let Posted::Lead(lead) = posted else {
            panic!("expected a lead")
        };
        assert_eq!(lead.name, "Ana");
        assert_eq!(lead.utm.source, "linkedin");
        assert_eq!(lead.campaign, "Spring webinar");
    }

    #[test]
    fn unknown_and_repeated_fields_are_refused_by_name() {
        let errors = read_post(&form(), &pairs(&[("phone", "1"), ("email", "a@b.c")])).unwrap_err();
        assert!(
            errors.0[0].message.contains("\"phone\""),
            "not on this form"
        );
        let errors =
            read_post(&form(), &pairs(&[("email", "a@b.c"), ("email", "d@e.f")])).unwrap_err();
        assert_eq!(errors.0[0].field, "email");
    }

    #[test]
    fn a_filled_honeypot_is_a_bot() {
        let posted = read_post(&form(), &pairs(&[("email", "a@b.c"), ("website", "x")])).unwrap();
        assert_eq!(posted, Posted::Bot);
    }

    #[test]
    fn the_snippet_posts_to_the_form_and_escapes_what_it_shows() {
        let html = snippet(&form(), "https://crm.example/");
        assert!(html.contains("action=\"https://crm.example/f/k3y\""));
        assert!(html.contains("name=\"website\""));
        assert!(html.contains("name=\"_ticket\"") && html.contains("f.action + '/ticket'"));
        assert!(html.contains("<textarea id=\"pw-message\" name=\"message\""));
        assert!(!html.contains("name=\"phone\""));
    }

    #[test]
    fn a_post_sends_a_bounded_number_of_fields() {
        let mut list: Vec<(String, String)> = FormField::ALL
            .iter()
            .map(|f| f.key())
            .chain(TRACKING)
            .chain([HONEYPOT, TICKET_FIELD])
            .map(|name| (name.to_owned(), String::new()))
            .collect();
        let every = LeadForm {
            fields: FormField::ALL.to_vec(),
            ..form()
        };
        assert_eq!(list.len(), POST_FIELDS_MAX);
        assert!(read_post(&every, &list).is_ok(), "the limit itself is read");
        list.push(("name".into(), "again".into()));
        let errors = read_post(&every, &list).unwrap_err();
        assert_eq!(errors.0.len(), 1);
        assert_eq!(
            errors.for_field("form"),
            Some("A form sends at most 17 fields; this post had more.")
        );
        let long = "n".repeat(1_000);
        let errors = read_post(&every, &pairs(&[(&long, ""), (&long, "")])).unwrap_err();
        assert!(errors.0.iter().all(|e| e.field.chars().count() <= 40));
        assert!(errors.0.iter().all(|e| e.message.chars().count() <= 80));
    }

    #[test]
    fn a_form_asks_for_each_field_once() {
        let setup = FormSetup {
            name: "Demo".into(),
            fields: FormField::ALL.to_vec(),
            campaign: "c".repeat(TAG_MAX),
            version: 0,
        };
        assert!(setup.validate().is_ok());
        let repeated = FormSetup {
            fields: vec![FormField::Email; 1_000],
            ..setup.clone()
        };
        assert_eq!(
            repeated.validate().unwrap_err().for_field("fields"),
            Some("Ask for each field at most once.")
        );
        let tabbed = FormSetup {
            campaign: "Spring\twebinar".into(),
            ..setup
        };
        assert_eq!(
            tabbed.validate().unwrap_err().for_field("campaign"),
            Some("Remove the control characters from the campaign.")
        );
    }

    #[test]
    fn forms_per_workspace_are_bounded() {
        assert!(check_form_room(99).is_ok());
        assert_eq!(
            check_form_room(100)
                .unwrap_err()
                .field_message("name")
                .as_deref(),
            Some("A workspace can have at most 100 forms; remove one first.")
        );
    }

    #[test]
    fn a_form_must_ask_for_a_way_back() {
        let setup = FormSetup {
            name: "Demo".into(),
            fields: vec![FormField::Name],
            campaign: String::new(),
            version: 0,
        };
        assert_eq!(setup.validate().unwrap_err().0[0].field, "fields");
    }
}
