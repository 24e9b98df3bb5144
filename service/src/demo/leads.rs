//! The demo's lead inbox: a "Contact us" form, and leads from every source in every
//! state — fresh ones waiting (some past the response target), ones being worked,
//! qualified, disqualified, and converted ones tied to generated deals, so the inbox
//! and the sources report show real figures from the first sign-in.

use super::demo_id;
use super::names;
use crate::entity::{lead, lead_form, lead_submission};
use chrono::{DateTime, Duration, Utc};
use domain::lead::{LeadSource, LeadStatus, NewLead};
use domain::{lead_form::FormField, stored::Listed};
use rand::{rngs::StdRng, Rng};
use sea_orm::Set;
use uuid::Uuid;

const CAMPAIGNS: &[&str] = &[
    "Spring fleet webinar",
    "Trade fair Hannover",
    "Google Ads – tools",
    "Partner referral programme",
    "Newsletter March",
];

const SOURCES: [(LeadSource, u32); 6] = [
    (LeadSource::WebForm, 40),
    (LeadSource::Event, 18),
    (LeadSource::Referral, 12),
    (LeadSource::Import, 10),
    (LeadSource::Manual, 12),
    (LeadSource::Other, 8),
];

const DISQUALIFIED: &[&str] = &["No budget", "Student project", "Competitor", "Spam"];

/// The demo workspace's web form.
pub(super) fn contact_form(workspace: Uuid, now: DateTime<Utc>) -> lead_form::ActiveModel {
    lead_form::ActiveModel {
        id: Set(demo_id()),
        workspace_id: Set(workspace),
        key: Set(crate::secrets::random_token().chars().take(24).collect()),
        name: Set("Contact us".to_owned()),
        fields: Set(Listed(vec![
            FormField::Name,
            FormField::Email,
            FormField::Phone,
            FormField::Company,
            FormField::Message,
        ])),
        campaign: Set(None),
        ticket_secret: Set(crate::secrets::random_token()),
        created_at: Set(now - Duration::days(200)),
        version: Set(1),
    }
}

/// `count` leads with their first submission; `deals` are generated deals a converted
/// lead may have become (each used once).
pub(super) fn leads(
    rng: &mut StdRng,
    workspace: Uuid,
    reps: &[Uuid],
    deals: &[Uuid],
    count: usize,
    now: DateTime<Utc>,
) -> (Vec<lead::ActiveModel>, Vec<lead_submission::ActiveModel>) {
    let mut rows = Vec::with_capacity(count);
    let mut submissions = Vec::with_capacity(count);
    let mut unused_deals = deals.iter();
    for n in 0..count {
        let source = SOURCES[names::weighted(rng, &SOURCES.map(|(_, w)| w))].0;
        let person = names::person(rng);
        let company = names::company_name_of(rng.gen_range(0..120));
        let domain = format!("{}.example", names::slug(&company));
        let email = format!("{}.{n}@{domain}", names::mailbox(&person));
        let campaign = (source != LeadSource::Manual && rng.gen_bool(0.7))
            .then(|| names::pick(rng, CAMPAIGNS).to_owned());
        // Older leads have mostly been dealt with; the newest (one in ten, from the last
        // three days) wait in the queue, some past the response target.
        let fresh = n.is_multiple_of(10);
        let age_hours = if fresh {
            rng.gen_range(0..72)
        } else {
            rng.gen_range(72..24 * 150)
        };
        let created = now - Duration::hours(age_hours);
        let mut status = match rng.gen_range(0..100) {
            _ if fresh => LeadStatus::New,
            0..=14 => LeadStatus::Working,
            15..=27 => LeadStatus::MarketingQualified,
            28..=39 => LeadStatus::Qualified,
            40..=64 => LeadStatus::Disqualified,
            _ => LeadStatus::Converted,
        };
        let deal = match status {
            LeadStatus::Converted => unused_deals.next().copied(),
            _ => None,
        };
        if status == LeadStatus::Converted && deal.is_none() {
            status = LeadStatus::Qualified;
        }
        let owner = (status != LeadStatus::New || rng.gen_bool(0.5))
            .then(|| reps[rng.gen_range(0..reps.len())]);
        let score = match status {
            LeadStatus::Qualified | LeadStatus::Converted => rng.gen_range(55..=100),
            LeadStatus::MarketingQualified => rng.gen_range(40..=80),
            LeadStatus::Disqualified => rng.gen_range(0..=30),
            _ => 0,
        };
        let responded =
            (status != LeadStatus::New).then(|| created + Duration::minutes(rng.gen_range(5..180)));
        let sent = NewLead {
            name: person.clone(),
            email: email.clone(),
            company: company.clone(),
            campaign: campaign.clone().unwrap_or_default(),
            message: "Looking for a quote for our workshop.".to_owned(),
            ..NewLead::default()
        };
        let id = demo_id();
        submissions.push(lead_submission::ActiveModel {
            id: Set(demo_id()),
            workspace_id: Set(workspace),
            lead_id: Set(id),
            source: Set(source.key().to_owned()),
            payload: Set(serde_json::to_string(&sent).unwrap_or_default()),
            at: Set(created),
            form_id: Set(None),
        });
        rows.push(lead::ActiveModel {
            id: Set(id),
            workspace_id: Set(workspace),
            status: Set(status),
            source: Set(source.key().to_owned()),
            name: Set(Some(person)),
            email: Set(Some(email)),
            phone: Set(None),
            phone_digits: Set(None),
            title: Set(Some(names::pick(rng, names::TITLES).to_owned())),
            company: Set(Some(company)),
            domain: Set(Some(domain)),
            campaign: Set(campaign.clone()),
            utm_source: Set(campaign.as_ref().map(|_| "newsletter".to_owned())),
            utm_medium: Set(None),
            utm_campaign: Set(None),
            utm_term: Set(None),
            utm_content: Set(None),
            landing_page: Set(None),
            referrer: Set(None),
            disqualify_reason: Set((status == LeadStatus::Disqualified)
                .then(|| names::pick(rng, DISQUALIFIED).to_owned())),
            company_size: Set(Some(names::company_size(rng))),
            message: Set(Some(sent.message)),
            owner_id: Set(owner),
            contact_id: Set(None),
            deal_id: Set(deal),
            qualification: Set("{}".to_owned()),
            score: Set(score),
            submissions: Set(1),
            created_at: Set(created),
            updated_at: Set(responded.unwrap_or(created)),
            first_response_at: Set(responded),
            version: Set(1),
            country: Set(Some(
                names::pick(rng, &["US", "Germany", "UK", "Canada"]).to_owned(),
            )),
            snoozed_until: Set(None),
            woken_at: Set(None),
        });
    }
    (rows, submissions)
}
