//! The JSON document as serde reads and writes it. Field names here are the format; the crate
//! documentation describes them.

use chrono::{DateTime, SecondsFormat, Utc};
use corridor_crypto::{OrgPublicKey, OrgSignature};
use serde::{Deserialize, Serialize};

use crate::content::{
    DossierContent, DossierInput, EvidenceItem, Field, FieldValue, Issuer, Recipient, Section,
};
use crate::hex;

/// The format tag of the documents this crate writes and reads.
pub const FORMAT: &str = "corridor-dossier/1";
/// The signature algorithm, as the document names it.
pub const ALGORITHM: &str = "Ed25519";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Document {
    pub(crate) signature: Signature,
    pub(crate) signed: Signed,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Signature {
    pub(crate) algorithm: String,
    pub(crate) value: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Signed {
    pub(crate) format: String,
    pub(crate) issuer: WireIssuer,
    pub(crate) recipient: WireRecipient,
    pub(crate) case_id: String,
    pub(crate) version: u32,
    pub(crate) issued_at: String,
    pub(crate) title: String,
    pub(crate) sections: Vec<WireSection>,
    pub(crate) evidence: Vec<WireEvidence>,
    pub(crate) pdf: WirePdf,
    pub(crate) signer: WireSigner,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WireIssuer {
    pub(crate) id: String,
    pub(crate) name: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WireRecipient {
    pub(crate) program_slug: String,
    pub(crate) program_name: String,
    pub(crate) referral_partner: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WireSection {
    pub(crate) key: String,
    pub(crate) title: String,
    pub(crate) fields: Vec<WireField>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WireField {
    pub(crate) key: String,
    pub(crate) label: String,
    pub(crate) value: WireValue,
}

/// `{"text": "..."}` or `{"list": ["...", ...]}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(crate) enum WireValue {
    Text(String),
    List(Vec<String>),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WireEvidence {
    pub(crate) id: String,
    pub(crate) description: String,
    pub(crate) media_type: String,
    pub(crate) byte_length: u64,
    pub(crate) sha256: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WirePdf {
    pub(crate) byte_length: u64,
    pub(crate) sha256: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WireSigner {
    pub(crate) public_key: String,
    pub(crate) fingerprint: String,
}

/// The text form of `issued_at`: RFC 3339 in UTC to the second, as `2025-06-01T09:30:00Z`.
pub(crate) fn timestamp(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// What the PDF's hash and length say, as the signed part carries them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PdfDigest {
    /// The PDF's SHA-256.
    pub sha256: [u8; 32],
    /// The PDF's length in bytes.
    pub byte_length: u64,
}

impl std::fmt::Debug for PdfDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "PdfDigest({} bytes, sha256 {}…)",
            self.byte_length,
            hex::encode(&self.sha256[..4])
        )
    }
}

impl Signed {
    /// The signed part for `content`, its PDF and its signer.
    pub(crate) fn new(content: &DossierContent, pdf: PdfDigest, signer: &OrgPublicKey) -> Signed {
        let input = content.input();
        Signed {
            format: FORMAT.to_owned(),
            issuer: WireIssuer {
                id: input.issuer.id.clone(),
                name: input.issuer.name.clone(),
            },
            recipient: WireRecipient {
                program_slug: input.recipient.program_slug.clone(),
                program_name: input.recipient.program_name.clone(),
                referral_partner: input.recipient.referral_partner.clone(),
            },
            case_id: input.case_id.clone(),
            version: input.version,
            issued_at: timestamp(&input.issued_at),
            title: input.title.clone(),
            sections: input
                .sections
                .iter()
                .map(|section| WireSection {
                    key: section.key.clone(),
                    title: section.title.clone(),
                    fields: section
                        .fields
                        .iter()
                        .map(|field| WireField {
                            key: field.key.clone(),
                            label: field.label.clone(),
                            value: match &field.value {
                                FieldValue::Text(text) => WireValue::Text(text.clone()),
                                FieldValue::List(items) => WireValue::List(items.clone()),
                            },
                        })
                        .collect(),
                })
                .collect(),
            evidence: input
                .evidence
                .iter()
                .map(|item| WireEvidence {
                    id: item.id.clone(),
                    description: item.description.clone(),
                    media_type: item.media_type.clone(),
                    byte_length: item.byte_length,
                    sha256: hex::encode(&item.sha256),
                })
                .collect(),
            pdf: WirePdf {
                byte_length: pdf.byte_length,
                sha256: hex::encode(&pdf.sha256),
            },
            signer: WireSigner {
                public_key: signer.to_string(),
                fingerprint: signer.fingerprint(),
            },
        }
    }

    /// The bytes the signature covers: the format tag, a line feed, and the canonical form of
    /// this object.
    pub(crate) fn message(&self) -> Vec<u8> {
        let value = serde_json::to_value(self).expect("the signed part is plain data");
        let mut message = Vec::with_capacity(FORMAT.len() + 1);
        message.extend_from_slice(FORMAT.as_bytes());
        message.push(b'\n');
        message.extend_from_slice(&crate::canonical::to_vec(&value));
        message
    }
}

impl Document {
    /// The whole document in canonical form: the JSON file's bytes.
    pub(crate) fn to_canonical(&self) -> Vec<u8> {
        let value = serde_json::to_value(self).expect("the document is plain data");
        crate::canonical::to_vec(&value)
    }

    pub(crate) fn new(signed: Signed, signature: &OrgSignature) -> Document {
        Document {
            signature: Signature {
                algorithm: ALGORITHM.to_owned(),
                value: signature.to_string(),
            },
            signed,
        }
    }
}

/// A field of the document that does not hold what its name promises: the path, and why.
pub(crate) struct BadField {
    pub(crate) field: String,
    pub(crate) reason: &'static str,
}

fn bad(field: impl Into<String>, reason: &'static str) -> BadField {
    BadField {
        field: field.into(),
        reason,
    }
}

/// The typed values of a parsed signed part (before the content rules are checked).
pub(crate) struct Parsed {
    pub(crate) input: DossierInput,
    pub(crate) pdf: PdfDigest,
    pub(crate) signer: OrgPublicKey,
}

impl Signed {
    /// Reads the typed values out of the strings: hashes, keys, the timestamp.
    pub(crate) fn parse(&self) -> Result<Parsed, BadField> {
        let issued_at = DateTime::parse_from_rfc3339(&self.issued_at)
            .map_err(|_| bad("signed.issued_at", "expected an RFC 3339 time in UTC"))?
            .with_timezone(&Utc);
        if timestamp(&issued_at) != self.issued_at {
            return Err(bad(
                "signed.issued_at",
                "expected an RFC 3339 time in UTC to the second, ending in Z",
            ));
        }
        let signer = self
            .signer
            .public_key
            .parse::<OrgPublicKey>()
            .ok()
            .filter(|key| key.to_string() == self.signer.public_key)
            .ok_or_else(|| {
                bad(
                    "signed.signer.public_key",
                    "expected 64 lowercase hex digits",
                )
            })?;
        if self.signer.fingerprint != signer.fingerprint() {
            return Err(bad(
                "signed.signer.fingerprint",
                "does not match the public key",
            ));
        }
        let pdf = PdfDigest {
            sha256: hex::decode(&self.pdf.sha256)
                .ok_or_else(|| bad("signed.pdf.sha256", "expected 64 lowercase hex digits"))?,
            byte_length: self.pdf.byte_length,
        };
        let mut evidence = Vec::with_capacity(self.evidence.len());
        for (e, item) in self.evidence.iter().enumerate() {
            evidence.push(EvidenceItem {
                id: item.id.clone(),
                description: item.description.clone(),
                media_type: item.media_type.clone(),
                byte_length: item.byte_length,
                sha256: hex::decode(&item.sha256).ok_or_else(|| {
                    bad(
                        format!("signed.evidence[{e}].sha256"),
                        "expected 64 lowercase hex digits",
                    )
                })?,
            });
        }
        let input = DossierInput {
            issuer: Issuer {
                id: self.issuer.id.clone(),
                name: self.issuer.name.clone(),
            },
            recipient: Recipient {
                program_slug: self.recipient.program_slug.clone(),
                program_name: self.recipient.program_name.clone(),
                referral_partner: self.recipient.referral_partner.clone(),
            },
            case_id: self.case_id.clone(),
            version: self.version,
            issued_at,
            title: self.title.clone(),
            sections: self
                .sections
                .iter()
                .map(|section| Section {
                    key: section.key.clone(),
                    title: section.title.clone(),
                    fields: section
                        .fields
                        .iter()
                        .map(|field| Field {
                            key: field.key.clone(),
                            label: field.label.clone(),
                            value: match &field.value {
                                WireValue::Text(text) => FieldValue::Text(text.clone()),
                                WireValue::List(items) => FieldValue::List(items.clone()),
                            },
                        })
                        .collect(),
                })
                .collect(),
            evidence,
        };
        Ok(Parsed { input, pdf, signer })
    }
}
