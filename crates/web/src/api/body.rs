//! Reading a request: a JSON body (415 unless `application/json`, 413 past the size limit, 400
//! naming the field if it does not parse) and a query string (400 naming the parameter). Both
//! go through `corridor_core`'s parsers, whose errors never repeat the input, instead of
//! axum's extractors, whose rejections can.

use axum::body::to_bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use serde::de::DeserializeOwned;

use super::error::{ApiError, ErrorCode};

/// The largest request body the API accepts, in bytes (a case document with many claims fits).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// A JSON request body parsed into `T`.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _: &S) -> Result<Self, ApiError> {
        if !is_json(request.headers()) {
            return Err(ApiError::new(ErrorCode::UnsupportedMediaType));
        }
        let too_large = || {
            ApiError::new(ErrorCode::PayloadTooLarge).with_message(format!(
                "the request body is larger than {MAX_BODY_BYTES} bytes"
            ))
        };
        let declared = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|text| text.parse::<usize>().ok());
        if declared.is_some_and(|length| length > MAX_BODY_BYTES) {
            return Err(too_large());
        }
        let bytes = to_bytes(request.into_body(), MAX_BODY_BYTES)
            .await
            .map_err(|_| too_large())?;
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            ApiError::new(ErrorCode::MalformedJson).with_message("the body is not UTF-8")
        })?;
        // Every body of this API is an object (serde would take a struct from an array, too).
        if !text.trim_start().starts_with('{') {
            return Err(ApiError::new(ErrorCode::MalformedJson)
                .with_message("the body must be a JSON object"));
        }
        corridor_core::parse_json(text)
            .map(JsonBody)
            .map_err(|error| ApiError::input(ErrorCode::MalformedJson, error))
    }
}

/// `application/json`, with or without parameters (`; charset=utf-8`).
fn is_json(headers: &HeaderMap) -> bool {
    crate::has_content_type(headers, "application/json")
}

/// Query-string parameters parsed into `T` (which should deny unknown fields).
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        corridor_core::deserialize_described(deserializer)
            .map(QueryParams)
            .map_err(|error| ApiError::input(ErrorCode::BadParameter, error))
    }
}

/// A path parameter parsed into an id; a malformed one is a 400 naming the parameter.
pub fn path_id<T: std::str::FromStr>(text: &str, name: &'static str) -> Result<T, ApiError> {
    text.parse().map_err(|_| {
        ApiError::new(ErrorCode::BadParameter)
            .with_message("not a valid id; expected a UUID")
            .with_field(name)
    })
}
