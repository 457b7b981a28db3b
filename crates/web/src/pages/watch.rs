//! The removal watch pages: each user's inbox of alerts (acknowledge, assign) and the calendar
//! of what is coming across the organisation's cases.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use corridor_app::{InboxFilter, Principal};
use corridor_core::calendar::case_code;
use corridor_core::{CaseId, Username};
use serde::Deserialize;

use super::{app_error, render};
use crate::AppState;
use crate::auth::{SignedIn, Who};
use crate::i18n::Translator;

/// How far the calendar page looks ahead, and back (a missed check-in stays in sight).
const CALENDAR_AHEAD_DAYS: i64 = 60;
const CALENDAR_BACK_DAYS: i64 = 14;

#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    show: Option<String>,
}

struct Item<'a> {
    key: String,
    level: &'static str,
    level_label: &'a str,
    rule: &'a str,
    on: String,
    case_id: String,
    name: String,
    why: String,
    acknowledged: Option<String>,
    assigned: Option<String>,
}

#[derive(Template)]
#[template(path = "watch.html")]
struct InboxPage<'a> {
    t: &'a Translator,
    who: Who,
    filters: Vec<(&'static str, &'a str, bool)>,
    open: usize,
    items: Vec<Item<'a>>,
    assignees: Vec<String>,
}

/// `GET /watch?show=open|mine|all`: the user's inbox.
pub async fn inbox(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<InboxQuery>,
) -> Response {
    let t = &state.t;
    let who = &signed_in.principal;
    let filter = InboxFilter::parse(query.show.as_deref());
    let today = Utc::now().date_naive();
    let inbox = match state.corridor.inbox_for(who, today, filter).await {
        Ok(inbox) => inbox,
        Err(error) => return app_error(t, error),
    };
    let names = names_of(&state, who, inbox.items.iter().map(|i| i.alert.case)).await;
    let items = inbox
        .items
        .iter()
        .map(|item| Item {
            key: item.key.to_string(),
            level: item.alert.level.as_str(),
            level_label: t.label("alert_level", item.alert.level.as_str()),
            rule: t.label("watch_rule", item.alert.rule.as_str()),
            on: item.alert.on.map(|d| d.to_string()).unwrap_or_default(),
            case_id: item.alert.case.to_string(),
            name: display_name(&names, item.alert.case),
            why: item.alert.why.clone(),
            acknowledged: item
                .acknowledged
                .as_ref()
                .map(|(by, at)| format!("{by} · {}", at.format("%Y-%m-%d %H:%M"))),
            assigned: item.assigned_to.as_ref().map(Username::to_string),
        })
        .collect();
    let filters = InboxFilter::ALL
        .iter()
        .map(|f| {
            (
                f.as_str(),
                t.get(match f {
                    InboxFilter::Open => "watch.show_open",
                    InboxFilter::Mine => "watch.show_mine",
                    InboxFilter::All => "watch.show_all",
                }),
                *f == filter,
            )
        })
        .collect();
    render(
        t,
        InboxPage {
            t,
            who: signed_in.who(t),
            filters,
            open: inbox.open,
            items,
            assignees: inbox.assignees.iter().map(ToString::to_string).collect(),
        },
    )
}

/// Fields default to empty so that the right is checked before the form is read.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MarkForm {
    key: String,
    assignee: String,
}

/// `POST /watch/acknowledge`.
pub async fn acknowledge(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<MarkForm>,
) -> Response {
    let now = Utc::now();
    match state
        .corridor
        .acknowledge_watch_alert_for(&signed_in.principal, &form.key, now.date_naive(), now)
        .await
    {
        Ok(()) => Redirect::to("/watch").into_response(),
        Err(error) => app_error(&state.t, error),
    }
}

/// `POST /watch/assign`.
pub async fn assign(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<MarkForm>,
) -> Response {
    let t = &state.t;
    let now = Utc::now();
    if let Err(error) = state
        .corridor
        .permit(
            &signed_in.principal,
            corridor_core::Permission::WatchManage,
            corridor_core::AuditAction::WatchAlertAssigned,
        )
        .await
    {
        return app_error(t, error);
    }
    let Ok(assignee) = form.assignee.parse::<Username>() else {
        return super::refused_field(t, "assignee");
    };
    match state
        .corridor
        .assign_watch_alert_for(
            &signed_in.principal,
            &form.key,
            &assignee,
            now.date_naive(),
            now,
        )
        .await
    {
        Ok(()) => Redirect::to("/watch?show=all").into_response(),
        Err(error) => app_error(t, error),
    }
}

struct Day<'a> {
    date: String,
    events: Vec<Event<'a>>,
}

struct Event<'a> {
    kind: &'static str,
    what: &'a str,
    detail: &'a str,
    case_id: String,
    code: String,
    name: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage<'a> {
    t: &'a Translator,
    who: Who,
    from: String,
    to: String,
    days: Vec<Day<'a>>,
}

/// `GET /calendar`: from two weeks back to two months ahead, by day.
pub async fn calendar(State(state): State<AppState>, signed_in: SignedIn) -> Response {
    let t = &state.t;
    let who = &signed_in.principal;
    let today = Utc::now().date_naive();
    let (from, to) = (
        today - Duration::days(CALENDAR_BACK_DAYS),
        today + Duration::days(CALENDAR_AHEAD_DAYS),
    );
    let events = match state.corridor.calendar_for(who, from, to, today).await {
        Ok(events) => events,
        Err(error) => return app_error(t, error),
    };
    let names = names_of(&state, who, events.iter().map(|e| e.case)).await;
    let mut days: Vec<Day> = Vec::new();
    for event in &events {
        let date = event.on.to_string();
        if days.last().is_none_or(|d| d.date != date) {
            days.push(Day {
                date,
                events: Vec::new(),
            });
        }
        if let Some(day) = days.last_mut() {
            day.events.push(Event {
                kind: event.kind.as_str(),
                what: t.label("calendar", event.kind.as_str()),
                detail: event.detail,
                case_id: event.case.to_string(),
                code: case_code(event.case),
                name: display_name(&names, event.case),
            });
        }
    }
    render(
        t,
        CalendarPage {
            t,
            who: signed_in.who(t),
            from: from.to_string(),
            to: to.to_string(),
            days,
        },
    )
}

/// The display names of the cases `who` may list, for pages that show alerts or events by
/// case. A case the user cannot list shows its code instead.
pub(crate) async fn names_of(
    state: &AppState,
    who: &Principal,
    cases: impl Iterator<Item = CaseId>,
) -> HashMap<CaseId, String> {
    let mut ids: Vec<CaseId> = cases.collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return HashMap::new();
    }
    let filter = corridor_store::CaseFilter {
        ids: Some(ids),
        ..Default::default()
    };
    match state
        .corridor
        .cases_for(who, &filter, corridor_store::Page::ALL)
        .await
    {
        Ok((_, cases)) => cases.into_iter().map(|c| (c.id, c.display_name)).collect(),
        Err(_) => HashMap::new(),
    }
}

pub(crate) fn display_name(names: &HashMap<CaseId, String>, case: CaseId) -> String {
    names.get(&case).cloned().unwrap_or_else(|| case_code(case))
}
