//! The read-only pages: case list and case page. Handlers turn use-case results into view
//! structs of display strings; templates only lay them out (askama escapes every value).

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use corridor_app::{AppError, CaseSummary, CaseView, Corridor};
use corridor_core::{Case, CaseId, Custody, RiskLevel, Stage, group_claims};
use corridor_store::{CaseFilter, Page};
use serde::Deserialize;

const PAGE_SIZE: u32 = 50;

type AppState = State<Arc<Corridor>>;

pub async fn home() -> Redirect {
    Redirect::to("/cases")
}

pub async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../assets/style.css"),
    )
}

pub async fn not_found() -> Response {
    message(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is nothing at this address.",
    )
}

/// Filters of the case list, from the query string. Names are never part of a URL.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    stage: Option<String>,
    custody: Option<String>,
    risk: Option<String>,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CaseListPage {
    cases: Vec<CaseSummary>,
    total: u64,
    page: u32,
    pages: u32,
    stages: Vec<Choice>,
    custodies: Vec<Choice>,
    risks: Vec<Choice>,
    query_without_page: String,
}

/// One option of a filter drop-down.
struct Choice {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

fn choices<T: Copy + PartialEq>(
    all: &[T],
    selected: Option<T>,
    value: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|&item| Choice {
            value: value(item),
            label: label(item),
            selected: selected == Some(item),
        })
        .collect()
}

/// Parses an optional filter parameter; an unknown value names the parameter (and only it).
fn parse_param<T: std::str::FromStr>(
    name: &'static str,
    value: &Option<String>,
) -> Result<Option<T>, &'static str> {
    match value.as_deref() {
        None | Some("") => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| name),
    }
}

pub async fn case_list(State(corridor): AppState, Query(query): Query<ListQuery>) -> Response {
    let parsed = (|| -> Result<_, &'static str> {
        Ok((
            parse_param::<Stage>("stage", &query.stage)?,
            parse_param::<Custody>("custody", &query.custody)?,
            parse_param::<RiskLevel>("risk", &query.risk)?,
        ))
    })();
    let (stage, custody, risk_level) = match parsed {
        Ok(parsed) => parsed,
        Err(name) => {
            return message(
                StatusCode::BAD_REQUEST,
                "Bad filter",
                &format!("The filter `{name}` has a value this list does not know."),
            );
        }
    };
    let filter = CaseFilter {
        stage,
        custody,
        risk_level,
        ..CaseFilter::default()
    };
    let page = query.page.unwrap_or(1).max(1);
    let result = async {
        let total = corridor.count_cases(&filter).await?;
        let cases = corridor
            .list_cases(
                &filter,
                Page::new((page - 1).saturating_mul(PAGE_SIZE), PAGE_SIZE),
            )
            .await?;
        Ok::<_, AppError>((total, cases))
    }
    .await;
    let (total, cases) = match result {
        Ok(found) => found,
        Err(error) => return app_error(error),
    };
    let mut query_without_page = String::new();
    for (name, value) in [
        ("stage", stage.map(Stage::as_str)),
        ("custody", custody.map(Custody::as_str)),
        ("risk", risk_level.map(RiskLevel::as_str)),
    ] {
        if let Some(value) = value {
            query_without_page.push_str(&format!("{name}={value}&"));
        }
    }
    render(CaseListPage {
        cases,
        total,
        page,
        pages: u32::try_from(total.div_ceil(u64::from(PAGE_SIZE)))
            .unwrap_or(u32::MAX)
            .max(1),
        stages: choices(Stage::ALL, stage, Stage::as_str, Stage::label),
        custodies: choices(Custody::ALL, custody, Custody::as_str, Custody::label),
        risks: choices(
            RiskLevel::ALL,
            risk_level,
            RiskLevel::as_str,
            RiskLevel::label,
        ),
        query_without_page,
    })
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePageView {
    id: String,
    title: String,
    stage: &'static str,
    program: String,
    names: Vec<[String; 3]>,
    person: Vec<(&'static str, String)>,
    family: Vec<String>,
    us_status: Vec<(&'static str, String)>,
    hearings: Vec<String>,
    stays: Vec<String>,
    risk_level: &'static str,
    risk_reasons: Vec<String>,
    risk: Vec<(&'static str, String)>,
    criminal_cases: Vec<String>,
    claim_groups: Vec<ClaimGroupView>,
    notes: Option<String>,
}

struct ClaimGroupView {
    fact: String,
    contradicted: bool,
    claims: Vec<ClaimView>,
}

struct ClaimView {
    assertion: String,
    date: String,
    source: String,
    confidence: &'static str,
    evidence: Vec<String>,
}

pub async fn case_page(State(corridor): AppState, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<CaseId>() else {
        return not_found().await;
    };
    match corridor.case(id).await {
        Ok(CaseView::Live(case)) => render(case_view(&case)),
        Ok(CaseView::Purged(tombstone)) => message(
            StatusCode::GONE,
            "Case purged",
            &format!(
                "Case {} was purged on {}. Its key and data were destroyed; only this tombstone remains.",
                tombstone.id,
                tombstone.purged_at.format("%Y-%m-%d")
            ),
        ),
        Err(error) => app_error(error),
    }
}

fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "—".to_owned())
}

fn joined<T: std::fmt::Display>(items: &[T]) -> String {
    if items.is_empty() {
        return "—".to_owned();
    }
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn case_view(case: &Case) -> CasePageView {
    let person = &case.person;
    let us = &case.us_status;
    let risk = &case.russia_risk;
    CasePageView {
        id: case.id.to_string(),
        title: person.names.primary().text().to_owned(),
        stage: case.stage.label(),
        program: case.program.to_string(),
        names: person
            .names
            .iter()
            .map(|n| {
                [
                    n.text().to_owned(),
                    n.kind().label().to_owned(),
                    n.script().label().to_owned(),
                ]
            })
            .collect(),
        person: vec![
            (
                "Date of birth",
                or_dash(person.birth_date.map(|d| d.to_string())),
            ),
            ("Gender", person.gender.label().to_owned()),
            ("Nationality", joined(&person.nationalities)),
            ("Languages", joined(&person.languages)),
        ],
        family: person
            .family
            .iter()
            .map(|f| {
                let place = match (f.in_canada(), f.canadian_status()) {
                    (true, Some(status)) => format!("in Canada ({})", status.label()),
                    (true, None) => "in Canada".to_owned(),
                    (false, _) => "not in Canada".to_owned(),
                };
                match f.name() {
                    Some(name) => format!("{}: {name}, {place}", f.relation().label()),
                    None => format!("{}, {place}", f.relation().label()),
                }
            })
            .collect(),
        us_status: vec![
            (
                "A-number",
                or_dash(us.a_number.as_ref().map(ToString::to_string)),
            ),
            ("Custody", us.custody.label().to_owned()),
            ("Detention facility", or_dash(us.detention_facility.clone())),
            ("Proceedings", us.proceedings.label().to_owned()),
            (
                "Relief sought",
                us.relief_sought
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            (
                "Asylum filed",
                or_dash(us.asylum_filed_on.map(|d| d.to_string())),
            ),
            (
                "Final order",
                or_dash(us.final_order_date.map(|d| d.to_string())),
            ),
            (
                "Scheduled removal",
                or_dash(us.scheduled_removal.map(|d| d.to_string())),
            ),
        ],
        hearings: us
            .hearings
            .iter()
            .map(|h| match &h.court {
                Some(court) => format!("{} — {} ({court})", h.date, h.kind.label()),
                None => format!("{} — {}", h.date, h.kind.label()),
            })
            .collect(),
        stays: us
            .stays
            .iter()
            .map(|s| {
                format!(
                    "{}: granted {}, expires {}",
                    s.kind().label(),
                    or_dash(s.granted_on().map(|d| d.to_string())),
                    or_dash(s.expires_on().map(|d| d.to_string()))
                )
            })
            .collect(),
        risk_level: risk.level().label(),
        risk_reasons: risk.reasons(),
        risk: vec![
            ("Wanted", risk.wanted.label().to_owned()),
            ("Military status", risk.military.label().to_owned()),
            ("Public profile", risk.public_profile.label().to_owned()),
            (
                "Registries",
                joined(
                    &risk
                        .registries
                        .iter()
                        .map(|r| match r.listed_on {
                            Some(on) => format!("{} (since {on})", r.registry.label()),
                            None => r.registry.label().to_owned(),
                        })
                        .collect::<Vec<_>>(),
                ),
            ),
        ],
        criminal_cases: risk
            .criminal_cases
            .iter()
            .map(|c| {
                let opened = c
                    .opened_on
                    .map(|d| format!(", opened {d}"))
                    .unwrap_or_default();
                format!("Article {} — {}{opened}", c.article, c.status.label())
            })
            .collect(),
        claim_groups: group_claims(&case.claims)
            .into_iter()
            .map(|group| ClaimGroupView {
                fact: group.fact.to_string().replace('_', " "),
                contradicted: group.contradicted,
                claims: group
                    .claims
                    .iter()
                    .map(|claim| ClaimView {
                        assertion: claim.assertion().to_owned(),
                        date: or_dash(claim.date().map(|d| d.to_string())),
                        source: format!(
                            "{}: {}",
                            claim.source().kind().label(),
                            claim.source().reference()
                        ),
                        confidence: claim.confidence().label(),
                        evidence: claim.evidence().iter().map(ToString::to_string).collect(),
                    })
                    .collect(),
            })
            .collect(),
        notes: case.notes.clone(),
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    title: &'a str,
    text: &'a str,
}

fn message(status: StatusCode, title: &str, text: &str) -> Response {
    match (MessagePage { title, text }).render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => status.into_response(),
    }
}

fn render(template: impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(%error, "template failed");
            message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Error",
                "This page could not be shown.",
            )
        }
    }
}

/// Maps use-case errors to pages. Messages carry ids at most, never sealed values.
fn app_error(error: AppError) -> Response {
    match error {
        AppError::CaseNotFound(_) => {
            message(StatusCode::NOT_FOUND, "Not found", "There is no such case.")
        }
        other => {
            tracing::error!(error = %other, "request failed");
            message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Error",
                "The request could not be completed.",
            )
        }
    }
}
