//! A record's timeline with a note box on top: notes, completed activities and logged
//! changes, newest first, 25 at a time, refreshed live when the record changes.

use crate::{
    api::timeline::{add_note, get_timeline},
    components::clock::{shared_offset, show_due},
    live::{use_live, News},
};
use domain::{
    note::{NewNote, RecordRef, NOTE_MAX},
    timeline::{Entry, TimelineCursor, TimelineItem},
};
use leptos::{prelude::*, task::spawn_local};

#[component]
pub fn Timeline(of: RecordRef) -> impl IntoView {
    let reload = RwSignal::new(0_u32);
    let first = Resource::new(move || reload.get(), move |_| get_timeline(of, None));
    if let Some(live) = use_live() {
        let subject = of.subject();
        live.on_news(move |news| {
            let ours = match news {
                News::Resync => true,
                // The record's own changes, and notes and activities about it.
                News::Event(event) => {
                    event.subject == subject
                        || event.after_str("record") == Some(subject.as_str())
                        || event
                            .after_str("deal")
                            .is_some_and(|deal| subject == format!("deal:{deal}"))
                }
            };
            if ours {
                reload.try_update(|n| *n += 1);
            }
        });
    }
    view! {
        <section class="panel timeline" aria-labelledby="timeline-title">
            <h2 id="timeline-title">"Timeline"</h2>
            <NoteForm of reload />
            <Transition fallback=|| view! { <p class="loading">"Loading the timeline…"</p> }>
                {move || Suspend::new(async move {
                    match first.await {
                        Ok(page) => view! { <Entries items=page.items next=page.next of /> }.into_any(),
                        Err(error) => view! { <p class="field-error" role="alert">{error.explain()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn NoteForm(of: RecordRef, reload: RwSignal<u32>) -> impl IntoView {
    let body = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let note = NewNote {
            on: of,
            body: body.get_untracked(),
        };
        if let Err(problems) = note.validate() {
            error.set(problems.0.first().map(|p| p.message.clone()));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match add_note(note).await {
                Ok(_) => {
                    body.try_set(String::new());
                    error.try_set(None);
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
        <form class="note-form" on:submit=submit aria-label="Add a note">
            <label for="note-body">"Note"</label>
            <textarea id="note-body" rows="3" maxlength=NOTE_MAX.to_string()
                placeholder="What was said, what matters. **Markdown** works."
                prop:value=move || body.get() on:input=move |e| body.set(event_target_value(&e))></textarea>
            <p class="field-error" role="alert">{move || error.get()}</p>
            <button type="submit" class="secondary" disabled=move || busy.get()>"Add note"</button>
        </form>
    }
}

#[component]
fn Entries(items: Vec<TimelineItem>, next: Option<TimelineCursor>, of: RecordRef) -> impl IntoView {
    let shown = RwSignal::new(items);
    let cursor = RwSignal::new(next);
    let error = RwSignal::new(None::<String>);
    let offset = shared_offset();
    let older = move |_| {
        let Some(after) = cursor.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match get_timeline(of, Some(after)).await {
                Ok(page) => {
                    shown.try_update(|all| all.extend(page.items));
                    cursor.try_set(page.next);
                }
                Err(problem) => {
                    error.try_set(Some(problem.explain()));
                }
            }
        });
    };
    view! {
        {move || shown.with(Vec::is_empty).then(|| view! { <p class="hint">"Nothing here yet."</p> })}
        <ol class="timeline-list" aria-label="Timeline entries">
            <For each=move || shown.get() key=|item| item.key.clone() let:item>
                <Item item offset />
            </For>
        </ol>
        <p class="field-error" role="alert">{move || error.get()}</p>
        {move || cursor.with(Option::is_some).then(|| view! {
            <button type="button" class="secondary wide" on:click=older>"Show older"</button>
        })}
    }
}

#[component]
fn Item(item: TimelineItem, offset: RwSignal<i32>) -> impl IntoView {
    let headline = item.headline();
    let at = item.at;
    let kind = match &item.entry {
        Entry::Note { .. } => "note",
        Entry::Activity { .. } => "activity",
        Entry::Won => "won",
        Entry::Lost { .. } => "lost",
        _ => "change",
    };
    let detail = match item.entry {
        // Rendered by the server from Markdown with raw HTML escaped and unsafe links
        // removed, so it is safe to insert as HTML.
        Entry::Note { html } => view! { <div class="tl-note" inner_html=html></div> }.into_any(),
        Entry::Activity {
            outcome: Some(outcome),
            ..
        } => view! { <p class="tl-outcome">{outcome}</p> }.into_any(),
        Entry::Fields { changes } => view! {
            <ul class="tl-fields">
                {changes.into_iter().map(|change| view! {
                    <li>
                        <span class="tl-label">{change.label}": "</span>
                        <del>{change.before}</del>" → "<ins>{change.after}</ins>
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any(),
        _ => ().into_any(),
    };
    view! {
        <li class=format!("tl-item tl-{kind}")>
            <p class="tl-head">
                <span class="tl-what">{headline}</span>
                <time datetime=at.to_rfc3339()>{move || show_due(at, offset.get())}</time>
            </p>
            {detail}
        </li>
    }
}
