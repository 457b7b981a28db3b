//! The public aggregate for advocacy: counts by month and milestone, none under five shown,
//! as a printable page and as CSV. Both are audited as exports.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use corridor_app::Custodian;
use corridor_core::report::{AggregateRow, MIN_SHOWN, Milestone, Month, to_csv};

use super::{app_error, render};
use crate::AppState;
use crate::auth::{SignedIn, Who};
use crate::i18n::Translator;

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage<'a> {
    t: &'a Translator,
    who: Who,
    min_shown: u64,
    milestones: Vec<&'a str>,
    /// Each month, and its count for each milestone ("" when none happened).
    rows: Vec<(String, Vec<String>)>,
}

/// The aggregate as a table: months down, milestones across.
fn table(rows: &[AggregateRow]) -> Vec<(String, Vec<String>)> {
    let mut months: Vec<Month> = rows.iter().map(|r| r.month).collect();
    months.dedup();
    months
        .into_iter()
        .map(|month| {
            let cells = Milestone::ALL
                .iter()
                .map(|m| {
                    rows.iter()
                        .find(|r| r.month == month && r.milestone == *m)
                        .map(|r| r.count.to_string())
                        .unwrap_or_default()
                })
                .collect();
            (month.to_string(), cells)
        })
        .collect()
}

/// `GET /reports/aggregate`.
pub async fn page(State(state): State<AppState>, signed_in: SignedIn) -> Response {
    let t = &state.t;
    match state
        .corridor
        .aggregate_report(Custodian::User(&signed_in.principal))
        .await
    {
        Ok(rows) => render(
            t,
            ReportPage {
                t,
                who: signed_in.who(t),
                min_shown: MIN_SHOWN,
                milestones: Milestone::ALL
                    .iter()
                    .map(|m| t.label("milestone", m.as_str()))
                    .collect(),
                rows: table(&rows),
            },
        ),
        Err(error) => app_error(t, error),
    }
}

/// `GET /reports/aggregate.csv`.
pub async fn csv(State(state): State<AppState>, signed_in: SignedIn) -> Response {
    match state
        .corridor
        .aggregate_report(Custodian::User(&signed_in.principal))
        .await
    {
        Ok(rows) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"corridor-aggregate.csv\"",
                ),
            ],
            to_csv(&rows),
        )
            .into_response(),
        Err(error) => app_error(&state.t, error),
    }
}
