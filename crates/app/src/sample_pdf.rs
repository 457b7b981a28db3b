//! Small, well-formed, synthetic PDFs for the demo's evidence and for tests: one text line and
//! one black bar per page, the bar's width telling pages apart in a rendering.

use std::fmt::Write as _;

/// A page's size in PDF points.
pub const PAGE_SIZE: (u32, u32) = (300, 400);

/// A PDF of `lines.len()` pages (at least one), page `i` showing `lines[i]` in Helvetica above
/// a black bar `60 + 40 * i` points wide (capped at the page), 50 points from the left and the
/// bottom, 100 points high. Characters outside printable ASCII are replaced with `?`.
pub fn sample_pdf(lines: &[&str]) -> Vec<u8> {
    let lines: Vec<&str> = if lines.is_empty() {
        vec![""]
    } else {
        lines.to_vec()
    };
    let pages = lines.len();
    let font = 3 + 2 * pages;
    let mut objects: Vec<String> = Vec::new();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".to_owned());
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 3 + 2 * i)).collect();
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {pages} >>",
        kids.join(" ")
    ));
    for (i, line) in lines.iter().enumerate() {
        let (width, height) = PAGE_SIZE;
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] /Contents {} 0 R \
             /Resources << /Font << /F1 {font} 0 R >> >> >>",
            4 + 2 * i
        ));
        let bar = (60 + 40 * i).min(200);
        let content = format!(
            "0 0 0 rg 50 50 {bar} 100 re f\nBT /F1 18 Tf 50 300 Td ({}) Tj ET\n",
            escape(line)
        );
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ));
    }
    objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned());

    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        let _ = write!(pdf, "{} 0 obj\n{object}\nendobj\n", i + 1);
    }
    let xref = pdf.len();
    let _ = write!(pdf, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        let _ = writeln!(pdf, "{offset:010} 00000 n ");
    }
    let _ = write!(
        pdf,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    );
    pdf.into_bytes()
}

/// Text for a PDF string literal: printable ASCII, with `\`, `(` and `)` escaped.
fn escape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '\\' | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => out.push('?'),
        }
    }
    out
}
