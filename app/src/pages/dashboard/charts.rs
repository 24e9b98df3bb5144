//! SVG charts drawn from the figures: horizontal bars (they fit a phone's width), a
//! funnel and a forecast line. Text inside is plain text nodes, never markup.

use super::{
    format::{cents_in, chart_currency, days, money, one_amount, share},
    tables::FigureCard,
};
use domain::metrics::{Amount, Dashboard};
use leptos::prelude::*;

const WIDTH: f64 = 340.0;
const LABEL: f64 = 104.0;
const ROW: f64 = 30.0;

/// One bar: its label, its size, and the text printed after it.
struct Bar {
    label: String,
    size: f64,
    text: String,
}

fn short(label: &str) -> String {
    if label.chars().count() > 16 {
        format!("{}…", label.chars().take(15).collect::<String>())
    } else {
        label.to_owned()
    }
}

fn bars_svg(title: String, bars: Vec<Bar>) -> AnyView {
    let largest = bars.iter().map(|b| b.size).fold(0.0_f64, f64::max).max(1.0);
    let height = ROW * bars.len().max(1) as f64 + 4.0;
    // Room after the bar for its value text ("$2,315,716 · 45").
    let room = WIDTH - LABEL - 120.0;
    view! {
        <svg class="chart bars" viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=title>
            {bars.into_iter().enumerate().map(|(i, bar)| {
                let y = ROW * i as f64 + 4.0;
                let length = (bar.size / largest * room).max(if bar.size > 0.0 { 2.0 } else { 0.0 });
                view! {
                    <g>
                        <text x="0" y=y + 16.0 class="bar-label">{short(&bar.label)}</text>
                        <rect x=LABEL y=y width=length height=ROW - 10.0 rx="3" class="bar" />
                        <text x=LABEL + length + 6.0 y=y + 16.0 class="bar-value">{bar.text}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
    .into_any()
}

fn money_in(amounts: &[Amount], currency: Option<&str>) -> (f64, String) {
    let cents = cents_in(amounts, currency);
    let text = amounts
        .iter()
        .find(|a| Some(a.currency.as_str()) == currency)
        .map_or_else(|| "0".to_owned(), one_amount);
    (cents as f64, text)
}

#[component]
pub fn OpenByStage(dashboard: Dashboard) -> impl IntoView {
    let currency = chart_currency(&dashboard);
    let bars = dashboard
        .open_by_stage
        .iter()
        .map(|s| {
            let (size, value) = money_in(&s.value, currency.as_deref());
            Bar {
                label: s.name.clone(),
                size,
                text: format!("{value} · {}", s.deals),
            }
        })
        .collect();
    let rows = dashboard
        .open_by_stage
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                s.deals.to_string(),
                money(&s.value),
                format!("{}%", s.probability),
                money(&s.weighted),
            ]
        })
        .collect();
    let chart = bars_svg("Open pipeline value by stage".into(), bars);
    view! {
        <FigureCard title="Open pipeline by stage" file="open-pipeline"
            header=vec!["Stage", "Open deals", "Value", "Probability", "Weighted"] rows chart />
    }
}

#[component]
pub fn TimeInStage(dashboard: Dashboard) -> impl IntoView {
    let bars = dashboard
        .time_in_stage
        .iter()
        .map(|s| Bar {
            label: s.name.clone(),
            size: s.mean_days_tenths.unwrap_or(0) as f64,
            text: days(s.mean_days_tenths),
        })
        .collect();
    let rows = dashboard
        .time_in_stage
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                s.stays.to_string(),
                days(s.mean_days_tenths),
            ]
        })
        .collect();
    let chart = bars_svg("Average days in each stage".into(), bars);
    view! {
        <FigureCard title="Time in stage" file="time-in-stage"
            header=vec!["Stage", "Stays ended", "Average time"] rows chart />
    }
}

#[component]
pub fn LostReasons(dashboard: Dashboard) -> impl IntoView {
    let bars: Vec<Bar> = dashboard
        .lost_reasons
        .iter()
        .map(|r| Bar {
            label: r.reason.clone(),
            size: r.deals as f64,
            text: format!("{} · {}", r.deals, share(r.share)),
        })
        .collect();
    let rows: Vec<Vec<String>> = dashboard
        .lost_reasons
        .iter()
        .map(|r| vec![r.reason.clone(), r.deals.to_string(), share(r.share)])
        .collect();
    let chart = (!bars.is_empty()).then(|| bars_svg("Deals lost by reason".into(), bars));
    view! {
        <FigureCard title="Lost reasons" file="lost-reasons" header=vec!["Reason", "Deals lost", "Share"]
            rows chart=chart.unwrap_or_else(|| ().into_any()) empty="No deals lost in this period." />
    }
}

#[component]
pub fn Funnel(dashboard: Dashboard) -> impl IntoView {
    let steps = &dashboard.conversion;
    let largest = steps.iter().map(|s| s.reached).max().unwrap_or(0).max(1) as f64;
    let height = 34.0 * steps.len() as f64 + 4.0;
    let chart = view! {
        <svg class="chart funnel" viewBox=format!("0 0 {WIDTH} {height}") role="img"
            aria-label="Deals reaching each stage">
            {steps.iter().enumerate().map(|(i, step)| {
                let width = (step.reached as f64 / largest * (WIDTH - 140.0)).max(2.0);
                let y = 34.0 * i as f64 + 4.0;
                let x = (WIDTH - 140.0 - width) / 2.0;
                let on = step.to_next.map(|r| format!(" → {}", share(Some(r)))).unwrap_or_default();
                view! {
                    <g>
                        <rect x=x y=y width=width height="26" rx="4" class="funnel-step" />
                        <text x=WIDTH - 134.0 y=y + 12.0 class="bar-label">{short(&step.name)}</text>
                        <text x=WIDTH - 134.0 y=y + 25.0 class="bar-value">{format!("{}{on}", step.reached)}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
    .into_any();
    let rows = steps
        .iter()
        .map(|s| vec![s.name.clone(), s.reached.to_string(), share(s.to_next)])
        .collect();
    view! {
        <FigureCard title="Conversion funnel" file="conversion"
            header=vec!["Stage", "Deals reaching it", "Went on to the next"] rows chart />
    }
}

#[component]
pub fn Forecast(dashboard: Dashboard) -> impl IntoView {
    let currency = chart_currency(&dashboard);
    let months = &dashboard.forecast;
    let totals: Vec<f64> = months
        .iter()
        .map(|m| cents_in(&m.total, currency.as_deref()) as f64)
        .collect();
    let won: Vec<f64> = months
        .iter()
        .map(|m| cents_in(&m.won, currency.as_deref()) as f64)
        .collect();
    let top = totals.iter().copied().fold(0.0_f64, f64::max).max(1.0);
    let (left, right, base, height) = (30.0, WIDTH - 30.0, 150.0, 176.0);
    let step = if months.len() > 1 {
        (right - left) / (months.len() - 1) as f64
    } else {
        0.0
    };
    let point = |i: usize, value: f64| (left + step * i as f64, base - value / top * 120.0);
    let line = |values: &[f64]| {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let (x, y) = point(i, *v);
                format!("{x:.1},{y:.1}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let peak = currency
        .as_ref()
        .map(|c| {
            one_amount(&Amount {
                currency: c.clone(),
                cents: top as i64,
            })
        })
        .unwrap_or_default();
    // Label every month when they fit; otherwise every third.
    let every = if months.len() > 6 { 3 } else { 1 };
    let chart = view! {
        <svg class="chart line" viewBox=format!("0 0 {WIDTH} {height}") role="img"
            aria-label="Forecast by expected close month: total and already won">
            <line x1=left y1=base x2=right y2=base class="axis" />
            <text x=left y="14" class="bar-value">{format!("max {peak}")}</text>
            <polyline points=line(&totals) class="series total" />
            <polyline points=line(&won) class="series won" />
            {months.iter().enumerate().map(|(i, m)| {
                let (x, y) = point(i, totals[i]);
                let label = (i % every == 0).then(|| view! {
                    <text x=x y=base + 18.0 class="bar-label month" text-anchor="middle">{m.month.clone()}</text>
                });
                view! { <circle cx=x cy=y r="3.5" class="dot total" /> {label} }
            }).collect_view()}
        </svg>
        <p class="legend"><span class="key total"></span>"Forecast (won + weighted open)"<span class="key won"></span>"Won"</p>
    }
    .into_any();
    let rows = months
        .iter()
        .map(|m| {
            vec![
                m.month.clone(),
                money(&m.won),
                money(&m.weighted_open),
                money(&m.total),
            ]
        })
        .collect();
    view! {
        <FigureCard title="Forecast by month" file="forecast"
            header=vec!["Month", "Won", "Weighted open", "Forecast"] rows chart />
    }
}
