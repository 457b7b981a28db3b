//! Sharing a case with another organisation, and ending it (coordinators, with `cases:share`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use corridor_core::{CaseId, OrgId};
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
    let case_id: CaseId = path_id(&id, "id")?;
    let changed = state
        .corridor
        .share_case(&who, case_id, body.organisation, chrono::Utc::now())
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
            organisation: body.organisation,
            changed,
        }),
    ))
}

pub(super) async fn unshare(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, organisation)): Path<(String, String)>,
) -> Result<Json<Sharing>, ApiError> {
    let case_id: CaseId = path_id(&id, "id")?;
    let organisation: OrgId = path_id(&organisation, "organisation")?;
    let changed = state
        .corridor
        .unshare_case(&who, case_id, organisation)
        .await?;
    Ok(Json(Sharing {
        case_id,
        organisation,
        changed,
    }))
}
