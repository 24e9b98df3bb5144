//! `/inbox/:id`: one lead. Who they are and how to reach them, where they came from
//! (campaign, UTM tags, landing page), the qualification answers, every submission
//! (merges included), triage actions, and the timeline with notes.

use super::triage::LeadRow;
use crate::api::json::load;
use crate::{
    api::leads::get_lead,
    components::timeline::{first_page, Timeline},
    live::{use_live, News},
    pages::records::{load_failed, NotFoundStatus},
};
use domain::event::Subject;
use domain::{
    lead::Answer, lead_rules::LeadDetail, note::RecordRef, timeline::TimelinePage, AppError,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn LeadPage() -> impl IntoView {
    let params = use_params_map();
    let reload = RwSignal::new(0_u32);
    let lead = load(
        move || {
            (
                params.with(|p| p.get("id").unwrap_or_default()),
                reload.get(),
            )
        },
        |(id, _)| async move {
            let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
            get_lead(id).await
        },
    );
    let timeline = first_page(
        move || params.with(|p| p.get("id").unwrap_or_default()),
        RecordRef::Lead,
    );
    if let Some(live) = use_live() {
        live.on_news(move |news| {
            let ours = match news {
                News::Resync => true,
                News::Event(event) => params.with_untracked(|p| {
                    let id = p.get("id").and_then(|id| uuid::Uuid::parse_str(&id).ok());
                    id.is_some_and(|id| event.subject == Subject::Lead(id))
                }),
            };
            if ours {
                reload.update(|n| *n += 1);
            }
        });
    }
    let notice = RwSignal::new(None::<String>);
    let status = NotFoundStatus::capture();
    view! {
        <div role="status">
            {move || notice.get().map(|message| view! { <p class="banner success">{message}</p> })}
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading the lead…"</p> }>
            {move || {
                let status = status.clone();
                Suspend::new(async move {
                    let (lead, timeline) = (lead.await, timeline.await);
                    match lead {
                        Ok(detail) => view! { <LeadView detail timeline reload notice /> }.into_any(),
                        Err(error) => load_failed(&error, &status, "Lead", "/inbox", "The inbox"),
                    }
                })
            }}
        </Transition>
    }
}

fn answer_label(answer: Answer) -> &'static str {
    match answer {
        Answer::Unknown => "Unknown",
        Answer::No => "No",
        Answer::Partly => "Partly",
        Answer::Yes => "Yes",
    }
}

#[component]
fn LeadView(
    detail: LeadDetail,
    timeline: Result<TimelinePage, AppError>,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let lead = detail.lead.clone();
    let name = lead
        .name
        .clone()
        .or_else(|| lead.email.clone())
        .or_else(|| lead.company.clone())
        .unwrap_or_else(|| "Lead".to_owned());
    let show = |value: Option<String>| {
        value
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "–".to_owned())
    };
    let utm = &detail.utm;
    let tags = [
        ("utm_source", &utm.source),
        ("utm_medium", &utm.medium),
        ("utm_campaign", &utm.campaign),
        ("utm_term", &utm.term),
        ("utm_content", &utm.content),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("{k}={v}"))
    .collect::<Vec<_>>()
    .join(" · ");
    let q = detail.qualification.clone();
    let answers = [
        ("Need", q.need),
        ("Budget", q.budget),
        ("Authority", q.authority),
        ("Timeline", q.timeline),
    ];
    let record = RecordRef::Lead(lead.id);
    let submissions = detail.submissions.clone();
    let merged = submissions.len() > 1;
    view! {
        <Title text=name.clone() />
        <header class="page-header"><h1>{name.clone()}</h1></header>
        <p class="crumbs"><a href="/inbox">"The inbox"</a></p>
        {detail.deal.map(|deal| view! {
            <p class="banner success">"Converted: "<a href=format!("/deals/{}", deal.0)>"open the deal"</a></p>
        })}
        <ul class="leads" aria-label="This lead">
            <LeadRow lead=lead.clone() reload notice />
        </ul>
        <div class="cards">
            <section class="card" aria-labelledby="lead-facts">
                <h2 id="lead-facts">"Details"</h2>
                <dl class="facts">
                    <div><dt>"E-mail"</dt><dd>{show(lead.email.clone())}</dd></div>
                    <div><dt>"Phone"</dt><dd>{show(lead.phone.clone())}</dd></div>
                    <div><dt>"Job title"</dt><dd>{show(detail.title.clone())}</dd></div>
                    <div><dt>"Company"</dt><dd>{show(lead.company.clone())}</dd></div>
                    <div><dt>"Domain"</dt><dd>{show(detail.domain.clone())}</dd></div>
                    <div><dt>"Company size"</dt><dd>{show(detail.company_size.map(|s| s.to_string()))}</dd></div>
                    <div><dt>"Country"</dt><dd>{show(lead.country.clone())}</dd></div>
                    <div><dt>"Status"</dt><dd>{lead.status.label()}{detail.disqualify_reason.clone().map(|r| format!(" ({r})"))}</dd></div>
                </dl>
            </section>
            <section class="card" aria-labelledby="lead-origin">
                <h2 id="lead-origin">"Where they came from"</h2>
                <dl class="facts">
                    <div><dt>"Source"</dt><dd>{lead.source.label()}</dd></div>
                    <div><dt>"Campaign"</dt><dd>{show(lead.campaign.clone())}</dd></div>
                    <div><dt>"UTM tags"</dt><dd>{show(Some(tags))}</dd></div>
                    <div><dt>"Landing page"</dt><dd class="wrap">{show(detail.landing_page.clone())}</dd></div>
                    <div><dt>"Referrer"</dt><dd class="wrap">{show(detail.referrer.clone())}</dd></div>
                </dl>
                {detail.message.clone().map(|message| view! { <p class="lead-message">{message}</p> })}
            </section>
            <section class="card" aria-labelledby="lead-answers">
                <h2 id="lead-answers">{format!("Qualification: score {}", lead.score)}</h2>
                <dl class="facts">
                    {answers.into_iter().map(|(label, (answer, note))| view! {
                        <div><dt>{label}</dt><dd>{answer_label(answer)}{(!note.is_empty()).then(|| format!(" — {note}"))}</dd></div>
                    }).collect_view()}
                </dl>
            </section>
        </div>
        <section class="card" aria-labelledby="lead-submissions">
            <h2 id="lead-submissions">{format!("Submissions ({})", lead.submissions)}</h2>
            {merged.then(|| view! { <p class="hint">"The same person sent more than once; every submission is kept here. Web-form posts never change the lead's fields: what they said is below."</p> })}
            <ol class="submissions">
                {submissions.into_iter().map(|s| view! {
                    <li>
                        <p class="submission-head">{format!("{} · {}", s.source.label(), s.at.format("%Y-%m-%d %H:%M UTC"))}</p>
                        <dl class="facts">
                            {s.fields.into_iter().map(|(k, v)| view! { <div><dt>{k}</dt><dd class="wrap">{v}</dd></div> }).collect_view()}
                        </dl>
                    </li>
                }).collect_view()}
            </ol>
        </section>
        <Timeline of=record first=timeline />
    }
}
