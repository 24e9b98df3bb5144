//! `/deals/:id`: every field editable in place, the stage path with what the next stage
//! needs, contacts, outcome buttons and the stage history. Every save carries the
//! version the page was based on; a conflict says who changed what and keeps your text.

mod fields;
mod path;

use crate::api::deals::{get_deal, update_deal};
use domain::{
    board::DealDetail,
    deal::{validate_changes, DealChange},
    ids::DealId,
    AppError, FieldErrors,
};
use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The page's live copy of the deal and what the last save said.
#[derive(Clone, Copy)]
pub struct DealState {
    pub detail: RwSignal<DealDetail>,
    pub errors: RwSignal<FieldErrors>,
    pub banner: RwSignal<Option<String>>,
    pub saved: RwSignal<Option<String>>,
}

impl DealState {
    pub fn id(&self) -> DealId {
        self.detail.with_untracked(|d| d.id)
    }

    pub fn version(&self) -> i32 {
        self.detail.with_untracked(|d| d.version)
    }

    /// Takes the saved version at once, so an edit right after this one (before the
    /// reload lands) is based on it rather than conflicting with ourselves.
    pub fn saved_as(&self, version: i32) {
        self.detail.try_update(|d| d.version = version);
        self.reload();
    }

    /// Re-reads the deal after a save, so facts, history and version are the server's.
    /// `try_`: the person may have left the page before the answer came.
    pub fn reload(&self) {
        let state = *self;
        let Some(id) = self.detail.try_with_untracked(|d| d.id.to_string()) else {
            return;
        };
        spawn_local(async move {
            match get_deal(id).await {
                Ok(fresh) => {
                    state.detail.try_set(fresh);
                    state.banner.try_set(None);
                }
                Err(error) => {
                    state.banner.try_set(Some(error.explain()));
                }
            }
        });
    }

    /// Validates in the browser, then saves with the version the page shows.
    pub fn save(&self, changes: Vec<DealChange>, what: &'static str) {
        if let Err(errors) = validate_changes(&changes) {
            self.errors.set(errors);
            return;
        }
        let state = *self;
        let (id, version) = (self.id(), self.version());
        spawn_local(async move {
            match update_deal(id, version, changes).await {
                Ok(saved) => {
                    state.errors.try_set(FieldErrors::default());
                    state.saved.try_set(Some(format!("Saved {what}.")));
                    state.saved_as(saved.card.version);
                }
                Err(error) => state.failed(error),
            }
        });
    }

    pub fn failed(&self, error: AppError) {
        match error {
            AppError::Validation(errors) => {
                self.banner
                    .set(errors.for_field("stage").map(str::to_owned));
                self.errors.set(errors);
            }
            other => self.banner.set(Some(other.explain())),
        }
    }

    pub fn field_error(&self, field: &'static str) -> Signal<Option<String>> {
        let errors = self.errors;
        Signal::derive(move || errors.with(|e| e.for_field(field).map(str::to_owned)))
    }
}

#[component]
pub fn DealPage() -> impl IntoView {
    let params = use_params_map();
    let deal = Resource::new(
        move || params.with(|p| p.get("id").unwrap_or_default()),
        get_deal,
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the deal…"</p> }>
            {move || Suspend::new(async move {
                match deal.await {
                    Ok(detail) => view! { <DealView detail /> }.into_any(),
                    Err(error) => view! {
                        <Title text="Deal" />
                        <div class="banner error" role="alert">{error.message()}</div>
                        <a href="/pipeline">"Back to the pipeline"</a>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DealView(detail: DealDetail) -> impl IntoView {
    let state = DealState {
        detail: RwSignal::new(detail),
        errors: RwSignal::new(FieldErrors::default()),
        banner: RwSignal::new(None),
        saved: RwSignal::new(None),
    };
    let title = move || state.detail.with(|d| d.title.clone());
    view! {
        <Title text=title />
        <nav class="crumbs" aria-label="Breadcrumb">
            <a href="/pipeline">{move || state.detail.with(|d| d.pipeline.1.clone())}</a>
        </nav>
        {move || state.banner.get().map(|message| view! {
            <div class="banner error" role="alert">
                <span>{message}</span>
                <button type="button" class="link" on:click=move |_| state.reload()>"Reload the deal"</button>
            </div>
        })}
        <p class="visually-hidden" role="status">{move || state.saved.get()}</p>
        <fields::TitleField state />
        <path::StagePath state />
        <div class="deal-layout">
            <fields::DealFields state />
            <div class="deal-side">
                <fields::Contacts state />
                <path::Checklist state />
                <path::History state />
            </div>
        </div>
    }
}
