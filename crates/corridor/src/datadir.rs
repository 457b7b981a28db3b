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

/// Where evidence files are kept, sealed: an S3 or S3-compatible bucket when
/// `CORRIDOR_S3_BUCKET` is set (with `CORRIDOR_S3_ENDPOINT`, `CORRIDOR_S3_REGION`,
/// `CORRIDOR_S3_PREFIX`, and the credentials in `AWS_ACCESS_KEY_ID` and
/// `AWS_SECRET_ACCESS_KEY`), otherwise `DATA_DIR/blobs`. Plain `http://` is accepted only for
/// an endpoint on loopback.
pub fn blob_store(data_dir: &Path) -> Result<corridor_blobs::BlobStore, Failure> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let Some(bucket) = var("CORRIDOR_S3_BUCKET") else {
        return corridor_blobs::BlobStore::local(data_dir)
            .map_err(|e| Failure::failed(format!("cannot use {}/blobs: {e}", data_dir.display())));
    };
    let endpoint = var("CORRIDOR_S3_ENDPOINT");
    let allow_http = endpoint.as_deref().is_some_and(is_loopback_http);
    if endpoint
        .as_deref()
        .is_some_and(|e| e.starts_with("http://") && !allow_http)
    {
        return Err(Failure::usage(
            "CORRIDOR_S3_ENDPOINT: plain http is allowed only on loopback; use https",
        ));
    }
    corridor_blobs::BlobStore::s3(corridor_blobs::S3Config {
        bucket,
        endpoint,
        region: var("CORRIDOR_S3_REGION"),
        prefix: var("CORRIDOR_S3_PREFIX"),
        allow_http,
        ..corridor_blobs::S3Config::default()
    })
    .map_err(|e| Failure::failed(format!("cannot use the S3 bucket: {e}")))
}

fn is_loopback_http(endpoint: &str) -> bool {
    let Some(rest) = endpoint.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', ':']).next().unwrap_or("");
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}
