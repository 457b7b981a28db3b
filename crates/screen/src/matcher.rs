//! Deciding whether two names are one: both are folded to skeleton tokens ([`name_tokens`]),
//! the tokens are aligned one to one (in any order) by how alike they are, and the score weighs
//! what was aligned against what was left over. Every result says which tokens met and how.
//!
//! What counts for and against, in words:
//! - same skeleton (any script or transliteration) is a full match; a small spelling
//!   difference (an edit or two, scaled by length) is a partial one; an initial meets a word
//!   that starts with it; two words written as one (`PolPot`, `Goodwill`) meet their parts;
//! - a word left over on one side only (a middle name, a missing patronymic, a legal form) costs
//!   a little; words left over on *both* sides are conflicting information and cost a lot;
//! - two forms of one Russian surname (`Ivanov`/`Ivanova`) are different people, and so are two
//!   different patronymics.

use crate::fold::{fold_token, name_words};

/// What kind of thing the names belong to: legal forms and filler words carry little weight in
/// the names of organisations, and initials mean something only for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    Person,
    Organisation,
}

/// How two tokens met.
#[derive(Clone, Debug, PartialEq)]
pub enum TokenMatch {
    /// The same skeleton: the same word in any script or spelling.
    Same,
    /// A spelling difference of `edits` letters.
    Close { edits: usize },
    /// An initial and a word that starts with it.
    Initial,
    /// One word on one side is two (or more) on the other.
    Joined,
    /// A short form that starts the longer word (`Ben`, `Benjamin`).
    Prefix,
}

/// One aligned pair: the words (in Latin letters, as read) and how they met, with its
/// similarity in `0..=1`.
#[derive(Clone, Debug, PartialEq)]
pub struct AlignedTokens {
    pub left: String,
    pub right: String,
    pub how: TokenMatch,
    pub similarity: f64,
}

/// The score of a comparison in `0..=1`, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct NameComparison {
    pub score: f64,
    pub aligned: Vec<AlignedTokens>,
    /// Tokens of each side that met nothing.
    pub left_over: (Vec<String>, Vec<String>),
    /// A rule that vetoed the match (different surname forms, different patronymics), if any.
    pub veto: Option<&'static str>,
}

/// The threshold at which [`compare_names`] calls two names one.
pub const DEFAULT_THRESHOLD: f64 = 0.7;

/// Words of organisation names that say little about which organisation it is.
const FILLER: &[&str] = &[
    "the",
    "and",
    "of",
    "de",
    "la",
    "le",
    "du",
    "des",
    "et",
    "und",
    "for",
    "ltd",
    "limited",
    "llc",
    "inc",
    "incorporated",
    "co",
    "company",
    "corp",
    "corporation",
    "plc",
    "sa",
    "ag",
    "gmbh",
    "bv",
    "nv",
    "lp",
    "llp",
    "na",
    "oao",
    "ooo",
    "zao",
    "pao",
    "ao",
    "jsc",
    "ojsc",
    "cjsc",
    "pjsc",
    "group",
    "holding",
    "holdings",
    "mv",
    "al",
    "el",
    "bin",
    "ibn",
    "bint",
    "joint",
    "stock",
    "aktiengesellschaft",
    "sp",
    "z",
    "o",
    "srl",
    "societatea",
    "cu",
    "raspundere",
    "limitata",
    "ab",
    "as",
    "a",
    "s",
];

/// Compares two names of one kind.
pub fn compare_names(left: &str, right: &str, kind: NameKind) -> NameComparison {
    compare_prepared(&PreparedName::new(left), &PreparedName::new(right), kind)
}

/// A name folded once for many comparisons (the screening index keeps one per listed name).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreparedName {
    latin: Vec<String>,
    tokens: Vec<String>,
}

impl PreparedName {
    pub fn new(name: &str) -> PreparedName {
        let (latin, tokens) = prepare(name);
        PreparedName { latin, tokens }
    }

    /// The skeleton tokens.
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }
}

/// [`compare_names`] for names already prepared.
pub fn compare_prepared(
    left: &PreparedName,
    right: &PreparedName,
    kind: NameKind,
) -> NameComparison {
    compare_tokens(&left.tokens, &right.tokens, &left.latin, &right.latin, kind)
}

/// Number words and ordinals read as digits, so `Three Percenters` meets `3 Percenters`.
const NUMBERS: &[(&str, &str)] = &[
    ("one", "1"),
    ("first", "1"),
    ("1st", "1"),
    ("two", "2"),
    ("second", "2"),
    ("2nd", "2"),
    ("three", "3"),
    ("third", "3"),
    ("3rd", "3"),
    ("four", "4"),
    ("fourth", "4"),
    ("4th", "4"),
    ("five", "5"),
    ("fifth", "5"),
    ("5th", "5"),
    ("six", "6"),
    ("seven", "7"),
    ("eight", "8"),
    ("nine", "9"),
    ("ten", "10"),
];

/// The words of a name, as Latin spellings and as skeleton tokens, with `&` read as `and` and
/// number words as digits.
fn prepare(name: &str) -> (Vec<String>, Vec<String>) {
    name_words(&name.replace('&', " and "))
        .into_iter()
        .map(|(latin, token)| match numbers().get(&token) {
            Some(digit) => ((*digit).to_owned(), (*digit).to_owned()),
            None => (latin, token),
        })
        .unzip()
}

/// [`NUMBERS`] by the skeletons of their words, made once.
fn numbers() -> &'static std::collections::HashMap<String, &'static str> {
    static FOLDED: std::sync::OnceLock<std::collections::HashMap<String, &'static str>> =
        std::sync::OnceLock::new();
    FOLDED.get_or_init(|| {
        NUMBERS
            .iter()
            .map(|(word, digit)| (fold_token(word), *digit))
            .collect()
    })
}

/// The skeletons of [`FILLER`], made once.
fn filler() -> &'static std::collections::HashSet<String> {
    static FOLDED: std::sync::OnceLock<std::collections::HashSet<String>> =
        std::sync::OnceLock::new();
    FOLDED.get_or_init(|| FILLER.iter().map(|word| fold_token(word)).collect())
}

fn weight(token: &str, kind: NameKind) -> f64 {
    let filler = filler().contains(token);
    match (kind, filler) {
        (NameKind::Organisation, true) => 0.15,
        (NameKind::Person, true) => 0.4,
        _ if token.chars().count() == 1 => 0.5,
        _ => 1.0,
    }
}

/// Edit distance with adjacent transpositions (optimal string alignment) over chars: `Appel`
/// and `Apple` are one edit apart. The tokens are short.
fn edit_distance(a: &str, b: &str) -> usize {
    // Short ASCII words (nearly every skeleton) are compared on the stack.
    const SHORT: usize = 24;
    if a.is_ascii() && b.is_ascii() && a.len() < SHORT && b.len() < SHORT {
        return osa(a.as_bytes(), b.as_bytes(), &mut [0u8; SHORT * SHORT], SHORT);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (i, row) in d.chunks_mut(width).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

/// Optimal string alignment distance of two byte strings shorter than `width`, in `d`.
fn osa(a: &[u8], b: &[u8], d: &mut [u8], width: usize) -> usize {
    for i in 0..=a.len() {
        d[i * width] = i as u8;
    }
    for (j, cell) in d.iter_mut().take(b.len() + 1).enumerate() {
        *cell = j as u8;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    usize::from(d[a.len() * width + b.len()])
}

/// Whether two tokens are two forms of one Russian surname or patronymic: one is the other
/// with a feminine ending (`-ova`, `-eva`, `-ina`, `-aia`, `-na`).
fn gender_forms(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
    let Some(stem) = long.strip_suffix('a') else {
        return false;
    };
    let russian_ending = ["ov", "ev", "in", "kii", "ki", "ih", "ix"]
        .iter()
        .any(|ending| short.ends_with(ending));
    if !russian_ending || short.len() < 4 {
        return false;
    }
    // Ivanov/Ivanova; Tolstoi/Tolstaia (skeleton `tolstoi`/`tolstaia`)
    stem == short || (short.ends_with("ii") && long.strip_suffix("aia") == short.strip_suffix("ii"))
}

/// A patronymic's skeleton: a male `-vich`/`-ich` or female `-vna`/`-ichna` ending.
fn is_patronymic(token: &str) -> bool {
    token.len() > 6
        && ["vix", "ix", "vna", "ixna"]
            .iter()
            .any(|ending| token.ends_with(ending))
}

/// How alike two words are, in `0..=1`, and how they met; `None` when they do not. `a` and `b`
/// are skeleton tokens; a spelling difference is counted on the skeletons or on the Latin
/// spellings (`a_latin`, `b_latin`), whichever differ less (the skeleton rules are made for
/// Russian names and can move other names apart: `Cosco`, `Costco`).
fn token_similarity(
    a: &str,
    b: &str,
    a_latin: &str,
    b_latin: &str,
    kind: NameKind,
) -> Option<(f64, TokenMatch)> {
    if a == b {
        return Some((1.0, TokenMatch::Same));
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    if kind == NameKind::Person && (la == 1 || lb == 1) {
        let (initial, word) = if la == 1 { (a, b) } else { (b, a) };
        return word
            .starts_with(initial)
            .then_some((0.9, TokenMatch::Initial));
    }
    if gender_forms(a, b) {
        return None;
    }
    // A short form that starts a long one (Ben/Benjamin) is often the same given name.
    if kind == NameKind::Person && la.min(lb) >= 3 && la != lb {
        let (short, long) = if la < lb { (a, b) } else { (b, a) };
        if long.starts_with(short) {
            return Some((0.75, TokenMatch::Prefix));
        }
    }
    let shorter = la.min(lb);
    let allowed: usize = match shorter {
        0..=2 => 0,
        3..=5 => 1,
        6..=8 => 2,
        _ => 3,
    };

    // The distance is at least the difference in length: most pairs stop here, uncomputed.
    let within = |x: &str, y: &str| {
        let (lx, ly) = (x.chars().count(), y.chars().count());
        (lx.abs_diff(ly) <= allowed)
            .then(|| edit_distance(x, y))
            .filter(|edits| *edits <= allowed)
    };
    let edits = match within(a, b) {
        Some(edits) => Some(edits),
        None if a_latin != a || b_latin != b => within(a_latin, b_latin),
        None => None,
    }?;
    let longest = la.max(lb) as f64;
    let similarity = 1.0 - edits as f64 / longest;
    Some((similarity.max(0.0), TokenMatch::Close { edits }))
}

fn compare_tokens(
    left: &[String],
    right: &[String],
    left_latin: &[String],
    right_latin: &[String],
    kind: NameKind,
) -> NameComparison {
    let empty = NameComparison {
        score: 0.0,
        aligned: Vec::new(),
        left_over: (left.to_vec(), right.to_vec()),
        veto: None,
    };
    if left.is_empty() || right.is_empty() {
        return empty;
    }

    // Every candidate pair, best first; then take pairs greedily, each token at most once.
    let mut candidates = Vec::new();
    for (i, a) in left.iter().enumerate() {
        for (j, b) in right.iter().enumerate() {
            if let Some((similarity, how)) =
                token_similarity(a, b, &left_latin[i], &right_latin[j], kind)
            {
                candidates.push((similarity, i, j, how));
            }
        }
    }
    candidates.sort_by(|x, y| {
        y.0.partial_cmp(&x.0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(x.1.cmp(&y.1))
            .then(x.2.cmp(&y.2))
    });
    let mut left_used = vec![false; left.len()];
    let mut right_used = vec![false; right.len()];
    let mut aligned = Vec::new();
    // Same words first, then words written together (`PolPot`), then the closest of the rest.
    let take = |same_only: bool,
                left_used: &mut [bool],
                right_used: &mut [bool],
                aligned: &mut Vec<(usize, usize, f64, TokenMatch)>| {
        for (similarity, i, j, how) in &candidates {
            if left_used[*i] || right_used[*j] || (same_only && *how != TokenMatch::Same) {
                continue;
            }
            left_used[*i] = true;
            right_used[*j] = true;
            aligned.push((*i, *j, *similarity, how.clone()));
        }
    };
    take(true, &mut left_used, &mut right_used, &mut aligned);
    join_left_overs(left, right, &mut left_used, &mut right_used, &mut aligned);
    join_left_overs_rev(left, right, &mut left_used, &mut right_used, &mut aligned);
    take(false, &mut left_used, &mut right_used, &mut aligned);

    let left_over_left: Vec<String> = unused(left, &left_used);
    let left_over_right: Vec<String> = unused(right, &right_used);

    let veto = veto(
        left,
        right,
        &left_over_left,
        &left_over_right,
        &aligned,
        kind,
    );

    // Weights: an aligned pair counts with the heavier of its tokens.
    let matched: f64 = aligned
        .iter()
        .map(|(i, j, similarity, _)| {
            similarity * weight(&left[*i], kind).max(weight(&right[*j], kind))
        })
        .sum();
    let matched_weight: f64 = aligned
        .iter()
        .map(|(i, j, _, _)| weight(&left[*i], kind).max(weight(&right[*j], kind)))
        .sum();
    let extra = |tokens: &[String]| -> f64 { tokens.iter().map(|t| weight(t, kind)).sum() };
    let (extra_left, extra_right) = (extra(&left_over_left), extra(&left_over_right));
    // A word left over on one side is a middle name or a dropped part; on both sides it is a
    // different word where the other name has its own.
    let conflict = extra_left.min(extra_right);
    let one_sided = extra_left.max(extra_right) - conflict;
    // An extra distinguishing word in an organisation's name (a country, a series) usually
    // means another entity; in a person's, a middle name.
    let one_sided_cost = match kind {
        NameKind::Person => 0.35,
        NameKind::Organisation => 0.9,
    };
    let total = matched_weight + 2.2 * conflict + one_sided_cost * one_sided;
    let mut score = if total > 0.0 { matched / total } else { 0.0 };
    if veto.is_some() || matched_weight == 0.0 {
        score = score.min(0.3);
    }

    NameComparison {
        score,
        aligned: aligned
            .into_iter()
            .map(|(i, j, similarity, how)| AlignedTokens {
                left: left_latin[i].clone(),
                right: right_latin[j].clone(),
                how,
                similarity,
            })
            .collect(),
        left_over: (left_over_left, left_over_right),
        veto,
    }
}

fn unused(tokens: &[String], used: &[bool]) -> Vec<String> {
    tokens
        .iter()
        .zip(used)
        .filter(|(_, used)| !**used)
        .map(|(t, _)| t.clone())
        .collect()
}

/// A left-over token on the left that is two or three adjacent left-over tokens on the right
/// joined (`PolPot` / `Pol Pot`).
fn join_left_overs(
    left: &[String],
    right: &[String],
    left_used: &mut [bool],
    right_used: &mut [bool],
    aligned: &mut Vec<(usize, usize, f64, TokenMatch)>,
) {
    for (i, token) in left.iter().enumerate() {
        if left_used[i] {
            continue;
        }
        'start: for start in 0..right.len() {
            let mut joined = String::new();
            for end in start..right.len().min(start + 3) {
                if right_used[end] {
                    continue 'start;
                }
                joined.push_str(&right[end]);
                if end > start && (joined == *token || edit_distance(&joined, token) <= 1) {
                    left_used[i] = true;
                    for used in &mut right_used[start..=end] {
                        *used = true;
                    }
                    let similarity = if joined == *token { 1.0 } else { 0.9 };
                    aligned.push((i, start, similarity, TokenMatch::Joined));
                    break 'start;
                }
            }
        }
    }
}

/// [`join_left_overs`] the other way round.
fn join_left_overs_rev(
    left: &[String],
    right: &[String],
    left_used: &mut [bool],
    right_used: &mut [bool],
    aligned: &mut Vec<(usize, usize, f64, TokenMatch)>,
) {
    let mut flipped = Vec::new();
    join_left_overs(right, left, right_used, left_used, &mut flipped);
    aligned.extend(flipped.into_iter().map(|(j, i, s, how)| (i, j, s, how)));
}

/// A rule that says two names are of different people whatever else matched.
fn veto(
    left: &[String],
    right: &[String],
    left_over_left: &[String],
    left_over_right: &[String],
    aligned: &[(usize, usize, f64, TokenMatch)],
    kind: NameKind,
) -> Option<&'static str> {
    if kind != NameKind::Person {
        return None;
    }
    // Ivanov and Ivanova: the same family, different people (unless each form met its own:
    // a name may hold both, as a mother's and a father's).
    let gendered = left_over_left
        .iter()
        .any(|a| right.iter().any(|b| gender_forms(a, b)))
        || left_over_right
            .iter()
            .any(|b| left.iter().any(|a| gender_forms(a, b)));
    if gendered {
        return Some("different forms of one surname (a man and a woman)");
    }
    // Two different patronymics: children of different fathers.
    let patronymic_left = left_over_left.iter().any(|t| is_patronymic(t));
    let patronymic_right = left_over_right.iter().any(|t| is_patronymic(t));
    if patronymic_left && patronymic_right {
        return Some("different patronymics");
    }
    let _ = aligned;
    // Arabic lineage: the word after `bin`/`ibn` names the father; different fathers,
    // different people (ABDULLAH BIN OMAR is not OMAR BIN ABDULLAH).
    let fathers = |tokens: &[String]| -> Vec<String> {
        tokens
            .windows(2)
            .filter(|pair| ["bin", "ibn", "ben", "bint"].contains(&pair[0].as_str()))
            .map(|pair| pair[1].clone())
            .collect()
    };
    let (father_left, father_right) = (fathers(left), fathers(right));
    if !father_left.is_empty()
        && !father_right.is_empty()
        && !father_left.iter().any(|f| father_right.contains(f))
    {
        return Some("different fathers' names");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(a: &str, b: &str) -> f64 {
        compare_names(a, b, NameKind::Person).score
    }

    #[test]
    fn spellings_scripts_and_orders_of_one_name_meet() {
        for (a, b) in [
            ("Ярослава Глебовна Пустовойтова", "PUSTOVOITOVA, Iaroslava"),
            ("Wladimir Putin", "Vladimir Putin"),
            ("Kim Jong-un", "Kim Jong Un"),
            ("PolPot", "Pol Pot"),
            ("I. Pustovoitova", "Iaroslava Pustovoitova"),
        ] {
            assert!(
                score(a, b) >= DEFAULT_THRESHOLD,
                "{a} / {b}: {}",
                score(a, b)
            );
        }
    }

    #[test]
    fn surname_forms_and_patronymics_tell_people_apart() {
        for (a, b) in [
            ("Ivan Sidorov", "Ivanka Sidorova"),
            ("Anna Sidorova", "Anna Sidorov"),
            (
                "Murad Khasanovich Margoshvili",
                "Murad Iraklievich Margoshvili",
            ),
            ("Thomas Lindemann", "Jeremy Thomas England"),
        ] {
            assert!(
                score(a, b) < DEFAULT_THRESHOLD,
                "{a} / {b}: {}",
                score(a, b)
            );
        }
    }

    #[test]
    fn edit_distance_counts_transpositions_the_same_on_both_paths() {
        for (a, b, edits) in [
            ("appel", "apple", 1),
            ("kitten", "sitting", 3),
            ("", "abc", 3),
            ("korobov", "korobov", 0),
            ("ab", "ba", 1),
            ("ёлка", "елка", 1),
            ("навальный", "навальная", 2),
        ] {
            assert_eq!(edit_distance(a, b), edits, "{a}/{b}");
            assert_eq!(edit_distance(b, a), edits, "{b}/{a}");
        }
        let long = "a".repeat(40);
        assert_eq!(
            edit_distance(&long, &"a".repeat(38)),
            2,
            "beyond the stack path"
        );
    }

    #[test]
    fn results_explain_themselves() {
        let result = compare_names(
            "Vladimir Vladimirovich Putin",
            "Wladimir Putin",
            NameKind::Person,
        );
        assert_eq!(result.aligned.len(), 2);
        assert!(result.aligned.iter().all(|a| a.how == TokenMatch::Same));
        assert_eq!(result.left_over.0.len(), 1, "the patronymic is left over");
        assert!(result.veto.is_none());
        assert_eq!(compare_names("", "x", NameKind::Person).score, 0.0);
    }
}
