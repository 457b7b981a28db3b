//! OFAC's SDN list in its legacy CSV form: `sdn.csv` (one row per entry, no header: number,
//! name, type, programmes, title, call sign, vessel type, tonnage, GRT, flag, owner, remarks),
//! `alt.csv` (aliases: number, alias number, type, name, remarks) and `add.csv` (addresses:
//! number, address number, street, city, country, remarks). `-0-` stands for an empty field;
//! the files end with a DOS end-of-file byte. Dates of birth and nationalities live in the
//! remarks (`DOB 03 Aug 1956; nationality Russia; ...`).

use std::collections::HashMap;
use std::io::Read;

use super::{
    EntityKind, Import, ListEntry, ListSource, ListedName, NameStrength, OnError, RecordError,
    for_each_csv_record,
};

/// Reads the SDN list; `alt` and `add` are optional companions.
pub fn read(
    sdn: impl Read,
    alt: Option<&mut dyn Read>,
    add: Option<&mut dyn Read>,
    on_error: OnError,
) -> Result<Import, RecordError> {
    let mut import = Import::default();
    let mut by_number: HashMap<u64, usize> = HashMap::new();
    for_each_row(
        sdn,
        "sdn.csv",
        12,
        on_error,
        &mut import.skipped,
        |row, line| {
            let entry = entry(row, line)?;
            let number = row_number(row, line, "sdn.csv")?;
            if by_number.insert(number, import.entries.len()).is_some() {
                return Err(RecordError {
                    file: "sdn.csv",
                    line,
                    reason: format!("entry {number} appears twice"),
                });
            }
            import.entries.push(entry);
            Ok(())
        },
    )?;
    if let Some(alt) = alt {
        let entries = &mut import.entries;
        for_each_row(
            alt,
            "alt.csv",
            5,
            on_error,
            &mut import.skipped,
            |row, line| {
                let index = owner(&by_number, row, line, "alt.csv")?;
                let Some(name) = value(&row[3]) else {
                    return Err(RecordError {
                        file: "alt.csv",
                        line,
                        reason: "the alias is empty".to_owned(),
                    });
                };
                let strength = match value(&row[2]).map(str::to_ascii_lowercase).as_deref() {
                    Some("fka") => NameStrength::Former,
                    Some(_) if value(&row[4]).is_some_and(|r| r.contains("low quality")) => {
                        NameStrength::Weak
                    }
                    _ => NameStrength::Alias,
                };
                entries[index].names.push(ListedName {
                    text: name.to_owned(),
                    strength,
                });
                Ok(())
            },
        )?;
    }
    if let Some(add) = add {
        let entries = &mut import.entries;
        for_each_row(
            add,
            "add.csv",
            6,
            on_error,
            &mut import.skipped,
            |row, line| {
                let index = owner(&by_number, row, line, "add.csv")?;
                if let Some(country) = value(&row[4]) {
                    let countries = &mut entries[index].countries;
                    if !countries.iter().any(|c| c == country) {
                        countries.push(country.to_owned());
                    }
                }
                Ok(())
            },
        )?;
    }
    Ok(import)
}

/// Calls `each` with every row of a headerless CSV file of `fields` columns and its line; a
/// row of the wrong width, or one `each` refuses, is handled as `on_error` says.
fn for_each_row(
    input: impl Read,
    file: &'static str,
    fields: usize,
    on_error: OnError,
    skipped: &mut Vec<RecordError>,
    mut each: impl FnMut(&csv::StringRecord, u64) -> Result<(), RecordError>,
) -> Result<(), RecordError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(crate::lines::LfReader::new(input));
    for_each_csv_record(&mut reader, file, on_error, skipped, |record, line| {
        // The DOS end-of-file byte on a line of its own.
        if record.len() == 1 && record[0].trim_matches(['\u{1a}', ' ']).is_empty() {
            return Ok(());
        }
        if record.len() != fields {
            return Err(RecordError {
                file,
                line,
                reason: format!("{} fields where {fields} were expected", record.len()),
            });
        }
        each(record, line)
    })
}

/// A field's value: `None` for OFAC's `-0-` or blank.
fn value(field: &str) -> Option<&str> {
    let trimmed = field.trim();
    (!trimmed.is_empty() && trimmed != "-0-").then_some(trimmed)
}

fn row_number(row: &csv::StringRecord, line: u64, file: &'static str) -> Result<u64, RecordError> {
    value(&row[0])
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| RecordError {
            file,
            line,
            reason: "the entry number is not a number".to_owned(),
        })
}

/// The index of the entry a row of `alt.csv` or `add.csv` belongs to.
fn owner(
    by_number: &HashMap<u64, usize>,
    row: &csv::StringRecord,
    line: u64,
    file: &'static str,
) -> Result<usize, RecordError> {
    let number = row_number(row, line, file)?;
    by_number.get(&number).copied().ok_or_else(|| RecordError {
        file,
        line,
        reason: format!("entry {number} is not in sdn.csv"),
    })
}

fn entry(row: &csv::StringRecord, line: u64) -> Result<ListEntry, RecordError> {
    let error = |reason: &str| RecordError {
        file: "sdn.csv",
        line,
        reason: reason.to_owned(),
    };
    let id = value(&row[0]).ok_or_else(|| error("the entry number is empty"))?;
    let name = value(&row[1]).ok_or_else(|| error("the name is empty"))?;
    let kind = match value(&row[2]).map(str::to_ascii_lowercase).as_deref() {
        None => EntityKind::Organisation,
        Some("individual") => EntityKind::Person,
        Some("vessel") => EntityKind::Vessel,
        Some("aircraft") => EntityKind::Aircraft,
        Some(_) => return Err(error("the type is not individual, vessel, aircraft or -0-")),
    };
    let programs = value(&row[3])
        .map(|programs| {
            programs
                .split("] [")
                .map(|p| p.trim_matches(['[', ']', ' ']).to_owned())
                .filter(|p| !p.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let remarks = value(&row[11]).unwrap_or("");
    let mut entry = ListEntry {
        source: ListSource::OfacSdn,
        id: id.to_owned(),
        kind,
        names: vec![ListedName {
            text: name.to_owned(),
            strength: NameStrength::Primary,
        }],
        birth_dates: Vec::new(),
        nationalities: Vec::new(),
        countries: Vec::new(),
        programs,
    };
    for remark in remarks.split(';').map(str::trim) {
        if let Some(date) = remark.strip_prefix("DOB ") {
            entry.birth_dates.extend(birth_dates(date));
        } else if let Some(country) = remark
            .strip_prefix("nationality ")
            .or_else(|| remark.strip_prefix("citizen "))
        {
            let country = country.trim_end_matches('.').trim();
            if !country.is_empty() && !entry.nationalities.iter().any(|c| c == country) {
                entry.nationalities.push(country.to_owned());
            }
        }
    }
    if let Some(flag) = value(&row[9]) {
        entry.countries.push(flag.to_owned());
    }
    Ok(entry)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `03 Aug 1956` -> `1956-08-03`, `Aug 1956` -> `1956-08`, `circa 1956` and `1956` -> `1956`,
/// `1960 to 1962` -> both years; anything else is kept as written.
fn birth_dates(text: &str) -> Vec<String> {
    let text = text.trim().trim_end_matches('.');
    let text = text.strip_prefix("circa ").unwrap_or(text);
    if let Some((from, to)) = text.split_once(" to ") {
        return birth_dates(from)
            .into_iter()
            .chain(birth_dates(to))
            .collect();
    }
    let parts: Vec<&str> = text.split_whitespace().collect();
    let month = |m: &str| MONTHS.iter().position(|x| *x == m).map(|i| i + 1);
    fn year(y: &str) -> Option<&str> {
        (y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit())).then_some(y)
    }
    let normalised = match parts.as_slice() {
        [y] => year(y).map(str::to_owned),
        [m, y] => month(m).zip(year(y)).map(|(m, y)| format!("{y}-{m:02}")),
        [d, m, y] => d
            .parse::<u8>()
            .ok()
            .filter(|d| (1..=31).contains(d))
            .zip(month(m))
            .zip(year(y))
            .map(|((d, m), y)| format!("{y}-{m:02}-{d:02}")),
        _ => None,
    };
    vec![normalised.unwrap_or_else(|| text.to_owned())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_dates_are_normalised_where_their_form_is_known() {
        assert_eq!(birth_dates("03 Aug 1956"), ["1956-08-03"]);
        assert_eq!(birth_dates("Aug 1956"), ["1956-08"]);
        assert_eq!(birth_dates("circa 1956"), ["1956"]);
        assert_eq!(birth_dates("1960 to 1962"), ["1960", "1962"]);
        assert_eq!(birth_dates("32 Aug 1956"), ["32 Aug 1956"]);
    }
}
