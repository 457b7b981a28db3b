//! The list comparison page: who the US, EU, UK and UN lists name with a Russia link and
//! Canada's does not, with a CSV download (audited as an export).

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::{app_error, render};
use crate::AppState;
use crate::auth::{SignedIn, Who};
use crate::i18n::Translator;

#[derive(Template)]
#[template(path = "gaps.html")]
struct GapsPage<'a> {
    t: &'a Translator,
    who: Who,
    listed_names: usize,
    rows: Vec<[String; 4]>,
}

/// `GET /screening/gaps`.
pub async fn page(State(state): State<AppState>, signed_in: SignedIn) -> Response {
    let t = &state.t;
    match state
        .corridor
        .list_gaps_for(&signed_in.principal, false)
        .await
    {
        Ok(gaps) => render(
            t,
            GapsPage {
                t,
                who: signed_in.who(t),
                listed_names: state.corridor.listed_names(),
                rows: gaps
                    .iter()
                    .map(|gap| {
                        [
                            gap.name.clone(),
                            gap.listed_by_text(),
                            gap.birth_dates.join(" "),
                            gap.programs.join("; "),
                        ]
                    })
                    .collect(),
            },
        ),
        Err(error) => app_error(t, error),
    }
}

/// `GET /screening/gaps.csv`: the same rows as CSV.
pub async fn csv(State(state): State<AppState>, signed_in: SignedIn) -> Response {
    let t = &state.t;
    let gaps = match state
        .corridor
        .list_gaps_for(&signed_in.principal, true)
        .await
    {
        Ok(gaps) => gaps,
        Err(error) => return app_error(t, error),
    };
    let text = corridor_screen::compare::to_csv(&gaps);
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"russia-linked-not-listed-by-canada.csv\"",
            ),
        ],
        text,
    )
        .into_response()
}
