//! Reading a dossier's JSON back and checking everything it claims.

use corridor_crypto::{OrgPublicKey, OrgSignature};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use crate::content::{ContentError, DossierContent};
use crate::wire::{ALGORITHM, Document, FORMAT, PdfDigest};

/// Why a dossier did not verify. One variant per failure; messages name fields (as
/// `signed.evidence[2].sha256`) and never repeat a value from the document.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// Not JSON, or a field is missing, unknown, of the wrong type or malformed. `field` is a
    /// path of the format's own field names and indices (`(document)` for the whole).
    #[error("{field}: {reason}")]
    Malformed {
        /// Where.
        field: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The format tag is not `corridor-dossier/1`.
    #[error("unsupported dossier format")]
    UnsupportedFormat,
    /// The signature algorithm is not Ed25519.
    #[error("unsupported signature algorithm")]
    UnsupportedAlgorithm,
    /// The bytes are not the canonical form of what they hold: the document was reformatted or
    /// altered (white space, escapes, key order, duplicate keys).
    #[error("the document is not in its canonical form: it was reformatted or altered")]
    NotCanonical,
    /// The signature is not the signer's over the signed part: the document was altered.
    #[error("the signature does not verify: the document was altered")]
    BadSignature,
    /// The signed content breaks a content rule (the field path is in the document).
    #[error("{0}")]
    InvalidContent(ContentError),
    /// Signed by a key other than the trusted one.
    #[error("signed by the key with fingerprint {signer}, not by the trusted key")]
    UntrustedSigner {
        /// The signer's fingerprint (a name for a public key; not secret).
        signer: String,
    },
    /// The PDF's SHA-256 or length is not the one the signed part carries.
    #[error("the PDF is not the one this dossier was signed with")]
    PdfMismatch,
}

/// A dossier whose signature and hashes checked out.
#[derive(Debug)]
pub struct VerifiedDossier {
    content: DossierContent,
    signer: OrgPublicKey,
    signature: OrgSignature,
    pdf: PdfDigest,
    pdf_checked: bool,
}

impl VerifiedDossier {
    /// What the dossier says.
    pub fn content(&self) -> &DossierContent {
        &self.content
    }

    /// What the dossier says, by value.
    pub fn into_content(self) -> DossierContent {
        self.content
    }

    /// The key that signed it. Without a trusted key given to [`verify`], this is only the key
    /// the document names: compare its fingerprint with one known otherwise.
    pub fn signer(&self) -> &OrgPublicKey {
        &self.signer
    }

    /// The signature.
    pub fn signature(&self) -> &OrgSignature {
        &self.signature
    }

    /// The PDF's hash and length as signed.
    pub fn pdf(&self) -> PdfDigest {
        self.pdf
    }

    /// Whether a PDF was given to [`verify`] and matched.
    pub fn pdf_checked(&self) -> bool {
        self.pdf_checked
    }
}

/// Checks a dossier's JSON: parsed strictly (every field known and present, nothing else), in
/// canonical form byte for byte, the Ed25519 signature over the signed part, the content rules,
/// then, when given, that the signer is `trusted` and that `pdf` is the PDF it was signed with.
pub fn verify(
    json: &[u8],
    pdf: Option<&[u8]>,
    trusted: Option<&OrgPublicKey>,
) -> Result<VerifiedDossier, VerifyError> {
    let value: Value = serde_json::from_slice(json).map_err(|_| VerifyError::Malformed {
        field: "(document)".to_owned(),
        reason: "not JSON",
    })?;
    // A document of another format may differ in any field: say so before naming one.
    if let Some(format) = value.pointer("/signed/format").and_then(Value::as_str)
        && format != FORMAT
    {
        return Err(VerifyError::UnsupportedFormat);
    }
    let document: Document = serde_path_to_error::deserialize(value).map_err(|error| {
        let (field, reason) = describe(&error);
        VerifyError::Malformed { field, reason }
    })?;
    if document.signature.algorithm != ALGORITHM {
        return Err(VerifyError::UnsupportedAlgorithm);
    }
    let signature = document
        .signature
        .value
        .parse::<OrgSignature>()
        .ok()
        .filter(|signature| signature.to_string() == document.signature.value)
        .ok_or(VerifyError::Malformed {
            field: "signature.value".to_owned(),
            reason: "expected 128 lowercase hex digits",
        })?;
    let parsed = document
        .signed
        .parse()
        .map_err(|bad| VerifyError::Malformed {
            field: bad.field,
            reason: bad.reason,
        })?;
    if document.to_canonical() != json {
        return Err(VerifyError::NotCanonical);
    }
    parsed
        .signer
        .verify(&document.signed.message(), &signature)
        .map_err(|_| VerifyError::BadSignature)?;
    let content = DossierContent::new(parsed.input).map_err(|mut error| {
        error.field.insert_str(0, "signed.");
        VerifyError::InvalidContent(error)
    })?;
    if let Some(trusted) = trusted
        && *trusted != parsed.signer
    {
        return Err(VerifyError::UntrustedSigner {
            signer: parsed.signer.fingerprint(),
        });
    }
    if let Some(pdf) = pdf
        && digest(pdf) != parsed.pdf
    {
        return Err(VerifyError::PdfMismatch);
    }
    Ok(VerifiedDossier {
        content,
        signer: parsed.signer,
        signature,
        pdf: parsed.pdf,
        pdf_checked: pdf.is_some(),
    })
}

/// The hash and length of a PDF.
pub(crate) fn digest(pdf: &[u8]) -> PdfDigest {
    PdfDigest {
        sha256: Sha256::digest(pdf).into(),
        byte_length: u64::try_from(pdf.len()).unwrap_or(u64::MAX),
    }
}

/// Every field name of the format: only these are repeated from a document in an error.
const FIELD_NAMES: &[&str] = &[
    "algorithm",
    "byte_length",
    "case_id",
    "description",
    "evidence",
    "fields",
    "fingerprint",
    "format",
    "id",
    "issued_at",
    "issuer",
    "key",
    "label",
    "list",
    "media_type",
    "name",
    "pdf",
    "program_name",
    "program_slug",
    "public_key",
    "recipient",
    "referral_partner",
    "sections",
    "sha256",
    "signature",
    "signed",
    "signer",
    "text",
    "title",
    "value",
    "version",
];

fn known(name: &str) -> &str {
    FIELD_NAMES
        .iter()
        .find(|&&known| known == name)
        .copied()
        .unwrap_or("?")
}

/// The field path and a fixed reason for a serde error. serde's messages quote values and
/// unknown keys, so only their kind is kept, and a field name only if the format has it.
fn describe(error: &serde_path_to_error::Error<serde_json::Error>) -> (String, &'static str) {
    use serde_path_to_error::Segment;

    fn push(field: &mut String, name: &str) {
        if !field.is_empty() {
            field.push('.');
        }
        field.push_str(known(name));
    }
    let mut field = String::new();
    for segment in error.path().iter() {
        match segment {
            Segment::Seq { index } => field.push_str(&format!("[{index}]")),
            Segment::Map { key } => push(&mut field, key),
            Segment::Enum { variant } => push(&mut field, variant),
            Segment::Unknown => push(&mut field, "?"),
        }
    }
    let message = error.inner().to_string();
    let reason = if let Some(rest) = message.strip_prefix("missing field `") {
        if let Some(name) = rest.split('`').next() {
            push(&mut field, name);
        }
        "missing"
    } else if message.starts_with("unknown field") {
        // The path ends in the unknown name, shown as "?": the object holding it is the news.
        if let Some(parent) = field.strip_suffix(".?") {
            field.truncate(parent.len());
        }
        "holds a field the format does not have"
    } else if message.starts_with("unknown variant") {
        "expected an object with either \"text\" or \"list\""
    } else if message.starts_with("duplicate field") {
        "holds the same field twice"
    } else if message.starts_with("invalid type") {
        "of the wrong type"
    } else if message.starts_with("invalid length") {
        "of the wrong length"
    } else if message.starts_with("invalid value") {
        "out of range"
    } else {
        "malformed"
    };
    if field.is_empty() {
        field.push_str("(document)");
    }
    (field, reason)
}
