//! A record's timeline with a note box on top: notes, completed activities and logged
//! changes, newest first, 25 at a time, refreshed live when the record changes.

use crate::api::json::{load, Loaded};
use crate::{
    api::timeline::{add_note, get_timeline},
    components::{
        clock::{shared_offset, show_due},
        refetch_on,
    },
    live::{use_live, News},
};
use domain::event::Subject;
use domain::{
    note::{NewNote, RecordRef, NOTE_MAX},
    timeline::{Entry, TimelineItem, TimelinePage},
    AppError,
};
use leptos::{prelude::*, task::spawn_local};
use uuid::Uuid;

/// The first page of a record's timeline, for its page's resource: loaded alongside the
/// record, so the page hydrates in one step.
pub fn first_page(
    key: impl Fn() -> String + Send + Sync + 'static,
    record: fn(Uuid) -> RecordRef,
) -> Loaded<Result<TimelinePage, AppError>> {
    load(key, move |id| {
        // A malformed id finds nothing, as the record's own lookup will say.
        get_timeline(record(Uuid::parse_str(&id).unwrap_or_default()), None)
    })
}

#[component]
pub fn Timeline(of: RecordRef, first: Result<TimelinePage, AppError>) -> impl IntoView {
    let reload = RwSignal::new(0_u32);
    let error = RwSignal::new(first.as_ref().err().map(AppError::explain));
    let page = RwSignal::new(first.unwrap_or_default());
    refetch_on(reload, move || async move {
        match get_timeline(of, None).await {
            Ok(fresh) => {
                page.try_set(fresh);
                error.try_set(None);
            }
            Err(problem) => {
                error.try_set(Some(problem.explain()));
            }
        }
    });
    if let Some(live) = use_live() {
        let subject = of.subject();
        live.on_news(move |news| {
            let ours = match news {
                News::Resync => true,
                // The record's own changes, and notes and activities about it.
                News::Event(event) => {
                    event.subject == subject
                        || event.gist.record == Some(subject)
                        || event.gist.deal.map(Subject::Deal) == Some(subject)
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
            <Entries page of error />
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
fn Entries(
    page: RwSignal<TimelinePage>,
    of: RecordRef,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let offset = shared_offset();
    let older = move |_| {
        let Some(after) = page.with_untracked(|p| p.next.clone()) else {
            return;
        };
        spawn_local(async move {
            match get_timeline(of, Some(after)).await {
                Ok(more) => {
                    page.try_update(|shown| {
                        shown.items.extend(more.items);
                        shown.next = more.next;
                    });
                }
                Err(problem) => {
                    error.try_set(Some(problem.explain()));
                }
            }
        });
    };
    view! {
        {move || page.with(|p| p.items.is_empty()).then(|| view! { <p class="hint">"Nothing here yet."</p> })}
        <ol class="timeline-list" aria-label="Timeline entries">
            <For each=move || page.with(|p| p.items.clone()) key=|item| item.key.clone() let:item>
                <Item item offset />
            </For>
        </ol>
        <p class="field-error" role="alert">{move || error.get()}</p>
        {move || page.with(|p| p.next.is_some()).then(|| view! {
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
        Entry::Reviewed { comment } if !comment.is_empty() => {
            view! { <p class="tl-outcome">{comment}</p> }.into_any()
        }
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
                // `try_get`: on the server the offset is 0 (effects never run there), and a
                // row rendered for a view the server threw away must not panic reading it.
                <time datetime=at.to_rfc3339()>{move || show_due(at, offset.try_get().unwrap_or(0))}</time>
            </p>
            {detail}
        </li>
    }
}
