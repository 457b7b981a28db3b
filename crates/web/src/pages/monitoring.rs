//! The case page's forms after removal: a check-in, and a field report (what is heard about
//! the person: arrested, missing, ...), which becomes a sourced claim on the timeline. A
//! refused form names the field (422) and changes nothing.

use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use corridor_core::checkin::{CheckInChannel, FieldReportKind};
use corridor_core::{CaseId, Confidence, PartialDate, Source, SourceKind};
use serde::Deserialize;

use super::app_error;
use crate::AppState;
use crate::auth::SignedIn;

/// Fields default to empty so that the right is checked before the form is read.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CheckInForm {
    on: String,
    channel: String,
    note: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FieldReportForm {
    kind: String,
    date: String,
    source_kind: String,
    source_reference: String,
    confidence: String,
    details: String,
}

fn refused(state: &AppState, field: &str) -> Response {
    super::refused_field(&state.t, field)
}

fn optional(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

/// `POST /cases/{id}/check-ins`.
pub async fn check_in(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<CheckInForm>,
) -> Response {
    let Ok(id) = id.parse::<CaseId>() else {
        return super::not_found(State(state.clone())).await;
    };
    let who = &signed_in.principal;
    if let Err(error) = state.corridor.may_keep_watch_on(who, id).await {
        return app_error(&state.t, error);
    }
    let Ok(on) = corridor_core::parse_full_date(form.on.trim()) else {
        return refused(&state, "on");
    };
    let Ok(channel) = form.channel.parse::<CheckInChannel>() else {
        return refused(&state, "channel");
    };
    match state
        .corridor
        .record_check_in_for(who, id, on, channel, optional(&form.note), Utc::now())
        .await
    {
        Ok(_) => Redirect::to(&format!("/cases/{id}#monitoring")).into_response(),
        Err(error) => app_error(&state.t, error),
    }
}

/// `POST /cases/{id}/field-reports`.
pub async fn field_report(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<FieldReportForm>,
) -> Response {
    let Ok(id) = id.parse::<CaseId>() else {
        return super::not_found(State(state.clone())).await;
    };
    let who = &signed_in.principal;
    if let Err(error) = state.corridor.may_keep_watch_on(who, id).await {
        return app_error(&state.t, error);
    }
    let Ok(kind) = form.kind.parse::<FieldReportKind>() else {
        return refused(&state, "kind");
    };
    let date = match optional(&form.date).map(str::parse::<PartialDate>) {
        None => None,
        Some(Ok(date)) => Some(date),
        Some(Err(_)) => return refused(&state, "date"),
    };
    let Ok(source_kind) = form.source_kind.parse::<SourceKind>() else {
        return refused(&state, "source_kind");
    };
    let Ok(source) = Source::new(source_kind, &form.source_reference) else {
        return refused(&state, "source_reference");
    };
    let Ok(confidence) = form.confidence.parse::<Confidence>() else {
        return refused(&state, "confidence");
    };
    match state
        .corridor
        .record_field_report_for(
            who,
            id,
            kind,
            date,
            source,
            confidence,
            optional(&form.details),
        )
        .await
    {
        Ok(_) => Redirect::to(&format!("/cases/{id}#claims")).into_response(),
        Err(error) => app_error(&state.t, error),
    }
}
