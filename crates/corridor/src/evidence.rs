//! `corridor evidence add | list | get`: evidence as the operator handles it. The file is
//! streamed from disk into the sealed blob store, never read whole; `get` writes it beside its
//! destination, checks its SHA-256 against the one recorded at capture, and only then moves it
//! into place.

use std::path::Path;

use corridor_app::{Corridor, Custodian, EvidenceUpload};
use corridor_core::{EvidenceDetails, EvidenceId, EvidenceKind, FileName};
use sha2::Digest as _;
use tokio::io::AsyncWriteExt as _;

use crate::Failure;
use crate::cli::{EvidenceCommand, EvidenceKindArg, Global};
use crate::commands::{parse_case_id, print_json, unseal};
use crate::output::out;

pub async fn command(global: &Global, command: EvidenceCommand) -> Result<(), Failure> {
    match command {
        EvidenceCommand::Add {
            case,
            file,
            kind,
            activity,
            date,
            place,
            url,
            supplied_by,
        } => {
            let case = parse_case_id(&case)?;
            let details = details(activity, date, place, url, supplied_by)?;
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .ok_or_else(|| Failure::usage("--file: the file has no name"))
                .and_then(|n| {
                    FileName::new(n).map_err(|e| Failure::usage(format!("--file: {e}")))
                })?;
            let opened = tokio::fs::File::open(&file)
                .await
                .map_err(|e| Failure::usage(format!("cannot read {}: {e}", file.display())))?;
            let corridor = unseal(global).await?;
            let added = corridor
                .add_evidence(
                    Custodian::Operator,
                    case,
                    kind_of(kind),
                    details,
                    Some(EvidenceUpload {
                        name,
                        bytes: tokio::io::BufReader::new(opened),
                    }),
                )
                .await;
            corridor.close().await;
            out!("{}", added?)
        }
        EvidenceCommand::List { case, json } => {
            let case = parse_case_id(&case)?;
            let corridor = unseal(global).await?;
            let items = corridor.evidence_of_case(Custodian::Operator, case).await;
            corridor.close().await;
            let items = items?;
            if json {
                let rows: Vec<serde_json::Value> = items
                    .iter()
                    .map(|item| {
                        serde_json::json!({
                            "id": item.id,
                            "kind": item.kind,
                            "status": item.status,
                            "uploaded_at": item.uploaded_at,
                            "details": item.facts.details,
                            "file": item.facts.file,
                        })
                    })
                    .collect();
                return print_json(&rows);
            }
            for item in &items {
                let file = item.facts.file.as_ref().map_or_else(
                    || "(no file)".to_owned(),
                    |f| format!("{} {} bytes sha256:{}", f.media_type, f.length, f.sha256),
                );
                out!("{}  {:<18} {:<10} {file}", item.id, item.kind, item.status)?;
            }
            Ok(())
        }
        EvidenceCommand::Get { id, out } => {
            let id: EvidenceId = id
                .parse()
                .map_err(|_| Failure::usage("evidence id: not a valid id (a UUID)"))?;
            let corridor = unseal(global).await?;
            let written = get(&corridor, id, &out).await;
            corridor.close().await;
            let length = written?;
            out!(
                "wrote {length} bytes to {}; SHA-256 verified",
                out.display()
            )
        }
    }
}

/// Writes the item's file to `out` through a partial file, checking the hash before renaming.
async fn get(corridor: &Corridor, id: EvidenceId, out: &Path) -> Result<u64, Failure> {
    if out.exists() {
        return Err(Failure::usage(format!(
            "{} already exists; choose a new file name",
            out.display()
        )));
    }
    let (item, mut reader) = corridor
        .export_evidence_file(Custodian::Operator, id)
        .await?;
    let expected = item
        .facts
        .file
        .as_ref()
        .map(|f| f.sha256.clone())
        .unwrap_or_default();
    let mut partial_name = out.as_os_str().to_owned();
    partial_name.push(".partial");
    let partial = std::path::PathBuf::from(partial_name);
    let written = async {
        let mut file = tokio::fs::File::create(&partial)
            .await
            .map_err(|e| Failure::failed(format!("cannot write {}: {e}", out.display())))?;
        let mut hasher = sha2::Sha256::new();
        let mut length = 0u64;
        while let Some(chunk) = reader.next_chunk().await.map_err(|e| {
            Failure::failed(format!("the stored file could not be read: {e}"))
        })? {
            hasher.update(&chunk[..]);
            length += chunk.len() as u64;
            file.write_all(&chunk)
                .await
                .map_err(|e| Failure::failed(format!("cannot write {}: {e}", out.display())))?;
        }
        file.sync_all()
            .await
            .map_err(|e| Failure::failed(format!("cannot write {}: {e}", out.display())))?;
        let actual: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if actual != expected {
            return Err(Failure::failed(
                "the file read back does not have the SHA-256 recorded at capture; nothing was written",
            ));
        }
        std::fs::rename(&partial, out)
            .map_err(|e| Failure::failed(format!("cannot write {}: {e}", out.display())))?;
        Ok(length)
    }
    .await;
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

fn details(
    activity: Option<String>,
    date: Option<String>,
    place: Option<String>,
    url: Option<String>,
    supplied_by: Option<String>,
) -> Result<EvidenceDetails, Failure> {
    let fields = [
        ("activity", activity),
        ("date", date),
        ("place", place),
        ("source_url", url),
        ("supplied_by", supplied_by),
    ];
    EvidenceDetails::from_fields(
        fields
            .iter()
            .filter_map(|(name, value)| Some((*name, value.as_deref()?))),
    )
    .map_err(|e| Failure::usage(format!("{e}; nothing was stored")))
}

fn kind_of(kind: EvidenceKindArg) -> EvidenceKind {
    match kind {
        EvidenceKindArg::SocialMediaPost => EvidenceKind::SocialMediaPost,
        EvidenceKindArg::Publication => EvidenceKind::Publication,
        EvidenceKindArg::ProtestMedia => EvidenceKind::ProtestMedia,
        EvidenceKindArg::CourtDocument => EvidenceKind::CourtDocument,
        EvidenceKindArg::RegistryEntry => EvidenceKind::RegistryEntry,
        EvidenceKindArg::MediaReport => EvidenceKind::MediaReport,
        EvidenceKindArg::SupportLetter => EvidenceKind::SupportLetter,
        EvidenceKindArg::Testimony => EvidenceKind::Testimony,
        EvidenceKindArg::Other => EvidenceKind::Other,
    }
}
