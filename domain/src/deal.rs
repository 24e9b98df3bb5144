//! Deals and the stage rules every write path shares: the board, the deal page, the phone
//! view, the API and the importer all ask `missing_for_entry` before a deal changes stage.

use crate::{
    ids::{CompanyId, ContactId, UserId},
    money::Currency,
    validation::FieldErrors,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Longest deal title; long enough for "Acme – 40 seats – renewal 2027 (EU entity)".
pub const TITLE_MAX: usize = 200;
/// Free-text fields such as the next step.
pub const NOTE_MAX: usize = 200;
/// Where a deal came from ("Web form", "Partner: Acme"): the column holds 80.
pub const SOURCE_MAX: usize = 80;
/// A checklist item, as a stage defines it.
pub const CHECK_MAX: usize = 120;
/// A trillion in any currency is a typo, not a deal.
pub const VALUE_MAX_CENTS: i64 = 100_000_000_000_000;
/// Tags on one deal, and the length of each.
pub const TAGS_MAX: usize = 10;
pub const TAG_MAX: usize = 30;
/// The tags as typed, commas and spaces included (the column holds 400).
pub const TAGS_TEXT_MAX: usize = 400;
/// Edits one request may make to a deal: every field once, plus a stage's checklist
/// ticked item by item and a few contacts, with room to spare.
pub const CHANGES_MAX: usize = 50;
/// Items one stage's checklist may hold.
pub const CHECKLIST_MAX: usize = 20;
/// Items one deal may have ticked: every item of every stage of a full pipeline.
pub const CHECKED_MAX: usize = crate::pipeline::STAGES_MAX * CHECKLIST_MAX;
/// Contacts on one deal: a buying committee, not an address book.
pub const DEAL_CONTACTS_MAX: u64 = 50;

/// A deal field a stage can require before a deal may enter it. Serialised by its key
/// (a stage stores its required fields as a JSON array of keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DealField {
    Value,
    ExpectedCloseOn,
    Company,
    Contact,
    DecisionMaker,
    Owner,
    Source,
    NextStep,
}

impl DealField {
    pub const ALL: [DealField; 8] = [
        DealField::Value,
        DealField::ExpectedCloseOn,
        DealField::Company,
        DealField::Contact,
        DealField::DecisionMaker,
        DealField::Owner,
        DealField::Source,
        DealField::NextStep,
    ];

    /// The stable key stored with a stage and used as a form field name.
    pub fn key(self) -> &'static str {
        match self {
            DealField::Value => "value",
            DealField::ExpectedCloseOn => "expected_close_on",
            DealField::Company => "company",
            DealField::Contact => "contact",
            DealField::DecisionMaker => "decision_maker",
            DealField::Owner => "owner",
            DealField::Source => "source",
            DealField::NextStep => "next_step",
        }
    }

    /// How the field is named on screen.
    pub fn label(self) -> &'static str {
        match self {
            DealField::Value => "Value",
            DealField::ExpectedCloseOn => "Expected close date",
            DealField::Company => "Company",
            DealField::Contact => "A contact",
            DealField::DecisionMaker => "Decision-maker contact",
            DealField::Owner => "Owner",
            DealField::Source => "Source",
            DealField::NextStep => "Next step",
        }
    }

    pub fn parse(key: &str) -> Option<DealField> {
        DealField::ALL.into_iter().find(|f| f.key() == key.trim())
    }
}

/// What a stage asks of a deal before it may enter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryCriteria {
    pub fields: Vec<DealField>,
    /// Items someone must tick on the deal, e.g. "Budget confirmed".
    pub checklist: Vec<String>,
}

impl EntryCriteria {
    /// The checklist as the settings page's text box holds it, one item per line.
    pub fn checklist_lines(&self) -> String {
        self.checklist.join("\n")
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.checklist.is_empty()
    }
}

/// Non-empty trimmed lines, each once.
pub fn split_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !lines.iter().any(|l| l == line) {
            lines.push(line.to_owned());
        }
    }
    lines
}

/// The facts about a deal that the stage rules look at. Defaults are left off the
/// wire (`wire`): each board card carries its facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealFacts {
    #[serde(default, skip_serializing_if = "crate::wire::is_zero_cents")]
    pub value_cents: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_close_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "crate::wire::is_false")]
    pub has_company: bool,
    #[serde(default, skip_serializing_if = "crate::wire::is_zero")]
    pub contacts: u32,
    #[serde(default, skip_serializing_if = "crate::wire::is_false")]
    pub has_decision_maker: bool,
    #[serde(default, skip_serializing_if = "crate::wire::is_false")]
    pub has_owner: bool,
    #[serde(default, skip_serializing_if = "crate::wire::is_false")]
    pub has_source: bool,
    #[serde(default, skip_serializing_if = "crate::wire::is_false")]
    pub has_next_step: bool,
    /// Checklist items ticked on this deal.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checked: Vec<String>,
}

/// One unmet entry criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Missing {
    Field(DealField),
    Checklist(String),
}

impl Missing {
    pub fn describe(&self) -> String {
        match self {
            Missing::Field(field) => field.label().to_owned(),
            Missing::Checklist(item) => format!("Checklist: {item}"),
        }
    }
}

/// The one rule: what `facts` lacks before the deal may enter a stage with `criteria`.
/// Empty means the move is allowed.
pub fn missing_for_entry(facts: &DealFacts, criteria: &EntryCriteria) -> Vec<Missing> {
    let mut missing: Vec<Missing> = criteria
        .fields
        .iter()
        .copied()
        .filter(|field| !field_filled(facts, *field))
        .map(Missing::Field)
        .collect();
    missing.extend(
        criteria
            .checklist
            .iter()
            .filter(|item| !facts.checked.contains(item))
            .map(|item| Missing::Checklist(item.clone())),
    );
    missing
}

fn field_filled(facts: &DealFacts, field: DealField) -> bool {
    match field {
        DealField::Value => facts.value_cents > 0,
        DealField::ExpectedCloseOn => facts.expected_close_on.is_some(),
        DealField::Company => facts.has_company,
        DealField::Contact => facts.contacts > 0,
        DealField::DecisionMaker => facts.has_decision_maker,
        DealField::Owner => facts.has_owner,
        DealField::Source => facts.has_source,
        DealField::NextStep => facts.has_next_step,
    }
}

/// "Value and Expected close date", for messages.
pub fn describe_missing(missing: &[Missing]) -> String {
    let names: Vec<String> = missing.iter().map(Missing::describe).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Where a deal stands: still being worked, or closed either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DealStatus {
    Open,
    Won,
    Lost,
}

impl DealStatus {
    pub const ALL: [DealStatus; 3] = [DealStatus::Open, DealStatus::Won, DealStatus::Lost];

    /// The stable name stored in the database and sent in events.
    pub fn key(self) -> &'static str {
        match self {
            DealStatus::Open => "open",
            DealStatus::Won => "won",
            DealStatus::Lost => "lost",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DealStatus::Open => "Open",
            DealStatus::Won => "Won",
            DealStatus::Lost => "Lost",
        }
    }

    pub fn parse(key: &str) -> Option<DealStatus> {
        Self::ALL.into_iter().find(|status| status.key() == key)
    }

    pub fn is_open(self) -> bool {
        self == DealStatus::Open
    }
}

crate::stored::stored_as_key!(DealStatus, "deal status", |s| s.key(), DealStatus::parse);

/// The part a contact plays in the buying decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ContactRole {
    DecisionMaker,
    Champion,
    Influencer,
    User,
    Blocker,
    Other,
}

impl ContactRole {
    pub const ALL: [ContactRole; 6] = [
        ContactRole::DecisionMaker,
        ContactRole::Champion,
        ContactRole::Influencer,
        ContactRole::User,
        ContactRole::Blocker,
        ContactRole::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ContactRole::DecisionMaker => "decision_maker",
            ContactRole::Champion => "champion",
            ContactRole::Influencer => "influencer",
            ContactRole::User => "user",
            ContactRole::Blocker => "blocker",
            ContactRole::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ContactRole::DecisionMaker => "Decision maker",
            ContactRole::Champion => "Champion",
            ContactRole::Influencer => "Influencer",
            ContactRole::User => "User",
            ContactRole::Blocker => "Blocker",
            ContactRole::Other => "Other",
        }
    }

    pub fn parse(key: &str) -> Option<ContactRole> {
        ContactRole::ALL.into_iter().find(|r| r.key() == key)
    }
}

crate::stored::stored_as_key!(ContactRole, "contact role", |r| r.key(), ContactRole::parse);

/// One edit to a deal, as typed by a person or sent by the API. Validated by `parse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DealChange {
    Title(String),
    /// A decimal amount such as `12,500.50`.
    Value(String),
    Currency(String),
    /// `YYYY-MM-DD`; empty clears it.
    ExpectedCloseOn(String),
    Owner(Option<UserId>),
    Company(Option<CompanyId>),
    Source(String),
    NextStep(String),
    /// Comma-separated.
    Tags(String),
    AddContact(ContactId, ContactRole),
    RemoveContact(ContactId),
    Check(String, bool),
}

/// A validated edit, in the types the database stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValidChange {
    Title(String),
    Value(i64),
    Currency(Currency),
    ExpectedCloseOn(Option<NaiveDate>),
    Owner(Option<UserId>),
    Company(Option<CompanyId>),
    Source(Option<String>),
    NextStep(Option<String>),
    Tags(Vec<String>),
    AddContact(ContactId, ContactRole),
    RemoveContact(ContactId),
    Check(String, bool),
}

impl DealChange {
    /// The form field this change belongs to, for field-level messages.
    pub fn field(&self) -> &'static str {
        match self {
            DealChange::Title(_) => "title",
            DealChange::Value(_) => "value",
            DealChange::Currency(_) => "currency",
            DealChange::ExpectedCloseOn(_) => "expected_close_on",
            DealChange::Owner(_) => "owner",
            DealChange::Company(_) => "company",
            DealChange::Source(_) => "source",
            DealChange::NextStep(_) => "next_step",
            DealChange::Tags(_) => "tags",
            DealChange::AddContact(..) | DealChange::RemoveContact(_) => "contact",
            DealChange::Check(..) => "checklist",
        }
    }

    fn parse(&self) -> Result<ValidChange, String> {
        Ok(match self {
            DealChange::Title(title) => ValidChange::Title(parse_title(title)?),
            DealChange::Value(value) => ValidChange::Value(parse_value(value)?),
            DealChange::Currency(code) => ValidChange::Currency(
                Currency::parse(code).map_err(|_| "Pick a currency such as USD or EUR.")?,
            ),
            DealChange::ExpectedCloseOn(date) => ValidChange::ExpectedCloseOn(parse_date(date)?),
            DealChange::Owner(owner) => ValidChange::Owner(*owner),
            DealChange::Company(company) => ValidChange::Company(*company),
            DealChange::Source(text) => {
                ValidChange::Source(parse_text(text, "the source", SOURCE_MAX)?)
            }
            DealChange::NextStep(text) => {
                ValidChange::NextStep(parse_text(text, "the next step", NOTE_MAX)?)
            }
            DealChange::Tags(tags) => ValidChange::Tags(parse_tags(tags)?),
            DealChange::AddContact(contact, role) => ValidChange::AddContact(*contact, *role),
            DealChange::RemoveContact(contact) => ValidChange::RemoveContact(*contact),
            DealChange::Check(item, done) => {
                let item = parse_text(item, "the checklist item", CHECK_MAX)?
                    .ok_or("Name the checklist item.")?;
                ValidChange::Check(item, *done)
            }
        })
    }
}

/// Validates every change; all problems are reported at once, by field.
///
/// # Errors
/// One message per bad field.
pub fn validate_changes(changes: &[DealChange]) -> Result<Vec<ValidChange>, FieldErrors> {
    let mut errors = FieldErrors::default();
    if changes.len() > CHANGES_MAX {
        errors.add(
            "changes",
            format!("Make at most {CHANGES_MAX} changes to a deal at once."),
        );
        return Err(errors);
    }
    let mut valid = Vec::with_capacity(changes.len());
    for change in changes {
        match change.parse() {
            Ok(parsed) => valid.push(parsed),
            Err(message) => errors.add(change.field(), message),
        }
    }
    errors.into_result().map(|()| valid)
}

impl ValidChange {
    /// Applies the change to the facts the stage rules read, so the browser can tell
    /// whether an inline form has filled everything a stage needs.
    pub fn apply_to(&self, facts: &mut DealFacts) {
        match self {
            ValidChange::Value(cents) => facts.value_cents = *cents,
            ValidChange::ExpectedCloseOn(date) => facts.expected_close_on = *date,
            ValidChange::Owner(owner) => facts.has_owner = owner.is_some(),
            ValidChange::Company(company) => facts.has_company = company.is_some(),
            ValidChange::Source(source) => facts.has_source = source.is_some(),
            ValidChange::NextStep(step) => facts.has_next_step = step.is_some(),
            ValidChange::AddContact(_, role) => {
                facts.contacts += 1;
                facts.has_decision_maker |= *role == ContactRole::DecisionMaker;
            }
            ValidChange::Check(item, done) => {
                facts.checked.retain(|i| i != item);
                if *done {
                    facts.checked.push(item.clone());
                }
            }
            ValidChange::Title(_)
            | ValidChange::Currency(_)
            | ValidChange::Tags(_)
            | ValidChange::RemoveContact(_) => {}
        }
    }
}

/// A required title without control characters.
///
/// # Errors
/// Empty, too long or containing control characters.
pub fn parse_title(title: &str) -> Result<String, String> {
    let title = title.trim();
    if title.is_empty() {
        Err("Give the deal a title.".into())
    } else if title.chars().count() > TITLE_MAX {
        Err(format!(
            "Keep the title to {TITLE_MAX} characters or fewer."
        ))
    } else if title.chars().any(char::is_control) {
        Err("Remove the control characters from the title.".into())
    } else {
        Ok(title.to_owned())
    }
}

/// Parses `12,500.50`, `12500` or `0` into cents. Empty means zero.
///
/// # Errors
/// Not a number, negative, more than two decimals, or absurdly large.
pub fn parse_value(value: &str) -> Result<i64, String> {
    let cleaned: String = value
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '_' | '\u{a0}'))
        .collect();
    if cleaned.is_empty() {
        return Ok(0);
    }
    let plain = cleaned
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
    let amount = Some(cleaned.as_str())
        .filter(|_| plain)
        .and_then(|text| Decimal::from_str(text).ok())
        .ok_or_else(|| "Enter the value as a number, like 12500 or 12,500.50.".to_owned())?;
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err("The value cannot be negative.".into());
    }
    if amount.normalize().scale() > 2 {
        return Err("Use at most two decimals for the value.".into());
    }
    let cents = (amount * Decimal::ONE_HUNDRED).trunc();
    i64::try_from(cents)
        .ok()
        .filter(|c| *c <= VALUE_MAX_CENTS)
        .ok_or_else(|| "That value is too large for one deal.".into())
}

/// `YYYY-MM-DD` between 2000 and 2100; empty clears the date.
///
/// # Errors
/// Not a calendar date, or outside that range.
pub fn parse_date(date: &str) -> Result<Option<NaiveDate>, String> {
    let date = date.trim();
    if date.is_empty() {
        return Ok(None);
    }
    let parsed = NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map_err(|_| "Enter the date as YYYY-MM-DD.".to_owned())?;
    let year = chrono::Datelike::year(&parsed);
    if (2000..=2100).contains(&year) {
        Ok(Some(parsed))
    } else {
        Err("Pick a date between 2000 and 2100.".into())
    }
}

/// Optional short text of at most `max` characters; blank becomes `None`.
///
/// # Errors
/// Too long or containing control characters.
pub fn parse_text(text: &str, what: &str, max: usize) -> Result<Option<String>, String> {
    let text = text.trim();
    if text.chars().count() > max {
        Err(format!("Keep {what} to {max} characters or fewer."))
    } else if text.chars().any(char::is_control) {
        Err(format!("Remove the control characters from {what}."))
    } else if text.is_empty() {
        Ok(None)
    } else {
        Ok(Some(text.to_owned()))
    }
}

/// Comma-separated tags, trimmed, lower-cased and de-duplicated.
///
/// # Errors
/// Too many, too long or containing control characters.
pub fn parse_tags(tags: &str) -> Result<Vec<String>, String> {
    if tags.chars().count() > TAGS_TEXT_MAX {
        return Err(format!(
            "Keep the tags to {TAGS_TEXT_MAX} characters or fewer."
        ));
    }
    let mut parsed: Vec<String> = Vec::new();
    for tag in tags.split(',').map(|t| t.trim().to_lowercase()) {
        if tag.is_empty() || parsed.contains(&tag) {
            continue;
        }
        if tag.chars().count() > TAG_MAX || tag.chars().any(char::is_control) {
            return Err(format!("Keep each tag to {TAG_MAX} plain characters."));
        }
        parsed.push(tag);
        if parsed.len() > TAGS_MAX {
            return Err(format!("Use at most {TAGS_MAX} tags."));
        }
    }
    Ok(parsed)
}

/// Ticks (`done`) or unticks `item` among a deal's ticked items.
///
/// # Errors
/// Ticking one more item than `CHECKED_MAX` allows.
pub fn tick(checked: &mut Vec<String>, item: String, done: bool) -> Result<(), String> {
    checked.retain(|i| *i != item);
    if done && !item.is_empty() {
        if checked.len() >= CHECKED_MAX {
            return Err(format!(
                "A deal keeps at most {CHECKED_MAX} ticked checklist items; untick some first."
            ));
        }
        checked.push(item);
    }
    Ok(())
}

/// Room for one more contact on a deal that has `existing` others.
///
/// # Errors
/// A message when the deal already has `DEAL_CONTACTS_MAX` contacts.
pub fn check_contact_room(existing: u64) -> Result<(), String> {
    if existing >= DEAL_CONTACTS_MAX {
        return Err(format!(
            "A deal can have at most {DEAL_CONTACTS_MAX} contacts; remove one first."
        ));
    }
    Ok(())
}

/// Most reasons a workspace may list, and the length of each (the column holds 120).
pub const LOST_REASONS_MAX: usize = 30;
pub const LOST_REASON_MAX: usize = 120;
/// Lines the lost-reasons box may send, blank ones and repeats included.
pub const LOST_REASON_LINES_MAX: usize = 100;

/// The workspace's lost reasons, one per line: trimmed, blank lines dropped, each once.
///
/// # Errors
/// No reason left, too many lines or reasons, or one too long or with control characters.
pub fn parse_lost_reasons(lines: &[String]) -> Result<Vec<String>, String> {
    if lines.len() > LOST_REASON_LINES_MAX {
        return Err(format!(
            "Keep the list to {LOST_REASON_LINES_MAX} lines or fewer."
        ));
    }
    let mut reasons: Vec<String> = Vec::new();
    for line in lines {
        let Some(reason) = parse_text(line, "each reason", LOST_REASON_MAX)? else {
            continue;
        };
        if !reasons.iter().any(|r| r.eq_ignore_ascii_case(&reason)) {
            reasons.push(reason);
        }
        if reasons.len() > LOST_REASONS_MAX {
            return Err(format!("Keep it to {LOST_REASONS_MAX} reasons."));
        }
    }
    if reasons.is_empty() {
        Err("Keep at least one reason: a lost deal needs one.".into())
    } else {
        Ok(reasons)
    }
}

/// A lost reason as a close request names it: at most `LOST_REASON_MAX` characters
/// (it must match one of the workspace's reasons, which are no longer).
///
/// # Errors
/// A message when the reason is too long.
pub fn check_lost_reason(reason: &str) -> Result<(), String> {
    if reason.trim().chars().count() > LOST_REASON_MAX {
        return Err(format!(
            "Keep the reason to {LOST_REASON_MAX} characters or fewer."
        ));
    }
    Ok(())
}

/// Whether a deal has gone untouched for longer than its stage allows.
pub fn is_rotting(days_untouched: i64, rotting_days: u16) -> bool {
    rotting_days > 0 && days_untouched > i64::from(rotting_days)
}

#[cfg(test)]
mod tests;
