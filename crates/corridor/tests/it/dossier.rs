//! `corridor dossier build | verify` through the binary: both files written privately, the
//! JSON verifies with its PDF, any change fails, a flagged case gets no dossier.

use serde_json::{Value, json};

use crate::support::{Env, example_with, path_str};

/// A case of the sponsorship program (no recognition or evidence threshold).
fn add(env: &Env, edit: impl FnOnce(&mut Value)) -> String {
    let text = example_with(|case| {
        case["program"] = json!("ca-private-sponsorship");
        edit(case);
    });
    env.add_case(&env.file("case.json", &text))
}

fn public_key_of(json_file: &std::path::Path) -> String {
    let document: Value =
        serde_json::from_slice(&std::fs::read(json_file).expect("json")).expect("parse");
    document["signed"]["signer"]["public_key"]
        .as_str()
        .expect("key")
        .to_owned()
}

#[test]
fn a_dossier_is_built_signed_and_verified_and_any_change_fails() {
    let env = Env::initialised();
    let case = add(&env, |_| {});
    let out_dir = env.dir.path().join("out");
    let printed = env.ok(&[
        "dossier",
        "build",
        "--case",
        &case,
        "--out",
        path_str(&out_dir),
    ]);
    let json_file = out_dir.join(format!("dossier-{case}-v1.json"));
    let pdf_file = out_dir.join(format!("dossier-{case}-v1.pdf"));
    assert!(printed.contains(path_str(&json_file)), "{printed}");
    assert!(std::fs::read(&pdf_file).expect("pdf").starts_with(b"%PDF-"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode =
            |p: &std::path::Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&out_dir), 0o700);
        assert_eq!(mode(&json_file), 0o600);
        assert_eq!(mode(&pdf_file), 0o600);
    }
    // The names are in the dossier, for the program; never in what the command prints.
    for name in ["Pustovoitova", "Пустовойтова"] {
        assert!(!printed.contains(name), "{printed}");
    }
    let key = public_key_of(&json_file);
    let document: Value =
        serde_json::from_slice(&std::fs::read(&json_file).expect("json")).expect("parse");
    let fingerprint = document["signed"]["signer"]["fingerprint"]
        .as_str()
        .expect("fp");
    assert!(printed.contains(fingerprint), "{printed}");
    assert_eq!(
        document["signed"]["recipient"]["program_slug"],
        "ca-private-sponsorship"
    );

    let verified = env.ok(&["dossier", "verify", path_str(&json_file), "--key", &key]);
    assert!(
        verified.contains("valid") && verified.contains("matches the dossier"),
        "{verified}"
    );

    // Another key than the issuer's.
    let other = "ab".repeat(32);
    let err = env.fails(&["dossier", "verify", path_str(&json_file), "--key", &other]);
    assert!(err.contains("NOT VALID"), "{err}");

    // One byte of the JSON changed.
    let original = std::fs::read(&json_file).expect("json");
    let mut changed = original.clone();
    let at = changed.len() / 2;
    changed[at] ^= 0x01;
    std::fs::write(&json_file, &changed).expect("write");
    let err = env.fails(&["dossier", "verify", path_str(&json_file)]);
    assert!(err.contains("NOT VALID"), "{err}");
    std::fs::write(&json_file, &original).expect("restore");

    // One byte of the PDF changed.
    let pdf = std::fs::read(&pdf_file).expect("pdf");
    let mut changed = pdf.clone();
    let last = changed.len() - 10;
    changed[last] ^= 0x20;
    std::fs::write(&pdf_file, &changed).expect("write");
    let err = env.fails(&["dossier", "verify", path_str(&json_file)]);
    assert!(err.contains("NOT VALID"), "{err}");

    // Without its PDF the JSON still verifies, and says the PDF was not checked.
    std::fs::remove_file(&pdf_file).expect("remove");
    let verified = env.ok(&["dossier", "verify", path_str(&json_file)]);
    assert!(verified.contains("not checked"), "{verified}");

    // A second dossier of the case is version 2, signed with the same key.
    env.ok(&[
        "dossier",
        "build",
        "--case",
        &case,
        "--out",
        path_str(&out_dir),
    ]);
    let second = out_dir.join(format!("dossier-{case}-v2.json"));
    assert_eq!(public_key_of(&second), key);
}

#[test]
fn a_case_with_a_flag_awaiting_a_legal_review_gets_no_dossier() {
    let env = Env::initialised();
    let case = add(&env, |case| {
        case["russia_risk"]["military"] = json!("deserter")
    });
    let out_dir = env.dir.path().join("out");
    let err = env.fails(&[
        "dossier",
        "build",
        "--case",
        &case,
        "--out",
        path_str(&out_dir),
    ]);
    assert!(err.contains("military_service"), "{err}");
    assert!(!out_dir.exists(), "nothing is written");
}

#[test]
fn verify_names_what_is_wrong_with_its_input() {
    let env = Env::new();
    let missing = env.dir.path().join("nothing.json");
    let err = env.fails(&["dossier", "verify", path_str(&missing)]);
    assert!(err.contains("cannot read"), "{err}");
    let not_json = env.file("not.json", "this is not a dossier");
    let err = env.fails(&["dossier", "verify", path_str(&not_json)]);
    assert!(err.contains("NOT VALID"), "{err}");
    let err = env.fails(&["dossier", "verify", path_str(&not_json), "--key", "xyz"]);
    assert!(err.contains("--key"), "{err}");
}
