//! `/deals`: every deal in a sortable, filterable table, fifty to a page, with bulk stage
//! and owner changes. Filters, order and page live in the URL.

mod bulk;
mod filters;
mod query;
mod table;

use crate::api::json::load;
use crate::{
    api::deals::{get_list_options, list_deals},
    components::live::Here,
    live::{use_live, News},
};
use bulk::{BulkBar, BulkReport, BulkReportView};
use filters::DealFilters;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use query::DealQuery;
use table::{DealTable, Selection};

#[component]
pub fn DealListPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| DealQuery::read(|key| p.get(key))));
    // Pipelines, owners and stages change only with the pipeline.
    let pipeline = Memo::new(move |_| query.with(|q| q.pipeline));
    let reload = RwSignal::new(0_u32);
    let selected: Selection = RwSignal::new(Vec::new());
    let report = RwSignal::new(None::<BulkReport>);
    let options = load(move || pipeline.get(), get_list_options);
    let deals = load(
        move || (query.get(), reload.get()),
        |(query, _)| list_deals(query.filter(), query.sort, query.page),
    );
    let here = use_live().map(|live| {
        live.reload_on_burst(reload, |news| match news {
            News::Resync => true,
            News::Event(event) => event.deal().is_some(),
        });
        live.show("deals".to_owned());
        view! { <Here live view="deals".to_owned() /> }
    });
    // Other filters show other rows; deals picked out of sight must not be changed.
    Effect::watch(
        move || query.get(),
        move |_, _, _| selected.set(Vec::new()),
        false,
    );
    view! {
        <Title text="Deals" />
        <header class="page-header">
            <h1>"Deals"</h1>
            {here}
            <a class="button secondary" href="/pipeline">"Board"</a>
        </header>
        <Transition fallback=|| view! { <p class="loading">"Loading filters…"</p> }>
            {move || Suspend::new(async move {
                match options.await {
                    Ok(loaded) => {
                        let stages = loaded.stages.clone();
                        let owners = loaded.owners.clone();
                        view! {
                            <DealFilters options=loaded query />
                            <BulkBar stages owners selected report reload />
                        }
                        .into_any()
                    }
                    Err(error) => view! { <div class="banner error" role="alert">{error.message()}</div> }.into_any(),
                }
            })}
        </Transition>
        <BulkReportView report />
        <Transition fallback=|| view! { <p class="loading">"Loading deals…"</p> }>
            {move || Suspend::new(async move {
                match deals.await {
                    Ok(page) => view! { <DealTable page query=query.get_untracked() selected /> }.into_any(),
                    Err(error) => view! { <div class="banner error" role="alert">{error.message()}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}
