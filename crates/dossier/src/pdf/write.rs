//! Placed rows to PDF objects, with pdf-writer.

use chrono::{Datelike as _, Timelike as _};
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Date, Filter, Finish as _, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::{Digest as _, Sha256};
use subsetter::GlyphRemapper;

use super::font::{Fonts, Style};
use super::layout::{
    MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, Mark, PAGE_HEIGHT, PAGE_WIDTH, Placed, TEXT_WIDTH,
};
use super::{FOOTER, PdfError};
use crate::content::DossierContent;

/// Flate level for every stream.
const COMPRESSION: u8 = 6;

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, COMPRESSION)
}

/// The resource name of a style's font.
fn resource(style: Style) -> Name<'static> {
    match style {
        Style::Regular => Name(b"F1"),
        Style::Bold => Name(b"F2"),
    }
}

/// Allocates object ids in order.
struct Ids(i32);

impl Ids {
    fn next(&mut self) -> Ref {
        self.0 += 1;
        Ref::new(self.0)
    }
}

/// A text item of a page, in page coordinates.
struct Drawn {
    style: Style,
    size: f32,
    gray: f32,
    x: f32,
    y: f32,
    text: String,
}

/// Everything a page draws: text and rules (y of each rule, gray).
struct PageMarks {
    texts: Vec<Drawn>,
    rules: Vec<(f32, f32)>,
}

fn marks_of(page: Vec<Placed>) -> PageMarks {
    let mut texts = Vec::new();
    let mut rules = Vec::new();
    for placed in page {
        let top = PAGE_HEIGHT - MARGIN_TOP - placed.top;
        for mark in placed.row.marks {
            match mark {
                Mark::Text(span) => texts.push(Drawn {
                    style: span.style,
                    size: span.size,
                    gray: span.gray,
                    x: MARGIN_X + span.x,
                    y: top - placed.row.baseline,
                    text: span.text,
                }),
                Mark::Rule { drop, gray } => rules.push((top - drop, gray)),
            }
        }
    }
    PageMarks { texts, rules }
}

/// The footer of page `number` of `count`: the case and version on the left, the page on the
/// right, under a thin rule.
fn footer(fonts: &mut Fonts, content: &DossierContent, number: usize, count: usize) -> PageMarks {
    let input = content.input();
    let y = MARGIN_BOTTOM * 0.5;
    let page = format!("page {number} of {count}");
    let page_width = fonts.width(FOOTER.style, &page, FOOTER.size);
    let mut left = format!(
        "Referral dossier \u{00b7} case {} \u{00b7} version {}",
        input.case_id, input.version
    );
    let room = TEXT_WIDTH - page_width - 12.0;
    if fonts.width(FOOTER.style, &left, FOOTER.size) > room {
        // A very long case id: shortened here, in full in the heading.
        while fonts.width(FOOTER.style, &format!("{left}\u{2026}"), FOOTER.size) > room {
            left.pop();
        }
        left.push('\u{2026}');
    }
    let drawn = |x: f32, text: String| Drawn {
        style: FOOTER.style,
        size: FOOTER.size,
        gray: FOOTER.gray,
        x,
        y,
        text,
    };
    PageMarks {
        texts: vec![
            drawn(MARGIN_X, left),
            drawn(PAGE_WIDTH - MARGIN_X - page_width, page),
        ],
        rules: vec![(y + FOOTER.size * 1.4, 0.75)],
    }
}

/// Six capital letters naming a subset, from the glyphs in it (PDF 32000-1 §9.6.4).
fn subset_tag(style: Style, glyphs: &[u16]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(style.postscript_name().as_bytes());
    for glyph in glyphs {
        hasher.update(glyph.to_be_bytes());
    }
    hasher
        .finalize()
        .iter()
        .take(6)
        .map(|byte| char::from(b'A' + byte % 26))
        .collect()
}

/// Writes the document: catalog, pages with their content streams, the two fonts subset to the
/// glyphs drawn, the document information.
pub(super) fn document(
    fonts: &mut Fonts,
    content: &DossierContent,
    pages: Vec<Vec<Placed>>,
) -> Result<Vec<u8>, PdfError> {
    let count = pages.len();
    let mut page_marks: Vec<PageMarks> = Vec::with_capacity(count);
    for (i, page) in pages.into_iter().enumerate() {
        let mut marks = marks_of(page);
        let footer = footer(fonts, content, i + 1, count);
        marks.texts.extend(footer.texts);
        marks.rules.extend(footer.rules);
        page_marks.push(marks);
    }
    // Every glyph drawn, before the fonts are subset.
    for marks in &page_marks {
        for text in &marks.texts {
            fonts.glyphs(text.style, &text.text);
        }
    }
    let remappers: Vec<GlyphRemapper> = Style::ALL
        .iter()
        .map(|&style| {
            let glyphs: Vec<u16> = fonts.used(style).keys().copied().collect();
            GlyphRemapper::new_from_glyphs_sorted(&glyphs)
        })
        .collect();

    let mut ids = Ids(0);
    let catalog_id = ids.next();
    let page_tree_id = ids.next();
    let info_id = ids.next();
    let font_ids: Vec<Ref> = Style::ALL.iter().map(|_| ids.next()).collect();
    let page_ids: Vec<Ref> = (0..count).map(|_| ids.next()).collect();
    let content_ids: Vec<Ref> = (0..count).map(|_| ids.next()).collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog_id)
        .pages(page_tree_id)
        .lang(TextStr("en"));
    pdf.pages(page_tree_id)
        .kids(page_ids.iter().copied())
        .count(i32::try_from(count).unwrap_or(i32::MAX));

    for (i, marks) in page_marks.iter().enumerate() {
        let mut page = pdf.page(page_ids[i]);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(page_tree_id)
            .contents(content_ids[i]);
        let mut resources = page.resources();
        let mut font_dict = resources.fonts();
        for style in Style::ALL {
            font_dict.pair(resource(style), font_ids[style.index()]);
        }
        font_dict.finish();
        resources.finish();
        page.finish();

        let stream = page_content(fonts, &remappers, marks);
        pdf.stream(content_ids[i], &deflate(&stream))
            .filter(Filter::FlateDecode);
    }

    for style in Style::ALL {
        write_font(
            &mut pdf,
            &mut ids,
            fonts,
            style,
            font_ids[style.index()],
            &remappers[style.index()],
        )?;
    }

    let input = content.input();
    let at = input.issued_at;
    let date = Date::new(u16::try_from(at.year()).unwrap_or(0))
        .month(u8::try_from(at.month()).unwrap_or(1))
        .day(u8::try_from(at.day()).unwrap_or(1))
        .hour(u8::try_from(at.hour()).unwrap_or(0))
        .minute(u8::try_from(at.minute()).unwrap_or(0))
        .second(u8::try_from(at.second()).unwrap_or(0))
        .utc_offset_hour(0)
        .utc_offset_minute(0);
    let title = format!(
        "Referral dossier, case {}, version {}",
        input.case_id, input.version
    );
    pdf.document_info(info_id)
        .title(TextStr(&title))
        .producer(TextStr("Corridor"))
        .creation_date(date);
    pdf.set_file_id((file_id(content, &page_marks), file_id(content, &page_marks)));

    Ok(pdf.finish())
}

/// A stable file identifier: derived from the case, the version and the page count.
fn file_id(content: &DossierContent, pages: &[PageMarks]) -> Vec<u8> {
    let input = content.input();
    let mut hasher = Sha256::new();
    hasher.update(b"corridor-dossier pdf id\0");
    hasher.update(input.case_id.as_bytes());
    hasher.update(input.version.to_be_bytes());
    hasher.update(u64::try_from(pages.len()).unwrap_or(u64::MAX).to_be_bytes());
    hasher.finalize()[..16].to_vec()
}

/// A page's content stream.
fn page_content(fonts: &mut Fonts, remappers: &[GlyphRemapper], marks: &PageMarks) -> Vec<u8> {
    let mut content = Content::new();
    for &(y, gray) in &marks.rules {
        content
            .set_stroke_gray(gray)
            .set_line_width(0.5)
            .move_to(MARGIN_X, y)
            .line_to(PAGE_WIDTH - MARGIN_X, y)
            .stroke();
    }
    for text in &marks.texts {
        let remapper = &remappers[text.style.index()];
        let mut encoded = Vec::with_capacity(2 * text.text.len());
        for glyph in fonts.glyphs(text.style, &text.text) {
            let cid = remapper.get(glyph.id).unwrap_or(0);
            encoded.extend_from_slice(&cid.to_be_bytes());
        }
        content.set_fill_gray(text.gray);
        content
            .begin_text()
            .set_font(resource(text.style), text.size)
            .next_line(text.x, text.y)
            .show(Str(&encoded))
            .end_text();
    }
    content.finish().to_vec()
}

/// One face as a Type 0 font: the CIDFontType2 descendant with its widths, the descriptor, the
/// subset TrueType program (FontFile2) and the ToUnicode CMap.
fn write_font(
    pdf: &mut Pdf,
    ids: &mut Ids,
    fonts: &Fonts,
    style: Style,
    type0_id: Ref,
    remapper: &GlyphRemapper,
) -> Result<(), PdfError> {
    let face = fonts.face_ref(style);
    let used = fonts.used(style);
    let cid_id = ids.next();
    let descriptor_id = ids.next();
    let program_id = ids.next();
    let cmap_id = ids.next();

    let glyphs: Vec<u16> = used.keys().copied().collect();
    let base_font = format!("{}+{}", subset_tag(style, &glyphs), style.postscript_name());
    let scale = 1000.0 / face.units_per_em();

    pdf.type0_font(type0_id)
        .base_font(Name(base_font.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);

    // Widths by CID (the subset's glyph id), in consecutive runs.
    let mut by_cid: Vec<(u16, f32)> = used
        .keys()
        .filter_map(|&old| {
            let new = remapper.get(old)?;
            let advance = fonts.face_ref(style).advance(old);
            Some((new, advance * scale))
        })
        .collect();
    by_cid.sort_by_key(|&(cid, _)| cid);
    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    let mut cid_font = pdf.cid_font(cid_id);
    cid_font
        .subtype(CidFontType::Type2)
        .base_font(Name(base_font.as_bytes()))
        .system_info(system_info)
        .font_descriptor(descriptor_id)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    let mut widths = cid_font.widths();
    let mut run_start = 0;
    while run_start < by_cid.len() {
        let mut run_end = run_start + 1;
        while run_end < by_cid.len() && by_cid[run_end].0 == by_cid[run_end - 1].0 + 1 {
            run_end += 1;
        }
        widths.consecutive(
            by_cid[run_start].0,
            by_cid[run_start..run_end].iter().map(|&(_, width)| width),
        );
        run_start = run_end;
    }
    widths.finish();
    cid_font.finish();

    let metrics = &face.metrics;
    let bbox = metrics
        .bounds
        .map_or(Rect::new(0.0, 0.0, 1000.0, 1000.0), |b| {
            Rect::new(
                b.x_min * scale,
                b.y_min * scale,
                b.x_max * scale,
                b.y_max * scale,
            )
        });
    pdf.font_descriptor(descriptor_id)
        .name(Name(base_font.as_bytes()))
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(bbox)
        .italic_angle(0.0)
        .ascent(metrics.ascent * scale)
        .descent(metrics.descent * scale)
        .cap_height(metrics.cap_height.unwrap_or(metrics.ascent) * scale)
        .stem_v(match style {
            Style::Regular => 80.0,
            Style::Bold => 140.0,
        })
        .font_file2(program_id);

    let program = subsetter::subset(face.data, 0, remapper).map_err(|_| PdfError)?;
    pdf.stream(program_id, &deflate(&program))
        .filter(Filter::FlateDecode)
        .pair(
            Name(b"Length1"),
            i32::try_from(program.len()).unwrap_or(i32::MAX),
        );

    let mut cmap = UnicodeCmap::new(
        Name(b"Corridor-UCS"),
        SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"UCS"),
            supplement: 0,
        },
    );
    for (&old, &ch) in used {
        if let Some(new) = remapper.get(old) {
            cmap.pair(new, ch);
        }
    }
    pdf.cmap(cmap_id, &deflate(&cmap.finish()))
        .filter(Filter::FlateDecode);
    Ok(())
}
