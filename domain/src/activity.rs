//! Activities: the calls, meetings, e-mails, tasks and deadlines that keep a deal moving.
//!
//! A due time is entered as the person's local date and time; the browser sends it with
//! its UTC offset and time-zone name, and it is stored as an instant. "Today" and
//! "overdue" are always judged in the viewer's own time zone.

use crate::{
    ids::{CompanyId, ContactId, DealId, UserId},
    validation::FieldErrors,
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

pub const SUBJECT_MAX: usize = 200;
pub const OUTCOME_MAX: usize = 1000;
/// Real UTC offsets run from UTC−12 to UTC+14; JavaScript reports them negated, in
/// minutes (`getTimezoneOffset`): −840 to 720.
pub const OFFSET_MIN_MINUTES: i32 = -14 * 60;
pub const OFFSET_MAX_MINUTES: i32 = 12 * 60;
/// A week: longer is not an activity but a project.
pub const DURATION_MAX_MINUTES: i32 = 7 * 24 * 60;

/// What kind of work an activity is.
/// Serialised by its stored key, as the event log has always held it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActivityKind {
    Call,
    Meeting,
    Email,
    Task,
    Deadline,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 5] = [
        ActivityKind::Call,
        ActivityKind::Meeting,
        ActivityKind::Email,
        ActivityKind::Task,
        ActivityKind::Deadline,
    ];

    /// The stable name stored in the database.
    pub fn key(self) -> &'static str {
        match self {
            ActivityKind::Call => "call",
            ActivityKind::Meeting => "meeting",
            ActivityKind::Email => "email",
            ActivityKind::Task => "task",
            ActivityKind::Deadline => "deadline",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActivityKind::Call => "Call",
            ActivityKind::Meeting => "Meeting",
            ActivityKind::Email => "E-mail",
            ActivityKind::Task => "Task",
            ActivityKind::Deadline => "Deadline",
        }
    }

    pub fn parse(key: &str) -> Option<ActivityKind> {
        Self::ALL.into_iter().find(|kind| kind.key() == key)
    }

    /// Calls and meetings have an outcome worth recording.
    pub fn has_outcome(self) -> bool {
        matches!(self, ActivityKind::Call | ActivityKind::Meeting)
    }
}

crate::stored::stored_as_key!(
    ActivityKind,
    "activity kind",
    |k| k.key(),
    ActivityKind::parse
);

/// A due time as a person enters it: local date and time plus where they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalTime {
    /// `YYYY-MM-DDTHH:MM`, as a `datetime-local` input gives it.
    pub local: String,
    /// Minutes to add to local time to get UTC (JavaScript's `getTimezoneOffset`).
    pub offset_minutes: i32,
    /// The IANA name, e.g. `Europe/Berlin`, for showing the time as it was meant.
    pub time_zone: String,
}

/// Schedule something, linked to a deal and/or a contact or company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewActivity {
    pub kind: ActivityKind,
    pub subject: String,
    pub due: LocalTime,
    /// Minutes, as typed; empty for none.
    pub duration: String,
    /// `None`: the person scheduling it.
    pub assignee: Option<UserId>,
    pub deal: Option<DealId>,
    pub contact: Option<ContactId>,
    pub company: Option<CompanyId>,
}

/// A validated [`NewActivity`], in the types the database stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidActivity {
    pub kind: ActivityKind,
    pub subject: String,
    pub due_at: DateTime<Utc>,
    pub time_zone: String,
    pub duration_minutes: Option<i32>,
}

impl NewActivity {
    /// Checks every field; all problems at once.
    ///
    /// # Errors
    /// Field-level messages for each bad field.
    pub fn validate(&self) -> Result<ValidActivity, FieldErrors> {
        let mut errors = FieldErrors::default();
        let subject = self.subject.trim();
        if subject.is_empty() {
            errors.add(
                "subject",
                "Say what the activity is, e.g. “Call Bill about pricing”.",
            );
        } else if subject.chars().count() > SUBJECT_MAX {
            errors.add(
                "subject",
                format!("Keep the subject under {SUBJECT_MAX} characters."),
            );
        } else if subject.chars().any(char::is_control) {
            errors.add("subject", "The subject cannot contain control characters.");
        }
        let due = parse_due(&self.due).map_err(|message| errors.add("due", message));
        let duration =
            parse_duration(&self.duration).map_err(|message| errors.add("duration", message));
        match (due, duration) {
            (Ok((due_at, time_zone)), Ok(duration_minutes)) if errors.is_empty() => {
                Ok(ValidActivity {
                    kind: self.kind,
                    subject: subject.to_owned(),
                    due_at,
                    time_zone,
                    duration_minutes,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A local due time as an instant, with its time-zone name.
///
/// # Errors
/// A message for a malformed time, a year outside 2000–2100, an impossible offset or a
/// malformed zone name.
pub fn parse_due(due: &LocalTime) -> Result<(DateTime<Utc>, String), String> {
    let local = NaiveDateTime::parse_from_str(due.local.trim(), "%Y-%m-%dT%H:%M")
        .or_else(|_| {
            NaiveDate::parse_from_str(due.local.trim(), "%Y-%m-%d")
                .map(|d| d.and_hms_opt(9, 0, 0).unwrap_or_default())
        })
        .map_err(|_| "Enter the due date and time, like 2027-03-31 14:30.".to_owned())?;
    if !(2000..=2100).contains(&local.year()) {
        return Err("Pick a due date between the years 2000 and 2100.".into());
    }
    check_utc_offset(due.offset_minutes)?;
    let zone = due.time_zone.trim();
    let zone_ok = zone.len() <= 64
        && zone
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'));
    if !zone_ok {
        return Err("That time zone name is not valid.".into());
    }
    let utc = local + Duration::minutes(i64::from(due.offset_minutes));
    Ok((utc.and_utc(), zone.to_owned()))
}

/// A browser's UTC offset in minutes, as `getTimezoneOffset` gives it.
///
/// # Errors
/// A message for an offset no time zone has.
pub fn check_utc_offset(offset_minutes: i32) -> Result<i32, String> {
    if (OFFSET_MIN_MINUTES..=OFFSET_MAX_MINUTES).contains(&offset_minutes) {
        Ok(offset_minutes)
    } else {
        Err("That time zone offset does not exist.".into())
    }
}

/// What came of a call or meeting, trimmed: at most `OUTCOME_MAX` characters, line
/// breaks and tabs allowed but no other control characters. Empty means none.
///
/// # Errors
/// A message for a too-long outcome or one with control characters.
pub fn parse_outcome(outcome: &str) -> Result<String, String> {
    let outcome = outcome.trim();
    if outcome.chars().count() > OUTCOME_MAX {
        Err(format!("Keep the outcome under {OUTCOME_MAX} characters."))
    } else if outcome
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        Err("Remove the control characters from the outcome.".into())
    } else {
        Ok(outcome.to_owned())
    }
}

/// Minutes as typed; empty means none.
///
/// # Errors
/// A message for text, a negative or a too-long duration.
pub fn parse_duration(text: &str) -> Result<Option<i32>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let minutes: i64 = text
        .parse()
        .map_err(|_| "Enter the duration in whole minutes, like 30.".to_owned())?;
    if minutes < 0 {
        return Err("The duration cannot be negative.".into());
    }
    i32::try_from(minutes)
        .ok()
        .filter(|m| *m <= DURATION_MAX_MINUTES)
        .map(Some)
        .ok_or_else(|| "Keep an activity under a week; split longer work.".into())
}

/// An activity as lists and pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub id: uuid::Uuid,
    pub version: i32,
    pub kind: ActivityKind,
    pub subject: String,
    pub due_at: DateTime<Utc>,
    pub time_zone: String,
    pub duration_minutes: Option<i32>,
    pub assignee: Option<(UserId, String)>,
    pub done: bool,
    pub outcome: Option<String>,
    pub deal: Option<(DealId, String)>,
    pub contact: Option<(ContactId, String)>,
    pub company: Option<(CompanyId, String)>,
}

/// Where an open activity falls for the person looking, in their time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Due {
    Overdue,
    Today,
    /// Within the next seven days after today.
    Soon,
    Later,
}

/// Which bucket `due_at` is in at `now`, for someone `offset_minutes` behind UTC.
pub fn due_bucket(due_at: DateTime<Utc>, now: DateTime<Utc>, offset_minutes: i32) -> Due {
    let shift = Duration::minutes(i64::from(offset_minutes));
    let today = (now - shift).date_naive();
    let due_day = (due_at - shift).date_naive();
    if due_at < now && due_day <= today {
        Due::Overdue
    } else if due_day == today {
        Due::Today
    } else if due_day <= today + Duration::days(7) {
        Due::Soon
    } else {
        Due::Later
    }
}

/// The signed-in person's (or their team's) open activities by when they are due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MyDay {
    pub overdue: Vec<Activity>,
    pub today: Vec<Activity>,
    pub soon: Vec<Activity>,
}

/// Completing an activity: the outcome (calls and meetings) and what comes next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    pub outcome: String,
}

/// A completed activity, and the deal it moves on, so the page can offer the next step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completed {
    pub activity: Activity,
    /// The deal's open activities left: none means "schedule the next one".
    pub open_left_on_deal: Option<u32>,
}

/// Work just done on a deal, logged after the fact (a call from the car park), with
/// the next step to schedule in the same go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedWork {
    pub deal: DealId,
    pub kind: ActivityKind,
    /// What it was, e.g. "Call: connected".
    pub subject: String,
    pub outcome: String,
    pub next: Option<NewActivity>,
}

/// A logged piece of work and the next step it set, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logged {
    pub done: Activity,
    pub next: Option<Activity>,
}

impl LoggedWork {
    /// The trimmed subject and outcome, and the next step checked.
    ///
    /// # Errors
    /// Field errors for the subject, the outcome and the next step's fields (`next-…`).
    pub fn validate(&self) -> Result<(String, String, Option<ValidActivity>), FieldErrors> {
        let mut errors = FieldErrors::default();
        let subject = self.subject.trim();
        if subject.is_empty() {
            errors.add("subject", "Say what you did, e.g. “Call: connected”.");
        } else if subject.chars().count() > SUBJECT_MAX {
            errors.add(
                "subject",
                format!("Keep it under {SUBJECT_MAX} characters."),
            );
        }
        let outcome = parse_outcome(&self.outcome)
            .map_err(|message| errors.add("outcome", message))
            .unwrap_or_default();
        let next = match &self.next {
            Some(next) => match next.validate() {
                Ok(valid) => Some(valid),
                Err(problems) => {
                    for problem in problems.0 {
                        errors.add(&format!("next-{}", problem.field), problem.message);
                    }
                    None
                }
            },
            None => None,
        };
        if errors.is_empty() {
            Ok((subject.to_owned(), outcome, next))
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(local: &str, offset: i32) -> LocalTime {
        LocalTime {
            local: local.into(),
            offset_minutes: offset,
            time_zone: "Europe/Berlin".into(),
        }
    }

    fn new(subject: &str, due: LocalTime, duration: &str) -> NewActivity {
        NewActivity {
            kind: ActivityKind::Call,
            subject: subject.into(),
            due,
            duration: duration.into(),
            assignee: None,
            deal: None,
            contact: None,
            company: None,
        }
    }

    #[test]
    fn local_time_becomes_an_instant_through_its_offset() {
        // Berlin in winter is UTC+1: JavaScript reports an offset of −60.
        let valid = new("Call Bill", at("2027-01-15T14:30", -60), "30")
            .validate()
            .expect("valid");
        assert_eq!(valid.due_at.to_rfc3339(), "2027-01-15T13:30:00+00:00");
        assert_eq!(valid.duration_minutes, Some(30));
        assert_eq!(valid.time_zone, "Europe/Berlin");
    }

    #[test]
    fn bad_input_names_each_field() {
        let errors = new(" ", at("99999-01-01T10:00", 0), "-5")
            .validate()
            .expect_err("invalid");
        for field in ["subject", "due", "duration"] {
            assert!(errors.for_field(field).is_some(), "{field}: {errors:?}");
        }
        assert_eq!(
            errors.for_field("duration"),
            Some("The duration cannot be negative.")
        );
        let far = new("Call", at("2999-01-01T10:00", 0), "").validate();
        assert!(far.is_err());
        let zone = LocalTime {
            time_zone: "<script>".into(),
            ..at("2027-01-01T10:00", 0)
        };
        assert!(new("Call", zone, "").validate().is_err());
        assert!(new("Call", at("2027-01-01T10:00", 0), "20000")
            .validate()
            .is_err());
    }

    #[test]
    fn buckets_follow_the_viewers_own_day() {
        let now = "2027-03-10T23:30:00Z"
            .parse::<DateTime<Utc>>()
            .expect("time");
        let due = "2027-03-11T08:00:00Z"
            .parse::<DateTime<Utc>>()
            .expect("time");
        // In UTC it is tomorrow; in Sydney (UTC+11, offset −660) both are the 11th.
        assert_eq!(due_bucket(due, now, 0), Due::Soon);
        assert_eq!(due_bucket(due, now, -660), Due::Today);
        let earlier = "2027-03-10T09:00:00Z"
            .parse::<DateTime<Utc>>()
            .expect("time");
        assert_eq!(due_bucket(earlier, now, 0), Due::Overdue);
        let later = "2027-04-30T09:00:00Z"
            .parse::<DateTime<Utc>>()
            .expect("time");
        assert_eq!(due_bucket(later, now, 0), Due::Later);
    }

    #[test]
    fn offsets_are_those_of_real_time_zones() {
        assert_eq!(check_utc_offset(OFFSET_MIN_MINUTES), Ok(-840));
        assert_eq!(check_utc_offset(OFFSET_MAX_MINUTES), Ok(720));
        for bad in [
            i32::MIN,
            OFFSET_MIN_MINUTES - 1,
            OFFSET_MAX_MINUTES + 1,
            i32::MAX,
        ] {
            assert_eq!(
                check_utc_offset(bad),
                Err("That time zone offset does not exist.".into())
            );
        }
    }

    #[test]
    fn outcomes_are_bounded_and_plain() {
        let longest = "é".repeat(OUTCOME_MAX);
        assert_eq!(parse_outcome(&longest).as_deref(), Ok(longest.as_str()));
        assert_eq!(
            parse_outcome("Left a message\nCall back Monday "),
            Ok("Left a message\nCall back Monday".into())
        );
        assert_eq!(
            parse_outcome(&"x".repeat(OUTCOME_MAX + 1)),
            Err("Keep the outcome under 1000 characters.".into())
        );
        assert_eq!(
            parse_outcome("bell\u{7}"),
            Err("Remove the control characters from the outcome.".into())
        );
        let work = LoggedWork {
            deal: DealId(uuid::Uuid::nil()),
            kind: ActivityKind::Call,
            subject: "Call: connected".into(),
            outcome: "x".repeat(OUTCOME_MAX + 1),
            next: None,
        };
        assert!(work.validate().unwrap_err().for_field("outcome").is_some());
    }
}
