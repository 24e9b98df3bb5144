//! The pipeline page: open deals per stage with value and weighted value.
//! The drag-and-drop board replaces the stage list in the pipeline capability.

use crate::api::pipeline::get_pipeline_overview;
use domain::{
    money::format_whole,
    pipeline::{PipelineOverview, StageSummary, StageValue},
};
use leptos::prelude::*;
use leptos_meta::Title;

fn amounts(values: &[StageValue], weighted: bool) -> String {
    if values.is_empty() {
        return "–".to_owned();
    }
    values
        .iter()
        .map(|v| {
            format_whole(
                if weighted {
                    v.weighted_cents
                } else {
                    v.value_cents
                },
                v.currency,
            )
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// `/pipeline`.
#[component]
pub fn PipelinePage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_pipeline_overview());
    view! {
        <Title text="Pipeline" />
        <header class="page-header">
            <h1>"Pipeline"</h1>
        </header>
        <Transition fallback=|| view! { <p class="loading">"Loading the pipeline…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => view! { <Overview overview=overview /> }.into_any(),
                    Err(error) => view! { <div class="banner error" role="alert">{error.message()}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Overview(overview: PipelineOverview) -> impl IntoView {
    let open = overview.open_deals();
    let summary = format!(
        "{} open · {} won · {} lost",
        open, overview.won_deals, overview.lost_deals
    );
    view! {
        <p class="lead">{overview.pipeline_name.clone()} " — " {summary}</p>
        {(open == 0).then(|| view! {
            <p class="hint">"No open deals yet. The board for adding and moving deals is coming soon."</p>
        })}
        <ol class="stage-list" aria-label="Stages">
            {overview.stages.into_iter().map(|stage| view! { <StageRow stage=stage /> }).collect_view()}
        </ol>
        <p class="hint">
            <span class="badge">"Coming soon"</span>
            " Drag-and-drop board with stage rules, filters and live updates."
        </p>
    }
}

#[component]
fn StageRow(stage: StageSummary) -> impl IntoView {
    let value = amounts(&stage.values, false);
    let weighted = amounts(&stage.values, true);
    let label = format!("{}, {} open deals", stage.name, stage.open_deals);
    view! {
        <li class="stage" aria-label=label>
            <div class="stage-head">
                <span class="stage-name">{stage.name.clone()}</span>
                <span class="stage-probability">{stage.probability} "%"</span>
            </div>
            <dl class="stage-figures">
                <div><dt>"Deals"</dt><dd>{stage.open_deals}</dd></div>
                <div><dt>"Value"</dt><dd>{value}</dd></div>
                <div><dt>"Weighted"</dt><dd>{weighted}</dd></div>
            </dl>
        </li>
    }
}
