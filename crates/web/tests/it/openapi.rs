//! `docs/openapi.json` against the code: the same operations (method, path, operationId, scope,
//! path parameters), the same query parameters and body fields as the code reads, the same
//! enums, and real answers of the running router that validate against the documented response
//! schemas. Any difference fails here.
//!
//! The validator is a small one, for the subset of JSON Schema the document uses (`type`, also
//! as a list for nullable values, `properties`, `required`, `additionalProperties`, `items`,
//! `enum`, `$ref`, `format` uuid/date/date-time, `minimum`); it refuses any other keyword, so
//! the document cannot quietly use something that is not checked.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use corridor_core::ApiScope;
use corridor_web::api::error::ErrorCode;
use corridor_web::api::{PREFIX, ROUTES};
use serde_json::{Value, json};

use crate::api::{Api, example, tour};

const DOCUMENT: &str = include_str!("../../../../docs/openapi.json");

fn document() -> Value {
    serde_json::from_str(DOCUMENT).expect("docs/openapi.json is JSON")
}

/// Annotations: allowed anywhere, never checked.
const ANNOTATIONS: &[&str] = &["description", "title", "example", "examples", "default"];

/// Validates JSON values against the schemas of one OpenAPI document.
struct Validator<'a> {
    document: &'a Value,
}

impl<'a> Validator<'a> {
    /// What a local `$ref` (`#/components/schemas/Name`) points to.
    fn resolve(&self, reference: &str) -> Result<&'a Value, String> {
        let pointer = reference
            .strip_prefix('#')
            .ok_or_else(|| format!("{reference}: only local references are supported"))?;
        self.document
            .pointer(pointer)
            .ok_or_else(|| format!("{reference}: no such schema"))
    }

    fn validate(&self, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
        let schema = schema
            .as_object()
            .ok_or_else(|| format!("{at}: a schema must be an object"))?;
        for (keyword, argument) in schema {
            match keyword.as_str() {
                "$ref" => {
                    let target = self.resolve(argument.as_str().ok_or("$ref: not a string")?)?;
                    self.validate(target, value, at)?;
                }
                "type" => {
                    let types: Vec<&str> = match argument {
                        Value::String(one) => vec![one.as_str()],
                        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
                        _ => return Err(format!("{at}: bad `type`")),
                    };
                    if !types.iter().any(|t| has_type(value, t)) {
                        return Err(format!("{at}: expected {types:?}, found {value}"));
                    }
                }
                "enum" => {
                    let allowed = argument.as_array().ok_or("enum: not a list")?;
                    if !allowed.contains(value) {
                        return Err(format!("{at}: {value} is not one of {argument}"));
                    }
                }
                "required" => {
                    if let Value::Object(object) = value {
                        for name in argument.as_array().ok_or("required: not a list")? {
                            let name = name.as_str().ok_or("required: not names")?;
                            if !object.contains_key(name) {
                                return Err(format!("{at}: missing required `{name}`"));
                            }
                        }
                    }
                }
                "properties" => {
                    let properties = argument.as_object().ok_or("properties: not an object")?;
                    if let Value::Object(object) = value {
                        for (name, property) in properties {
                            if let Some(inner) = object.get(name) {
                                self.validate(property, inner, &format!("{at}.{name}"))?;
                            }
                        }
                    }
                }
                "additionalProperties" => {
                    if let Value::Object(object) = value {
                        let known = schema.get("properties").and_then(Value::as_object);
                        for (name, inner) in object {
                            if known.is_some_and(|k| k.contains_key(name)) {
                                continue;
                            }
                            match argument {
                                Value::Bool(true) => {}
                                Value::Bool(false) => {
                                    return Err(format!("{at}: unexpected property `{name}`"));
                                }
                                other => self.validate(other, inner, &format!("{at}.{name}"))?,
                            }
                        }
                    }
                }
                "items" => {
                    if let Value::Array(items) = value {
                        for (index, item) in items.iter().enumerate() {
                            self.validate(argument, item, &format!("{at}[{index}]"))?;
                        }
                    }
                }
                "format" => {
                    if let Value::String(text) = value {
                        let ok = match argument.as_str() {
                            Some("uuid") => text.parse::<corridor_core::CaseId>().is_ok(),
                            Some("date") => {
                                chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
                            }
                            Some("date-time") => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
                            other => return Err(format!("{at}: unsupported format {other:?}")),
                        };
                        if !ok {
                            return Err(format!("{at}: {text:?} is not a {argument}"));
                        }
                    }
                }
                "minimum" => {
                    let minimum = argument.as_f64().ok_or("minimum: not a number")?;
                    if value.as_f64().is_some_and(|n| n < minimum) {
                        return Err(format!("{at}: {value} is below {minimum}"));
                    }
                }
                annotation if ANNOTATIONS.contains(&annotation) => {}
                other => return Err(format!("{at}: unsupported keyword `{other}`")),
            }
        }
        Ok(())
    }
}

fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        _ => false,
    }
}

/// The operation documented for `method` `path`.
fn operation<'a>(document: &'a Value, method: &Method, path: &str) -> &'a Value {
    document["paths"][path]
        .get(method.as_str().to_lowercase())
        .unwrap_or_else(|| panic!("{method} {path} is not documented"))
}

/// The schema of a documented JSON answer (following a `$ref` to a shared response).
fn response_schema<'a>(document: &'a Value, operation: &'a Value, status: StatusCode) -> &'a Value {
    let mut response = &operation["responses"][status.as_str()];
    assert!(
        !response.is_null(),
        "{} does not document {status}",
        operation["operationId"]
    );
    if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
        response = document
            .pointer(reference.trim_start_matches('#'))
            .expect("response reference");
    }
    let content = &response["content"];
    // The one answer that is not JSON: the calendar feed.
    if content.get("application/json").is_none() && content.get("text/calendar").is_some() {
        return &content["text/calendar"]["schema"];
    }
    &content["application/json"]["schema"]
}

/// The `{…}` parameters of a path, in order.
fn path_parameters(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_document_is_openapi_3_1_with_a_bearer_scheme() {
    let document = document();
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(document["servers"][0]["url"], PREFIX);
    let scheme = &document["components"]["securitySchemes"]["bearer"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
    assert_eq!(document["security"], json!([{ "bearer": [] }]));
}

#[test]
fn the_documented_operations_are_the_routes() {
    let document = document();
    let documented: BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .map(move |method| (method.to_uppercase(), path.clone()))
        })
        .collect();
    let routed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_owned()))
        .collect();
    assert_eq!(documented, routed, "docs/openapi.json and ROUTES differ");

    for route in ROUTES {
        let op = operation(&document, &route.method, route.path);
        assert_eq!(
            op["operationId"],
            route.operation.operation_id(),
            "{} {}",
            route.method,
            route.path
        );
        let scope = ApiScope::covering(route.permission).expect("a scope");
        assert_eq!(
            op["security"],
            json!([{ "bearer": [scope.as_str()] }]),
            "{} {} needs {scope}",
            route.method,
            route.path
        );
        let documented: Vec<String> = op["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter(|p| p["in"] == "path")
                    .map(|p| {
                        assert_eq!(p["required"], true);
                        p["name"].as_str().expect("name").to_owned()
                    })
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            documented,
            path_parameters(route.path),
            "path parameters of {}",
            route.path
        );
        let has_body = !op["requestBody"].is_null();
        assert_eq!(
            has_body,
            route.method == Method::POST || route.method == Method::PUT,
            "{} {}: a request body exactly for POST and PUT",
            route.method,
            route.path
        );
        for status in ["401", "403", "500"] {
            assert!(
                !op["responses"][status].is_null(),
                "{} {} documents {status}",
                route.method,
                route.path
            );
        }
    }
}

/// The names an "unknown field" answer lists as expected.
fn expected_names(reply: &crate::api::Reply) -> BTreeSet<String> {
    let message = reply.json()["error"]["message"]
        .as_str()
        .expect("message")
        .to_owned();
    let list = message
        .split("expected one of: ")
        .nth(1)
        .unwrap_or_else(|| panic!("no list in {message:?}"));
    list.split(", ").map(str::to_owned).collect()
}

fn property_names(document: &Value, schema: &str) -> BTreeSet<String> {
    document["components"]["schemas"][schema]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{schema} has no properties"))
        .keys()
        .cloned()
        .collect()
}

#[tokio::test]
async fn documented_parameters_and_body_fields_are_what_the_code_reads() {
    let document = document();
    let api = Api::new().await;
    let writer = api
        .token("coordinator", &[ApiScope::CasesRead, ApiScope::CasesShare])
        .await;
    let token = Some(writer.as_str());

    // Query parameters of the list: the code's (from its refusal of an unknown one) are the
    // document's, and each documented one is accepted.
    let list = operation(&document, &Method::GET, "/cases");
    let documented: BTreeSet<String> = list["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter(|p| p["in"] == "query")
        .map(|p| p["name"].as_str().expect("name").to_owned())
        .collect();
    let reply = api.call(Method::GET, "/cases?zzz=1", token, None).await;
    assert_eq!(expected_names(&reply), documented, "query parameters");
    for parameter in list["parameters"].as_array().expect("parameters") {
        let name = parameter["name"].as_str().expect("name");
        let value = sample(&document, &parameter["schema"], &api);
        let reply = api
            .call(Method::GET, &format!("/cases?{name}={value}"), token, None)
            .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{name}={value}: {}",
            reply.text
        );
    }

    // Body fields: the code's, from its refusal of an unknown one, are the schema's.
    let own = api.add(api.organisation, |_| {}).await;
    for (method, path, body, schema) in [
        (
            Method::POST,
            "/cases/search".to_owned(),
            json!({ "name": "x", "zzz": 1 }),
            "SearchRequest",
        ),
        (
            Method::POST,
            "/cases/search".to_owned(),
            json!({ "name": "x", "filters": { "zzz": 1 } }),
            "CaseFilters",
        ),
        (
            Method::POST,
            format!("/cases/{own}/shares"),
            json!({ "zzz": 1 }),
            "ShareRequest",
        ),
        (
            Method::POST,
            "/cases".to_owned(),
            example(|v| v["zzz"] = 1.into()),
            "CaseInput",
        ),
        (
            Method::PUT,
            format!("/cases/{own}"),
            {
                let mut body = crate::api::update_body("2026-01-01T00:00:00Z", "Field Check");
                body["zzz"] = 1.into();
                body
            },
            "CaseUpdate",
        ),
        (
            Method::PUT,
            format!("/cases/{own}"),
            json!({ "version": "2026-01-01T00:00:00Z", "details": { "zzz": 1 } }),
            "CaseDetails",
        ),
    ] {
        let reply = api.call(method, &path, token, Some(&body)).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            reply.text
        );
        assert_eq!(
            expected_names(&reply),
            property_names(&document, schema),
            "the fields of {schema}"
        );
    }
    assert_eq!(
        property_names(&document, "CaseFilters"),
        documented,
        "a search takes the list's filters"
    );
}

/// A value for a query parameter of `schema` that the API accepts.
fn sample(document: &Value, schema: &Value, api: &Api) -> String {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => document
            .pointer(reference.trim_start_matches('#'))
            .expect("ref"),
        None => schema,
    };
    if let Some(values) = schema["enum"].as_array() {
        return values[0].as_str().expect("string enum").to_owned();
    }
    match (schema["type"].as_str(), schema["format"].as_str()) {
        (Some("string"), Some("uuid")) => api.organisation.to_string(),
        (Some("string"), None) => "ca-public-policy-2026".to_owned(),
        (Some("integer"), _) => "1".to_owned(),
        other => panic!("no sample for {other:?}"),
    }
}

#[tokio::test]
async fn enums_in_the_document_are_the_codes() {
    use corridor_core::*;
    let document = document();
    let schemas = &document["components"]["schemas"];
    let names = |schema: &str| -> Vec<String> {
        schemas[schema]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema} is not an enum"))
            .iter()
            .map(|v| v.as_str().expect("string").to_owned())
            .collect()
    };
    let code = |all: &[&str]| all.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    for (schema, all) in [
        ("Stage", Stage::NAMES),
        ("Custody", Custody::NAMES),
        ("ProceedingsStage", ProceedingsStage::NAMES),
        ("RiskLevel", RiskLevel::NAMES),
        ("Relief", Relief::NAMES),
        ("HearingKind", HearingKind::NAMES),
        ("StayKind", StayKind::NAMES),
        ("CriminalCaseStatus", CriminalCaseStatus::NAMES),
        ("Registry", Registry::NAMES),
        ("WantedStatus", WantedStatus::NAMES),
        ("MilitaryStatus", MilitaryStatus::NAMES),
        ("PublicProfile", PublicProfile::NAMES),
        ("SourceKind", SourceKind::NAMES),
        ("Confidence", Confidence::NAMES),
        ("Script", Script::NAMES),
        ("NameKind", NameKind::NAMES),
        ("Gender", Gender::NAMES),
        ("Relation", Relation::NAMES),
        ("CanadianStatus", CanadianStatus::NAMES),
    ] {
        assert_eq!(names(schema), code(all), "{schema}");
    }
    let errors: Vec<String> = ErrorCode::ALL
        .iter()
        .map(|c| {
            serde_json::to_value(c)
                .expect("json")
                .as_str()
                .expect("str")
                .to_owned()
        })
        .collect();
    assert_eq!(names("ErrorCode"), errors, "ErrorCode");

    let api = Api::new().await;
    let token = api.token("analyst", &[ApiScope::CasesRead]).await;
    let reply = api
        .call(Method::GET, "/cases?order=zzz", Some(&token), None)
        .await;
    assert_eq!(
        expected_names(&reply),
        names("CaseOrder").into_iter().collect(),
        "CaseOrder"
    );
}

/// Every exchange of the tour (every operation's good path and documented refusals) is
/// documented for its operation and validates against the documented schema; so do the
/// answers for a wrong method and an unknown path, and the request bodies the tour sends.
#[tokio::test]
async fn real_answers_validate_against_the_documented_schemas() {
    let document = document();
    let validator = Validator {
        document: &document,
    };
    let api = Api::new().await;
    let exchanges = tour(&api).await;
    let mut answered = BTreeSet::new();
    for exchange in &exchanges {
        let op = operation(&document, &exchange.method, exchange.route);
        let schema = response_schema(&document, op, exchange.status);
        if let Err(error) = validator.validate(schema, &exchange.body, "$") {
            panic!(
                "{} {} {}: {error}\n{}",
                exchange.method, exchange.route, exchange.status, exchange.body
            );
        }
        if exchange.status.is_success() {
            answered.insert(op["operationId"].as_str().expect("id").to_owned());
        }
    }
    let every: BTreeSet<String> = ROUTES
        .iter()
        .map(|r| r.operation.operation_id().to_owned())
        .collect();
    assert_eq!(answered, every, "every operation's good path was validated");

    let error = json!({ "$ref": "#/components/schemas/Error" });
    let token = api.token("caseworker", &[ApiScope::CasesRead]).await;
    for (method, path, status) in [
        (Method::PUT, "/cases", StatusCode::METHOD_NOT_ALLOWED),
        (Method::GET, "/nowhere", StatusCode::NOT_FOUND),
    ] {
        let reply = api.call(method, path, Some(&token), None).await;
        assert_eq!(reply.status, status);
        validator
            .validate(&error, &reply.json(), "$")
            .expect("the Error shape");
    }

    for (schema, body) in [
        ("CaseInput", example(|_| {})),
        (
            "SearchRequest",
            json!({ "name": "x", "filters": { "stage": "intake", "page": 2 } }),
        ),
        ("ShareRequest", json!({ "organisation": api.other })),
        (
            "CaseUpdate",
            crate::api::update_body("2026-01-01T00:00:00Z", "Schema Check"),
        ),
    ] {
        let reference = json!({ "$ref": format!("#/components/schemas/{schema}") });
        validator
            .validate(&reference, &body, "$")
            .unwrap_or_else(|e| panic!("{schema}: {e}"));
    }
}

/// Every schema in the document uses only what the validator checks (it refuses any other
/// keyword as soon as it meets it; this meets every schema).
#[test]
fn every_schema_uses_only_what_the_validator_understands() {
    fn walk(schema: &Value, at: &str) {
        let object = schema.as_object().unwrap_or_else(|| panic!("{at}"));
        for (keyword, argument) in object {
            let at = format!("{at}/{keyword}");
            match keyword.as_str() {
                "properties" => {
                    for (name, inner) in argument.as_object().expect("properties") {
                        walk(inner, &format!("{at}/{name}"));
                    }
                }
                "items" => walk(argument, &at),
                "additionalProperties" if argument.is_object() => walk(argument, &at),
                "$ref" | "type" | "enum" | "required" | "additionalProperties" | "minimum" => {}
                "format" => assert!(
                    ["uuid", "date", "date-time"].contains(&argument.as_str().expect("format")),
                    "{at}"
                ),
                annotation if ANNOTATIONS.contains(&annotation) => {}
                other => panic!("{at}: the validator does not understand `{other}`"),
            }
        }
    }
    let document = document();
    for (name, schema) in document["components"]["schemas"]
        .as_object()
        .expect("schemas")
    {
        walk(schema, name);
    }
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            for parameter in op["parameters"].as_array().into_iter().flatten() {
                walk(&parameter["schema"], &format!("{method} {path} parameter"));
            }
        }
    }
}

#[test]
fn the_validator_refuses_what_it_should() {
    let document = json!({
        "components": { "schemas": {
            "Thing": {
                "type": "object",
                "properties": {
                    "id": { "type": "string", "format": "uuid" },
                    "kind": { "type": "string", "enum": ["a", "b"] },
                    "count": { "type": "integer", "minimum": 1 },
                    "on": { "type": ["string", "null"], "format": "date" },
                    "at": { "type": "string", "format": "date-time" },
                    "tags": { "type": "array", "items": { "type": "string" } },
                    "more": { "type": "object", "additionalProperties": { "type": "boolean" } }
                },
                "required": ["id", "kind"],
                "additionalProperties": false
            }
        } }
    });
    let validator = Validator {
        document: &document,
    };
    let thing = json!({ "$ref": "#/components/schemas/Thing" });
    let good = json!({
        "id": "67e55044-10b1-426f-9247-bb680e5fe0c8", "kind": "a", "count": 1, "on": null,
        "at": "2026-01-01T12:00:00Z", "tags": ["x"], "more": { "y": true }
    });
    validator.validate(&thing, &good, "$").expect("valid");
    validator
        .validate(
            &thing,
            &json!({ "id": good["id"], "kind": "b", "on": "2026-02-03" }),
            "$",
        )
        .expect("optional fields may be left out; a date where null is allowed");

    let mut refused = 0;
    for (edit, expected) in [
        (json!({ "kind": "c" }), "is not one of"),
        (json!({ "kind": 1 }), "is not one of"),
        (json!({ "id": "not-a-uuid" }), "is not a"),
        (json!({ "count": 0 }), "below"),
        (json!({ "count": 1.5 }), "expected"),
        (json!({ "on": 3 }), "expected"),
        (json!({ "on": "2026-13-01" }), "is not a"),
        (json!({ "at": "yesterday" }), "is not a"),
        (json!({ "tags": ["x", 2] }), "$.tags[1]"),
        (json!({ "tags": "x" }), "expected"),
        (json!({ "more": { "y": "yes" } }), "$.more.y"),
        (json!({ "extra": 1 }), "unexpected property `extra`"),
    ] {
        let mut value = good.clone();
        for (key, field) in edit.as_object().expect("edit") {
            value[key] = field.clone();
        }
        let error = validator
            .validate(&thing, &value, "$")
            .expect_err("refused");
        assert!(error.contains(expected), "{edit}: {error}");
        refused += 1;
    }
    assert_eq!(refused, 12);
    let mut missing = good.clone();
    missing.as_object_mut().expect("object").remove("kind");
    let error = validator
        .validate(&thing, &missing, "$")
        .expect_err("refused");
    assert!(error.contains("missing required `kind`"), "{error}");
    let error = validator
        .validate(&thing, &json!([good]), "$")
        .expect_err("not an object");
    assert!(error.contains("expected"), "{error}");

    for (schema, expected) in [
        (
            json!({ "$ref": "#/components/schemas/Nothing" }),
            "no such schema",
        ),
        (json!({ "$ref": "other.json#/x" }), "only local references"),
        (
            json!({ "type": "string", "pattern": "^a$" }),
            "unsupported keyword `pattern`",
        ),
        (json!({ "oneOf": [] }), "unsupported keyword `oneOf`"),
        (
            json!({ "type": "string", "format": "email" }),
            "unsupported format",
        ),
        (json!("string"), "a schema must be an object"),
    ] {
        let error = validator
            .validate(&schema, &json!("a"), "$")
            .expect_err("refused");
        assert!(error.contains(expected), "{schema}: {error}");
    }
}
