//! The audit log for administrators, filtered by user, case or action.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use corridor_core::{Actor, AuditAction, CaseId, UserId};
use corridor_store::{AuditFilter, Page};
use serde::Deserialize;

use super::{app_error, message, render};
use crate::AppState;
use crate::auth::{SignedIn, Who};
use crate::i18n::Translator;

const PAGE_SIZE: u32 = 100;

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    user: Option<String>,
    case: Option<String>,
    action: Option<String>,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    t: &'a Translator,
    who: Who,
    rows: Vec<[String; 6]>,
    actions: Vec<(&'static str, bool)>,
    user: String,
    case: String,
    page: u32,
    more: bool,
}

pub async fn audit_log(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<AuditQuery>,
) -> Response {
    let t = &state.t;
    let parsed = (|| -> Result<AuditFilter, &'static str> {
        let blank = |v: &Option<String>| v.as_deref().filter(|s| !s.is_empty()).map(str::to_owned);
        Ok(AuditFilter {
            actor: blank(&query.user)
                .map(|u| u.parse::<UserId>().map(Actor::User).map_err(|_| "user"))
                .transpose()?,
            case: blank(&query.case)
                .map(|c| c.parse::<CaseId>().map_err(|_| "case"))
                .transpose()?,
            action: blank(&query.action)
                .map(|a| a.parse::<AuditAction>().map_err(|_| "action"))
                .transpose()?,
            ..AuditFilter::default()
        })
    })();
    let filter = match parsed {
        Ok(filter) => filter,
        Err(name) => {
            return message(
                t,
                StatusCode::BAD_REQUEST,
                "error.bad_filter",
                "error.bad_filter_text",
                name,
            );
        }
    };
    let page = query.page.unwrap_or(1).max(1);
    let window = Page::new((page - 1).saturating_mul(PAGE_SIZE), PAGE_SIZE + 1);
    let mut entries = match state
        .corridor
        .audit_log_for(&signed_in.principal, &filter, window)
        .await
    {
        Ok(entries) => entries,
        Err(error) => return app_error(t, error),
    };
    let more = entries.len() > PAGE_SIZE as usize;
    entries.truncate(PAGE_SIZE as usize);
    let selected = filter.action;
    render(
        t,
        AuditPage {
            t,
            who: signed_in.who(t),
            rows: entries
                .iter()
                .map(|e| {
                    [
                        e.seq.to_string(),
                        e.event.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                        e.event.actor.to_string(),
                        e.event.action.as_str().to_owned(),
                        e.event.outcome.as_str().to_owned(),
                        e.event.case.map(|c| c.to_string()).unwrap_or_default(),
                    ]
                })
                .collect(),
            actions: AuditAction::ALL
                .iter()
                .map(|a| (a.as_str(), selected == Some(*a)))
                .collect(),
            user: query.user.unwrap_or_default(),
            case: query.case.unwrap_or_default(),
            page,
            more,
        },
    )
}
