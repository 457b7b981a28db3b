//! The JSON API under `/api/v1`: the operations of the case pages (list, search, read, create,
//! edit, share, refer, dashboard) and the sponsor's referral pages, behind scoped, revocable API
//! tokens.
//!
//! - Authentication is `Authorization: Bearer <token>` only ([`auth`]); session cookies are not
//!   accepted, so CSRF does not arise.
//! - Every handler calls the same `*_for` use case as the page it mirrors, so authorisation
//!   (the token's user's role, narrowed by the token's scopes) and audit are the app's.
//! - Errors are one JSON shape with the right status ([`error`]); bodies and parameters are read
//!   by parsers that name the field and never repeat a value ([`body`]).
//! - [`routes::ROUTES`] is the one list of routes; `docs/openapi.json` describes each, and a
//!   test fails when the two differ.

pub mod auth;
pub mod body;
mod calendar;
mod cases;
mod dashboard;
pub mod error;
mod matching;
mod referrals;
pub mod routes;
mod sharing;

use axum::Router;

use crate::AppState;

pub use routes::{ApiRoute, MOUNT, Operation, PREFIX, ROUTES, VERSION};

/// The API's router, to be nested at [`MOUNT`]; its routes are below [`VERSION`].
pub fn router(state: AppState) -> Router<AppState> {
    ROUTES
        .iter()
        .fold(Router::new(), |router, route| {
            router.route(&format!("{VERSION}{}", route.path), route.endpoint())
        })
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            auth::require_token,
        ))
        .method_not_allowed_fallback(error::method_not_allowed)
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn(error::json_errors))
}
