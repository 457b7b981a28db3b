//! Corridor's web face: server-rendered pages (askama, vendored htmx, no build step) behind
//! sign-in with a password and TOTP, default-deny authorisation and an audit trail. Off
//! loopback it is served only behind a TLS-terminating proxy, never as plain HTTP.

pub mod api;
pub mod auth;
mod charts;
pub mod i18n;
mod pages;
mod security;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use corridor_app::Corridor;

/// Why the server would not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "refusing to serve plain HTTP on {0}: sessions and case data would cross the network unencrypted; put a TLS-terminating proxy in front and pass --behind-tls, or listen on a loopback address (127.0.0.1 or ::1)"
    )]
    PlainHttpOffLoopback(SocketAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Largest request body accepted, in bytes, but for evidence uploads: forms are small; larger
/// bodies are refused (413).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What every handler can reach: the unsealed application and the translator.
#[derive(Clone)]
pub struct AppState {
    pub corridor: Arc<Corridor>,
    pub t: Arc<i18n::Translator>,
    /// Mark cookies `Secure`: set when Corridor is served behind TLS.
    pub secure_cookies: bool,
}

/// How the web application is served.
#[derive(Clone, Copy, Debug, Default)]
pub struct WebOptions {
    pub secure_cookies: bool,
}

/// The application's routes with default options (no TLS in front).
pub fn router(corridor: Arc<Corridor>) -> Router {
    router_with(corridor, WebOptions::default())
}

/// The application's routes. Everything but sign-in, assets and the health check needs a
/// session; every POST behind it needs the session's CSRF token.
pub fn router_with(corridor: Arc<Corridor>, options: WebOptions) -> Router {
    let state = AppState {
        corridor,
        t: Arc::new(i18n::Translator::english()),
        secure_cookies: options.secure_cookies,
    };
    // An upload may carry the largest file accepted and its form around it; every other
    // body is small.
    let upload_limit = usize::try_from(state.corridor.max_evidence_bytes())
        .unwrap_or(usize::MAX)
        .saturating_add(MAX_BODY_BYTES);
    let signed_in = Router::new()
        .route("/", get(pages::dashboard::dashboard))
        .route("/cases", get(pages::list::case_list))
        .route("/cases/search", post(pages::list::case_search))
        .route(
            "/cases/new",
            get(pages::edit::new_case_form).post(pages::edit::create_case),
        )
        .route("/cases/{id}", get(pages::case::case_page))
        .route(
            "/cases/{id}/edit",
            get(pages::edit::edit_case_form).post(pages::edit::save_case),
        )
        .route("/cases/{id}/flags", post(pages::decisions::clear_flag))
        .route("/cases/{id}/scores", post(pages::decisions::override_score))
        .route(
            "/cases/{id}/referral",
            post(pages::decisions::record_referral),
        )
        .route("/cases/{id}/dossier", post(pages::dossiers::issue))
        .route(
            "/cases/{id}/dossiers/{version}/{part}",
            get(pages::dossiers::file),
        )
        .route("/cases/{id}/share", post(pages::case::share))
        .route("/cases/{id}/unshare", post(pages::case::unshare))
        .route("/cases/{id}/refer", post(pages::case::refer))
        .route(
            "/cases/{id}/withdraw-referral",
            post(pages::case::withdraw_referral),
        )
        .route(
            "/cases/{id}/evidence",
            get(pages::upload::form)
                .post(pages::upload::upload)
                .layer(axum::extract::DefaultBodyLimit::max(upload_limit)),
        )
        .route("/evidence/{evidence}", get(pages::evidence::item))
        .route(
            "/evidence/{evidence}/preview/{page}",
            get(pages::evidence::preview),
        )
        .route("/evidence/{evidence}/file", get(pages::evidence::file))
        .route("/evidence/{evidence}/review", post(pages::evidence::review))
        .route("/evidence/{evidence}/cite", post(pages::evidence::cite))
        .route("/evidence/{evidence}/strip", post(pages::evidence::strip))
        .route("/screening/alerts", get(pages::alerts::queue))
        .route(
            "/screening/alerts/{alert}",
            get(pages::alerts::alert).post(pages::alerts::decide),
        )
        .route("/screening/gaps", get(pages::gaps::page))
        .route("/screening/gaps.csv", get(pages::gaps::csv))
        .route("/cases/{id}/check-ins", post(pages::monitoring::check_in))
        .route(
            "/cases/{id}/field-reports",
            post(pages::monitoring::field_report),
        )
        .route("/watch", get(pages::watch::inbox))
        .route("/watch/acknowledge", post(pages::watch::acknowledge))
        .route("/watch/assign", post(pages::watch::assign))
        .route("/calendar", get(pages::watch::calendar))
        .route(
            "/flights",
            get(pages::flights::list).post(pages::flights::create),
        )
        .route("/flights/{id}", get(pages::flights::page))
        .route("/flights/{id}/reports", post(pages::flights::add_report))
        .route("/reports/aggregate", get(pages::reports::page))
        .route("/reports/aggregate.csv", get(pages::reports::csv))
        .route("/triage", get(pages::triage::page))
        .route("/triage.csv", get(pages::triage::csv))
        .route("/referrals", get(pages::referrals::referrals))
        .route("/referrals/{id}", get(pages::referrals::referral))
        .route("/admin/audit", get(pages::audit::audit_log))
        .route(
            "/admin/users",
            get(pages::admin::users).post(pages::admin::create_user),
        )
        .route("/admin/users/{user}", post(pages::admin::change_user))
        .route(
            "/admin/organisations",
            get(pages::admin::organisations).post(pages::admin::create_organisation),
        )
        .route("/logout", post(pages::login::logout))
        .route("/logout/everywhere", post(pages::login::logout_everywhere))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::require_session,
        ));
    Router::new()
        .merge(signed_in)
        .nest(api::MOUNT, api::router(state.clone()))
        .route(
            "/login",
            get(pages::login::login_page).post(pages::login::login),
        )
        .route(
            "/intake",
            get(pages::intake::intake_form).post(pages::intake::submit_intake),
        )
        .route("/login/totp", post(pages::login::login_totp))
        .route("/login/enrol", post(pages::login::login_enrol))
        .route("/assets/style.css", get(pages::stylesheet))
        .route("/assets/htmx.min.js", get(pages::htmx))
        .route("/healthz", get(|| async { "ok" }))
        .fallback(pages::not_found)
        .with_state(state)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(security::headers))
}

/// Whether a request's `Content-Type` is `mime` (parameters such as a boundary or a charset
/// aside): the one reading of the header for forms, uploads and the API.
pub(crate) fn has_content_type(headers: &axum::http::HeaderMap, mime: &str) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|sent| sent.trim().eq_ignore_ascii_case(mime))
}

/// Checks that serving on `addr` keeps traffic private: any loopback address, or any address
/// when a TLS-terminating proxy is in front (`secure_cookies`).
pub fn ensure_private(addr: SocketAddr, options: WebOptions) -> Result<(), ServeError> {
    if addr.ip().is_loopback() || options.secure_cookies {
        Ok(())
    } else {
        Err(ServeError::PlainHttpOffLoopback(addr))
    }
}

/// Binds (after [`ensure_private`]) and returns the listener with its actual address, so a
/// caller can print the URL before serving (and tests can bind port 0).
pub async fn bind(
    addr: SocketAddr,
    options: WebOptions,
) -> Result<tokio::net::TcpListener, ServeError> {
    ensure_private(addr, options)?;
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })
}

/// Serves until Ctrl-C.
pub async fn serve(
    listener: tokio::net::TcpListener,
    corridor: Arc<Corridor>,
    options: WebOptions,
) -> Result<(), ServeError> {
    let app = router_with(corridor, options);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
