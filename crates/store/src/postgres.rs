//! PostgreSQL, for deployments where several `corridor serve` processes share one database.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};

use crate::meta::{self, Found};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A Corridor store in a PostgreSQL database (or one schema of it).
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to `url` and migrates. With `schema`, every table lives in that schema (created
    /// if missing), which lets tests and several stores share one database.
    pub async fn open(url: &str, schema: Option<&str>) -> crate::Result<PostgresStore> {
        let mut options = PgConnectOptions::from_str(url)?;
        if let Some(schema) = schema {
            if !schema
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(crate::StoreError::Database(sqlx::Error::Configuration(
                    "schema name must be ASCII letters, digits and underscores".into(),
                )));
            }
            let pool = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(options.clone())
                .await?;
            sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                .execute(&pool)
                .await?;
            pool.close().await;
            options = options.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        meta::check(Self::identify(&pool).await?)?;
        MIGRATOR.run(&pool).await?;
        Ok(PostgresStore { pool })
    }

    async fn before_close(&self) {}

    async fn identify(pool: &PgPool) -> crate::Result<Found> {
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema()",
        )
        .fetch_all(pool)
        .await?;
        if tables.is_empty() {
            return Ok(Found::Empty);
        }
        if !tables.iter().any(|t| t == "corridor_meta") {
            return Ok(Found::Foreign);
        }
        let (magic, schema_version): (String, i32) =
            sqlx::query_as("SELECT magic, schema_version FROM corridor_meta WHERE singleton = 1")
                .fetch_optional(pool)
                .await?
                .ok_or(crate::StoreError::NotACorridorStore)?;
        Ok(Found::Corridor {
            magic,
            schema_version: i64::from(schema_version),
        })
    }

    /// A repeatable-read transaction sees one snapshot of the whole database.
    async fn begin_snapshot(&self) -> crate::Result<sqlx::Transaction<'_, sqlx::Postgres>> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    /// TIMESTAMPTZ holds whole microseconds, one value per instant: stored as is.
    fn audit_time_to_column(at: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
        at
    }

    fn audit_time_from_row(row: &PgRow) -> Option<chrono::DateTime<chrono::Utc>> {
        use sqlx::Row;
        row.try_get("at").ok()
    }

    /// Best effort: let VACUUM reclaim the dead row that held the purged key. PostgreSQL does
    /// not zero reclaimed space, so the bytes may survive in the heap or WAL until overwritten
    /// (see ARCHITECTURE.md, "Crypto-shredding").
    async fn after_purge(&self) -> crate::Result<()> {
        sqlx::query("VACUUM case_keys").execute(&self.pool).await?;
        Ok(())
    }
}

crate::shared::impl_sql_store!(PostgresStore, sqlx::Postgres, Backend::Postgres);
crate::audit::impl_audit_store!(PostgresStore, sqlx::Postgres);
crate::accounts::impl_account_store!(PostgresStore, sqlx::Postgres);
crate::api_tokens::impl_api_token_store!(PostgresStore, sqlx::Postgres);
crate::screening::impl_screening_store!(PostgresStore, sqlx::Postgres);
crate::signing::impl_signing_key_store!(PostgresStore, sqlx::Postgres);
crate::dossiers::impl_dossier_store!(PostgresStore, sqlx::Postgres);
crate::evidence::impl_evidence_store!(PostgresStore, sqlx::Postgres);
crate::watch::impl_watch_store!(PostgresStore, sqlx::Postgres);
