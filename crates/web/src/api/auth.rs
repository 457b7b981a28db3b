//! Who is calling the API: a bearer token, and nothing else. Session cookies are not read here,
//! so a page of another site cannot make a browser call the API with its user's session (and
//! CSRF tokens have no place in it).

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use corridor_app::Principal;

use super::error::{ApiError, ErrorCode};
use crate::AppState;
use crate::auth::ClientAddr;

/// The principal an API request acts as: the token's user, limited to the token's scopes. Put
/// there by [`require_token`].
#[derive(Clone, Debug)]
pub struct Caller(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))
    }
}

/// What the `Authorization` header presents: `None` without one, `Some("")` for anything that
/// is not exactly one `Bearer <token>` or `Basic <user:token>` (so it is refused as
/// malformed), else the token. Basic is there for calendar apps, which subscribe to a feed
/// with a user name and password and cannot send a bearer token; the user name is ignored
/// (the token says whose it is).
fn presented(headers: &HeaderMap) -> Option<String> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return Some(String::new());
    }
    let Some((scheme, credentials)) = value.to_str().ok().and_then(|text| text.split_once(' '))
    else {
        return Some(String::new());
    };
    let credentials = credentials.trim();
    let token = if scheme.eq_ignore_ascii_case("bearer") {
        credentials.to_owned()
    } else if scheme.eq_ignore_ascii_case("basic") {
        basic_password(credentials).unwrap_or_default()
    } else {
        String::new()
    };
    Some(token)
}

/// The password of HTTP Basic credentials (`base64(user:password)`), if they decode.
fn basic_password(credentials: &str) -> Option<String> {
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(credentials)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (_, password) = text.split_once(':')?;
    Some(password.to_owned())
}

/// Lets a request through only with a valid API token, whatever else it carries. Every refusal
/// is a 401 with the same message (the app audits it, with the reason in the server log only).
pub async fn require_token(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    mut request: Request,
    next: Next,
) -> Response {
    let now = chrono::Utc::now();
    let principal = state
        .corridor
        .authenticate_api_token(presented(request.headers()).as_deref(), now, Some(address))
        .await;
    match principal {
        Ok(principal) => {
            request.extensions_mut().insert(Caller(principal));
            next.run(request).await
        }
        Err(error) => ApiError::from(error).into_response(),
    }
}
