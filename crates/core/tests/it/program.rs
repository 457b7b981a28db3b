//! Program files: TOML, unknown fields rejected, errors naming the field.

use corridor_core::{Pathway, Program, ProgramCatalog, ProgramError};

const GOOD: &str = r#"
slug = "public-policy-us-russians"
name = "Public policy for Russians in the United States"
pathway = "public_policy"
capacity = 300
"#;

fn err(toml: &str) -> ProgramError {
    Program::from_toml(toml).unwrap_err()
}

#[test]
fn good_program() {
    let program = Program::from_toml(GOOD).unwrap();
    assert_eq!(program.slug.as_str(), "public-policy-us-russians");
    assert_eq!(program.pathway, Pathway::PublicPolicy);
    assert_eq!(program.capacity, 300);
    assert_eq!(program.description, None);
    let catalog = ProgramCatalog::from_programs(vec![program.clone()]).unwrap();
    assert_eq!(catalog.get(&program.slug), Some(&program));
}

#[test]
fn unknown_field_is_named() {
    let e = err(&format!("{GOOD}capcity = 3\n"));
    assert_eq!(e.field, "capcity");
    assert!(e.reason.starts_with("unknown field"), "{e}");
    assert!(e.reason.contains("capacity"), "{e}");
}

#[test]
fn missing_field_is_named() {
    let e = err(&GOOD.replace("pathway = \"public_policy\"\n", ""));
    assert_eq!(e.field, "pathway");
    assert_eq!(e.reason, "missing required field `pathway`");
    assert_eq!(
        e.to_string(),
        "program field `pathway`: missing required field `pathway`"
    );
}

#[test]
fn bad_values_are_named() {
    let e = err(&GOOD.replace("public_policy", "refugee_lottery"));
    assert_eq!(e.field, "pathway");
    assert!(
        e.reason
            .starts_with("unknown value; expected one of: government_assisted"),
        "{e}"
    );
    assert!(!e.to_string().contains("lottery"));

    let e = err(&GOOD.replace("300", "-1"));
    assert_eq!(e.field, "capacity");

    let e = err(&GOOD.replace("300", "\"many\""));
    assert_eq!(e.field, "capacity");
    assert!(e.reason.starts_with("invalid type"), "{e}");
    assert!(!e.reason.contains("many"));

    let e = err(&GOOD.replace("public-policy-us-russians", "Public Policy"));
    assert_eq!(e.field, "slug");
    assert!(e.reason.contains("slug"), "{e}");

    let e = err(&GOOD.replace("Public policy for Russians in the United States", "  "));
    assert_eq!(e.field, "name");
    assert_eq!(e.reason, "must not be empty");
}

#[test]
fn syntax_errors_are_reported_for_the_file() {
    let e = err("slug = \"unterminated\nname = 1");
    assert_eq!(e.field, "");
    assert!(e.to_string().starts_with("program file: "), "{e}");
    assert!(Program::from_toml("").is_err());
}

#[test]
fn duplicate_slugs_are_rejected() {
    let program = Program::from_toml(GOOD).unwrap();
    let err = ProgramCatalog::from_programs(vec![program.clone(), program]).unwrap_err();
    assert!(err.to_string().contains("public-policy-us-russians"));
}

#[test]
fn the_shipped_program_files_parse_into_one_catalog() {
    let files = [
        include_str!("../../../../programs/ca-human-rights-defenders.toml"),
        include_str!("../../../../programs/ca-private-sponsorship.toml"),
        include_str!("../../../../programs/ca-public-policy-2026.toml"),
    ];
    let programs: Vec<Program> = files
        .iter()
        .map(|text| Program::from_toml(text).unwrap())
        .collect();
    let catalog = ProgramCatalog::from_programs(programs).unwrap();
    assert_eq!(catalog.len(), 3);
    let example =
        corridor_core::CaseInput::from_json(include_str!("../../../../examples/case.json"))
            .unwrap();
    assert!(
        catalog.get(&example.program).is_some(),
        "the example case uses a shipped program"
    );
}

#[test]
fn a_program_may_require_up_to_three_evidence_verifiers() {
    assert_eq!(Program::from_toml(GOOD).unwrap().evidence_verifiers, 1);
    let two = Program::from_toml(&format!("{GOOD}evidence_verifiers = 2\n")).unwrap();
    assert_eq!(two.evidence_verifiers, 2);
    for bad in ["0", "4", "-1", "\"two\""] {
        let e = err(&format!("{GOOD}evidence_verifiers = {bad}\n"));
        assert_eq!(e.field, "evidence_verifiers", "{bad}: {e}");
    }
}
