//! How figures read: money per currency, shares, days, and "—" for no figure.

use domain::{
    metrics::{Amount, Dashboard, Ratio},
    money::{format_whole, Currency},
};

pub const NONE: &str = "—";

pub fn money(amounts: &[Amount]) -> String {
    if amounts.is_empty() {
        return NONE.to_owned();
    }
    amounts
        .iter()
        .map(one_amount)
        .collect::<Vec<_>>()
        .join(" · ")
}

pub fn one_amount(amount: &Amount) -> String {
    match Currency::parse(&amount.currency) {
        Ok(currency) => format_whole(amount.cents, currency),
        Err(_) => format!("{} {}", amount.currency, amount.cents / 100),
    }
}

pub fn share(ratio: Option<Ratio>) -> String {
    ratio.map_or_else(|| NONE.to_owned(), |r| format!("{:.1}%", r.percent()))
}

/// Tenths of a day as "12.3 days".
pub fn days(tenths: Option<i64>) -> String {
    tenths.map_or_else(
        || NONE.to_owned(),
        |t| format!("{}.{} days", t / 10, (t % 10).abs()),
    )
}

/// The currency the charts draw: the one with the most money in sight. Tables list
/// every currency; amounts in different currencies are never added.
pub fn chart_currency(dashboard: &Dashboard) -> Option<String> {
    let now = &dashboard.current;
    now.open_value
        .iter()
        .chain(&now.won_value)
        .max_by_key(|a| a.cents)
        .map(|a| a.currency.clone())
}

pub fn cents_in(amounts: &[Amount], currency: Option<&str>) -> i64 {
    amounts
        .iter()
        .filter(|a| Some(a.currency.as_str()) == currency)
        .map(|a| a.cents)
        .sum()
}

pub fn period_note(dashboard: &Dashboard) -> String {
    let period = dashboard.filter.period;
    let previous = dashboard.previous_period;
    format!(
        "{} · {} to {} (compared with {} to {})",
        dashboard.pipeline_name, period.from, period.to, previous.from, previous.to
    )
}
