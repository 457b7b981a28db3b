//! Loading list files from a directory into a screening index, and printing screening hits:
//! the file handling around `corridor_screen`, which reads only from `Read`.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use corridor_screen::lists::{self, Import, ListFormat, OnError, RecordError};
use corridor_screen::screening::{Evidence, ListIndex, ScreeningHit};

use crate::Failure;
use crate::output::out;

/// Every recognised list file in `dir`, read into one index. A malformed record is skipped and
/// reported on stderr by file and line; a file that cannot be read at all stops the command.
pub fn load_dir(dir: &Path) -> Result<ListIndex, Failure> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", dir.display())))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    let mut index = ListIndex::new();
    let mut loaded = 0;
    for path in files {
        let Some(format) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(ListFormat::recognise)
        else {
            continue;
        };
        let import = read_file(&path, format)
            .map_err(|e| Failure::failed(format!("{}: {e}", path.display())))?;
        for skipped in &import.skipped {
            eprintln!("warning: {}: skipped {skipped}", path.display());
        }
        index.extend(import.entries);
        loaded += 1;
    }
    if loaded == 0 {
        return Err(Failure::usage(format!(
            "no list file recognised in {} (sdn.csv, consolidated.xml, sema*.xml, *.ftm.json, \
             targets.simple.csv, eu*.xml, ConList*.csv)",
            dir.display()
        )));
    }
    Ok(index)
}

fn open(path: &Path) -> Result<BufReader<File>, RecordError> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|_| RecordError {
            file: "list",
            line: 0,
            reason: "cannot be opened".to_owned(),
        })
}

fn read_file(path: &Path, format: ListFormat) -> Result<Import, RecordError> {
    let input = open(path)?;
    let skip = OnError::Skip;
    match format {
        ListFormat::OfacSdn => {
            let companion = |name: &str| open(&path.with_file_name(name)).ok();
            let mut alt = companion("alt.csv");
            let mut add = companion("add.csv");
            lists::ofac::read(
                input,
                alt.as_mut().map(|r| r as &mut dyn std::io::Read),
                add.as_mut().map(|r| r as &mut dyn std::io::Read),
                skip,
            )
        }
        ListFormat::Un => lists::un::read(input, skip),
        ListFormat::Sema => lists::sema::read(input, skip),
        ListFormat::FollowTheMoney => lists::ftm::read(input, skip),
        ListFormat::Targets => lists::targets::read(input, skip),
        ListFormat::Eu => lists::eu::read(input, skip),
        ListFormat::Uk => lists::uk::read(input, skip),
    }
}

#[derive(serde::Serialize)]
struct HitView<'a> {
    list: &'static str,
    id: &'a str,
    name: &'a str,
    score: f64,
    matched: Vec<(String, String, String)>,
    left_over: (Vec<String>, Vec<String>),
    veto: Option<&'static str>,
    evidence: Vec<&'static str>,
    birth_dates: &'a [String],
    nationalities: &'a [String],
    programs: &'a [String],
}

/// Prints the hits, best first: a line each, or JSON.
pub fn print_hits(index: &ListIndex, hits: &[ScreeningHit], json: bool) -> Result<(), Failure> {
    let views: Vec<HitView<'_>> = hits
        .iter()
        .map(|hit| {
            let entry = &index.entries()[hit.entry];
            HitView {
                list: entry.source.as_str(),
                id: &entry.id,
                name: &hit.name,
                score: (hit.score * 1000.0).round() / 1000.0,
                matched: hit
                    .comparison
                    .aligned
                    .iter()
                    .map(|a| (a.left.clone(), a.right.clone(), format!("{:?}", a.how)))
                    .collect(),
                left_over: hit.comparison.left_over.clone(),
                veto: hit.comparison.veto,
                evidence: hit
                    .evidence
                    .iter()
                    .map(|e| match e {
                        Evidence::BirthDateAgrees => "birth date agrees",
                        Evidence::BirthDateDisagrees => "birth date disagrees",
                        Evidence::NationalityAgrees => "nationality agrees",
                        Evidence::NationalityDisagrees => "nationality disagrees",
                    })
                    .collect(),
                birth_dates: &entry.birth_dates,
                nationalities: &entry.nationalities,
                programs: &entry.programs,
            }
        })
        .collect();
    if json {
        let text = serde_json::to_string_pretty(&views)
            .map_err(|e| Failure::failed(format!("cannot write JSON: {e}")))?;
        return out!("{text}");
    }
    if views.is_empty() {
        return out!("no listed name at or above the threshold");
    }
    for view in &views {
        let matched = view
            .matched
            .iter()
            .map(|(a, b, how)| format!("{a}~{b} ({how})"))
            .collect::<Vec<_>>()
            .join(", ");
        out!(
            "{:.3}  {} {}  {}  [{}]{}",
            view.score,
            view.list,
            view.id,
            view.name,
            matched,
            if view.evidence.is_empty() {
                String::new()
            } else {
                format!("; {}", view.evidence.join(", "))
            }
        )?;
    }
    Ok(())
}
