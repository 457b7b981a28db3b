//! Loading list files from a directory into a screening index, and printing screening hits:
//! the file handling around `corridor_screen`, which reads only from `Read`.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use corridor_screen::lists::{self, Import, ListFormat, OnError, RecordError};
use corridor_screen::screening::{Evidence, ListIndex, ScreeningHit};

use crate::Failure;
use crate::cli::{Global, ListKind, ListsCommand};
use crate::output::out;

/// Every recognised list file in `dir`, read into one index. A malformed record is skipped and
/// reported on stderr by file and line; a file that cannot be read at all stops the command.
pub fn load_dir(dir: &Path) -> Result<ListIndex, Failure> {
    let listing = |dir: &Path| -> Result<Vec<PathBuf>, Failure> {
        Ok(std::fs::read_dir(dir)
            .map_err(|e| Failure::usage(format!("cannot read {}: {e}", dir.display())))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .collect())
    };
    // The directory itself and, one level down, the folders `lists import` keeps lists in.
    let mut files = Vec::new();
    for path in listing(dir)? {
        if path.is_dir() {
            files.extend(listing(&path)?.into_iter().filter(|p| p.is_file()));
        } else if path.is_file() {
            files.push(path);
        }
    }
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

/// The lists imported into a data directory, as `serve` keeps them loaded: read at start, and
/// again whenever an import rewrites the manifest (which it does last, once the files are in
/// place).
pub struct Watched {
    dir: PathBuf,
    /// The manifest's modification time when the lists were last read.
    seen: Option<std::time::SystemTime>,
}

impl Watched {
    pub fn new(dir: PathBuf) -> Watched {
        Watched { dir, seen: None }
    }

    fn stamp(&self) -> Option<std::time::SystemTime> {
        std::fs::metadata(self.dir.join(MANIFEST))
            .and_then(|m| m.modified())
            .ok()
    }

    /// Reads the lists, if any were imported. A list that cannot be read is reported on
    /// stderr and loads nothing: the cases must stay reachable without lists.
    pub fn load(&mut self) -> Option<ListIndex> {
        self.seen = self.stamp();
        if !self.dir.is_dir() {
            return None;
        }
        match load_dir(&self.dir) {
            Ok(index) => Some(index),
            Err(failure) => {
                eprintln!("warning: no lists loaded: {}", failure.message);
                None
            }
        }
    }

    /// Every `every`, reloads the lists if an import changed them, and screens everyone
    /// against them. Runs until the task is aborted.
    pub async fn watch(
        mut self,
        corridor: std::sync::Arc<corridor_app::Corridor>,
        every: std::time::Duration,
    ) {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            if self.stamp() == self.seen {
                continue;
            }
            // Reading a large list takes seconds: off the threads that answer requests.
            let (watched, index) = match tokio::task::spawn_blocking(move || {
                let index = self.load();
                (self, index)
            })
            .await
            {
                Ok(loaded) => loaded,
                Err(error) => {
                    tracing::error!(%error, "reading the lists failed; watching stopped");
                    return;
                }
            };
            self = watched;
            let Some(index) = index else { continue };
            let names = index.names();
            match corridor.update_lists(index).await {
                Ok(summary) => tracing::info!(
                    names,
                    cases = summary.cases,
                    raised = summary.raised,
                    lapsed = summary.lapsed,
                    "lists reloaded and everyone screened"
                ),
                Err(error) => tracing::error!(%error, "screening after the list update failed"),
            }
        }
    }
}

/// Where imported lists are kept, and their manifest.
fn lists_dir(global: &Global) -> PathBuf {
    global.data_dir.join("lists")
}

const MANIFEST: &str = "manifest.json";

/// One imported list, as `lists status` shows it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct Imported {
    kind: String,
    file: String,
    entries: usize,
    skipped: usize,
    russia_linked: usize,
    imported_at: String,
}

fn read_manifest(dir: &Path) -> Result<Vec<Imported>, Failure> {
    match std::fs::read_to_string(dir.join(MANIFEST)) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            Failure::failed(format!("{} is damaged: {e}", dir.join(MANIFEST).display()))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(Failure::failed(format!(
            "cannot read {}: {e}",
            dir.join(MANIFEST).display()
        ))),
    }
}

pub fn command(global: &Global, command: ListsCommand) -> Result<(), Failure> {
    match command {
        ListsCommand::Import {
            kind,
            file,
            stop_on_error,
        } => import(global, kind, &file, stop_on_error),
        ListsCommand::Status { json } => status(global, json),
        ListsCommand::Compare { lists, csv } => {
            compare(&lists.unwrap_or_else(|| lists_dir(global)), csv.as_deref())
        }
    }
}

fn format_of(kind: ListKind) -> ListFormat {
    match kind {
        ListKind::Ofac => ListFormat::OfacSdn,
        ListKind::Un => ListFormat::Un,
        ListKind::Sema => ListFormat::Sema,
        ListKind::Ftm => ListFormat::FollowTheMoney,
        ListKind::Targets => ListFormat::Targets,
        ListKind::Eu => ListFormat::Eu,
        ListKind::Uk => ListFormat::Uk,
    }
}

/// The file name a list of `kind` is kept under, so that `screen query` recognises it.
fn kept_name(kind: ListKind) -> &'static str {
    match kind {
        ListKind::Ofac => "sdn.csv",
        ListKind::Un => "consolidated.xml",
        ListKind::Sema => "sema.xml",
        ListKind::Ftm => "entities.ftm.json",
        ListKind::Targets => "targets.simple.csv",
        ListKind::Eu => "eu-fsf.xml",
        ListKind::Uk => "ConList.csv",
    }
}

/// Counts the bytes read, for the progress bar.
struct Progress<R> {
    inner: R,
    bar: indicatif::ProgressBar,
}

impl<R: Read> Read for Progress<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(out)?;
        self.bar.inc(read as u64);
        Ok(read)
    }
}

fn import(global: &Global, kind: ListKind, file: &Path, stop: bool) -> Result<(), Failure> {
    let length = std::fs::metadata(file)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", file.display())))?
        .len();
    let bar = indicatif::ProgressBar::new(length);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let on_error = if stop { OnError::Stop } else { OnError::Skip };
    let input = Progress {
        inner: open(file).map_err(|e| Failure::usage(format!("{}: {e}", file.display())))?,
        bar: bar.clone(),
    };
    let import = read_with(input, file, format_of(kind), on_error)
        .map_err(|e| Failure::failed(format!("{}: {e}; nothing was imported", file.display())))?;
    bar.finish_and_clear();
    for skipped in &import.skipped {
        eprintln!("warning: skipped {skipped}");
    }
    if import.entries.is_empty() {
        return Err(Failure::failed(format!(
            "{}: no entries were read; nothing was imported",
            file.display()
        )));
    }

    // Keep the file (and OFAC's companions) where `screen query` and later reloads find it,
    // written beside and renamed into place so a failed copy leaves the old list whole.
    let dir = lists_dir(global).join(format!("{kind:?}").to_lowercase());
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::failed(format!("cannot create {}: {e}", dir.display())))?;
    let mut copies = vec![(file.to_path_buf(), kept_name(kind))];
    if kind == ListKind::Ofac {
        for companion in ["alt.csv", "add.csv"] {
            let path = file.with_file_name(companion);
            if path.is_file() {
                copies.push((path, companion));
            }
        }
    }
    for (from, name) in copies {
        let partial = dir.join(format!("{name}.partial"));
        std::fs::copy(&from, &partial)
            .and_then(|_| std::fs::rename(&partial, dir.join(name)))
            .map_err(|e| Failure::failed(format!("cannot keep {}: {e}", from.display())))?;
    }
    let mut manifest = read_manifest(&lists_dir(global))?;
    manifest.retain(|m| m.kind != format!("{kind:?}").to_lowercase());
    let russia_linked = import.entries.iter().filter(|e| e.russia_linked()).count();
    manifest.push(Imported {
        kind: format!("{kind:?}").to_lowercase(),
        file: file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        entries: import.entries.len(),
        skipped: import.skipped.len(),
        russia_linked,
        imported_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    });
    manifest.sort_by(|a, b| a.kind.cmp(&b.kind));
    let text = serde_json::to_string_pretty(&manifest)
        .map_err(|e| Failure::failed(format!("cannot write the manifest: {e}")))?;
    let path = lists_dir(global).join(MANIFEST);
    std::fs::write(lists_dir(global).join("manifest.json.partial"), text)
        .and_then(|_| std::fs::rename(lists_dir(global).join("manifest.json.partial"), &path))
        .map_err(|e| Failure::failed(format!("cannot write {}: {e}", path.display())))?;
    out!(
        "imported {} entries ({} with a Russia link) from {}; {} malformed records skipped",
        import.entries.len(),
        russia_linked,
        file.display(),
        import.skipped.len()
    )
}

fn compare(dir: &Path, csv_file: Option<&Path>) -> Result<(), Failure> {
    let index = load_dir(dir)?;
    let canada = index
        .entries()
        .iter()
        .any(|e| e.source == corridor_screen::lists::ListSource::CanadaSema);
    if !canada {
        eprintln!("warning: no Canadian (SEMA) list is loaded: every Russia-linked entry is a gap");
    }
    let gaps = corridor_screen::compare::gaps(index.entries());
    if let Some(path) = csv_file {
        std::fs::write(path, corridor_screen::compare::to_csv(&gaps))
            .map_err(|e| Failure::failed(format!("cannot write {}: {e}", path.display())))?;
    }
    out!(
        "{} listed with a Russia link by the US, EU, UK or UN and not by Canada",
        gaps.len()
    )?;
    for gap in &gaps {
        out!(
            "{}  ({:?})  {}  [{}]",
            gap.name,
            gap.kind,
            gap.listed_by_text(),
            gap.programs.join("; ")
        )?;
    }
    Ok(())
}

fn status(global: &Global, json: bool) -> Result<(), Failure> {
    let manifest = read_manifest(&lists_dir(global))?;
    if json {
        let text = serde_json::to_string_pretty(&manifest)
            .map_err(|e| Failure::failed(format!("cannot write JSON: {e}")))?;
        return out!("{text}");
    }
    if manifest.is_empty() {
        return out!("no list imported yet (corridor lists import KIND FILE)");
    }
    for list in &manifest {
        out!(
            "{:8} {:>7} entries  {:>6} Russia-linked  {:>4} skipped  {}  from {}",
            list.kind,
            list.entries,
            list.russia_linked,
            list.skipped,
            list.imported_at,
            list.file
        )?;
    }
    Ok(())
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
    read_with(open(path)?, path, format, OnError::Skip)
}

/// Reads `input` (the file at `path`) as `format`; OFAC's companions are opened beside it.
fn read_with(
    input: impl Read,
    path: &Path,
    format: ListFormat,
    on_error: OnError,
) -> Result<Import, RecordError> {
    match format {
        ListFormat::OfacSdn => {
            let companion = |name: &str| open(&path.with_file_name(name)).ok();
            let mut alt = companion("alt.csv");
            let mut add = companion("add.csv");
            lists::ofac::read(
                input,
                alt.as_mut().map(|r| r as &mut dyn Read),
                add.as_mut().map(|r| r as &mut dyn Read),
                on_error,
            )
        }
        ListFormat::Un => lists::un::read(input, on_error),
        ListFormat::Sema => lists::sema::read(input, on_error),
        ListFormat::FollowTheMoney => lists::ftm::read(input, on_error),
        ListFormat::Targets => lists::targets::read(input, on_error),
        ListFormat::Eu => lists::eu::read(input, on_error),
        ListFormat::Uk => lists::uk::read(input, on_error),
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
