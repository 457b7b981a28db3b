//! The dossier as a PDF for people: A4, DejaVu Sans embedded (subset), text extractable.
//!
//! The document: a heading (title, issuer, program, partner, case, version, time, signing key),
//! the sections as label and value rows (a long value flows on to the next pages), the evidence
//! manifest with every item's full SHA-256, a note on how to verify, and on every page a footer
//! with the case, the version and "page N of M". The document information names the case and
//! version only, never a person: viewers show it in title bars and file indexes.
//!
//! Text is set in two CIDFontType2 fonts (Identity-H, two bytes per glyph, glyph ids of the
//! subset as CIDs), each with its widths (`/W`, from the font) and a ToUnicode CMap, so viewers
//! find and copy the text, names included. Streams are Flate-compressed. The bytes depend only
//! on the content and the signer: the same input gives the same PDF.

mod font;
mod layout;
mod write;

use corridor_crypto::OrgPublicKey;
use unicode_normalization::UnicodeNormalization as _;

use crate::content::{DossierContent, FieldValue};
use font::{Fonts, Style};
use layout::{Block, Font, Row, TEXT_WIDTH};

/// Why a PDF could not be made. Only a failure to subset the vendored fonts, which their tests
/// rule out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the PDF's font could not be subset")]
pub struct PdfError;

const KICKER: Font = Font::new(Style::Bold, 8.5).gray(0.4);
const TITLE: Font = Font::new(Style::Bold, 17.0);
const META_LABEL: Font = Font::new(Style::Regular, 8.5).gray(0.35);
const META_VALUE: Font = Font::new(Style::Regular, 9.5);
const HEADING: Font = Font::new(Style::Bold, 12.5);
const LABEL: Font = Font::new(Style::Bold, 9.0).gray(0.25);
const VALUE: Font = Font::new(Style::Regular, 10.0);
const SMALL: Font = Font::new(Style::Regular, 8.0).gray(0.2);
const NOTE: Font = Font::new(Style::Regular, 8.5).gray(0.25);
pub(crate) const FOOTER: Font = Font::new(Style::Regular, 7.5).gray(0.4);

/// Width of the label column.
const LABEL_WIDTH: f32 = 145.0;
/// Gap between the label and the value column.
const COLUMN_GAP: f32 = 12.0;

/// The PDF of `content`, naming `signer` as the key that signs its JSON.
pub(crate) fn render(content: &DossierContent, signer: &OrgPublicKey) -> Result<Vec<u8>, PdfError> {
    let mut fonts = Fonts::load();
    let blocks = blocks(&mut fonts, content, signer);
    let pages = layout::paginate(blocks);
    write::document(&mut fonts, content, pages)
}

/// Text as drawn: canonically composed (a decomposed "й" becomes one glyph).
fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// A fingerprint in groups of four, for reading aloud.
fn grouped(fingerprint: &str) -> String {
    let chars: Vec<char> = fingerprint.chars().collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A byte count with thin spaces between thousands.
fn byte_count(bytes: u64) -> String {
    let digits = bytes.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(digit);
    }
    out
}

fn label_value_rows(
    fonts: &mut Fonts,
    label_font: Font,
    label: &str,
    value_font: Font,
    value: &FieldValue,
) -> Vec<Row> {
    let value_x = LABEL_WIDTH + COLUMN_GAP;
    let value_width = TEXT_WIDTH - value_x;
    let left = layout::lines(fonts, label_font, &nfc(label), 0.0, LABEL_WIDTH);
    let right = match value {
        FieldValue::Text(text) if text.trim().is_empty() => vec![layout::Line {
            x: value_x,
            text: "\u{2014}".to_owned(),
        }],
        FieldValue::Text(text) => {
            layout::lines(fonts, value_font, &nfc(text), value_x, value_width)
        }
        FieldValue::List(items) if items.is_empty() => vec![layout::Line {
            x: value_x,
            text: "\u{2014}".to_owned(),
        }],
        FieldValue::List(items) => {
            let items: Vec<String> = items.iter().map(|item| nfc(item)).collect();
            layout::bulleted(fonts, value_font, &items, value_x, value_width)
        }
    };
    layout::columns(label_font, left, value_font, right)
}

fn blocks(fonts: &mut Fonts, content: &DossierContent, signer: &OrgPublicKey) -> Vec<Block> {
    let input = content.input();
    let mut blocks = Vec::new();

    // Heading.
    let mut rows = layout::paragraph(fonts, KICKER, "REFERRAL DOSSIER", 0.0, TEXT_WIDTH);
    rows.push(layout::gap(2.0));
    rows.extend(layout::paragraph(
        fonts,
        TITLE,
        &nfc(&input.title),
        0.0,
        TEXT_WIDTH,
    ));
    rows.push(layout::gap(6.0));
    blocks.push(Block::new(rows).keep_together());

    let issued = input.issued_at.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    let meta = [
        ("Issued by", nfc(&input.issuer.name)),
        ("Issuer id", input.issuer.id.clone()),
        (
            "Program",
            format!(
                "{} ({})",
                nfc(&input.recipient.program_name),
                input.recipient.program_slug
            ),
        ),
        ("Referral partner", nfc(&input.recipient.referral_partner)),
        ("Case", input.case_id.clone()),
        ("Dossier version", input.version.to_string()),
        ("Issued at", issued),
        ("Signing key", grouped(&signer.fingerprint())),
    ];
    let mut rows = Vec::new();
    for (label, value) in meta {
        rows.extend(label_value_rows(
            fonts,
            META_LABEL,
            label,
            META_VALUE,
            &FieldValue::Text(value),
        ));
    }
    rows.push(Row::rule(0.6));
    blocks.push(Block::new(rows).keep_together());

    // Sections.
    for section in &input.sections {
        let heading = layout::paragraph(fonts, HEADING, &nfc(&section.title), 0.0, TEXT_WIDTH);
        blocks.push(Block::new(heading).space_before(14.0).keep_with_next());
        if section.fields.is_empty() {
            let rows = layout::paragraph(fonts, NOTE, "No fields.", 0.0, TEXT_WIDTH);
            blocks.push(Block::new(rows).space_before(2.0));
        }
        for field in &section.fields {
            let rows = label_value_rows(fonts, LABEL, &field.label, VALUE, &field.value);
            // A short field stays on one page; a long one flows on.
            blocks.push(Block::new(rows).space_before(5.0).keep_together());
        }
    }

    // Evidence manifest.
    let heading = layout::paragraph(fonts, HEADING, "Evidence manifest", 0.0, TEXT_WIDTH);
    blocks.push(Block::new(heading).space_before(18.0).keep_with_next());
    let intro = match input.evidence.len() {
        0 => "No evidence items.".to_owned(),
        1 => "1 item. The SHA-256 is that of the file as captured; the signed JSON carries the \
              same value."
            .to_owned(),
        n => format!(
            "{n} items. Each SHA-256 is that of the file as captured; the signed JSON carries the \
             same values."
        ),
    };
    let rows = layout::paragraph(fonts, NOTE, &intro, 0.0, TEXT_WIDTH);
    blocks.push(Block::new(rows).space_before(2.0));
    for (i, item) in input.evidence.iter().enumerate() {
        let mut rows = layout::paragraph(
            fonts,
            LABEL,
            &format!(
                "{}. {}  \u{00b7}  {}  \u{00b7}  {} bytes",
                i + 1,
                item.id,
                item.media_type,
                byte_count(item.byte_length)
            ),
            0.0,
            TEXT_WIDTH,
        );
        if !item.description.trim().is_empty() {
            rows.extend(layout::paragraph(
                fonts,
                VALUE,
                &nfc(&item.description),
                0.0,
                TEXT_WIDTH,
            ));
        }
        rows.extend(layout::paragraph(
            fonts,
            SMALL,
            &format!("SHA-256  {}", crate::hex::encode(&item.sha256)),
            0.0,
            TEXT_WIDTH,
        ));
        blocks.push(Block::new(rows).space_before(6.0).keep_together());
    }

    // Verification.
    let heading = layout::paragraph(fonts, HEADING, "Verification", 0.0, TEXT_WIDTH);
    blocks.push(Block::new(heading).space_before(18.0).keep_with_next());
    let mut rows = layout::paragraph(
        fonts,
        NOTE,
        &format!(
            "This PDF comes with a JSON document (format {}) holding the same content, the \
             evidence hashes above and this file's SHA-256, signed with the issuing \
             organisation's Ed25519 key. Check the signature, compare this file's SHA-256 with \
             the signed one, and compare the key's fingerprint with the one the organisation \
             gave you by other means.",
            crate::FORMAT
        ),
        0.0,
        TEXT_WIDTH,
    );
    rows.push(layout::gap(4.0));
    rows.extend(label_value_rows(
        fonts,
        META_LABEL,
        "Fingerprint",
        META_VALUE,
        &FieldValue::Text(grouped(&signer.fingerprint())),
    ));
    rows.extend(label_value_rows(
        fonts,
        META_LABEL,
        "Public key (Ed25519)",
        SMALL,
        &FieldValue::Text(signer.to_string()),
    ));
    blocks.push(Block::new(rows).space_before(2.0).keep_together());
    blocks
}
