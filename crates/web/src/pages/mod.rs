//! Server-rendered pages. Handlers turn use-case results into view structs of display strings;
//! templates only lay them out (askama escapes every value) and take every word from the
//! translator.

pub mod admin;
pub mod alerts;
pub mod audit;
pub mod case;
pub mod case_form;
pub mod dashboard;
pub mod decisions;
pub mod dossiers;
pub mod edit;
pub mod evidence;
pub mod flights;
pub mod gaps;
pub mod intake;
pub mod list;
pub mod login;
pub mod monitoring;
pub mod referrals;
pub mod reports;
pub mod triage;
pub mod upload;
pub mod watch;

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use corridor_app::AppError;

use crate::AppState;
use crate::i18n::Translator;

pub async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../assets/style.css"),
    )
}

/// htmx, vendored (BSD Zero Clause licence, `assets/htmx-LICENSE`): no CDN, no build step.
pub async fn htmx() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../assets/htmx-2.0.11.min.js"),
    )
}

pub async fn not_found(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    message(
        &state.t,
        StatusCode::NOT_FOUND,
        "error.not_found",
        "error.not_found_text",
        "",
    )
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    t: &'a Translator,
    title: &'a str,
    text: &'a str,
    detail: &'a str,
}

/// A page with a title and a sentence, both translation keys, and an optional detail (a
/// parameter name, never a value the user typed).
pub fn message(
    t: &Translator,
    status: StatusCode,
    title: &str,
    text: &str,
    detail: &str,
) -> Response {
    let page = MessagePage {
        t,
        title: t.get(title),
        text: t.get(text),
        detail,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => status.into_response(),
    }
}

pub fn render(t: &Translator, template: impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(%error, "template failed");
            message(
                t,
                StatusCode::INTERNAL_SERVER_ERROR,
                "error.failed",
                "error.failed_text",
                "",
            )
        }
    }
}

/// [`render`] with another status than 200 (a refused form: 422, 409), unless rendering failed.
pub fn render_with(t: &Translator, status: StatusCode, template: impl Template) -> Response {
    let mut response = render(t, template);
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

/// A refused form: 422, naming the field (never its value); nothing was changed.
pub fn refused_field(t: &Translator, field: &str) -> Response {
    message(
        t,
        StatusCode::UNPROCESSABLE_ENTITY,
        "error.bad_request",
        "error.bad_filter_text",
        field,
    )
}

/// Maps use-case errors to pages. Messages carry ids at most, never sealed values.
pub fn app_error(t: &Translator, error: AppError) -> Response {
    match error {
        AppError::CaseNotFound(_) => message(
            t,
            StatusCode::NOT_FOUND,
            "error.not_found",
            "error.no_such_case",
            "",
        ),
        AppError::UserNotFound(_) | AppError::OrganisationNotFound(_) => message(
            t,
            StatusCode::NOT_FOUND,
            "error.not_found",
            "error.not_found_text",
            "",
        ),
        AppError::AlertNotFound(_) | AppError::EvidenceNotFound(_) => message(
            t,
            StatusCode::NOT_FOUND,
            "error.not_found",
            "error.not_found_text",
            "",
        ),
        AppError::FlightNotFound(_) => message(
            t,
            StatusCode::NOT_FOUND,
            "error.not_found",
            "error.not_found_text",
            "",
        ),
        // Understood, but the alert ended since the page was drawn (the case or the day moved
        // on), or the case is not one watched after removal.
        AppError::WatchAlertNotFound => message(
            t,
            StatusCode::UNPROCESSABLE_ENTITY,
            "error.bad_request",
            "error.alert_ended",
            "",
        ),
        AppError::NotRemoved(_) => message(
            t,
            StatusCode::UNPROCESSABLE_ENTITY,
            "error.bad_request",
            "error.not_removed",
            "",
        ),
        AppError::NoSuchUser => message(
            t,
            StatusCode::UNPROCESSABLE_ENTITY,
            "error.bad_request",
            "error.bad_filter_text",
            "assignee",
        ),
        AppError::CasePurged(_) => {
            message(t, StatusCode::GONE, "error.purged", "error.purged_text", "")
        }
        AppError::Forbidden(_) => message(
            t,
            StatusCode::FORBIDDEN,
            "error.forbidden",
            "error.forbidden_text",
            "",
        ),
        // Understood, but the case may not be referred yet: which flags or requirements
        // (kinds, never content) are named.
        AppError::NotReferable { why, .. } => message(
            t,
            StatusCode::UNPROCESSABLE_ENTITY,
            "error.not_referable",
            "error.not_referable_text",
            &why,
        ),
        // A slug from a query string that names no configured program.
        AppError::UnknownProgram { .. } => message(
            t,
            StatusCode::BAD_REQUEST,
            "error.bad_filter",
            "error.bad_filter_text",
            "program",
        ),
        // A value a page passed on unchecked: the field is named, never the value.
        AppError::Input(error) => message(
            t,
            StatusCode::UNPROCESSABLE_ENTITY,
            "error.bad_request",
            "error.bad_filter_text",
            &error.field,
        ),
        AppError::Unauthenticated => message(
            t,
            StatusCode::UNAUTHORIZED,
            "error.signed_out",
            "error.signed_out_text",
            "",
        ),
        other => {
            tracing::error!(error = %other, "request failed");
            message(
                t,
                StatusCode::INTERNAL_SERVER_ERROR,
                "error.failed",
                "error.failed_text",
                "",
            )
        }
    }
}

/// The first value of field `name` in a form's fields; empty when the form has none.
pub fn form_field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

/// The fields of a urlencoded form body, in order. Anything else is refused: another content
/// type with 415, a body that is not a form with 400 (the message never repeats the body).
pub fn form_pairs(
    t: &Translator,
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> Result<Vec<(String, String)>, Box<Response>> {
    if !crate::has_content_type(headers, "application/x-www-form-urlencoded") {
        return Err(Box::new(message(
            t,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "error.bad_request",
            "error.not_a_form",
            "",
        )));
    }
    serde_urlencoded::from_bytes(body).map_err(|_| {
        Box::new(message(
            t,
            StatusCode::BAD_REQUEST,
            "error.bad_request",
            "error.bad_form",
            "",
        ))
    })
}

/// `—` for a missing value.
pub fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "—".to_owned())
}

/// Items joined by commas, or `—`.
pub fn joined<T: std::fmt::Display>(items: &[T]) -> String {
    if items.is_empty() {
        return "—".to_owned();
    }
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
