//! Evidence items and their verification steps. What an item shows and where it comes from is
//! sealed by the app; the file is a sealed blob the store names but never sees. Which step is
//! allowed is the app's rule (`corridor_core::apply_review`); the store records a step and the
//! status it leads to in one transaction, only if the item is still at the status the rule
//! started from.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use corridor_core::{
    CaseId, EvidenceId, EvidenceKind, OrgId, ReviewStep, UserId, VerificationStatus,
};
use corridor_crypto::Sealed;

use crate::Result;

/// An evidence item as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceRow {
    pub id: EvidenceId,
    pub case_id: CaseId,
    pub organisation: OrgId,
    pub kind: EvidenceKind,
    pub status: VerificationStatus,
    /// The item this one is a copy of (stripped of metadata, an excerpt), if any.
    pub derived_from: Option<EvidenceId>,
    /// Who supplied it; `None` when the operator added it at the command line.
    pub uploaded_by: Option<UserId>,
    pub uploaded_at: DateTime<Utc>,
    /// The sealed blob's object name (random), for an item that is a file.
    pub blob: Option<String>,
    /// What it shows, its source, and its file's facts, sealed.
    pub facts: Sealed,
}

/// One verification step as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewRow {
    pub evidence: EvidenceId,
    /// 1, 2, … in the order the steps were taken.
    pub seq: i32,
    pub reviewer: UserId,
    pub at: DateTime<Utc>,
    pub step: ReviewStep,
    /// The checks done and the written reason, sealed.
    pub body: Sealed,
}

/// Evidence items and their reviews, as a backup carries them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EvidenceSnapshot {
    pub items: Vec<EvidenceRow>,
    pub reviews: Vec<ReviewRow>,
}

#[async_trait]
pub trait EvidenceStore: Send + Sync + 'static {
    /// Stores a new item. Fails with [`CaseNotFound`](crate::StoreError::CaseNotFound) if its
    /// case is not live, and with [`EvidenceNotFound`](crate::StoreError::EvidenceNotFound) if
    /// the item it derives from is not an item of the same case.
    async fn insert_evidence(&self, row: &EvidenceRow) -> Result<()>;
    async fn evidence(&self, id: EvidenceId) -> Result<Option<EvidenceRow>>;
    /// The items of a case, oldest first.
    async fn evidence_of_case(&self, case: CaseId) -> Result<Vec<EvidenceRow>>;
    /// An item's verification steps, in order.
    async fn evidence_reviews(&self, id: EvidenceId) -> Result<Vec<ReviewRow>>;
    /// Records a step (its `seq` is set to the next one) and moves the item from `from` to
    /// `to`, in one transaction, if it is still at `from`; otherwise fails with
    /// [`EvidenceChanged`](crate::StoreError::EvidenceChanged) and records nothing.
    async fn record_review(
        &self,
        review: &ReviewRow,
        from: VerificationStatus,
        to: VerificationStatus,
    ) -> Result<()>;
}

/// Expands `impl EvidenceStore for $store` over the engine `$db`, and the module
/// `evidence_sql` whose `read_all` and `insert_all` the snapshot code of `impl_sql_store!`
/// calls.
macro_rules! impl_evidence_store {
    ($store:ty, $db:ty) => {
        mod evidence_sql {
            use corridor_core::{CaseId, EvidenceId, OrgId, UserId};
            use sqlx::Row as _;

            use $crate::Result;
            use $crate::evidence::{EvidenceRow, EvidenceSnapshot, ReviewRow};
            use $crate::shared::{parse_column, sealed_column};

            pub(super) type DbRow = <$db as sqlx::Database>::Row;
            pub(super) type Conn = <$db as sqlx::Database>::Connection;

            pub(super) const ITEM_COLUMNS: &str = "id, case_id, organisation_id, kind, status, \
                 derived_from, uploaded_by, uploaded_at, blob, facts";
            pub(super) const REVIEW_COLUMNS: &str = "evidence_id, seq, reviewer, at, step, body";

            pub(super) fn item_from_row(row: &DbRow) -> Result<EvidenceRow> {
                let text = |column: &str| row.try_get::<String, _>(column);
                Ok(EvidenceRow {
                    id: EvidenceId(row.try_get("id")?),
                    case_id: CaseId(row.try_get("case_id")?),
                    organisation: OrgId(row.try_get("organisation_id")?),
                    kind: parse_column(&text("kind")?, "evidence_items", "kind")?,
                    status: parse_column(&text("status")?, "evidence_items", "status")?,
                    derived_from: row
                        .try_get::<Option<uuid::Uuid>, _>("derived_from")?
                        .map(EvidenceId),
                    uploaded_by: row
                        .try_get::<Option<uuid::Uuid>, _>("uploaded_by")?
                        .map(UserId),
                    uploaded_at: row.try_get("uploaded_at")?,
                    blob: row.try_get("blob")?,
                    facts: sealed_column(row.try_get("facts")?, "evidence_items", "facts")?,
                })
            }

            pub(super) fn review_from_row(row: &DbRow) -> Result<ReviewRow> {
                Ok(ReviewRow {
                    evidence: EvidenceId(row.try_get("evidence_id")?),
                    seq: row.try_get("seq")?,
                    reviewer: UserId(row.try_get("reviewer")?),
                    at: row.try_get("at")?,
                    step: parse_column(
                        &row.try_get::<String, _>("step")?,
                        "evidence_reviews",
                        "step",
                    )?,
                    body: sealed_column(row.try_get("body")?, "evidence_reviews", "body")?,
                })
            }

            pub(super) async fn insert_item(conn: &mut Conn, row: &EvidenceRow) -> Result<()> {
                sqlx::query(&format!(
                    "INSERT INTO evidence_items ({ITEM_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                ))
                .bind(row.id.0)
                .bind(row.case_id.0)
                .bind(row.organisation.0)
                .bind(row.kind.as_str())
                .bind(row.status.as_str())
                .bind(row.derived_from.map(|d| d.0))
                .bind(row.uploaded_by.map(|u| u.0))
                .bind(row.uploaded_at)
                .bind(row.blob.as_deref())
                .bind(row.facts.as_bytes())
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            pub(super) async fn insert_review(conn: &mut Conn, row: &ReviewRow) -> Result<()> {
                sqlx::query(&format!(
                    "INSERT INTO evidence_reviews ({REVIEW_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
                ))
                .bind(row.evidence.0)
                .bind(row.seq)
                .bind(row.reviewer.0)
                .bind(row.at)
                .bind(row.step.as_str())
                .bind(row.body.as_bytes())
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            /// Every item (originals before the copies derived from them) and every review,
            /// for a backup (inside the snapshot's transaction).
            pub(crate) async fn read_all(conn: &mut Conn) -> Result<EvidenceSnapshot> {
                let items = sqlx::query(&format!(
                    "SELECT {ITEM_COLUMNS} FROM evidence_items ORDER BY uploaded_at, id"
                ))
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(item_from_row)
                .collect::<Result<Vec<_>>>()?;
                let reviews = sqlx::query(&format!(
                    "SELECT {REVIEW_COLUMNS} FROM evidence_reviews ORDER BY evidence_id, seq"
                ))
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(review_from_row)
                .collect::<Result<Vec<_>>>()?;
                Ok(EvidenceSnapshot { items, reviews })
            }

            /// Loads a backup's evidence: each item after the one it derives from.
            pub(crate) async fn insert_all(
                conn: &mut Conn,
                snapshot: &EvidenceSnapshot,
            ) -> Result<()> {
                let mut pending: Vec<&EvidenceRow> = snapshot.items.iter().collect();
                let mut stored: std::collections::HashSet<EvidenceId> = Default::default();
                while !pending.is_empty() {
                    let before = pending.len();
                    let mut later = Vec::new();
                    for item in pending {
                        if item.derived_from.is_none_or(|d| stored.contains(&d)) {
                            insert_item(conn, item).await?;
                            stored.insert(item.id);
                        } else {
                            later.push(item);
                        }
                    }
                    if later.len() == before {
                        return Err($crate::StoreError::Corrupt {
                            table: "evidence_items",
                            column: "derived_from",
                            reason: "derives from an item that is not in the backup".to_owned(),
                        });
                    }
                    pending = later;
                }
                for review in &snapshot.reviews {
                    insert_review(conn, review).await?;
                }
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::EvidenceStore for $store {
            async fn insert_evidence(&self, row: &$crate::EvidenceRow) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                let written: $crate::Result<()> = async {
                    let live = sqlx::query("SELECT 1 FROM cases WHERE id = $1")
                        .bind(row.case_id.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if live.is_none() {
                        return Err($crate::StoreError::CaseNotFound(row.case_id));
                    }
                    if let Some(original) = row.derived_from {
                        let same_case = sqlx::query(
                            "SELECT 1 FROM evidence_items WHERE id = $1 AND case_id = $2",
                        )
                        .bind(original.0)
                        .bind(row.case_id.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                        if same_case.is_none() {
                            return Err($crate::StoreError::EvidenceNotFound(original));
                        }
                    }
                    evidence_sql::insert_item(&mut tx, row).await
                }
                .await;
                $crate::shared::finish(tx, written).await
            }

            async fn evidence(
                &self,
                id: corridor_core::EvidenceId,
            ) -> $crate::Result<Option<$crate::EvidenceRow>> {
                sqlx::query(&format!(
                    "SELECT {} FROM evidence_items WHERE id = $1",
                    evidence_sql::ITEM_COLUMNS
                ))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?
                .as_ref()
                .map(evidence_sql::item_from_row)
                .transpose()
            }

            async fn evidence_of_case(
                &self,
                case: corridor_core::CaseId,
            ) -> $crate::Result<Vec<$crate::EvidenceRow>> {
                sqlx::query(&format!(
                    "SELECT {} FROM evidence_items WHERE case_id = $1 ORDER BY uploaded_at, id",
                    evidence_sql::ITEM_COLUMNS
                ))
                .bind(case.0)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(evidence_sql::item_from_row)
                .collect()
            }

            async fn evidence_reviews(
                &self,
                id: corridor_core::EvidenceId,
            ) -> $crate::Result<Vec<$crate::ReviewRow>> {
                sqlx::query(&format!(
                    "SELECT {} FROM evidence_reviews WHERE evidence_id = $1 ORDER BY seq",
                    evidence_sql::REVIEW_COLUMNS
                ))
                .bind(id.0)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(evidence_sql::review_from_row)
                .collect()
            }

            async fn record_review(
                &self,
                review: &$crate::ReviewRow,
                from: corridor_core::VerificationStatus,
                to: corridor_core::VerificationStatus,
            ) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                let written: $crate::Result<()> = async {
                    let moved = sqlx::query(
                        "UPDATE evidence_items SET status = $1 WHERE id = $2 AND status = $3",
                    )
                    .bind(to.as_str())
                    .bind(review.evidence.0)
                    .bind(from.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if moved == 0 {
                        let exists = sqlx::query("SELECT 1 FROM evidence_items WHERE id = $1")
                            .bind(review.evidence.0)
                            .fetch_optional(&mut *tx)
                            .await?;
                        return Err(match exists {
                            None => $crate::StoreError::EvidenceNotFound(review.evidence),
                            Some(_) => $crate::StoreError::EvidenceChanged(review.evidence),
                        });
                    }
                    let seq: i32 = sqlx::query_scalar(
                        "SELECT COALESCE(MAX(seq), 0) + 1 FROM evidence_reviews \
                         WHERE evidence_id = $1",
                    )
                    .bind(review.evidence.0)
                    .fetch_one(&mut *tx)
                    .await?;
                    let row = $crate::ReviewRow {
                        seq,
                        ..review.clone()
                    };
                    evidence_sql::insert_review(&mut tx, &row).await
                }
                .await;
                $crate::shared::finish(tx, written).await
            }
        }
    };
}

pub(crate) use impl_evidence_store;
