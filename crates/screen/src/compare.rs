//! Comparing lists: the same person or entity resolved across the US, EU, UK and UN lists, and
//! those with a Russia link that Canada has not listed — what the exiles can offer Canada when
//! it tailors its sanctions.

use crate::lists::{EntityKind, ListEntry, ListSource};
use crate::screening::{ListIndex, Query};

/// Score from which two listed names are taken for one person or entity across lists; higher
/// than screening's threshold, since a wrong merge hides a gap.
pub const SAME_ENTITY: f64 = 0.85;

/// One person or entity listed elsewhere with a Russia link, and not by Canada.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap {
    pub name: String,
    pub kind: EntityKind,
    /// Every list and id it was found under.
    pub listed_by: Vec<(ListSource, String)>,
    pub birth_dates: Vec<String>,
    pub programs: Vec<String>,
}

impl Gap {
    /// The lists and ids as one text: `ofac_sdn:21328 eu_fsf:9001`.
    pub fn listed_by_text(&self) -> String {
        self.listed_by
            .iter()
            .map(|(source, id)| format!("{}:{id}", source.as_str()))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The gaps as CSV: a header (`name,kind,listed_by,birth_dates,programs`), then a row each.
pub fn to_csv(gaps: &[Gap]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut rows = vec![[
        "name".to_owned(),
        "kind".to_owned(),
        "listed_by".to_owned(),
        "birth_dates".to_owned(),
        "programs".to_owned(),
    ]];
    rows.extend(gaps.iter().map(|gap| {
        [
            gap.name.clone(),
            format!("{:?}", gap.kind).to_lowercase(),
            gap.listed_by_text(),
            gap.birth_dates.join(" "),
            gap.programs.join("; "),
        ]
    }));
    for row in rows {
        // Writing to memory cannot fail.
        let _ = writer.write_record(row);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The Russia-linked entries of the other lists, grouped by entity, that match nothing on
/// Canada's list, sorted by name.
pub fn gaps(entries: &[ListEntry]) -> Vec<Gap> {
    let mut canada = ListIndex::new();
    canada.extend(
        entries
            .iter()
            .filter(|e| e.source == ListSource::CanadaSema)
            .cloned(),
    );
    let others: Vec<&ListEntry> = entries
        .iter()
        .filter(|e| e.source != ListSource::CanadaSema && e.russia_linked())
        .collect();
    let mut index = ListIndex::new();
    index.extend(others.iter().map(|e| (*e).clone()));

    // Group the same entity across lists (union-find over the entries that match).
    let mut parent: Vec<usize> = (0..others.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, entry) in others.iter().enumerate() {
        for hit in index.screen(&query_for(entry), SAME_ENTITY) {
            let other = others[hit.entry];
            if hit.entry != i && other.source != entry.source && other.kind == entry.kind {
                let (a, b) = (root(&mut parent, i), root(&mut parent, hit.entry));
                parent[a] = b;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for i in 0..others.len() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }

    let threshold = crate::matcher::DEFAULT_THRESHOLD;
    let mut gaps: Vec<Gap> = groups
        .into_values()
        .filter(|members| {
            !members.iter().any(|&i| {
                others[i].names.iter().any(|name| {
                    let query = Query {
                        name: name.text.clone(),
                        ..query_for(others[i])
                    };
                    !canada.screen(&query, threshold).is_empty()
                })
            })
        })
        .map(|members| {
            let first = others[members[0]];
            let mut gap = Gap {
                name: first.names[0].text.clone(),
                kind: first.kind,
                listed_by: Vec::new(),
                birth_dates: Vec::new(),
                programs: Vec::new(),
            };
            for &i in &members {
                let entry = others[i];
                gap.listed_by.push((entry.source, entry.id.clone()));
                for date in &entry.birth_dates {
                    if !gap.birth_dates.contains(date) {
                        gap.birth_dates.push(date.clone());
                    }
                }
                for program in &entry.programs {
                    if !gap.programs.contains(program) {
                        gap.programs.push(program.clone());
                    }
                }
            }
            gap
        })
        .collect();
    gaps.sort_by(|a, b| a.name.cmp(&b.name));
    gaps
}

/// A screening query made of an entry's primary name, first birth date and kind.
fn query_for(entry: &ListEntry) -> Query {
    Query {
        name: entry.names[0].text.clone(),
        birth_date: entry.birth_dates.first().cloned(),
        nationalities: Vec::new(),
        kind: Some(entry.kind),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(source: ListSource, id: &str, name: &str, program: &str) -> ListEntry {
        ListEntry {
            programs: vec![program.to_owned()],
            ..ListEntry::new(source, id, EntityKind::Person, name)
        }
    }

    #[test]
    fn listed_elsewhere_with_a_russia_link_and_not_by_canada() {
        let entries = vec![
            entry(
                ListSource::OfacSdn,
                "1",
                "KOROBOV, Igor Valentinovich",
                "RUSSIA-EO14024",
            ),
            entry(ListSource::EuFsf, "9", "Igor Valentinovich KOROBOV", "RUS"),
            entry(ListSource::OfacSdn, "2", "SIDOROV, Ivan", "RUSSIA-EO14024"),
            entry(
                ListSource::CanadaSema,
                "C1",
                "Ivan Sidorov",
                "Russia / Russie",
            ),
            entry(ListSource::OfacSdn, "3", "Someone Else", "CUBA"),
        ];
        let gaps = gaps(&entries);
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert_eq!(gaps[0].listed_by.len(), 2, "one person, two lists");
        assert!(gaps[0].name.contains("KOROBOV"));
        assert_eq!(gaps[0].listed_by_text(), "ofac_sdn:1 eu_fsf:9");
        let csv = to_csv(&gaps);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "name,kind,listed_by,birth_dates,programs");
        assert_eq!(
            lines[1],
            "\"KOROBOV, Igor Valentinovich\",person,ofac_sdn:1 eu_fsf:9,,RUSSIA-EO14024; RUS"
        );
    }
}
