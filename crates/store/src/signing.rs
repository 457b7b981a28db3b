//! Organisation signing keys: each organisation's Ed25519 key for referral dossiers, wrapped
//! under the root key (by the app) with its public half beside it in plain, so that anyone may
//! check a dossier against it. One key per organisation, created when first needed.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use corridor_core::OrgId;
use corridor_crypto::WrappedKey;

use crate::Result;

/// An organisation's signing key as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningKeyRow {
    pub organisation: OrgId,
    /// The seed, wrapped under the root key and bound to the organisation.
    pub wrapped_key: WrappedKey,
    /// The public key, 64 hex digits.
    pub public_key: String,
    pub created_at: DateTime<Utc>,
}

#[async_trait]
pub trait SigningKeyStore: Send + Sync + 'static {
    /// The organisation's signing key, if it has one.
    async fn signing_key(&self, organisation: OrgId) -> Result<Option<SigningKeyRow>>;
    /// Stores `row` unless the organisation already has a key, and returns the organisation's
    /// key: the one given, or the one another server stored first.
    async fn insert_signing_key(&self, row: &SigningKeyRow) -> Result<SigningKeyRow>;
}

/// Expands `impl SigningKeyStore for $store` over the engine `$db`, and the module
/// `signing_sql` whose `read_all` and `insert` the snapshot code calls.
macro_rules! impl_signing_key_store {
    ($store:ty, $db:ty) => {
        mod signing_sql {
            use corridor_core::OrgId;
            use sqlx::Row as _;

            use $crate::Result;
            use $crate::signing::SigningKeyRow;

            pub(super) type DbRow = <$db as sqlx::Database>::Row;
            pub(super) type Conn = <$db as sqlx::Database>::Connection;

            pub(super) const COLUMNS: &str = "organisation_id, wrapped_key, public_key, created_at";

            pub(super) fn from_row(row: &DbRow) -> Result<SigningKeyRow> {
                Ok(SigningKeyRow {
                    organisation: OrgId(row.try_get("organisation_id")?),
                    wrapped_key: corridor_crypto::WrappedKey::from_bytes(
                        row.try_get("wrapped_key")?,
                    )
                    .map_err(|e| $crate::StoreError::Corrupt {
                        table: "signing_keys",
                        column: "wrapped_key",
                        reason: e.to_string(),
                    })?,
                    public_key: row.try_get("public_key")?,
                    created_at: row.try_get("created_at")?,
                })
            }

            /// Inserts `row` unless its organisation has a key already.
            pub(crate) async fn insert(conn: &mut Conn, row: &SigningKeyRow) -> Result<()> {
                sqlx::query(&format!(
                    "INSERT INTO signing_keys ({COLUMNS}) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (organisation_id) DO NOTHING"
                ))
                .bind(row.organisation.0)
                .bind(row.wrapped_key.as_bytes())
                .bind(&row.public_key)
                .bind(row.created_at)
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            pub(crate) async fn read(
                conn: &mut Conn,
                organisation: OrgId,
            ) -> Result<Option<SigningKeyRow>> {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM signing_keys WHERE organisation_id = $1"
                ))
                .bind(organisation.0)
                .fetch_optional(&mut *conn)
                .await?
                .as_ref()
                .map(from_row)
                .transpose()
            }

            /// Every key, for a backup (inside the snapshot's transaction).
            pub(crate) async fn read_all(conn: &mut Conn) -> Result<Vec<SigningKeyRow>> {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM signing_keys ORDER BY created_at, organisation_id"
                ))
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(from_row)
                .collect()
            }
        }

        #[async_trait::async_trait]
        impl $crate::SigningKeyStore for $store {
            async fn signing_key(
                &self,
                organisation: corridor_core::OrgId,
            ) -> $crate::Result<Option<$crate::SigningKeyRow>> {
                let mut conn = self.pool.acquire().await?;
                signing_sql::read(&mut conn, organisation).await
            }

            async fn insert_signing_key(
                &self,
                row: &$crate::SigningKeyRow,
            ) -> $crate::Result<$crate::SigningKeyRow> {
                let mut conn = self.pool.acquire().await?;
                signing_sql::insert(&mut conn, row).await?;
                signing_sql::read(&mut conn, row.organisation)
                    .await?
                    .ok_or($crate::StoreError::OrganisationNotFound(row.organisation))
            }
        }
    };
}

pub(crate) use impl_signing_key_store;
