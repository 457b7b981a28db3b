//! The dashboard: counts by stage, custody and risk; removals and hearings in the next 30 days.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use corridor_app::{Upcoming, UpcomingKind};
use corridor_core::Permission;

use super::{app_error, render};
use crate::AppState;
use crate::auth::{SignedIn, Who};
use crate::charts::{Chart, Series, bar_chart, line_chart};
use crate::i18n::Translator;
use corridor_core::report::Milestone;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage<'a> {
    t: &'a Translator,
    who: Who,
    total: u64,
    by_stage: Vec<(&'a str, u64, &'static str)>,
    by_custody: Vec<(&'a str, u64, &'static str)>,
    by_risk: Vec<(&'a str, u64, &'static str)>,
    removals: Vec<Row<'a>>,
    hearings: Vec<Row<'a>>,
    /// The trends chart (server-rendered SVG) and the same figures as a table.
    charts: [String; 2],
    trend_months: Vec<String>,
    trend_rows: Vec<(&'a str, Vec<u64>)>,
}

/// One dated line: date, case id, name, what.
struct Row<'a> {
    date: String,
    case_id: String,
    name: String,
    what: &'a str,
}

/// `GET /`: the dashboard for those who work on cases; sponsors start at their referrals and
/// administrators at the users they manage.
pub async fn dashboard(State(state): State<AppState>, signed_in: SignedIn) -> Response {
    let t = &state.t;
    let who = &signed_in.principal;
    if !who.may(Permission::CaseList) {
        if who.may(Permission::ReferralRead) {
            return Redirect::to("/referrals").into_response();
        }
        if who.may(Permission::UserManage) {
            return Redirect::to("/admin/users").into_response();
        }
    }
    let today = chrono::Utc::now().date_naive();
    let dashboard = match state.corridor.dashboard(&signed_in.principal, today).await {
        Ok(dashboard) => dashboard,
        Err(error) => return app_error(t, error),
    };
    let row = |u: &Upcoming| Row {
        date: u.on_date.to_string(),
        case_id: u.case_id.to_string(),
        name: u.display_name.clone(),
        what: match u.what {
            UpcomingKind::Hearing(kind) => t.label("hearing", kind.as_str()),
            UpcomingKind::Removal(_) => t.get("dashboard.removal"),
        },
    };
    let c = &dashboard.counts;
    let trends = &dashboard.trends;
    let trend_months: Vec<String> = trends.months.iter().map(ToString::to_string).collect();
    let trend_rows: Vec<(&str, Vec<u64>)> = trends
        .counts
        .iter()
        .map(|(m, counts)| (t.label("milestone", m.as_str()), counts.clone()))
        .collect();
    // Danger as lines (detained, removed), the way out as bars (referred, accepted, arrived).
    let series = |danger: bool| -> Vec<Series> {
        trends
            .counts
            .iter()
            .zip(&trend_rows)
            .filter(|((m, _), _)| matches!(m, Milestone::Detained | Milestone::Removed) == danger)
            .map(|((m, counts), (label, _))| Series {
                label,
                class: m.as_str(),
                values: counts,
            })
            .collect()
    };
    let charts = [
        line_chart(&Chart {
            title: t.get("dashboard.trend_danger"),
            description: t.get("dashboard.trend_danger_desc"),
            empty: t.get("dashboard.trends_empty"),
            x_labels: &trend_months,
            series: &series(true),
        }),
        bar_chart(&Chart {
            title: t.get("dashboard.trend_way_out"),
            description: t.get("dashboard.trend_way_out_desc"),
            empty: t.get("dashboard.trends_empty"),
            x_labels: &trend_months,
            series: &series(false),
        }),
    ];
    render(
        t,
        DashboardPage {
            t,
            who: signed_in.who(t),
            total: dashboard.total,
            by_stage: c
                .by_stage
                .iter()
                .map(|(s, n)| (t.label("stage", s.as_str()), *n, s.as_str()))
                .collect(),
            by_custody: c
                .by_custody
                .iter()
                .map(|(s, n)| (t.label("custody", s.as_str()), *n, s.as_str()))
                .collect(),
            by_risk: c
                .by_risk
                .iter()
                .rev()
                .map(|(s, n)| (t.label("risk", s.as_str()), *n, s.as_str()))
                .collect(),
            removals: dashboard.removals.iter().map(row).collect(),
            hearings: dashboard.hearings.iter().map(row).collect(),
            charts,
            trend_months: trend_months.clone(),
            trend_rows: trend_rows.clone(),
        },
    )
}
