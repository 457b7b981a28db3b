//! OpenSanctions' `targets.simple.csv`: one row per target with a header (`id`, `schema`,
//! `name`, `aliases`, `birth_date`, `countries`, `addresses`, `identifiers`, `sanctions`,
//! `phones`, `emails`, `program_ids`, `dataset`, `first_seen`, `last_seen`, `last_change`);
//! several values in one field are separated by `;`. Only the columns read here must exist.

use std::io::Read;

use super::{
    EntityKind, Import, ListEntry, ListSource, ListedName, NameStrength, OnError, RecordError,
    for_each_csv_record,
};

const FILE: &str = "targets.simple.csv";

/// Reads the targets.
pub fn read(input: impl Read, on_error: OnError) -> Result<Import, RecordError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(crate::lines::LfReader::new(input));
    let header_error = |reason: &str| RecordError {
        file: FILE,
        line: 1,
        reason: reason.to_owned(),
    };
    let header = reader
        .headers()
        .map_err(|_| header_error("the header is not valid CSV"))?
        .clone();
    let column = |name: &'static str| {
        header
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
    };
    let required = |name: &'static str| {
        column(name).ok_or_else(|| header_error(&format!("the header has no `{name}` column")))
    };
    let (id, schema, name) = (required("id")?, required("schema")?, required("name")?);
    let optional = [
        "aliases",
        "birth_date",
        "countries",
        "sanctions",
        "dataset",
        "program_ids",
    ]
    .map(column);
    let [
        aliases,
        birth_date,
        countries,
        sanctions,
        dataset,
        program_ids,
    ] = optional;
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
            let many = |index: Option<usize>| -> Vec<String> {
                field(index)
                    .split(';')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
                    .collect()
            };
            let kind = match field(Some(schema)) {
                "Person" => Some(EntityKind::Person),
                "Organization" | "Company" | "LegalEntity" | "PublicBody" => {
                    Some(EntityKind::Organisation)
                }
                "Vessel" => Some(EntityKind::Vessel),
                "Airplane" => Some(EntityKind::Aircraft),
                _ => None,
            };
            let Some(kind) = kind else { return Ok(()) };
            let primary = field(Some(name));
            if primary.is_empty() || field(Some(id)).is_empty() {
                let error = RecordError {
                    file: FILE,
                    line,
                    reason: "the row has no id or no name".to_owned(),
                };
                return Err(error);
            }
            let mut names = vec![ListedName {
                text: primary.to_owned(),
                strength: NameStrength::Primary,
            }];
            names.extend(many(aliases).into_iter().map(|text| ListedName {
                text,
                strength: NameStrength::Alias,
            }));
            let mut programs = many(program_ids);
            programs.extend(many(sanctions));
            programs.extend(many(dataset));
            let countries = many(countries);
            entries.push(ListEntry {
                source: ListSource::OpenSanctions,
                id: field(Some(id)).to_owned(),
                kind,
                names,
                birth_dates: many(birth_date),
                nationalities: if kind == EntityKind::Person {
                    countries.clone()
                } else {
                    Vec::new()
                },
                countries,
                programs,
            });

            Ok(())
        },
    )?;
    Ok(import)
}
