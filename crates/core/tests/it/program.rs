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

#[test]
fn policy_tables_are_read_and_absent_ones_take_defaults() {
    use corridor_core::assessment::{SponsorKind, Vulnerability};
    use corridor_core::{RiskLevel, evidence::StrengthLevel};
    let program = Program::from_toml(
        &format!(
            "{GOOD}sponsor = \"group_of_five\"\nreferral_partner = \"A group\"\n\
         required_documents = [\"identity document\"]\n\
         [eligibility]\nlocations = [\"us\"]\nmin_risk = \"high\"\nmin_evidence = \"moderate\"\n\
         [weights.objective]\nrisk = 9\n\
         [weights.vulnerability.needs]\nlgbtq = 40\n\
         [priority]\nemergency_days = 3\n"
        )
        .replace("public_policy", "private_sponsorship"),
    )
    .unwrap();
    assert_eq!(program.sponsor, Some(SponsorKind::GroupOfFive));
    assert_eq!(program.referral_partner.as_deref(), Some("A group"));
    assert_eq!(program.required_documents, ["identity document"]);
    assert_eq!(program.eligibility.locations, ["US".parse().unwrap()]);
    assert_eq!(program.eligibility.min_risk, RiskLevel::High);
    assert_eq!(program.eligibility.min_evidence, StrengthLevel::Moderate);
    assert!(!program.eligibility.requires_recognition);
    assert_eq!(program.weights.objective.risk, 9);
    // The other objective weights keep their defaults.
    assert_eq!(program.weights.objective.urgency, 3);
    // A map given in the file replaces the default map: what is not named weighs nothing.
    assert_eq!(
        program
            .weights
            .vulnerability
            .needs
            .get(&Vulnerability::Lgbtq),
        Some(&40)
    );
    assert_eq!(
        program
            .weights
            .vulnerability
            .needs
            .get(&Vulnerability::MedicalNeeds),
        None
    );
    assert_eq!(program.priority.emergency_days, 3);
    assert_eq!(program.priority.urgent_days, 42);

    let plain = Program::from_toml(GOOD).unwrap();
    assert_eq!(plain.sponsor, None);
    assert!(plain.required_documents.is_empty());
    assert_eq!(plain.weights, Default::default());
}

#[test]
fn bad_policy_values_are_named() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "[eligibility]\nmin_risk = \"extreme\"\n",
            "eligibility.min_risk",
            "unknown value",
        ),
        (
            "[eligibility]\nlocations = [\"USA\"]\n",
            "eligibility.locations[0]",
            "country code",
        ),
        (
            "[eligibility]\nminimum = 3\n",
            "eligibility.minimum",
            "unknown field",
        ),
        (
            "[weights.objective]\nrisk = -1\n",
            "weights.objective.risk",
            "",
        ),
        (
            "[weights.risk.military]\ngeneral = 5\n",
            "weights.risk.military",
            "unknown value",
        ),
        (
            "[weights.risk]\nclosed_percent = 101\n",
            "weights.risk.closed_percent",
            "at most 100",
        ),
        ("[priority]\nemergency_days = 0\n", "priority", "at least 1"),
        (
            "[priority]\nurgent_days = 5\nemergency_days = 7\n",
            "priority",
            "urgent_days",
        ),
        (
            "sponsor = \"group_of_five\"\n",
            "sponsor",
            "private sponsorship",
        ),
        (
            "required_documents = [\"\"]\n",
            "required_documents[0]",
            "empty",
        ),
        ("capacity = 10001\n", "capacity", "at most"),
    ];
    for (extra, field, reason) in cases {
        let text = if extra.starts_with("capacity") {
            GOOD.replace("capacity = 300\n", extra)
        } else if extra.starts_with('[') {
            format!("{GOOD}{extra}")
        } else {
            format!("{extra}{GOOD}")
        };
        let e = err(&text);
        assert!(e.field.starts_with(field), "{extra:?}: {e}");
        assert!(e.reason.contains(reason), "{extra:?}: {e}");
    }
}

#[test]
fn the_shipped_program_files_parse() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../programs");
    let mut slugs = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        slugs.push(Program::from_toml(&text).unwrap().slug.to_string());
    }
    slugs.sort();
    assert_eq!(
        slugs,
        [
            "ca-bvor",
            "ca-government-assisted",
            "ca-human-rights-defenders",
            "ca-private-sponsorship",
            "ca-psr-community-sponsor",
            "ca-psr-group-of-five",
            "ca-public-policy-2026"
        ]
    );
}
