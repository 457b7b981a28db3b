//! Signing in: password, then the authenticator code, or, at the first sign-in, enrolment
//! (QR code, first code, recovery codes shown once). Signing out, here or everywhere.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use corridor_app::{AppError, LoginStep, Session};
use serde::Deserialize;

use super::render;
use crate::AppState;
use crate::auth::{
    CSRF_FIELD, ClientAddr, SignedIn, cleared_cookie, form_csrf_matches, form_guard,
    session_cookie, with_cookie,
};
use crate::i18n::Translator;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    t: &'a Translator,
    /// Bound to the anti-forgery cookie: there is no session yet to bind it to.
    csrf: String,
    username: String,
    error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "totp.html")]
struct TotpPage<'a> {
    t: &'a Translator,
    pending: String,
    error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "enrol.html")]
struct EnrolPage<'a> {
    t: &'a Translator,
    pending: String,
    secret: String,
    qr_svg: String,
    error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "recovery.html")]
struct RecoveryPage<'a> {
    t: &'a Translator,
    codes: Vec<String>,
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    username: String,
    password: String,
}

#[derive(Deserialize)]
pub struct CodeForm {
    pending: String,
    code: String,
}

pub async fn login_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    login_form(&state, &headers, StatusCode::OK, String::new(), None)
}

/// The sign-in form (with `status`, the username as typed and a message), bound to the
/// request's anti-forgery cookie, which it sets when the request had none.
fn login_form(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    username: String,
    error: Option<&str>,
) -> Response {
    let t = &state.t;
    let (csrf, set_cookie) = form_guard(headers, state.secure_cookies);
    let page = LoginPage {
        t,
        csrf,
        username,
        error,
    };
    with_cookie(no_store(page, status), set_cookie)
}

/// The message key for a refused sign-in. Wrong password and unknown user read the same.
fn refusal(error: &AppError) -> &'static str {
    match error {
        AppError::Throttled => "login.throttled",
        AppError::LoginExpired => "login.expired",
        AppError::CodeRefused => "login.code_refused",
        _ => "login.refused",
    }
}

/// The status of a refused sign-in: 429 when throttled, else 401.
fn refusal_status(error: &AppError) -> StatusCode {
    match error {
        AppError::Throttled => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::UNAUTHORIZED,
    }
}

/// Renders a page of the login flow with `status`. These pages hold one-time secrets: never
/// cache them.
fn no_store(page: impl Template, status: StatusCode) -> Response {
    match page.render() {
        Ok(html) => (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(_) => status.into_response(),
    }
}

pub async fn login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Response {
    let t = &state.t;
    let now = chrono::Utc::now();
    let presented = [(CSRF_FIELD.to_owned(), form.csrf.clone())];
    if !form_csrf_matches(&headers, &presented) {
        let message = t.get("error.csrf_text");
        return login_form(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            form.username,
            Some(message),
        );
    }
    match state
        .corridor
        .begin_login(&form.username, &form.password, address, now)
        .await
    {
        Ok(LoginStep::NeedsTotp { pending }) => render(
            t,
            TotpPage {
                t,
                pending: pending.token().to_owned(),
                error: None,
            },
        ),
        Ok(LoginStep::NeedsEnrolment { pending, enrolment }) => {
            let page = EnrolPage {
                t,
                pending: pending.token().to_owned(),
                secret: enrolment.secret_base32().to_owned(),
                qr_svg: enrolment.qr_svg().to_owned(),
                error: None,
            };
            no_store(page, StatusCode::OK)
        }
        Err(error) => {
            let status = refusal_status(&error);
            let message = t.get(refusal(&error));
            login_form(&state, &headers, status, form.username, Some(message))
        }
    }
}

/// Sets the session cookie and goes to `to`.
fn signed_in(state: &AppState, session: &Session, to: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    if let Ok(value) = session_cookie(session.token(), state.secure_cookies).parse() {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

pub async fn login_totp(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let t = &state.t;
    match state
        .corridor
        .finish_login(&form.pending, &form.code, chrono::Utc::now())
        .await
    {
        Ok(session) => signed_in(&state, &session, "/"),
        Err(error) => {
            let status = refusal_status(&error);
            let key = refusal(&error);
            // An expired or used-up pending login cannot take another code: start again.
            if key == "login.expired" {
                return login_form(&state, &headers, status, String::new(), Some(t.get(key)));
            }
            let page = TotpPage {
                t,
                pending: form.pending,
                error: Some(t.get(key)),
            };
            no_store(page, status)
        }
    }
}

pub async fn login_enrol(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let t = &state.t;
    match state
        .corridor
        .confirm_enrolment(&form.pending, &form.code, chrono::Utc::now())
        .await
    {
        Ok(enrolled) => {
            let page = RecoveryPage {
                t,
                codes: enrolled
                    .recovery_codes
                    .expose()
                    .map(str::to_owned)
                    .collect(),
            };
            let mut response = no_store(page, StatusCode::OK);
            if let Ok(value) =
                session_cookie(enrolled.session.token(), state.secure_cookies).parse()
            {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        Err(error) => {
            // The enrolment page cannot be shown again without its secret: start over.
            let message = Some(t.get(refusal(&error)));
            login_form(
                &state,
                &headers,
                StatusCode::UNAUTHORIZED,
                String::new(),
                message,
            )
        }
    }
}

fn signed_out(state: &AppState) -> Response {
    let mut response = Redirect::to("/login").into_response();
    if let Ok(value) = cleared_cookie(state.secure_cookies).parse() {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

pub async fn logout(State(state): State<AppState>, who: SignedIn) -> Response {
    if let Err(error) = state
        .corridor
        .sign_out(&who.principal, who.session_token())
        .await
    {
        tracing::warn!(%error, "logout failed");
    }
    signed_out(&state)
}

pub async fn logout_everywhere(State(state): State<AppState>, who: SignedIn) -> Response {
    if let Err(error) = state.corridor.logout_everywhere(who.principal.user).await {
        tracing::warn!(%error, "logout everywhere failed");
    }
    signed_out(&state)
}
