//! The data directory: `corridor.db` (SQLite, unless --database-url names PostgreSQL) and
//! `programs/*.toml`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use corridor_store::{PostgresStore, SqliteStore, Store};

use crate::Failure;
use crate::cli::Global;

pub const DATABASE_FILE: &str = "corridor.db";

pub fn database_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DATABASE_FILE)
}

pub fn programs_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("programs")
}

/// Creates the data directory, readable by its owner only.
pub fn create(data_dir: &Path) -> Result<(), Failure> {
    std::fs::create_dir_all(data_dir)
        .map_err(|e| Failure::failed(format!("cannot create {}: {e}", data_dir.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| Failure::failed(format!("cannot restrict {}: {e}", data_dir.display())))?;
    }
    Ok(())
}

/// Opens the store of an existing data directory (or of --database-url).
pub async fn open_existing(global: &Global) -> Result<Arc<dyn Store>, Failure> {
    if global.database_url.is_none() && !database_path(&global.data_dir).is_file() {
        return Err(Failure::failed(format!(
            "no Corridor store in {}; run `corridor init` first",
            global.data_dir.display()
        )));
    }
    open(global).await
}

/// Opens (creating if needed) the store.
pub async fn open(global: &Global) -> Result<Arc<dyn Store>, Failure> {
    Ok(match &global.database_url {
        Some(url) => Arc::new(PostgresStore::open(url, None).await?),
        None => Arc::new(SqliteStore::open(&database_path(&global.data_dir)).await?),
    })
}

/// Where evidence files are kept: `DATA_DIR/blobs`, sealed.
pub fn blob_store(data_dir: &Path) -> Result<corridor_blobs::BlobStore, Failure> {
    corridor_blobs::BlobStore::local(data_dir)
        .map_err(|e| Failure::failed(format!("cannot use {}/blobs: {e}", data_dir.display())))
}
