//! `/settings/pipeline`: admins and managers rename a pipeline and edit its stages: names,
//! win probabilities, rotting periods, entry rules, order; they add and remove stages
//! (choosing where a removed stage's deals go) and add pipelines.

use crate::api::json::load;
mod add;
mod editor;
mod followups;
mod lost_reasons;
mod removed;
mod stage;

use crate::{
    api::{
        deals::{get_board, save_pipeline},
        timeline::get_followup_plan,
    },
    pages::shell::use_current_user,
};
use add::AddPipeline;
use domain::{
    board::{Board, DealFilter},
    ids::PipelineId,
    AppError, FieldErrors,
};
use editor::Editor;
use followups::FollowUpPlan;
use leptos::{either::Either, prelude::*, task::spawn_local};
use leptos_meta::Title;
use leptos_router::{
    components::Form,
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};
use lost_reasons::LostReasons;
use removed::RemovedStages;
use stage::StageCard;

/// Settings → Pipeline: admins and managers only (the server functions enforce it too).
#[component]
pub fn PipelineSettingsPage() -> impl IntoView {
    let user = use_current_user();
    if !user.role.may(domain::permission::Action::EditPipelines) {
        #[cfg(feature = "ssr")]
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::FORBIDDEN);
        }
        return Either::Left(view! {
            <Title text="Pipeline settings" />
            <header class="page-header"><h1>"Pipeline settings"</h1></header>
            <div class="banner error" role="alert">
                "Only admins and managers can change pipelines and stages. Ask one of them if you need a change."
            </div>
        });
    }
    Either::Right(view! { <PipelineSettings /> })
}

#[component]
fn PipelineSettings() -> impl IntoView {
    let params = use_query_map();
    let wanted = Memo::new(move |_| {
        params.with(|p| {
            p.get("pipeline")
                .and_then(|id| id.trim().parse().ok())
                .map(PipelineId)
        })
    });
    let saves = RwSignal::new(0_u32);
    let notice = RwSignal::new(None::<String>);
    let board = load(
        move || (wanted.get(), saves.get()),
        |(pipeline, _)| {
            get_board(DealFilter {
                pipeline,
                ..DealFilter::default()
            })
        },
    );
    // Its own resource: a server function called after another's `.await` would run
    // without the request's context during server rendering.
    let plan = load(
        move || (wanted.get(), saves.get()),
        |(pipeline, _)| get_followup_plan(pipeline),
    );
    view! {
        <Title text="Pipeline settings" />
        <nav class="crumbs" aria-label="Breadcrumb"><a href="/settings">"Settings"</a></nav>
        <header class="page-header"><h1>"Pipeline settings"</h1></header>
        // Always present, so the message is read out when it appears.
        <div role="status">
            {move || notice.get().map(|message| view! { <p class="banner success">{message}</p> })}
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading the pipeline…"</p> }>
            {move || Suspend::new(async move {
                let (board, plan) = (board.await, plan.await);
                match board.and_then(|board| Ok((board, plan?))) {
                    Ok((loaded, plan)) => view! {
                        <PipelinePicker board=loaded.clone() />
                        <PipelineEditor board=loaded.clone() saves notice />
                        <FollowUpPlan pipeline=loaded.pipeline steps=plan notice />
                        <LostReasons reasons=loaded.lost_reasons notice />
                    }
                    .into_any(),
                    Err(error) => view! { <div class="banner error" role="alert">{error.message()}</div> }.into_any(),
                }
            })}
        </Transition>
        <AddPipeline notice />
    }
}

/// Which pipeline to edit, when there are several: a GET form that also works without the
/// WASM; with it, the choice applies at once.
#[component]
fn PipelinePicker(board: Board) -> impl IntoView {
    if board.pipelines.len() < 2 {
        return None;
    }
    let navigate = use_navigate();
    let current = board.pipeline;
    let open = move |e| {
        let id = event_target_value(&e);
        navigate(
            &format!("/settings/pipeline?pipeline={}", id.trim()),
            NavigateOptions::default(),
        );
    };
    Some(view! {
        <Form method="get" action="/settings/pipeline" attr:class="pipeline-picker">
            <div class="field">
                <label for="pipeline-pick">"Pipeline"</label>
                <select id="pipeline-pick" name="pipeline" on:change=open>
                    {board.pipelines.into_iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=id == current>{name}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="secondary">"Open"</button>
        </Form>
    })
}

#[component]
fn PipelineEditor(
    board: Board,
    saves: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let editor = Editor::new(&board);
    let banner = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let save = move |_| {
        notice.set(None);
        let command = match editor.command() {
            Ok(command) => command,
            Err(errors) => {
                editor.errors.set(errors);
                banner.set(Some(AppError::Validation(FieldErrors::default()).message()));
                return;
            }
        };
        editor.errors.set(FieldErrors::default());
        banner.set(None);
        saving.set(true);
        spawn_local(async move {
            match save_pipeline(command).await {
                Ok(()) => {
                    notice.set(Some("Pipeline saved.".to_owned()));
                    // Reload: new stages get their ids, removed ones are gone for good.
                    saves.update(|n| *n += 1);
                }
                Err(AppError::Validation(errors)) => {
                    banner.set(Some(AppError::Validation(FieldErrors::default()).message()));
                    editor.errors.set(errors);
                }
                Err(other) => banner.set(Some(other.message())),
            }
            saving.set(false);
        });
    };
    let name_error = move || editor.error("name");
    let stages_error = move || editor.error("stages");
    view! {
        <section class="card pipeline-editor" aria-labelledby="editor-title">
            <h2 id="editor-title" class="visually-hidden">"Stages"</h2>
            {move || banner.get().map(|message| view! { <div class="banner error" role="alert">{message}</div> })}
            <div class="field" class:invalid=move || name_error().is_some()>
                <label for="pipeline-name">"Pipeline name"</label>
                <input id="pipeline-name" autocomplete="off" maxlength="80"
                    aria-invalid=move || name_error().is_some().then_some("true")
                    aria-describedby="pipeline-name-error"
                    value=editor.name.get_untracked() prop:value=move || editor.name.get()
                    on:input=move |e| editor.name.set(event_target_value(&e)) />
                <p class="field-error" id="pipeline-name-error" aria-live="polite">{name_error}</p>
            </div>
            <ol class="stage-list">
                <For each=move || editor.stages.get() key=|s| s.key let:stage>
                    <StageCard editor stage />
                </For>
            </ol>
            <p class="field-error" aria-live="polite">{stages_error}</p>
            <p class="visually-hidden" role="status">{move || editor.announce.get()}</p>
            <RemovedStages editor />
            <div class="editor-actions">
                <button type="button" class="secondary" on:click=move |_| editor.add_stage()>"Add stage"</button>
                <button type="button" class="primary" aria-disabled=move || saving.get().then_some("true")
                    on:click=move |e| if !saving.get_untracked() { save(e) }>
                    {move || if saving.get() { "Saving…" } else { "Save pipeline" }}
                </button>
            </div>
        </section>
    }
}
