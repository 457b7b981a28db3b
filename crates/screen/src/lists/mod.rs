//! Sanctions and registry lists: one model for an entry of any list, and a parser per format.
//! Parsers read from any `Read`, record by record; a malformed record becomes a
//! [`RecordError`] naming its line or record number, and the import either stops there or
//! carries on, as the caller chose ([`OnError`]). Nothing here panics on bad input.

pub mod eu;
pub mod ftm;
pub mod generic;
pub mod ofac;
pub mod sema;
pub mod targets;
pub mod uk;
pub mod un;

use std::fmt;

/// A list file format, as recognised from a file's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    /// `sdn.csv`, with `alt.csv` and `add.csv` beside it.
    OfacSdn,
    /// `consolidated.xml` (UN).
    Un,
    /// `sema*.xml` (Canada).
    Sema,
    /// `*.ftm.json` or `*.jsonl` (OpenSanctions FollowTheMoney).
    FollowTheMoney,
    /// `targets.simple.csv` (OpenSanctions).
    Targets,
    /// `*fsf*.xml` or `eu*.xml` (EU).
    Eu,
    /// `ConList*.csv` (UK OFSI).
    Uk,
}

impl ListFormat {
    /// The format of a file by its name, if it is one Corridor reads on its own (the generic
    /// registry CSV needs a mapping and is never guessed). `alt.csv` and `add.csv` are read with
    /// `sdn.csv`, not alone.
    pub fn recognise(file_name: &str) -> Option<ListFormat> {
        let name = file_name.to_ascii_lowercase();
        Some(match name.as_str() {
            "sdn.csv" => ListFormat::OfacSdn,
            "consolidated.xml" => ListFormat::Un,
            "targets.simple.csv" => ListFormat::Targets,
            _ if name.starts_with("sema") && name.ends_with(".xml") => ListFormat::Sema,
            _ if name.ends_with(".ftm.json") || name.ends_with(".jsonl") => {
                ListFormat::FollowTheMoney
            }
            _ if name.ends_with(".xml") && (name.contains("fsf") || name.starts_with("eu")) => {
                ListFormat::Eu
            }
            _ if name.starts_with("conlist") && name.ends_with(".csv") => ListFormat::Uk,
            _ => return None,
        })
    }
}

/// Which list an entry comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListSource {
    /// US Treasury OFAC Specially Designated Nationals.
    OfacSdn,
    /// The UN Security Council consolidated list.
    UnConsolidated,
    /// Canada's consolidated autonomous sanctions list (SEMA).
    CanadaSema,
    /// OpenSanctions' FollowTheMoney entities.
    OpenSanctions,
    /// A registry read through a column mapping (the label is the entry's programme).
    Registry,
    /// The EU's consolidated financial sanctions list.
    EuFsf,
    /// The UK's consolidated list (OFSI).
    UkOfsi,
}

impl ListSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ListSource::OfacSdn => "ofac_sdn",
            ListSource::UnConsolidated => "un_consolidated",
            ListSource::CanadaSema => "ca_sema",
            ListSource::OpenSanctions => "opensanctions",
            ListSource::Registry => "registry",
            ListSource::EuFsf => "eu_fsf",
            ListSource::UkOfsi => "uk_ofsi",
        }
    }
}

/// What a listed entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntityKind {
    Person,
    Organisation,
    Vessel,
    Aircraft,
}

/// How strongly a name identifies the entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameStrength {
    /// The name the list files the entry under.
    Primary,
    /// Also known as.
    Alias,
    /// A weak alias (OFAC's "low quality" a.k.a.): screen, but expect noise.
    Weak,
    /// Formerly known as.
    Former,
}

/// One name of a listed entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedName {
    pub text: String,
    pub strength: NameStrength,
}

/// One entry of a list, in the form every parser produces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEntry {
    pub source: ListSource,
    /// The list's own id for the entry.
    pub id: String,
    pub kind: EntityKind,
    pub names: Vec<ListedName>,
    /// Dates of birth as the list gives them, normalised where possible (`1956-08-03`,
    /// `1956-08`, `1956`).
    pub birth_dates: Vec<String>,
    /// Countries of nationality or citizenship, as the list names them.
    pub nationalities: Vec<String>,
    /// Countries of addresses.
    pub countries: Vec<String>,
    /// The sanctions programmes or topics the entry is listed under.
    pub programs: Vec<String>,
}

impl ListEntry {
    /// An entry known only by its primary name; the other fields empty.
    pub fn new(source: ListSource, id: &str, kind: EntityKind, name: &str) -> ListEntry {
        ListEntry {
            source,
            id: id.to_owned(),
            kind,
            names: vec![ListedName {
                text: name.to_owned(),
                strength: NameStrength::Primary,
            }],
            birth_dates: Vec::new(),
            nationalities: Vec::new(),
            countries: Vec::new(),
            programs: Vec::new(),
        }
    }

    /// Whether anything about the entry points to Russia (programme, nationality, address).
    pub fn russia_linked(&self) -> bool {
        let russian = |text: &String| {
            let upper = text.to_uppercase();
            // RUSSIA-EO14024, Russia / Russie, RUSSIAN FEDERATION; the EU's programme RUS; ru.
            upper.contains("RUSSIA") || upper == "RU" || upper == "RUS"
        };
        self.programs.iter().any(russian)
            || self.nationalities.iter().any(russian)
            || self.countries.iter().any(russian)
    }
}

/// What to do with a malformed record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnError {
    /// Stop the import at the first malformed record.
    Stop,
    /// Skip it, note it, and carry on.
    Skip,
}

/// A malformed record: where it is and what is wrong. Never carries the record's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordError {
    /// The file it was found in (`sdn.csv`, ...).
    pub file: &'static str,
    /// Its line (CSV) or record number (XML, JSON lines), from 1.
    pub line: u64,
    pub reason: String,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}: {}", self.file, self.line, self.reason)
    }
}

impl std::error::Error for RecordError {}

/// The entries read, and the records skipped (always empty with [`OnError::Stop`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Import {
    pub entries: Vec<ListEntry>,
    pub skipped: Vec<RecordError>,
}

/// Records `error` as skipped, or stops with it, as `on_error` says.
pub(crate) fn handle(
    on_error: OnError,
    skipped: &mut Vec<RecordError>,
    error: RecordError,
) -> Result<(), RecordError> {
    match on_error {
        OnError::Stop => Err(error),
        OnError::Skip => {
            skipped.push(error);
            Ok(())
        }
    }
}

/// Calls `each` with every record `reader` holds and the line it starts on. A record `each`
/// refuses, and a record csv cannot read (broken quoting, invalid UTF-8), is skipped or stops
/// the import as `on_error` says; a failing reader always stops it (it would fail again).
pub(crate) fn for_each_csv_record<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    file: &'static str,
    on_error: OnError,
    skipped: &mut Vec<RecordError>,
    mut each: impl FnMut(&csv::StringRecord, u64) -> Result<(), RecordError>,
) -> Result<(), RecordError> {
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let line = record.position().map_or(line, csv::Position::line);
                if let Err(error) = each(&record, line) {
                    handle(on_error, skipped, error)?;
                }
            }
            Err(error) => {
                let line = error.position().map_or(line, csv::Position::line);
                let (reason, fatal) = match error.kind() {
                    csv::ErrorKind::Utf8 { .. } => ("not valid UTF-8", false),
                    csv::ErrorKind::Io(_) => ("the file could not be read", true),
                    _ => ("not valid CSV", false),
                };
                let error = RecordError {
                    file,
                    line,
                    reason: reason.to_owned(),
                };
                if fatal {
                    return Err(error);
                }
                handle(on_error, skipped, error)?;
            }
        }
    }
}

/// The error of an XML document that quick-xml cannot read on: the import stops there.
pub(crate) fn xml_error(file: &'static str, record: u64) -> RecordError {
    RecordError {
        file,
        line: record.max(1),
        reason: "not well-formed XML (the import stops here)".to_owned(),
    }
}

/// The error of an XML document that ends with elements still open.
pub(crate) fn truncated(file: &'static str, record: u64) -> RecordError {
    RecordError {
        file,
        line: record.max(1),
        reason: "the file ends inside a record (truncated?)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_files_are_recognised_by_name_and_companions_are_not_lists() {
        for (name, format) in [
            ("sdn.csv", Some(ListFormat::OfacSdn)),
            ("alt.csv", None),
            ("add.csv", None),
            ("consolidated.xml", Some(ListFormat::Un)),
            ("sema-lmes-2020-04.xml", Some(ListFormat::Sema)),
            ("zala.entities.ftm.json", Some(ListFormat::FollowTheMoney)),
            ("targets.simple.csv", Some(ListFormat::Targets)),
            ("eu-fsf.xml", Some(ListFormat::Eu)),
            ("ConList.csv", Some(ListFormat::Uk)),
            ("notes.txt", None),
        ] {
            assert_eq!(ListFormat::recognise(name), format, "{name}");
        }
    }
}
