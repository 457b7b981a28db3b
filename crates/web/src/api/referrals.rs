//! What a sponsor reads through the API (with `referrals:read`): the referrals to their
//! organisation, each with only the referral's fields.

use axum::Json;
use axum::extract::{Path, State};
use corridor_core::{CaseId, ReferralView};

use super::auth::Caller;
use super::body::path_id;
use super::error::ApiError;
use crate::AppState;

/// The referrals to the caller's organisation, oldest first.
#[derive(serde::Serialize)]
pub(super) struct Referrals {
    referrals: Vec<ReferralView>,
}

pub(super) async fn list(
    State(state): State<AppState>,
    Caller(who): Caller,
) -> Result<Json<Referrals>, ApiError> {
    let referrals = state.corridor.referrals_for(&who).await?;
    Ok(Json(Referrals { referrals }))
}

pub(super) async fn get(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> Result<Json<ReferralView>, ApiError> {
    let id: CaseId = path_id(&id, "id")?;
    Ok(Json(state.corridor.referral_for(&who, id).await?))
}
