//! The UK's consolidated list of financial sanctions targets (OFSI, `ConList.csv`): an optional
//! `Last Updated` line, a header, then one row per *name*; rows of one target share a
//! `Group ID`. Names are `Name 1` .. `Name 5` (given names) and `Name 6` (surname);
//! `Alias Type` says which row is the primary name, `Alias Quality` marks weak aliases. Dates
//! of birth are `dd/mm/yyyy`, with `00` for an unknown day or month.

use std::collections::HashMap;
use std::io::Read;

use super::{
    EntityKind, Import, ListEntry, ListSource, ListedName, NameStrength, OnError, RecordError,
    for_each_csv_record,
};

const FILE: &str = "ConList.csv";

/// The columns read, by header name.
struct Columns {
    names: [usize; 6],
    non_latin: Option<usize>,
    dob: Option<usize>,
    nationality: Option<usize>,
    country: Option<usize>,
    group_type: Option<usize>,
    alias_type: Option<usize>,
    alias_quality: Option<usize>,
    regime: Option<usize>,
    group_id: usize,
}

/// Reads the list.
pub fn read(input: impl Read, on_error: OnError) -> Result<Import, RecordError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(crate::lines::LfReader::new(input));
    let mut import = Import::default();
    let mut columns: Option<Columns> = None;
    let mut by_group: HashMap<String, usize> = HashMap::new();
    let entries = &mut import.entries;
    for_each_csv_record(
        &mut reader,
        FILE,
        on_error,
        &mut import.skipped,
        |record, line| {
            let Some(columns) = columns.as_ref() else {
                columns = header(record);
                return Ok(());
            };
            row(record, line, columns, entries, &mut by_group)?;

            Ok(())
        },
    )?;
    if columns.is_none() {
        return Err(RecordError {
            file: FILE,
            line: 1,
            reason: "no header with `Name 6` and `Group ID` was found".to_owned(),
        });
    }
    Ok(import)
}

/// The columns, if `record` is the header line.
fn header(record: &csv::StringRecord) -> Option<Columns> {
    let find = |name: &str| {
        record
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').trim() == name)
    };
    let names = [
        find("Name 1")?,
        find("Name 2")?,
        find("Name 3")?,
        find("Name 4")?,
        find("Name 5")?,
        find("Name 6")?,
    ];
    Some(Columns {
        names,
        non_latin: find("Name Non-Latin Script"),
        dob: find("DOB"),
        nationality: find("Nationality"),
        country: find("Country"),
        group_type: find("Group Type"),
        alias_type: find("Alias Type"),
        alias_quality: find("Alias Quality"),
        regime: find("Regime"),
        group_id: find("Group ID")?,
    })
}

fn row(
    record: &csv::StringRecord,
    line: u64,
    columns: &Columns,
    entries: &mut Vec<ListEntry>,
    by_group: &mut HashMap<String, usize>,
) -> Result<(), RecordError> {
    let field = |index: Option<usize>| index.and_then(|i| record.get(i)).unwrap_or("").trim();
    let error = |reason: &str| RecordError {
        file: FILE,
        line,
        reason: reason.to_owned(),
    };
    let group = field(Some(columns.group_id));
    if group.is_empty() {
        return Err(error("`Group ID` is empty"));
    }
    let name = columns
        .names
        .iter()
        .map(|&i| field(Some(i)))
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        return Err(error("the row has no name (`Name 1` .. `Name 6`)"));
    }
    let index = *by_group.entry(group.to_owned()).or_insert_with(|| {
        entries.push(ListEntry {
            source: ListSource::UkOfsi,
            id: group.to_owned(),
            kind: match field(columns.group_type).to_ascii_lowercase().as_str() {
                "individual" => EntityKind::Person,
                "ship" => EntityKind::Vessel,
                _ => EntityKind::Organisation,
            },
            names: Vec::new(),
            birth_dates: Vec::new(),
            nationalities: Vec::new(),
            countries: Vec::new(),
            programs: Vec::new(),
        });
        entries.len() - 1
    });
    let entry = &mut entries[index];
    let primary = field(columns.alias_type).eq_ignore_ascii_case("primary name");
    let strength = if primary {
        NameStrength::Primary
    } else if field(columns.alias_quality).eq_ignore_ascii_case("low") {
        NameStrength::Weak
    } else {
        NameStrength::Alias
    };
    let listed = ListedName {
        text: name,
        strength,
    };
    if primary {
        entry.names.insert(0, listed);
    } else if !entry.names.iter().any(|n| n.text == listed.text) {
        entry.names.push(listed);
    }
    let non_latin = field(columns.non_latin);
    if !non_latin.is_empty() && !entry.names.iter().any(|n| n.text == non_latin) {
        entry.names.push(ListedName {
            text: non_latin.to_owned(),
            strength: NameStrength::Alias,
        });
    }
    let add = |list: &mut Vec<String>, value: &str| {
        if !value.is_empty() && !list.iter().any(|v| v == value) {
            list.push(value.to_owned());
        }
    };
    add(&mut entry.birth_dates, &birth_date(field(columns.dob)));
    add(&mut entry.nationalities, field(columns.nationality));
    add(&mut entry.countries, field(columns.country));
    add(&mut entry.programs, field(columns.regime));
    Ok(())
}

/// `03/02/1970` -> `1970-02-03`; `00/02/1970` -> `1970-02`; `00/00/1970` -> `1970`; anything
/// else as written.
fn birth_date(text: &str) -> String {
    let parts: Vec<&str> = text.split('/').collect();
    match parts.as_slice() {
        [day, month, year]
            if year.len() == 4
                && [day, month, year]
                    .iter()
                    .all(|p| p.bytes().all(|b| b.is_ascii_digit())) =>
        {
            match (*day, *month) {
                ("00", "00") => (*year).to_owned(),
                ("00", month) => format!("{year}-{month:0>2}"),
                (day, month) => format!("{year}-{month:0>2}-{day:0>2}"),
            }
        }
        _ => text.to_owned(),
    }
}
