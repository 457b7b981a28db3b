//! Any CSV list with a header, read through a column mapping: for the Russian registries
//! (the Ministry of Justice foreign agents register, Rosfinmonitoring's list of terrorists and
//! extremists), which are published as tables whose columns change from one edition to the
//! next. The mapping names the columns; the list's label becomes the entries' programme.

use std::io::Read;

use super::{
    EntityKind, Import, ListEntry, ListSource, ListedName, NameStrength, OnError, RecordError,
    for_each_csv_record,
};

/// Which columns hold what, by their header names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnMapping {
    /// A label for the list (`ru_foreign_agents`); every entry carries it as its programme.
    pub label: String,
    pub name: String,
    pub id: Option<String>,
    pub aliases: Option<String>,
    /// Separator between several aliases in one field.
    pub alias_separator: char,
    pub birth_date: Option<String>,
    /// A column whose value says person or organisation; without it every entry is
    /// `default_kind`. Values that read as a person: `person`, `individual`, `физическое лицо`,
    /// `фл`.
    pub kind: Option<String>,
    pub default_kind: EntityKind,
    /// The field delimiter (`,` or `;`).
    pub delimiter: u8,
}

impl ColumnMapping {
    /// A mapping with only the name column, for a list of people, comma-delimited.
    pub fn names_of_people(label: &str, name: &str) -> ColumnMapping {
        ColumnMapping {
            label: label.to_owned(),
            name: name.to_owned(),
            id: None,
            aliases: None,
            alias_separator: ';',
            birth_date: None,
            kind: None,
            default_kind: EntityKind::Person,
            delimiter: b',',
        }
    }
}

const FILE: &str = "registry CSV";

/// Reads a list through `mapping`.
pub fn read(
    input: impl Read,
    mapping: &ColumnMapping,
    on_error: OnError,
) -> Result<Import, RecordError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(mapping.delimiter)
        .from_reader(crate::lines::LfReader::new(input));
    let header_error = |reason: String| RecordError {
        file: FILE,
        line: 1,
        reason,
    };
    let header = reader
        .headers()
        .map_err(|_| header_error("the header is not valid CSV".to_owned()))?
        .clone();
    let find = |name: &str| {
        header
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').trim() == name)
            .ok_or_else(|| header_error(format!("the header has no `{name}` column")))
    };
    let optional = |name: &Option<String>| name.as_deref().map(find).transpose();
    let name_column = find(&mapping.name)?;
    let (id, aliases, birth_date, kind) = (
        optional(&mapping.id)?,
        optional(&mapping.aliases)?,
        optional(&mapping.birth_date)?,
        optional(&mapping.kind)?,
    );
    let mut import = Import::default();
    let entries = &mut import.entries;
    for_each_csv_record(
        &mut reader,
        FILE,
        on_error,
        &mut import.skipped,
        |record, line| {
            let field =
                |index: Option<usize>| index.and_then(|i| record.get(i)).unwrap_or("").trim();
            let name = field(Some(name_column));
            if name.is_empty() {
                let error = RecordError {
                    file: FILE,
                    line,
                    reason: format!("`{}` is empty", mapping.name),
                };
                return Err(error);
            }
            let mut names = vec![ListedName {
                text: name.to_owned(),
                strength: NameStrength::Primary,
            }];
            names.extend(
                field(aliases)
                    .split(mapping.alias_separator)
                    .map(str::trim)
                    .filter(|alias| !alias.is_empty())
                    .map(|alias| ListedName {
                        text: alias.to_owned(),
                        strength: NameStrength::Alias,
                    }),
            );
            let kind = match field(kind).to_lowercase().as_str() {
                "" => mapping.default_kind,
                "person" | "individual" | "физическое лицо" | "фл" => {
                    EntityKind::Person
                }
                _ => EntityKind::Organisation,
            };
            let id = match field(id) {
                "" => format!("line-{line}"),
                id => id.to_owned(),
            };
            entries.push(ListEntry {
                source: ListSource::Registry,
                id,
                kind,
                names,
                birth_dates: match field(birth_date) {
                    "" => Vec::new(),
                    date => vec![date.to_owned()],
                },
                nationalities: Vec::new(),
                countries: Vec::new(),
                programs: vec![mapping.label.clone()],
            });

            Ok(())
        },
    )?;
    Ok(import)
}
