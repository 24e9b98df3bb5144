//! The pages the hostile-names test visits, and what each must show of the seeded
//! records (by their labels, see `seed`).

use crate::seed::{self, Seeded};

/// A page, the labels whose records it must show, and the record its title names.
pub struct Page {
    pub path: String,
    pub shows: Vec<&'static str>,
    pub title: Option<&'static str>,
}

fn page(path: impl Into<String>, shows: &[&'static str], title: Option<&'static str>) -> Page {
    Page {
        path: path.into(),
        shows: shows.to_vec(),
        title,
    }
}

/// Every signed-in page, and what each must show of the seeded records as text. Form
/// inputs are filled in by the browser (`prop:value`), so only their hydration data
/// holds those values; the raw-markup checks cover that data too.
pub fn signed_in_pages(s: &Seeded) -> Vec<Page> {
    let [lead, qualified, disqualified] = s.leads;
    let (deal, lost, company, contact) = (s.deal, s.lost_deal, s.company, s.contact);
    vec![
        page(
            "/pipeline",
            &[
                "Workspace",
                "Admin",
                "Pipeline",
                "Pipeline2",
                "Stage1",
                "Checklist",
                "Company",
                "Deal",
                "NextStep",
                "Overdue",
            ],
            None,
        ),
        page("/deals", &["Deal", "LostDeal", "Company", "Stage1"], None),
        page(
            format!("/deals/{deal}"),
            &[
                "Deal",
                "Company",
                "Contact",
                "Checklist",
                "Stage1",
                "Overdue",
                "Soon",
                "NextMeeting",
                "Logged",
                "Outcome",
                "Review",
                "DealNote",
            ],
            Some("Deal"),
        ),
        page(
            format!("/deals/{lost}"),
            &["LostDeal", "Lost"],
            Some("LostDeal"),
        ),
        page("/companies", &["Company", "Industry"], None),
        page(
            format!("/companies/{company}"),
            &[
                "Company",
                "Industry",
                "Address",
                "Contact",
                "JobTitle",
                "Deal",
                "contact",
                "CompanyNote",
            ],
            Some("Company"),
        ),
        page(
            "/contacts",
            &["Contact", "JobTitle", "Company", "contact"],
            None,
        ),
        page(
            format!("/contacts/{contact}"),
            &[
                "Contact",
                "JobTitle",
                "Company",
                "Deal",
                "contact",
                "ContactNote",
            ],
            Some("Contact"),
        ),
        page("/inbox", &["Rep"], None),
        page(
            "/inbox?view=mine",
            &["Lead", "LeadCompany", "Cmp", "lead0"],
            None,
        ),
        page(
            format!("/inbox/{lead}"),
            &[
                "Lead",
                "LeadTitle",
                "LeadCompany",
                "Cmp",
                "Us",
                "Um",
                "Uc",
                "Ut",
                "Uo",
                "Lp",
                "Rf",
                "Message",
                "Country",
                "lead0",
                "LeadNote",
            ],
            Some("Lead"),
        ),
        page(
            format!("/inbox/{qualified}"),
            &["LeadQualified", "Need", "Budget", "Authority", "Timeline"],
            Some("LeadQualified"),
        ),
        page(
            format!("/inbox/{disqualified}"),
            &["LeadDisqualified", "Disqualified"],
            Some("LeadDisqualified"),
        ),
        page("/marketing", &["Cmp", "Cmp2", "Cmp3"], None),
        page(
            "/activities",
            &["Deal", "Overdue", "Soon", "NextMeeting"],
            None,
        ),
        page(
            "/dashboard",
            &["Team", "Rep", "Stage1", "Pipeline", "Lost"],
            None,
        ),
        page("/review", &["Pipeline", "Deal", "Review"], None),
        page("/settings", &["Workspace", "admin"], None),
        page(
            "/settings/users",
            &["Admin", "Rep", "admin", "rep", "invitee"],
            None,
        ),
        page("/settings/teams", &["Team", "Rep"], None),
        page(
            "/settings/pipeline",
            &["Pipeline", "Pipeline2", "Stage1", "Checklist", "Lost"],
            None,
        ),
        page("/settings/leads", &["Form", "Fc", "Rule", "Rep"], None),
    ]
}

/// The signed-out pages (signed in, they redirect), including what a crafted link can
/// put in them: an invitation token, and a form error carried in the URL.
pub fn signed_out_pages(s: &Seeded) -> Vec<Page> {
    let mut pages = vec![
        page("/sign-in", &[], None),
        page("/sign-up", &[], None),
        page(
            format!("/invite/{}", s.invite),
            &["Workspace", "invitee"],
            None,
        ),
        page(format!("/invite/{}", encode(seed::IMG)), &[], None),
    ];
    let crafted = [
        serde_json::json!({ "Validation": [{ "field": "email", "message": seed::SCRIPT }] }),
        serde_json::json!({ "Validation": [{ "field": seed::CLOSE, "message": seed::TITLE }] }),
        serde_json::json!({ "Conflict": seed::TITLE }),
        serde_json::json!({ "Malformed": seed::CLOSE }),
        serde_json::json!({ "Network": seed::IMG }),
    ];
    for (form, error) in ["sign_in", "sign_up"].iter().cycle().zip(crafted) {
        let err = base64_url(error.to_string().as_bytes());
        let path = format!("/{}?__path=/api/{form}&__err={err}", form.replace('_', "-"));
        pages.push(page(path, &[], None));
    }
    pages
}

/// Percent-encodes everything but letters and digits, for a path segment.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// URL-safe base64 with padding, as Leptos carries a form's error in a redirect.
fn base64_url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize])
            } else {
                '='
            });
        }
    }
    out
}
