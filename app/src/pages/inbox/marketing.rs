//! `/marketing`: which sources and campaigns pay off. Leads, how many were qualified,
//! how many became deals, and the revenue of the deals they won: the loop from first
//! form post to closed business, refreshed live.

use crate::api::json::load;
use crate::{
    api::leads::get_marketing_report,
    components::refetch_on,
    live::{use_live, News},
};
use domain::event::Subject;
use domain::lead_rules::{MarketingReport, SourceFigures};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MarketingPage() -> impl IntoView {
    let report = load(|| (), |_| get_marketing_report());
    view! {
        <Title text="Sources report" />
        <header class="page-header"><h1>"Sources report"</h1></header>
        <p class="crumbs"><a href="/inbox">"The inbox"</a></p>
        <Transition fallback=|| view! { <p class="loading">"Adding up the sources…"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => view! { <Figures report /> }.into_any(),
                    Err(error) => view! { <div class="banner error" role="alert">{error.explain()}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Figures(report: MarketingReport) -> impl IntoView {
    let report = RwSignal::new(report);
    let reload = RwSignal::new(0_u32);
    refetch_on(reload, move || async move {
        if let Ok(fresh) = get_marketing_report().await {
            report.try_set(fresh);
        }
    });
    if let Some(live) = use_live() {
        live.reload_on_burst(reload, |news| match news {
            News::Resync => true,
            News::Event(event) => {
                matches!(event.subject, Subject::Lead(_) | Subject::Deal(_))
            }
        });
    }
    view! {
        {move || report.with(|r| view! {
            <FigureTable caption="By source" first="Source" rows=r.by_source.clone() />
            <FigureTable caption="By campaign" first="Campaign" rows=r.by_campaign.clone() />
        })}
    }
}

fn percent(part: u64, whole: u64) -> String {
    SourceFigures::percent(part, whole).map_or_else(|| "–".to_owned(), |p| format!("{p}%"))
}

#[component]
fn FigureTable(
    caption: &'static str,
    first: &'static str,
    rows: Vec<SourceFigures>,
) -> impl IntoView {
    let empty = rows.is_empty();
    view! {
        <section class="card report" aria-label=caption>
            <h2>{caption}</h2>
            {empty.then(|| view! { <p class="empty">"No leads yet."</p> })}
            <div class="table-scroll">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{first}</th>
                            <th scope="col" class="num">"Leads"</th>
                            <th scope="col" class="num">"Qualified"</th>
                            <th scope="col" class="num">"Qualification rate"</th>
                            <th scope="col" class="num">"Deals"</th>
                            <th scope="col" class="num">"Lead → deal"</th>
                            <th scope="col" class="num">"Won"</th>
                            <th scope="col" class="num">"Won revenue"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|row| view! {
                            <tr>
                                <th scope="row">{row.label.clone()}</th>
                                <td class="num" data-label="Leads">{row.leads}</td>
                                <td class="num" data-label="Qualified">{row.qualified}</td>
                                <td class="num" data-label="Qualification rate">{percent(row.qualified, row.leads)}</td>
                                <td class="num" data-label="Deals">{row.converted}</td>
                                <td class="num" data-label="Lead → deal">{percent(row.converted, row.leads)}</td>
                                <td class="num" data-label="Won">{row.won_deals}</td>
                                <td class="num" data-label="Won revenue">{row.won_text()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
