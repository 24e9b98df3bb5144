//! `pipewright report`: every dashboard figure for a period, for scripts and checks.

use crate::cli::ReportArgs;
use chrono::{NaiveDate, Utc};
use domain::metrics::{MetricsFilter, Period};
use service::Crm;

type Failure = Box<dyn std::error::Error>;

/// Prints the dashboard as JSON (field names as in docs/METRICS.md), or a short summary.
///
/// # Errors
/// Unknown workspace, pipeline or owner; bad dates.
pub async fn report(crm: &Crm, args: &ReportArgs) -> Result<(), Failure> {
    let viewer = crm
        .workspace_admin(args.workspace.as_deref())
        .await
        .map_err(|_| "no single workspace matches: pass --workspace with its exact name")?;
    let day = |text: &str| {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| format!("{text:?} is not a date (YYYY-MM-DD)"))
    };
    let period = match (&args.from, &args.to) {
        (Some(from), Some(to)) => Period::new(day(from)?, day(to)?)?,
        _ => Period::quarter_of(Utc::now().date_naive()),
    };
    let pipeline = match &args.pipeline {
        Some(name) => Some(
            crm.pipeline_named(&viewer, name)
                .await
                .map_err(|_| format!("no pipeline named {name:?}"))?,
        ),
        None => None,
    };
    let owner = match &args.owner {
        Some(name) => Some(
            crm.member_named(&viewer, name)
                .await
                .map_err(|_| format!("nobody named {name:?}"))?,
        ),
        None => None,
    };
    let team = match &args.team {
        Some(name) => Some(
            crm.team_named(&viewer, name)
                .await
                .map_err(|_| format!("no team named {name:?}"))?,
        ),
        None => None,
    };
    let dashboard = crm
        .dashboard(
            &viewer,
            MetricsFilter {
                period,
                pipeline,
                owner,
                team,
            },
        )
        .await
        .map_err(|e| e.message())?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&dashboard)?);
    } else {
        let now = &dashboard.current;
        println!(
            "{} · {} to {}",
            dashboard.pipeline_name, period.from, period.to
        );
        println!(
            "won {} · lost {} · win rate {}",
            now.won_deals,
            now.lost_deals,
            now.win_rate
                .map_or("—".into(), |r| format!("{:.1}%", r.percent()))
        );
        println!("open {} deals · new {}", now.open_deals, now.new_deals);
    }
    Ok(())
}
