//! The deal's next steps: open activities by due time, done ones below, a form to
//! schedule one, and, when the last planned step is done, a prompt for the next.

use super::DealState;
use crate::components::refetch_on;
use crate::{
    api::activities::{complete_activity, deal_activities, schedule_activity},
    components::clock::{local_time, show_due, tomorrow_morning, use_offset},
    live::News,
};
use domain::event::Subject;
use domain::{
    activity::{Activity, ActivityKind, NewActivity},
    AppError, FieldErrors,
};
use leptos::{prelude::*, task::spawn_local};

/// `loaded`: the deal's activities as the page loaded them (with the deal, so the page
/// hydrates in one step); later changes are fetched here.
#[component]
pub fn NextSteps(state: DealState, loaded: Result<Vec<Activity>, AppError>) -> impl IntoView {
    let deal = state.id();
    let reload = RwSignal::new(0_u32);
    let list = RwSignal::new(loaded);
    refetch_on(reload, move || async move {
        let fresh = deal_activities(deal).await;
        // The live echo of our own change usually brings the list we already show;
        // rebuilding it would drop the focus from a field being typed in.
        if list.try_with_untracked(|shown| *shown != fresh) == Some(true) {
            list.try_set(fresh);
        }
    });
    let offset = use_offset();
    let ask_next = RwSignal::new(false);
    let finishing = Finishing::default();
    if let Some(live) = state.live {
        let about_this_deal = deal.0;
        live.on_news(move |news| {
            let ours = match news {
                News::Resync => true,
                News::Event(event) => {
                    matches!(event.subject, Subject::Activity(_))
                        && event.gist.deal == Some(about_this_deal)
                }
            };
            if ours {
                reload.try_update(|n| *n += 1);
            }
        });
    }
    view! {
        <section class="panel next-steps" aria-labelledby="next-steps-title">
            <h2 id="next-steps-title">"Activities"</h2>
            <super::quick_log::QuickLog state reload ask_next />
            {move || match list.get() {
                Ok(items) => view! { <ActivityList items offset reload ask_next finishing /> }.into_any(),
                Err(error) => view! { <p class="field-error" role="alert">{error.explain()}</p> }.into_any(),
            }}
            {move || ask_next.get().then(|| view! {
                <p class="next-prompt" role="status">
                    "That was the last planned step. What happens next on this deal?"
                </p>
            })}
            <ScheduleForm state reload ask_next offset />
        </section>
    }
}

/// The activity being marked done and its outcome as typed so far. Kept above the list:
/// the list is rebuilt whenever this deal's activities change (a colleague's edit, the
/// live echo of our own), and a half-typed outcome must survive that.
#[derive(Clone, Copy)]
struct Finishing {
    activity: RwSignal<Option<uuid::Uuid>>,
    outcome: RwSignal<String>,
}

impl Default for Finishing {
    fn default() -> Self {
        Self {
            activity: RwSignal::new(None),
            outcome: RwSignal::new(String::new()),
        }
    }
}

impl Finishing {
    fn start(self, id: uuid::Uuid) {
        if self.activity.get_untracked() != Some(id) {
            self.outcome.set(String::new());
            self.activity.set(Some(id));
        }
    }
}

#[component]
fn ActivityList(
    items: Vec<Activity>,
    offset: RwSignal<i32>,
    reload: RwSignal<u32>,
    ask_next: RwSignal<bool>,
    finishing: Finishing,
) -> impl IntoView {
    let (open, done): (Vec<Activity>, Vec<Activity>) = items.into_iter().partition(|a| !a.done);
    let none_open = open.is_empty();
    view! {
        {none_open.then(|| view! { <p class="no-next-step">"No next step planned."</p> })}
        <ul class="activities" aria-label="Planned">
            {open.into_iter().map(|item| view! { <OpenActivity item offset reload ask_next finishing /> }).collect_view()}
        </ul>
        {(!done.is_empty()).then(|| view! {
            <details class="done-activities">
                <summary>{format!("Done ({})", done.len())}</summary>
                <ul class="activities">
                    {done.into_iter().map(|item| view! {
                        <li class="activity done">
                            <span class="activity-kind">{item.kind.label()}</span>
                            <span class="activity-subject">{item.subject}</span>
                            {item.outcome.map(|o| view! { <span class="activity-outcome">{o}</span> })}
                        </li>
                    }).collect_view()}
                </ul>
            </details>
        })}
    }
}

/// One planned activity, with a "Done" that asks for the outcome of calls and meetings.
#[component]
fn OpenActivity(
    item: Activity,
    offset: RwSignal<i32>,
    reload: RwSignal<u32>,
    ask_next: RwSignal<bool>,
    finishing: Finishing,
) -> impl IntoView {
    let Finishing {
        activity: completing_one,
        outcome,
    } = finishing;
    let error = RwSignal::new(None::<String>);
    let (id, version, kind, due_at) = (item.id, item.version, item.kind, item.due_at);
    let completing = move || completing_one.get() == Some(id);
    let subject = item.subject.clone();
    let finish = move || {
        let text = outcome.get_untracked();
        spawn_local(async move {
            match complete_activity(id, version, text).await {
                Ok(done) => {
                    if completing_one.get_untracked() == Some(id) {
                        completing_one.try_set(None);
                    }
                    ask_next.try_set(done.open_left_on_deal == Some(0));
                    reload.try_update(|n| *n += 1);
                }
                Err(problem) => {
                    error.try_set(Some(problem.explain()));
                }
            }
        });
    };
    let who = item.assignee.map(|(_, name)| name).unwrap_or_default();
    view! {
        <li class="activity">
            <span class="activity-kind">{kind.label()}</span>
            <span class="activity-subject">{subject.clone()}</span>
            <span class="activity-due">{move || show_due(due_at, offset.get())}</span>
            <span class="activity-who">{who}</span>
            {move || if completing() {
                view! {
                    <span class="activity-complete">
                        {kind.has_outcome().then(|| view! {
                            <input aria-label=format!("Outcome of {subject}") placeholder="How did it go?"
                                prop:value=outcome.get_untracked()
                                on:input=move |e| outcome.set(event_target_value(&e)) />
                        })}
                        <button type="button" class="primary" on:click=move |_| finish()>"Mark done"</button>
                    </span>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="secondary" aria-label=format!("Done: {}", item.subject)
                        on:click=move |_| {
                            if kind.has_outcome() { finishing.start(id) } else { finish() }
                        }>"Done"</button>
                }.into_any()
            }}
            {move || error.get().map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
        </li>
    }
}

#[component]
fn ScheduleForm(
    state: DealState,
    reload: RwSignal<u32>,
    ask_next: RwSignal<bool>,
    offset: RwSignal<i32>,
) -> impl IntoView {
    let kind = RwSignal::new(ActivityKind::Call);
    let subject = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let duration = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    // The usual next step is tomorrow morning; filled in once the browser's clock is known.
    Effect::new(move |_| {
        let offset = offset.get();
        if due.get_untracked().is_empty() {
            due.set(tomorrow_morning(offset));
        }
    });
    let error =
        move |field: &'static str| move || errors.with(|e| e.for_field(field).map(str::to_owned));
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let new = NewActivity {
            kind: kind.get_untracked(),
            subject: subject.get_untracked(),
            due: local_time(due.get_untracked()),
            duration: duration.get_untracked(),
            assignee: None,
            deal: Some(state.id()),
            contact: None,
            company: None,
        };
        if let Err(found) = new.validate() {
            errors.set(found);
            return;
        }
        spawn_local(async move {
            match schedule_activity(new).await {
                Ok(_) => {
                    errors.try_set(FieldErrors::default());
                    subject.try_set(String::new());
                    ask_next.try_set(false);
                    reload.try_update(|n| *n += 1);
                }
                Err(domain::AppError::Validation(found)) => {
                    errors.try_set(found);
                }
                Err(problem) => {
                    let mut found = FieldErrors::default();
                    found.add("subject", problem.explain());
                    errors.try_set(found);
                }
            }
        });
    };
    // One form per page: fixed ids (random ones would differ between server and browser).
    let field_id = |name: &str| format!("schedule-{name}");
    view! {
        <form class="schedule" on:submit=submit aria-label="Schedule an activity">
            <div class="schedule-row">
                <label class="visually-hidden" for=field_id("kind")>"Kind"</label>
                <select id=field_id("kind") on:change=move |e| {
                    if let Some(picked) = ActivityKind::parse(&event_target_value(&e)) { kind.set(picked) }
                }>
                    {ActivityKind::ALL.into_iter().map(|k| view! {
                        <option value=k.key() selected=k == ActivityKind::Call>{k.label()}</option>
                    }).collect_view()}
                </select>
                <label class="visually-hidden" for=field_id("subject")>"What's next"</label>
                <input id=field_id("subject") placeholder="Next step, e.g. Call Bill about pricing"
                    value=subject.get_untracked() prop:value=move || subject.get() on:input=move |e| subject.set(event_target_value(&e)) />
            </div>
            <p class="field-error" aria-live="polite">{error("subject")}</p>
            <div class="schedule-row">
                <label for=field_id("due")>"Due"</label>
                <input id=field_id("due") type="datetime-local" value=due.get_untracked() prop:value=move || due.get()
                    on:input=move |e| due.set(event_target_value(&e)) />
                <label for=field_id("duration")>"Minutes"</label>
                <input id=field_id("duration") class="short" inputmode="numeric" value=duration.get_untracked() prop:value=move || duration.get()
                    on:input=move |e| duration.set(event_target_value(&e)) />
                <button type="submit" class="primary">"Schedule"</button>
            </div>
            <p class="field-error" aria-live="polite">{error("due")}</p>
            <p class="field-error" aria-live="polite">{error("duration")}</p>
        </form>
    }
}
