//! `corridor screen eval`: the matcher measured on labelled pairs through the real binary.

use crate::support::{Env, path_str};

fn dev_pairs() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/names/name_pairs_dev.csv")
}

#[test]
fn eval_prints_the_figures_and_ends_with_the_agreed_line() {
    let env = Env::new();
    let pairs = dev_pairs();
    let stdout = env.ok(&["screen", "eval", "--pairs", path_str(&pairs)]);
    assert!(stdout.contains("pairs: 495"), "{stdout}");
    assert!(stdout.contains("pairs per second: "), "{stdout}");
    let last = stdout.lines().last().expect("a last line");
    let figures: Vec<f64> = last
        .split(' ')
        .zip(["precision=", "recall=", "f1="])
        .map(|(part, key)| {
            let value = part.strip_prefix(key).unwrap_or_else(|| panic!("{last}"));
            assert_eq!(value.len(), 5, "three decimals: {last}");
            value.parse().expect("a number")
        })
        .collect();
    assert_eq!(figures.len(), 3, "{last}");
    assert!(figures[2] >= 0.85, "F1 target: {last}");

    let strict = env.ok(&[
        "screen",
        "eval",
        "--pairs",
        path_str(&pairs),
        "--threshold",
        "0.95",
    ]);
    let strict_last = strict.lines().last().expect("a last line");
    assert_ne!(strict_last, last, "the threshold is used");
}

#[test]
fn eval_refuses_bad_pairs_files_naming_the_line_not_the_name() {
    let env = Env::new();
    let bad_label = env.file(
        "bad.csv",
        "schema,name1,name2,is_match\nPerson,Secret Canary,Other,perhaps\n",
    );
    let err = env.fails(&["screen", "eval", "--pairs", path_str(&bad_label)]);
    assert!(err.contains("line 2") && err.contains("is_match"), "{err}");
    assert!(!err.contains("Secret Canary"), "{err}");

    let no_column = env.file("nocol.csv", "name1,name2\nA,B\n");
    let err = env.fails(&["screen", "eval", "--pairs", path_str(&no_column)]);
    assert!(err.contains("`schema`"), "{err}");

    let missing = env.fails(&["screen", "eval", "--pairs", "/no/such/file.csv"]);
    assert!(missing.contains("cannot read"), "{missing}");
    let pairs = dev_pairs();
    let err = env.fails(&[
        "screen",
        "eval",
        "--pairs",
        path_str(&pairs),
        "--threshold",
        "7",
    ]);
    assert!(err.contains("--threshold"), "{err}");
}
