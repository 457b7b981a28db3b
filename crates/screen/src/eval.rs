//! Measuring the matcher on labelled name pairs (the format of
//! `shared/data/names/name_pairs_dev.csv`: a header with at least `schema`, `name1`, `name2`
//! and `is_match`; other columns are ignored): precision, recall, F1 and speed.

use std::io::Read;
use std::time::{Duration, Instant};

use crate::matcher::{NameKind, compare_names};

/// One labelled pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelledPair {
    pub kind: NameKind,
    pub left: String,
    pub right: String,
    pub is_match: bool,
}

/// Why a pairs file could not be read. Messages name the line and the column, never a name.
#[derive(Debug, thiserror::Error)]
pub enum PairsError {
    #[error("the pairs file has no `{0}` column in its header")]
    MissingColumn(&'static str),
    #[error("line {line}: `is_match` must be `true` or `false`")]
    BadLabel { line: u64 },
    #[error("line {line}: `{column}` is empty")]
    EmptyName { line: u64, column: &'static str },
    #[error("line {line}: {reason}")]
    Csv { line: u64, reason: String },
    #[error("the pairs file holds no pairs")]
    Empty,
}

/// Reads every pair; the first bad line stops the reading.
pub fn read_pairs(input: impl Read) -> Result<Vec<LabelledPair>, PairsError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(crate::lines::LfReader::new(input));
    let csv_error = |error: csv::Error| {
        let line = error.position().map_or(0, csv::Position::line);
        // csv's messages describe the structure (field counts, UTF-8), never the content.
        let reason = match error.kind() {
            csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_owned(),
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("{len} fields where the header has {expected_len}"),
            csv::ErrorKind::Io(_) => "could not be read".to_owned(),
            _ => "not valid CSV".to_owned(),
        };
        PairsError::Csv { line, reason }
    };
    let header = reader.headers().map_err(csv_error)?.clone();
    let column = |name: &'static str| {
        header
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .ok_or(PairsError::MissingColumn(name))
    };
    let (schema, name1, name2, is_match) = (
        column("schema")?,
        column("name1")?,
        column("name2")?,
        column("is_match")?,
    );
    let mut pairs = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |index: usize| record.get(index).unwrap_or("");
        let is_match = match field(is_match).trim() {
            "true" | "True" | "TRUE" | "1" => true,
            "false" | "False" | "FALSE" | "0" => false,
            _ => return Err(PairsError::BadLabel { line }),
        };
        let name = |index: usize, column: &'static str| {
            let text = field(index);
            if text.trim().is_empty() {
                Err(PairsError::EmptyName { line, column })
            } else {
                Ok(text.to_owned())
            }
        };
        pairs.push(LabelledPair {
            kind: if field(schema) == "Person" {
                NameKind::Person
            } else {
                NameKind::Organisation
            },
            left: name(name1, "name1")?,
            right: name(name2, "name2")?,
            is_match,
        });
    }
    if pairs.is_empty() {
        return Err(PairsError::Empty);
    }
    Ok(pairs)
}

/// The confusion counts of one run and how long it took.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evaluation {
    pub true_positives: u32,
    pub false_positives: u32,
    pub false_negatives: u32,
    pub true_negatives: u32,
    pub elapsed: Duration,
}

impl Evaluation {
    pub fn pairs(&self) -> u32 {
        self.true_positives + self.false_positives + self.false_negatives + self.true_negatives
    }

    /// Of the pairs called matches, the share that are (1 when none were called).
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    /// Of the true matches, the share that were called (1 when there are none).
    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    pub fn pairs_per_second(&self) -> f64 {
        f64::from(self.pairs()) / self.elapsed.as_secs_f64().max(1e-9)
    }
}

fn ratio(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        1.0
    } else {
        f64::from(part) / f64::from(whole)
    }
}

/// Compares every pair and counts the calls at `threshold` against the labels.
pub fn evaluate(pairs: &[LabelledPair], threshold: f64) -> Evaluation {
    let started = Instant::now();
    let mut evaluation = Evaluation {
        true_positives: 0,
        false_positives: 0,
        false_negatives: 0,
        true_negatives: 0,
        elapsed: Duration::ZERO,
    };
    for pair in pairs {
        let called = compare_names(&pair.left, &pair.right, pair.kind).score >= threshold;
        match (called, pair.is_match) {
            (true, true) => evaluation.true_positives += 1,
            (true, false) => evaluation.false_positives += 1,
            (false, true) => evaluation.false_negatives += 1,
            (false, false) => evaluation.true_negatives += 1,
        }
    }
    evaluation.elapsed = started.elapsed();
    evaluation
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "case_group,schema,name1,name2,is_match,notes\n";

    #[test]
    fn pairs_are_read_with_quoting_and_a_byte_order_mark() {
        let text = format!(
            "\u{feff}{HEADER}g,Person,\"Putin, Vladimir\",Wladimir Putin,true,\"a, b\"\ng,Company,A,B,false,\n"
        );
        let pairs = read_pairs(text.as_bytes()).expect("valid");
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[0].left, "Putin, Vladimir");
        assert_eq!(pairs[1].kind, NameKind::Organisation);
        let evaluation = evaluate(&pairs, 0.7);
        assert_eq!(evaluation.pairs(), 2);
        assert_eq!(evaluation.true_positives + evaluation.true_negatives, 2);
        assert_eq!(evaluation.f1(), 1.0);
    }

    #[test]
    fn bad_files_name_the_line_or_column_and_never_a_name() {
        let cases: [(String, &str); 6] = [
            (
                "schema,name1,name2\nPerson,a,b\n".to_owned(),
                "no `is_match` column",
            ),
            (
                format!("{HEADER}g,Person,Secret Name,b,maybe,\n"),
                "line 2: `is_match`",
            ),
            (
                format!("{HEADER}g,Person,,Secret Name,true,\n"),
                "line 2: `name1` is empty",
            ),
            (
                format!("{HEADER}g,Person,Secret Name,b,true\n"),
                "line 2: 5 fields where the header has 6",
            ),
            (
                format!("{HEADER}g,Person,\"A\nB\",c,true,\ng,Person,x,y,no,\n"),
                "line 4: `is_match`",
            ),
            (HEADER.to_owned(), "no pairs"),
        ];
        for (text, expected) in cases {
            let error = read_pairs(text.as_bytes()).expect_err(expected).to_string();
            assert!(error.contains(expected), "{error}");
            assert!(!error.contains("Secret"), "{error}");
        }
        let mut invalid = HEADER.as_bytes().to_vec();
        invalid.extend_from_slice(b"g,Person,\xff\xfe,b,true,\n");
        let error = read_pairs(invalid.as_slice())
            .expect_err("not UTF-8")
            .to_string();
        assert!(
            error.contains("line 2") && error.contains("UTF-8"),
            "{error}"
        );
    }

    #[test]
    fn the_figures_follow_their_definitions() {
        let evaluation = Evaluation {
            true_positives: 6,
            false_positives: 2,
            false_negatives: 4,
            true_negatives: 8,
            elapsed: Duration::from_secs(2),
        };
        assert_eq!(evaluation.precision(), 0.75);
        assert_eq!(evaluation.recall(), 0.6);
        assert!((evaluation.f1() - 2.0 * 0.75 * 0.6 / 1.35).abs() < 1e-12);
        assert_eq!(evaluation.pairs_per_second(), 10.0);
    }
}
