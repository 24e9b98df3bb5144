//! `/activities`: My day. What is overdue, due today and coming this week for the
//! signed-in person (or, for managers, the team), each done or moved to tomorrow in one
//! tap. Days are the viewer's own: the browser says its offset.

use crate::api::json::load;
use crate::{
    api::{
        activities::{change_activity, complete_activity, get_my_day, Change},
        deals::get_board_options,
    },
    components::clock::{a_day_later, local_time, show_due, use_offset},
    live::{use_live, News},
    pages::shell::use_current_user,
};
use domain::event::Subject;
use domain::{activity::Activity, board::Owner, Role};
use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;

#[component]
pub fn ActivitiesPage() -> impl IntoView {
    let offset = use_offset();
    let team = RwSignal::new(false);
    let reload = RwSignal::new(0_u32);
    let day = load(
        move || (offset.get(), team.get(), reload.get()),
        |(offset, team, _)| get_my_day(offset, team),
    );
    // The people an activity can be handed to.
    let people = load(|| (), |()| get_board_options());
    if let Some(live) = use_live() {
        live.on_news(move |news| {
            let about_activities = match news {
                News::Resync => true,
                News::Event(event) => matches!(event.subject, Subject::Activity(_)),
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
                    <input type="checkbox" checked=team.get_untracked() prop:checked=move || team.get()
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
                    Ok(day) => {
                        let people = people.await.map(|o| o.owners).unwrap_or_default();
                        view! {
                            <DaySection title="Overdue" class="overdue" items=day.overdue offset reload people=people.clone() />
                            <DaySection title="Today" class="today" items=day.today offset reload people=people.clone() />
                            <DaySection title="This week" class="soon" items=day.soon offset reload people />
                        }.into_any()
                    }
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
    people: Vec<Owner>,
) -> impl IntoView {
    (!items.is_empty()).then(|| {
        let heading = format!("{title} ({})", items.len());
        view! {
            <section class=format!("day-section {class}") aria-label=title>
                <h2>{heading}</h2>
                <ul class="activities">
                    {items.into_iter().map(|item| view! { <DayItem item offset reload people=people.clone() /> }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// One activity: done, tomorrow, or handed to someone else, each in one action.
#[component]
fn DayItem(
    item: Activity,
    offset: RwSignal<i32>,
    reload: RwSignal<u32>,
    people: Vec<Owner>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    // One action at a time: a double tap must not send "done" twice.
    let busy = RwSignal::new(false);
    let (id, version, due_at) = (item.id, item.version, item.due_at);
    let settle = move |result: Result<(), domain::AppError>| {
        if let Err(problem) = result {
            // Likely changed elsewhere meanwhile: say so, and show the current list.
            error.try_set(Some(problem.explain()));
        }
        busy.try_set(false);
        reload.try_update(|n| *n += 1);
    };
    let done = move |_| {
        busy.set(true);
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
        busy.set(true);
        spawn_local(async move {
            settle(
                change_activity(id, version, Change::Reschedule(due))
                    .await
                    .map(drop),
            );
        });
    };
    let give = move |e: leptos::ev::Event| {
        let Ok(to) = event_target_value(&e).parse() else {
            return;
        };
        busy.set(true);
        spawn_local(async move {
            settle(
                change_activity(id, version, Change::Reassign(to))
                    .await
                    .map(drop),
            );
        });
    };
    let assignee = item.assignee.as_ref().map(|(id, _)| *id);
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
                    disabled=move || busy.get() on:click=done>"Done"</button>
                <button type="button" class="link" aria-label=format!("Move {} to tomorrow", item.subject)
                    disabled=move || busy.get() on:click=tomorrow>"Tomorrow"</button>
                <select class="give-to" aria-label=format!("Give {} to", item.subject)
                    disabled=move || busy.get() on:change=give>
                    <option value="" selected=true>"Give to…"</option>
                    {people.into_iter().filter(|p| Some(p.id) != assignee).map(|p| view! {
                        <option value=p.id.to_string()>{p.name}</option>
                    }).collect_view()}
                </select>
            </span>
            {move || error.get().map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
        </li>
    }
}
