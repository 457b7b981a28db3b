//! The API's errors: one JSON shape, `{"error": {"code", "message", "field"?}}`, with the status
//! its code stands for. Messages are fixed sentences or name a field; they never repeat a value
//! from the request, carry no stack trace, and say nothing of another organisation's data.
//!
//! [`json_errors`] replaces whatever else would answer with an error (axum's own rejections,
//! which can echo input, and its empty 405s) by this shape.

use std::borrow::Cow;

use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use corridor_app::AppError;
use corridor_core::{ApiScope, InputError};

/// What went wrong, as a machine reads it. Each code has one status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the body is not JSON, or not the document this operation takes (`field` says where).
    MalformedJson,
    /// 400: a path or query parameter is not valid (`field` names it).
    BadParameter,
    /// 400: the request could not be read at all.
    BadRequest,
    /// 401: no valid API token (missing, malformed, unknown, revoked or expired: not said which).
    Unauthenticated,
    /// 403: the token's scopes or its user's role do not allow this.
    Forbidden,
    /// 404: no such case (or one of another organisation: indistinguishable), or no such path.
    NotFound,
    /// 405: the path exists, the method does not.
    MethodNotAllowed,
    /// 409: the case changed since the version the edit was made from.
    Conflict,
    /// 410: the case was purged; only its tombstone remains.
    Purged,
    /// 413: the body is larger than the API accepts.
    PayloadTooLarge,
    /// 415: the body is not `application/json`.
    UnsupportedMediaType,
    /// 422: a well-formed request that cannot be done (an unknown program, sharing a case with
    /// its own organisation).
    Unprocessable,
    /// 500: something failed on the server; nothing about it is said.
    Internal,
}

impl ErrorCode {
    /// Every code, in declaration order.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::MalformedJson,
        ErrorCode::BadParameter,
        ErrorCode::BadRequest,
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::Conflict,
        ErrorCode::Purged,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::Unprocessable,
        ErrorCode::Internal,
    ];

    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::MalformedJson | ErrorCode::BadParameter | ErrorCode::BadRequest => {
                StatusCode::BAD_REQUEST
            }
            ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::Conflict => StatusCode::CONFLICT,
            ErrorCode::Purged => StatusCode::GONE,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The code that stands for `status` when nothing more is known (see [`json_errors`]).
    fn for_status(status: StatusCode) -> ErrorCode {
        ErrorCode::ALL
            .iter()
            .copied()
            .filter(|code| !matches!(code, ErrorCode::MalformedJson | ErrorCode::BadParameter))
            .find(|code| code.status() == status)
            .unwrap_or(if status.is_server_error() {
                ErrorCode::Internal
            } else {
                ErrorCode::BadRequest
            })
    }

    /// The sentence said when nothing more specific is.
    fn message(self) -> &'static str {
        match self {
            ErrorCode::MalformedJson => "the request body is not valid JSON for this operation",
            ErrorCode::BadParameter => "a parameter is not valid",
            ErrorCode::BadRequest => "the request could not be read",
            ErrorCode::Unauthenticated => {
                "a valid API token is required, sent as `Authorization: Bearer <token>`"
            }
            ErrorCode::Forbidden => "this token or its user may not do this",
            ErrorCode::NotFound => "not found",
            ErrorCode::MethodNotAllowed => "this method is not allowed on this path",
            ErrorCode::Conflict => {
                "the case changed since this version; read it again and edit the new version"
            }
            ErrorCode::Purged => "this case was purged; only its tombstone remains",
            ErrorCode::PayloadTooLarge => "the request body is too large",
            ErrorCode::UnsupportedMediaType => "send the request body as application/json",
            ErrorCode::Unprocessable => "the request cannot be carried out",
            ErrorCode::Internal => "the request failed on the server",
        }
    }
}

/// An error as the API answers it.
#[derive(Debug)]
pub struct ApiError {
    code: ErrorCode,
    message: Cow<'static, str>,
    field: Option<String>,
}

impl ApiError {
    /// The error of `code` with its usual sentence.
    pub fn new(code: ErrorCode) -> ApiError {
        ApiError {
            code,
            message: Cow::Borrowed(code.message()),
            field: None,
        }
    }

    pub fn with_message(mut self, message: impl Into<Cow<'static, str>>) -> ApiError {
        self.message = message.into();
        self
    }

    /// Names the field or parameter at fault (a name or path, never its value).
    pub fn with_field(mut self, field: impl Into<String>) -> ApiError {
        self.field = Some(field.into()).filter(|f| !f.is_empty());
        self
    }

    /// A body or parameter refused by a parser of `corridor_core`, whose errors name the field
    /// and never repeat the input.
    pub fn input(code: ErrorCode, error: InputError) -> ApiError {
        ApiError::new(code)
            .with_message(error.reason)
            .with_field(error.field)
    }

    /// A case that does not exist or that the caller's organisation may not see.
    pub fn no_such_case() -> ApiError {
        ApiError::new(ErrorCode::NotFound).with_message("no such case")
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }
}

#[derive(serde::Serialize)]
struct Body<'a> {
    error: Detail<'a>,
}

#[derive(serde::Serialize)]
struct Detail<'a> {
    code: ErrorCode,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: Detail {
                code: self.code,
                message: &self.message,
                field: self.field.as_deref(),
            },
        };
        let mut response = (self.code.status(), Json(body)).into_response();
        if self.code == ErrorCode::Unauthenticated {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"corridor\""),
            );
        }
        response
    }
}

/// Use-case errors as the API answers them. Only ids and fixed sentences reach the client; an
/// unexpected error is logged (its message holds ids at most) and answered with a bare 500.
impl From<AppError> for ApiError {
    fn from(error: AppError) -> ApiError {
        match error {
            AppError::CaseNotFound(_) => ApiError::no_such_case(),
            AppError::CasePurged(_) => ApiError::new(ErrorCode::Purged),
            AppError::EditConflict(_) => ApiError::new(ErrorCode::Conflict),
            AppError::Unauthenticated => ApiError::new(ErrorCode::Unauthenticated),
            AppError::Forbidden(permission) => {
                let message = match ApiScope::covering(permission) {
                    Some(scope) => format!(
                        "not allowed: this needs a token with the `{scope}` scope whose user's role may {}",
                        permission.label().to_lowercase()
                    ),
                    None => "not allowed: no API token may do this".to_owned(),
                };
                ApiError::new(ErrorCode::Forbidden).with_message(message)
            }
            AppError::UnknownProgram { known, .. } => ApiError::new(ErrorCode::Unprocessable)
                .with_message(format!("unknown program; known programs: {known}"))
                .with_field("program"),
            AppError::OrganisationNotFound(_) => ApiError::new(ErrorCode::Unprocessable)
                .with_message("no such organisation")
                .with_field("organisation"),
            AppError::Refused(reason) => {
                ApiError::new(ErrorCode::Unprocessable).with_message(reason)
            }
            AppError::Input(error) => ApiError::input(ErrorCode::Unprocessable, error),
            other => {
                tracing::error!(error = %other, "API request failed");
                ApiError::new(ErrorCode::Internal)
            }
        }
    }
}

/// Answers a path the API does not have.
pub async fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound)
}

/// Answers a method a path does not take.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(ErrorCode::MethodNotAllowed)
}

/// The safety net: any error response that is not already this API's JSON (an axum rejection,
/// a bare status from a layer) is replaced by the JSON error for its status. Headers such as
/// `Allow` are kept; the original body, which might echo input, is dropped.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let replacement = ApiError::new(ErrorCode::for_status(status)).into_response();
    let (replacement_parts, body) = replacement.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in &replacement_parts.headers {
        parts.headers.insert(name, value.clone());
    }
    Response::from_parts(parts, body)
}
