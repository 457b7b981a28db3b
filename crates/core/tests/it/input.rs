//! Case documents: the example parses; errors name the field and never echo the input.

use corridor_core::{
    CaseId, CaseInput, Custody, InputError, NameKind, OrgId, ProceedingsStage, RiskLevel, Script,
    Stage,
};
use serde_json::{Value, json};

const EXAMPLE: &str = include_str!("../../../../examples/case.json");
/// Put into rejected values; must never show up in an error.
const CANARY: &str = "Zq7CANARYЖук";

fn example() -> Value {
    serde_json::from_str(EXAMPLE).unwrap()
}

/// Parses `doc` expecting failure, and checks the canary stays out of the error.
fn reject(doc: &Value) -> InputError {
    let err = CaseInput::from_json(&doc.to_string()).unwrap_err();
    assert_no_canary(&err);
    err
}

fn assert_no_canary(err: &InputError) {
    let shown = format!("{err} {err:?}");
    for fragment in ["Zq7", "CANARY", "Жук"] {
        assert!(!shown.contains(fragment), "error echoes input: {shown}");
    }
}

#[test]
fn the_example_parses_completely() {
    let input = CaseInput::from_json(EXAMPLE).unwrap();
    assert_eq!(input.program.as_str(), "ca-public-policy-2026");
    assert_eq!(input.stage, Stage::Assessing);
    let names: Vec<_> = input.person.names.iter().collect();
    assert_eq!(names[0].kind(), NameKind::Native);
    assert_eq!(names[0].script(), Script::Cyrillic);
    assert_eq!(names[1].script(), Script::Latin);
    assert_eq!(names[2].kind(), NameKind::Alias);
    assert_eq!(input.person.names.primary().kind(), NameKind::Native);
    assert!(input.person.has_stca_family_exception());
    assert_eq!(input.us_status.custody, Custody::Detained);
    assert_eq!(input.us_status.proceedings, ProceedingsStage::BiaAppeal);
    assert_eq!(
        input.us_status.a_number.as_ref().unwrap().digits(),
        "208555013"
    );
    let today = "2025-06-01".parse().unwrap();
    assert!(input.us_status.active_stay(today).is_some());
    assert!(input.us_status.next_hearing(today).is_some());
    assert_eq!(input.russia_risk.level(), RiskLevel::Severe);
    assert_eq!(input.claims.len(), 3);

    let case = input.into_case(CaseId::random(), OrgId::random(), chrono::Utc::now());
    let json = serde_json::to_string(&case).unwrap();
    let back: corridor_core::Case = serde_json::from_str(&json).unwrap();
    assert_eq!(back, case);
}

#[test]
fn a_minimal_document_takes_the_defaults() {
    let input = CaseInput::from_json(
        r#"{"program":"p","person":{"names":[{"text":"Имя","kind":"native"}]}}"#,
    )
    .unwrap();
    assert_eq!(input.stage, Stage::Intake);
    assert_eq!(input.us_status, Default::default());
    assert_eq!(input.russia_risk, Default::default());
    assert!(input.claims.is_empty());
    assert_eq!(input.notes, None);
}

#[test]
fn invalid_a_number() {
    let mut doc = example();
    doc["us_status"]["a_number"] = json!(format!("A-{CANARY}"));
    let err = reject(&doc);
    assert_eq!(err.field, "us_status.a_number");
    assert!(err.reason.starts_with("A-number"), "{err}");

    doc["us_status"]["a_number"] = json!("1234567");
    let err = reject(&doc);
    assert_eq!(err.field, "us_status.a_number");
    assert_eq!(err.reason, "A-number must have 8 or 9 digits");
    assert_eq!(
        err.to_string(),
        "field `us_status.a_number`: A-number must have 8 or 9 digits"
    );

    doc["us_status"]["a_number"] = json!(12345678);
    let err = reject(&doc);
    assert_eq!(err.field, "us_status.a_number");
    assert_eq!(err.reason, "invalid type, expected a string");
}

#[test]
fn impossible_dates() {
    let mut doc = example();
    doc["person"]["birth_date"] = json!("1988-02-30");
    let err = reject(&doc);
    assert_eq!(err.field, "person.birth_date");
    assert_eq!(err.reason, "impossible date");

    let mut doc = example();
    doc["russia_risk"]["criminal_cases"][0]["opened_on"] = json!("2023-13");
    let err = reject(&doc);
    assert_eq!(err.field, "russia_risk.criminal_cases[0].opened_on");

    let mut doc = example();
    doc["person"]["birth_date"] = json!(CANARY);
    let err = reject(&doc);
    assert_eq!(err.field, "person.birth_date");

    // Full dates (NaiveDate) too.
    let mut doc = example();
    doc["us_status"]["hearings"][1]["date"] = json!("2025-02-30");
    let err = reject(&doc);
    assert_eq!(err.field, "us_status.hearings[1].date");
    assert_eq!(err.reason, "impossible date");

    let mut doc = example();
    doc["us_status"]["stays"][0]["granted_on"] = json!("2025-02");
    let err = reject(&doc);
    assert_eq!(err.field, "us_status.stays[0].granted_on");
    assert_eq!(err.reason, "date must be a full date written YYYY-MM-DD");

    let mut doc = example();
    doc["us_status"]["asylum_filed_on"] = json!(CANARY);
    let err = reject(&doc);
    assert_eq!(err.field, "us_status.asylum_filed_on");
}

#[test]
fn unknown_enum_values() {
    let mut doc = example();
    doc["person"]["names"][0]["kind"] = json!(CANARY);
    let err = reject(&doc);
    assert_eq!(err.field, "person.names[0].kind");
    assert_eq!(
        err.reason,
        "unknown value; expected one of: native, passport, alias, former"
    );

    let mut doc = example();
    doc["us_status"]["custody"] = json!(format!("{CANARY}`, expected `detained`"));
    let err = reject(&doc);
    assert_eq!(err.field, "us_status.custody");
    assert!(
        err.reason
            .starts_with("unknown value; expected one of: detained,")
    );

    let mut doc = example();
    doc["stage"] = json!("Arrived");
    let err = reject(&doc);
    assert_eq!(err.field, "stage");

    let mut doc = example();
    doc["russia_risk"]["criminal_cases"][0]["article"] = json!("20.3.3");
    let err = reject(&doc);
    assert_eq!(err.field, "russia_risk.criminal_cases[0].article");
    assert!(err.reason.contains("article"));
}

#[test]
fn missing_required_fields() {
    let mut doc = example();
    doc["person"].as_object_mut().unwrap().remove("names");
    let err = reject(&doc);
    assert_eq!(err.field, "person.names");
    assert_eq!(err.reason, "missing required field `names`");
    assert_eq!(
        err.to_string(),
        "field `person.names`: missing required field `names`"
    );

    let mut doc = example();
    doc.as_object_mut().unwrap().remove("program");
    let err = reject(&doc);
    assert_eq!(err.field, "program");

    let mut doc = example();
    doc["claims"][1]["source"]
        .as_object_mut()
        .unwrap()
        .remove("kind");
    let err = reject(&doc);
    assert_eq!(err.field, "claims[1].source.kind");

    let mut doc = example();
    doc["us_status"]["hearings"][0]
        .as_object_mut()
        .unwrap()
        .remove("date");
    let err = reject(&doc);
    assert_eq!(err.field, "us_status.hearings[0].date");
}

#[test]
fn unknown_fields() {
    let mut doc = example();
    doc["person"]["nickname"] = json!(CANARY);
    let err = reject(&doc);
    assert_eq!(err.field, "person.nickname");
    assert!(
        err.reason
            .starts_with("unknown field; expected one of: names,"),
        "{err}"
    );

    let mut doc = example();
    doc["us_status"]["stays"][0]["judge"] = json!(CANARY);
    let err = reject(&doc);
    assert_eq!(err.field, "us_status.stays[0].judge");

    let mut doc = example();
    doc["claims"][0]["id"] = json!(CaseId::random());
    let err = reject(&doc);
    assert_eq!(
        err.field, "claims[0].id",
        "claims in a case document carry no id"
    );

    // A key that does not look like a field name is not repeated either.
    let mut doc = example();
    doc["person"][CANARY] = json!(1);
    let err = reject(&doc);
    assert_eq!(err.field, "person.?");
}

#[test]
fn other_validation_errors_name_the_field() {
    /// A change to the example, the field the error must name, and the reason (if checked).
    type Case = (fn(&mut Value), &'static str, &'static str);
    let cases: Vec<Case> = vec![
        (
            |d| d["person"]["names"] = json!([]),
            "person.names",
            "at least one name is required",
        ),
        (
            |d| d["person"]["names"][1]["text"] = json!("   "),
            "person.names[1].text",
            "must not be empty",
        ),
        (
            |d| d["person"]["nationalities"][0] = json!(CANARY),
            "person.nationalities[0]",
            "country code must be two ASCII letters (ISO 3166-1 alpha-2, such as RU)",
        ),
        (
            |d| d["person"]["languages"][1] = json!(CANARY),
            "person.languages[1]",
            "language code must be two or three ASCII letters (ISO 639, such as ru or rus)",
        ),
        (
            |d| d["person"]["family"][1]["canadian_status"] = json!("citizen"),
            "person.family[1]",
            "canadian_status is only allowed when in_canada is true",
        ),
        (
            |d| d["person"]["family"][0]["in_canada"] = json!(CANARY),
            "person.family[0].in_canada",
            "invalid type, expected a boolean",
        ),
        (
            |d| d["us_status"]["stays"][0]["expires_on"] = json!("2025-01-01"),
            "us_status.stays[0]",
            "expires_on must not be before granted_on",
        ),
        (
            |d| d["claims"][0]["evidence"][0] = json!(format!("ftp://{CANARY}")),
            "claims[0].evidence[0]",
            "",
        ),
        (
            |d| d["claims"][2]["fact"] = json!(CANARY),
            "claims[2].fact",
            "fact key must be 1 to 64 characters of a-z, 0-9 and _",
        ),
        (
            |d| d["claims"][0]["assertion"] = json!(" "),
            "claims[0].assertion",
            "must not be empty",
        ),
        (
            |d| d["claims"][0]["source"]["reference"] = json!(""),
            "claims[0].source.reference",
            "must not be empty",
        ),
        (
            |d| d["program"] = json!(CANARY),
            "program",
            "program slug must be 1 to 64 characters of a-z, 0-9 and -",
        ),
        (|d| d["person"]["gender"] = json!(7), "person.gender", ""),
        (
            |d| d["person"]["names"][0] = json!(CANARY),
            "person.names[0]",
            "invalid type, expected an object",
        ),
        (
            |d| d["us_status"]["relief_sought"] = json!(CANARY),
            "us_status.relief_sought",
            "invalid type, expected a sequence",
        ),
    ];
    for (mutate, field, reason) in cases {
        let mut doc = example();
        mutate(&mut doc);
        let err = reject(&doc);
        assert_eq!(err.field, field, "{err}");
        if !reason.is_empty() {
            assert_eq!(err.reason, reason, "{err}");
        }
    }
}

#[test]
fn syntax_errors_do_not_echo() {
    let truncated = &EXAMPLE[..EXAMPLE.find("Пустовойтова").unwrap() + 10];
    let err = CaseInput::from_json(truncated).unwrap_err();
    assert!(!err.to_string().contains("Пустовойт"), "{err}");
    assert!(err.reason.contains("line"), "{err}");

    let err = CaseInput::from_json(&format!("{{\"program\": {CANARY}}}")).unwrap_err();
    assert_no_canary(&err);
    let err = CaseInput::from_json(&format!("{EXAMPLE}{CANARY}")).unwrap_err();
    assert_no_canary(&err);
    assert_eq!(err.field, "");
    assert!(err.to_string().starts_with("document: "));
    let err = CaseInput::from_json("").unwrap_err();
    assert!(err.to_string().starts_with("document: "), "{err}");
}

/// Every value in the example, replaced by the canary (as a string, and as an object key next
/// to it): whenever the document is rejected, the error must not contain the canary.
#[test]
fn no_error_ever_echoes_a_replaced_value() {
    fn leaves(value: &Value, path: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
        match value {
            Value::Object(map) => {
                out.push(path.clone());
                for (key, child) in map {
                    path.push(PathStep::Key(key.clone()));
                    leaves(child, path, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                out.push(path.clone());
                for (i, child) in items.iter().enumerate() {
                    path.push(PathStep::Index(i));
                    leaves(child, path, out);
                    path.pop();
                }
            }
            _ => out.push(path.clone()),
        }
    }
    fn at<'a>(value: &'a mut Value, path: &[PathStep]) -> &'a mut Value {
        path.iter().fold(value, |v, step| match step {
            PathStep::Key(k) => &mut v[k.as_str()],
            PathStep::Index(i) => &mut v[*i],
        })
    }
    #[derive(Clone)]
    enum PathStep {
        Key(String),
        Index(usize),
    }

    let base = example();
    let mut paths = Vec::new();
    leaves(&base, &mut Vec::new(), &mut paths);
    let mut rejected = 0;
    for path in &paths {
        let replacements = [
            json!(CANARY),
            json!(format!("{CANARY}`, expected `x`")),
            json!([CANARY]),
            json!({ CANARY: CANARY }),
            json!(-1.5),
        ];
        for replacement in replacements {
            let mut doc = base.clone();
            *at(&mut doc, path) = replacement;
            if let Err(err) = CaseInput::from_json(&doc.to_string()) {
                assert_no_canary(&err);
                rejected += 1;
            }
        }
        if let Value::Object(_) = at(&mut base.clone(), path) {
            let mut doc = base.clone();
            at(&mut doc, path)[CANARY] = json!(CANARY);
            let err = CaseInput::from_json(&doc.to_string()).unwrap_err();
            assert_no_canary(&err);
        }
    }
    assert!(rejected > 100, "only {rejected} rejections");
}
