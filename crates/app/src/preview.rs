//! Previews of evidence files that a browser can show without risk to Corridor's origin.
//!
//! An image goes out as it is, under the raster type its content was sniffed as (never SVG,
//! never what its name claims). A PDF never reaches the browser: its pages are rasterised here,
//! by a renderer written in safe Rust (hayro), and the browser receives PNGs. No script, form,
//! link, font or embedded file of a document can run or load in the page that shows it.

use std::sync::Arc;

use corridor_blobs::BlobReader;
use corridor_core::{AuditAction, EvidenceId, MediaType};
use tokio::sync::Semaphore;
use zeroize::Zeroizing;

use crate::evidence::Custodian;
use crate::{AppError, Corridor, Result};

/// The largest PDF rendered (it is read whole to be parsed); larger ones are downloaded.
pub const MAX_PREVIEW_PDF_BYTES: u64 = 32 * 1024 * 1024;
/// The longest side of a rendered page, in pixels.
const MAX_PAGE_PIXELS: f32 = 1_600.0;
/// The most pages a preview offers; the rest of a document is read in the download.
pub const MAX_PREVIEW_PAGES: u32 = 50;

/// How many renderings run at once: each takes a core for a while, and a flood of preview
/// requests must not starve the pages caseworkers are waiting for.
static RENDERING: Semaphore = Semaphore::const_new(2);

/// What a preview request gets back.
pub enum Preview {
    /// An image, to be sent under its sniffed type.
    Image {
        media_type: MediaType,
        reader: BlobReader,
    },
    /// One page of a PDF, rendered.
    Page(RenderedPage),
}

impl std::fmt::Debug for Preview {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Preview::Image { media_type, .. } => write!(f, "Preview::Image({media_type:?})"),
            Preview::Page(page) => write!(f, "Preview::Page({}/{})", page.page, page.pages),
        }
    }
}

/// A PDF page as a PNG.
pub struct RenderedPage {
    pub png: Vec<u8>,
    /// The page shown, from 1.
    pub page: u32,
    /// How many pages the document has.
    pub pages: u32,
}

/// Why a file has no preview.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PreviewError {
    #[error("files of this type are not previewed; download it")]
    NotPreviewable,
    #[error("the document is larger than {MAX_PREVIEW_PDF_BYTES} bytes to preview; download it")]
    TooLarge,
    #[error(
        "the document could not be read as a PDF (it may be damaged or encrypted); download it"
    )]
    Unreadable,
    #[error("page {page} is not in the document's first {pages} pages")]
    NoSuchPage { page: u32, pages: u32 },
}

impl Corridor {
    /// A preview of page `page` (from 1; images have one) of an item's file, for the case's
    /// readers. Audited as a preview: it shows the file's content.
    pub async fn evidence_preview(
        &self,
        by: Custodian<'_>,
        id: EvidenceId,
        page: u32,
    ) -> Result<Preview> {
        let action = AuditAction::EvidencePreviewed;
        let (item, reader, organisation) = self.read_evidence_file(by, id, action).await?;
        let media_type = item.facts.file.as_ref().map(|f| f.media_type);
        let preview = match media_type {
            Some(media_type) if media_type.is_image() => {
                if page != 1 {
                    return Err(AppError::Preview(PreviewError::NoSuchPage {
                        page,
                        pages: 1,
                    }));
                }
                Preview::Image { media_type, reader }
            }
            Some(MediaType::Pdf) => {
                let document = read_pdf(reader).await?;
                let rendered = render_off_thread(move || render_page(&document, page)).await?;
                Preview::Page(rendered)
            }
            _ => return Err(AppError::Preview(PreviewError::NotPreviewable)),
        };
        // Only what is shown is in the chain of custody, not a page asked for in vain.
        self.custody(by, organisation, item.case_id, id, action)
            .await?;
        Ok(preview)
    }

    /// How many pages of an item's PDF a preview offers (at most [`MAX_PREVIEW_PAGES`]), for
    /// the item's page to lay them out. Not audited of itself: it tells a number, not
    /// content, and the page that asks is audited as a view.
    pub async fn evidence_preview_pages(&self, by: Custodian<'_>, id: EvidenceId) -> Result<u32> {
        let (item, reader, _) = self
            .read_evidence_file(by, id, AuditAction::EvidenceViewed)
            .await?;
        match item.facts.file.as_ref().map(|f| f.media_type) {
            Some(media_type) if media_type.is_image() => Ok(1),
            Some(MediaType::Pdf) => {
                let document = read_pdf(reader).await?;
                render_off_thread(move || page_count(&document)).await
            }
            _ => Err(AppError::Preview(PreviewError::NotPreviewable)),
        }
    }
}

/// A document's plaintext, wiped when the last rendering drops it.
type Document = Arc<Zeroizing<Vec<u8>>>;

async fn read_pdf(reader: BlobReader) -> Result<Document> {
    if reader.remaining() > MAX_PREVIEW_PDF_BYTES {
        return Err(AppError::Preview(PreviewError::TooLarge));
    }
    // The renderer needs the document whole; it is dropped as soon as the page is drawn.
    Ok(Arc::new(reader.read_to_end().await?))
}

/// Runs a rendering on the blocking pool, a few at a time.
async fn render_off_thread<T: Send + 'static>(
    work: impl FnOnce() -> std::result::Result<T, PreviewError> + Send + 'static,
) -> Result<T> {
    let _permit = RENDERING
        .acquire()
        .await
        .map_err(|_| AppError::Preview(PreviewError::Unreadable))?;
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result.map_err(AppError::Preview),
        // A panic in the renderer is a damaged document to the user, and a log line here
        // without the panic's message, which could quote the document.
        Err(_) => {
            tracing::error!("a PDF preview's renderer panicked");
            Err(AppError::Preview(PreviewError::Unreadable))
        }
    }
}

fn open(document: &Document) -> std::result::Result<hayro::hayro_syntax::Pdf, PreviewError> {
    hayro::hayro_syntax::Pdf::new(document.clone()).map_err(|_| PreviewError::Unreadable)
}

/// The number of pages a preview offers.
pub fn page_count(document: &Document) -> std::result::Result<u32, PreviewError> {
    offered(&open(document)?)
}

/// How many of a document's pages are offered; a document without pages is unreadable.
fn offered(pdf: &hayro::hayro_syntax::Pdf) -> std::result::Result<u32, PreviewError> {
    match u32::try_from(pdf.pages().len()).unwrap_or(u32::MAX) {
        0 => Err(PreviewError::Unreadable),
        pages => Ok(pages.min(MAX_PREVIEW_PAGES)),
    }
}

/// Renders page `page` (from 1) of a PDF as a PNG whose longer side is at most
/// [`MAX_PAGE_PIXELS`], on white.
pub fn render_page(
    document: &Document,
    page: u32,
) -> std::result::Result<RenderedPage, PreviewError> {
    let pdf = open(document)?;
    let count = offered(&pdf)?;
    let pages = pdf.pages();
    let index = page
        .checked_sub(1)
        .filter(|&i| i < count)
        .ok_or(PreviewError::NoSuchPage { page, pages: count })?;
    let shown = pages
        .get(index as usize)
        .ok_or(PreviewError::NoSuchPage { page, pages: count })?;
    let (width, height) = shown.render_dimensions();
    let longer = width.max(height);
    if !(longer.is_finite() && longer >= 1.0) {
        return Err(PreviewError::Unreadable);
    }
    let scale = (MAX_PAGE_PIXELS / longer).min(2.0);
    let cache = hayro::RenderCache::new();
    let pixmap = hayro::render(
        shown,
        &cache,
        &hayro::hayro_interpret::InterpreterSettings::default(),
        &hayro::RenderSettings::default(),
        &hayro::PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: hayro::vello_cpu::color::palette::css::WHITE,
        },
    );
    let png = pixmap.into_png().map_err(|_| PreviewError::Unreadable)?;
    Ok(RenderedPage {
        png,
        page,
        pages: count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample_pdf::{PAGE_SIZE, sample_pdf};

    fn document(bytes: Vec<u8>) -> Document {
        Arc::new(Zeroizing::new(bytes))
    }

    /// The dark pixels across the middle of a rendered page's bar.
    fn dark_pixels_across_the_bar(png: &[u8]) -> usize {
        let pixmap = hayro::vello_cpu::Pixmap::from_png(std::io::Cursor::new(png)).expect("PNG");
        let scale = f32::from(pixmap.height()) / PAGE_SIZE.1 as f32;
        // The bar spans 50..150 points from the bottom: its middle is 100 points up.
        let y = (f32::from(pixmap.height()) - 100.0 * scale) as u16;
        (0..pixmap.width())
            .filter(|&x| pixmap.sample(x, y).r < 64)
            .count()
    }

    #[test]
    fn each_page_of_a_pdf_is_rendered_as_a_png_of_its_own() {
        let pdf = document(sample_pdf(&["First page", "Second page"]));
        assert_eq!(page_count(&pdf), Ok(2));
        let first = render_page(&pdf, 1).expect("page 1");
        let second = render_page(&pdf, 2).expect("page 2");
        assert_eq!((first.page, first.pages), (1, 2));
        assert_eq!((second.page, second.pages), (2, 2));
        assert!(first.png.starts_with(b"\x89PNG\r\n\x1a\n"));
        // The bars are 60 and 100 points wide, at twice the scale.
        let (one, two) = (
            dark_pixels_across_the_bar(&first.png),
            dark_pixels_across_the_bar(&second.png),
        );
        assert!((110..=130).contains(&one), "{one}");
        assert!((190..=210).contains(&two), "{two}");
    }

    #[test]
    fn a_page_is_never_larger_than_the_preview_allows() {
        let pdf = document(sample_pdf(&["x"]));
        let page = render_page(&pdf, 1).expect("page");
        let pixmap =
            hayro::vello_cpu::Pixmap::from_png(std::io::Cursor::new(&page.png)).expect("PNG");
        assert!(f32::from(pixmap.width().max(pixmap.height())) <= MAX_PAGE_PIXELS);
    }

    #[test]
    fn pages_outside_the_document_and_damaged_documents_are_refused() {
        let pdf = document(sample_pdf(&["only"]));
        for page in [0, 2, u32::MAX] {
            assert_eq!(
                render_page(&pdf, page).err(),
                Some(PreviewError::NoSuchPage { page, pages: 1 })
            );
        }
        for damaged in [
            b"%PDF-1.4\nnot a document".to_vec(),
            Vec::new(),
            sample_pdf(&["cut"])[..40].to_vec(),
        ] {
            let damaged = document(damaged);
            assert_eq!(page_count(&damaged), Err(PreviewError::Unreadable));
            assert_eq!(
                render_page(&damaged, 1).err(),
                Some(PreviewError::Unreadable)
            );
        }
    }
}
