//! `/dashboard`: the pipeline in true figures (docs/METRICS.md). Headline numbers with
//! the previous period beside them, then charts (SVG drawn here, each with the table
//! behind it for screen readers and a CSV download). Every figure reloads when anyone
//! changes a deal or lead: the live feed says so, the page asks again.

mod charts;
mod filters;
mod format;
mod goals;
mod headline;
mod review;
mod tables;

use crate::api::json::load;
use crate::{
    api::{
        goals::{RemoveGoal, SetGoal},
        metrics::{get_dashboard, DashboardView},
    },
    components::refetch_on,
    live::{use_live, News},
};
use domain::event::Subject;
use domain::metrics::{MetricsFilter, PeriodPreset};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

pub use review::ReviewPage;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(filters::from_query));
    let figures = load(move || query.get().1, get_dashboard);
    view! {
        <Title text="Dashboard" />
        <header class="page-header">
            <h1>"Dashboard"</h1>
            <a class="button secondary" href="/review">"Pipeline review"</a>
        </header>
        <Transition fallback=|| view! { <p class="loading">"Adding up the pipeline…"</p> }>
            {move || Suspend::new(async move {
                match figures.await {
                    Ok(view) => {
                        let (preset, filter) = query.get_untracked();
                        view! { <Figures view preset filter /> }.into_any()
                    }
                    Err(error) => view! { <div class="banner error" role="alert">{error.explain()}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Figures(view: DashboardView, preset: PeriodPreset, filter: MetricsFilter) -> impl IntoView {
    let DashboardView {
        dashboard,
        options,
        people,
        teams,
        can_set_goals,
    } = view;
    let figures = RwSignal::new(dashboard);
    let reload = RwSignal::new(0_u32);
    let set_goal = ServerAction::<SetGoal>::new();
    let remove_goal = ServerAction::<RemoveGoal>::new();
    // A goal saved or removed here reloads the figures at once, live feed or not.
    Effect::new(move |_| {
        if set_goal.version().get() + remove_goal.version().get() > 0 {
            reload.update(|n| *n += 1);
        }
    });
    let asked = filter.clone();
    refetch_on(reload, move || {
        let asked = asked.clone();
        async move {
            if let Ok(fresh) = get_dashboard(asked).await {
                figures.try_set(fresh.dashboard);
            }
        }
    });
    if let Some(live) = use_live() {
        live.reload_on_burst(reload, |news| match news {
            News::Resync => true,
            News::Event(event) => matches!(
                event.subject,
                Subject::Deal(_)
                    | Subject::Lead(_)
                    | Subject::Pipeline(_)
                    | Subject::Goal(_)
                    | Subject::Team(_)
                    | Subject::Member(_)
            ),
        });
    }
    view! {
        <filters::FilterBar filter preset options people=people.clone() teams=teams.clone() />
        {move || figures.with(|d| view! {
            <p class="period-note">{format::period_note(d)}</p>
            <headline::Headline dashboard=d.clone() />
            <goals::Goals goals=d.goals.clone() can_set=can_set_goals
                choices=goals::GoalChoices { people: people.clone(), teams: teams.clone(), period: d.filter.period }
                set=set_goal remove=remove_goal />
            <div class="dashboard-grid">
                <charts::OpenByStage dashboard=d.clone() />
                <charts::Forecast dashboard=d.clone() />
                <charts::Funnel dashboard=d.clone() />
                <charts::TimeInStage dashboard=d.clone() />
                <charts::LostReasons dashboard=d.clone() />
                <tables::Leaderboard dashboard=d.clone() />
                <tables::Sources dashboard=d.clone() />
            </div>
        })}
    }
}
