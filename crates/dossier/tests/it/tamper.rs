//! Any change to the JSON, the PDF or the key is found.
//!
//! Documents are altered here through `serde_json::Value` and written back with
//! `serde_json::to_vec`, an independent rendering of the canonical form (its map sorts keys),
//! so a change reaches the signature check instead of stopping at the canonical-form check.

use corridor_crypto::{OrgSignature, OrgSigningKey};
use corridor_dossier::{ContentProblem, DossierContent, FORMAT, VerifyError, build, verify};
use proptest::prelude::*;
use serde_json::Value;

use crate::{Change, sample_dossier, sample_input};

/// The document with `change` applied, in canonical form.
fn rewrite(json: &[u8], change: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut value: Value = serde_json::from_slice(json).unwrap();
    change(&mut value);
    serde_json::to_vec(&value).unwrap()
}

/// The document with `change` applied to its signed part, signed again with `key`: what a
/// forger holding `key` could make.
fn resign(json: &[u8], key: &OrgSigningKey, change: impl FnOnce(&mut Value)) -> Vec<u8> {
    rewrite(json, |value| {
        let signed = &mut value["signed"];
        change(signed);
        let mut message = format!("{FORMAT}\n").into_bytes();
        message.extend_from_slice(&serde_json::to_vec(signed).unwrap());
        value["signature"]["value"] = Value::String(key.sign(&message).to_string());
    })
}

fn malformed(field: &str, reason: &'static str) -> VerifyError {
    VerifyError::Malformed {
        field: field.to_owned(),
        reason,
    }
}

#[test]
fn resigning_unchanged_with_the_same_key_gives_the_same_document() {
    // Checks the helpers above against the documented rule.
    let (key, _, dossier) = sample_dossier();
    assert_eq!(rewrite(&dossier.json, |_| {}), dossier.json);
    assert_eq!(resign(&dossier.json, &key, |_| {}), dossier.json);
}

#[test]
fn every_byte_of_the_json_changed_fails() {
    let (key, _, dossier) = sample_dossier();
    let trusted = key.public_key();
    for i in 0..dossier.json.len() {
        for mask in [0x01, 0x20] {
            let mut json = dossier.json.clone();
            json[i] ^= mask;
            assert!(
                verify(&json, Some(&dossier.pdf), Some(&trusted)).is_err(),
                "byte {i} ^ {mask:#04x} verified"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_byte_of_the_json_replaced_fails(position in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let (key, _, dossier) = sample_dossier();
        let mut json = dossier.json.clone();
        let i = position.index(json.len());
        prop_assume!(json[i] != byte);
        json[i] = byte;
        prop_assert!(verify(&json, Some(&dossier.pdf), Some(&key.public_key())).is_err());
        prop_assert!(verify(&json, None, None).is_err());
    }
}

#[test]
fn a_cut_or_extended_json_fails() {
    let (_, _, dossier) = sample_dossier();
    for end in [0, 1, dossier.json.len() / 2, dossier.json.len() - 1] {
        assert!(
            verify(&dossier.json[..end], None, None).is_err(),
            "cut at {end}"
        );
    }
    let mut longer = dossier.json.clone();
    longer.push(b'\n');
    assert_eq!(
        verify(&longer, None, None).err(),
        Some(VerifyError::NotCanonical)
    );
    let mut longer = dossier.json.clone();
    longer.push(b'x');
    assert_eq!(
        verify(&longer, None, None).err(),
        Some(malformed("(document)", "not JSON"))
    );
}

#[test]
fn a_changed_manifest_hash_fails() {
    let (_, _, dossier) = sample_dossier();
    let json = rewrite(&dossier.json, |value| {
        value["signed"]["evidence"][1]["sha256"] = Value::String("ab".repeat(32));
    });
    assert_eq!(
        verify(&json, Some(&dossier.pdf), None).err(),
        Some(VerifyError::BadSignature)
    );
    // Nor may an item be dropped, added or moved.
    for change in [
        |value: &mut Value| {
            value["signed"]["evidence"]
                .as_array_mut()
                .unwrap()
                .remove(0);
        },
        |value: &mut Value| {
            let item = value["signed"]["evidence"][0].clone();
            value["signed"]["evidence"]
                .as_array_mut()
                .unwrap()
                .push(item);
        },
        |value: &mut Value| {
            value["signed"]["evidence"]
                .as_array_mut()
                .unwrap()
                .swap(0, 2);
        },
        |value: &mut Value| {
            value["signed"]["evidence"][0]["byte_length"] = Value::from(48_214);
        },
    ] {
        let json = rewrite(&dossier.json, change);
        assert_eq!(
            verify(&json, None, None).err(),
            Some(VerifyError::BadSignature)
        );
    }
}

#[test]
fn a_changed_name_or_pdf_hash_in_the_json_fails() {
    let (_, _, dossier) = sample_dossier();
    let json = rewrite(&dossier.json, |value| {
        value["signed"]["sections"][0]["fields"][0]["value"]["text"] =
            Value::String("Аристарх Ильич Другой".to_owned());
    });
    assert_eq!(
        verify(&json, None, None).err(),
        Some(VerifyError::BadSignature)
    );
    let json = rewrite(&dossier.json, |value| {
        value["signed"]["pdf"]["sha256"] = Value::String("00".repeat(32));
    });
    assert_eq!(
        verify(&json, None, None).err(),
        Some(VerifyError::BadSignature)
    );
}

#[test]
fn a_changed_pdf_byte_fails() {
    let (_, _, dossier) = sample_dossier();
    let len = dossier.pdf.len();
    for i in [0, 9, len / 3, len / 2, len - 10, len - 1] {
        let mut pdf = dossier.pdf.clone();
        pdf[i] ^= 0x01;
        assert_eq!(
            verify(&dossier.json, Some(&pdf), None).err(),
            Some(VerifyError::PdfMismatch),
            "byte {i}"
        );
    }
    assert_eq!(
        verify(&dossier.json, Some(&dossier.pdf[..len - 1]), None).err(),
        Some(VerifyError::PdfMismatch)
    );
    let mut longer = dossier.pdf.clone();
    longer.push(b'\n');
    assert_eq!(
        verify(&dossier.json, Some(&longer), None).err(),
        Some(VerifyError::PdfMismatch)
    );
    assert_eq!(
        verify(&dossier.json, Some(b""), None).err(),
        Some(VerifyError::PdfMismatch)
    );
}

#[test]
fn the_pdf_of_another_dossier_fails() {
    let (key, _, dossier) = sample_dossier();
    let mut input = sample_input();
    input.version += 1;
    let other = build(&DossierContent::new(input).unwrap(), &key).unwrap();
    assert_eq!(
        verify(&dossier.json, Some(&other.pdf), Some(&key.public_key())).err(),
        Some(VerifyError::PdfMismatch)
    );
    assert_eq!(
        verify(&other.json, Some(&dossier.pdf), Some(&key.public_key())).err(),
        Some(VerifyError::PdfMismatch)
    );
}

#[test]
fn another_trusted_key_fails() {
    let (key, _, dossier) = sample_dossier();
    let other = OrgSigningKey::generate();
    assert_eq!(
        verify(&dossier.json, Some(&dossier.pdf), Some(&other.public_key())).err(),
        Some(VerifyError::UntrustedSigner {
            signer: key.public_key().fingerprint()
        })
    );
}

#[test]
fn a_forgery_signed_with_another_key_fails_against_the_trusted_one() {
    let (key, _, dossier) = sample_dossier();
    let forger = OrgSigningKey::generate();
    let forged = resign(&dossier.json, &forger, |signed| {
        signed["signer"]["public_key"] = Value::String(forger.public_key().to_string());
        signed["signer"]["fingerprint"] = Value::String(forger.public_key().fingerprint());
        signed["evidence"][0]["sha256"] = Value::String("cd".repeat(32));
    });
    // Consistent in itself: only a trusted key (or a compared fingerprint) tells it apart.
    let verified = verify(&forged, Some(&dossier.pdf), None).expect("self-consistent");
    assert_eq!(verified.signer(), &forger.public_key());
    assert_eq!(
        verify(&forged, Some(&dossier.pdf), Some(&key.public_key())).err(),
        Some(VerifyError::UntrustedSigner {
            signer: forger.public_key().fingerprint()
        })
    );
}

#[test]
fn a_swapped_signer_key_fails() {
    let (_, _, dossier) = sample_dossier();
    let other = OrgSigningKey::generate().public_key();
    let json = rewrite(&dossier.json, |value| {
        value["signed"]["signer"]["public_key"] = Value::String(other.to_string());
        value["signed"]["signer"]["fingerprint"] = Value::String(other.fingerprint());
    });
    assert_eq!(
        verify(&json, None, None).err(),
        Some(VerifyError::BadSignature)
    );
    assert_eq!(
        verify(&json, None, Some(&other)).err(),
        Some(VerifyError::BadSignature)
    );
    // The key alone, the fingerprint left: the two disagree.
    let json = rewrite(&dossier.json, |value| {
        value["signed"]["signer"]["public_key"] = Value::String(other.to_string());
    });
    assert_eq!(
        verify(&json, None, None).err(),
        Some(malformed(
            "signed.signer.fingerprint",
            "does not match the public key"
        ))
    );
}

#[test]
fn a_missing_extra_or_renamed_field_is_named() {
    let (_, _, dossier) = sample_dossier();
    let cases: Vec<(Change<Value>, VerifyError)> = vec![
        (
            Box::new(|v| {
                v["signed"].as_object_mut().unwrap().remove("title");
            }),
            malformed("signed.title", "missing"),
        ),
        (
            Box::new(|v| {
                v["signed"]["evidence"][2]
                    .as_object_mut()
                    .unwrap()
                    .remove("sha256");
            }),
            malformed("signed.evidence[2].sha256", "missing"),
        ),
        (
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("signature");
            }),
            malformed("signature", "missing"),
        ),
        (
            Box::new(|v| {
                v["signed"]["comment"] = Value::String("Петров".to_owned());
            }),
            malformed("signed", "holds a field the format does not have"),
        ),
        (
            Box::new(|v| {
                v["signed"]["sections"][1]["fields"][0]["Петров"] = Value::Bool(true);
            }),
            malformed(
                "signed.sections[1].fields[0]",
                "holds a field the format does not have",
            ),
        ),
        (
            Box::new(|v| {
                let object = v["signed"].as_object_mut().unwrap();
                let case = object.remove("case_id").unwrap();
                object.insert("case".to_owned(), case);
            }),
            malformed("signed", "holds a field the format does not have"),
        ),
        (
            Box::new(|v| {
                v["signed"]["sections"][0]["fields"][0]["value"] =
                    serde_json::json!({"txt": "Петров"});
            }),
            malformed(
                "signed.sections[0].fields[0].value",
                "expected an object with either \"text\" or \"list\"",
            ),
        ),
        (
            Box::new(|v| {
                v["signed"]["version"] = serde_json::json!(3.0);
            }),
            malformed("signed.version", "of the wrong type"),
        ),
        (
            Box::new(|v| {
                v["signed"]["version"] = serde_json::json!(-3);
            }),
            malformed("signed.version", "out of range"),
        ),
        (
            Box::new(|v| {
                v["signed"]["title"] = Value::Null;
            }),
            malformed("signed.title", "of the wrong type"),
        ),
        (
            Box::new(|v| {
                let hash = v["signed"]["evidence"][0]["sha256"].as_str().unwrap();
                v["signed"]["evidence"][0]["sha256"] = Value::String(hash.to_uppercase());
            }),
            malformed(
                "signed.evidence[0].sha256",
                "expected 64 lowercase hex digits",
            ),
        ),
        (
            Box::new(|v| {
                v["signed"]["issued_at"] = Value::String("2025-06-01T09:30:00+00:00".to_owned());
            }),
            malformed(
                "signed.issued_at",
                "expected an RFC 3339 time in UTC to the second, ending in Z",
            ),
        ),
        (
            Box::new(|v| {
                v["signature"]["value"] = Value::String("00".repeat(63));
            }),
            malformed("signature.value", "expected 128 lowercase hex digits"),
        ),
    ];
    for (i, (change, expected)) in cases.into_iter().enumerate() {
        let json = rewrite(&dossier.json, change);
        let error = verify(&json, None, None).expect_err("fails");
        assert_eq!(error, expected, "case {i}");
        assert!(!error.to_string().contains("Петров"), "case {i}: {error}");
    }
}

#[test]
fn another_format_or_algorithm_is_unsupported() {
    let (_, _, dossier) = sample_dossier();
    let json = rewrite(&dossier.json, |v| {
        v["signed"]["format"] = Value::String("corridor-dossier/2".to_owned());
    });
    assert_eq!(
        verify(&json, None, None).err(),
        Some(VerifyError::UnsupportedFormat)
    );
    // Even when the rest of the document differs, as another format's may.
    let json = rewrite(&dossier.json, |v| {
        v["signed"]["format"] = Value::String("corridor-dossier/2".to_owned());
        v["signed"]["new_field"] = Value::Bool(true);
    });
    assert_eq!(
        verify(&json, None, None).err(),
        Some(VerifyError::UnsupportedFormat)
    );
    let json = rewrite(&dossier.json, |v| {
        v["signature"]["algorithm"] = Value::String("Ed448".to_owned());
    });
    assert_eq!(
        verify(&json, None, None).err(),
        Some(VerifyError::UnsupportedAlgorithm)
    );
}

#[test]
fn a_reformatted_document_is_not_canonical() {
    let (_, _, dossier) = sample_dossier();
    let value: Value = serde_json::from_slice(&dossier.json).unwrap();
    let pretty = serde_json::to_vec_pretty(&value).unwrap();
    assert_eq!(
        verify(&pretty, None, None).err(),
        Some(VerifyError::NotCanonical)
    );

    // An escape for a character that needs none.
    let text = std::str::from_utf8(&dossier.json).unwrap();
    let escaped = text.replacen("\"Ed25519\"", "\"\\u0045d25519\"", 1);
    assert_ne!(escaped, text);
    assert_eq!(
        verify(escaped.as_bytes(), None, None).err(),
        Some(VerifyError::NotCanonical)
    );
    // Members out of order.
    let reordered = text.replacen(
        "{\"signature\":{\"algorithm\":\"Ed25519\",\"value\":",
        "{\"signature\":{\"value\":",
        1,
    );
    let signature_end = reordered.find("\"},\"signed\"").unwrap();
    let reordered = format!(
        "{}\",\"algorithm\":\"Ed25519{}",
        &reordered[..signature_end],
        &reordered[signature_end..]
    );
    assert_eq!(
        verify(reordered.as_bytes(), None, None).err(),
        Some(VerifyError::NotCanonical)
    );
    // A duplicate member (serde_json keeps the last).
    let duplicated = text.replacen(
        "{\"signature\":{\"algorithm\":\"Ed25519\"",
        "{\"signature\":{\"algorithm\":\"Ed25519\",\"algorithm\":\"Ed25519\"",
        1,
    );
    assert!(verify(duplicated.as_bytes(), None, None).is_err());
}

#[test]
fn signed_content_that_breaks_a_rule_is_refused() {
    let (key, _, dossier) = sample_dossier();
    let json = resign(&dossier.json, &key, |signed| {
        signed["sections"][0]["fields"][1]["key"] = Value::String("native_name".to_owned());
    });
    let error = verify(&json, None, Some(&key.public_key())).expect_err("refused");
    assert_eq!(
        error,
        VerifyError::InvalidContent(corridor_dossier::ContentError {
            field: "signed.sections[0].fields[1].key".to_owned(),
            problem: ContentProblem::Duplicate,
        })
    );
}

#[test]
fn a_signature_of_another_dossier_fails() {
    let (key, _, dossier) = sample_dossier();
    let mut input = sample_input();
    input.title.push('!');
    let other = build(&DossierContent::new(input).unwrap(), &key).unwrap();
    let other_value: Value = serde_json::from_slice(&other.json).unwrap();
    let other_signature: OrgSignature = other_value["signature"]["value"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let json = rewrite(&dossier.json, |v| {
        v["signature"]["value"] = Value::String(other_signature.to_string());
    });
    assert_eq!(
        verify(&json, None, None).err(),
        Some(VerifyError::BadSignature)
    );
}
