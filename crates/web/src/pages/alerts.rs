//! The screening review queue: the possible matches screening raised for the organisation's
//! cases, and a page per alert where an analyst decides, match or not, with a reason. A
//! refused decision comes back with what was typed and a message under the faulty field
//! (422); an alert decided or lapsed meanwhile comes back with a notice (409).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use corridor_app::{AlertView, AppError};
use corridor_core::{AlertId, AlertStatus, DecisionReason, Verdict};

use super::{app_error, form_field, form_pairs, message, not_found, render_with};
use crate::AppState;
use crate::auth::{SignedIn, Who};
use crate::i18n::Translator;

/// One alert as a page shows it.
struct Row {
    id: String,
    case_id: String,
    case_name: String,
    status: &'static str,
    raised_at: String,
    list: String,
    entry_id: String,
    listed_name: String,
    case_name_matched: String,
    score: String,
    explanation: Vec<String>,
    programs: String,
    decided_at: Option<String>,
    decided_by: Option<String>,
    reason: Option<String>,
}

impl Row {
    fn of(alert: AlertView) -> Row {
        let time = |at: chrono::DateTime<chrono::Utc>| at.format("%Y-%m-%d %H:%M UTC").to_string();
        Row {
            id: alert.id.to_string(),
            case_id: alert.case_id.to_string(),
            case_name: alert.case_name,
            status: alert.status.as_str(),
            raised_at: time(alert.raised_at),
            list: alert.facts.listed.list,
            entry_id: alert.facts.listed.entry_id,
            listed_name: alert.facts.listed_name,
            case_name_matched: alert.facts.case_name,
            score: format!("{:.3}", alert.facts.score),
            explanation: alert.facts.explanation,
            programs: alert.facts.programs.join("; "),
            decided_at: alert.decided_at.map(time),
            decided_by: alert.decided_by_name,
            reason: alert.reason.map(|r| r.as_str().to_owned()),
        }
    }
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct QueuePage<'a> {
    t: &'a Translator,
    who: Who,
    /// Each status to show (and `all`): its value, label, and whether it is shown now.
    tabs: Vec<(&'static str, &'a str, bool)>,
    listed_names: usize,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "alert.html")]
struct AlertPage<'a> {
    t: &'a Translator,
    who: Who,
    alert: Row,
    pending: bool,
    notice: Option<&'a str>,
    /// What was typed into the decision form, kept when it is refused.
    verdict: String,
    reason: String,
    verdict_error: Option<&'a str>,
    reason_error: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct QueueParams {
    status: Option<String>,
}

/// `GET /screening/alerts[?status=pending|match|no_match|lapsed|all]`: pending by default.
pub async fn queue(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<QueueParams>,
) -> Response {
    let t = &state.t;
    let showing = params.status.unwrap_or_else(|| "pending".to_owned());
    let status = match showing.as_str() {
        "all" => None,
        other => match other.parse::<AlertStatus>() {
            Ok(status) => Some(status),
            Err(_) => {
                return message(
                    t,
                    StatusCode::BAD_REQUEST,
                    "error.bad_filter",
                    "error.bad_filter_text",
                    "status",
                );
            }
        },
    };
    match state
        .corridor
        .screening_queue_for(&signed_in.principal, status)
        .await
    {
        Ok(alerts) => {
            let mut tabs: Vec<(&'static str, &str, bool)> = AlertStatus::ALL
                .iter()
                .map(|s| {
                    let label = t.label("alert_status", s.as_str());
                    (s.as_str(), label, Some(*s) == status)
                })
                .collect();
            tabs.push(("all", t.get("alerts.all"), status.is_none()));
            render_with(
                t,
                StatusCode::OK,
                QueuePage {
                    t,
                    who: signed_in.who(t),
                    tabs,
                    listed_names: state.corridor.listed_names(),
                    rows: alerts.into_iter().map(Row::of).collect(),
                },
            )
        }
        Err(error) => app_error(t, error),
    }
}

/// `GET /screening/alerts/{id}`: the alert, and the decision form while it is pending.
pub async fn alert(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<AlertId>() else {
        return not_found(State(state.clone())).await;
    };
    show(&state, &signed_in, id, StatusCode::OK, Typed::default()).await
}

/// What the decision form held, and what was wrong with it.
#[derive(Default)]
struct Typed {
    verdict: String,
    reason: String,
    verdict_error: bool,
    reason_error: Option<String>,
    conflict: bool,
}

async fn show(
    state: &AppState,
    signed_in: &SignedIn,
    id: AlertId,
    status: StatusCode,
    typed: Typed,
) -> Response {
    let t = &state.t;
    let alert = match state
        .corridor
        .screening_alert_for(&signed_in.principal, id)
        .await
    {
        Ok(alert) => alert,
        Err(error) => return app_error(t, error),
    };
    let pending = alert.status == AlertStatus::Pending;
    let notice = if typed.conflict {
        Some(t.get("alerts.conflict"))
    } else if typed.verdict_error || typed.reason_error.is_some() {
        Some(t.get("form.invalid"))
    } else {
        None
    };
    render_with(
        t,
        status,
        AlertPage {
            t,
            who: signed_in.who(t),
            alert: Row::of(alert),
            pending,
            notice,
            verdict: typed.verdict,
            reason: typed.reason,
            verdict_error: typed
                .verdict_error
                .then(|| t.get("alerts.verdict_required")),
            reason_error: typed.reason_error,
        },
    )
}

/// `POST /screening/alerts/{id}`: decides the alert (fields `verdict`, `reason`), then back to
/// the queue.
pub async fn decide(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let t = &state.t;
    let Ok(id) = id.parse::<AlertId>() else {
        return not_found(State(state.clone())).await;
    };
    let who = &signed_in.principal;
    // The right first, so that a refused user learns nothing from the validation.
    if let Err(error) = state
        .corridor
        .permit(
            who,
            corridor_core::Permission::ScreeningReview,
            corridor_core::AuditAction::ScreeningAlertDecided,
        )
        .await
    {
        return app_error(t, error);
    }
    let fields = match form_pairs(t, &headers, &body) {
        Ok(fields) => fields,
        Err(response) => return *response,
    };
    let mut typed = Typed {
        verdict: form_field(&fields, "verdict").to_owned(),
        reason: form_field(&fields, "reason").to_owned(),
        ..Typed::default()
    };
    let verdict = typed.verdict.parse::<Verdict>();
    let reason = DecisionReason::new(&typed.reason);
    typed.verdict_error = verdict.is_err();
    typed.reason_error = reason.as_ref().err().map(|e| e.to_string());
    let (Ok(verdict), Ok(reason)) = (verdict, reason) else {
        return show(
            &state,
            &signed_in,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            typed,
        )
        .await;
    };
    match state
        .corridor
        .decide_alert_for(who, id, verdict, reason)
        .await
    {
        Ok(()) => Redirect::to("/screening/alerts").into_response(),
        Err(AppError::AlertNotPending { .. }) => {
            typed.conflict = true;
            show(&state, &signed_in, id, StatusCode::CONFLICT, typed).await
        }
        Err(error) => app_error(t, error),
    }
}
