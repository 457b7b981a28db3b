//! Backups: a consistent snapshot of the store, still sealed, written as a Corridor SQLite
//! store file. The same file format serves both engines, and `restore` loads it into either.

use std::path::{Path, PathBuf};

use corridor_crypto::RootKey;
use corridor_store::{CaseStore, Snapshot, SqliteStore, Store, StoredCase};

use crate::{AppError, Result};

/// What a backup or restore moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackupSummary {
    pub live_cases: usize,
    pub tombstones: usize,
}

/// Writes a snapshot of `store` to `out`, which must not exist yet. The snapshot is read in one
/// transaction, so a server may keep writing meanwhile. The file appears only when complete.
pub async fn backup_to_file(store: &dyn Store, out: &Path) -> Result<BackupSummary> {
    if out.exists() {
        return Err(AppError::Backup(format!(
            "{} already exists; choose a new file name",
            out.display()
        )));
    }
    let snapshot = store.snapshot().await?;
    if snapshot.keyring.is_none() {
        return Err(AppError::NotInitialised);
    }
    let partial = partial_path(out);
    remove_sqlite_files(&partial);
    let result = async {
        let target = SqliteStore::open(&partial).await?;
        target.load_snapshot(&snapshot).await?;
        target.close().await;
        restrict_to_owner(&partial)?;
        std::fs::rename(&partial, out)
            .map_err(|e| AppError::Backup(format!("cannot write {}: {e}", out.display())))
    }
    .await;
    if result.is_err() {
        remove_sqlite_files(&partial);
    }
    result?;
    let summary = summarise(&snapshot.cases);
    tracing::info!(
        live = summary.live_cases,
        tombstones = summary.tombstones,
        "backup written"
    );
    Ok(summary)
}

/// Reads a backup file and checks that the passphrase opens its keys, so that a backup nobody
/// can read is never restored. Nothing is written anywhere.
pub async fn read_backup(file: &Path, passphrase: &[u8]) -> Result<Snapshot> {
    if !file.is_file() {
        return Err(AppError::Backup(format!(
            "{} is not a file",
            file.display()
        )));
    }
    let source = SqliteStore::open(file).await?;
    let snapshot = source.snapshot().await;
    source.close().await;
    let snapshot = snapshot?;
    let header = snapshot.keyring.as_ref().ok_or(AppError::NotInitialised)?;
    RootKey::unlock(passphrase, header)?;
    Ok(snapshot)
}

/// Loads a snapshot read by [`read_backup`] into `target`, which must be empty; in one
/// transaction.
pub async fn restore_snapshot(target: &dyn Store, snapshot: &Snapshot) -> Result<BackupSummary> {
    target.load_snapshot(snapshot).await?;
    let summary = summarise(&snapshot.cases);
    tracing::info!(
        live = summary.live_cases,
        tombstones = summary.tombstones,
        "backup restored"
    );
    Ok(summary)
}

/// A backup is sealed, but it is still nobody else's business: owner read/write only.
fn restrict_to_owner(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| AppError::Backup(format!("cannot restrict {}: {e}", path.display())))?;
    }
    Ok(())
}

fn summarise(cases: &[StoredCase]) -> BackupSummary {
    let live_cases = cases
        .iter()
        .filter(|c| matches!(c, StoredCase::Live(_)))
        .count();
    BackupSummary {
        live_cases,
        tombstones: cases.len() - live_cases,
    }
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    out.with_file_name(name)
}

fn remove_sqlite_files(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_os_string();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}
