//! The EU's consolidated financial sanctions list (FSF), XML export 1.1: `sanctionEntity`
//! elements (`logicalId`) holding `regulation` (`programme`), `subjectType` (`code`: person,
//! enterprise), `nameAlias` (`wholeName`, `strong`), `citizenship` and `address`
//! (`countryDescription`, `countryIsoAlpha2Code`) and `birthdate` (`birthdate` or `year`).
//! Everything is in attributes; the default namespace is ignored.

use std::io::{BufReader, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{
    EntityKind, Import, ListEntry, ListSource, ListedName, NameStrength, OnError, RecordError,
    handle, truncated, xml_error,
};

const FILE: &str = "eu-fsf.xml";

/// Reads the export.
pub fn read(input: impl Read, on_error: OnError) -> Result<Import, RecordError> {
    let mut reader = Reader::from_reader(BufReader::new(input));
    let mut import = Import::default();
    let mut buffer = Vec::new();
    let mut current: Option<ListEntry> = None;
    let mut records = 0u64;
    // Open elements: a document that ends with some still open was cut short.
    let mut depth = 0usize;
    loop {
        let event = reader
            .read_event_into(&mut buffer)
            .map_err(|_| xml_error(FILE, records))?;
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        match event {
            Event::Start(element) | Event::Empty(element) => {
                let local = element.local_name();
                let attribute = |name: &str| attribute(&element, name);
                match local.as_ref() {
                    b"sanctionEntity" => {
                        records += 1;
                        current = Some(ListEntry {
                            source: ListSource::EuFsf,
                            id: attribute("logicalId")
                                .unwrap_or_else(|| format!("record-{records}")),
                            kind: EntityKind::Organisation,
                            names: Vec::new(),
                            birth_dates: Vec::new(),
                            nationalities: Vec::new(),
                            countries: Vec::new(),
                            programs: Vec::new(),
                        });
                    }
                    _ => {
                        if let Some(entry) = current.as_mut() {
                            apply(entry, local.as_ref(), &attribute);
                        }
                    }
                }
            }
            Event::End(element) if element.local_name().as_ref() == b"sanctionEntity" => {
                if let Some(entry) = current.take() {
                    if entry.names.is_empty() {
                        let error = RecordError {
                            file: FILE,
                            line: records,
                            reason: "the sanctionEntity has no nameAlias with a wholeName"
                                .to_owned(),
                        };
                        handle(on_error, &mut import.skipped, error)?;
                    } else {
                        import.entries.push(entry);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    if current.is_some() || depth > 0 {
        handle(on_error, &mut import.skipped, truncated(FILE, records))?;
    }
    Ok(import)
}

/// An attribute's unescaped value, if present and not blank.
fn attribute(element: &BytesStart<'_>, name: &str) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name.as_bytes())
        .and_then(|a| a.unescape_value().ok().map(|v| v.trim().to_owned()))
        .filter(|v| !v.is_empty())
}

fn apply(entry: &mut ListEntry, element: &[u8], attribute: &dyn Fn(&str) -> Option<String>) {
    let push_new = |list: &mut Vec<String>, value: Option<String>| {
        if let Some(value) = value
            && !list.contains(&value)
        {
            list.push(value);
        }
    };
    match element {
        b"regulation" => push_new(&mut entry.programs, attribute("programme")),
        b"subjectType" => {
            entry.kind = match attribute("code").as_deref() {
                Some("person") => EntityKind::Person,
                _ => EntityKind::Organisation,
            }
        }
        b"nameAlias" => {
            if let Some(name) = attribute("wholeName")
                && !entry.names.iter().any(|n| n.text == name)
            {
                let strength = if entry.names.is_empty() {
                    NameStrength::Primary
                } else if attribute("strong").as_deref() == Some("false") {
                    NameStrength::Weak
                } else {
                    NameStrength::Alias
                };
                entry.names.push(ListedName {
                    text: name,
                    strength,
                });
            }
        }
        b"citizenship" => push_new(
            &mut entry.nationalities,
            attribute("countryDescription").or_else(|| attribute("countryIsoAlpha2Code")),
        ),
        b"address" => push_new(
            &mut entry.countries,
            attribute("countryDescription").or_else(|| attribute("countryIsoAlpha2Code")),
        ),
        b"birthdate" => push_new(
            &mut entry.birth_dates,
            attribute("birthdate").or_else(|| attribute("year")),
        ),
        _ => {}
    }
}
