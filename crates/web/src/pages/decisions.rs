//! The assessment's decision forms on the case page: clearing an inadmissibility flag (legal
//! users), overriding a score and recording a referral's steps (coordinators). Each takes a reason; a
//! refusal names the field (422) and changes nothing; success shows the case again.

use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use corridor_core::assessment::{FlagKind, ScoreKind};
use corridor_core::{CaseId, ReferralStatus};
use serde::Deserialize;

use super::app_error;
use crate::AppState;
use crate::auth::SignedIn;

/// Fields default to empty so that the right is checked before the form is read.
#[derive(Deserialize)]
#[serde(default)]
#[derive(Default)]
pub struct ClearFlagForm {
    flag: String,
    reason: String,
}

#[derive(Deserialize)]
#[serde(default)]
#[derive(Default)]
pub struct OverrideForm {
    score: String,
    value: String,
    reason: String,
}

fn refused(state: &AppState, field: &str) -> Response {
    super::refused_field(&state.t, field)
}

/// `POST /cases/{id}/flags`: clears a flag.
pub async fn clear_flag(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ClearFlagForm>,
) -> Response {
    let Ok(id) = id.parse::<CaseId>() else {
        return super::not_found(State(state.clone())).await;
    };
    if let Err(error) = state
        .corridor
        .may_clear_flags(&signed_in.principal, id)
        .await
    {
        return app_error(&state.t, error);
    }
    let Ok(flag) = form.flag.parse::<FlagKind>() else {
        return refused(&state, "flag");
    };
    let today = chrono::Utc::now().date_naive();
    match state
        .corridor
        .clear_flag_for(&signed_in.principal, id, flag, &form.reason, today)
        .await
    {
        Ok(_) => Redirect::to(&format!("/cases/{id}#assessment")).into_response(),
        Err(error) => app_error(&state.t, error),
    }
}

/// `POST /cases/{id}/scores`: replaces a computed score.
pub async fn override_score(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<OverrideForm>,
) -> Response {
    let Ok(id) = id.parse::<CaseId>() else {
        return super::not_found(State(state.clone())).await;
    };
    if let Err(error) = state
        .corridor
        .may_override_scores(&signed_in.principal, id)
        .await
    {
        return app_error(&state.t, error);
    }
    let Ok(score) = form.score.parse::<ScoreKind>() else {
        return refused(&state, "score");
    };
    let Ok(value) = form.value.trim().parse::<u32>() else {
        return refused(&state, "value");
    };
    match state
        .corridor
        .override_score_for(&signed_in.principal, id, score, value, &form.reason)
        .await
    {
        Ok(_) => Redirect::to(&format!("/cases/{id}#assessment")).into_response(),
        Err(error) => app_error(&state.t, error),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReferralStatusForm {
    status: String,
    on: String,
}

/// `POST /cases/{id}/referral`: records a referral step, which moves the case's stage.
pub async fn record_referral(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ReferralStatusForm>,
) -> Response {
    let Ok(id) = id.parse::<CaseId>() else {
        return super::not_found(State(state.clone())).await;
    };
    if let Err(error) = state
        .corridor
        .may_record_referral(&signed_in.principal, id)
        .await
    {
        return app_error(&state.t, error);
    }
    let Ok(status) = form.status.parse::<ReferralStatus>() else {
        return refused(&state, "status");
    };
    let Ok(on) = corridor_core::parse_full_date(form.on.trim()) else {
        return refused(&state, "on");
    };
    let today = chrono::Utc::now().date_naive();
    match state
        .corridor
        .record_referral_status_for(&signed_in.principal, id, status, on, today)
        .await
    {
        Ok(_) => Redirect::to(&format!("/cases/{id}#referral")).into_response(),
        Err(error) => app_error(&state.t, error),
    }
}
