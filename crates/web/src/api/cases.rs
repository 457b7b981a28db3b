//! Cases: the list with the case list page's filters, order and pages; the name search (a POST,
//! so the name never travels in a URL); one case; a new case from a case document; an edit of
//! a case's editable fields, from the version the client read.

use std::num::NonZeroU32;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use corridor_app::{CaseSummary, CaseView, Principal};
use corridor_core::{
    CaseDetails, CaseId, CaseInput, Custody, OrgId, ProgramSlug, RiskLevel, Stage,
};
use corridor_store::{CaseFilter, CaseOrder, Page};
use serde::Deserialize;

use super::auth::Caller;
use super::body::{JsonBody, QueryParams, path_id};
use super::error::{ApiError, ErrorCode};
use super::routes::PREFIX;
use crate::AppState;
use crate::pages::list::{ORDERS, PAGE_SIZE, SEARCH_LIMIT};

/// The filters, order and page of a case list: the case list page's, in the query string of
/// `GET /cases` or the `filters` of a search. Unknown parameters are refused, so a misspelt
/// filter cannot silently list everything.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CaseQuery {
    stage: Option<Stage>,
    custody: Option<Custody>,
    risk: Option<RiskLevel>,
    program: Option<ProgramSlug>,
    /// Cases of this organisation (own or shared with the caller's).
    organisation: Option<OrgId>,
    order: Option<Order>,
    page: Option<NonZeroU32>,
}

impl CaseQuery {
    fn filter(&self) -> CaseFilter {
        CaseFilter {
            stage: self.stage,
            custody: self.custody,
            risk_level: self.risk,
            program: self.program.clone(),
            organisation: self.organisation,
            order: self.order.map_or(CaseOrder::Newest, |o| o.0),
            ..CaseFilter::default()
        }
    }

    fn page(&self) -> u32 {
        self.page.map_or(1, NonZeroU32::get)
    }
}

/// A list order, spelt as on the case list page (`newest`, `risk`, …).
#[derive(Clone, Copy, Debug)]
struct Order(CaseOrder);

impl<'de> Deserialize<'de> for Order {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ORDERS
            .iter()
            .find(|(_, name, _)| *name == text)
            .map(|(order, _, _)| Order(*order))
            .ok_or_else(|| {
                let names: Vec<&str> = ORDERS.iter().map(|(_, name, _)| *name).collect();
                serde::de::Error::custom(format!(
                    "unknown value; expected one of: {}",
                    names.join(", ")
                ))
            })
    }
}

/// One page of a case list.
#[derive(serde::Serialize)]
pub(super) struct CaseList {
    total: u64,
    page: u32,
    pages: u32,
    page_size: u32,
    cases: Vec<CaseSummary>,
}

/// `page` of the cases `who` may see that match `filter`.
async fn page_of(
    state: &AppState,
    who: &Principal,
    filter: &CaseFilter,
    page: u32,
) -> Result<Json<CaseList>, ApiError> {
    let window = Page::new((page - 1).saturating_mul(PAGE_SIZE), PAGE_SIZE);
    let (total, cases) = state.corridor.cases_for(who, filter, window).await?;
    Ok(Json(CaseList {
        total,
        page,
        pages: u32::try_from(total.div_ceil(u64::from(PAGE_SIZE)))
            .unwrap_or(u32::MAX)
            .max(1),
        page_size: PAGE_SIZE,
        cases,
    }))
}

pub(super) async fn list(
    State(state): State<AppState>,
    Caller(who): Caller,
    QueryParams(query): QueryParams<CaseQuery>,
) -> Result<Json<CaseList>, ApiError> {
    page_of(&state, &who, &query.filter(), query.page()).await
}

/// The longest name searched for, in characters.
const MAX_NAME_CHARS: usize = 200;

/// A name to search for: not empty, at most 200 characters.
#[derive(Deserialize)]
#[serde(try_from = "String")]
struct SearchName(String);

impl TryFrom<String> for SearchName {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err("must not be empty".to_owned());
        }
        if trimmed.chars().count() > MAX_NAME_CHARS {
            return Err(format!("must be at most {MAX_NAME_CHARS} characters"));
        }
        Ok(SearchName(trimmed.to_owned()))
    }
}

/// The body of a search: a name, and the list's filters and page.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SearchBody {
    name: SearchName,
    #[serde(default)]
    filters: CaseQuery,
}

pub(super) async fn search(
    State(state): State<AppState>,
    Caller(who): Caller,
    JsonBody(body): JsonBody<SearchBody>,
) -> Result<Json<CaseList>, ApiError> {
    let hits = state
        .corridor
        .search_for(&who, &body.name.0, SEARCH_LIMIT)
        .await?;
    let filter = CaseFilter {
        ids: Some(hits),
        ..body.filters.filter()
    };
    page_of(&state, &who, &filter, body.filters.page()).await
}

pub(super) async fn get(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: CaseId = path_id(&id, "id")?;
    match state.corridor.case_for(&who, id).await? {
        CaseView::Live(case) => Ok(Json(case).into_response()),
        CaseView::Purged(_) => Err(ApiError::new(ErrorCode::Purged)),
    }
}

/// The id of a new case.
#[derive(serde::Serialize)]
pub(super) struct Created {
    id: CaseId,
}

pub(super) async fn create(
    State(state): State<AppState>,
    Caller(who): Caller,
    JsonBody(input): JsonBody<CaseInput>,
) -> Result<Response, ApiError> {
    let id = state.corridor.add_case_for(&who, input).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("{PREFIX}/cases/{id}"))],
        Json(Created { id }),
    )
        .into_response())
}

/// An edit: the editable fields as they should be, and the version (the case's `updated_at`)
/// they were edited from.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CaseUpdate {
    version: DateTime<Utc>,
    details: CaseDetails,
}

/// What an edit did: the case's new version.
#[derive(serde::Serialize)]
pub(super) struct Updated {
    id: CaseId,
    version: DateTime<Utc>,
}

/// Replaces the editable fields of a case of the caller's organisation; 409 if it changed since
/// `version`. Claims, family, hearings and the other lists are kept.
pub(super) async fn update(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CaseUpdate>,
) -> Result<Json<Updated>, ApiError> {
    let id: CaseId = path_id(&id, "id")?;
    let version = state
        .corridor
        .update_case_for(&who, id, body.version, body.details)
        .await?;
    Ok(Json(Updated { id, version }))
}
