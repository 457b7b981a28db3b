//! From content to positioned lines on A4 pages: wrapping by measured widths, and pagination
//! that never drops a line (what does not fit goes on to the next page).

use super::font::{Fonts, Style};

/// A4 in points.
pub(crate) const PAGE_WIDTH: f32 = 595.276;
pub(crate) const PAGE_HEIGHT: f32 = 841.89;
/// Margins: 20 mm left and right, 18 mm top, 22 mm bottom (the footer sits in it).
pub(crate) const MARGIN_X: f32 = 56.693;
pub(crate) const MARGIN_TOP: f32 = 51.024;
pub(crate) const MARGIN_BOTTOM: f32 = 62.362;
/// The width text may take.
pub(crate) const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;
/// The height the body may take on a page.
pub(crate) const BODY_HEIGHT: f32 = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;
/// The tallest block kept together: a taller one flows on from where it starts rather than
/// leave most of a page empty.
const KEEP_TOGETHER_MAX: f32 = BODY_HEIGHT / 4.0;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.32;
/// Where the baseline sits below the top of its line, as a multiple of the font size.
const BASELINE: f32 = 1.0;

/// A run of text in one style, at a position relative to its row (x from the left margin).
#[derive(Clone)]
pub(crate) struct Span {
    pub(crate) style: Style,
    pub(crate) size: f32,
    pub(crate) gray: f32,
    pub(crate) x: f32,
    pub(crate) text: String,
}

/// Something drawn in a row.
#[derive(Clone)]
pub(crate) enum Mark {
    Text(Span),
    /// A horizontal rule across the text width, `drop` below the row's top.
    Rule {
        drop: f32,
        gray: f32,
    },
}

/// One line of the body: its height, its baseline below its top, and what it draws.
#[derive(Clone)]
pub(crate) struct Row {
    pub(crate) height: f32,
    pub(crate) baseline: f32,
    pub(crate) marks: Vec<Mark>,
}

impl Row {
    fn gap(height: f32) -> Row {
        Row {
            height,
            baseline: 0.0,
            marks: Vec::new(),
        }
    }

    pub(crate) fn rule(gray: f32) -> Row {
        Row {
            height: 8.0,
            baseline: 0.0,
            marks: vec![Mark::Rule { drop: 4.0, gray }],
        }
    }
}

/// Rows that belong together.
pub(crate) struct Block {
    pub(crate) rows: Vec<Row>,
    /// Space above, dropped at the top of a page.
    pub(crate) space_before: f32,
    /// Start a new page rather than split this block, if it fits on one.
    pub(crate) keep_together: bool,
    /// Start a new page rather than end one with this block (a heading).
    pub(crate) keep_with_next: bool,
}

impl Block {
    pub(crate) fn new(rows: Vec<Row>) -> Block {
        Block {
            rows,
            space_before: 0.0,
            keep_together: false,
            keep_with_next: false,
        }
    }

    pub(crate) fn space_before(mut self, space: f32) -> Block {
        self.space_before = space;
        self
    }

    pub(crate) fn keep_together(mut self) -> Block {
        self.keep_together = true;
        self
    }

    pub(crate) fn keep_with_next(mut self) -> Block {
        self.keep_with_next = true;
        self
    }

    fn height(&self) -> f32 {
        self.rows.iter().map(|row| row.height).sum()
    }
}

/// A style and size to set text in.
#[derive(Clone, Copy)]
pub(crate) struct Font {
    pub(crate) style: Style,
    pub(crate) size: f32,
    pub(crate) gray: f32,
}

impl Font {
    pub(crate) const fn new(style: Style, size: f32) -> Font {
        Font {
            style,
            size,
            gray: 0.0,
        }
    }

    pub(crate) const fn gray(mut self, gray: f32) -> Font {
        self.gray = gray;
        self
    }

    fn line_height(self) -> f32 {
        self.size * LEADING
    }
}

/// A line of wrapped text, with its x offset (for hanging indents).
pub(crate) struct Line {
    pub(crate) x: f32,
    pub(crate) text: String,
}

/// Breaks `text` into lines at most `width` wide: at spaces, and inside a word only when the
/// word alone is wider than a line. `\n` starts a new line; an empty paragraph is an empty line.
/// Runs of spaces collapse to one. Never loses a character other than those spaces.
pub(crate) fn wrap(fonts: &mut Fonts, font: Font, text: &str, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_width = 0.0;
        let space = fonts.width(font.style, " ", font.size);
        for word in paragraph.split(' ').filter(|word| !word.is_empty()) {
            let word_width = fonts.width(font.style, word, font.size);
            let needed = if line.is_empty() {
                word_width
            } else {
                line_width + space + word_width
            };
            if needed <= width {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
                line_width = needed;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if word_width <= width {
                line.push_str(word);
                line_width = word_width;
                continue;
            }
            // A word wider than a line: as many characters as fit, then the rest.
            line_width = 0.0;
            for ch in word.chars() {
                let mut buffer = [0u8; 4];
                let ch_width = fonts.width(font.style, ch.encode_utf8(&mut buffer), font.size);
                if !line.is_empty() && line_width + ch_width > width {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                }
                line.push(ch);
                line_width += ch_width;
            }
        }
        lines.push(line);
    }
    lines
}

/// Rows of one text, wrapped to `width` starting at `x`.
pub(crate) fn paragraph(fonts: &mut Fonts, font: Font, text: &str, x: f32, width: f32) -> Vec<Row> {
    wrap(fonts, font, text, width)
        .into_iter()
        .map(|line| text_row(font, vec![Line { x, text: line }]))
        .collect()
}

fn text_row(font: Font, lines: Vec<Line>) -> Row {
    Row {
        height: font.line_height(),
        baseline: font.size * BASELINE,
        marks: lines
            .into_iter()
            .filter(|line| !line.text.is_empty())
            .map(|line| {
                Mark::Text(Span {
                    style: font.style,
                    size: font.size,
                    gray: font.gray,
                    x: line.x,
                    text: line.text,
                })
            })
            .collect(),
    }
}

/// Two columns side by side, row by row: `left` lines in `left_font` at x 0, `right` lines in
/// `right_font` at `right_x`. A row is as tall as the taller of its two lines.
pub(crate) fn columns(
    left_font: Font,
    left: Vec<Line>,
    right_font: Font,
    right: Vec<Line>,
) -> Vec<Row> {
    let count = left.len().max(right.len());
    let mut left = left.into_iter();
    let mut right = right.into_iter();
    let height = left_font.line_height().max(right_font.line_height());
    let baseline = (left_font.size * BASELINE).max(right_font.size * BASELINE);
    (0..count)
        .map(|_| {
            let mut marks = Vec::new();
            for (font, line) in [(left_font, left.next()), (right_font, right.next())] {
                if let Some(line) = line.filter(|line| !line.text.is_empty()) {
                    marks.push(Mark::Text(Span {
                        style: font.style,
                        size: font.size,
                        gray: font.gray,
                        x: line.x,
                        text: line.text,
                    }));
                }
            }
            Row {
                height,
                baseline,
                marks,
            }
        })
        .collect()
}

/// Lines of `text` wrapped to `width` at `x`.
pub(crate) fn lines(fonts: &mut Fonts, font: Font, text: &str, x: f32, width: f32) -> Vec<Line> {
    wrap(fonts, font, text, width)
        .into_iter()
        .map(|text| Line { x, text })
        .collect()
}

/// Lines of a list: each item after a bullet, wrapped with a hanging indent.
pub(crate) fn bulleted(
    fonts: &mut Fonts,
    font: Font,
    items: &[String],
    x: f32,
    width: f32,
) -> Vec<Line> {
    const BULLET: &str = "\u{2022} ";
    let indent = fonts.width(font.style, BULLET, font.size);
    let mut out = Vec::new();
    for item in items {
        for (i, text) in wrap(fonts, font, item, width - indent)
            .into_iter()
            .enumerate()
        {
            out.push(if i == 0 {
                Line {
                    x,
                    text: format!("{BULLET}{text}"),
                }
            } else {
                Line {
                    x: x + indent,
                    text,
                }
            });
        }
    }
    out
}

/// A small vertical gap.
pub(crate) fn gap(height: f32) -> Row {
    Row::gap(height)
}

/// A placed row: its top, from the top of the body.
pub(crate) struct Placed {
    pub(crate) top: f32,
    pub(crate) row: Row,
}

/// Places blocks on pages of [`BODY_HEIGHT`]. Every row is placed; a row goes to the next
/// page when it does not fit. A block that asks to be kept together starts a new page when
/// that keeps it so and it is at most a quarter of a page; a heading starts a new page rather
/// than end one without what follows it.
pub(crate) fn paginate(blocks: Vec<Block>) -> Vec<Vec<Placed>> {
    let mut pages: Vec<Vec<Placed>> = vec![Vec::new()];
    let mut y = 0.0_f32;
    // The height each block needs to start on a page: all of it when it is to be kept
    // together and is short enough, else its first row.
    let starts: Vec<f32> = blocks
        .iter()
        .map(|block| {
            let first = block.rows.first().map_or(0.0, |row| row.height);
            let height = block.height();
            if block.keep_together && height <= KEEP_TOGETHER_MAX {
                height
            } else {
                first
            }
        })
        .collect();
    let spaces: Vec<f32> = blocks.iter().map(|block| block.space_before).collect();
    for (i, block) in blocks.into_iter().enumerate() {
        let at_top = y == 0.0;
        let space = if at_top { 0.0 } else { block.space_before };
        let mut wanted = starts[i];
        if block.keep_with_next {
            let next = starts.get(i + 1).copied().unwrap_or(0.0);
            let with_next = block.height() + spaces.get(i + 1).copied().unwrap_or(0.0) + next;
            if with_next <= BODY_HEIGHT {
                wanted = with_next;
            }
        }
        if !at_top && y + space + wanted > BODY_HEIGHT {
            pages.push(Vec::new());
            y = 0.0;
        } else {
            y += space;
        }
        for row in block.rows {
            if y > 0.0 && y + row.height > BODY_HEIGHT {
                pages.push(Vec::new());
                y = 0.0;
            }
            let height = row.height;
            pages
                .last_mut()
                .expect("there is always a page")
                .push(Placed { top: y, row });
            y += height;
        }
    }
    pages
}
