//! Granting a case to another organisation, and withdrawing it (coordinators, with
//! `cases:share`): a share (the whole case) or a referral to a sponsor's organisation (only the
//! referral's fields).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use corridor_app::Principal;
use corridor_core::{CaseId, GrantKind, OrgId};
use serde::Deserialize;

use super::auth::Caller;
use super::body::{JsonBody, path_id};
use super::error::ApiError;
use crate::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ShareBody {
    organisation: OrgId,
}

/// What a share or unshare did: `changed` is false when it was already so.
#[derive(serde::Serialize)]
pub(super) struct Sharing {
    case_id: CaseId,
    organisation: OrgId,
    changed: bool,
}

/// 201 when the case is newly shared, 200 when it already was.
pub(super) async fn share(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ShareBody>,
) -> Result<(StatusCode, Json<Sharing>), ApiError> {
    grant(&state, &who, &id, body.organisation, GrantKind::Share).await
}

pub(super) async fn unshare(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, organisation)): Path<(String, String)>,
) -> Result<Json<Sharing>, ApiError> {
    revoke(&state, &who, &id, &organisation, GrantKind::Share).await
}

/// 201 when the case is newly referred, 200 when it already was.
pub(super) async fn refer(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ShareBody>,
) -> Result<(StatusCode, Json<Sharing>), ApiError> {
    grant(&state, &who, &id, body.organisation, GrantKind::Referral).await
}

pub(super) async fn withdraw(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, organisation)): Path<(String, String)>,
) -> Result<Json<Sharing>, ApiError> {
    revoke(&state, &who, &id, &organisation, GrantKind::Referral).await
}

async fn grant(
    state: &AppState,
    who: &Principal,
    id: &str,
    organisation: OrgId,
    kind: GrantKind,
) -> Result<(StatusCode, Json<Sharing>), ApiError> {
    let case_id: CaseId = path_id(id, "id")?;
    let changed = state
        .corridor
        .grant(who, case_id, organisation, kind, chrono::Utc::now())
        .await?;
    let status = if changed {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(Sharing {
            case_id,
            organisation,
            changed,
        }),
    ))
}

async fn revoke(
    state: &AppState,
    who: &Principal,
    id: &str,
    organisation: &str,
    kind: GrantKind,
) -> Result<Json<Sharing>, ApiError> {
    let case_id: CaseId = path_id(id, "id")?;
    let organisation: OrgId = path_id(organisation, "organisation")?;
    let changed = state
        .corridor
        .revoke(who, case_id, organisation, kind)
        .await?;
    Ok(Json(Sharing {
        case_id,
        organisation,
        changed,
    }))
}
