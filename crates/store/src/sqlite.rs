//! The embedded default: one SQLite file in the data directory, in WAL mode.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};

use crate::meta::{self, Found};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

const AUDIT_TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// A Corridor store in one SQLite file.
pub struct SqliteStore {
    pool: SqlitePool,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens the store at `path`, creating it if the file does not exist. Refuses a file that
    /// is not a Corridor store or has a newer schema, before changing anything in it.
    pub async fn open(path: &Path) -> crate::Result<SqliteStore> {
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Overwrite deleted content, so a purged case's key does not linger in free pages.
            .pragma("secure_delete", "ON");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(ref db) if db.message().contains("not a database") => {
                    crate::StoreError::NotACorridorStore
                }
                other => crate::StoreError::Database(other),
            })?;
        meta::check(Self::identify(&pool).await?)?;
        MIGRATOR.run(&pool).await?;
        Ok(SqliteStore {
            pool,
            path: path.to_owned(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Folds the WAL into the main file, so a closed store is one self-contained file.
    async fn before_close(&self) {
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await
        {
            tracing::warn!(%error, "checkpoint before close failed");
        }
    }

    async fn identify(pool: &SqlitePool) -> crate::Result<Found> {
        let tables: Vec<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
                .fetch_all(pool)
                .await
                .map_err(|e| match e {
                    sqlx::Error::Database(ref db) if db.message().contains("not a database") => {
                        crate::StoreError::NotACorridorStore
                    }
                    other => crate::StoreError::Database(other),
                })?;
        if tables.is_empty() {
            return Ok(Found::Empty);
        }
        if !tables.iter().any(|t| t == "corridor_meta") {
            return Ok(Found::Foreign);
        }
        let (magic, schema_version): (String, i64) =
            sqlx::query_as("SELECT magic, schema_version FROM corridor_meta WHERE singleton = 1")
                .fetch_optional(pool)
                .await?
                .ok_or(crate::StoreError::NotACorridorStore)?;
        Ok(Found::Corridor {
            magic,
            schema_version,
        })
    }

    /// SQLite gives a read transaction a consistent snapshot in WAL mode.
    async fn begin_snapshot(&self) -> crate::Result<sqlx::Transaction<'_, sqlx::Sqlite>> {
        Ok(self.pool.begin().await?)
    }

    /// Audit times are stored as fixed-width UTC text with microseconds, e.g.
    /// `2026-01-01T12:00:00.000000Z`: one spelling per instant (sqlx's own format admits
    /// several, such as `-00:00` for `+00:00`), so no changed byte leaves a time as it was.
    fn audit_time_to_column(at: chrono::DateTime<chrono::Utc>) -> String {
        at.format(AUDIT_TIME_FORMAT).to_string()
    }

    /// The time in the `at` column, if it is in exactly the form `audit_time_to_column` writes.
    fn audit_time_from_row(row: &SqliteRow) -> Option<chrono::DateTime<chrono::Utc>> {
        use sqlx::Row;
        let text: String = row.try_get("at").ok()?;
        let at = chrono::NaiveDateTime::parse_from_str(&text, AUDIT_TIME_FORMAT)
            .ok()?
            .and_utc();
        (Self::audit_time_to_column(at) == text).then_some(at)
    }

    /// Moves the WAL into the main file and empties it, so the purged key's old page images
    /// (already overwritten in the main file by `secure_delete`) leave the WAL too.
    async fn after_purge(&self) -> crate::Result<()> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

crate::shared::impl_sql_store!(SqliteStore, sqlx::Sqlite, Backend::Sqlite);
crate::audit::impl_audit_store!(SqliteStore, sqlx::Sqlite);
crate::accounts::impl_account_store!(SqliteStore, sqlx::Sqlite);
crate::api_tokens::impl_api_token_store!(SqliteStore, sqlx::Sqlite);
crate::screening::impl_screening_store!(SqliteStore, sqlx::Sqlite);
crate::signing::impl_signing_key_store!(SqliteStore, sqlx::Sqlite);
crate::dossiers::impl_dossier_store!(SqliteStore, sqlx::Sqlite);
crate::evidence::impl_evidence_store!(SqliteStore, sqlx::Sqlite);
crate::watch::impl_watch_store!(SqliteStore, sqlx::Sqlite);
