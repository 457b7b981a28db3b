//! Build, then verify: what comes back is what went in.

use corridor_crypto::OrgSigningKey;
use corridor_dossier::{ALGORITHM, DossierContent, FORMAT, build, verify};
use serde_json::Value;

use crate::{sample_content, sample_dossier, sample_input};

#[test]
fn a_built_dossier_verifies_with_its_pdf_and_key() {
    let (key, content, dossier) = sample_dossier();
    let verified =
        verify(&dossier.json, Some(&dossier.pdf), Some(&key.public_key())).expect("verifies");
    assert_eq!(verified.content(), &content);
    assert_eq!(verified.signer(), &key.public_key());
    assert!(verified.pdf_checked());
    assert_eq!(verified.pdf(), dossier.pdf_digest());
    assert_eq!(verified.pdf().byte_length, dossier.pdf.len() as u64);
    assert_eq!(verified.into_content(), content);
}

#[test]
fn it_verifies_without_the_pdf_or_a_trusted_key_too() {
    let (key, content, dossier) = sample_dossier();
    let verified = verify(&dossier.json, None, None).expect("verifies");
    assert_eq!(verified.content(), &content);
    assert_eq!(verified.signer(), &key.public_key());
    assert!(!verified.pdf_checked());
    let verified = verify(&dossier.json, Some(&dossier.pdf), None).expect("verifies");
    assert!(verified.pdf_checked());
    verify(&dossier.json, None, Some(&key.public_key())).expect("verifies");
}

#[test]
fn the_json_is_canonical_and_holds_the_documented_fields() {
    let (key, content, dossier) = sample_dossier();
    let text = std::str::from_utf8(&dossier.json).expect("UTF-8");
    assert!(text.starts_with("{\"signature\":{\"algorithm\":\"Ed25519\",\"value\":\""));
    assert!(!text.ends_with('\n'));
    let value: Value = serde_json::from_str(text).unwrap();
    // serde_json's own compact writing of the value (its map sorts keys) gives the same bytes.
    assert_eq!(serde_json::to_vec(&value).unwrap(), dossier.json);

    assert_eq!(value["signature"]["algorithm"], ALGORITHM);
    assert_eq!(value["signature"]["value"].as_str().unwrap().len(), 128);
    let signed = &value["signed"];
    let keys: Vec<&str> = signed
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "case_id",
            "evidence",
            "format",
            "issued_at",
            "issuer",
            "pdf",
            "recipient",
            "sections",
            "signer",
            "title",
            "version"
        ]
    );
    assert_eq!(signed["format"], FORMAT);
    assert_eq!(signed["issued_at"], "2025-06-01T09:30:00Z");
    assert_eq!(signed["version"], 3);
    assert_eq!(signed["case_id"], content.input().case_id.as_str());
    assert_eq!(signed["signer"]["public_key"], key.public_key().to_string());
    assert_eq!(
        signed["signer"]["fingerprint"],
        key.public_key().fingerprint()
    );
    assert_eq!(
        signed["pdf"]["sha256"],
        dossier
            .pdf_digest()
            .sha256
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    assert_eq!(signed["pdf"]["byte_length"], dossier.pdf.len());
    let first = &signed["sections"][0]["fields"][0];
    assert_eq!(first["key"], "native_name");
    assert!(
        first["value"]["text"]
            .as_str()
            .unwrap()
            .contains("Аристарх")
    );
    assert_eq!(
        signed["sections"][0]["fields"][3]["value"]["list"],
        serde_json::json!(["Russian", "English (B2)"])
    );
    let evidence = &signed["evidence"][1];
    assert_eq!(evidence["media_type"], "image/jpeg");
    assert_eq!(evidence["byte_length"], 2_304_118);
    assert_eq!(
        evidence["sha256"].as_str().unwrap(),
        content.input().evidence[1]
            .sha256
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
}

#[test]
fn the_same_content_and_key_give_the_same_bytes() {
    let key = OrgSigningKey::generate();
    let content = sample_content();
    let a = build(&content, &key).unwrap();
    let b = build(&content, &key).unwrap();
    assert_eq!(a.pdf, b.pdf);
    assert_eq!(a.json, b.json);
    // Another key: another fingerprint in the PDF, so another PDF.
    let c = build(&content, &OrgSigningKey::generate()).unwrap();
    assert_ne!(a.pdf, c.pdf);
}

#[test]
fn text_is_kept_exactly_even_what_the_pdf_draws_otherwise() {
    let mut input = sample_input();
    // A decomposed "й" (drawn composed), a character DejaVu lacks (drawn as U+FFFD), quotes,
    // backslashes and runs of spaces (drawn as one).
    let odd = "Андре\u{0438}\u{0306} 李 \"q\" \\ a   b";
    input.sections[0].fields[0].value = corridor_dossier::FieldValue::Text(odd.to_owned());
    input.issued_at += chrono::Duration::milliseconds(450);
    let content = DossierContent::new(input).unwrap();
    assert_eq!(
        content.input().issued_at,
        sample_input().issued_at,
        "fractions of a second are dropped"
    );
    let key = OrgSigningKey::generate();
    let dossier = build(&content, &key).unwrap();
    let verified = verify(&dossier.json, Some(&dossier.pdf), Some(&key.public_key())).unwrap();
    assert_eq!(
        verified.content().input().sections[0].fields[0].value,
        corridor_dossier::FieldValue::Text(odd.to_owned())
    );
}

#[test]
fn an_empty_dossier_builds_and_verifies() {
    let mut input = sample_input();
    input.sections.clear();
    input.evidence.clear();
    let content = DossierContent::new(input).unwrap();
    let key = OrgSigningKey::generate();
    let dossier = build(&content, &key).unwrap();
    verify(&dossier.json, Some(&dossier.pdf), Some(&key.public_key())).unwrap();
}
