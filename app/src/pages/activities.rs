//! `/activities`: My day. What is overdue, due today and coming this week for the
//! signed-in person (or, for managers, the team), each done or moved to tomorrow in one
//! tap. Days are the viewer's own: the browser says its offset.

use crate::{
    api::activities::{change_activity, complete_activity, get_my_day, Change},
    components::clock::{a_day_later, local_time, show_due, use_offset},
    live::{use_live, News},
    pages::shell::use_current_user,
};
use domain::{activity::Activity, Role};
use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;

#[component]
pub fn ActivitiesPage() -> impl IntoView {
    let offset = use_offset();
    let team = RwSignal::new(false);
    let reload = RwSignal::new(0_u32);
    let day = Resource::new(
        move || (offset.get(), team.get(), reload.get()),
        |(offset, team, _)| get_my_day(offset, team),
    );
    if let Some(live) = use_live() {
        live.on_news(move |news| {
            let about_activities = match news {
                News::Resync => true,
                News::Event(event) => event.subject.starts_with("activity:"),
            };
            if about_activities {
                reload.try_update(|n| *n += 1);
            }
        });
    }
    let manages = matches!(use_current_user().role, Role::Manager | Role::Admin);
    view! {
        <Title text="Activities" />
        <header class="page-header">
            <h1>"Activities"</h1>
            {manages.then(|| view! {
                <label class="switch">
                    <input type="checkbox" prop:checked=move || team.get()
                        on:change=move |e| team.set(event_target_checked(&e)) />
                    "Whole team"
                </label>
            })}
        </header>
        <Transition fallback=|| view! { <p class="loading">"Loading your day…"</p> }>
            {move || Suspend::new(async move {
                match day.await {
                    Ok(day) if day.overdue.is_empty() && day.today.is_empty() && day.soon.is_empty() => view! {
                        <p class="empty">"Nothing due this week. Plan the next step on a deal."</p>
                    }.into_any(),
                    Ok(day) => view! {
                        <DaySection title="Overdue" class="overdue" items=day.overdue offset reload />
                        <DaySection title="Today" class="today" items=day.today offset reload />
                        <DaySection title="This week" class="soon" items=day.soon offset reload />
                    }.into_any(),
                    Err(error) => view! { <div class="banner error" role="alert">{error.explain()}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DaySection(
    title: &'static str,
    class: &'static str,
    items: Vec<Activity>,
    offset: RwSignal<i32>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    (!items.is_empty()).then(|| {
        let heading = format!("{title} ({})", items.len());
        view! {
            <section class=format!("day-section {class}") aria-label=title>
                <h2>{heading}</h2>
                <ul class="activities">
                    {items.into_iter().map(|item| view! { <DayItem item offset reload /> }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// One activity: done, or tomorrow, in one tap.
#[component]
fn DayItem(item: Activity, offset: RwSignal<i32>, reload: RwSignal<u32>) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let (id, version, due_at) = (item.id, item.version, item.due_at);
    let settle = move |result: Result<(), domain::AppError>| match result {
        Ok(()) => {
            reload.try_update(|n| *n += 1);
        }
        Err(problem) => {
            // Likely changed elsewhere meanwhile: say so, and show the current list.
            error.try_set(Some(problem.explain()));
            reload.try_update(|n| *n += 1);
        }
    };
    let done = move |_| {
        spawn_local(async move {
            settle(
                complete_activity(id, version, String::new())
                    .await
                    .map(drop),
            );
        });
    };
    let tomorrow = move |_| {
        let due = local_time(a_day_later(due_at, offset.get_untracked()));
        spawn_local(async move {
            settle(
                change_activity(id, version, Change::Reschedule(due))
                    .await
                    .map(drop),
            );
        });
    };
    let deal = item.deal.clone();
    let who = item
        .assignee
        .clone()
        .map(|(_, name)| name)
        .unwrap_or_default();
    view! {
        <li class="activity">
            <span class="activity-kind">{item.kind.label()}</span>
            <span class="activity-subject">{item.subject.clone()}</span>
            {deal.map(|(id, title)| view! { <a class="activity-deal" href=format!("/deals/{id}")>{title}</a> })}
            <span class="activity-due">{move || show_due(due_at, offset.get())}</span>
            <span class="activity-who">{who}</span>
            <span class="activity-actions">
                <button type="button" class="secondary" aria-label=format!("Done: {}", item.subject)
                    on:click=done>"Done"</button>
                <button type="button" class="link" aria-label=format!("Move {} to tomorrow", item.subject)
                    on:click=tomorrow>"Tomorrow"</button>
            </span>
            {move || error.get().map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
        </li>
    }
}
