//! Referral dossiers on the web: a coordinator issues one from the case page, and its two files
//! (the PDF and the signed JSON) download exactly as issued.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use corridor_app::{Custodian, DossierPart};
use corridor_core::CaseId;

use super::{app_error, not_found};
use crate::AppState;
use crate::auth::SignedIn;

/// `POST /cases/{id}/dossier`: issues a dossier, then shows the case's dossiers.
pub async fn issue(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<CaseId>() else {
        return not_found(State(state.clone())).await;
    };
    let today = chrono::Utc::now().date_naive();
    match state
        .corridor
        .issue_dossier(Custodian::User(&signed_in.principal), id, today)
        .await
    {
        Ok(_) => Redirect::to(&format!("/cases/{id}#dossiers")).into_response(),
        Err(error) => app_error(&state.t, error),
    }
}

/// `GET /cases/{id}/dossiers/{version}/{part}` (`pdf` or `json`): one file, as issued.
pub async fn file(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((id, version, part)): Path<(String, String, String)>,
) -> Response {
    let part = match part.as_str() {
        "pdf" => DossierPart::Pdf,
        "json" => DossierPart::Json,
        _ => return not_found(State(state.clone())).await,
    };
    let (Ok(id), Ok(version)) = (id.parse::<CaseId>(), version.parse::<u32>()) else {
        return not_found(State(state.clone())).await;
    };
    match state
        .corridor
        .dossier_file(&signed_in.principal, id, version, part)
        .await
    {
        Ok(bytes) => {
            let content_type = match part {
                DossierPart::Pdf => "application/pdf",
                DossierPart::Json => "application/json",
            };
            let disposition = format!(
                "attachment; filename=\"dossier-{id}-v{version}.{}\"",
                part.extension()
            );
            (
                [
                    (header::CONTENT_TYPE, content_type.to_owned()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response()
        }
        Err(error) => app_error(&state.t, error),
    }
}
