//! The content rules: each refusal names the field and the rule.

use corridor_dossier::{
    ContentError, ContentProblem, DossierContent, DossierInput, FieldValue, MAX_ITEM_CHARS,
    MAX_KEY_CHARS, MAX_LIST_ITEMS, MAX_NAME_CHARS, MAX_TEXT_CHARS,
};

use crate::{field, sample_input};

fn refused(change: impl FnOnce(&mut DossierInput)) -> ContentError {
    let mut input = sample_input();
    change(&mut input);
    DossierContent::new(input).expect_err("refused")
}

fn problem(field: &str, problem: ContentProblem) -> ContentError {
    ContentError {
        field: field.to_owned(),
        problem,
    }
}

#[test]
fn empty_keys_ids_and_names_are_refused() {
    assert_eq!(
        refused(|i| i.sections[1].fields[2].key.clear()),
        problem("sections[1].fields[2].key", ContentProblem::Empty)
    );
    assert_eq!(
        refused(|i| i.sections[0].key.clear()),
        problem("sections[0].key", ContentProblem::Empty)
    );
    assert_eq!(
        refused(|i| i.case_id.clear()),
        problem("case_id", ContentProblem::Empty)
    );
    assert_eq!(
        refused(|i| i.evidence[1].id.clear()),
        problem("evidence[1].id", ContentProblem::Empty)
    );
    assert_eq!(
        refused(|i| i.issuer.name = "  ".to_owned()),
        problem("issuer.name", ContentProblem::Empty)
    );
    assert_eq!(
        refused(|i| i.sections[0].fields[1].label = String::new()),
        problem("sections[0].fields[1].label", ContentProblem::Empty)
    );
    assert_eq!(
        refused(|i| i.title = String::new()),
        problem("title", ContentProblem::Empty)
    );
    assert_eq!(
        refused(|i| i.recipient.program_slug.clear()),
        problem("recipient.program_slug", ContentProblem::Empty)
    );
}

#[test]
fn duplicate_keys_and_ids_are_refused() {
    assert_eq!(
        refused(|i| i.sections[1].fields[3].key = "risk_level".to_owned()),
        problem("sections[1].fields[3].key", ContentProblem::Duplicate)
    );
    assert_eq!(
        refused(|i| i.sections[1].key = "person".to_owned()),
        problem("sections[1].key", ContentProblem::Duplicate)
    );
    assert_eq!(
        refused(|i| i.evidence[2].id = "ev-1".to_owned()),
        problem("evidence[2].id", ContentProblem::Duplicate)
    );
    // The same field key in two sections is fine.
    let mut input = sample_input();
    input.sections[1].fields[0].key = "native_name".to_owned();
    DossierContent::new(input).expect("keys are per section");
}

#[test]
fn over_long_text_is_refused_by_characters_not_bytes() {
    assert_eq!(
        refused(
            |i| i.sections[0].fields[0].value = FieldValue::Text("ж".repeat(MAX_TEXT_CHARS + 1))
        ),
        problem(
            "sections[0].fields[0].value.text",
            ContentProblem::TooLong {
                max: MAX_TEXT_CHARS
            }
        )
    );
    let mut input = sample_input();
    input.sections[0].fields[0].value = FieldValue::Text("ж".repeat(MAX_TEXT_CHARS));
    DossierContent::new(input).expect("at the limit");

    assert_eq!(
        refused(|i| i.issuer.name = "Я".repeat(MAX_NAME_CHARS + 1)),
        problem(
            "issuer.name",
            ContentProblem::TooLong {
                max: MAX_NAME_CHARS
            }
        )
    );
    assert_eq!(
        refused(|i| i.sections[0].fields[3].value =
            FieldValue::List(vec!["ok".to_owned(), "x".repeat(MAX_ITEM_CHARS + 1)])),
        problem(
            "sections[0].fields[3].value.list[1]",
            ContentProblem::TooLong {
                max: MAX_ITEM_CHARS
            }
        )
    );
    assert_eq!(
        refused(|i| i.sections[0].fields[3].value =
            FieldValue::List(vec![String::new(); MAX_LIST_ITEMS + 1])),
        problem(
            "sections[0].fields[3].value.list",
            ContentProblem::TooMany {
                max: MAX_LIST_ITEMS
            }
        )
    );
    assert_eq!(
        refused(|i| i.sections[0].key = "k".repeat(MAX_KEY_CHARS + 1)),
        problem(
            "sections[0].key",
            ContentProblem::TooLong { max: MAX_KEY_CHARS }
        )
    );
}

#[test]
fn malformed_keys_ids_slugs_and_media_types_are_refused() {
    for bad in ["Name", "1st", "full-name", "имя", "a b", "_x"] {
        let error = refused(|i| i.sections[0].fields[0].key = bad.to_owned());
        assert_eq!(error.field, "sections[0].fields[0].key", "{bad}");
        assert!(
            matches!(error.problem, ContentProblem::BadFormat(_)),
            "{bad}"
        );
    }
    for bad in ["case 1", "case/1", "кейс", "a\u{0}"] {
        let error = refused(|i| i.case_id = bad.to_owned());
        assert_eq!(error.field, "case_id", "{bad:?}");
    }
    for bad in ["HRD", "hrd_stream", "hrd stream"] {
        let error = refused(|i| i.recipient.program_slug = bad.to_owned());
        assert_eq!(error.field, "recipient.program_slug", "{bad}");
    }
    for bad in [
        "application",
        "application/",
        "/pdf",
        "Application/PDF",
        "text/plain; charset=utf-8",
        "image/jpeg/x",
    ] {
        let error = refused(|i| i.evidence[0].media_type = bad.to_owned());
        assert_eq!(error.field, "evidence[0].media_type", "{bad}");
    }
    for good in [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/svg+xml",
    ] {
        let mut input = sample_input();
        input.evidence[0].media_type = good.to_owned();
        DossierContent::new(input).expect(good);
    }
}

#[test]
fn control_and_direction_characters_are_refused() {
    for bad in [
        "a\tb",
        "a\rb",
        "a\u{1b}[31mb",
        "a\u{202e}b",
        "a\u{2066}b",
        "a\u{2028}b",
        "a\u{85}b",
    ] {
        let error = refused(|i| i.sections[1].fields[2].value = FieldValue::Text(bad.to_owned()));
        assert_eq!(
            error,
            problem(
                "sections[1].fields[2].value.text",
                ContentProblem::ForbiddenCharacter
            ),
            "{bad:?}"
        );
    }
    // A line break is a text value's own, and nothing else's.
    assert_eq!(
        refused(|i| i.sections[0].fields[1].label = "Name\n(passport)".to_owned()),
        problem(
            "sections[0].fields[1].label",
            ContentProblem::ForbiddenCharacter
        )
    );
    assert_eq!(
        refused(|i| i.evidence[0].description = "two\nlines".to_owned()),
        problem(
            "evidence[0].description",
            ContentProblem::ForbiddenCharacter
        )
    );
    assert_eq!(
        refused(|i| i.sections[0].fields[3].value = FieldValue::List(vec!["two\nlines".to_owned()])),
        problem(
            "sections[0].fields[3].value.list[0]",
            ContentProblem::ForbiddenCharacter
        )
    );
}

#[test]
fn version_and_time_are_in_range() {
    assert_eq!(
        refused(|i| i.version = 0),
        problem("version", ContentProblem::OutOfRange("from 1"))
    );
    assert_eq!(
        refused(|i| i.issued_at = chrono::DateTime::UNIX_EPOCH - chrono::Duration::seconds(1)),
        problem(
            "issued_at",
            ContentProblem::OutOfRange("years 1970 to 9999")
        )
    );
}

#[test]
fn errors_read_as_field_then_rule() {
    let error = refused(|i| {
        i.sections[0]
            .fields
            .push(field("native_name", "Again", "x"))
    });
    assert_eq!(
        error.to_string(),
        "sections[0].fields[5].key: the same key as an earlier entry"
    );
    let error = refused(|i| i.title = "x".repeat(301));
    assert_eq!(error.to_string(), "title: longer than 300 characters");
}
