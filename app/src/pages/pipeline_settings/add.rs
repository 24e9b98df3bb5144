//! "Add pipeline": a name, then the new pipeline (seeded with the default stages) opens.

use crate::api::deals::create_pipeline;
use domain::{validation::check_name, AppError, FieldErrors};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{hooks::use_navigate, NavigateOptions};

#[component]
pub fn AddPipeline(notice: RwSignal<Option<String>>) -> impl IntoView {
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let wanted = name.get_untracked();
        let mut errors = FieldErrors::default();
        check_name(&mut errors, "name", "the pipeline's name", &wanted);
        if let Some(problem) = errors.for_field("name") {
            error.set(Some(problem.to_owned()));
            return;
        }
        error.set(None);
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match create_pipeline(wanted.clone()).await {
                Ok(id) => {
                    name.set(String::new());
                    notice.set(Some(format!(
                        "Pipeline {} added with the default stages.",
                        wanted.trim()
                    )));
                    navigate(
                        &format!("/settings/pipeline?pipeline={id}"),
                        NavigateOptions::default(),
                    );
                }
                Err(AppError::Validation(errors)) => error.set(
                    errors
                        .for_field("name")
                        .map(str::to_owned)
                        .or_else(|| errors.0.first().map(|e| e.message.clone())),
                ),
                Err(other) => error.set(Some(other.message())),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card" aria-labelledby="add-pipeline-title">
            <h2 id="add-pipeline-title">"Add a pipeline"</h2>
            <p class="hint">"A separate process, e.g. renewals or partnerships. It starts with the default stages."</p>
            // No name attribute: without the WASM this form must not put the name in the URL.
            <form class="inline-form add-pipeline" on:submit=add>
                <div class="field" class:invalid=move || error.with(Option::is_some)>
                    <label for="new-pipeline-name">"New pipeline name"</label>
                    <input id="new-pipeline-name" autocomplete="off" maxlength="80"
                        aria-invalid=move || error.with(Option::is_some).then_some("true")
                        aria-describedby="new-pipeline-error"
                        value=name.get_untracked() prop:value=move || name.get()
                        on:input=move |e| name.set(event_target_value(&e)) />
                    <p class="field-error" id="new-pipeline-error" aria-live="polite">{move || error.get()}</p>
                </div>
                <button type="submit" class="secondary">"Add pipeline"</button>
            </form>
        </section>
    }
}
