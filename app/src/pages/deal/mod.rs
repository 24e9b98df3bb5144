//! `/deals/:id`: every field editable in place, the stage path with what the next stage
//! needs, contacts, outcome buttons and the stage history. Every save carries the
//! version the page was based on; a conflict says who changed what and keeps your text.

use crate::api::json::load;
mod conflict;
mod fields;
mod next_steps;
mod path;
mod quick_log;

use crate::api::activities::deal_activities;
use crate::components::timeline::{first_page, Timeline};
use crate::pages::records::{load_failed, NotFoundStatus};
use crate::{
    api::deals::{get_deal, update_deal},
    components::live::Here,
    live::{use_live, Live, News},
};
use conflict::{Conflict, ConflictPrompt};
use domain::note::RecordRef;
use domain::{activity::Activity, timeline::TimelinePage};
use domain::{
    board::{DealDetail, Saved},
    deal::{validate_changes, DealChange},
    ids::DealId,
    permission::{allows, Action, Whose},
    AppError, FieldErrors, Role, UserId,
};
use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

/// The page's live copy of the deal and what the last save said.
#[derive(Clone, Copy)]
pub struct DealState {
    pub detail: RwSignal<DealDetail>,
    pub errors: RwSignal<FieldErrors>,
    pub banner: RwSignal<Option<String>>,
    pub saved: RwSignal<Option<String>>,
    /// Someone else saved the same field first: theirs is shown, yours waits here.
    pub conflict: RwSignal<Option<Conflict>>,
    pub live: Option<Live>,
    /// Who is looking, for what the permission table lets them do to this deal.
    pub viewer: (Role, UserId),
}

impl DealState {
    /// True when the viewer may `action` this deal by the one permission table; the
    /// server checks the same table again on every save.
    pub fn may(&self, action: Action) -> bool {
        let (role, me) = self.viewer;
        let owner = self.detail.with(|d| d.owner);
        allows(role, action, Whose::of(me, owner))
    }

    pub fn id(&self) -> DealId {
        self.detail.with_untracked(|d| d.id)
    }

    pub fn version(&self) -> i32 {
        self.detail.try_with_untracked(|d| d.version).unwrap_or(0)
    }

    /// A write of ours went through: take its version, say so, offer to undo it.
    pub fn done(&self, saved: &Saved, what: String) {
        self.saved.try_set(Some(what.clone()));
        self.saved_as(saved.card.version);
        if let Some(live) = self.live {
            live.offer_undo(saved.event, what);
        }
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
            match update_deal(id, version, changes.clone()).await {
                Ok(saved) => {
                    state.errors.try_set(FieldErrors::default());
                    state.done(&saved, format!("Saved {what}."));
                }
                Err(AppError::Conflict(message)) => {
                    state.conflict.try_set(Some(Conflict {
                        message,
                        changes,
                        what,
                    }));
                    state.reload();
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
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let deal = load(id, get_deal);
    // Loaded next to the deal, not inside its view: one step for hydration to follow.
    let activities = load(id, |id| {
        deal_activities(DealId(Uuid::parse_str(&id).unwrap_or_default()))
    });
    let timeline = first_page(id, |id| RecordRef::Deal(DealId(id)));
    // A deal of another workspace, or one the viewer may not see, answers 404.
    let status = NotFoundStatus::capture();
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the deal…"</p> }>
            {move || {
                let status = status.clone();
                Suspend::new(async move {
                    let (deal, activities, timeline) = (deal.await, activities.await, timeline.await);
                    match deal {
                        Ok(detail) => view! { <DealView detail activities timeline /> }.into_any(),
                        Err(error) => load_failed(&error, &status, "Deal", "/pipeline", "Back to the pipeline"),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn DealView(
    detail: DealDetail,
    activities: Result<Vec<Activity>, AppError>,
    timeline: Result<TimelinePage, AppError>,
) -> impl IntoView {
    // The tab title reads the deal through its `Arc`, not the arena. On the server
    // leptos_meta calls it after the page has rendered, outside the request's sandboxed
    // render: the worker's current arena may then be another request's, where an arena
    // signal reads as disposed (a panic) or as that request's deal.
    let detail = ArcRwSignal::new(detail);
    let title = {
        let detail = detail.clone();
        move || detail.with(|d| d.title.clone())
    };
    let state = DealState {
        detail: detail.into(),
        errors: RwSignal::new(FieldErrors::default()),
        banner: RwSignal::new(None),
        saved: RwSignal::new(None),
        conflict: RwSignal::new(None),
        live: use_live(),
        viewer: {
            let user = crate::pages::shell::use_current_user();
            (user.role, user.user_id)
        },
    };
    let here = state.live.map(|live| {
        let deal = state.id();
        let view = format!("deal:{deal}");
        live.show(view.clone());
        // Someone else's save (or ours from another tab): read the deal again. Fields
        // re-render only where their value changed, so a field being typed in keeps
        // its text unless that very field changed.
        live.on_news(move |news| {
            let newer = match news {
                News::Resync => true,
                News::Event(event) => {
                    event.deal() == Some(deal.0)
                        && event
                            .gist
                            .version
                            .is_some_and(|v| v > i64::from(state.version()))
                }
            };
            if newer {
                state.reload();
            }
        });
        view! { <Here live view /> }
    });
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
        {here}
        <ConflictPrompt state />
        <fields::TitleField state />
        <path::StagePath state />
        <div class="deal-layout">
            <fields::DealFields state />
            <div class="deal-side">
                <next_steps::NextSteps state loaded=activities />
                <fields::Contacts state />
                <path::Checklist state />
                <Timeline of=RecordRef::Deal(state.id()) first=timeline />
            </div>
        </div>
    }
}
