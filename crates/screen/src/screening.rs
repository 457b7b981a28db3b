//! Screening a person against the loaded lists: an in-memory index of every listed name by its
//! skeleton tokens, candidates found through the index (never by comparing the query with every
//! name), each candidate scored by the matcher, then date of birth and nationality weighed as
//! evidence for or against.

use std::collections::{BTreeSet, HashMap};

use crate::lists::{EntityKind, ListEntry, ListSource};
use crate::matcher::{NameComparison, NameKind, PreparedName, compare_prepared};

/// The most candidates scored for one query: those sharing the most words with it.
const MAX_CANDIDATES: usize = 32;
/// Tokens listed under more names than this are too common to find candidates by (`al`,
/// `bin`, `llc`) once a rarer word of the query has found some; they still count in the score.
const COMMON_TOKEN_POSTINGS: usize = 2_000;
/// Letters of a token's prefix key: a typo at the end of a long name still finds it.
const PREFIX_KEY_CHARS: usize = 4;

/// What is known of the person screened.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub name: String,
    /// `1970`, `1970-02` or `1970-02-03`.
    pub birth_date: Option<String>,
    /// Country names or ISO codes, as the lists write them (compared without case).
    pub nationalities: Vec<String>,
    pub kind: Option<EntityKind>,
}

/// Evidence besides the name, and what it did to the score.
#[derive(Clone, Debug, PartialEq)]
pub enum Evidence {
    BirthDateAgrees,
    BirthDateDisagrees,
    NationalityAgrees,
    NationalityDisagrees,
}

/// A listed entry that may be the person screened, with the reasons.
#[derive(Clone, Debug, PartialEq)]
pub struct ScreeningHit {
    pub entry: usize,
    /// The listed name that scored best.
    pub name: String,
    pub score: f64,
    pub comparison: NameComparison,
    pub evidence: Vec<Evidence>,
}

impl ScreeningHit {
    /// Why this hit, in words an analyst reads: each pair of words and how they met, the
    /// words that met nothing (as compared: folded to their skeletons), a veto, and the
    /// evidence besides the name.
    pub fn explain(&self) -> Vec<String> {
        use crate::matcher::TokenMatch;
        let comparison = &self.comparison;
        let mut lines: Vec<String> = comparison
            .aligned
            .iter()
            .map(|pair| {
                let how = match pair.how {
                    TokenMatch::Same => "the same word".to_owned(),
                    TokenMatch::Close { edits: 1 } => "one letter differs".to_owned(),
                    TokenMatch::Close { edits } => format!("{edits} letters differ"),
                    TokenMatch::Initial => "an initial".to_owned(),
                    TokenMatch::Joined => "written joined".to_owned(),
                    TokenMatch::Prefix => "a short form".to_owned(),
                };
                format!("{} ~ {}: {how}", pair.left, pair.right)
            })
            .collect();
        let (screened, listed) = &comparison.left_over;
        if !screened.is_empty() {
            lines.push(format!("not in the listed name: {}", screened.join(" ")));
        }
        if !listed.is_empty() {
            lines.push(format!("not in the name screened: {}", listed.join(" ")));
        }
        if let Some(veto) = comparison.veto {
            lines.push(format!("vetoed: {veto}"));
        }
        lines.extend(self.evidence.iter().map(|e| {
            match e {
                Evidence::BirthDateAgrees => "birth date agrees",
                Evidence::BirthDateDisagrees => "birth date disagrees",
                Evidence::NationalityAgrees => "nationality agrees",
                Evidence::NationalityDisagrees => "nationality disagrees",
            }
            .to_owned()
        }));
        lines
    }
}

/// The entries of every loaded list and the index of their names.
#[derive(Default)]
pub struct ListIndex {
    entries: Vec<ListEntry>,
    /// Every listed name, folded once: `prepared[entry][name]`.
    prepared: Vec<Vec<PreparedName>>,
    /// Token (and prefix key) -> (entry, name) postings.
    postings: HashMap<String, Vec<(u32, u16)>>,
    /// The lists that have entries here.
    sources: BTreeSet<ListSource>,
}

impl ListIndex {
    pub fn new() -> ListIndex {
        ListIndex::default()
    }

    /// Adds the entries of one list.
    pub fn extend(&mut self, entries: impl IntoIterator<Item = ListEntry>) {
        for entry in entries {
            self.sources.insert(entry.source);
            let index = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
            let mut prepared = Vec::with_capacity(entry.names.len());
            for (n, name) in entry.names.iter().enumerate().take(usize::from(u16::MAX)) {
                let n = u16::try_from(n).unwrap_or(u16::MAX);
                let name = PreparedName::new(&name.text);
                for token in name.tokens() {
                    for key in keys(token).into_iter().flatten() {
                        let list = self.postings.entry(key).or_default();
                        if list.last() != Some(&(index, n)) {
                            list.push((index, n));
                        }
                    }
                }
                prepared.push(name);
            }
            self.prepared.push(prepared);
            self.entries.push(entry);
        }
    }

    /// Replaces the entries of `source` by `entries` (a list update), keeping the others.
    pub fn replace(&mut self, source: ListSource, entries: Vec<ListEntry>) {
        let kept: Vec<ListEntry> = std::mem::take(&mut self.entries)
            .into_iter()
            .filter(|entry| entry.source != source)
            .collect();
        self.postings.clear();
        self.prepared.clear();
        self.sources.clear();
        self.extend(kept);
        self.extend(entries);
    }

    pub fn entries(&self) -> &[ListEntry] {
        &self.entries
    }

    /// The lists that have entries in this index.
    pub fn sources(&self) -> &BTreeSet<ListSource> {
        &self.sources
    }

    /// How many names are indexed.
    pub fn names(&self) -> usize {
        self.entries.iter().map(|e| e.names.len()).sum()
    }

    /// The entries that may be the person or organisation of `query`, best first, scoring at
    /// least `threshold`.
    pub fn screen(&self, query: &Query, threshold: f64) -> Vec<ScreeningHit> {
        let prepared = PreparedName::new(&query.name);
        let candidates = self.candidates(&prepared);

        let mut best: HashMap<u32, ScreeningHit> = HashMap::new();
        for (entry_index, name_index) in candidates {
            let entry = &self.entries[entry_index as usize];
            if query.kind.is_some_and(|kind| !compatible(kind, entry.kind)) {
                continue;
            }
            let listed = &entry.names[usize::from(name_index)];
            let kind = match entry.kind {
                EntityKind::Person => NameKind::Person,
                _ => NameKind::Organisation,
            };
            let listed_prepared = &self.prepared[entry_index as usize][usize::from(name_index)];
            let comparison = compare_prepared(&prepared, listed_prepared, kind);
            let (score, evidence) = weigh(comparison.score, query, entry);
            if score < threshold {
                continue;
            }
            let better = best.get(&entry_index).is_none_or(|hit| score > hit.score);
            if better {
                best.insert(
                    entry_index,
                    ScreeningHit {
                        entry: entry_index as usize,
                        name: listed.text.clone(),
                        score,
                        comparison,
                        evidence,
                    },
                );
            }
        }
        let mut hits: Vec<ScreeningHit> = best.into_values().collect();
        hits.sort_by(|a, b| {
            b.score
                .partial_cmp(&a.score)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.entry.cmp(&b.entry))
        });
        hits
    }
}

/// The index keys of a token: itself, and its first letters as a prefix key when it is longer.
fn keys(token: &str) -> [Option<String>; 2] {
    let prefix: String = token.chars().take(PREFIX_KEY_CHARS).collect();
    let prefix_key = (prefix.len() < token.len()).then(|| format!("{prefix}*"));
    [Some(token.to_owned()), prefix_key]
}

impl ListIndex {
    /// The names sharing the most with the query, through the postings of its tokens (a shared
    /// word counts twice, a shared prefix key once). Rare keys are read first; a key more
    /// common than [`COMMON_TOKEN_POSTINGS`] is read only while nothing rarer found anything.
    fn candidates(&self, prepared: &PreparedName) -> Vec<(u32, u16)> {
        let mut lists: Vec<(&[(u32, u16)], u32)> = prepared
            .tokens()
            .iter()
            .flat_map(|token| {
                let [word, prefix] = keys(token);
                [(word, 2), (prefix, 1)]
            })
            .filter_map(|(key, weight)| {
                let list = self.postings.get(&key?)?;
                Some((list.as_slice(), weight))
            })
            .collect();
        lists.sort_by_key(|(list, _)| list.len());
        let mut hits: Vec<((u32, u16), u32)> = Vec::new();
        for (list, weight) in lists {
            if list.len() > COMMON_TOKEN_POSTINGS && !hits.is_empty() {
                break;
            }
            hits.extend(
                list.iter()
                    .take(COMMON_TOKEN_POSTINGS)
                    .map(|p| (*p, weight)),
            );
        }
        // Sum the weights per name: sort, then add up runs.
        hits.sort_unstable_by_key(|(posting, _)| *posting);
        let mut scored: Vec<((u32, u16), u32)> = Vec::new();
        for (posting, weight) in hits {
            match scored.last_mut() {
                Some((last, total)) if *last == posting => *total += weight,
                _ => scored.push((posting, weight)),
            }
        }
        scored.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
            .into_iter()
            .take(MAX_CANDIDATES)
            .map(|(posting, _)| posting)
            .collect()
    }
}

fn compatible(query: EntityKind, listed: EntityKind) -> bool {
    match query {
        EntityKind::Person => listed == EntityKind::Person,
        _ => listed != EntityKind::Person,
    }
}

/// The name score moved by the other evidence: an agreeing date of birth or nationality
/// raises it a little, a contradicting one lowers it (a namesake born in another decade).
fn weigh(score: f64, query: &Query, entry: &ListEntry) -> (f64, Vec<Evidence>) {
    let mut score = score;
    let mut evidence = Vec::new();
    if let Some(date) = query.birth_date.as_deref()
        && !entry.birth_dates.is_empty()
    {
        let agrees = entry
            .birth_dates
            .iter()
            .any(|listed| dates_agree(date, listed));
        if agrees {
            score += 0.05;
            evidence.push(Evidence::BirthDateAgrees);
        } else {
            score -= 0.25;
            evidence.push(Evidence::BirthDateDisagrees);
        }
    }
    // Nationality counts only where both sides name a country Corridor recognises, or name
    // it alike: an unrecognised spelling is no evidence, never evidence against.
    let verdicts: Vec<bool> = query
        .nationalities
        .iter()
        .flat_map(|q| {
            entry
                .nationalities
                .iter()
                .filter_map(move |listed| countries_agree(q, listed))
        })
        .collect();
    if verdicts.contains(&true) {
        score += 0.03;
        evidence.push(Evidence::NationalityAgrees);
    } else if !verdicts.is_empty() {
        score -= 0.1;
        evidence.push(Evidence::NationalityDisagrees);
    }
    (score.clamp(0.0, 1.0), evidence)
}

/// Two dates agree when one is a prefix of the other (`1970` and `1970-02-03`), after taking
/// the first ten characters (`1970-02-03T00:00`).
fn dates_agree(a: &str, b: &str) -> bool {
    let a: String = a.trim().chars().take(10).collect();
    let b: String = b.trim().chars().take(10).collect();
    !a.is_empty() && !b.is_empty() && (a.starts_with(&b) || b.starts_with(&a))
}

/// Whether two country texts (ISO codes or names, as lists write them) name the same
/// country: `None` when that cannot be told (a name Corridor does not know).
fn countries_agree(a: &str, b: &str) -> Option<bool> {
    let (a, b) = (a.trim().to_lowercase(), b.trim().to_lowercase());
    if a.is_empty() || b.is_empty() {
        return None;
    }
    if a == b {
        return Some(true);
    }
    match (country_code(&a), country_code(&b)) {
        (Some(x), Some(y)) => Some(x == y),
        _ => None,
    }
}

/// Countries by ISO 3166-1 alpha-2 code and the names sanctions lists give them (lower case):
/// the countries that appear most in the lists and around Russia. Not every country: an
/// unknown one is simply no evidence.
const COUNTRIES: &[(&str, &[&str])] = &[
    ("ru", &["russia", "russian federation", "rus"]),
    ("by", &["belarus", "blr"]),
    ("ua", &["ukraine", "ukr"]),
    ("kz", &["kazakhstan", "kaz"]),
    ("kg", &["kyrgyzstan", "kyrgyz republic", "kgz"]),
    ("uz", &["uzbekistan", "uzb"]),
    ("tj", &["tajikistan", "tjk"]),
    ("tm", &["turkmenistan", "tkm"]),
    ("am", &["armenia", "arm"]),
    ("az", &["azerbaijan", "aze"]),
    ("ge", &["georgia", "geo"]),
    ("md", &["moldova", "republic of moldova", "mda"]),
    ("lv", &["latvia", "lva"]),
    ("lt", &["lithuania", "ltu"]),
    ("ee", &["estonia", "est"]),
    ("fi", &["finland", "fin"]),
    ("pl", &["poland", "pol"]),
    ("de", &["germany", "deu"]),
    ("fr", &["france", "fra"]),
    ("gb", &["united kingdom", "uk", "great britain", "gbr"]),
    ("us", &["united states", "united states of america", "usa"]),
    ("ca", &["canada", "can"]),
    ("il", &["israel", "isr"]),
    ("tr", &["turkey", "türkiye", "turkiye", "tur"]),
    ("cy", &["cyprus", "cyp"]),
    ("ch", &["switzerland", "che"]),
    ("ae", &["united arab emirates", "uae", "are"]),
    ("cn", &["china", "people's republic of china", "chn"]),
    ("hk", &["hong kong", "hkg"]),
    ("in", &["india", "ind"]),
    (
        "ir",
        &[
            "iran",
            "iran (islamic republic of)",
            "islamic republic of iran",
            "irn",
        ],
    ),
    ("iq", &["iraq", "irq"]),
    ("sy", &["syria", "syrian arab republic", "syr"]),
    (
        "kp",
        &[
            "north korea",
            "democratic people's republic of korea",
            "korea, north",
            "prk",
        ],
    ),
    (
        "kr",
        &["south korea", "republic of korea", "korea, south", "kor"],
    ),
    ("af", &["afghanistan", "afg"]),
    ("pk", &["pakistan", "pak"]),
    ("ly", &["libya", "lby"]),
    ("ye", &["yemen", "yem"]),
    ("lb", &["lebanon", "lbn"]),
    ("sd", &["sudan", "sdn"]),
    ("so", &["somalia", "som"]),
    ("ve", &["venezuela", "ven"]),
    ("cu", &["cuba", "cub"]),
    ("ni", &["nicaragua", "nic"]),
    ("mm", &["myanmar", "burma", "mmr"]),
    ("rs", &["serbia", "srb"]),
    ("ba", &["bosnia and herzegovina", "bih"]),
];

fn country_code(text: &str) -> Option<&'static str> {
    COUNTRIES
        .iter()
        .find(|(code, names)| *code == text || names.contains(&text))
        .map(|(code, _)| *code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lists::{ListedName, NameStrength};

    fn person(id: &str, names: &[&str], birth: &[&str]) -> ListEntry {
        ListEntry {
            source: ListSource::OfacSdn,
            id: id.to_owned(),
            kind: EntityKind::Person,
            names: names
                .iter()
                .map(|n| ListedName {
                    text: (*n).to_owned(),
                    strength: NameStrength::Primary,
                })
                .collect(),
            birth_dates: birth.iter().map(|b| (*b).to_owned()).collect(),
            nationalities: vec!["Russia".to_owned()],
            countries: Vec::new(),
            programs: Vec::new(),
        }
    }

    fn index() -> ListIndex {
        let mut index = ListIndex::new();
        index.extend([
            person("1", &["KOROBOV, Igor Valentinovich"], &["1956-08-03"]),
            person("2", &["Ivan Sidorov"], &["1970"]),
            person("3", &["Anna Sidorova"], &[]),
        ]);
        index
    }

    #[test]
    fn a_name_in_another_script_and_order_finds_its_entry() {
        let hits = index().screen(
            &Query {
                name: "Игорь Коробов".to_owned(),
                ..Query::default()
            },
            0.7,
        );
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].entry, 0);
    }

    #[test]
    fn nationality_is_evidence_only_where_both_sides_can_be_read() {
        assert_eq!(countries_agree("RU", "Russian Federation"), Some(true));
        assert_eq!(countries_agree("ua", "Ukraine"), Some(true));
        assert_eq!(countries_agree("UA", "Russia"), Some(false));
        assert_eq!(countries_agree("Atlantis", "atlantis"), Some(true));
        assert_eq!(
            countries_agree("XK", "Kosovo"),
            None,
            "unknown is no evidence"
        );
        assert_eq!(countries_agree("", "Russia"), None);

        let mut index = ListIndex::new();
        let mut listed = person("9", &["Oksana Hrytsenko"], &[]);
        listed.nationalities = vec!["Ukraine".to_owned()];
        index.extend([listed]);
        let query = |nationality: &str| Query {
            name: "Oksana Hrytsenko".to_owned(),
            nationalities: vec![nationality.to_owned()],
            ..Query::default()
        };
        let same = index.screen(&query("UA"), 0.7);
        assert_eq!(same[0].evidence, [Evidence::NationalityAgrees]);
        let other = index.screen(&query("RU"), 0.0);
        assert_eq!(other[0].evidence, [Evidence::NationalityDisagrees]);
        let unknown = index.screen(&query("XK"), 0.0);
        assert!(unknown[0].evidence.is_empty());
    }

    #[test]
    fn a_hit_explains_its_words_and_evidence() {
        let hits = index().screen(
            &Query {
                name: "Igor Korobov".to_owned(),
                birth_date: Some("1956".to_owned()),
                ..Query::default()
            },
            0.7,
        );
        let lines = hits[0].explain();
        assert!(
            lines.contains(&"igor ~ igor: the same word".to_owned()),
            "{lines:?}"
        );
        // Left-over words are shown as compared: folded to their skeletons.
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("not in the name screened: valentinov")),
            "{lines:?}"
        );
        assert_eq!(lines.last().map(String::as_str), Some("birth date agrees"));
    }

    #[test]
    fn birth_dates_and_gender_forms_decide_between_namesakes() {
        let index = index();
        let query = |birth: &str| Query {
            name: "Ivan Sidorov".to_owned(),
            birth_date: Some(birth.to_owned()),
            ..Query::default()
        };
        let agreeing = index.screen(&query("1970-05-06"), 0.7);
        assert_eq!(agreeing.len(), 1, "not Anna Sidorova");
        assert!(agreeing[0].evidence.contains(&Evidence::BirthDateAgrees));
        let other_decade = index.screen(&query("1990"), 0.8);
        assert!(other_decade.is_empty(), "{other_decade:?}");
    }

    #[test]
    fn a_typo_at_the_end_of_a_long_surname_is_still_found_and_updates_replace_a_list() {
        let mut index = index();
        let hits = index.screen(
            &Query {
                name: "Igor Korobow".to_owned(),
                ..Query::default()
            },
            0.6,
        );
        assert_eq!(hits.first().map(|h| h.entry), Some(0));
        index.replace(
            ListSource::OfacSdn,
            vec![person("9", &["Nobody Else"], &[])],
        );
        assert_eq!(index.entries().len(), 1);
        let hits = index.screen(
            &Query {
                name: "Igor Korobov".to_owned(),
                ..Query::default()
            },
            0.6,
        );
        assert!(hits.is_empty());

        // The lists present follow the updates: a list emptied by an update is gone.
        index.extend([ListEntry::new(
            ListSource::UnConsolidated,
            "QDi.1",
            EntityKind::Person,
            "Someone",
        )]);
        assert_eq!(
            index.sources().iter().copied().collect::<Vec<_>>(),
            [ListSource::OfacSdn, ListSource::UnConsolidated]
        );
        index.replace(ListSource::OfacSdn, Vec::new());
        assert_eq!(
            index.sources().iter().copied().collect::<Vec<_>>(),
            [ListSource::UnConsolidated]
        );
    }
}
