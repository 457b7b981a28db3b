//! Issued referral dossiers: for each, its case, version, when it was issued, the signing key's
//! fingerprint, and the two files as sealed blobs (named by random ids; the app seals them
//! under the case key). Purged with their case.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use corridor_core::CaseId;

use crate::Result;

/// One issued dossier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DossierRow {
    pub case_id: CaseId,
    /// 1 for the case's first dossier, then one more each time.
    pub version: u32,
    pub issued_at: DateTime<Utc>,
    pub fingerprint: String,
    /// The blob ids of the PDF and of the signed JSON.
    pub pdf_blob: String,
    pub json_blob: String,
}

#[async_trait]
pub trait DossierStore: Send + Sync + 'static {
    /// Records an issued dossier. Fails with
    /// [`CaseNotFound`](crate::StoreError::CaseNotFound) if the case is not live, and with
    /// [`DossierVersionTaken`](crate::StoreError::DossierVersionTaken) if the case already has
    /// this version (another issue won the race: the caller issues again).
    async fn insert_dossier(&self, row: &DossierRow) -> Result<()>;
    /// The case's dossiers, oldest first.
    async fn dossiers_of_case(&self, case: CaseId) -> Result<Vec<DossierRow>>;
}

/// Expands `impl DossierStore for $store` over the engine `$db`, and the module `dossier_sql`
/// whose `read_all` and `insert` the snapshot code calls.
macro_rules! impl_dossier_store {
    ($store:ty, $db:ty) => {
        mod dossier_sql {
            use corridor_core::CaseId;
            use sqlx::Row as _;

            use $crate::Result;
            use $crate::dossiers::DossierRow;
            use $crate::shared::u32_column;

            pub(super) type DbRow = <$db as sqlx::Database>::Row;
            pub(super) type Conn = <$db as sqlx::Database>::Connection;

            pub(super) const COLUMNS: &str =
                "case_id, version, issued_at, fingerprint, pdf_blob, json_blob";

            pub(super) fn from_row(row: &DbRow) -> Result<DossierRow> {
                Ok(DossierRow {
                    case_id: CaseId(row.try_get("case_id")?),
                    version: u32_column(row.try_get("version")?, "dossiers", "version")?,
                    issued_at: row.try_get("issued_at")?,
                    fingerprint: row.try_get("fingerprint")?,
                    pdf_blob: row.try_get("pdf_blob")?,
                    json_blob: row.try_get("json_blob")?,
                })
            }

            pub(crate) async fn insert(conn: &mut Conn, row: &DossierRow) -> Result<()> {
                sqlx::query(&format!(
                    "INSERT INTO dossiers ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
                ))
                .bind(row.case_id.0)
                .bind(i64::from(row.version))
                .bind(row.issued_at)
                .bind(&row.fingerprint)
                .bind(&row.pdf_blob)
                .bind(&row.json_blob)
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            pub(crate) async fn read_case(
                conn: &mut Conn,
                case: CaseId,
            ) -> Result<Vec<DossierRow>> {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM dossiers WHERE case_id = $1 ORDER BY version"
                ))
                .bind(case.0)
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(from_row)
                .collect()
            }

            /// Every dossier, for a backup (inside the snapshot's transaction).
            pub(crate) async fn read_all(conn: &mut Conn) -> Result<Vec<DossierRow>> {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM dossiers ORDER BY issued_at, case_id, version"
                ))
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(from_row)
                .collect()
            }
        }

        #[async_trait::async_trait]
        impl $crate::DossierStore for $store {
            async fn insert_dossier(&self, row: &$crate::DossierRow) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                let written = async {
                    let live: Option<uuid::Uuid> =
                        sqlx::query_scalar("SELECT id FROM cases WHERE id = $1")
                            .bind(row.case_id.0)
                            .fetch_optional(&mut *tx)
                            .await?;
                    if live.is_none() {
                        return Err($crate::StoreError::CaseNotFound(row.case_id));
                    }
                    let taken: Option<i64> = sqlx::query_scalar(
                        "SELECT version FROM dossiers WHERE case_id = $1 AND version = $2",
                    )
                    .bind(row.case_id.0)
                    .bind(i64::from(row.version))
                    .fetch_optional(&mut *tx)
                    .await?;
                    if taken.is_some() {
                        return Err($crate::StoreError::DossierVersionTaken {
                            case: row.case_id,
                            version: row.version,
                        });
                    }
                    dossier_sql::insert(&mut tx, row).await
                }
                .await;
                $crate::shared::finish(tx, written).await
            }

            async fn dossiers_of_case(
                &self,
                case: corridor_core::CaseId,
            ) -> $crate::Result<Vec<$crate::DossierRow>> {
                let mut conn = self.pool.acquire().await?;
                dossier_sql::read_case(&mut conn, case).await
            }
        }
    };
}

pub(crate) use impl_dossier_store;
