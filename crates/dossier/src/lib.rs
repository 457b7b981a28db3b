//! Referral dossiers: what an organisation sends to a Canadian program or sponsor about one
//! case. Two files:
//!
//! - a **PDF** for people (A4, DejaVu Sans embedded so it renders offline and Cyrillic names
//!   show, text searchable and copyable; see the `pdf` module), and
//! - a **JSON document** for machines, signed with the organisation's Ed25519 key
//!   ([`OrgSigningKey`]), carrying the same content, the SHA-256 of every evidence item it relies
//!   on, and the SHA-256 of the PDF.
//!
//! [`build`] makes both from a checked [`DossierContent`]; [`verify`] checks a JSON document
//! (and, when given, its PDF and the key it must be signed with) and fails on any change.
//! Nothing here reads or writes files. What the content holds is the app's decision (which
//! fields a receiving role may see); this crate renders and signs what it is given.
//!
//! # The JSON document, `corridor-dossier/1`
//!
//! ```text
//! {
//!   "signature": { "algorithm": "Ed25519", "value": <128 lowercase hex digits> },
//!   "signed": {
//!     "format": "corridor-dossier/1",
//!     "issuer": { "id": .., "name": .. },
//!     "recipient": { "program_slug": .., "program_name": .., "referral_partner": .. },
//!     "case_id": .., "version": <integer from 1>,
//!     "issued_at": "2025-06-01T09:30:00Z",
//!     "title": ..,
//!     "sections": [ { "key": .., "title": .., "fields": [
//!         { "key": .., "label": .., "value": { "text": .. } | { "list": [ .. ] } } ] } ],
//!     "evidence": [ { "id": .., "description": .., "media_type": .., "byte_length": <integer>,
//!                     "sha256": <64 lowercase hex digits> } ],
//!     "pdf": { "byte_length": <integer>, "sha256": <64 lowercase hex digits> },
//!     "signer": { "public_key": <64 lowercase hex digits>, "fingerprint": <16 hex digits> }
//!   }
//! }
//! ```
//!
//! Every field is required and no other is allowed. Arrays keep the content's order. The
//! fingerprint is the first 16 hex digits of the SHA-256 of the public key's 32 bytes.
//!
//! # Canonical form and what is signed
//!
//! The file is exactly the **canonical form** of the document, and [`verify`] refuses any other
//! bytes ([`VerifyError::NotCanonical`]), so every byte is pinned and no change goes unnoticed:
//!
//! - UTF-8, no byte-order mark, no white space outside strings, no trailing newline;
//! - object members sorted by the UTF-8 bytes of their keys, each key once;
//! - strings as serde_json writes them: `"` and `\` escaped with a backslash, U+0008, U+0009,
//!   U+000A, U+000C and U+000D as `\b`, `\t`, `\n`, `\f` and `\r`, other characters below U+0020
//!   as `\u00xx` (lowercase hex), every other character (U+007F and all non-ASCII included) as
//!   its own UTF-8 bytes;
//! - numbers are non-negative integers in plain decimal (no sign, fraction, exponent or leading
//!   zero); the format has no floats, no `null` and no booleans.
//!
//! The Ed25519 signature covers the bytes `corridor-dossier/1` ‖ `0x0A` ‖ the canonical form of
//! the `signed` object. Python's `json.dumps(value, sort_keys=True, separators=(",", ":"),
//! ensure_ascii=False)`, encoded as UTF-8, writes the same canonical form, so a receiver can
//! check a dossier with Python and OpenSSL alone (`openssl pkeyutl -verify -rawin`).
//!
//! # Verification
//!
//! [`verify`] parses strictly (the error names the field and never repeats a value), requires
//! the canonical form, checks the signature against the key the document names, checks the
//! content rules, then the signer against a trusted key and the PDF's hash and length when they
//! are given. Without a trusted key a valid signature proves only that the holder of the named
//! key signed it: compare its fingerprint with one obtained otherwise.
//!
//! ```
//! use chrono::{TimeZone as _, Utc};
//! use corridor_crypto::OrgSigningKey;
//! use corridor_dossier::*;
//!
//! let content = DossierContent::new(DossierInput {
//!     issuer: Issuer { id: "org-1".into(), name: "Свободный коридор".into() },
//!     recipient: Recipient {
//!         program_slug: "hrd-stream".into(),
//!         program_name: "Human rights defenders stream".into(),
//!         referral_partner: "Prairie Sponsors".into(),
//!     },
//!     case_id: "case-42".into(),
//!     version: 1,
//!     issued_at: Utc.with_ymd_and_hms(2025, 6, 1, 9, 30, 0).unwrap(),
//!     title: "Referral of a human rights defender".into(),
//!     sections: vec![Section {
//!         key: "person".into(),
//!         title: "Person".into(),
//!         fields: vec![Field {
//!             key: "name".into(),
//!             label: "Name".into(),
//!             value: FieldValue::Text("Пётр Петров".into()),
//!         }],
//!     }],
//!     evidence: vec![],
//! })
//! .unwrap();
//! let key = OrgSigningKey::generate();
//! let dossier = build(&content, &key).unwrap();
//! let verified = verify(&dossier.json, Some(&dossier.pdf), Some(&key.public_key())).unwrap();
//! assert_eq!(verified.content(), &content);
//! ```

mod canonical;
mod content;
mod hex;
mod pdf;
mod verify;
mod wire;

use std::fmt;

use corridor_crypto::OrgSigningKey;

pub use content::{
    ContentError, ContentProblem, DossierContent, DossierInput, EvidenceItem, Field, FieldValue,
    Issuer, MAX_DESCRIPTION_CHARS, MAX_EVIDENCE, MAX_FIELDS, MAX_ID_CHARS, MAX_ITEM_CHARS,
    MAX_KEY_CHARS, MAX_LIST_ITEMS, MAX_MEDIA_TYPE_CHARS, MAX_NAME_CHARS, MAX_SECTIONS,
    MAX_SLUG_CHARS, MAX_TEXT_CHARS, MAX_TITLE_CHARS, Recipient, Section,
};
pub use pdf::PdfError;
pub use verify::{VerifiedDossier, VerifyError, verify};
pub use wire::{ALGORITHM, FORMAT, PdfDigest};

/// A built dossier: the PDF and the signed JSON, as bytes to store or send.
///
/// `Debug` shows the lengths only: both hold the content.
pub struct Dossier {
    /// The PDF.
    pub pdf: Vec<u8>,
    /// The signed JSON document, in canonical form.
    pub json: Vec<u8>,
}

impl Dossier {
    /// The PDF's SHA-256 and length, as the JSON carries them.
    pub fn pdf_digest(&self) -> PdfDigest {
        verify::digest(&self.pdf)
    }
}

impl fmt::Debug for Dossier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Dossier(pdf {} bytes, json {} bytes)",
            self.pdf.len(),
            self.json.len()
        )
    }
}

/// Makes the PDF, then the JSON document carrying the PDF's hash, signed with `key`.
pub fn build(content: &DossierContent, key: &OrgSigningKey) -> Result<Dossier, PdfError> {
    let signer = key.public_key();
    let pdf = pdf::render(content, &signer)?;
    let signed = wire::Signed::new(content, verify::digest(&pdf), &signer);
    let signature = key.sign(&signed.message());
    let json = wire::Document::new(signed, &signature).to_canonical();
    Ok(Dossier { pdf, json })
}
