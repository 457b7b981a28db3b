//! Canada's consolidated autonomous sanctions list (Special Economic Measures Act), XML: a
//! `data-set` of `record`s. Older files name the fields `Entity`, `Title` and `DateOfBirth`;
//! newer ones `EntityOrShip`, `TitleOrShip` and `DateOfBirthOrShipBuildDate`, and add
//! `ShipIMONumber`. Both are read. `Country` is the regulation (`Russia / Russie`), kept as
//! the programme; `Aliases` is a comma-separated list.

use std::collections::HashMap;
use std::io::{BufReader, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use super::{
    EntityKind, Import, ListEntry, ListSource, ListedName, NameStrength, OnError, RecordError,
    handle, truncated, xml_error,
};

const FILE: &str = "sema-lmes.xml";

/// Reads the list. An XML error stops the import; a record without a name stops it or is
/// skipped, as `on_error` says.
pub fn read(input: impl Read, on_error: OnError) -> Result<Import, RecordError> {
    let mut reader = Reader::from_reader(BufReader::new(input));
    reader.config_mut().trim_text(true);
    let mut import = Import::default();
    let mut buffer = Vec::new();
    let mut depth = 0usize;
    let mut field: Option<String> = None;
    let mut record: Option<HashMap<String, String>> = None;
    let mut records = 0u64;
    loop {
        let event = reader
            .read_event_into(&mut buffer)
            .map_err(|_| xml_error(FILE, records))?;
        match event {
            Event::Start(start) => {
                depth += 1;
                if depth > 64 {
                    return Err(RecordError {
                        file: FILE,
                        line: records.max(1),
                        reason: "elements nested too deep".to_owned(),
                    });
                }
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                if name == "record" {
                    records += 1;
                    record = Some(HashMap::new());
                } else if record.is_some() {
                    field = Some(name);
                }
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                field = None;
                if end.name().as_ref() == b"record"
                    && let Some(fields) = record.take()
                {
                    match entry(&fields, records) {
                        Ok(entry) => import.entries.push(entry),
                        Err(error) => handle(on_error, &mut import.skipped, error)?,
                    }
                }
            }
            Event::Text(text) => {
                if let (Some(fields), Some(name)) = (record.as_mut(), field.as_ref()) {
                    let value = text
                        .decode()
                        .ok()
                        .and_then(|decoded| {
                            quick_xml::escape::unescape(&decoded)
                                .ok()
                                .map(|u| u.into_owned())
                        })
                        .unwrap_or_default();
                    if !value.trim().is_empty() {
                        fields.insert(name.clone(), value.trim().to_owned());
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    if record.is_some() || depth > 0 {
        handle(on_error, &mut import.skipped, truncated(FILE, records))?;
    }
    Ok(import)
}

fn entry(fields: &HashMap<String, String>, number: u64) -> Result<ListEntry, RecordError> {
    let get = |names: &[&str]| {
        names
            .iter()
            .find_map(|name| fields.get(*name))
            .map(String::as_str)
    };
    let person = [get(&["GivenName"]), get(&["LastName"])]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let entity = get(&["EntityOrShip", "Entity"]);
    let (name, kind) = if !person.is_empty() {
        (person, EntityKind::Person)
    } else if let Some(entity) = entity {
        let kind = if get(&["ShipIMONumber"]).is_some() {
            EntityKind::Vessel
        } else {
            EntityKind::Organisation
        };
        (entity.to_owned(), kind)
    } else {
        return Err(RecordError {
            file: FILE,
            line: number,
            reason: "the record has no name (GivenName, LastName, Entity or EntityOrShip)"
                .to_owned(),
        });
    };
    let mut names = vec![ListedName {
        text: name,
        strength: NameStrength::Primary,
    }];
    if let Some(aliases) = get(&["Aliases"]) {
        names.extend(
            aliases
                .split([',', ';'])
                .map(str::trim)
                .filter(|alias| !alias.is_empty())
                .map(|alias| ListedName {
                    text: alias.to_owned(),
                    strength: NameStrength::Alias,
                }),
        );
    }
    let country = get(&["Country"]).unwrap_or("");
    let schedule = get(&["Schedule"]).unwrap_or("");
    let item = get(&["Item"]).unwrap_or("");
    Ok(ListEntry {
        source: ListSource::CanadaSema,
        id: format!("{country} {schedule}/{item}"),
        kind,
        names,
        birth_dates: get(&["DateOfBirthOrShipBuildDate", "DateOfBirth"])
            .filter(|_| kind == EntityKind::Person)
            .map(|date| vec![date.to_owned()])
            .unwrap_or_default(),
        nationalities: Vec::new(),
        countries: Vec::new(),
        programs: if country.is_empty() {
            Vec::new()
        } else {
            vec![country.to_owned()]
        },
    })
}
