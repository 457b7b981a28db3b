//! The UN Security Council consolidated list (XML): `INDIVIDUAL` and `ENTITY` records with their
//! names (`FIRST_NAME` .. `FOURTH_NAME`, `NAME_ORIGINAL_SCRIPT`), aliases (`*_ALIAS` with a
//! `QUALITY` of Good or Low), dates of birth, nationalities, address countries and the regime
//! (`UN_LIST_TYPE`). Read as a stream of events; entities in the document are never expanded
//! (quick-xml knows only XML's five and character references), so no document can blow up.

use std::io::{BufRead, BufReader, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use super::{
    EntityKind, Import, ListEntry, ListSource, ListedName, NameStrength, OnError, RecordError,
    handle, truncated, xml_error,
};

const FILE: &str = "consolidated.xml";

/// The fields of one record as read, before they become an entry.
#[derive(Default)]
struct Record {
    kind: Option<EntityKind>,
    id: String,
    name_parts: [String; 4],
    original_script: String,
    aliases: Vec<(String, String)>,
    alias_quality: String,
    alias_name: String,
    birth_dates: Vec<String>,
    birth_year: String,
    birth_date: String,
    nationalities: Vec<String>,
    countries: Vec<String>,
    program: String,
}

/// Reads the consolidated list. An XML error stops the import (nothing after it can be read
/// reliably); a record without a name stops it or is skipped, as `on_error` says.
pub fn read(input: impl Read, on_error: OnError) -> Result<Import, RecordError> {
    read_buffered(BufReader::new(input), on_error)
}

fn read_buffered(input: impl BufRead, on_error: OnError) -> Result<Import, RecordError> {
    let mut reader = Reader::from_reader(input);
    reader.config_mut().trim_text(true);
    let mut import = Import::default();
    let mut buffer = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut record: Option<Record> = None;
    let mut records = 0u64;
    loop {
        let event = reader
            .read_event_into(&mut buffer)
            .map_err(|_| xml_error(FILE, records))?;
        match event {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                if path.len() > 64 {
                    return Err(RecordError {
                        file: FILE,
                        line: records.max(1),
                        reason: "elements nested too deep".to_owned(),
                    });
                }
                match name.as_str() {
                    "INDIVIDUAL" => {
                        records += 1;
                        record = Some(Record {
                            kind: Some(EntityKind::Person),
                            ..Record::default()
                        });
                    }
                    "ENTITY" => {
                        records += 1;
                        record = Some(Record {
                            kind: Some(EntityKind::Organisation),
                            ..Record::default()
                        });
                    }
                    _ => {}
                }
                path.push(name);
            }
            Event::End(_) => {
                let Some(name) = path.pop() else { continue };
                let Some(current) = record.as_mut() else {
                    continue;
                };
                match name.as_str() {
                    "INDIVIDUAL_ALIAS" | "ENTITY_ALIAS" => {
                        let alias = std::mem::take(&mut current.alias_name);
                        let quality = std::mem::take(&mut current.alias_quality);
                        if !alias.trim().is_empty() {
                            current.aliases.push((alias, quality));
                        }
                    }
                    "INDIVIDUAL_DATE_OF_BIRTH" => {
                        let date = std::mem::take(&mut current.birth_date);
                        let year = std::mem::take(&mut current.birth_year);
                        if !date.is_empty() {
                            current.birth_dates.push(date);
                        } else if !year.is_empty() {
                            current.birth_dates.push(year);
                        }
                    }
                    "INDIVIDUAL" | "ENTITY" => {
                        if let Some(done) = record.take() {
                            match entry(done, records) {
                                Ok(entry) => import.entries.push(entry),
                                Err(error) => handle(on_error, &mut import.skipped, error)?,
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(text) => {
                let Some(current) = record.as_mut() else {
                    continue;
                };
                let value = text
                    .decode()
                    .ok()
                    .and_then(|decoded| {
                        quick_xml::escape::unescape(&decoded)
                            .ok()
                            .map(|u| u.into_owned())
                    })
                    .unwrap_or_default();
                let value = value.trim();
                if value.is_empty() {
                    continue;
                }
                let field = path.last().map(String::as_str).unwrap_or("");
                let parent = path
                    .len()
                    .checked_sub(2)
                    .and_then(|i| path.get(i))
                    .map(String::as_str)
                    .unwrap_or("");
                match (parent, field) {
                    (_, "DATAID") => current.id = value.to_owned(),
                    (_, "FIRST_NAME") => current.name_parts[0] = value.to_owned(),
                    (_, "SECOND_NAME") => current.name_parts[1] = value.to_owned(),
                    (_, "THIRD_NAME") => current.name_parts[2] = value.to_owned(),
                    (_, "FOURTH_NAME") => current.name_parts[3] = value.to_owned(),
                    (_, "NAME_ORIGINAL_SCRIPT") => current.original_script = value.to_owned(),
                    (_, "UN_LIST_TYPE") => current.program = value.to_owned(),
                    (_, "ALIAS_NAME") => current.alias_name = value.to_owned(),
                    (_, "QUALITY") => current.alias_quality = value.to_owned(),
                    ("INDIVIDUAL_DATE_OF_BIRTH", "DATE") => current.birth_date = value.to_owned(),
                    ("INDIVIDUAL_DATE_OF_BIRTH", "YEAR") => current.birth_year = value.to_owned(),
                    ("NATIONALITY", "VALUE") => current.nationalities.push(value.to_owned()),
                    ("INDIVIDUAL_ADDRESS" | "ENTITY_ADDRESS", "COUNTRY")
                        if !current.countries.iter().any(|c| c == value) =>
                    {
                        current.countries.push(value.to_owned());
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    if record.is_some() || !path.is_empty() {
        handle(on_error, &mut import.skipped, truncated(FILE, records))?;
    }
    Ok(import)
}

fn entry(record: Record, number: u64) -> Result<ListEntry, RecordError> {
    let name = record
        .name_parts
        .iter()
        .map(|part| part.trim())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        return Err(RecordError {
            file: FILE,
            line: number,
            reason: "the record has no name".to_owned(),
        });
    }
    let mut names = vec![ListedName {
        text: name,
        strength: NameStrength::Primary,
    }];
    if !record.original_script.is_empty() {
        names.push(ListedName {
            text: record.original_script,
            strength: NameStrength::Alias,
        });
    }
    for (alias, quality) in record.aliases {
        names.push(ListedName {
            text: alias,
            strength: if quality.eq_ignore_ascii_case("low") {
                NameStrength::Weak
            } else {
                NameStrength::Alias
            },
        });
    }
    Ok(ListEntry {
        source: ListSource::UnConsolidated,
        id: if record.id.is_empty() {
            format!("record-{number}")
        } else {
            record.id
        },
        kind: record.kind.unwrap_or(EntityKind::Organisation),
        names,
        birth_dates: record.birth_dates,
        nationalities: record.nationalities,
        countries: record.countries,
        programs: if record.program.is_empty() {
            Vec::new()
        } else {
            vec![record.program]
        },
    })
}
