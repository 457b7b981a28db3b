//! `corridor alerts list [--now DATE] [--json]`: the removal watch's alerts as of a day, as the
//! operator (every organisation's cases), case ids only, never names; and `corridor report
//! aggregate [--csv]`, the counts by month fit for publication.

use corridor_app::Custodian;
use corridor_core::parse_full_date;

use crate::Failure;
use crate::cli::{AlertsCommand, Global, ReportCommand};
use crate::commands::{print_json, unseal};
use crate::output::out;

/// The day `--now` names, or today.
fn day_of(now: Option<String>) -> Result<chrono::NaiveDate, Failure> {
    match now {
        Some(day) => parse_full_date(&day).map_err(|e| Failure::usage(format!("--now: {e}"))),
        None => Ok(chrono::Utc::now().date_naive()),
    }
}

pub async fn command(global: &Global, command: AlertsCommand) -> Result<(), Failure> {
    match command {
        AlertsCommand::Sweep { now } => {
            let at = match now {
                Some(_) => day_of(now)?
                    .and_hms_opt(12, 0, 0)
                    .map(|t| t.and_utc())
                    .unwrap_or_else(chrono::Utc::now),
                None => chrono::Utc::now(),
            };
            let day = at.date_naive();
            let corridor = unseal(global).await?;
            let moved = corridor.sweep_lost_contact(at).await;
            corridor.close().await;
            let moved = moved?;
            for case in &moved {
                out!("{case}")?;
            }
            eprintln!("{} moved to lost contact as of {day}", moved.len());
            Ok(())
        }
        AlertsCommand::List { now, json } => {
            let today = day_of(now)?;
            let corridor = unseal(global).await?;
            let alerts = corridor.watch_alerts(Custodian::Operator, today).await;
            corridor.close().await;
            let alerts = alerts?;
            if json {
                return print_json(&alerts);
            }
            if alerts.is_empty() {
                return out!("no alert on {today}");
            }
            for alert in &alerts {
                out!(
                    "{:9} {:24} {} {} {}",
                    alert.level.as_str(),
                    alert.rule.as_str(),
                    alert.case,
                    alert.on.map_or_else(|| "-".to_owned(), |d| d.to_string()),
                    alert.why
                )?;
            }
            Ok(())
        }
    }
}

pub async fn report(global: &Global, command: ReportCommand) -> Result<(), Failure> {
    match command {
        ReportCommand::Aggregate { csv } => {
            let corridor = unseal(global).await?;
            let rows = corridor
                .aggregate_report(corridor_app::Custodian::Operator)
                .await;
            corridor.close().await;
            let rows = rows?;
            if csv {
                return out!("{}", corridor_core::report::to_csv(&rows).trim_end());
            }
            for row in &rows {
                out!(
                    "{}  {:9} {:>5}",
                    row.month,
                    row.milestone.as_str(),
                    row.count.to_string()
                )?;
            }
            Ok(())
        }
    }
}
