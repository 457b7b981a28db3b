//! The two embedded faces (DejaVu Sans and DejaVu Sans Bold, `fonts/`), their metrics, and the
//! glyphs a document uses.
//!
//! A character maps to one glyph through the font's `cmap`; there is no shaping (no kerning,
//! ligatures or mark positioning), which Latin and Cyrillic text does without. Widths come from
//! the font's `hmtx`, so lines are measured exactly as the PDF draws them. A character the font
//! lacks is drawn, and extracted, as U+FFFD (the JSON keeps the original).

use std::collections::{BTreeMap, HashMap};

use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::{GlyphMetrics, Metrics};
use skrifa::{FontRef, MetadataProvider as _};

static REGULAR: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");

const REPLACEMENT: char = '\u{fffd}';

/// Which face.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Style {
    Regular,
    Bold,
}

impl Style {
    pub(crate) const ALL: [Style; 2] = [Style::Regular, Style::Bold];

    pub(crate) fn index(self) -> usize {
        match self {
            Style::Regular => 0,
            Style::Bold => 1,
        }
    }

    /// The PostScript name of the face.
    pub(crate) fn postscript_name(self) -> &'static str {
        match self {
            Style::Regular => "DejaVuSans",
            Style::Bold => "DejaVuSans-Bold",
        }
    }
}

/// A glyph as drawn: its id in the full font and its advance in font units.
#[derive(Clone, Copy)]
pub(crate) struct Glyph {
    pub(crate) id: u16,
    pub(crate) advance: f32,
    /// The character it stands for (U+FFFD for one the font lacks).
    pub(crate) ch: char,
}

/// One face: its bytes, metrics and a cache of the characters looked up.
pub(crate) struct Face {
    pub(crate) data: &'static [u8],
    charmap: skrifa::charmap::Charmap<'static>,
    glyph_metrics: GlyphMetrics<'static>,
    pub(crate) metrics: Metrics,
    cache: HashMap<char, Glyph>,
}

impl Face {
    fn load(data: &'static [u8]) -> Face {
        let font = FontRef::new(data).expect("the vendored fonts parse");
        Face {
            data,
            charmap: font.charmap(),
            glyph_metrics: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
            metrics: font.metrics(Size::unscaled(), LocationRef::default()),
            cache: HashMap::new(),
        }
    }

    pub(crate) fn units_per_em(&self) -> f32 {
        f32::from(self.metrics.units_per_em)
    }

    /// The glyph for `ch`, or the replacement character's.
    pub(crate) fn glyph(&mut self, ch: char) -> Glyph {
        if let Some(glyph) = self.cache.get(&ch) {
            return *glyph;
        }
        let found = self
            .charmap
            .map(ch)
            .map(|id| (id, ch))
            .or_else(|| self.charmap.map(REPLACEMENT).map(|id| (id, REPLACEMENT)));
        let glyph = match found {
            Some((id, ch)) => Glyph {
                id: u16::try_from(id.to_u32()).unwrap_or(0),
                advance: self.glyph_metrics.advance_width(id).unwrap_or(0.0),
                ch,
            },
            None => Glyph {
                id: 0,
                advance: self
                    .glyph_metrics
                    .advance_width(skrifa::GlyphId::NOTDEF)
                    .unwrap_or(0.0),
                ch: REPLACEMENT,
            },
        };
        self.cache.insert(ch, glyph);
        glyph
    }

    /// The advance of a glyph of the full font, in font units.
    pub(crate) fn advance(&self, id: u16) -> f32 {
        self.glyph_metrics
            .advance_width(skrifa::GlyphId::new(u32::from(id)))
            .unwrap_or(0.0)
    }

    /// Width of `text` at `size` points.
    pub(crate) fn width(&mut self, text: &str, size: f32) -> f32 {
        let units: f32 = text.chars().map(|ch| self.glyph(ch).advance).sum();
        units * size / self.units_per_em()
    }
}

/// Both faces, and every glyph drawn with each (glyph id → the character it stands for).
pub(crate) struct Fonts {
    faces: [Face; 2],
    used: [BTreeMap<u16, char>; 2],
}

impl Fonts {
    pub(crate) fn load() -> Fonts {
        Fonts {
            faces: [Face::load(REGULAR), Face::load(BOLD)],
            used: [BTreeMap::new(), BTreeMap::new()],
        }
    }

    pub(crate) fn face(&mut self, style: Style) -> &mut Face {
        &mut self.faces[style.index()]
    }

    /// Width of `text` in `style` at `size` points.
    pub(crate) fn width(&mut self, style: Style, text: &str, size: f32) -> f32 {
        self.face(style).width(text, size)
    }

    /// The glyphs of `text`, recorded as used.
    pub(crate) fn glyphs(&mut self, style: Style, text: &str) -> Vec<Glyph> {
        let face = &mut self.faces[style.index()];
        let used = &mut self.used[style.index()];
        text.chars()
            .map(|ch| {
                let glyph = face.glyph(ch);
                used.entry(glyph.id).or_insert(glyph.ch);
                glyph
            })
            .collect()
    }

    /// The glyphs drawn in `style`, by id in the full font.
    pub(crate) fn used(&self, style: Style) -> &BTreeMap<u16, char> {
        &self.used[style.index()]
    }

    pub(crate) fn face_ref(&self, style: Style) -> &Face {
        &self.faces[style.index()]
    }
}
