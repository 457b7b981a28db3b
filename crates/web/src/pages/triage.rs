//! The priority board: a program's open cases assessed, grouped into families and selected
//! under the places the program has left (or another capacity, to see what would change),
//! with a CSV download audited as an export.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use corridor_app::{Custodian, TriageBoard};
use corridor_core::ProgramSlug;
use serde::Deserialize;

use super::{app_error, message, render};
use crate::AppState;
use crate::auth::{SignedIn, Who};
use crate::i18n::Translator;

/// `?program=…&capacity=…`, both optional.
#[derive(Debug, Default, Deserialize)]
pub struct BoardQuery {
    program: Option<String>,
    capacity: Option<String>,
}

/// One row of the board: a family unit (or one person).
struct Row {
    selected: bool,
    priority: &'static str,
    priority_label: String,
    days_left: i64,
    persons: u32,
    value: u64,
    /// Each member's case id and name.
    members: Vec<(String, String)>,
    why: String,
}

#[derive(Template)]
#[template(path = "triage.html")]
struct BoardPage<'a> {
    t: &'a Translator,
    who: Who,
    programs: Vec<(String, String, bool)>,
    program_capacity: u32,
    committed: u32,
    capacity: u32,
    what_if: bool,
    persons_selected: u32,
    units_selected: usize,
    rows: Vec<Row>,
    csv_query: String,
}

/// What the query asks for: the program (the first when none is given) and a capacity.
fn parse(state: &AppState, query: &BoardQuery) -> Result<(ProgramSlug, Option<u32>), &'static str> {
    let program = match query.program.as_deref().filter(|p| !p.is_empty()) {
        Some(slug) => slug.parse::<ProgramSlug>().map_err(|_| "program")?,
        None => state
            .corridor
            .programs()
            .iter()
            .next()
            .map(|p| p.slug.clone())
            .ok_or("program")?,
    };
    let capacity = match query
        .capacity
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(text) => Some(text.parse::<u32>().map_err(|_| "capacity")?),
        None => None,
    };
    Ok((program, capacity))
}

async fn board(
    state: &AppState,
    signed_in: &SignedIn,
    query: &BoardQuery,
    exported: bool,
) -> Result<TriageBoard, Response> {
    let t = &state.t;
    let (program, capacity) = parse(state, query).map_err(|name| {
        message(
            t,
            StatusCode::BAD_REQUEST,
            "error.bad_filter",
            "error.bad_filter_text",
            name,
        )
    })?;
    let today = chrono::Utc::now().date_naive();
    state
        .corridor
        .triage_board(
            Custodian::User(&signed_in.principal),
            &program,
            capacity,
            today,
            exported,
        )
        .await
        .map_err(|error| app_error(t, error))
}

/// `GET /triage`.
pub async fn page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<BoardQuery>,
) -> Response {
    let t = &state.t;
    let found = match board(&state, &signed_in, &query, false).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let b = &found.board;
    let rows = b
        .units
        .iter()
        .map(|unit| Row {
            selected: unit.selected,
            priority: unit.priority.as_str(),
            priority_label: t.label("priority", unit.priority.as_str()).to_owned(),
            days_left: unit.days_left,
            persons: unit.persons,
            value: unit.value,
            members: unit
                .cases
                .iter()
                .map(|id| {
                    let name = found.names.get(id).cloned().unwrap_or_default();
                    (id.to_string(), name)
                })
                .collect(),
            why: unit.why.clone(),
        })
        .collect();
    let program = found.program.to_string();
    let what_if = query
        .capacity
        .as_deref()
        .is_some_and(|c| !c.trim().is_empty());
    let csv_query = serde_urlencoded::to_string([
        ("program", program.as_str()),
        (
            "capacity",
            &if what_if {
                b.capacity.to_string()
            } else {
                String::new()
            },
        ),
    ])
    .unwrap_or_default();
    render(
        t,
        BoardPage {
            t,
            who: signed_in.who(t),
            programs: state
                .corridor
                .programs()
                .iter()
                .map(|p| (p.slug.to_string(), p.name.clone(), p.slug == found.program))
                .collect(),
            program_capacity: found.program_capacity,
            committed: found.committed,
            capacity: b.capacity,
            what_if,
            persons_selected: b.persons_selected,
            units_selected: b.selected().count(),
            rows,
            csv_query,
        },
    )
}

/// `GET /triage.csv`: the same board as CSV, one row per case.
pub async fn csv(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<BoardQuery>,
) -> Response {
    let found = match board(&state, &signed_in, &query, true).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"priority-board.csv\"",
            ),
        ],
        found.to_csv(),
    )
        .into_response()
}
