//! Integration tests of `corridor-dossier`. One binary; one module per area.

mod content;
mod pdf;
mod round_trip;
mod secrecy;
mod tamper;

use std::path::{Path, PathBuf};

use chrono::{TimeZone as _, Utc};
use corridor_crypto::OrgSigningKey;
use corridor_dossier::{
    Dossier, DossierContent, DossierInput, EvidenceItem, Field, FieldValue, Issuer, Recipient,
    Section, build,
};

/// A change made to a document or an input, in tables of cases.
type Change<T> = Box<dyn FnOnce(&mut T)>;

/// A synthetic name that must never show up in `Debug` output or error messages.
const CANARY: &str = "Канареечкин";
/// Its Latin spelling, for the same purpose.
const CANARY_LATIN: &str = "Kanareechkin";

fn field(key: &str, label: &str, value: &str) -> Field {
    Field {
        key: key.to_owned(),
        label: label.to_owned(),
        value: FieldValue::Text(value.to_owned()),
    }
}

fn list(key: &str, label: &str, items: &[&str]) -> Field {
    Field {
        key: key.to_owned(),
        label: label.to_owned(),
        value: FieldValue::List(items.iter().map(|item| (*item).to_owned()).collect()),
    }
}

/// A typical dossier: two sections, a list, a multi-line text, three evidence items, the
/// canary's name in Cyrillic and Latin.
fn sample_input() -> DossierInput {
    DossierInput {
        issuer: Issuer {
            id: "org-7f3a".to_owned(),
            name: "Свободный коридор / Free Corridor".to_owned(),
        },
        recipient: Recipient {
            program_slug: "hrd-stream".to_owned(),
            program_name: "Human rights defenders stream".to_owned(),
            referral_partner: "Prairie Refugee Sponsors Inc.".to_owned(),
        },
        case_id: "2b1f6c1e-5d0e-4c1a-9a57-0e3b8f4d2c10".to_owned(),
        version: 3,
        issued_at: Utc.with_ymd_and_hms(2025, 6, 1, 9, 30, 0).unwrap(),
        title: format!("Referral: Аристарх {CANARY} ({CANARY_LATIN})"),
        sections: vec![
            Section {
                key: "person".to_owned(),
                title: "Person".to_owned(),
                fields: vec![
                    field(
                        "native_name",
                        "Name (Cyrillic)",
                        &format!("Аристарх Ильич {CANARY}"),
                    ),
                    field(
                        "passport_name",
                        "Name (passport)",
                        &format!("Aristarkh {CANARY_LATIN}"),
                    ),
                    field("birth_year", "Year of birth", "1991"),
                    list("languages", "Languages", &["Russian", "English (B2)"]),
                    list("family_in_canada", "Family in Canada", &[]),
                ],
            },
            Section {
                key: "risk".to_owned(),
                title: "Risk on return to Russia".to_owned(),
                fields: vec![
                    field("risk_level", "Risk level", "High"),
                    list(
                        "reasons",
                        "Reasons",
                        &[
                            "Criminal case under Article 207.3 (\"fakes\" about the army) opened \
                             in absentia in 2023",
                            "Listed as a foreign agent by the Ministry of Justice",
                        ],
                    ),
                    field(
                        "summary",
                        "Summary",
                        "Organised anti-war pickets in Yekaterinburg in 2022.\nLeft Russia via \
                         Kazakhstan; entered the US at the southern border in 2023.\n\nNow \
                         detained; removal flight rumoured for July.",
                    ),
                    field("notes", "Notes", ""),
                ],
            },
        ],
        evidence: vec![
            evidence(
                "ev-1",
                "Court summons (повестка), scan",
                "application/pdf",
                48_213,
                1,
            ),
            evidence(
                "ev-2",
                "Photo of a picket, 2022-03-06",
                "image/jpeg",
                2_304_118,
                2,
            ),
            evidence("ev-3", "", "image/png", 911, 3),
        ],
    }
}

fn evidence(id: &str, description: &str, media_type: &str, length: u64, seed: u8) -> EvidenceItem {
    let mut sha256 = [0u8; 32];
    for (i, byte) in sha256.iter_mut().enumerate() {
        *byte = seed
            .wrapping_mul(37)
            .wrapping_add(u8::try_from(i).unwrap().wrapping_mul(11));
    }
    EvidenceItem {
        id: id.to_owned(),
        description: description.to_owned(),
        media_type: media_type.to_owned(),
        byte_length: length,
        sha256,
    }
}

fn sample_content() -> DossierContent {
    DossierContent::new(sample_input()).expect("the sample is valid")
}

/// A key and the sample dossier built with it.
fn sample_dossier() -> (OrgSigningKey, DossierContent, Dossier) {
    let key = OrgSigningKey::generate();
    let content = sample_content();
    let dossier = build(&content, &key).expect("build");
    (key, content, dossier)
}

/// `target/dossier-preview/`, in the target directory this test binary was built in.
fn preview_dir() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = std::env::current_exe()
        .ok()
        .and_then(|exe| {
            exe.ancestors()
                .find(|dir| dir.join("CACHEDIR.TAG").is_file())
                .map(Path::to_owned)
        })
        .or_else(|| std::env::var_os("CARGO_TARGET_DIR").map(|dir| workspace.join(dir)))
        .unwrap_or_else(|| workspace.join("target"));
    let dir = target.join("dossier-preview");
    std::fs::create_dir_all(&dir).expect("create the preview directory");
    dir
}
