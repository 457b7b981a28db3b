//! OpenSanctions' FollowTheMoney entities, one JSON object per line: `{id, schema,
//! properties: {name, alias, weakAlias, previousName, birthDate, nationality, citizenship,
//! country, topics, ...}, datasets}`. Persons, organisations, companies, legal entities,
//! vessels and aircraft become entries; the other schemas (sanctions, addresses, ownerships,
//! ...) describe them and are passed over.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use serde::Deserialize;

use super::{
    EntityKind, Import, ListEntry, ListSource, ListedName, NameStrength, OnError, RecordError,
    handle,
};

const FILE: &str = "entities.ftm.json";
/// The longest line read; a longer one is a malformed record.
const MAX_LINE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Deserialize)]
struct Entity {
    id: String,
    schema: String,
    #[serde(default)]
    properties: HashMap<String, Vec<serde_json::Value>>,
    #[serde(default)]
    datasets: Vec<String>,
}

/// Reads the entities, line by line.
pub fn read(input: impl Read, on_error: OnError) -> Result<Import, RecordError> {
    let mut reader = BufReader::new(input);
    let mut import = Import::default();
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        number += 1;
        let read = (&mut reader)
            .take(MAX_LINE_BYTES + 1)
            .read_until(b'\n', &mut line)
            .map_err(|_| RecordError {
                file: FILE,
                line: number,
                reason: "the file could not be read".to_owned(),
            })?;
        if read == 0 {
            break;
        }
        if read as u64 > MAX_LINE_BYTES {
            // The rest of the overlong line cannot be told from the next record: stop.
            return Err(RecordError {
                file: FILE,
                line: number,
                reason: format!("a line longer than {MAX_LINE_BYTES} bytes"),
            });
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim().trim_start_matches('\u{feff}');
        if text.is_empty() {
            continue;
        }
        match parse(text, number) {
            Ok(Some(entry)) => import.entries.push(entry),
            Ok(None) => {}
            Err(error) => handle(on_error, &mut import.skipped, error)?,
        }
    }
    Ok(import)
}

fn parse(text: &str, number: u64) -> Result<Option<ListEntry>, RecordError> {
    let error = |reason: String| RecordError {
        file: FILE,
        line: number,
        reason,
    };
    let entity: Entity = serde_json::from_str(text).map_err(|e| {
        // serde_json's messages name the expected shape and the column, never the content.
        error(format!(
            "not a FollowTheMoney entity ({} at column {})",
            match e.classify() {
                serde_json::error::Category::Syntax | serde_json::error::Category::Eof =>
                    "invalid JSON",
                _ => "unexpected shape",
            },
            e.column()
        ))
    })?;
    let kind = match entity.schema.as_str() {
        "Person" => EntityKind::Person,
        "Organization" | "Company" | "LegalEntity" | "PublicBody" => EntityKind::Organisation,
        "Vessel" => EntityKind::Vessel,
        "Airplane" => EntityKind::Aircraft,
        _ => return Ok(None),
    };
    let strings = |property: &str| -> Vec<String> {
        entity
            .properties
            .get(property)
            .map(|values| {
                values
                    .iter()
                    .filter_map(|v| v.as_str())
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut names = Vec::new();
    for (property, strength) in [
        ("name", NameStrength::Primary),
        ("alias", NameStrength::Alias),
        ("weakAlias", NameStrength::Weak),
        ("previousName", NameStrength::Former),
    ] {
        for text in strings(property) {
            if !names.iter().any(|n: &ListedName| n.text == text) {
                names.push(ListedName { text, strength });
            }
        }
    }
    if names.is_empty() {
        return Err(error("the entity has no name".to_owned()));
    }
    let mut nationalities = strings("nationality");
    for citizenship in strings("citizenship") {
        if !nationalities.contains(&citizenship) {
            nationalities.push(citizenship);
        }
    }
    let mut programs = strings("topics");
    programs.extend(entity.datasets);
    Ok(Some(ListEntry {
        source: ListSource::OpenSanctions,
        id: entity.id,
        kind,
        names,
        birth_dates: strings("birthDate"),
        nationalities,
        countries: strings("country"),
        programs,
    }))
}
