//! Who is asking: the session cookie, the signed-in principal, and CSRF protection.
//!
//! The session token lives only in an HttpOnly, SameSite=Strict cookie (Secure behind TLS); the
//! server keeps its digest. Every form of a signed-in page carries a CSRF token derived from the
//! session token, which a page of another site can neither read nor compute.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::body::{Body, to_bytes};
use axum::extract::multipart::{Field, Multipart};
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use corridor_app::Principal;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::pages::message;
use crate::{AppState, MAX_BODY_BYTES};

pub const SESSION_COOKIE: &str = "corridor_session";
/// The name of the hidden form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf";

/// The CSRF token of a session: SHA-256 over a domain prefix and the session token, in hex.
pub fn csrf_token(session_token: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"corridor/csrf/v1\0")
        .chain_update(session_token.as_bytes())
        .finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The anti-forgery cookie of public forms (self-referral), which have no session to bind to.
pub const FORM_COOKIE: &str = "corridor_form";

/// The CSRF token of a public form: derived from its cookie as [`csrf_token`] is from the
/// session, under another label so the two never match each other.
pub fn form_csrf_token(cookie_value: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"corridor/form-csrf/v1\0")
        .chain_update(cookie_value.as_bytes())
        .finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh anti-forgery cookie: its value and the `Set-Cookie` header that sets it.
pub fn new_form_cookie(secure: bool) -> (String, String) {
    let token = corridor_crypto::SecretToken::generate(corridor_crypto::TokenPurpose::FormGuard);
    let value = token.expose().to_owned();
    let secure = if secure { "; Secure" } else { "" };
    let header =
        format!("{FORM_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=7200{secure}");
    (value, header)
}

/// The CSRF token for a public form answering this request, bound to its anti-forgery cookie,
/// and the `Set-Cookie` header to send when the request had no (well-formed) cookie yet.
pub fn form_guard(headers: &HeaderMap, secure: bool) -> (String, Option<String>) {
    match cookie(headers, FORM_COOKIE) {
        Some(value) if value.len() == corridor_crypto::TOKEN_CHARS => {
            (form_csrf_token(value), None)
        }
        _ => {
            let (value, header) = new_form_cookie(secure);
            (form_csrf_token(&value), Some(header))
        }
    }
}

/// Adds a `Set-Cookie` header, if there is one, to a response.
pub fn with_cookie(mut response: Response, set_cookie: Option<String>) -> Response {
    if let Some(value) = set_cookie.and_then(|h| header::HeaderValue::from_str(&h).ok()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Whether a public form's CSRF field matches the anti-forgery cookie sent with it.
pub fn form_csrf_matches(headers: &HeaderMap, fields: &[(String, String)]) -> bool {
    let Some(cookie_value) = cookie(headers, FORM_COOKIE) else {
        return false;
    };
    let expected = form_csrf_token(cookie_value);
    fields
        .iter()
        .find(|(name, _)| name == CSRF_FIELD)
        .is_some_and(|(_, presented)| bool::from(presented.as_bytes().ct_eq(expected.as_bytes())))
}

/// The signed-in user of a request, put there by [`require_session`].
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub principal: Principal,
    pub csrf: String,
    session_token: String,
}

impl SignedIn {
    pub fn session_token(&self) -> &str {
        &self.session_token
    }

    /// What the page header shows and its forms need.
    pub fn who(&self, t: &crate::i18n::Translator) -> Who {
        let may = |p| self.principal.may(p);
        Who {
            username: self.principal.username.to_string(),
            role: t.label("role", self.principal.role.as_str()).to_owned(),
            csrf: self.csrf.clone(),
            cases: may(corridor_core::Permission::CaseList),
            referrals: may(corridor_core::Permission::ReferralRead),
            triage: may(corridor_core::Permission::ReferralManage),
            legal: may(corridor_core::Permission::LegalReview),
            screening: may(corridor_core::Permission::ScreeningRun),
            alerts: may(corridor_core::Permission::ScreeningReview),
            audit: may(corridor_core::Permission::AuditRead),
            users: may(corridor_core::Permission::UserManage),
            organisations: may(corridor_core::Permission::OrganisationManage),
            watch: may(corridor_core::Permission::WatchManage),
            calendar: may(corridor_core::Permission::CalendarRead),
            reports: may(corridor_core::Permission::ReportExport),
        }
    }
}

/// The signed-in user, as a page shows it.
pub struct Who {
    pub username: String,
    pub role: String,
    pub csrf: String,
    /// Which parts of the navigation this user may open.
    pub cases: bool,
    pub referrals: bool,
    pub triage: bool,
    /// May clear inadmissibility flags.
    pub legal: bool,
    pub screening: bool,
    pub alerts: bool,
    pub audit: bool,
    pub users: bool,
    pub organisations: bool,
    /// May record flights and check-ins, and acknowledge and assign watch alerts.
    pub watch: bool,
    pub calendar: bool,
    pub reports: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<SignedIn>()
            .cloned()
            .ok_or(StatusCode::UNAUTHORIZED)
    }
}

/// The client's address (for login throttling); loopback when the server did not record one.
pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip())
                .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        ))
    }
}

/// The value of a cookie in the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}")
}

/// The `Set-Cookie` value that ends it.
pub fn cleared_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
}

/// Lets a request through only with a live session; checks the CSRF token of every POST.
/// Without a session a page request is sent to the login page; anything else gets 401.
pub async fn require_session(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let t = &state.t;
    let now = chrono::Utc::now();
    let token = cookie(request.headers(), SESSION_COOKIE).map(str::to_owned);
    let principal = match &token {
        Some(token) => state.corridor.authenticate(token, now).await.ok(),
        None => None,
    };
    let (Some(token), Some(principal)) = (token, principal) else {
        if request.method() == Method::GET {
            let mut response = Redirect::to("/login").into_response();
            if cookie(request.headers(), SESSION_COOKIE).is_some() {
                // An expired or ended session: drop the stale cookie.
                if let Ok(value) = cleared_cookie(state.secure_cookies).parse() {
                    response.headers_mut().insert(header::SET_COOKIE, value);
                }
            }
            return response;
        }
        return message(
            t,
            StatusCode::UNAUTHORIZED,
            "error.signed_out",
            "error.signed_out_text",
            "",
        );
    };
    let signed_in = SignedIn {
        principal,
        csrf: csrf_token(&token),
        session_token: token,
    };
    let request = if request.method() == Method::POST && !checked_by_its_handler(&request) {
        match check_csrf(request, &signed_in.csrf).await {
            Ok(request) => request,
            Err(status) => return refuse_forgery(&state, &signed_in, status).await,
        }
    } else {
        request
    };
    let mut request = request;
    request.extensions_mut().insert(signed_in);
    next.run(request).await
}

/// Refuses a form whose CSRF token is missing or wrong, and audits the refusal.
pub async fn refuse_forgery(
    state: &AppState,
    signed_in: &SignedIn,
    status: StatusCode,
) -> Response {
    let denied = corridor_core::AuditEvent::new(
        chrono::Utc::now(),
        corridor_core::Actor::User(signed_in.principal.user),
        corridor_core::AuditAction::AccessDenied,
        corridor_core::AuditOutcome::Denied,
    )
    .with_organisation(signed_in.principal.organisation);
    if let Err(error) = state.corridor.audit(denied).await {
        tracing::error!(%error, "could not audit a refused form");
    }
    message(&state.t, status, "error.csrf", "error.csrf_text", "")
}

/// Whether a POST's CSRF token is checked by its handler rather than here: a multipart
/// upload to the one route that takes files, whose body is streamed to storage and must not
/// be buffered here. That handler reads the token first ([`multipart_csrf_matches`]); any
/// other multipart POST is checked here, and refused as it is not a urlencoded form.
fn checked_by_its_handler(request: &Request) -> bool {
    crate::has_content_type(request.headers(), "multipart/form-data")
        && request
            .extensions()
            .get::<MatchedPath>()
            .is_some_and(|path| path.as_str() == crate::pages::upload::ROUTE)
}

/// Whether a multipart form's first field is the session's CSRF token.
pub async fn multipart_csrf_matches(multipart: &mut Multipart, expected: &str) -> bool {
    let Ok(Some(field)) = multipart.next_field().await else {
        return false;
    };
    if field.name() != Some(CSRF_FIELD) {
        return false;
    }
    read_text_field(field, 256)
        .await
        .is_some_and(|presented| bool::from(presented.as_bytes().ct_eq(expected.as_bytes())))
}

/// A multipart text field's value, if it is UTF-8 of at most `max` bytes (read no further).
pub async fn read_text_field(mut field: Field<'_>, max: usize) -> Option<String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.ok()? {
        if bytes.len() + chunk.len() > max {
            return None;
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).ok()
}

/// Reads the form body, checks its CSRF field, and puts the body back for the handler.
async fn check_csrf(request: Request, expected: &str) -> Result<Request, StatusCode> {
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE)?;
    let fields: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&bytes).map_err(|_| StatusCode::BAD_REQUEST)?;
    let presented = fields
        .iter()
        .find(|(name, _)| name == CSRF_FIELD)
        .map(|(_, value)| value.as_bytes())
        .ok_or(StatusCode::FORBIDDEN)?;
    if !bool::from(presented.ct_eq(expected.as_bytes())) {
        return Err(StatusCode::FORBIDDEN);
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}
