//! The headline figures, each with the previous period's value beside it.

use super::format::{days, money, share};
use domain::metrics::Dashboard;
use leptos::prelude::*;

#[component]
pub fn Headline(dashboard: Dashboard) -> impl IntoView {
    let (now, before) = (&dashboard.current, &dashboard.previous);
    let won_note = format!("{} won · {} lost", now.won_deals, now.lost_deals);
    let cycle_note = format!("median {}", days(now.sales_cycle_median_tenths));
    let open_note = format!("{} open deals", now.open_deals);
    let cards = vec![
        (
            "Win rate",
            share(now.win_rate),
            won_note,
            share(before.win_rate),
        ),
        (
            "Won",
            money(&now.won_value),
            format!("{} deals", now.won_deals),
            money(&before.won_value),
        ),
        (
            "Average won deal",
            money(&now.average_won_deal),
            String::new(),
            money(&before.average_won_deal),
        ),
        (
            "Sales cycle",
            days(now.sales_cycle_mean_tenths),
            cycle_note,
            days(before.sales_cycle_mean_tenths),
        ),
        (
            "Open pipeline",
            money(&now.open_value),
            open_note,
            String::new(),
        ),
        (
            "Weighted pipeline",
            money(&now.weighted_value),
            "value × stage probability".to_owned(),
            String::new(),
        ),
        (
            "Pipeline velocity",
            per_day(&money(&now.velocity_per_day)),
            String::new(),
            per_day(&money(&before.velocity_per_day)),
        ),
        (
            "New deals",
            now.new_deals.to_string(),
            String::new(),
            before.new_deals.to_string(),
        ),
    ];
    view! {
        <section class="kpis" aria-label="Headline figures">
            {cards.into_iter().map(|(label, value, note, previous)| view! {
                <div class="kpi" role="group" aria-label=label>
                    <span class="kpi-label">{label}</span>
                    <strong class="kpi-value">{value}</strong>
                    {(!note.is_empty()).then(|| view! { <span class="kpi-note">{note}</span> })}
                    {(!previous.is_empty()).then(|| view! {
                        <span class="kpi-previous">"Previous period: " {previous}</span>
                    })}
                </div>
            }).collect_view()}
        </section>
    }
}

fn per_day(text: &str) -> String {
    if text == super::format::NONE {
        text.to_owned()
    } else {
        format!("{text} a day")
    }
}
