//! `/review`: the weekly pipeline review. Deals that need a word, section by section,
//! each with what changed since the previous review; a manager marks each reviewed
//! with a comment. Kept reviews are listed for comparison.

use super::format::{money, one_amount, NONE};
use crate::api::json::load;
use crate::{
    api::metrics::{get_pipeline_review, mark_reviewed, start_review},
    components::refetch_on,
    live::{use_live, News},
};
use domain::event::Subject;
use domain::{
    metrics::Amount,
    review::{PipelineReview, ReviewDeal, ReviewSection},
};
use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use uuid::Uuid;

#[component]
pub fn ReviewPage() -> impl IntoView {
    let review = load(|| (), |_| get_pipeline_review(None));
    view! {
        <Title text="Pipeline review" />
        <header class="page-header"><h1>"Pipeline review"</h1></header>
        <p class="crumbs"><a href="/dashboard">"Dashboard"</a></p>
        <Transition fallback=|| view! { <p class="loading">"Gathering the deals to review…"</p> }>
            {move || Suspend::new(async move {
                match review.await {
                    Ok(review) => view! { <Review review /> }.into_any(),
                    Err(error) => view! { <div class="banner error" role="alert">{error.explain()}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Comments being typed on the review page, by deal. A BTreeMap: std's HashMap seeds
/// its hasher from the platform's randomness, which cost the browser bundle 58 KB.
type Drafts = std::collections::BTreeMap<domain::ids::DealId, String>;

#[component]
fn Review(review: PipelineReview) -> impl IntoView {
    let review = RwSignal::new(review);
    let reload = RwSignal::new(0_u32);
    let error = RwSignal::new(None::<String>);
    // Comments being typed, by deal: held here, not by the rows, so a colleague's
    // change that reloads the list does not wipe what a manager is writing.
    let drafts = RwSignal::new(Drafts::new());
    refetch_on(reload, move || async move {
        if let Ok(fresh) = get_pipeline_review(None).await {
            review.try_set(fresh);
        }
    });
    if let Some(live) = use_live() {
        // Not on one's own events: starting a review and marking a deal reload by
        // themselves.
        let me = live.me;
        live.reload_on_burst(reload, move |news| match news {
            News::Resync => true,
            News::Event(event) => {
                event.actor != Some(me)
                    && matches!(event.subject, Subject::Deal(_) | Subject::Pipeline(_))
            }
        });
    }
    let start = move |_| {
        spawn_local(async move {
            match start_review(None).await {
                Ok(_) => {
                    error.try_set(None);
                    reload.try_update(|n| *n += 1);
                }
                Err(problem) => {
                    error.try_set(Some(problem.explain()));
                }
            }
        });
    };
    view! {
        {move || error.get().map(|e| view! { <div class="banner error" role="alert">{e}</div> })}
        {move || review.with(|r| {
            let status = match &r.current {
                Some(current) => format!(
                    "{} · review started {} by {} · {} of {} open deals reviewed",
                    r.pipeline_name,
                    current.started_at.format("%Y-%m-%d"),
                    current.started_by,
                    current.reviewed,
                    current.open_deals
                ),
                None => format!("{} · no review yet. Start one to keep a snapshot the next review compares with.", r.pipeline_name),
            };
            let review_id = r.current.as_ref().map(|c| c.id);
            let can_review = r.can_review;
            view! {
                <div class="review-status">
                    <p role="status">{status}</p>
                    {can_review.then(|| view! {
                        <button type="button" class="primary" on:click=start>"Start a new review"</button>
                    })}
                </div>
                {r.sections.iter().map(|(section, deals)| view! {
                    <Section section=*section deals=deals.clone() review=review_id can_review reload drafts />
                }).collect_view()}
                <History review=r.clone() />
            }
        })}
    }
}

#[component]
fn Section(
    section: ReviewSection,
    deals: Vec<ReviewDeal>,
    review: Option<Uuid>,
    can_review: bool,
    reload: RwSignal<u32>,
    drafts: RwSignal<Drafts>,
) -> impl IntoView {
    let empty = deals.is_empty();
    view! {
        <section class="card review-section" aria-label=section.title()>
            <h2>{section.title()} " " <span class="count">{deals.len()}</span></h2>
            <p class="hint">{section.explain()}</p>
            {empty.then(|| view! { <p class="empty">"Nothing here."</p> })}
            <ul class="review-deals">
                {deals.into_iter().map(|deal| view! {
                    <DealToReview deal section review can_review reload drafts />
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn DealToReview(
    deal: ReviewDeal,
    section: ReviewSection,
    review: Option<Uuid>,
    can_review: bool,
    reload: RwSignal<u32>,
    drafts: RwSignal<Drafts>,
) -> impl IntoView {
    let id = deal.id;
    let comment = move || drafts.with(|d| d.get(&id).cloned().unwrap_or_default());
    let problem = RwSignal::new(None::<String>);
    let changes = deal.changes();
    let value = one_amount(&Amount {
        currency: deal.currency.clone(),
        cents: deal.value_cents,
    });
    let close = deal
        .expected_close_on
        .map_or_else(|| "no close date".to_owned(), |d| format!("closes {d}"));
    let meta = format!(
        "{} · {value} · {} · {close} · {} days in stage",
        deal.stage_name,
        deal.owner.clone().unwrap_or_else(|| "no owner".into()),
        deal.days_in_stage
    );
    let input_id = format!(
        "review-{}-{}",
        section.title().replace(' ', "-").to_lowercase(),
        deal.id.0
    );
    let title = deal.title.clone();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(review) = review else { return };
        let text = drafts.with_untracked(|d| d.get(&id).cloned().unwrap_or_default());
        spawn_local(async move {
            match mark_reviewed(review, id, text).await {
                Ok(_) => {
                    drafts.try_update(|d| d.remove(&id));
                    reload.try_update(|n| *n += 1);
                }
                Err(error) => {
                    problem.try_set(Some(error.explain()));
                }
            }
        });
    };
    let can_mark = can_review && review.is_some();
    view! {
        <li class="review-deal" aria-label=title.clone()>
            <a class="review-title" href=format!("/deals/{}", deal.id.0)>{title.clone()}</a>
            <p class="meta">{meta}</p>
            <p class="meta">"Next step: " {deal.next_step.clone().unwrap_or_else(|| NONE.to_owned())}</p>
            {(!changes.is_empty()).then(|| view! {
                <ul class="changes">{changes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
            })}
            {match deal.mark.clone() {
                Some(mark) => view! {
                    <p class="reviewed">{format!("Reviewed by {}", mark.by)}
                        {(!mark.comment.is_empty()).then(|| format!(": {}", mark.comment))}</p>
                }.into_any(),
                None if can_mark => view! {
                    <form class="review-form" on:submit=submit>
                        <label for=input_id.clone()>{format!("Comment on {title}")}</label>
                        <input id=input_id type="text" maxlength="1000" placeholder="Agreed next step, risk, help needed…"
                            value=comment() prop:value=comment
                            on:input=move |e| drafts.update(|d| { d.insert(id, event_target_value(&e)); }) />
                        <button type="submit" class="secondary">"Mark reviewed"</button>
                        {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                    </form>
                }.into_any(),
                None => ().into_any(),
            }}
        </li>
    }
}

#[component]
fn History(review: PipelineReview) -> impl IntoView {
    let reviews = review.history;
    let rows: Vec<_> = reviews
        .iter()
        .enumerate()
        .map(|(i, r)| {
            // Against the review before it (the next one in this newest-first list).
            let change = reviews.get(i + 1).map_or_else(
                || NONE.to_owned(),
                |older| {
                    format!(
                        "{:+} deals",
                        i128::from(r.open_deals) - i128::from(older.open_deals)
                    )
                },
            );
            (
                r.started_at.format("%Y-%m-%d %H:%M").to_string(),
                r.started_by.clone(),
                r.open_deals,
                money(&r.open_value),
                r.reviewed,
                change,
            )
        })
        .collect();
    let empty = rows.is_empty();
    view! {
        <section class="card figure" aria-label="Kept reviews">
            <h2>"Kept reviews"</h2>
            {empty.then(|| view! { <p class="empty">"No reviews kept yet."</p> })}
            <div class="table-scroll">
                <table>
                    <thead><tr>
                        <th scope="col">"Started"</th><th scope="col">"By"</th><th scope="col">"Open deals"</th>
                        <th scope="col">"Open value"</th><th scope="col">"Reviewed"</th><th scope="col">"Change"</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(at, by, deals, value, reviewed, change)| view! {
                            <tr><th scope="row">{at}</th><td>{by}</td><td>{deals}</td><td>{value}</td><td>{reviewed}</td><td>{change}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
