//! Evidence files as the case's readers download them: streamed from the sealed blob store,
//! opened chunk by chunk. Always as an attachment of a neutral type, never rendered by the
//! browser in Corridor's origin, and named by the item's id (the file's own name is sealed).

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use corridor_app::Custodian;
use corridor_core::EvidenceId;
use futures_util::StreamExt as _;

use super::{app_error, not_found};
use crate::AppState;
use crate::auth::SignedIn;

/// `GET /evidence/{evidence}/file`.
pub async fn file(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Response {
    let t = &state.t;
    let Ok(id) = id.parse::<EvidenceId>() else {
        return not_found(State(state.clone())).await;
    };
    let (item, reader) = match state
        .corridor
        .evidence_file(Custodian::User(&signed_in.principal), id)
        .await
    {
        Ok(opened) => opened,
        Err(corridor_app::AppError::EvidenceHasNoFile(_)) => {
            return not_found(State(state.clone())).await;
        }
        Err(error) => return app_error(t, error),
    };
    let extension = item
        .facts
        .file
        .as_ref()
        .and_then(|f| f.media_type.extensions().first().copied())
        .unwrap_or("bin");
    // A chunk that fails to authenticate ends the download with an error, so a tampered
    // file never arrives whole.
    let body = Body::from_stream(
        reader
            .into_stream()
            .map(|chunk| chunk.map(|bytes| Bytes::copy_from_slice(&bytes))),
    );
    let disposition = format!("attachment; filename=\"evidence-{id}.{extension}\"");
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
