//! The removal watch calendar as an iCalendar feed, for a caseworker's calendar app: all-day
//! events by case code and kind, never a name (the feed ends up in calendar apps and their
//! cloud backups). Reached with a token limited to `calendar:read`, sent as a bearer token or,
//! since calendar apps subscribe with a user name and password, as the password of HTTP Basic.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use corridor_core::calendar::to_ics;

use super::auth::Caller;
use super::error::ApiError;
use crate::AppState;

/// How far back and ahead the feed reaches.
const FEED_BACK_DAYS: i64 = 30;
const FEED_AHEAD_DAYS: i64 = 180;

/// `GET /api/v1/calendar.ics`.
pub(super) async fn feed(
    State(state): State<AppState>,
    Caller(who): Caller,
) -> Result<Response, ApiError> {
    let now = Utc::now();
    let today = now.date_naive();
    let events = state
        .corridor
        .calendar_for(
            &who,
            today - Duration::days(FEED_BACK_DAYS),
            today + Duration::days(FEED_AHEAD_DAYS),
            today,
        )
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        to_ics(&events, now),
    )
        .into_response())
}
