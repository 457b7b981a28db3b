//! The case list: filters and order in the query string (never names), name search by POST so
//! that the search term stays out of URLs, logs and browser history.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use corridor_app::CaseSummary;
use corridor_core::{Custody, OrgId, ProgramSlug, RiskLevel, Stage};
use corridor_store::{CaseFilter, CaseOrder, Page};
use serde::Deserialize;

use super::{app_error, message, render};
use crate::AppState;
use crate::auth::{SignedIn, Who};
use crate::i18n::Translator;

pub(crate) const PAGE_SIZE: u32 = 50;
/// The most hits a name search returns (it is a finding aid, not a report).
pub(crate) const SEARCH_LIMIT: usize = 200;

/// The orders offered, with their query-string value and label key.
pub(crate) const ORDERS: &[(CaseOrder, &str, &str)] = &[
    (CaseOrder::Newest, "newest", "cases.order.newest"),
    (CaseOrder::Oldest, "oldest", "cases.order.oldest"),
    (CaseOrder::RemovalSoonest, "removal", "cases.order.removal"),
    (CaseOrder::RiskHighest, "risk", "cases.order.risk"),
    (CaseOrder::RecentlyUpdated, "updated", "cases.order.updated"),
];

/// Filters and order, from the query string or the search form.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    stage: Option<String>,
    custody: Option<String>,
    risk: Option<String>,
    program: Option<String>,
    organisation: Option<String>,
    order: Option<String>,
    page: Option<u32>,
}

/// The search form: a name and the same filters.
#[derive(Debug, Deserialize)]
pub struct SearchForm {
    q: String,
    #[serde(flatten)]
    filters: ListQuery,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CaseListPage<'a> {
    t: &'a Translator,
    who: Who,
    cases: Vec<CaseSummary>,
    total: u64,
    page: u32,
    pages: u32,
    stages: Vec<Choice<'a>>,
    custodies: Vec<Choice<'a>>,
    risks: Vec<Choice<'a>>,
    orders: Vec<Choice<'a>>,
    /// Programs and organisations as (value, label, selected).
    programs: Vec<(String, String, bool)>,
    organisations: Vec<(String, String, bool)>,
    query_without_page: String,
    /// Whether the user may open a new case.
    may_create: bool,
    /// Set when the list shows the hits of a name search.
    searched: Option<String>,
}

/// One option of a drop-down.
struct Choice<'a> {
    value: &'static str,
    label: &'a str,
    selected: bool,
}

fn choices<'a, T: Copy + PartialEq>(
    all: &[T],
    selected: Option<T>,
    value: fn(T) -> &'static str,
    label: impl Fn(&'static str) -> &'a str,
) -> Vec<Choice<'a>> {
    all.iter()
        .map(|&item| Choice {
            value: value(item),
            label: label(value(item)),
            selected: selected == Some(item),
        })
        .collect()
}

/// A parsed `ListQuery`: the filter, and the query string that reproduces it.
struct Parsed {
    filter: CaseFilter,
    page: u32,
    query: String,
}

/// Parses the filters; an unknown value names the parameter (and never echoes the value).
fn parse(query: &ListQuery) -> Result<Parsed, &'static str> {
    fn param<T: std::str::FromStr>(
        name: &'static str,
        value: &Option<String>,
    ) -> Result<Option<T>, &'static str> {
        match value.as_deref() {
            None | Some("") => Ok(None),
            Some(text) => text.parse().map(Some).map_err(|_| name),
        }
    }
    let order = match query.order.as_deref() {
        None | Some("") => CaseOrder::Newest,
        Some(text) => ORDERS
            .iter()
            .find(|o| o.1 == text)
            .map(|o| o.0)
            .ok_or("order")?,
    };
    let filter = CaseFilter {
        stage: param::<Stage>("stage", &query.stage)?,
        custody: param::<Custody>("custody", &query.custody)?,
        risk_level: param::<RiskLevel>("risk", &query.risk)?,
        program: param::<ProgramSlug>("program", &query.program)?,
        organisation: param::<OrgId>("organisation", &query.organisation)?,
        order,
        ..CaseFilter::default()
    };
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if let Some(stage) = filter.stage {
        pairs.push(("stage", stage.as_str().to_owned()));
    }
    if let Some(custody) = filter.custody {
        pairs.push(("custody", custody.as_str().to_owned()));
    }
    if let Some(risk) = filter.risk_level {
        pairs.push(("risk", risk.as_str().to_owned()));
    }
    if let Some(program) = &filter.program {
        pairs.push(("program", program.to_string()));
    }
    if let Some(organisation) = filter.organisation {
        pairs.push(("organisation", organisation.to_string()));
    }
    if order != CaseOrder::Newest {
        let value = ORDERS
            .iter()
            .find(|o| o.0 == order)
            .map(|o| o.1)
            .unwrap_or("newest");
        pairs.push(("order", value.to_owned()));
    }
    Ok(Parsed {
        filter,
        page: query.page.unwrap_or(1).max(1),
        query: pairs.iter().map(|(k, v)| format!("{k}={v}&")).collect(),
    })
}

pub async fn case_list(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<ListQuery>,
) -> Response {
    show(&state, &signed_in, &query, None).await
}

pub async fn case_search(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<SearchForm>,
) -> Response {
    let term = form.q.trim();
    if term.is_empty() {
        return show(&state, &signed_in, &form.filters, None).await;
    }
    show(&state, &signed_in, &form.filters, Some(term)).await
}

async fn show(
    state: &AppState,
    signed_in: &SignedIn,
    query: &ListQuery,
    search: Option<&str>,
) -> Response {
    let who = &signed_in.principal;
    let t = &state.t;
    let mut parsed = match parse(query) {
        Ok(parsed) => parsed,
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
    let page = if let Some(term) = search {
        match state.corridor.search_for(who, term, SEARCH_LIMIT).await {
            Ok(ids) => parsed.filter.ids = Some(ids),
            Err(error) => return app_error(t, error),
        }
        Page::new(0, SEARCH_LIMIT as u32)
    } else {
        Page::new((parsed.page - 1).saturating_mul(PAGE_SIZE), PAGE_SIZE)
    };
    let (total, cases) = match state.corridor.cases_for(who, &parsed.filter, page).await {
        Ok(found) => found,
        Err(error) => return app_error(t, error),
    };
    let f = &parsed.filter;
    let programs = state
        .corridor
        .programs()
        .iter()
        .map(|p| {
            let selected = f.program.as_ref() == Some(&p.slug);
            (p.slug.to_string(), p.name.clone(), selected)
        })
        .collect();
    let organisations = match state.corridor.organisations().await {
        Ok(all) => all
            .into_iter()
            .map(|o| {
                (
                    o.id.to_string(),
                    o.name.to_string(),
                    f.organisation == Some(o.id),
                )
            })
            .collect(),
        Err(error) => return app_error(t, error),
    };
    render(
        t,
        CaseListPage {
            t,
            who: signed_in.who(t),
            may_create: signed_in
                .principal
                .may(corridor_core::Permission::CaseCreate),
            cases,
            total,
            page: if search.is_some() { 1 } else { parsed.page },
            pages: if search.is_some() {
                1
            } else {
                u32::try_from(total.div_ceil(u64::from(PAGE_SIZE)))
                    .unwrap_or(u32::MAX)
                    .max(1)
            },
            stages: choices(Stage::ALL, f.stage, Stage::as_str, |v| t.label("stage", v)),
            custodies: choices(Custody::ALL, f.custody, Custody::as_str, |v| {
                t.label("custody", v)
            }),
            risks: choices(RiskLevel::ALL, f.risk_level, RiskLevel::as_str, |v| {
                t.label("risk", v)
            }),
            orders: ORDERS
                .iter()
                .map(|(order, value, label)| Choice {
                    value,
                    label: t.get(label),
                    selected: *order == f.order,
                })
                .collect(),
            programs,
            organisations,
            query_without_page: parsed.query,
            searched: search.map(str::to_owned),
        },
    )
}
