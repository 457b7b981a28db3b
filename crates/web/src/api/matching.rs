//! `POST /api/v1/match`: screening in the request and response shapes of OpenSanctions yente's
//! `/match/{dataset}`, so that clients written for yente can use Corridor. Each query is an
//! entity example (`schema` and FollowTheMoney `properties`: `name`, `alias`, `birthDate`,
//! `nationality`, `citizenship`; others are accepted and not used); each answer lists the
//! listed entities that may be it, scored and explained.

use std::collections::{BTreeMap, HashMap};

use axum::Json;
use axum::extract::State;
use corridor_app::ListedMatch;
use corridor_screen::lists::EntityKind;
use corridor_screen::screening::Query;
use serde::{Deserialize, Serialize};

use super::auth::Caller;
use super::body::{JsonBody, QueryParams};
use super::error::{ApiError, ErrorCode};
use crate::AppState;

/// The most queries in one request.
pub const MAX_QUERIES: usize = 100;
/// The most results per query.
const MAX_LIMIT: usize = 500;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MatchRequest {
    queries: BTreeMap<String, EntityExample>,
}

#[derive(Deserialize, Serialize, Clone)]
pub(super) struct EntityExample {
    schema: String,
    #[serde(default)]
    properties: HashMap<String, Vec<String>>,
}

/// yente's query parameters that Corridor reads (`algorithm` is accepted and ignored: there
/// is one matcher).
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MatchParams {
    threshold: Option<f64>,
    cutoff: Option<f64>,
    limit: Option<usize>,
    algorithm: Option<String>,
}

#[derive(Serialize)]
pub(super) struct MatchResponse {
    responses: BTreeMap<String, QueryResponse>,
    matcher: Matcher,
    limit: usize,
}

#[derive(Serialize)]
struct QueryResponse {
    status: u16,
    results: Vec<MatchResult>,
    total: Total,
    query: EntityExample,
}

#[derive(Serialize)]
struct Total {
    value: usize,
    relation: &'static str,
}

#[derive(Serialize)]
struct Matcher {
    name: &'static str,
    description: &'static str,
}

#[derive(Serialize)]
struct MatchResult {
    id: String,
    caption: String,
    schema: &'static str,
    properties: BTreeMap<&'static str, Vec<String>>,
    datasets: Vec<&'static str>,
    referents: Vec<String>,
    target: bool,
    score: f64,
    features: BTreeMap<&'static str, f64>,
    #[serde(rename = "match")]
    is_match: bool,
    explanation: Explanation,
}

#[derive(Serialize)]
struct Explanation {
    matched: Vec<[String; 2]>,
    left_over: [Vec<String>; 2],
    veto: Option<&'static str>,
}

pub(super) async fn post(
    State(state): State<AppState>,
    Caller(who): Caller,
    QueryParams(params): QueryParams<MatchParams>,
    JsonBody(request): JsonBody<MatchRequest>,
) -> Result<Json<MatchResponse>, ApiError> {
    let _ = params.algorithm;
    let threshold = params
        .threshold
        .unwrap_or(corridor_screen::DEFAULT_THRESHOLD);
    let cutoff = params.cutoff.unwrap_or(0.5).min(threshold);
    for (value, name) in [(threshold, "threshold"), (cutoff, "cutoff")] {
        if !(0.0..=1.0).contains(&value) {
            return Err(ApiError::new(ErrorCode::BadParameter)
                .with_message("must be between 0 and 1")
                .with_field(name));
        }
    }
    let limit = params.limit.unwrap_or(5);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::new(ErrorCode::BadParameter)
            .with_message(format!("must be between 1 and {MAX_LIMIT}"))
            .with_field("limit"));
    }
    if request.queries.is_empty() || request.queries.len() > MAX_QUERIES {
        return Err(ApiError::new(ErrorCode::MalformedJson)
            .with_message(format!("send between 1 and {MAX_QUERIES} queries"))
            .with_field("queries"));
    }
    let mut responses = BTreeMap::new();
    for (key, example) in request.queries {
        let query = query_of(&example).ok_or_else(|| {
            ApiError::new(ErrorCode::MalformedJson)
                .with_message("a query needs a non-empty `name` property")
                .with_field(format!("queries.{key}.properties.name"))
        })?;
        let matches = state
            .corridor
            .screen_for(&who, &query, cutoff, limit)
            .await?;
        let results: Vec<MatchResult> = matches
            .into_iter()
            .map(|found| result(found, threshold))
            .collect();
        responses.insert(
            key,
            QueryResponse {
                status: 200,
                total: Total {
                    value: results.len(),
                    relation: "eq",
                },
                results,
                query: example,
            },
        );
    }
    Ok(Json(MatchResponse {
        responses,
        matcher: Matcher {
            name: "corridor-name-matcher",
            description: "Russian-aware name matching: any script and transliteration, \
                          word order, initials, typos; surname gender forms, patronymics and \
                          birth dates as evidence.",
        },
        limit,
    }))
}

/// The screening query of an entity example: its first name, other names are tried by the
/// index through the first; birth date and nationalities as evidence.
fn query_of(example: &EntityExample) -> Option<Query> {
    let first = |property: &str| {
        example
            .properties
            .get(property)
            .and_then(|values| values.iter().find(|v| !v.trim().is_empty()))
            .cloned()
    };
    let name = first("name").or_else(|| first("alias"))?;
    let mut nationalities: Vec<String> = Vec::new();
    for property in ["nationality", "citizenship", "country"] {
        if let Some(values) = example.properties.get(property) {
            nationalities.extend(values.iter().cloned());
        }
    }
    let kind = match example.schema.as_str() {
        "Person" => Some(EntityKind::Person),
        "Organization" | "Company" | "LegalEntity" => Some(EntityKind::Organisation),
        "Vessel" => Some(EntityKind::Vessel),
        "Airplane" => Some(EntityKind::Aircraft),
        _ => None,
    };
    Some(Query {
        name,
        birth_date: first("birthDate"),
        nationalities,
        kind,
    })
}

fn result(found: ListedMatch, threshold: f64) -> MatchResult {
    let entry = found.entry;
    let schema = match entry.kind {
        EntityKind::Person => "Person",
        EntityKind::Organisation => "Organization",
        EntityKind::Vessel => "Vessel",
        EntityKind::Aircraft => "Airplane",
    };
    let mut properties = BTreeMap::new();
    let names: Vec<String> = entry.names.iter().map(|n| n.text.clone()).collect();
    properties.insert("name", names.first().cloned().into_iter().collect());
    properties.insert("alias", names.into_iter().skip(1).collect());
    properties.insert("birthDate", entry.birth_dates);
    properties.insert("nationality", entry.nationalities);
    properties.insert("country", entry.countries);
    properties.insert("program", entry.programs);
    properties.retain(|_, values: &mut Vec<String>| !values.is_empty());
    let score = (found.hit.score * 1000.0).round() / 1000.0;
    let comparison = found.hit.comparison;
    MatchResult {
        id: format!("{}-{}", entry.source.as_str(), entry.id),
        caption: found.hit.name,
        schema,
        properties,
        datasets: vec![entry.source.as_str()],
        referents: Vec::new(),
        target: true,
        score,
        features: BTreeMap::from([("name_match", (comparison.score * 1000.0).round() / 1000.0)]),
        is_match: found.hit.score >= threshold,
        explanation: Explanation {
            matched: comparison
                .aligned
                .into_iter()
                .map(|a| [a.left, a.right])
                .collect(),
            left_over: [comparison.left_over.0, comparison.left_over.1],
            veto: comparison.veto,
        },
    }
}
