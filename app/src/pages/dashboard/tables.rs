//! Every chart's numbers as a table (read by screen readers, downloadable as CSV),
//! and the two figures that are tables outright: the leaderboard and lead sources.

use super::format::{money, share};
use domain::metrics::{to_csv, Dashboard};
use leptos::prelude::*;

/// A card: title, an optional chart, and its table. With a chart, the table is
/// visually hidden (the chart's labels carry the numbers) but stays in the page.
#[component]
pub fn FigureCard(
    title: &'static str,
    file: &'static str,
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
    #[prop(optional)] chart: Option<AnyView>,
    #[prop(optional)] empty: Option<&'static str>,
) -> impl IntoView {
    let has_chart = chart.is_some();
    let mut lines = vec![header.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>()];
    lines.extend(rows.iter().cloned());
    let href = format!(
        "data:text/csv;charset=utf-8,{}",
        crate::pages::inbox::filters::encode(&to_csv(&lines))
    );
    let nothing = rows.is_empty();
    view! {
        <section class="card figure" aria-label=title>
            <div class="figure-head">
                <h2>{title}</h2>
                <a class="link csv" href=href download=format!("{file}.csv")
                    aria-label=format!("Download {title} as CSV")>"CSV"</a>
            </div>
            {match (nothing, empty) {
                (true, Some(message)) => Some(view! { <p class="empty">{message}</p> }),
                _ => None,
            }}
            {chart}
            <div class=if has_chart { "visually-hidden" } else { "table-scroll" }>
                <table>
                    <caption class="visually-hidden">{title}</caption>
                    <thead><tr>{header.iter().map(|h| view! { <th scope="col">{*h}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {rows.into_iter().map(|row| {
                            let mut cells = row.into_iter();
                            let first = cells.next().unwrap_or_default();
                            view! {
                                <tr>
                                    <th scope="row">{first}</th>
                                    {cells.zip(header.iter().skip(1)).map(|(cell, label)| view! {
                                        <td data-label=*label>{cell}</td>
                                    }).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
pub fn Leaderboard(dashboard: Dashboard) -> impl IntoView {
    let rows = dashboard
        .leaderboard
        .iter()
        .map(|rep| {
            vec![
                rep.name.clone(),
                rep.won_deals.to_string(),
                rep.lost_deals.to_string(),
                share(rep.win_rate),
                money(&rep.won_value),
                rep.open_deals.to_string(),
                money(&rep.open_value),
            ]
        })
        .collect();
    view! {
        <FigureCard title="Leaderboard" file="leaderboard"
            header=vec!["Owner", "Won", "Lost", "Win rate", "Won value", "Open deals", "Open value"]
            rows empty="No deals closed or open for this filter." />
    }
}

#[component]
pub fn Sources(dashboard: Dashboard) -> impl IntoView {
    let rows = dashboard
        .sources
        .iter()
        .map(|s| {
            // Sources are stored by key (`web_form`); people read the label.
            let source = domain::lead::LeadSource::parse(&s.source)
                .map_or_else(|| s.source.clone(), |known| known.label().to_owned());
            vec![
                source,
                s.leads.to_string(),
                s.converted.to_string(),
                share(s.lead_to_deal),
            ]
        })
        .collect();
    view! {
        <FigureCard title="Lead sources" file="lead-sources"
            header=vec!["Source", "Leads", "Became deals", "Lead → deal"]
            rows empty="No leads arrived in this period." />
    }
}
