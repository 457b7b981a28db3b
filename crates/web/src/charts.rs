//! Server-side SVG charts: pure functions from counts to an inline `<svg>` string.
//!
//! The page's Content-Security-Policy forbids inline styles and scripts, so geometry is in SVG
//! attributes and colour in style.css: `chart-series-<class>` sets `color`, and lines stroke,
//! points and bars fill with `currentColor`. The result is inserted with askama's `|safe`, so
//! every caller-supplied string is XML-escaped here. Words (title, description, the empty
//! message) come from the caller, already translated.

use std::fmt::Write as _;

/// One named row of counts, one value per x label. Values past the labels are ignored; a
/// series shorter than the labels has no point (or bar) where it has no value.
#[derive(Debug, Clone, Copy)]
pub struct Series<'a> {
    pub label: &'a str,
    /// Suffix of the CSS class `chart-series-<class>` (`detained`, `removed`, `referred`,
    /// `accepted`, `arrived`); any other gets the default colour.
    pub class: &'a str,
    pub values: &'a [u64],
}

/// What to draw and the words around it.
#[derive(Debug, Clone, Copy)]
pub struct Chart<'a> {
    /// The accessible name (`<title>`).
    pub title: &'a str,
    /// A one-sentence summary for screen readers (`<desc>`).
    pub description: &'a str,
    /// Shown instead of the plot when there is nothing to scale (no labels, all zeros).
    pub empty: &'a str,
    /// The x points, e.g. months "2026-03".
    pub x_labels: &'a [String],
    pub series: &'a [Series<'a>],
}

/// A line per series, a point per value, each point titled "2026-03 · Removed: 7".
pub fn line_chart(chart: &Chart<'_>) -> String {
    render(chart, Kind::Line)
}

/// Grouped (side-by-side) bars, one group per x label. Not stacked: the series are stages a
/// person can pass through several of, so a stacked total would count no real thing.
pub fn bar_chart(chart: &Chart<'_>) -> String {
    render(chart, Kind::Bar)
}

#[derive(Clone, Copy)]
enum Kind {
    Line,
    Bar,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const PLOT_LEFT: f64 = 44.0;
const PLOT_RIGHT: f64 = 628.0;
const PLOT_TOP: f64 = 32.0;
const PLOT_BOTTOM: f64 = 224.0;
/// More month labels than this overlap at 640 units wide.
const MAX_X_LABELS: usize = 12;
/// Intervals on the y axis at most (so at most six tick labels).
const MAX_INTERVALS: u128 = 5;

fn render(chart: &Chart<'_>, kind: Kind) -> String {
    let points = chart.x_labels.len();
    let max = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().take(points))
        .copied()
        .max()
        .unwrap_or(0);
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"><title>{}</title><desc>{}</desc>"#,
        escape(chart.title),
        escape(chart.description)
    );
    if max == 0 {
        // Nothing to scale against: say so rather than divide by zero.
        let _ = write!(
            svg,
            r#"<text class="chart-empty" x="{}" y="{}" text-anchor="middle">{}</text></svg>"#,
            WIDTH / 2.0,
            HEIGHT / 2.0,
            escape(chart.empty)
        );
        return svg;
    }
    let scale = Scale::new(max);
    legend(&mut svg, chart.series);
    y_axis(&mut svg, &scale);
    x_axis(&mut svg, chart.x_labels);
    for (index, series) in chart.series.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<g class="chart-series {}">"#,
            series_class(series.class)
        );
        match kind {
            Kind::Line => line(&mut svg, chart.x_labels, series, &scale),
            Kind::Bar => bars(
                &mut svg,
                chart.x_labels,
                series,
                &scale,
                index,
                chart.series.len(),
            ),
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    svg
}

/// The y axis runs from 0 to `top`, a whole number of "nice" steps (1, 2 or 5 × 10ⁿ) at or
/// above the largest value. u128 because the top above u64::MAX is 2 × 10¹⁹.
struct Scale {
    step: u128,
    top: u128,
}

impl Scale {
    fn new(max: u64) -> Scale {
        let max = u128::from(max);
        let mut power: u128 = 1;
        loop {
            for step in [power, 2 * power, 5 * power] {
                if max.div_ceil(step) <= MAX_INTERVALS {
                    return Scale {
                        step,
                        top: max.div_ceil(step) * step,
                    };
                }
            }
            power *= 10;
        }
    }

    /// The plot's y for a value; `top` is never 0, and both convert to finite f64.
    fn y(&self, value: u128) -> f64 {
        PLOT_BOTTOM - (value as f64 / self.top as f64) * (PLOT_BOTTOM - PLOT_TOP)
    }
}

/// The centre of the i-th of `count` equal slots across the plot (points and bar groups alike).
fn x_center(index: usize, count: usize) -> f64 {
    PLOT_LEFT + (index as f64 + 0.5) * slot_width(count)
}

fn slot_width(count: usize) -> f64 {
    (PLOT_RIGHT - PLOT_LEFT) / count.max(1) as f64
}

fn legend(svg: &mut String, series: &[Series<'_>]) {
    svg.push_str(r#"<g class="chart-legend">"#);
    let mut x = PLOT_LEFT;
    for s in series {
        let _ = write!(
            svg,
            r#"<g class="chart-series {}"><rect class="chart-swatch" x="{}" y="8" width="12" height="12"/><text x="{}" y="18">{}</text></g>"#,
            series_class(s.class),
            num(x),
            num(x + 16.0),
            escape(s.label)
        );
        // About 6.5 units a character at the legend's 11px; long labels simply run on.
        x += 16.0 + 6.5 * s.label.chars().count() as f64 + 14.0;
    }
    svg.push_str("</g>");
}

fn y_axis(svg: &mut String, scale: &Scale) {
    svg.push_str(r#"<g class="chart-y-axis">"#);
    let mut tick: u128 = 0;
    while tick <= scale.top {
        let y = num(scale.y(tick));
        let _ = write!(
            svg,
            r#"<line class="chart-grid" x1="{PLOT_LEFT}" y1="{y}" x2="{PLOT_RIGHT}" y2="{y}"/><text class="chart-tick" x="{}" y="{y}" dy="4" text-anchor="end">{}</text>"#,
            PLOT_LEFT - 6.0,
            tick_label(tick, scale)
        );
        tick += scale.step;
    }
    let _ = write!(
        svg,
        r#"<line class="chart-axis" x1="{PLOT_LEFT}" y1="{PLOT_BOTTOM}" x2="{PLOT_RIGHT}" y2="{PLOT_BOTTOM}"/></g>"#
    );
}

/// Every label if few, else every k-th so that at most MAX_X_LABELS show.
fn x_axis(svg: &mut String, labels: &[String]) {
    let stride = labels.len().div_ceil(MAX_X_LABELS).max(1);
    svg.push_str(r#"<g class="chart-x-axis">"#);
    for (index, label) in labels.iter().enumerate().step_by(stride) {
        let _ = write!(
            svg,
            r#"<text class="chart-xlabel" x="{}" y="{}" text-anchor="middle">{}</text>"#,
            num(x_center(index, labels.len())),
            PLOT_BOTTOM + 16.0,
            escape(label)
        );
    }
    svg.push_str("</g>");
}

fn line(svg: &mut String, labels: &[String], series: &Series<'_>, scale: &Scale) {
    let coordinates: Vec<(f64, f64)> = series
        .values
        .iter()
        .take(labels.len())
        .enumerate()
        .map(|(i, &v)| (x_center(i, labels.len()), scale.y(u128::from(v))))
        .collect();
    let path: Vec<String> = coordinates
        .iter()
        .map(|&(x, y)| format!("{},{}", num(x), num(y)))
        .collect();
    let _ = write!(
        svg,
        r#"<polyline class="chart-line" points="{}"/>"#,
        path.join(" ")
    );
    for ((x, y), (label, value)) in coordinates.iter().zip(labels.iter().zip(series.values)) {
        let _ = write!(
            svg,
            r#"<circle class="chart-point" cx="{}" cy="{}" r="3"><title>{}</title></circle>"#,
            num(*x),
            num(*y),
            point_title(label, series.label, *value)
        );
    }
}

fn bars(
    svg: &mut String,
    labels: &[String],
    series: &Series<'_>,
    scale: &Scale,
    index: usize,
    count: usize,
) {
    // A tenth of each slot either side separates the groups.
    let slot = slot_width(labels.len());
    let bar = slot * 0.8 / count.max(1) as f64;
    for (i, (label, &value)) in labels.iter().zip(series.values).enumerate() {
        let x = PLOT_LEFT + i as f64 * slot + slot * 0.1 + index as f64 * bar;
        let y = scale.y(u128::from(value));
        let _ = write!(
            svg,
            r#"<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>"#,
            num(x),
            num(y),
            num(bar),
            num(PLOT_BOTTOM - y),
            point_title(label, series.label, value)
        );
    }
}

fn point_title(x_label: &str, series_label: &str, value: u64) -> String {
    format!("{} · {}: {value}", escape(x_label), escape(series_label))
}

/// One CSS class however odd the caller's suffix: only [a-z0-9-] survives.
fn series_class(suffix: &str) -> String {
    let clean: String = suffix
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
        .collect();
    if clean.is_empty() {
        "chart-series-default".to_owned()
    } else {
        format!("chart-series-{clean}")
    }
}

/// A tick's label, with a k/M/G/T/P/E suffix on axes reaching 10 000 so it fits the margin.
/// Exact: such an axis has a step of at least 2000, a multiple of the unit, as is every tick.
fn tick_label(tick: u128, scale: &Scale) -> String {
    const UNITS: [(u128, &str); 6] = [
        (1_000_000_000_000_000_000, "E"),
        (1_000_000_000_000_000, "P"),
        (1_000_000_000_000, "T"),
        (1_000_000_000, "G"),
        (1_000_000, "M"),
        (1_000, "k"),
    ];
    if scale.top >= 10_000 && tick > 0 {
        for (unit, suffix) in UNITS {
            if scale.step.is_multiple_of(unit) {
                return format!("{}{suffix}", tick / unit);
            }
        }
    }
    tick.to_string()
}

/// Coordinates to one decimal, without a trailing ".0".
fn num(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
}

/// Text and attribute values alike.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn months(count: usize) -> Vec<String> {
        (0..count)
            .map(|i| format!("{}-{:02}", 2026 + i / 12, i % 12 + 1))
            .collect()
    }

    fn chart<'a>(labels: &'a [String], series: &'a [Series<'a>]) -> Chart<'a> {
        Chart {
            title: "Flows",
            description: "Monthly counts",
            empty: "No data yet",
            x_labels: labels,
            series,
        }
    }

    fn series<'a>(label: &'a str, class: &'a str, values: &'a [u64]) -> Series<'a> {
        Series {
            label,
            class,
            values,
        }
    }

    /// Both kinds of chart of the same data.
    fn both(labels: &[String], series: &[Series<'_>]) -> [String; 2] {
        let chart = chart(labels, series);
        [line_chart(&chart), bar_chart(&chart)]
    }

    /// Well-formed enough for inline SVG: tags balance, attribute values are quoted, and every
    /// `&` starts a known entity, so no caller text can open or close an element.
    fn assert_well_formed(svg: &str) {
        let mut open: Vec<&str> = Vec::new();
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            assert_entities(&rest[..start]);
            let end = start + rest[start..].find('>').expect("unclosed tag");
            let tag = &rest[start + 1..end];
            assert!(!tag.contains('<'), "'<' inside a tag: {tag}");
            assert_eq!(tag.matches('"').count() % 2, 0, "unbalanced quotes: {tag}");
            assert_entities(tag);
            let name = tag
                .trim_start_matches('/')
                .split([' ', '/'])
                .next()
                .unwrap();
            if tag.starts_with('/') {
                assert_eq!(open.pop(), Some(name), "mismatched </{name}>");
            } else if !tag.ends_with('/') {
                open.push(name);
            }
            rest = &rest[end + 1..];
        }
        assert!(rest.is_empty(), "text after the root: {rest}");
        assert!(open.is_empty(), "unclosed: {open:?}");
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        assert!(
            !svg.contains("NaN") && !svg.contains("inf"),
            "non-finite number"
        );
    }

    fn assert_entities(text: &str) {
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                    .iter()
                    .any(|e| entity.starts_with(e)),
                "bare '&' in {text}"
            );
        }
    }

    /// The values of `attribute` on every `<element` in document order.
    fn attributes(svg: &str, element: &str, attribute: &str) -> Vec<f64> {
        let needle = format!(" {attribute}=\"");
        svg.split(&format!("<{element} "))
            .skip(1)
            .map(|tag| {
                let value = &tag[tag.find(&needle).unwrap() + needle.len()..];
                value[..value.find('"').unwrap()].parse().unwrap()
            })
            .collect()
    }

    #[test]
    fn escape_covers_markup_characters() {
        assert_eq!(escape(r#"<script>&"'"#), "&lt;script&gt;&amp;&quot;&#39;");
    }

    #[test]
    fn line_points_sit_on_the_scale() {
        let labels = months(3);
        let series = [series("Removed", "removed", &[0, 5, 10])];
        let svg = line_chart(&chart(&labels, &series));
        assert_well_formed(&svg);
        // 10 is a whole number of steps of 2, so the maximum is the top of the plot.
        assert_eq!(
            attributes(&svg, "circle", "cy"),
            [PLOT_BOTTOM, (PLOT_TOP + PLOT_BOTTOM) / 2.0, PLOT_TOP]
        );
        assert!(svg.contains("<title>2026-02 · Removed: 5</title>"));
        assert!(svg.contains(r#"class="chart-series chart-series-removed""#));
        let ticks: Vec<&str> = svg
            .split(r#"text-anchor="end">"#)
            .skip(1)
            .map(|t| &t[..t.find('<').unwrap()])
            .collect();
        assert_eq!(ticks, ["0", "2", "4", "6", "8", "10"]);
    }

    #[test]
    fn bars_rise_from_the_baseline() {
        let labels = months(2);
        let series = [
            series("Detained", "detained", &[4, 0]),
            series("Arrived", "arrived", &[1, 3]),
        ];
        let svg = bar_chart(&chart(&labels, &series));
        assert_well_formed(&svg);
        let ys = attributes(&svg, "rect class=\"chart-bar\"", "y");
        let heights = attributes(&svg, "rect class=\"chart-bar\"", "height");
        assert_eq!(ys[0], PLOT_TOP);
        for (y, height) in ys.iter().zip(&heights) {
            assert!(
                (y + height - PLOT_BOTTOM).abs() < 0.11,
                "bar not on the baseline"
            );
        }
        assert_eq!(heights[1], 0.0);
    }

    #[test]
    fn labels_and_classes_are_escaped() {
        let labels = vec![r#"<script>&"'"#.to_owned()];
        let series = [series("</text><script>", r#"x" onload="y"#, &[1])];
        for svg in both(&labels, &series) {
            assert_well_formed(&svg);
            assert!(!svg.contains("<script") && !svg.contains("onload="));
            assert!(svg.contains("&lt;script&gt;&amp;&quot;&#39;"));
        }
    }

    #[test]
    fn empty_and_zero_data_say_so() {
        let none: Vec<String> = Vec::new();
        let labels = months(4);
        let zeros = [series("Referred", "referred", &[0, 0, 0, 0])];
        for (labels, series) in [
            (&none, &zeros[..]),
            (&labels, &[][..]),
            (&labels, &zeros[..]),
        ] {
            for svg in both(labels, series) {
                assert_well_formed(&svg);
                assert!(svg.contains(">No data yet</text>"));
                assert!(!svg.contains("<circle") && !svg.contains("chart-bar"));
            }
        }
    }

    #[test]
    fn huge_values_stay_finite() {
        let labels = months(3);
        let series = [series("Accepted", "accepted", &[u64::MAX, 0, u64::MAX / 2])];
        for svg in both(&labels, &series) {
            assert_well_formed(&svg);
            assert!(svg.contains(">20E</text>"), "top tick is 2 × 10¹⁹");
        }
        let svg = line_chart(&chart(&labels, &series));
        for y in attributes(&svg, "circle", "cy") {
            assert!((PLOT_TOP..=PLOT_BOTTOM).contains(&y));
        }
    }

    #[test]
    fn x_labels_are_thinned() {
        let labels = months(100);
        let values: Vec<u64> = (0..100).collect();
        let series = [series("Arrived", "", &values)];
        let svg = line_chart(&chart(&labels, &series));
        assert_well_formed(&svg);
        let shown = svg.matches(r#"class="chart-xlabel""#).count();
        assert!((1..=MAX_X_LABELS).contains(&shown), "{shown} labels");
        assert_eq!(
            svg.matches("<circle").count(),
            100,
            "every point is still drawn"
        );
        assert!(svg.contains("chart-series-default"));
        let year = months(12);
        let svg = line_chart(&chart(&year, &series));
        let shown = svg.matches(r#"class="chart-xlabel""#).count();
        assert_eq!(shown, 12, "a year shows every month");
    }

    #[test]
    fn nice_scales() {
        let cases = [
            (1, 1, 1),
            (3, 1, 3),
            (7, 2, 8),
            (10, 2, 10),
            (11, 5, 15),
            (99, 20, 100),
            (4321, 1000, 5000),
        ];
        for (max, step, top) in cases {
            let scale = Scale::new(max);
            assert_eq!((scale.step, scale.top), (step, top), "max {max}");
        }
        let labels = |scale: &Scale| -> Vec<String> {
            let ticks = (0..=scale.top / scale.step).map(|i| i * scale.step);
            ticks.map(|tick| tick_label(tick, scale)).collect()
        };
        assert_eq!(
            labels(&Scale::new(4321)),
            ["0", "1000", "2000", "3000", "4000", "5000"]
        );
        assert_eq!(labels(&Scale::new(12_000)), ["0", "5k", "10k", "15k"]);
    }
}
