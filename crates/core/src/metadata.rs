//! Capture metadata of evidence files: read out (to be sealed with the item: a camera's time
//! and place can corroborate a protest photo), and stripped from a copy made for sharing (the
//! same time and place, or a device's serial number, can identify who took it).

use std::io::Cursor;

use crate::evidence_file::MediaType;

/// The most metadata fields kept from one file, and the longest value.
const MAX_FIELDS: usize = 200;
const MAX_VALUE_CHARS: usize = 500;

/// One metadata field: its name (`DateTimeOriginal`, `GPSLatitude`, `Author`) and value.
pub type Field = (String, String);

/// The metadata of a file of type `media` whose bytes are `bytes`: EXIF for images, the
/// document information of a PDF. Unreadable metadata gives none, never an error: the file
/// itself is kept untouched either way.
pub fn extract(media: MediaType, bytes: &[u8]) -> Vec<Field> {
    let mut fields = match media {
        MediaType::Jpeg | MediaType::Png | MediaType::Webp => exif_fields(bytes),
        MediaType::Pdf => pdf_info(bytes),
        _ => Vec::new(),
    };
    fields.truncate(MAX_FIELDS);
    fields
}

fn exif_fields(bytes: &[u8]) -> Vec<Field> {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return Vec::new();
    };
    exif.fields()
        .map(|field| {
            (
                field.tag.to_string(),
                bounded(&field.display_value().with_unit(&exif).to_string()),
            )
        })
        .collect()
}

/// The entries of a PDF's document information dictionary that say who made it and when.
fn pdf_info(bytes: &[u8]) -> Vec<Field> {
    const KEYS: &[&str] = &[
        "Author",
        "Creator",
        "Producer",
        "Title",
        "Subject",
        "CreationDate",
        "ModDate",
    ];
    let text = String::from_utf8_lossy(bytes);
    KEYS.iter()
        .filter_map(|key| {
            let start = text.find(&format!("/{key} ("))? + key.len() + 3;
            let end = start + text[start..].find(')')?;
            Some(((*key).to_owned(), bounded(&text[start..end])))
        })
        .collect()
}

fn bounded(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_VALUE_CHARS)
        .collect()
}

/// Why no stripped copy could be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StripError {
    #[error("a copy without metadata can be made of JPEG and PNG images only")]
    Unsupported,
    #[error("the image is malformed; no copy was made")]
    Malformed,
}

/// A copy of a JPEG or PNG image without its metadata (EXIF, XMP, IPTC, comments, text
/// chunks, times), the picture itself unchanged.
pub fn strip(media: MediaType, bytes: &[u8]) -> Result<Vec<u8>, StripError> {
    match media {
        MediaType::Jpeg => strip_jpeg(bytes),
        MediaType::Png => strip_png(bytes),
        _ => Err(StripError::Unsupported),
    }
}

/// Keeps every JPEG segment but APP1 to APP13, APP15 and comments. APP0 (JFIF) and APP14
/// (Adobe: how to read the colours) stay; from the start of scan on, the bytes are copied.
fn strip_jpeg(bytes: &[u8]) -> Result<Vec<u8>, StripError> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err(StripError::Malformed);
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut at = 2;
    loop {
        let marker = *bytes.get(at + 1).ok_or(StripError::Malformed)?;
        if bytes[at] != 0xFF {
            return Err(StripError::Malformed);
        }
        if marker == 0xDA || marker == 0xD9 {
            // Start of scan (or the end): the rest is the picture.
            out.extend_from_slice(&bytes[at..]);
            return Ok(out);
        }
        let length = bytes
            .get(at + 2..at + 4)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
            .ok_or(StripError::Malformed)?;
        let end = at + 2 + length;
        if length < 2 || end > bytes.len() {
            return Err(StripError::Malformed);
        }
        let metadata = matches!(marker, 0xE1..=0xED | 0xEF | 0xFE);
        if !metadata {
            out.extend_from_slice(&bytes[at..end]);
        }
        at = end;
    }
}

/// Keeps every PNG chunk but the text, EXIF and time chunks.
fn strip_png(bytes: &[u8]) -> Result<Vec<u8>, StripError> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !bytes.starts_with(SIGNATURE) {
        return Err(StripError::Malformed);
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(SIGNATURE);
    let mut at = SIGNATURE.len();
    while at < bytes.len() {
        let header = bytes.get(at..at + 8).ok_or(StripError::Malformed)?;
        let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
        let end = at
            .checked_add(12)
            .and_then(|n| n.checked_add(usize::try_from(length).ok()?))
            .filter(|end| *end <= bytes.len())
            .ok_or(StripError::Malformed)?;
        let kind = &header[4..8];
        if !matches!(kind, b"tEXt" | b"iTXt" | b"zTXt" | b"eXIf" | b"tIME") {
            out.extend_from_slice(&bytes[at..end]);
        }
        at = end;
        if kind == b"IEND" {
            return Ok(out);
        }
    }
    Err(StripError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal JPEG: SOI, APP0, an APP1 (EXIF-like, with a canary), a comment, a
    /// quantisation table, SOS and a little scan data, EOI.
    fn jpeg() -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xD8];
        let segment = |marker: u8, body: &[u8]| {
            let mut s = vec![0xFF, marker];
            s.extend_from_slice(&u16::try_from(body.len() + 2).unwrap().to_be_bytes());
            s.extend_from_slice(body);
            s
        };
        bytes.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        bytes.extend(segment(0xE1, b"Exif\0\0GPS-CANARY"));
        bytes.extend(segment(0xFE, b"taken by CANARY"));
        bytes.extend(segment(0xDB, &[0u8; 65]));
        bytes.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        bytes.extend_from_slice(&[0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9]);
        bytes
    }

    fn png() -> Vec<u8> {
        let chunk = |kind: &[u8], body: &[u8]| {
            let mut c = u32::try_from(body.len()).unwrap().to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(body);
            c.extend_from_slice(&[0, 0, 0, 0]); // the CRC is copied, not checked
            c
        };
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        bytes.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
        bytes.extend(chunk(b"tEXt", b"Author\0CANARY"));
        bytes.extend(chunk(b"eXIf", b"MM\0*CANARY"));
        bytes.extend(chunk(b"IDAT", b"\x78\x9c\x63\0\0\0\x01\0\x01"));
        bytes.extend(chunk(b"IEND", b""));
        bytes
    }

    fn has(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_stripped_jpeg_keeps_the_picture_and_loses_the_metadata() {
        let original = jpeg();
        let stripped = strip(MediaType::Jpeg, &original).expect("strip");
        assert!(!has(&stripped, b"CANARY"));
        assert!(has(&stripped, b"JFIF"), "APP0 stays");
        assert!(stripped.ends_with(&[0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9]));
        assert_eq!(
            strip(MediaType::Jpeg, &stripped),
            Ok(stripped.clone()),
            "idempotent"
        );
    }

    #[test]
    fn a_stripped_png_keeps_its_image_chunks_only() {
        let stripped = strip(MediaType::Png, &png()).expect("strip");
        assert!(!has(&stripped, b"CANARY"));
        assert!(has(&stripped, b"IHDR") && has(&stripped, b"IDAT") && has(&stripped, b"IEND"));
    }

    #[test]
    fn malformed_or_unsupported_files_give_no_copy() {
        let mut cut = jpeg();
        cut.truncate(30);
        assert_eq!(strip(MediaType::Jpeg, &cut), Err(StripError::Malformed));
        let mut huge = png();
        huge[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(strip(MediaType::Png, &huge), Err(StripError::Malformed));
        assert_eq!(
            strip(MediaType::Pdf, b"%PDF-1.4"),
            Err(StripError::Unsupported)
        );
        assert_eq!(
            strip(MediaType::Jpeg, b"not a jpeg"),
            Err(StripError::Malformed)
        );
    }

    #[test]
    fn exif_of_a_jpeg_is_read() {
        // A TIFF header, IFD0 with one entry (Make, ASCII, 6 bytes at offset 26), the value.
        let mut tiff = b"MM\0*\0\0\0\x08\0\x01".to_vec();
        tiff.extend_from_slice(&[0x01, 0x0F, 0, 2, 0, 0, 0, 6, 0, 0, 0, 26]);
        tiff.extend_from_slice(&[0, 0, 0, 0]);
        tiff.extend_from_slice(b"Canon\0");
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&tiff);
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE1];
        bytes.extend_from_slice(&u16::try_from(app1.len() + 2).unwrap().to_be_bytes());
        bytes.extend_from_slice(&app1);
        bytes.extend_from_slice(&[0xFF, 0xDA, 0, 2, 0xFF, 0xD9]);
        let fields = extract(MediaType::Jpeg, &bytes);
        assert!(
            fields
                .iter()
                .any(|(k, v)| k == "Make" && v.contains("Canon")),
            "{fields:?}"
        );
        let stripped = strip(MediaType::Jpeg, &bytes).expect("strip");
        assert!(extract(MediaType::Jpeg, &stripped).is_empty());
    }

    #[test]
    fn pdf_document_information_is_read() {
        let pdf = b"%PDF-1.4\n1 0 obj << /Author (Ivan Petrov) /CreationDate (D:20220224120000) \
                    /Producer (LibreOffice) >> endobj";
        let fields = extract(MediaType::Pdf, pdf);
        assert!(fields.contains(&("Author".to_owned(), "Ivan Petrov".to_owned())));
        assert!(fields.contains(&("CreationDate".to_owned(), "D:20220224120000".to_owned())));
        assert!(extract(MediaType::Jpeg, b"not a jpeg").is_empty());
        assert!(extract(MediaType::Text, b"text").is_empty());
    }
}
