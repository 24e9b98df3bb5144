//! The workspace's lost reasons: the list a person picks from when a deal is lost.

use crate::api::deals::save_lost_reasons;
use domain::{deal::parse_lost_reasons, AppError};
use leptos::{prelude::*, task::spawn_local};

#[component]
pub fn LostReasons(reasons: Vec<String>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let text = RwSignal::new(reasons.join("\n"));
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let lines: Vec<String> = text.get_untracked().lines().map(str::to_owned).collect();
        if let Err(problem) = parse_lost_reasons(&lines) {
            error.set(Some(problem));
            return;
        }
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            match save_lost_reasons(lines).await {
                Ok(saved) => {
                    text.set(saved.join("\n"));
                    notice.set(Some("Lost reasons saved.".to_owned()));
                }
                Err(AppError::Validation(errors)) => {
                    error.set(errors.0.first().map(|e| e.message.clone()));
                }
                Err(other) => error.set(Some(other.explain())),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card" aria-labelledby="lost-reasons-title">
            <h2 id="lost-reasons-title">"Lost reasons"</h2>
            <form on:submit=save novalidate>
                <div class="field" class:invalid=move || error.get().is_some()>
                    <label for="lost-reasons">"Reasons, one per line"</label>
                    <textarea id="lost-reasons" rows="7" aria-describedby="lost-reasons-hint"
                        prop:value=move || text.get()
                        on:input=move |e| text.set(event_target_value(&e))>
                        {crate::components::field::textarea_text(&text.get_untracked())}
                    </textarea>
                    <p class="hint" id="lost-reasons-hint">
                        "Offered when a deal is marked lost. Deals keep the reason they were lost with."
                    </p>
                    <p class="field-error" aria-live="polite">{move || error.get()}</p>
                </div>
                <button type="submit" class="primary" aria-disabled=move || busy.get().then_some("true")>
                    "Save lost reasons"
                </button>
            </form>
        </section>
    }
}
