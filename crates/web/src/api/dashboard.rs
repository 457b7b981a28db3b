//! The dashboard's figures: counts by stage, custody and risk, and the removals and hearings of
//! the coming days, over the cases the caller may see.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use corridor_app::{LOOKAHEAD_DAYS, Upcoming, UpcomingKind};
use corridor_core::{CaseId, Custody, HearingKind, RiskLevel, Stage};

use super::auth::Caller;
use super::error::ApiError;
use crate::AppState;

#[derive(serde::Serialize)]
pub(super) struct DashboardView {
    total: u64,
    lookahead_days: i64,
    by_stage: Vec<Count<Stage>>,
    by_custody: Vec<Count<Custody>>,
    by_risk: Vec<Count<RiskLevel>>,
    removals: Vec<Removal>,
    hearings: Vec<Hearing>,
}

/// How many visible live cases have `value` (only non-zero counts are listed).
#[derive(serde::Serialize)]
struct Count<T> {
    value: T,
    count: u64,
}

#[derive(serde::Serialize)]
struct Removal {
    case_id: CaseId,
    display_name: String,
    on_date: NaiveDate,
    stage: Stage,
}

#[derive(serde::Serialize)]
struct Hearing {
    case_id: CaseId,
    display_name: String,
    on_date: NaiveDate,
    kind: HearingKind,
}

fn counts<T: Copy>(counts: &[(T, u64)]) -> Vec<Count<T>> {
    counts
        .iter()
        .map(|&(value, count)| Count { value, count })
        .collect()
}

pub(super) async fn get(
    State(state): State<AppState>,
    Caller(who): Caller,
) -> Result<Json<DashboardView>, ApiError> {
    let today = chrono::Utc::now().date_naive();
    let dashboard = state.corridor.dashboard(&who, today).await?;
    let removals = dashboard.removals.into_iter().filter_map(|u| match u.what {
        UpcomingKind::Removal(stage) => Some(Removal {
            stage,
            case_id: u.case_id,
            display_name: u.display_name,
            on_date: u.on_date,
        }),
        UpcomingKind::Hearing(_) => None,
    });
    let hearings = dashboard
        .hearings
        .into_iter()
        .filter_map(|u: Upcoming| match u.what {
            UpcomingKind::Hearing(kind) => Some(Hearing {
                kind,
                case_id: u.case_id,
                display_name: u.display_name,
                on_date: u.on_date,
            }),
            UpcomingKind::Removal(_) => None,
        });
    Ok(Json(DashboardView {
        total: dashboard.total,
        lookahead_days: LOOKAHEAD_DAYS,
        by_stage: counts(&dashboard.counts.by_stage),
        by_custody: counts(&dashboard.counts.by_custody),
        by_risk: counts(&dashboard.counts.by_risk),
        removals: removals.collect(),
        hearings: hearings.collect(),
    }))
}
