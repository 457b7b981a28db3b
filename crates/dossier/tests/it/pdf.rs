//! The PDF: it opens and renders (hayro), pages are numbered, long content flows on to more
//! pages, the fonts are embedded, and the text comes back out through the ToUnicode maps.

use std::collections::HashMap;

use corridor_crypto::OrgSigningKey;
use corridor_dossier::{DossierContent, Field, FieldValue, Section, build, verify};
use hayro::hayro_syntax::Pdf;
use hayro::hayro_syntax::content::ops::TypedInstruction;
use hayro::hayro_syntax::object::{Array, Dict, Stream};

use crate::{CANARY, CANARY_LATIN, preview_dir, sample_dossier, sample_input};

fn open(bytes: &[u8]) -> Pdf {
    Pdf::new(bytes.to_vec()).expect("the PDF opens")
}

/// The ToUnicode map of a font: CID → text.
fn to_unicode(font: &Dict<'_>) -> HashMap<u16, String> {
    let stream: Stream<'_> = font.get(b"ToUnicode").expect("a ToUnicode CMap");
    let data = stream.decoded().expect("decodes");
    let text = String::from_utf8_lossy(&data).into_owned();
    let mut map = HashMap::new();
    let mut in_chars = false;
    for line in text.lines() {
        let line = line.trim();
        if line.ends_with("beginbfchar") {
            in_chars = true;
        } else if line == "endbfchar" {
            in_chars = false;
        } else if in_chars {
            let hex: Vec<&str> = line
                .split(['<', '>'])
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .collect();
            assert_eq!(hex.len(), 2, "{line}");
            let cid = u16::from_str_radix(hex[0], 16).expect("hex CID");
            let units: Vec<u16> = (0..hex[1].len())
                .step_by(4)
                .map(|i| u16::from_str_radix(&hex[1][i..i + 4], 16).expect("hex UTF-16"))
                .collect();
            map.insert(cid, String::from_utf16(&units).expect("UTF-16"));
        }
    }
    assert!(!map.is_empty(), "the CMap maps no glyph");
    map
}

/// Each page's text as a reader extracts it: every shown string decoded through its font's
/// ToUnicode map, one line per string.
fn page_texts(bytes: &[u8]) -> Vec<String> {
    let pdf = open(bytes);
    pdf.pages()
        .iter()
        .map(|page| {
            let mut maps: HashMap<Vec<u8>, HashMap<u16, String>> = HashMap::new();
            let mut current: Option<Vec<u8>> = None;
            let mut out = String::new();
            let mut ops = page.typed_operations();
            // A lending iterator: each instruction borrows it until the next.
            while let Some(op) = ops.next() {
                match op {
                    TypedInstruction::TextFont(font) => {
                        let name = font.0.as_ref().to_vec();
                        if !maps.contains_key(&name) {
                            let dict = page.resources().get_font(font.0).expect("font resource");
                            maps.insert(name.clone(), to_unicode(&dict));
                        }
                        current = Some(name);
                    }
                    TypedInstruction::ShowText(shown) => {
                        let map = &maps[current.as_ref().expect("a font is set")];
                        let bytes = shown.0.as_bytes();
                        assert_eq!(bytes.len() % 2, 0, "two bytes per glyph");
                        for pair in bytes.chunks_exact(2) {
                            let cid = u16::from_be_bytes([pair[0], pair[1]]);
                            out.push_str(map.get(&cid).map_or("\u{0}", String::as_str));
                        }
                        out.push('\n');
                    }
                    _ => {}
                }
            }
            out
        })
        .collect()
}

/// Renders every page; returns each page's PNG and how many of its pixels are dark.
fn render(bytes: &[u8]) -> Vec<(Vec<u8>, usize)> {
    let pdf = open(bytes);
    pdf.pages()
        .iter()
        .map(|page| {
            let cache = hayro::RenderCache::new();
            let pixmap = hayro::render(
                page,
                &cache,
                &hayro::hayro_interpret::InterpreterSettings::default(),
                &hayro::RenderSettings::default(),
                &hayro::PixmapSettings {
                    x_scale: 1.5,
                    y_scale: 1.5,
                    bg_color: hayro::vello_cpu::color::palette::css::WHITE,
                },
            );
            let mut dark = 0;
            for y in 0..pixmap.height() {
                for x in 0..pixmap.width() {
                    if pixmap.sample(x, y).r < 128 {
                        dark += 1;
                    }
                }
            }
            (pixmap.into_png().expect("PNG"), dark)
        })
        .collect()
}

/// A dossier of `sections` × `fields` fields, each a long Cyrillic and Latin text ending in a
/// marker, so a line lost anywhere shows.
fn long_content(sections: usize, fields: usize) -> DossierContent {
    let mut input = sample_input();
    let paragraph = "Участник антивоенных пикетов в Екатеринбурге; после возбуждения \
                     уголовного дела по статье 207.3 УК РФ выехал через Казахстан. \
                     Organised pickets and distributed leaflets; summoned twice for questioning.";
    input.sections = (0..sections)
        .map(|s| Section {
            key: format!("section_{s}"),
            title: format!("Раздел {s}: подробности"),
            fields: (0..fields)
                .map(|f| Field {
                    key: format!("field_{f}"),
                    label: format!("Поле {s}.{f} с длинной подписью, которая переносится"),
                    value: if f % 5 == 4 {
                        FieldValue::List(
                            (0..4)
                                .map(|i| format!("{paragraph} пункт-{s}-{f}-{i}"))
                                .collect(),
                        )
                    } else {
                        FieldValue::Text(format!(
                            "{}конец-{s}-{f}",
                            format!("{paragraph}\n").repeat(1 + f % 3)
                        ))
                    },
                })
                .collect(),
        })
        .collect();
    DossierContent::new(input).expect("valid")
}

#[test]
fn every_page_renders_and_is_not_blank() {
    let (_, _, dossier) = sample_dossier();
    let pages = render(&dossier.pdf);
    assert!(!pages.is_empty());
    for (i, (png, dark)) in pages.iter().enumerate() {
        assert!(
            *dark > 500,
            "page {} is nearly blank ({dark} dark pixels)",
            i + 1
        );
        assert!(png.starts_with(b"\x89PNG"));
    }
    // For people to look at: every page of the sample (the first is what the brief asks for).
    for (i, (png, _)) in pages.iter().enumerate() {
        let path = preview_dir().join(format!("sample-page-{}.png", i + 1));
        std::fs::write(&path, png).expect("write the preview");
    }
    let path = preview_dir().join("sample-page-1.png");
    eprintln!(
        "typical dossier: PDF {} bytes, {} page(s), JSON {} bytes; first page at {}",
        dossier.pdf.len(),
        pages.len(),
        dossier.json.len(),
        path.display()
    );
    std::fs::write(preview_dir().join("sample.pdf"), &dossier.pdf).expect("write the PDF");
    std::fs::write(preview_dir().join("sample.json"), &dossier.json).expect("write the JSON");
}

#[test]
fn a_typical_dossier_is_small() {
    let (_, _, dossier) = sample_dossier();
    // Two subset fonts and a page or two of compressed text.
    assert!(dossier.pdf.len() < 80_000, "{} bytes", dossier.pdf.len());
    assert!(dossier.pdf.starts_with(b"%PDF-"));
}

#[test]
fn names_come_back_out_of_the_pdf_as_text() {
    let (key, content, dossier) = sample_dossier();
    let pages = page_texts(&dossier.pdf);
    let all = pages.concat();
    for needle in [
        format!("Аристарх Ильич {CANARY}"),
        format!("Aristarkh {CANARY_LATIN}"),
        "Свободный коридор / Free Corridor".to_owned(),
        "Risk on return to Russia".to_owned(),
        "• Listed as a foreign agent by the Ministry of Justice".to_owned(),
        "Court summons (повестка), scan".to_owned(),
        "2 304 118".replace(' ', "\u{2009}"),
        content.input().case_id.clone(),
        "2025-06-01 09:30:00 UTC".to_owned(),
    ] {
        assert!(all.contains(&needle), "{needle:?} not in the text:\n{all}");
    }
    // Every evidence hash in full.
    for item in &content.input().evidence {
        let hex: String = item.sha256.iter().map(|b| format!("{b:02x}")).collect();
        assert!(all.contains(&hex), "{hex}");
    }
    // The signer's fingerprint, grouped, and the public key in full.
    let fingerprint = key.public_key().fingerprint();
    let grouped = format!(
        "{} {} {} {}",
        &fingerprint[0..4],
        &fingerprint[4..8],
        &fingerprint[8..12],
        &fingerprint[12..16]
    );
    assert!(all.contains(&grouped), "{grouped}");
    assert!(
        all.replace('\n', "")
            .contains(&key.public_key().to_string())
    );
    // A character the font lacks is drawn, and read, as U+FFFD; no CID goes unmapped.
    assert!(!all.contains('\u{0}'));
}

#[test]
fn pages_are_numbered_n_of_m() {
    let content = long_content(3, 30);
    let dossier = build(&content, &OrgSigningKey::generate()).unwrap();
    let pages = page_texts(&dossier.pdf);
    let count = pages.len();
    assert!(count > 3, "{count} pages");
    for (i, text) in pages.iter().enumerate() {
        let label = format!("page {} of {count}", i + 1);
        assert!(text.contains(&label), "page {}: {text}", i + 1);
        assert!(text.contains(&format!("case {}", content.input().case_id)));
    }
}

#[test]
fn a_long_dossier_flows_on_to_more_pages_and_loses_nothing() {
    let content = long_content(4, 60);
    assert_eq!(content.field_count(), 240);
    let key = OrgSigningKey::generate();
    let dossier = build(&content, &key).unwrap();
    verify(&dossier.json, Some(&dossier.pdf), Some(&key.public_key())).unwrap();
    let pages = page_texts(&dossier.pdf);
    assert!(pages.len() > 40, "{} pages", pages.len());
    let all = pages.concat();
    for s in 0..4 {
        assert!(all.contains(&format!("Раздел {s}: подробности")));
        for f in 0..60 {
            let marker = if f % 5 == 4 {
                format!("пункт-{s}-{f}-3")
            } else {
                format!("конец-{s}-{f}")
            };
            assert!(all.contains(&marker), "{marker} is missing");
        }
    }
    // Each paragraph is there in full (wrapped: joined back with spaces).
    let words = all.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains(
        "Участник антивоенных пикетов в Екатеринбурге; после возбуждения уголовного дела по \
         статье 207.3 УК РФ выехал через Казахстан. Organised pickets and distributed leaflets; \
         summoned twice for questioning."
    ));
    // And every page renders with something on it.
    let rendered = render(&dossier.pdf);
    for (i, (_, dark)) in rendered.iter().enumerate() {
        assert!(*dark > 500, "page {} is nearly blank", i + 1);
    }
    std::fs::write(preview_dir().join("long-page-2.png"), &rendered[1].0).expect("write");
}

#[test]
fn one_value_longer_than_a_page_is_split_not_cut() {
    let mut input = sample_input();
    let long: String = (0..400)
        .map(|i| format!("строка-{i} с текстом, который занимает место"))
        .collect::<Vec<_>>()
        .join("\n");
    input.sections[1].fields[2].value = FieldValue::Text(long);
    // And one word longer than a line: broken inside, not lost.
    input.sections[1].fields[3].value = FieldValue::Text("Щ".repeat(400));
    let content = DossierContent::new(input).unwrap();
    let dossier = build(&content, &OrgSigningKey::generate()).unwrap();
    let pages = page_texts(&dossier.pdf);
    assert!(pages.len() >= 5, "{} pages", pages.len());
    let all = pages.concat();
    for i in 0..400 {
        assert!(
            all.contains(&format!("строка-{i} с текстом")),
            "line {i} is missing"
        );
    }
    assert_eq!(all.matches('Щ').count(), 400);
}

#[test]
fn both_fonts_are_embedded_subset_truetype_with_unicode_maps() {
    let (_, _, dossier) = sample_dossier();
    let pdf = open(&dossier.pdf);
    let page = &pdf.pages()[0];
    for (resource, family) in [(&b"F1"[..], "DejaVuSans"), (&b"F2"[..], "DejaVuSans-Bold")] {
        let name = hayro::hayro_syntax::object::Name::new(resource).unwrap();
        let font = page.resources().get_font(&name).expect("font");
        let subtype: hayro::hayro_syntax::object::Name<'_> = font.get(b"Subtype").unwrap();
        assert_eq!(subtype.as_ref(), b"Type0");
        let base: hayro::hayro_syntax::object::Name<'_> = font.get(b"BaseFont").unwrap();
        let base = std::str::from_utf8(base.as_ref()).unwrap().to_owned();
        let (tag, rest) = base.split_once('+').expect("a subset tag");
        assert_eq!(rest, family);
        assert!(
            tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()),
            "{tag}"
        );
        let descendants: Array<'_> = font.get(b"DescendantFonts").unwrap();
        let cid_font: Dict<'_> = descendants.iter::<Dict<'_>>().next().unwrap();
        let descriptor: Dict<'_> = cid_font.get(b"FontDescriptor").unwrap();
        let program: Stream<'_> = descriptor.get(b"FontFile2").expect("FontFile2");
        let program = program.decoded().unwrap();
        // A TrueType program, much smaller than the whole font.
        assert_eq!(&program[..4], &[0, 1, 0, 0]);
        assert!(program.len() < 60_000, "{} bytes", program.len());
        assert!(cid_font.get::<Array<'_>>(b"W").is_some(), "widths");
        to_unicode(&font);
    }
    assert!(
        dossier
            .pdf
            .windows(b"/FontFile2".len())
            .any(|w| w == b"/FontFile2")
    );
}
