//! Leads: people (or companies) who showed interest and are not deals yet. Marketing
//! captures them, sales qualifies them on need, budget, authority and timeline, and the
//! good ones become deals.

use crate::{
    company::{
        check_text, normalize_domain, rule_contact_email, rule_domain, rule_employees, rule_phone,
        COMPANY_NAME_MAX, CONTACT_NAME_MAX, JOB_TITLE_MAX,
    },
    validation::{normalize_email, FieldErrors},
};
use serde::{Deserialize, Serialize};

/// A campaign name, a UTM value, a landing page or referrer.
pub const TAG_MAX: usize = 200;
/// A country's name or code as a form sends it.
pub const COUNTRY_MAX: usize = 100;
/// What someone wrote in a form's message box.
pub const MESSAGE_MAX: usize = 5_000;
/// A lead's message after merging later submissions into it: past this, later
/// messages stay in the submissions only.
pub const MERGED_MESSAGE_MAX: usize = 20_000;
/// The note on each qualification answer.
pub const QUALIFICATION_NOTE_MAX: usize = 1_000;
/// Why a lead was disqualified.
pub const DISQUALIFY_REASON_MAX: usize = 200;

/// Where a lead came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LeadSource {
    WebForm,
    Import,
    Api,
    Manual,
    Event,
    Referral,
    Other,
}

impl LeadSource {
    pub const ALL: [LeadSource; 7] = [
        LeadSource::WebForm,
        LeadSource::Import,
        LeadSource::Api,
        LeadSource::Manual,
        LeadSource::Event,
        LeadSource::Referral,
        LeadSource::Other,
    ];

    /// The stable name stored in the database.
    pub fn key(self) -> &'static str {
        match self {
            LeadSource::WebForm => "web_form",
            LeadSource::Import => "import",
            LeadSource::Api => "api",
            LeadSource::Manual => "manual",
            LeadSource::Event => "event",
            LeadSource::Referral => "referral",
            LeadSource::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LeadSource::WebForm => "Web form",
            LeadSource::Import => "Import",
            LeadSource::Api => "API",
            LeadSource::Manual => "Manual",
            LeadSource::Event => "Event",
            LeadSource::Referral => "Referral",
            LeadSource::Other => "Other",
        }
    }

    pub fn parse(key: &str) -> Option<LeadSource> {
        Self::ALL.into_iter().find(|source| source.key() == key)
    }
}

/// Where a lead stands.
/// Serialised by its stored key, as the event log has always held it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadStatus {
    New,
    Working,
    /// Marketing vouches for it (a marketer qualified it); sales has not yet.
    MarketingQualified,
    /// Sales qualified it: ready to become a deal.
    Qualified,
    Disqualified,
    /// Became a deal; kept for the record and the source figures.
    Converted,
}

impl LeadStatus {
    pub const ALL: [LeadStatus; 6] = [
        LeadStatus::New,
        LeadStatus::Working,
        LeadStatus::MarketingQualified,
        LeadStatus::Qualified,
        LeadStatus::Disqualified,
        LeadStatus::Converted,
    ];

    /// The open statuses, for queries.
    pub const OPEN: [LeadStatus; 4] = [
        LeadStatus::New,
        LeadStatus::Working,
        LeadStatus::MarketingQualified,
        LeadStatus::Qualified,
    ];

    pub fn label(self) -> &'static str {
        match self {
            LeadStatus::New => "New",
            LeadStatus::Working => "Working",
            LeadStatus::MarketingQualified => "Marketing-qualified",
            LeadStatus::Qualified => "Sales-qualified",
            LeadStatus::Disqualified => "Disqualified",
            LeadStatus::Converted => "Converted",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            LeadStatus::New => "new",
            LeadStatus::Working => "working",
            LeadStatus::MarketingQualified => "marketing_qualified",
            LeadStatus::Qualified => "qualified",
            LeadStatus::Disqualified => "disqualified",
            LeadStatus::Converted => "converted",
        }
    }

    pub fn parse(key: &str) -> Option<LeadStatus> {
        Self::ALL.into_iter().find(|status| status.key() == key)
    }

    /// Still being worked: new submissions from the same person merge into it.
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }
}

crate::stored::stored_as_key!(LeadStatus, "lead status", |s| s.key(), LeadStatus::parse);

/// Campaign tracking as it arrives in a landing page's URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Utm {
    pub source: String,
    pub medium: String,
    pub campaign: String,
    pub term: String,
    pub content: String,
}

/// A lead as captured: every field optional but one way to reach the person. Missing
/// fields read as empty, so submissions stored before a field existed still load.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewLead {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub title: String,
    pub company: String,
    pub domain: String,
    pub company_size: String,
    pub campaign: String,
    pub utm: Utm,
    pub landing_page: String,
    pub referrer: String,
    pub message: String,
    pub country: String,
}

/// A checked lead: trimmed, e-mail and domain normalised, phone kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidLead {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Digits only, for matching "+1 (555) 010-2030" with "15550102030".
    pub phone_digits: Option<String>,
    pub title: Option<String>,
    pub company: Option<String>,
    pub domain: Option<String>,
    pub company_size: Option<i32>,
    pub campaign: Option<String>,
    pub utm: Utm,
    pub landing_page: Option<String>,
    pub referrer: Option<String>,
    pub message: Option<String>,
    pub country: Option<String>,
}

fn some(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

impl NewLead {
    /// Checks every field at once. A lead needs an e-mail or a phone number; a company's
    /// domain alone is enough for a company-only lead (an event badge scan, say).
    ///
    /// # Errors
    /// Field-level messages.
    pub fn validate(&self) -> Result<ValidLead, FieldErrors> {
        let mut errors = FieldErrors::default();
        check_text(
            &mut errors,
            "name",
            "the name",
            &self.name,
            CONTACT_NAME_MAX,
        );
        rule_contact_email(&mut errors, &self.email);
        rule_phone(&mut errors, &self.phone);
        check_text(
            &mut errors,
            "title",
            "the job title",
            &self.title,
            JOB_TITLE_MAX,
        );
        check_text(
            &mut errors,
            "company",
            "the company",
            &self.company,
            COMPANY_NAME_MAX,
        );
        rule_domain(&mut errors, &self.domain);
        rule_employees(&mut errors, &self.company_size);
        for (field, what, value, max) in [
            ("campaign", "the campaign", &self.campaign, TAG_MAX),
            ("utm_source", "utm_source", &self.utm.source, TAG_MAX),
            ("utm_medium", "utm_medium", &self.utm.medium, TAG_MAX),
            ("utm_campaign", "utm_campaign", &self.utm.campaign, TAG_MAX),
            ("utm_term", "utm_term", &self.utm.term, TAG_MAX),
            ("utm_content", "utm_content", &self.utm.content, TAG_MAX),
            (
                "landing_page",
                "the landing page",
                &self.landing_page,
                TAG_MAX,
            ),
            ("referrer", "the referrer", &self.referrer, TAG_MAX),
            ("country", "the country", &self.country, COUNTRY_MAX),
        ] {
            check_text(&mut errors, field, what, value, max);
        }
        if self.message.trim().chars().count() > MESSAGE_MAX {
            errors.add(
                "message",
                format!("Keep the message to {MESSAGE_MAX} characters or fewer."),
            );
        }
        let reachable = [&self.email, &self.phone, &self.domain]
            .iter()
            .any(|value| !value.trim().is_empty());
        if !reachable {
            errors.add(
                "email",
                "Give an e-mail address or a phone number, so someone can get back to you.",
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let phone_digits: String = self.phone.chars().filter(char::is_ascii_digit).collect();
        let size = self.company_size.trim().replace([',', '_', ' '], "");
        Ok(ValidLead {
            name: some(&self.name),
            email: some(&normalize_email(&self.email)),
            phone: some(&self.phone),
            phone_digits: some(&phone_digits),
            title: some(&self.title),
            company: some(&self.company),
            domain: some(&normalize_domain(&self.domain)).or_else(|| {
                // A work address says which company; free-mail domains do not.
                let email = normalize_email(&self.email);
                let domain = email.split_once('@')?.1.to_owned();
                (!FREE_MAIL.contains(&domain.as_str())).then_some(domain)
            }),
            company_size: size.parse().ok(),
            campaign: some(&self.campaign),
            utm: Utm {
                source: self.utm.source.trim().to_owned(),
                medium: self.utm.medium.trim().to_owned(),
                campaign: self.utm.campaign.trim().to_owned(),
                term: self.utm.term.trim().to_owned(),
                content: self.utm.content.trim().to_owned(),
            },
            landing_page: some(&self.landing_page),
            referrer: some(&self.referrer),
            message: some(&self.message),
            country: some(&self.country),
        })
    }
}

/// Mail providers whose domain says nothing about a company.
const FREE_MAIL: [&str; 10] = [
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "icloud.com",
    "aol.com",
    "proton.me",
    "gmx.de",
];

/// One qualification answer: how sure we are the lead meets the criterion.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Answer {
    #[default]
    Unknown,
    No,
    Partly,
    Yes,
}

impl Answer {
    /// Share of the criterion's weight it earns, in halves.
    fn halves(self) -> u32 {
        match self {
            Answer::Unknown | Answer::No => 0,
            Answer::Partly => 1,
            Answer::Yes => 2,
        }
    }
}

/// Need, budget, authority and timeline, each answered with a note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Qualification {
    pub need: (Answer, String),
    pub budget: (Answer, String),
    pub authority: (Answer, String),
    pub timeline: (Answer, String),
}

/// How much each criterion counts, as the workspace weighs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreWeights {
    pub need: u8,
    pub budget: u8,
    pub authority: u8,
    pub timeline: u8,
}

impl Default for ScoreWeights {
    fn default() -> Self {
        ScoreWeights {
            need: 30,
            budget: 25,
            authority: 25,
            timeline: 20,
        }
    }
}

/// Free text a person typed into a box: line breaks and tabs allowed, no other
/// control characters.
fn plain_lines(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

impl Qualification {
    /// Each note at most `QUALIFICATION_NOTE_MAX` characters of plain text.
    ///
    /// # Errors
    /// A message on `need`, `budget`, `authority` or `timeline` for each bad note.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        for (field, (_, note)) in [
            ("need", &self.need),
            ("budget", &self.budget),
            ("authority", &self.authority),
            ("timeline", &self.timeline),
        ] {
            if note.trim().chars().count() > QUALIFICATION_NOTE_MAX {
                errors.add(
                    field,
                    format!("Keep each note to {QUALIFICATION_NOTE_MAX} characters or fewer."),
                );
            } else if !plain_lines(note) {
                errors.add(field, "Remove the control characters from the note.");
            }
        }
        errors.into_result()
    }

    /// 0–100: the weighted share of criteria met ("partly" counts half).
    pub fn score(&self, weights: ScoreWeights) -> u8 {
        let parts = [
            (self.need.0, weights.need),
            (self.budget.0, weights.budget),
            (self.authority.0, weights.authority),
            (self.timeline.0, weights.timeline),
        ];
        let total: u32 = parts.iter().map(|(_, w)| u32::from(*w)).sum();
        if total == 0 {
            return 0;
        }
        let earned: u32 = parts
            .iter()
            .map(|(answer, w)| answer.halves() * u32::from(*w))
            .sum();
        u8::try_from((earned * 100 + total) / (2 * total)).unwrap_or(100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lead_needs_a_way_back_and_keeps_text_as_typed() {
        let nobody = NewLead {
            name: "Ana <script>x</script>".into(),
            ..NewLead::default()
        };
        let errors = nobody.validate().unwrap_err();
        assert_eq!(errors.0[0].field, "email");
        let ana = NewLead {
            name: "Ana <script>x</script>".into(),
            email: " Ana@Acme.COM ".into(),
            phone: "+1 (555) 010-2030".into(),
            ..NewLead::default()
        };
        let valid = ana.validate().unwrap();
        assert_eq!(valid.name.as_deref(), Some("Ana <script>x</script>"));
        assert_eq!(valid.email.as_deref(), Some("ana@acme.com"));
        assert_eq!(valid.phone_digits.as_deref(), Some("15550102030"));
        assert_eq!(valid.domain.as_deref(), Some("acme.com"));
    }

    #[test]
    fn free_mail_says_nothing_about_the_company() {
        let lead = NewLead {
            email: "ana@gmail.com".into(),
            ..NewLead::default()
        };
        assert_eq!(lead.validate().unwrap().domain, None);
    }

    #[test]
    fn qualification_notes_are_bounded_and_plain() {
        let longest = "é".repeat(QUALIFICATION_NOTE_MAX);
        let mut q = Qualification {
            need: (Answer::Yes, longest.clone()),
            budget: (Answer::Partly, "Q3\n\tmaybe".into()),
            ..Qualification::default()
        };
        assert!(q.validate().is_ok());
        q.need.1.push('x');
        q.timeline.1 = "soon\u{0}".into();
        let errors = q.validate().unwrap_err();
        assert_eq!(
            errors.for_field("need"),
            Some("Keep each note to 1000 characters or fewer.")
        );
        assert_eq!(
            errors.for_field("timeline"),
            Some("Remove the control characters from the note.")
        );
        assert!(errors.for_field("budget").is_none());
    }

    #[test]
    fn a_disqualify_reason_is_required_and_bounded() {
        let longest = "r".repeat(DISQUALIFY_REASON_MAX);
        assert_eq!(
            parse_disqualify_reason(&format!(" {longest} ")),
            Ok(longest)
        );
        assert_eq!(
            parse_disqualify_reason(&"r".repeat(DISQUALIFY_REASON_MAX + 1)),
            Err("Keep the reason to 200 characters or fewer.".into())
        );
        assert!(parse_disqualify_reason("  ").is_err());
        assert!(parse_disqualify_reason("Spam\u{1b}").is_err());
    }

    #[test]
    fn merged_messages_stop_growing_at_their_bound() {
        assert_eq!(merge_message(None, Some("hi")).as_deref(), Some("hi"));
        assert_eq!(merge_message(Some("hi"), Some("hi")).as_deref(), Some("hi"));
        assert_eq!(
            merge_message(Some("a"), Some("b")).as_deref(),
            Some("a\n\nb")
        );
        let had = "a".repeat(MERGED_MESSAGE_MAX - 3);
        let merged = merge_message(Some(&had), Some("b")).unwrap();
        assert_eq!(
            merged.chars().count(),
            MERGED_MESSAGE_MAX,
            "the limit itself fits"
        );
        let full = merge_message(Some(&merged), Some("c")).unwrap();
        assert_eq!(full, merged, "past the bound the lead keeps what it has");
    }

    #[test]
    fn the_score_weighs_each_criterion() {
        let mut q = Qualification::default();
        assert_eq!(q.score(ScoreWeights::default()), 0);
        q.need = (Answer::Yes, String::new());
        q.budget = (Answer::Partly, String::new());
        // 30 + 12.5 of 100.
        assert_eq!(q.score(ScoreWeights::default()), 43);
        q.authority = (Answer::Yes, String::new());
        q.timeline = (Answer::Yes, String::new());
        q.budget = (Answer::Yes, String::new());
        assert_eq!(q.score(ScoreWeights::default()), 100);
    }
}

/// Why a lead is disqualified, trimmed.
///
/// # Errors
/// A message for a missing or too-long reason, or one with control characters.
pub fn parse_disqualify_reason(reason: &str) -> Result<String, String> {
    let reason = reason.trim();
    if reason.is_empty() {
        Err("Say why the lead is disqualified, e.g. “No budget”.".into())
    } else if reason.chars().count() > DISQUALIFY_REASON_MAX {
        Err(format!(
            "Keep the reason to {DISQUALIFY_REASON_MAX} characters or fewer."
        ))
    } else if reason.chars().any(char::is_control) {
        Err("Remove the control characters from the reason.".into())
    } else {
        Ok(reason.to_owned())
    }
}

/// An open lead's message after another submission from the same person: the new
/// message is appended while the whole stays within `MERGED_MESSAGE_MAX` characters;
/// past that the lead keeps what it has (every message is in its submissions).
pub fn merge_message(had: Option<&str>, new: Option<&str>) -> Option<String> {
    match (had, new) {
        (Some(had), Some(new)) if had != new => {
            let merged = format!("{had}\n\n{new}");
            Some(if merged.chars().count() <= MERGED_MESSAGE_MAX {
                merged
            } else {
                had.to_owned()
            })
        }
        (had, new) => had.or(new).map(str::to_owned),
    }
}

/// How long a new lead may wait for its first response before it is marked overdue.
pub const FIRST_RESPONSE_MINUTES: i64 = 60;

/// A lead as the inbox lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    pub id: uuid::Uuid,
    pub version: i32,
    pub status: LeadStatus,
    pub source: LeadSource,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub campaign: Option<String>,
    pub country: Option<String>,
    pub owner: Option<(crate::UserId, String)>,
    pub score: u8,
    /// How many submissions made or merged into it.
    pub submissions: u32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub first_response_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Past the first-response target with nobody having responded.
    pub response_overdue: bool,
    /// Out of the views until then.
    pub snoozed_until: Option<chrono::DateTime<chrono::Utc>>,
}

/// What a capture did: a new lead, or a submission merged into an open one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Captured {
    pub lead: uuid::Uuid,
    pub merged: bool,
    pub owner: Option<crate::UserId>,
}

/// Each view's lead count, for the inbox's tabs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxCounts(pub Vec<(InboxView, u64)>);

impl InboxCounts {
    pub fn of(&self, view: InboxView) -> u64 {
        self.0
            .iter()
            .find(|(v, _)| *v == view)
            .map_or(0, |(_, n)| *n)
    }
}

/// A page of a view, with every view's count.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxPage {
    pub leads: Vec<Lead>,
    pub counts: InboxCounts,
}

/// The inbox's views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InboxView {
    /// New and nobody owns it.
    Unassigned,
    /// Open leads the viewer owns.
    Mine,
    MarketingQualified,
    SalesQualified,
    /// New, past the first-response target.
    ResponseOverdue,
    /// Open leads put aside until a later date.
    Snoozed,
    Disqualified,
}

/// Turning a qualified lead into a deal: where it goes, and what it is called.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvertLead {
    pub pipeline: Option<crate::ids::PipelineId>,
    /// `None`: the pipeline's first stage (stage rules apply to any other).
    pub stage: Option<crate::ids::StageId>,
    pub title: String,
    /// As typed, e.g. `12,500`; empty for none yet.
    pub value: String,
}

/// What a lead became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Converted {
    pub deal: crate::ids::DealId,
    pub contact: Option<crate::ids::ContactId>,
    pub company: Option<crate::ids::CompanyId>,
}

impl InboxView {
    pub const ALL: [InboxView; 7] = [
        InboxView::Unassigned,
        InboxView::Mine,
        InboxView::MarketingQualified,
        InboxView::SalesQualified,
        InboxView::ResponseOverdue,
        InboxView::Snoozed,
        InboxView::Disqualified,
    ];

    /// The name in the URL (`/inbox?view=…`).
    pub fn key(self) -> &'static str {
        match self {
            InboxView::Unassigned => "new",
            InboxView::Mine => "mine",
            InboxView::MarketingQualified => "mql",
            InboxView::SalesQualified => "sql",
            InboxView::ResponseOverdue => "overdue",
            InboxView::Snoozed => "snoozed",
            InboxView::Disqualified => "disqualified",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InboxView::Unassigned => "New & unassigned",
            InboxView::Mine => "Mine",
            InboxView::MarketingQualified => "Marketing-qualified",
            InboxView::SalesQualified => "Sales-qualified",
            InboxView::ResponseOverdue => "Response overdue",
            InboxView::Snoozed => "Snoozed",
            InboxView::Disqualified => "Disqualified",
        }
    }

    /// Unknown names fall back to the first view.
    pub fn parse(key: &str) -> InboxView {
        Self::ALL
            .into_iter()
            .find(|view| view.key() == key)
            .unwrap_or(InboxView::Unassigned)
    }
}
