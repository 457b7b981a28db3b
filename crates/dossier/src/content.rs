//! What a dossier says: the content model the app fills, and its validation.
//!
//! The app decides which of a case's fields the receiving program or sponsor may see; this crate
//! renders and signs whatever it is given. [`DossierInput`] and the types in it are plain data
//! with public fields; [`DossierContent::new`] checks them once and is the only way to a
//! [`DossierContent`], which is what [`build`](crate::build) takes and
//! [`verify`](crate::verify) returns.
//!
//! The rules (the constants below give the limits; lengths count characters, not bytes):
//!
//! - **identifiers** (issuer id, case id, evidence ids): 1 to [`MAX_ID_CHARS`] ASCII letters,
//!   digits, `-`, `_`, `.` or `:`;
//! - **machine keys** (section and field keys): 1 to [`MAX_KEY_CHARS`] characters, a lowercase
//!   ASCII letter then lowercase letters, digits or `_`; unique among a section's fields, and
//!   among the sections;
//! - the **program slug**: 1 to 64 lowercase ASCII letters, digits or `-` (as `core`'s);
//! - **names and labels** (organisation, program and partner names, section titles, field
//!   labels) and the **title**: not blank, one line, at most [`MAX_NAME_CHARS`] (the title
//!   [`MAX_TITLE_CHARS`]);
//! - a **text value** may be empty and may hold line breaks (`\n`), at most
//!   [`MAX_TEXT_CHARS`]; a **list value** holds at most [`MAX_LIST_ITEMS`] one-line items of at
//!   most [`MAX_ITEM_CHARS`] each;
//! - an **evidence item**: a unique id, a one-line description (may be empty, at most
//!   [`MAX_DESCRIPTION_CHARS`]), a lowercase media type `type/subtype` without parameters, its
//!   length in bytes and its SHA-256;
//! - no text holds a control character (but a text value's `\n`), a line or paragraph
//!   separator, or a bidirectional override or isolate (which could make a name read as
//!   another in a viewer);
//! - the **version** is at least 1; **issued at** lies in years 1970 to 9999 and is kept to
//!   the whole second (a fraction is dropped).
//!
//! A [`ContentError`] names the field (as `sections[2].fields[0].label`) and the rule broken,
//! never the value. `Debug` of every type here shows structure and counts, never text.

use std::collections::HashSet;
use std::fmt;

use chrono::{DateTime, Datelike as _, SubsecRound as _, Utc};

/// Longest identifier (issuer, case, evidence item).
pub const MAX_ID_CHARS: usize = 128;
/// Longest machine key (section, field).
pub const MAX_KEY_CHARS: usize = 64;
/// Longest program slug.
pub const MAX_SLUG_CHARS: usize = 64;
/// Longest name or label.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest title.
pub const MAX_TITLE_CHARS: usize = 300;
/// Longest text value.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Longest item of a list value.
pub const MAX_ITEM_CHARS: usize = 2_000;
/// Most items in a list value.
pub const MAX_LIST_ITEMS: usize = 500;
/// Longest evidence description.
pub const MAX_DESCRIPTION_CHARS: usize = 1_000;
/// Longest media type.
pub const MAX_MEDIA_TYPE_CHARS: usize = 127;
/// Most sections.
pub const MAX_SECTIONS: usize = 100;
/// Most fields in one section.
pub const MAX_FIELDS: usize = 1_000;
/// Most evidence items.
pub const MAX_EVIDENCE: usize = 5_000;

/// The organisation that issues (and signs) the dossier.
#[derive(Clone, PartialEq, Eq)]
pub struct Issuer {
    /// The organisation's id.
    pub id: String,
    /// Its name, as the recipient knows it.
    pub name: String,
}

/// The program the case is put forward to, and the partner it goes through.
#[derive(Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The program's slug.
    pub program_slug: String,
    /// The program's name.
    pub program_name: String,
    /// The referral partner (sponsor organisation) the dossier is addressed to.
    pub referral_partner: String,
}

/// A field's value: a text (which may hold line breaks), or a list of one-line texts.
#[derive(Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// A text; `\n` starts a new line.
    Text(String),
    /// A list, shown one item per line.
    List(Vec<String>),
}

/// One field: a machine key, the label a person reads, and the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Field {
    /// Machine key, unique within its section.
    pub key: String,
    /// What a person reads beside the value.
    pub label: String,
    /// The value.
    pub value: FieldValue,
}

/// A titled group of fields, in order.
#[derive(Clone, PartialEq, Eq)]
pub struct Section {
    /// Machine key, unique among the sections.
    pub key: String,
    /// The heading a person reads.
    pub title: String,
    /// The fields, in the order shown.
    pub fields: Vec<Field>,
}

/// One evidence item the dossier relies on, by its hash.
#[derive(Clone, PartialEq, Eq)]
pub struct EvidenceItem {
    /// The item's id.
    pub id: String,
    /// What it is, in a line.
    pub description: String,
    /// Its media type, as `application/pdf`.
    pub media_type: String,
    /// Its length in bytes.
    pub byte_length: u64,
    /// The SHA-256 of its bytes as captured.
    pub sha256: [u8; 32],
}

/// Everything a dossier says, as the app fills it; checked by [`DossierContent::new`].
#[derive(Clone, PartialEq, Eq)]
pub struct DossierInput {
    /// Who issues it.
    pub issuer: Issuer,
    /// To whom.
    pub recipient: Recipient,
    /// The case it is about.
    pub case_id: String,
    /// Which version of the case's dossier this is (from 1).
    pub version: u32,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// Its title or subject line.
    pub title: String,
    /// The sections, in order.
    pub sections: Vec<Section>,
    /// The evidence items it relies on, in order.
    pub evidence: Vec<EvidenceItem>,
}

/// A [`DossierInput`] that keeps every rule of the module documentation.
#[derive(Clone, PartialEq, Eq)]
pub struct DossierContent(DossierInput);

impl DossierContent {
    /// Checks `input` against the rules; the error names the first field that breaks one.
    /// `issued_at` is kept to the whole second.
    pub fn new(mut input: DossierInput) -> Result<DossierContent, ContentError> {
        input.issued_at = input.issued_at.trunc_subsecs(0);
        check(&input)?;
        Ok(DossierContent(input))
    }

    /// The checked content.
    pub fn input(&self) -> &DossierInput {
        &self.0
    }

    /// The checked content, by value.
    pub fn into_input(self) -> DossierInput {
        self.0
    }

    /// The number of fields in all sections.
    pub fn field_count(&self) -> usize {
        self.0.sections.iter().map(|s| s.fields.len()).sum()
    }
}

/// Why a dossier's content was refused: the field (a path such as `evidence[3].media_type`) and
/// the rule. Never carries the value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct ContentError {
    /// Where: field names and indices only.
    pub field: String,
    /// What is wrong.
    pub problem: ContentProblem,
}

/// The rule a field breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContentProblem {
    /// Empty, or only white space.
    #[error("must not be empty")]
    Empty,
    /// Longer than allowed.
    #[error("longer than {max} characters")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// More entries than allowed.
    #[error("more than {max} entries")]
    TooMany {
        /// The limit.
        max: usize,
    },
    /// The same key or id as an earlier entry.
    #[error("the same key as an earlier entry")]
    Duplicate,
    /// A control character, line break (where none is allowed), or direction override.
    #[error("contains a control, line-break or direction-override character")]
    ForbiddenCharacter,
    /// Not in the expected form.
    #[error("expected {0}")]
    BadFormat(&'static str),
    /// A number or date outside its range.
    #[error("out of range: {0}")]
    OutOfRange(&'static str),
}

fn error(field: impl Into<String>, problem: ContentProblem) -> ContentError {
    ContentError {
        field: field.into(),
        problem,
    }
}

fn check(input: &DossierInput) -> Result<(), ContentError> {
    identifier("issuer.id", &input.issuer.id)?;
    line("issuer.name", &input.issuer.name, MAX_NAME_CHARS, false)?;
    slug("recipient.program_slug", &input.recipient.program_slug)?;
    line(
        "recipient.program_name",
        &input.recipient.program_name,
        MAX_NAME_CHARS,
        false,
    )?;
    line(
        "recipient.referral_partner",
        &input.recipient.referral_partner,
        MAX_NAME_CHARS,
        false,
    )?;
    identifier("case_id", &input.case_id)?;
    if input.version == 0 {
        return Err(error("version", ContentProblem::OutOfRange("from 1")));
    }
    if !(1970..=9999).contains(&input.issued_at.year()) {
        return Err(error(
            "issued_at",
            ContentProblem::OutOfRange("years 1970 to 9999"),
        ));
    }
    line("title", &input.title, MAX_TITLE_CHARS, false)?;

    if input.sections.len() > MAX_SECTIONS {
        return Err(error(
            "sections",
            ContentProblem::TooMany { max: MAX_SECTIONS },
        ));
    }
    let mut section_keys = HashSet::new();
    for (s, section) in input.sections.iter().enumerate() {
        let at = format!("sections[{s}]");
        key(&format!("{at}.key"), &section.key)?;
        if !section_keys.insert(section.key.as_str()) {
            return Err(error(format!("{at}.key"), ContentProblem::Duplicate));
        }
        line(
            &format!("{at}.title"),
            &section.title,
            MAX_NAME_CHARS,
            false,
        )?;
        if section.fields.len() > MAX_FIELDS {
            return Err(error(
                format!("{at}.fields"),
                ContentProblem::TooMany { max: MAX_FIELDS },
            ));
        }
        let mut field_keys = HashSet::new();
        for (f, field) in section.fields.iter().enumerate() {
            let at = format!("{at}.fields[{f}]");
            key(&format!("{at}.key"), &field.key)?;
            if !field_keys.insert(field.key.as_str()) {
                return Err(error(format!("{at}.key"), ContentProblem::Duplicate));
            }
            line(&format!("{at}.label"), &field.label, MAX_NAME_CHARS, false)?;
            match &field.value {
                FieldValue::Text(text) => {
                    let at = format!("{at}.value.text");
                    length(&at, text, MAX_TEXT_CHARS)?;
                    characters(&at, text, true)?;
                }
                FieldValue::List(items) => {
                    if items.len() > MAX_LIST_ITEMS {
                        return Err(error(
                            format!("{at}.value.list"),
                            ContentProblem::TooMany {
                                max: MAX_LIST_ITEMS,
                            },
                        ));
                    }
                    for (i, item) in items.iter().enumerate() {
                        line(&format!("{at}.value.list[{i}]"), item, MAX_ITEM_CHARS, true)?;
                    }
                }
            }
        }
    }

    if input.evidence.len() > MAX_EVIDENCE {
        return Err(error(
            "evidence",
            ContentProblem::TooMany { max: MAX_EVIDENCE },
        ));
    }
    let mut evidence_ids = HashSet::new();
    for (e, item) in input.evidence.iter().enumerate() {
        let at = format!("evidence[{e}]");
        identifier(&format!("{at}.id"), &item.id)?;
        if !evidence_ids.insert(item.id.as_str()) {
            return Err(error(format!("{at}.id"), ContentProblem::Duplicate));
        }
        line(
            &format!("{at}.description"),
            &item.description,
            MAX_DESCRIPTION_CHARS,
            true,
        )?;
        media_type(&format!("{at}.media_type"), &item.media_type)?;
    }
    Ok(())
}

fn length(at: &str, text: &str, max: usize) -> Result<(), ContentError> {
    // A char is at least one byte, so only long texts need counting.
    if text.len() > max && text.chars().count() > max {
        return Err(error(at, ContentProblem::TooLong { max }));
    }
    Ok(())
}

/// One line of text: not blank unless `may_be_empty`, no more than `max` characters.
fn line(at: &str, text: &str, max: usize, may_be_empty: bool) -> Result<(), ContentError> {
    if !may_be_empty && text.trim().is_empty() {
        return Err(error(at, ContentProblem::Empty));
    }
    length(at, text, max)?;
    characters(at, text, false)
}

fn characters(at: &str, text: &str, line_breaks: bool) -> Result<(), ContentError> {
    let forbidden = |c: char| {
        (c.is_control() && !(line_breaks && c == '\n'))
            || matches!(
                c,
                '\u{2028}' | '\u{2029}'
                    | '\u{061c}'
                    | '\u{200e}'
                    | '\u{200f}'
                    | '\u{202a}'..='\u{202e}'
                    | '\u{2066}'..='\u{2069}'
            )
    };
    if text.chars().any(forbidden) {
        return Err(error(at, ContentProblem::ForbiddenCharacter));
    }
    Ok(())
}

fn identifier(at: &str, text: &str) -> Result<(), ContentError> {
    if text.is_empty() {
        return Err(error(at, ContentProblem::Empty));
    }
    if text.len() > MAX_ID_CHARS {
        return Err(error(at, ContentProblem::TooLong { max: MAX_ID_CHARS }));
    }
    let ok = text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    if !ok {
        return Err(error(
            at,
            ContentProblem::BadFormat("ASCII letters, digits, '-', '_', '.' or ':'"),
        ));
    }
    Ok(())
}

fn key(at: &str, text: &str) -> Result<(), ContentError> {
    if text.is_empty() {
        return Err(error(at, ContentProblem::Empty));
    }
    if text.len() > MAX_KEY_CHARS {
        return Err(error(at, ContentProblem::TooLong { max: MAX_KEY_CHARS }));
    }
    let bytes = text.as_bytes();
    let ok = bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        return Err(error(
            at,
            ContentProblem::BadFormat("a lowercase letter, then lowercase letters, digits or '_'"),
        ));
    }
    Ok(())
}

fn slug(at: &str, text: &str) -> Result<(), ContentError> {
    if text.is_empty() {
        return Err(error(at, ContentProblem::Empty));
    }
    if text.len() > MAX_SLUG_CHARS {
        return Err(error(
            at,
            ContentProblem::TooLong {
                max: MAX_SLUG_CHARS,
            },
        ));
    }
    let ok = text
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !ok {
        return Err(error(
            at,
            ContentProblem::BadFormat("lowercase letters, digits or '-'"),
        ));
    }
    Ok(())
}

fn media_type(at: &str, text: &str) -> Result<(), ContentError> {
    if text.is_empty() {
        return Err(error(at, ContentProblem::Empty));
    }
    if text.len() > MAX_MEDIA_TYPE_CHARS {
        return Err(error(
            at,
            ContentProblem::TooLong {
                max: MAX_MEDIA_TYPE_CHARS,
            },
        ));
    }
    // RFC 6838's restricted names, lowercase, without parameters.
    let name = |part: &str| {
        part.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
            && part.bytes().all(|b| {
                b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || matches!(
                        b,
                        b'!' | b'#' | b'$' | b'&' | b'-' | b'^' | b'_' | b'.' | b'+'
                    )
            })
    };
    match text.split_once('/') {
        Some((kind, subtype)) if name(kind) && name(subtype) => Ok(()),
        _ => Err(error(
            at,
            ContentProblem::BadFormat("a lowercase media type such as 'application/pdf'"),
        )),
    }
}

// Debug output: structure and counts only. Identifiers of checked content are shown (logs carry
// ids); nothing else that came from the input is.

impl fmt::Debug for DossierContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let input = &self.0;
        f.debug_struct("DossierContent")
            .field("issuer", &input.issuer.id)
            .field("program", &input.recipient.program_slug)
            .field("case_id", &input.case_id)
            .field("version", &input.version)
            .field("issued_at", &input.issued_at)
            .field("sections", &input.sections.len())
            .field("fields", &self.field_count())
            .field("evidence", &input.evidence.len())
            .finish()
    }
}

impl fmt::Debug for DossierInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DossierInput")
            .field("version", &self.version)
            .field("sections", &self.sections)
            .field("evidence", &self.evidence.len())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Issuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Issuer(..)")
    }
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Recipient(..)")
    }
}

impl fmt::Debug for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Section")
            .field("fields", &self.fields)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Field")
            .field("value", &self.value)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Text(text) => write!(f, "Text({} chars)", text.chars().count()),
            FieldValue::List(items) => write!(f, "List({} items)", items.len()),
        }
    }
}

impl fmt::Debug for EvidenceItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EvidenceItem")
            .field("byte_length", &self.byte_length)
            .finish_non_exhaustive()
    }
}
