//! What an uploaded evidence file may be: its name as shown (never a path), and its type as
//! read from its first and last bytes, which must agree with its extension. Archives, and
//! files that are two formats at once (polyglots), are refused: they can hide what a verifier
//! never sees.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The longest file name kept, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 255;
/// How many leading bytes [`sniff`] needs.
pub const SNIFF_HEAD: usize = 64;
/// How many trailing bytes [`sniff`] reads for signs of a second format.
pub const SNIFF_TAIL: usize = 1024;

/// Why a file name was refused. Never repeats the name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileNameError {
    #[error("file name must not be empty")]
    Empty,
    #[error("file name must be at most {MAX_FILE_NAME_CHARS} characters")]
    TooLong,
    #[error("file name must not contain a path separator or a control character")]
    Forbidden,
    #[error("file name must not be `.` or `..`")]
    Dots,
}

/// A file's name as its uploader gave it: shown and sealed, never used as a path.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FileName(String);

impl FileName {
    pub fn new(name: &str) -> Result<FileName, FileNameError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(FileNameError::Empty);
        }
        if name.chars().count() > MAX_FILE_NAME_CHARS {
            return Err(FileNameError::TooLong);
        }
        if name
            .chars()
            .any(|c| matches!(c, '/' | '\\' | ':') || c.is_control())
        {
            return Err(FileNameError::Forbidden);
        }
        if name == "." || name == ".." {
            return Err(FileNameError::Dots);
        }
        Ok(FileName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The extension, lower-cased, if the name has one.
    pub fn extension(&self) -> Option<String> {
        let (stem, extension) = self.0.rsplit_once('.')?;
        (!stem.is_empty() && !extension.is_empty()).then(|| extension.to_lowercase())
    }
}

impl TryFrom<String> for FileName {
    type Error = FileNameError;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        FileName::new(&name)
    }
}

impl From<FileName> for String {
    fn from(name: FileName) -> String {
        name.0
    }
}

impl fmt::Debug for FileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FileName(<redacted>)")
    }
}

string_enum! {
    /// The file types Corridor keeps as evidence.
    pub enum MediaType {
        Pdf => "application/pdf", "PDF document",
        Png => "image/png", "PNG image",
        Jpeg => "image/jpeg", "JPEG image",
        Gif => "image/gif", "GIF image",
        Webp => "image/webp", "WebP image",
        Mp4 => "video/mp4", "MP4 video",
        QuickTime => "video/quicktime", "QuickTime video",
        Text => "text/plain", "Plain text",
    }
}

impl MediaType {
    /// The extensions a file of this type may have.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            MediaType::Pdf => &["pdf"],
            MediaType::Png => &["png"],
            MediaType::Jpeg => &["jpg", "jpeg"],
            MediaType::Gif => &["gif"],
            MediaType::Webp => &["webp"],
            MediaType::Mp4 => &["mp4", "m4v"],
            MediaType::QuickTime => &["mov"],
            MediaType::Text => &["txt", "text", "md"],
        }
    }

    /// Whether a browser may show it inline (as an image) on the item's page.
    pub fn is_image(self) -> bool {
        matches!(
            self,
            MediaType::Png | MediaType::Jpeg | MediaType::Gif | MediaType::Webp
        )
    }
}

/// Why a file was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileTypeError {
    #[error("the file is an archive or compressed ({0}); upload the files inside it one by one")]
    Archive(&'static str),
    #[error(
        "the file's content is not a type Corridor keeps (PDF, PNG, JPEG, GIF, WebP, MP4, MOV, plain text)"
    )]
    Unknown,
    #[error("the file's content is {found} but its name says `.{extension}`")]
    ExtensionMismatch { found: MediaType, extension: String },
    #[error("the file is {0} and also carries another format (a polyglot); it is refused")]
    Polyglot(MediaType),
}

/// Archive and compression signatures, refused wherever they start a file.
const ARCHIVES: &[(&[u8], &str)] = &[
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "rar"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
];

/// The type of a file from its first bytes (`head`, at least [`SNIFF_HEAD`] unless the file
/// is shorter) and its last bytes (`tail`, up to [`SNIFF_TAIL`]), checked against its name's
/// extension.
pub fn sniff(head: &[u8], tail: &[u8], name: &FileName) -> Result<MediaType, FileTypeError> {
    if let Some((_, archive)) = ARCHIVES.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Err(FileTypeError::Archive(archive));
    }
    let found = media_type(head).ok_or(FileTypeError::Unknown)?;
    // A ZIP directory at the end of another format makes a file that opens as both (a PDF
    // that is also a JAR, an image that is also an archive).
    if contains(tail, b"PK\x05\x06") || contains(tail, b"PK\x01\x02") {
        return Err(FileTypeError::Polyglot(found));
    }
    if found == MediaType::Text && looks_like_markup(head) {
        return Err(FileTypeError::Polyglot(found));
    }
    match name.extension() {
        Some(extension) if found.extensions().contains(&extension.as_str()) => Ok(found),
        Some(extension) => Err(FileTypeError::ExtensionMismatch { found, extension }),
        None => Ok(found),
    }
}

fn media_type(head: &[u8]) -> Option<MediaType> {
    let at = |offset: usize, magic: &[u8]| head.get(offset..offset + magic.len()) == Some(magic);
    Some(if at(0, b"%PDF-") {
        MediaType::Pdf
    } else if at(0, b"\x89PNG\r\n\x1a\n") {
        MediaType::Png
    } else if at(0, b"\xff\xd8\xff") {
        MediaType::Jpeg
    } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
        MediaType::Gif
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        MediaType::Webp
    } else if at(4, b"ftypqt") {
        MediaType::QuickTime
    } else if at(4, b"ftyp") {
        MediaType::Mp4
    } else if is_text(head) {
        MediaType::Text
    } else {
        return None;
    })
}

/// UTF-8 (a character cut at the end of `head` aside) without NUL or other control
/// characters but tab, newline and carriage return.
fn is_text(head: &[u8]) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(error) if error.error_len().is_none() => {
            std::str::from_utf8(&head[..error.valid_up_to()]).unwrap_or("")
        }
        Err(_) => return false,
    };
    !valid.is_empty()
        && valid
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
}

/// Text that a browser would run as a page or a script if it were ever served as one.
fn looks_like_markup(head: &[u8]) -> bool {
    let start = String::from_utf8_lossy(head).trim_start().to_lowercase();
    ["<!doctype", "<html", "<script", "<svg", "<?xml"]
        .iter()
        .any(|tag| start.starts_with(tag))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> FileName {
        FileName::new(text).expect("name")
    }

    #[test]
    fn file_names_are_names_never_paths() {
        assert_eq!(name("  protest 2022.jpg ").as_str(), "protest 2022.jpg");
        assert_eq!(name("Приговор.PDF").extension().as_deref(), Some("pdf"));
        assert_eq!(name(".bashrc").extension(), None);
        assert_eq!(name("README").extension(), None);
        for bad in [
            "../etc/passwd",
            "a/b.pdf",
            "a\\b.pdf",
            "C:evil",
            "a\nb",
            "a\u{0}b",
        ] {
            assert_eq!(FileName::new(bad), Err(FileNameError::Forbidden), "{bad:?}");
        }
        assert_eq!(FileName::new(".."), Err(FileNameError::Dots));
        assert_eq!(FileName::new(" "), Err(FileNameError::Empty));
        assert_eq!(FileName::new(&"x".repeat(256)), Err(FileNameError::TooLong));
        assert!(!format!("{:?}", name("secret.pdf")).contains("secret"));
    }

    #[test]
    fn types_come_from_the_content_and_must_agree_with_the_extension() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(sniff(png, png, &name("a.png")), Ok(MediaType::Png));
        assert_eq!(sniff(png, png, &name("no extension")), Ok(MediaType::Png));
        assert_eq!(
            sniff(png, png, &name("a.jpg")),
            Err(FileTypeError::ExtensionMismatch {
                found: MediaType::Png,
                extension: "jpg".to_owned()
            })
        );
        let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
        assert_eq!(
            sniff(pdf, b"%%EOF\n", &name("ruling.pdf")),
            Ok(MediaType::Pdf)
        );
        assert_eq!(
            sniff(b"\xff\xd8\xff\xe0\0\x10JFIF", b"", &name("a.jpeg")),
            Ok(MediaType::Jpeg)
        );
        assert_eq!(
            sniff(b"\0\0\0\x18ftypmp42", b"", &name("march.mp4")),
            Ok(MediaType::Mp4)
        );
        assert_eq!(
            sniff(b"\0\0\0\x14ftypqt  ", b"", &name("march.mov")),
            Ok(MediaType::QuickTime)
        );
        assert_eq!(
            sniff(b"RIFF\0\0\0\0WEBPVP8 ", b"", &name("a.webp")),
            Ok(MediaType::Webp)
        );
        let text = "Свидетельство: 24 февраля 2022 года…".as_bytes();
        assert_eq!(
            sniff(text, text, &name("testimony.txt")),
            Ok(MediaType::Text)
        );
        // A Cyrillic letter cut in half at the end of the head is still text.
        assert_eq!(sniff(&text[..5], b"", &name("t.txt")), Ok(MediaType::Text));
        assert_eq!(
            sniff(b"MZ\x90\0", b"", &name("a.pdf")),
            Err(FileTypeError::Unknown)
        );
        assert_eq!(
            sniff(b"", b"", &name("empty.txt")),
            Err(FileTypeError::Unknown)
        );
    }

    #[test]
    fn archives_and_polyglots_are_refused() {
        for (head, archive) in [
            (&b"PK\x03\x04\x14\0"[..], "zip"),
            (b"\x1f\x8b\x08\0", "gzip"),
            (b"7z\xbc\xaf\x27\x1c\0\x04", "7z"),
            (b"Rar!\x1a\x07\0", "rar"),
            (b"\x28\xb5\x2f\xfd", "zstd"),
        ] {
            assert_eq!(
                sniff(head, b"", &name("a.zip")),
                Err(FileTypeError::Archive(archive))
            );
        }
        let pdf = b"%PDF-1.4\n";
        let zip_tail = b"...\x00PK\x05\x06\0\0\0\0";
        assert_eq!(
            sniff(pdf, zip_tail, &name("a.pdf")),
            Err(FileTypeError::Polyglot(MediaType::Pdf))
        );
        assert_eq!(
            sniff(b"  <!DOCTYPE html><script>", b"", &name("a.txt")),
            Err(FileTypeError::Polyglot(MediaType::Text))
        );
        assert_eq!(
            sniff(b"<svg onload=alert(1)>", b"", &name("a.txt")),
            Err(FileTypeError::Polyglot(MediaType::Text))
        );
    }
}
