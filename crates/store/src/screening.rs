//! The screening review queue: alerts raised when a case may be a listed person, and the
//! analysts' decisions. What was matched and why is sealed by the app; the store filters on
//! the case, organisation, status and time only. Which alerts to raise or lapse is the app's
//! rule (`corridor_core::reconcile`); the store writes a screening's outcome in one
//! transaction, and a decision only onto a pending alert.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use corridor_core::{AlertId, AlertStatus, CaseId, OrgId, UserId, Verdict};
use corridor_crypto::Sealed;

use crate::Result;

/// An alert as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertRow {
    pub id: AlertId,
    pub case_id: CaseId,
    /// The case's organisation, whose analysts decide.
    pub organisation: OrgId,
    pub status: AlertStatus,
    pub raised_at: DateTime<Utc>,
    /// The possible match (listed entry, names, score, explanation), sealed.
    pub facts: Sealed,
    /// When it was decided or lapsed.
    pub decided_at: Option<DateTime<Utc>>,
    /// Who decided; `None` while pending and for a lapsed alert.
    pub decided_by: Option<UserId>,
    /// Why, sealed; present exactly when `decided_by` is.
    pub reason: Option<Sealed>,
}

/// Which alerts to read. Unset fields do not filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlertFilter {
    pub organisation: Option<OrgId>,
    pub case: Option<CaseId>,
    pub status: Option<AlertStatus>,
}

/// An analyst's decision on a pending alert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertDecision {
    pub id: AlertId,
    pub verdict: Verdict,
    pub by: UserId,
    pub at: DateTime<Utc>,
    pub reason: Sealed,
}

#[async_trait]
pub trait ScreeningStore: Send + Sync + 'static {
    /// Writes one screening's outcome in one transaction: the new alerts (each `Pending`, of a
    /// live case) and the pending alerts that lapsed at `at`. An alert already decided is left
    /// as it is. Fails with [`CaseNotFound`](crate::StoreError::CaseNotFound) and writes nothing
    /// if a new alert's case is not live. Returns how many alerts lapsed.
    async fn record_screening(
        &self,
        raise: &[AlertRow],
        lapse: &[AlertId],
        at: DateTime<Utc>,
    ) -> Result<usize>;
    /// Alerts matching the filter, newest first.
    async fn screening_alerts(&self, filter: &AlertFilter) -> Result<Vec<AlertRow>>;
    async fn screening_alert(&self, id: AlertId) -> Result<Option<AlertRow>>;
    /// Decides a pending alert. Fails with [`AlertNotFound`](crate::StoreError::AlertNotFound)
    /// or, if it is no longer pending (decided or lapsed meanwhile),
    /// [`AlertNotPending`](crate::StoreError::AlertNotPending).
    async fn decide_alert(&self, decision: &AlertDecision) -> Result<()>;
}

/// Expands `impl ScreeningStore for $store` over the engine `$db`, and the module
/// `screening_sql` whose `read_all` and `insert` the snapshot code of `impl_sql_store!` calls.
macro_rules! impl_screening_store {
    ($store:ty, $db:ty) => {
        mod screening_sql {
            use corridor_core::{AlertId, CaseId, OrgId, UserId};
            use sqlx::Row as _;

            use $crate::Result;
            use $crate::screening::{AlertFilter, AlertRow};
            use $crate::shared::{parse_column, sealed_column};

            pub(super) type DbRow = <$db as sqlx::Database>::Row;
            pub(super) type Conn = <$db as sqlx::Database>::Connection;

            pub(super) const COLUMNS: &str = "id, case_id, organisation_id, status, raised_at, \
                 facts, decided_at, decided_by, reason";

            pub(super) fn from_row(row: &DbRow) -> Result<AlertRow> {
                Ok(AlertRow {
                    id: AlertId(row.try_get("id")?),
                    case_id: CaseId(row.try_get("case_id")?),
                    organisation: OrgId(row.try_get("organisation_id")?),
                    status: parse_column(
                        &row.try_get::<String, _>("status")?,
                        "screening_alerts",
                        "status",
                    )?,
                    raised_at: row.try_get("raised_at")?,
                    facts: sealed_column(row.try_get("facts")?, "screening_alerts", "facts")?,
                    decided_at: row.try_get("decided_at")?,
                    decided_by: row
                        .try_get::<Option<uuid::Uuid>, _>("decided_by")?
                        .map(UserId),
                    reason: row
                        .try_get::<Option<Vec<u8>>, _>("reason")?
                        .map(|bytes| sealed_column(bytes, "screening_alerts", "reason"))
                        .transpose()?,
                })
            }

            pub(crate) async fn insert(conn: &mut Conn, row: &AlertRow) -> Result<()> {
                sqlx::query(&format!(
                    "INSERT INTO screening_alerts ({COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                ))
                .bind(row.id.0)
                .bind(row.case_id.0)
                .bind(row.organisation.0)
                .bind(row.status.as_str())
                .bind(row.raised_at)
                .bind(row.facts.as_bytes())
                .bind(row.decided_at)
                .bind(row.decided_by.map(|u| u.0))
                .bind(row.reason.as_ref().map(|r| r.as_bytes()))
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            /// Every alert, oldest first, for a backup (inside the snapshot's transaction).
            pub(crate) async fn read_all(conn: &mut Conn) -> Result<Vec<AlertRow>> {
                read(conn, &AlertFilter::default(), " ORDER BY raised_at, id").await
            }

            pub(super) async fn read(
                conn: &mut Conn,
                filter: &AlertFilter,
                order: &str,
            ) -> Result<Vec<AlertRow>> {
                let mut query = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {COLUMNS} FROM screening_alerts WHERE 1 = 1"
                ));
                if let Some(organisation) = filter.organisation {
                    query
                        .push(" AND organisation_id = ")
                        .push_bind(organisation.0);
                }
                if let Some(case) = filter.case {
                    query.push(" AND case_id = ").push_bind(case.0);
                }
                if let Some(status) = filter.status {
                    query.push(" AND status = ").push_bind(status.as_str());
                }
                query.push(order);
                query
                    .build()
                    .fetch_all(&mut *conn)
                    .await?
                    .iter()
                    .map(from_row)
                    .collect()
            }
        }

        #[async_trait::async_trait]
        impl $crate::ScreeningStore for $store {
            async fn record_screening(
                &self,
                raise: &[$crate::AlertRow],
                lapse: &[corridor_core::AlertId],
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<usize> {
                let mut tx = self.pool.begin().await?;
                let written: $crate::Result<usize> = async {
                    for row in raise {
                        let live = sqlx::query("SELECT 1 FROM cases WHERE id = $1")
                            .bind(row.case_id.0)
                            .fetch_optional(&mut *tx)
                            .await?;
                        if live.is_none() {
                            return Err($crate::StoreError::CaseNotFound(row.case_id));
                        }
                        screening_sql::insert(&mut tx, row).await?;
                    }
                    let mut lapsed = 0;
                    for id in lapse {
                        lapsed += sqlx::query(
                            "UPDATE screening_alerts SET status = 'lapsed', decided_at = $1 \
                             WHERE id = $2 AND status = 'pending'",
                        )
                        .bind(at)
                        .bind(id.0)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected() as usize;
                    }
                    Ok(lapsed)
                }
                .await;
                $crate::shared::finish(tx, written).await
            }

            async fn screening_alerts(
                &self,
                filter: &$crate::AlertFilter,
            ) -> $crate::Result<Vec<$crate::AlertRow>> {
                let mut conn = self.pool.acquire().await?;
                screening_sql::read(&mut conn, filter, " ORDER BY raised_at DESC, id DESC").await
            }

            async fn screening_alert(
                &self,
                id: corridor_core::AlertId,
            ) -> $crate::Result<Option<$crate::AlertRow>> {
                sqlx::query(&format!(
                    "SELECT {} FROM screening_alerts WHERE id = $1",
                    screening_sql::COLUMNS
                ))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?
                .as_ref()
                .map(screening_sql::from_row)
                .transpose()
            }

            async fn decide_alert(&self, decision: &$crate::AlertDecision) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                let written: $crate::Result<()> = async {
                    let status: Option<String> =
                        sqlx::query_scalar("SELECT status FROM screening_alerts WHERE id = $1")
                            .bind(decision.id.0)
                            .fetch_optional(&mut *tx)
                            .await?;
                    let status: corridor_core::AlertStatus = match status {
                        None => return Err($crate::StoreError::AlertNotFound(decision.id)),
                        Some(text) => {
                            $crate::shared::parse_column(&text, "screening_alerts", "status")?
                        }
                    };
                    let decided = sqlx::query(
                        "UPDATE screening_alerts SET status = $1, decided_at = $2, \
                         decided_by = $3, reason = $4 WHERE id = $5 AND status = 'pending'",
                    )
                    .bind(decision.verdict.status().as_str())
                    .bind(decision.at)
                    .bind(decision.by.0)
                    .bind(decision.reason.as_bytes())
                    .bind(decision.id.0)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if decided == 0 {
                        return Err($crate::StoreError::AlertNotPending {
                            id: decision.id,
                            status,
                        });
                    }
                    Ok(())
                }
                .await;
                $crate::shared::finish(tx, written).await
            }
        }
    };
}

pub(crate) use impl_screening_store;
