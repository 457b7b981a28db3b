//! Corridor's web face. For now: a read-only, server-rendered case list and case page, so the
//! demo shows real content. Accounts, authorisation and audit come with the next milestone;
//! until then [`serve`] refuses any address but loopback.

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
        "refusing to listen on {0}: until accounts exist, Corridor serves only on a loopback address (127.0.0.1 or ::1)"
    )]
    NotLoopback(SocketAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Largest request body accepted, in bytes: forms are small; larger bodies are refused (413).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What every handler can reach: the unsealed application and the translator.
#[derive(Clone)]
pub struct AppState {
    pub corridor: Arc<Corridor>,
    pub t: Arc<i18n::Translator>,
}

/// The application's routes.
pub fn router(corridor: Arc<Corridor>) -> Router {
    let state = AppState {
        corridor,
        t: Arc::new(i18n::Translator::english()),
    };
    Router::new()
        .route("/", get(pages::dashboard::dashboard))
        .route("/cases", get(pages::list::case_list))
        .route("/cases/search", post(pages::list::case_search))
        .route("/cases/{id}", get(pages::case::case_page))
        .route("/assets/style.css", get(pages::stylesheet))
        .route("/assets/htmx.min.js", get(pages::htmx))
        .route("/healthz", get(|| async { "ok" }))
        .fallback(pages::not_found)
        .with_state(state)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(security::headers))
}

/// Checks that an address is loopback; the only addresses allowed before accounts exist.
pub fn ensure_loopback(addr: SocketAddr) -> Result<(), ServeError> {
    if addr.ip().is_loopback() {
        Ok(())
    } else {
        Err(ServeError::NotLoopback(addr))
    }
}

/// Binds (loopback only) and returns the listener with its actual address, so a caller can
/// print the URL before serving (and tests can bind port 0).
pub async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, ServeError> {
    ensure_loopback(addr)?;
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })
}

/// Serves until Ctrl-C.
pub async fn serve(
    listener: tokio::net::TcpListener,
    corridor: Arc<Corridor>,
) -> Result<(), ServeError> {
    let app = router(corridor);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
