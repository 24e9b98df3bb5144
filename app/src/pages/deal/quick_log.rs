//! "Log a call" for the phone: how it went, an optional line of notes, and the next
//! step, saved together. Three taps when the defaults fit: Log a call, the result, Save.

use super::DealState;
use crate::{
    api::timeline::log_activity,
    components::clock::{local_time, morning_in},
};
use domain::activity::{ActivityKind, LoggedWork, NewActivity};
use leptos::{prelude::*, task::spawn_local};

/// How a call went, and the next step that usually follows.
const RESULTS: [(&str, &str); 3] = [
    ("Connected", "Follow-up call"),
    ("Left a voicemail", "Call back"),
    ("No answer", "Try calling again"),
];

/// When the next step falls: label and days from today (`None`: no next step).
const WHEN: [(&str, Option<i64>); 4] = [
    ("Tomorrow", Some(1)),
    ("In 3 days", Some(3)),
    ("Next week", Some(7)),
    ("No next step", None),
];

#[component]
pub fn QuickLog(
    state: DealState,
    reload: RwSignal<u32>,
    ask_next: RwSignal<bool>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let result = RwSignal::new(None::<usize>);
    let notes = RwSignal::new(String::new());
    let next_subject = RwSignal::new(String::new());
    let when = RwSignal::new(0_usize);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let pick = move |index: usize| {
        result.set(Some(index));
        // Suggest the usual follow-up unless something was typed already.
        let typed = next_subject
            .with_untracked(|s| !s.is_empty() && !RESULTS.iter().any(|(_, usual)| usual == s));
        if !typed {
            next_subject.set(RESULTS[index].1.to_owned());
        }
    };
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(index) = result.get_untracked() else {
            error.set(Some("Pick how the call went.".into()));
            return;
        };
        let offset = crate::components::clock::offset_at("");
        let next = WHEN[when.get_untracked()].1.map(|days| NewActivity {
            kind: ActivityKind::Call,
            subject: next_subject.get_untracked(),
            due: local_time(morning_in(days, offset)),
            duration: String::new(),
            assignee: None,
            deal: Some(state.id()),
            contact: None,
            company: None,
        });
        let work = LoggedWork {
            deal: state.id(),
            kind: ActivityKind::Call,
            subject: format!("Call: {}", RESULTS[index].0.to_lowercase()),
            outcome: notes.get_untracked(),
            next,
        };
        if let Err(problems) = work.validate() {
            error.set(problems.0.first().map(|p| p.message.clone()));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match log_activity(work).await {
                Ok(logged) => {
                    let message = match logged.next {
                        Some(next) => format!("Call logged. Next: {}.", next.subject),
                        None => "Call logged.".to_owned(),
                    };
                    state.saved.try_set(Some(message));
                    open.try_set(false);
                    result.try_set(None);
                    notes.try_set(String::new());
                    error.try_set(None);
                    ask_next.try_set(false);
                    reload.try_update(|n| *n += 1);
                }
                Err(problem) => {
                    error.try_set(Some(problem.explain()));
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <button type="button" class="primary quick-log-open" aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|o| *o = !*o)>"Log a call"</button>
        {move || open.get().then(|| view! {
            <form class="quick-log" aria-label="Log a call" on:submit=save>
                <fieldset>
                    <legend>"How did it go?"</legend>
                    <div class="chips">
                        {RESULTS.iter().enumerate().map(|(index, (label, _))| view! {
                            <button type="button" class="chip" aria-pressed=move || (result.get() == Some(index)).to_string()
                                on:click=move |_| pick(index)>{*label}</button>
                        }).collect_view()}
                    </div>
                </fieldset>
                <label for="quick-log-notes">"Notes"</label>
                <textarea id="quick-log-notes" rows="2" placeholder="Optional"
                    prop:value=move || notes.get() on:input=move |e| notes.set(event_target_value(&e))></textarea>
                <fieldset>
                    <legend>"Next step"</legend>
                    <label class="visually-hidden" for="quick-log-next">"Next step"</label>
                    <input id="quick-log-next" value=next_subject.get_untracked() prop:value=move || next_subject.get()
                        on:input=move |e| next_subject.set(event_target_value(&e)) />
                    <div class="chips">
                        {WHEN.iter().enumerate().map(|(index, (label, _))| view! {
                            <button type="button" class="chip" aria-pressed=move || (when.get() == index).to_string()
                                on:click=move |_| when.set(index)>{*label}</button>
                        }).collect_view()}
                    </div>
                </fieldset>
                <p class="field-error" role="alert">{move || error.get()}</p>
                <button type="submit" class="primary wide" disabled=move || busy.get()>"Save call"</button>
            </form>
        })}
    }
}
