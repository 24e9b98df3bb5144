//! Period, pipeline, owner and team, kept in the URL (`?period=last-quarter&owner=…`) so a
//! view can be bookmarked and the form works before the page's script has loaded.

use domain::{
    board::BoardOptions,
    metrics::{MetricsFilter, PeriodPreset},
};
use leptos::prelude::*;
use leptos_router::params::ParamsMap;

/// The preset asked for and the filter it means today.
pub fn from_query(params: &ParamsMap) -> (PeriodPreset, MetricsFilter) {
    let day = |key: &str| {
        params
            .get(key)
            .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
    };
    let uuid = |key: &str| params.get(key).and_then(|v| uuid::Uuid::parse_str(&v).ok());
    let preset = params
        .get("period")
        .and_then(|p| PeriodPreset::parse(&p))
        .unwrap_or(PeriodPreset::ThisQuarter);
    let today = chrono::Utc::now().date_naive();
    let filter = MetricsFilter {
        period: preset.resolve(today, day("from"), day("to")),
        pipeline: uuid("pipeline"),
        owner: uuid("owner"),
        team: uuid("team"),
    };
    (preset, filter)
}

#[component]
pub fn FilterBar(
    filter: MetricsFilter,
    preset: PeriodPreset,
    options: BoardOptions,
    people: Vec<(uuid::Uuid, String)>,
    teams: Vec<(uuid::Uuid, String)>,
) -> impl IntoView {
    let has_teams = !teams.is_empty();
    let custom = preset == PeriodPreset::Custom;
    let period = filter.period;
    view! {
        <form class="dashboard-filters" method="get" action="/dashboard" aria-label="Dashboard filters">
            <label>
                <span>"Period"</span>
                <select name="period">
                    {PeriodPreset::ALL.into_iter().map(|p| view! {
                        <option value=p.key() selected=p == preset>{p.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <details class="custom-dates" open=custom>
                <summary>"Dates"</summary>
                <label><span>"From"</span><input type="date" name="from" value=period.from.to_string() /></label>
                <label><span>"To"</span><input type="date" name="to" value=period.to.to_string() /></label>
                <p class="hint">"Dates apply with “Custom dates”."</p>
            </details>
            <label>
                <span>"Pipeline"</span>
                <select name="pipeline">
                    {options.pipelines.into_iter().map(|(id, name)| view! {
                        <option value=id.0.to_string() selected=filter.pipeline == Some(id.0)>{name}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>"Owner"</span>
                <select name="owner">
                    <option value="" selected=filter.owner.is_none()>"Everyone"</option>
                    {people.into_iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=filter.owner == Some(id)>{name}</option>
                    }).collect_view()}
                </select>
            </label>
            {has_teams.then(|| view! {
                <label>
                    <span>"Team"</span>
                    <select name="team">
                        <option value="" selected=filter.team.is_none()>"All teams"</option>
                        {teams.into_iter().map(|(id, name)| view! {
                            <option value=id.to_string() selected=filter.team == Some(id)>{name}</option>
                        }).collect_view()}
                    </select>
                </label>
            })}
            <button type="submit" class="secondary">"Show"</button>
        </form>
    }
}
