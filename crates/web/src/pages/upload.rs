//! Adding evidence from the browser: a multipart form whose file is streamed, as it arrives,
//! into the sealed blob store (never held whole, never written anywhere in the clear). The
//! form's fields come in document order: the CSRF token first (checked before anything else
//! is read), the details next, the file last.

use askama::Template;
use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use corridor_app::{AppError, Custodian, EvidenceUpload};
use corridor_core::{CaseId, DETAIL_FIELDS, EvidenceDetails, EvidenceKind, FileName};
use futures_util::TryStreamExt as _;
use tokio_util::io::StreamReader;

use super::{app_error, form_field, message, not_found, render_with};
use crate::AppState;
use crate::auth::{self, SignedIn, Who};
use crate::i18n::Translator;

/// The route of the upload form; its POST is the one that carries a file.
pub const ROUTE: &str = "/cases/{id}/evidence";
/// The largest text field read, in bytes (an activity is at most 2,000 characters).
const MAX_TEXT_BYTES: usize = 16 * 1024;
/// The most text fields read before the file.
const MAX_TEXT_FIELDS: usize = 16;

/// One text field of the form: its name, label, hint and the value to show.
struct FieldView {
    name: &'static str,
    label: String,
    hint: String,
    value: String,
}

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage<'a> {
    t: &'a Translator,
    who: Who,
    case_id: String,
    kinds: Vec<(&'static str, &'static str)>,
    kind: String,
    fields: Vec<FieldView>,
    limit: String,
    /// The field refused and why.
    notice: Option<(String, String)>,
}

/// `GET /cases/{id}/evidence`: the form.
pub async fn form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Response {
    let Ok(case) = id.parse::<CaseId>() else {
        return not_found(State(state.clone())).await;
    };
    if let Err(error) = state
        .corridor
        .may_add_evidence(&signed_in.principal, case)
        .await
    {
        return app_error(&state.t, error);
    }
    page(&state, &signed_in, case, &[], None, StatusCode::OK)
}

fn page(
    state: &AppState,
    signed_in: &SignedIn,
    case: CaseId,
    typed: &[(String, String)],
    notice: Option<(String, String)>,
    status: StatusCode,
) -> Response {
    let t = &state.t;
    let hint = |name: &str| match name {
        "date" => t.get("upload.date_hint").to_owned(),
        "source_url" | "archived_url" => t.get("upload.url_hint").to_owned(),
        _ => String::new(),
    };
    let label = |name: &str| {
        t.get(match name {
            "activity" => "evidence.shows",
            "date" => "evidence.date",
            "place" => "evidence.place",
            "source_url" => "evidence.source",
            "archived_url" => "evidence.archived",
            _ => "evidence.supplied_by",
        })
        .to_owned()
    };
    let max_mb = state.corridor.max_evidence_bytes() / (1024 * 1024);
    render_with(
        t,
        status,
        UploadPage {
            t,
            who: signed_in.who(t),
            case_id: case.to_string(),
            kinds: EvidenceKind::ALL
                .iter()
                .map(|k| (k.as_str(), k.label()))
                .collect(),
            kind: form_field(typed, "kind").to_owned(),
            fields: DETAIL_FIELDS
                .iter()
                .map(|&name| FieldView {
                    name,
                    label: label(name),
                    hint: hint(name),
                    value: form_field(typed, name).to_owned(),
                })
                .collect(),
            limit: t.get("upload.limit").replace("{max}", &max_mb.to_string()),
            notice,
        },
    )
}

/// `POST /cases/{id}/evidence` (`multipart/form-data`): adds the item, then shows it. A
/// refused field comes back on the form, named, with what was typed (the file must be chosen
/// again); a refused file has been deleted before the refusal is shown.
pub async fn upload(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let t = &state.t;
    let Ok(case) = id.parse::<CaseId>() else {
        return not_found(State(state.clone())).await;
    };
    // The right and the case first, so that a refused user's body is never read.
    if let Err(error) = state
        .corridor
        .may_add_evidence(&signed_in.principal, case)
        .await
    {
        return app_error(t, error);
    }
    let Ok(mut multipart) = multipart else {
        return message(
            t,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "error.bad_request",
            "error.not_a_form",
            "",
        );
    };
    // The token before anything else: a forged request learns nothing and stores nothing.
    if !auth::multipart_csrf_matches(&mut multipart, &signed_in.csrf).await {
        return auth::refuse_forgery(&state, &signed_in, StatusCode::FORBIDDEN).await;
    }
    // The text fields, in order, up to the file; the file is taken where it comes (it
    // borrows the form's reader, so it is handed on from inside the loop).
    let mut typed = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return bad_form(t),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            return add(&state, &signed_in, case, &typed, Some(field)).await;
        }
        if typed.len() == MAX_TEXT_FIELDS {
            return bad_form(t);
        }
        match auth::read_text_field(field, MAX_TEXT_BYTES).await {
            Some(value) => typed.push((name, value)),
            None => return bad_form(t),
        }
    }
    add(&state, &signed_in, case, &typed, None).await
}

/// A form that is not one: too many fields, a field too long or not UTF-8, a broken body.
fn bad_form(t: &Translator) -> Response {
    message(
        t,
        StatusCode::BAD_REQUEST,
        "error.bad_request",
        "error.bad_form",
        "",
    )
}

/// Adds the item the form describes, with its file if one was chosen.
async fn add(
    state: &AppState,
    signed_in: &SignedIn,
    case: CaseId,
    typed: &[(String, String)],
    file: Option<Field<'_>>,
) -> Response {
    let t = &state.t;
    let refuse = |field: &str, why: String, status: StatusCode| {
        page(
            state,
            signed_in,
            case,
            typed,
            Some((field.to_owned(), why)),
            status,
        )
    };
    let kind = match form_field(typed, "kind").parse::<EvidenceKind>() {
        Ok(kind) => kind,
        Err(error) => {
            return refuse(
                "kind",
                format!("field `kind`: {error}"),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let details = EvidenceDetails::from_fields(
        typed
            .iter()
            .filter(|(name, _)| DETAIL_FIELDS.contains(&name.as_str()))
            .map(|(name, value)| (name.as_str(), value.as_str())),
    );
    let details = match details {
        Ok(details) => details,
        Err(error) => {
            let field = error.field.clone();
            return refuse(&field, error.to_string(), StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let who = Custodian::User(&signed_in.principal);
    // A file input left empty still sends a part, with no name and no bytes.
    let chosen = file.filter(|f| f.file_name().is_some_and(|name| !name.is_empty()));
    let added = match chosen {
        None => {
            state
                .corridor
                .add_evidence(who, case, kind, details, None::<EvidenceUpload<&[u8]>>)
                .await
        }
        Some(field) => {
            let name = match FileName::new(field.file_name().unwrap_or_default()) {
                Ok(name) => name,
                Err(error) => {
                    return refuse(
                        "file",
                        format!("field `file`: {error}; nothing was kept"),
                        StatusCode::UNPROCESSABLE_ENTITY,
                    );
                }
            };
            // An upload cut off midway is an error of this stream: the sealed parts written
            // so far are deleted by the store, and no item is recorded.
            let bytes = StreamReader::new(field.map_err(std::io::Error::other));
            let upload = EvidenceUpload { name, bytes };
            state
                .corridor
                .add_evidence(who, case, kind, details, Some(upload))
                .await
        }
    };
    match added {
        Ok(item) => Redirect::to(&format!("/evidence/{item}")).into_response(),
        Err(error @ AppError::EvidenceFile(_)) => {
            refuse("file", error.to_string(), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error @ AppError::EvidenceTooLarge { .. }) => {
            refuse("file", error.to_string(), StatusCode::PAYLOAD_TOO_LARGE)
        }
        Err(error) => app_error(t, error),
    }
}
