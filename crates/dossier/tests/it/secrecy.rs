//! Names never reach `Debug` output, error messages or the PDF's metadata.

use corridor_crypto::OrgSigningKey;
use corridor_dossier::{DossierContent, FieldValue, verify};
use serde_json::Value;

use crate::{CANARY, CANARY_LATIN, Change, sample_dossier, sample_input};

fn assert_clean(text: &str) {
    for needle in [
        CANARY,
        CANARY_LATIN,
        "Аристарх",
        "Aristarkh",
        "Ильич",
        "Свободный",
    ] {
        assert!(!text.contains(needle), "{text:?} contains {needle:?}");
    }
}

#[test]
fn debug_of_content_and_dossiers_shows_no_name() {
    let input = sample_input();
    assert_clean(&format!("{input:?} {input:#?}"));
    for section in &input.sections {
        assert_clean(&format!("{section:?}"));
        for field in &section.fields {
            assert_clean(&format!("{field:?} {:?}", field.value));
        }
    }
    for item in &input.evidence {
        assert_clean(&format!("{item:?}"));
    }
    assert_clean(&format!("{:?} {:?}", input.issuer, input.recipient));

    let (key, content, dossier) = sample_dossier();
    let debug = format!("{content:?} {content:#?}");
    assert_clean(&debug);
    assert!(debug.contains(&content.input().case_id), "{debug}");
    assert_clean(&format!("{dossier:?}"));
    let verified = verify(&dossier.json, Some(&dossier.pdf), Some(&key.public_key())).unwrap();
    assert_clean(&format!("{verified:?} {verified:#?}"));
}

#[test]
fn content_errors_name_the_field_not_the_value() {
    let cases: Vec<Change<corridor_dossier::DossierInput>> = vec![
        Box::new(|i| i.issuer.name = format!("{CANARY}\u{0}")),
        Box::new(|i| i.title = CANARY.repeat(100)),
        Box::new(|i| i.case_id = CANARY_LATIN.to_owned() + " "),
        Box::new(|i| i.sections[0].key = CANARY_LATIN.to_owned()),
        Box::new(|i| i.sections[0].fields[0].key = CANARY.to_owned()),
        Box::new(|i| {
            i.sections[0].fields[0].value = FieldValue::List(vec![format!("{CANARY}\n")]);
        }),
        Box::new(|i| i.evidence[0].media_type = CANARY.to_owned()),
        Box::new(|i| i.evidence[0].id = format!("{CANARY_LATIN}/1")),
    ];
    for change in cases {
        let mut input = sample_input();
        change(&mut input);
        let error = DossierContent::new(input).expect_err("refused");
        assert_clean(&format!("{error} {error:?}"));
    }
}

#[test]
fn verify_errors_name_the_field_not_the_value() {
    let (key, _, dossier) = sample_dossier();
    let changes: Vec<Change<Value>> = vec![
        Box::new(|v| v["signed"]["title"] = Value::from(7)),
        Box::new(|v| v["signed"]["issued_at"] = Value::String(CANARY.to_owned())),
        Box::new(|v| v["signed"][CANARY] = Value::String(CANARY.to_owned())),
        Box::new(|v| {
            v["signed"]["sections"][0]["fields"][0]["value"] = serde_json::json!({ CANARY: 1 })
        }),
        Box::new(|v| v["signed"]["format"] = Value::String(CANARY.to_owned())),
        Box::new(|v| v["signature"]["algorithm"] = Value::String(CANARY.to_owned())),
        Box::new(|v| v["signed"]["evidence"][0]["sha256"] = Value::String(CANARY.to_owned())),
        Box::new(|v| v["signed"]["signer"]["public_key"] = Value::String(CANARY.to_owned())),
        Box::new(|v| v["signed"]["version"] = Value::String(CANARY_LATIN.to_owned())),
        Box::new(|v| {
            v["signed"]["sections"][0]["fields"][0]["value"]["text"] =
                Value::String(format!("{CANARY} {CANARY_LATIN}"));
        }),
    ];
    for change in changes {
        let mut value: Value = serde_json::from_slice(&dossier.json).unwrap();
        change(&mut value);
        let json = serde_json::to_vec(&value).unwrap();
        let error = verify(&json, Some(&dossier.pdf), Some(&key.public_key())).expect_err("fails");
        assert_clean(&format!("{error} {error:?}"));
    }
    let other = OrgSigningKey::generate();
    let error = verify(&dossier.json, Some(b"x"), Some(&other.public_key())).expect_err("fails");
    assert_clean(&format!("{error} {error:?}"));
}

#[test]
fn the_pdf_metadata_names_the_case_not_the_person() {
    let (_, content, dossier) = sample_dossier();
    let raw = String::from_utf8_lossy(&dossier.pdf);
    assert_clean(&raw);
    let utf16: Vec<u8> = CANARY_LATIN
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    assert!(!dossier.pdf.windows(utf16.len()).any(|w| w == utf16));
    assert!(raw.contains(&format!(
        "Referral dossier, case {}, version 3",
        content.input().case_id
    )));
}
