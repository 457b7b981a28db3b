//! The labelled person pairs of `shared/data/names/name_pairs_dev.csv`, measured as a search:
//! does one name of a pair find the other (all query tokens matching, exact or prefix)? The
//! index is for finding, not deciding, and the pairs include typos and nicknames it is not
//! meant to bridge; the figures are printed as a baseline for the fuzzy matcher to come.

use corridor_screen::NameIndex;

use crate::data_dir;

/// Fields of one CSV line (RFC 4180 quoting; the file has no line breaks inside fields).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().expect("a field").push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().expect("a field").push(c),
        }
    }
    fields
}

fn finds(a: &str, b: &str) -> bool {
    let mut index = NameIndex::new();
    index.insert(0u8, [b]);
    !index.search(a, 1).is_empty()
}

#[test]
fn person_pairs_baseline() {
    let path = data_dir("names").join("name_pairs_dev.csv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines();
    let header = csv_fields(lines.next().expect("header"));
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {}", path.display()))
    };
    let (schema, name1, name2, is_match) = (
        column("schema"),
        column("name1"),
        column("name2"),
        column("is_match"),
    );

    let (mut tp, mut fp, mut fn_, mut tn) = (0u32, 0u32, 0u32, 0u32);
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let row = csv_fields(line);
        if row[schema] != "Person" {
            continue;
        }
        let (a, b) = (&row[name1], &row[name2]);
        let found = finds(a, b) || finds(b, a);
        match (found, row[is_match].as_str()) {
            (true, "true") => tp += 1,
            (true, _) => fp += 1,
            (false, "true") => fn_ += 1,
            (false, _) => tn += 1,
        }
    }
    let precision = f64::from(tp) / f64::from(tp + fp);
    let recall = f64::from(tp) / f64::from(tp + fn_);
    println!(
        "person pairs: {} (tp {tp}, fp {fp}, fn {fn_}, tn {tn}); precision {precision:.3}, \
         recall {recall:.3}",
        tp + fp + fn_ + tn
    );
    assert!(
        tp + fp + fn_ + tn >= 300,
        "expected the 300-odd person pairs"
    );
    // Floors a little under the figures measured when this was written (precision 0.891,
    // recall 0.396 over 329 pairs). Most misses are typos (Jeff Brezos), nicknames (Bibi),
    // initials (V. Putin) and other scripts: work for the fuzzy matcher, not the index.
    assert!(precision >= 0.85, "precision {precision:.3}");
    assert!(recall >= 0.35, "recall {recall:.3}");
}

/// The matcher on every labelled pair: precision, recall and F1 at the default threshold (or
/// `CORRIDOR_EVAL_THRESHOLD`), printed, and held to the target. With
/// `CORRIDOR_EVAL_VERBOSE` set it lists every wrong call.
#[test]
fn the_matcher_on_the_labelled_pairs() {
    use corridor_screen::eval::{evaluate, read_pairs};
    use corridor_screen::{DEFAULT_THRESHOLD, compare_names};
    let path = data_dir("names").join("name_pairs_dev.csv");
    let file = std::fs::File::open(&path).expect("pairs");
    let pairs = read_pairs(file).expect("valid pairs");
    let threshold: f64 = std::env::var("CORRIDOR_EVAL_THRESHOLD")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(DEFAULT_THRESHOLD);
    if std::env::var_os("CORRIDOR_EVAL_VERBOSE").is_some() {
        for pair in &pairs {
            let result = compare_names(&pair.left, &pair.right, pair.kind);
            if (result.score >= threshold) != pair.is_match {
                let call = if pair.is_match { "FN" } else { "FP" };
                println!(
                    "{call} {:.2} {} | {} | {:?}",
                    result.score, pair.left, pair.right, result.veto
                );
            }
        }
    }
    let evaluation = evaluate(&pairs, threshold);
    let f1 = evaluation.f1();
    println!(
        "matcher at {threshold}: {evaluation:?}; precision={:.3} recall={:.3} f1={f1:.3}",
        evaluation.precision(),
        evaluation.recall()
    );
    if threshold == DEFAULT_THRESHOLD {
        // The target; OpenSanctions' logic-v2 scores 0.796 on this file.
        assert!(f1 >= 0.85, "F1 {f1:.3} below the target 0.85");
    }
}
