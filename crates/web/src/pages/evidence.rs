//! An evidence item's page (its facts, verification and chain of custody, and the verifier's
//! form), and its file as the case's readers download it: streamed from the sealed blob store,
//! opened chunk by chunk. Always as an attachment of a neutral type, never rendered by the
//! browser in Corridor's origin, and named by the item's id (the file's own name is sealed).

use std::collections::BTreeSet;

use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use corridor_app::{AppError, Custodian, Preview, PreviewError};
use corridor_blobs::BlobReader;
use corridor_core::{
    AuditAction, Check, Claim, ClaimId, Confidence, DecisionReason, EvidenceId, MediaType,
    Permission, ReviewStep, SourceKind,
};
use futures_util::StreamExt as _;

use super::{app_error, form_field, form_pairs, message, not_found, render_with};
use crate::AppState;
use crate::auth::{SignedIn, Who};
use crate::i18n::Translator;

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
    let disposition = format!("attachment; filename=\"evidence-{id}.{extension}\"");
    sealed_file_response(blob_body(reader), "application/octet-stream", &disposition)
}

/// `GET /evidence/{evidence}/preview/{page}`: an image item's file under its sniffed raster
/// type, or a page of a PDF rendered on the server as a PNG; shown inline on the item's page,
/// in a sandbox, for the case's readers.
pub async fn preview(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((id, page)): Path<(String, String)>,
) -> Response {
    let t = &state.t;
    let (Ok(id), Ok(page)) = (id.parse::<EvidenceId>(), page.parse::<u32>()) else {
        return not_found(State(state.clone())).await;
    };
    let preview = state
        .corridor
        .evidence_preview(Custodian::User(&signed_in.principal), id, page)
        .await;
    let disposition = |extension: &str| format!("inline; filename=\"evidence-{id}.{extension}\"");
    match preview {
        Ok(Preview::Image { media_type, reader }) => {
            let extension = media_type.extensions().first().copied().unwrap_or("bin");
            sealed_file_response(
                blob_body(reader),
                media_type.as_str(),
                &disposition(extension),
            )
        }
        Ok(Preview::Page(rendered)) => {
            sealed_file_response(Body::from(rendered.png), "image/png", &disposition("png"))
        }
        Err(
            AppError::EvidenceHasNoFile(_)
            | AppError::Preview(PreviewError::NotPreviewable | PreviewError::NoSuchPage { .. }),
        ) => not_found(State(state.clone())).await,
        Err(AppError::Preview(_)) => message(
            t,
            StatusCode::UNPROCESSABLE_ENTITY,
            "evidence.no_preview",
            "evidence.no_preview",
            "",
        ),
        Err(error) => app_error(t, error),
    }
}

/// A sealed file's bytes as the browser gets them: opened chunk by chunk, and a chunk that
/// fails to authenticate ends the body with an error, so a tampered file never arrives whole.
fn blob_body(reader: BlobReader) -> Body {
    Body::from_stream(
        reader
            .into_stream()
            .map(|chunk| chunk.map(|bytes| Bytes::copy_from_slice(&bytes))),
    )
}

/// A file's response: its type as Corridor established it, never sniffed by the browser
/// (`nosniff` is on every response), in a sandbox with no right to run or load anything, and
/// not cached.
fn sealed_file_response(body: Body, content_type: &'static str, disposition: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// How the item's page shows its file, if it can.
struct PreviewView {
    src: String,
    caption: Option<String>,
    previous: Option<String>,
    next: Option<String>,
}

/// One line of an item's page: a label and a value.
type Fact = (String, String);

#[derive(Template)]
#[template(path = "evidence.html")]
struct ItemPage<'a> {
    t: &'a Translator,
    who: Who,
    id: String,
    case_id: String,
    kind: String,
    status: &'a str,
    facts: Vec<Fact>,
    metadata: Vec<Fact>,
    has_file: bool,
    reviews: Vec<Fact>,
    custody: Vec<Fact>,
    /// The review form, for a verifier of the item's organisation: (value, label) of the
    /// steps and of the kind's checks.
    review_steps: Option<Vec<(&'static str, &'a str)>>,
    checks: Vec<(&'static str, &'static str)>,
    notice: Option<String>,
    preview: Option<PreviewView>,
    /// Why the file has no preview, when it is of a type that has one.
    no_preview: Option<String>,
    /// The form citing the item in a new claim, for those who may edit its case: the source
    /// kinds and confidences, as (value, label).
    cite: Option<CiteForm>,
    /// Whether the page offers a copy without capture metadata (a JPEG or PNG original, for
    /// those who may edit its case).
    strippable: bool,
}

struct CiteForm {
    source_kinds: Vec<(&'static str, &'static str)>,
    confidences: Vec<(&'static str, &'static str)>,
}

/// `GET /evidence/{evidence}`: the item, its verification and its chain of custody.
pub async fn item(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Ok(id) = id.parse::<EvidenceId>() else {
        return not_found(State(state.clone())).await;
    };
    // `?page=N` chooses the PDF page previewed; anything else shows the first.
    let page = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(key, _)| key == "page")
        .and_then(|(_, value)| value.parse::<u32>().ok())
        .unwrap_or(1);
    show(&state, &signed_in, id, StatusCode::OK, None, page).await
}

/// The item's page again with why a form on it was refused, under `status`.
async fn show_refusal(
    state: &AppState,
    signed_in: &SignedIn,
    id: EvidenceId,
    status: StatusCode,
    notice: String,
) -> Response {
    show(state, signed_in, id, status, Some(notice), 1).await
}

async fn show(
    state: &AppState,
    signed_in: &SignedIn,
    id: EvidenceId,
    status: StatusCode,
    notice: Option<String>,
    page: u32,
) -> Response {
    let t = &state.t;
    let who = &signed_in.principal;
    let record = match state.corridor.evidence_item(Custodian::User(who), id).await {
        Ok(record) => record,
        Err(error) => return app_error(t, error),
    };
    let item = &record.item;
    let details = &item.facts.details;
    let dash = |v: Option<String>| v.unwrap_or_else(|| "—".to_owned());
    let mut facts: Vec<Fact> = vec![
        (
            t.get("evidence.shows").to_owned(),
            dash(details.activity().map(str::to_owned)),
        ),
        (
            t.get("evidence.date").to_owned(),
            dash(details.date().map(|d| d.to_string())),
        ),
        (
            t.get("evidence.place").to_owned(),
            dash(details.place().map(str::to_owned)),
        ),
        (
            t.get("evidence.source").to_owned(),
            dash(details.source_url().map(|u| u.as_str().to_owned())),
        ),
        (
            t.get("evidence.supplied_by").to_owned(),
            dash(details.supplied_by().map(str::to_owned)),
        ),
    ];
    if let Some(original) = item.derived_from {
        facts.push((
            t.get("evidence.derived_from").to_owned(),
            original.to_string(),
        ));
    }
    let mut metadata = Vec::new();
    if let Some(file) = &item.facts.file {
        facts.push((
            t.get("evidence.file").to_owned(),
            file.name.as_str().to_owned(),
        ));
        facts.push((
            t.get("evidence.type").to_owned(),
            format!("{} ({} bytes)", file.media_type.label(), file.length),
        ));
        facts.push(("SHA-256".to_owned(), file.sha256.clone()));
        metadata = file.metadata.clone();
    }
    let reviews = record
        .reviews
        .iter()
        .map(|r| {
            let checks: Vec<&str> = r.checks.iter().map(|c| c.label()).collect();
            (
                format!("{} · {}", r.at.format("%Y-%m-%d %H:%M UTC"), r.step.label()),
                format!("{} [{}]", r.reason.as_str(), checks.join(", ")),
            )
        })
        .collect();
    let custody = record
        .custody
        .iter()
        .map(|e| {
            (
                e.event.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                format!("{} · {}", e.event.action.label(), e.event.actor),
            )
        })
        .collect();
    let (preview, no_preview) = match item.facts.file.as_ref().map(|f| f.media_type) {
        Some(media_type) if media_type.is_image() => (
            Some(PreviewView {
                src: format!("/evidence/{id}/preview/1"),
                caption: None,
                previous: None,
                next: None,
            }),
            None,
        ),
        Some(MediaType::Pdf) => {
            match state
                .corridor
                .evidence_preview_pages(Custodian::User(who), id)
                .await
            {
                Ok(pages) => {
                    let shown = page.clamp(1, pages);
                    let link = |p: u32| format!("/evidence/{id}?page={p}#preview");
                    (
                        Some(PreviewView {
                            src: format!("/evidence/{id}/preview/{shown}"),
                            caption: Some(
                                t.get("evidence.page_of")
                                    .replace("{page}", &shown.to_string())
                                    .replace("{pages}", &pages.to_string()),
                            ),
                            previous: (shown > 1).then(|| link(shown - 1)),
                            next: (shown < pages).then(|| link(shown + 1)),
                        }),
                        None,
                    )
                }
                Err(AppError::Preview(why)) => (None, Some(why.to_string())),
                Err(error) => return app_error(t, error),
            }
        }
        _ => (None, None),
    };
    let may_review = who.may(Permission::EvidenceVerify);
    let may_edit = who.may(Permission::CaseEdit) && item.organisation == who.organisation;
    render_with(
        t,
        status,
        ItemPage {
            t,
            who: signed_in.who(t),
            id: item.id.to_string(),
            case_id: item.case_id.to_string(),
            kind: item.kind.label().to_owned(),
            status: t.label("verification", item.status.as_str()),
            facts,
            metadata,
            has_file: item.facts.file.is_some(),
            reviews,
            custody,
            review_steps: may_review.then(|| {
                ReviewStep::ALL
                    .iter()
                    .map(|s| (s.as_str(), s.label()))
                    .collect()
            }),
            checks: item
                .kind
                .checklist()
                .iter()
                .map(|c| (c.as_str(), c.label()))
                .collect(),
            notice,
            preview,
            no_preview,
            strippable: may_edit
                && item.derived_from.is_none()
                && item
                    .facts
                    .file
                    .as_ref()
                    .is_some_and(|f| matches!(f.media_type, MediaType::Jpeg | MediaType::Png)),
            cite: may_edit.then(|| CiteForm {
                source_kinds: SourceKind::ALL
                    .iter()
                    .map(|k| (k.as_str(), k.label()))
                    .collect(),
                confidences: Confidence::ALL
                    .iter()
                    .map(|c| (c.as_str(), c.label()))
                    .collect(),
            }),
        },
    )
}

/// `POST /evidence/{evidence}/review`: a verifier's step (fields `step`, `check` repeated,
/// `reason`). A refused step comes back with the reason it was refused (422); a step taken
/// on a stale view, with a notice (409).
pub async fn review(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let t = &state.t;
    let Ok(id) = id.parse::<EvidenceId>() else {
        return not_found(State(state.clone())).await;
    };
    let who = &signed_in.principal;
    // The right first, so that a refused user learns nothing from the validation.
    if let Err(error) = state
        .corridor
        .permit(
            who,
            Permission::EvidenceVerify,
            AuditAction::EvidenceVerified,
        )
        .await
    {
        return app_error(t, error);
    }
    let fields = match form_pairs(t, &headers, &body) {
        Ok(fields) => fields,
        Err(response) => return *response,
    };
    let step = form_field(&fields, "step").parse::<ReviewStep>();
    let reason = DecisionReason::new(form_field(&fields, "reason"));
    let checks: Result<BTreeSet<Check>, _> = fields
        .iter()
        .filter(|(k, _)| k == "check")
        .map(|(_, v)| v.parse::<Check>())
        .collect();
    let (Ok(step), Ok(reason), Ok(checks)) = (step, reason, checks) else {
        let notice = format!("{}: step, reason", t.get("form.invalid"));
        return show_refusal(
            &state,
            &signed_in,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            notice,
        )
        .await;
    };
    match state
        .corridor
        .review_evidence_for(who, id, step, checks, reason)
        .await
    {
        Ok(_) => Redirect::to(&format!("/evidence/{id}")).into_response(),
        Err(AppError::Review(refused)) => {
            let notice = refused.to_string();
            show_refusal(
                &state,
                &signed_in,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                notice,
            )
            .await
        }
        Err(AppError::EvidenceChanged(_)) => {
            let notice = t.get("evidence.changed").to_owned();
            show_refusal(&state, &signed_in, id, StatusCode::CONFLICT, notice).await
        }
        Err(error) => app_error(t, error),
    }
}

/// `POST /evidence/{evidence}/cite`: a new claim of the item's case citing the item (fields
/// `fact`, `assertion`, `date`, `source_kind`, `source_reference`, `confidence`). A refused
/// field comes back on the item's page, named (422); a saved claim shows on the case page.
pub async fn cite(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let t = &state.t;
    let Ok(id) = id.parse::<EvidenceId>() else {
        return not_found(State(state.clone())).await;
    };
    let who = &signed_in.principal;
    let case = match state.corridor.case_of_evidence_to_edit(who, id).await {
        Ok(case) => case,
        Err(error) => return app_error(t, error),
    };
    let fields = match form_pairs(t, &headers, &body) {
        Ok(fields) => fields,
        Err(response) => return *response,
    };
    let field = |name| form_field(&fields, name).trim();
    let mut claim = serde_json::json!({
        "id": ClaimId::random(),
        "fact": field("fact"),
        "assertion": field("assertion"),
        "source": {"kind": field("source_kind"), "reference": field("source_reference")},
        "confidence": field("confidence"),
        "evidence": [format!("evidence:{id}")],
    });
    if !field("date").is_empty() {
        claim["date"] = field("date").into();
    }
    let invalid = |notice: String| {
        show_refusal(
            &state,
            &signed_in,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            notice,
        )
    };
    let claim: Claim = match corridor_core::parse_json(&claim.to_string()) {
        Ok(claim) => claim,
        Err(error) => {
            // The form's names for the document's paths.
            let field = error.field.replace("source.", "source_");
            return invalid(format!("field `{field}`: {}", error.reason)).await;
        }
    };
    match state.corridor.add_claim_for(who, case, claim).await {
        Ok(_) => Redirect::to(&format!("/cases/{case}#claims")).into_response(),
        Err(AppError::Input(error)) => invalid(error.to_string()).await,
        Err(error) => app_error(t, error),
    }
}

/// `POST /evidence/{evidence}/strip`: a copy of an image item without its capture metadata,
/// to share; the original stays as it was. Shows the copy.
pub async fn strip(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Response {
    let t = &state.t;
    let Ok(id) = id.parse::<EvidenceId>() else {
        return not_found(State(state.clone())).await;
    };
    let who = &signed_in.principal;
    match state
        .corridor
        .derive_stripped_copy(Custodian::User(who), id)
        .await
    {
        Ok(copy) => Redirect::to(&format!("/evidence/{copy}")).into_response(),
        Err(AppError::EvidenceFile(why)) => {
            show_refusal(
                &state,
                &signed_in,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                why,
            )
            .await
        }
        Err(error) => app_error(t, error),
    }
}
