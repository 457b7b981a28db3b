//! The SQL both engines share. The statements are written once, in the common dialect of
//! SQLite and PostgreSQL (`$n` placeholders, standard joins), and the macro below expands the
//! `Store` implementation for each engine's pool and row types. Engine-specific work (opening,
//! migrations, snapshot isolation, post-purge cleanup) lives in `sqlite.rs` and `postgres.rs`.

use std::str::FromStr;

use crate::{Result, StoreError};

/// Parses an enum-like plain column, naming the column when the stored text is not valid.
pub(crate) fn parse_column<T: FromStr>(
    text: &str,
    table: &'static str,
    column: &'static str,
) -> Result<T> {
    text.parse().map_err(|_| StoreError::Corrupt {
        table,
        column,
        reason: "unknown value".to_owned(),
    })
}

/// Wraps stored bytes as sealed ciphertext, naming the column when they are malformed.
pub(crate) fn sealed_column(
    bytes: Vec<u8>,
    table: &'static str,
    column: &'static str,
) -> Result<corridor_crypto::Sealed> {
    corridor_crypto::Sealed::from_bytes(bytes).map_err(|e| StoreError::Corrupt {
        table,
        column,
        reason: e.to_string(),
    })
}

pub(crate) fn wrapped_key_column(bytes: Vec<u8>) -> Result<corridor_crypto::WrappedKey> {
    corridor_crypto::WrappedKey::from_bytes(bytes).map_err(|e| StoreError::Corrupt {
        table: "case_keys",
        column: "wrapped_key",
        reason: e.to_string(),
    })
}

pub(crate) fn u32_column(value: i64, table: &'static str, column: &'static str) -> Result<u32> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt {
        table,
        column,
        reason: "out of range".to_owned(),
    })
}

/// Commits when the writes succeeded; otherwise rolls back at once, so that no connection goes
/// back to the pool still holding the write lock of a failed write (SQLite would then refuse
/// other writers with "database is locked" until the connection happened to be used again).
pub(crate) async fn finish<DB: sqlx::Database, T>(
    tx: sqlx::Transaction<'_, DB>,
    written: Result<T>,
) -> Result<T> {
    match written {
        Ok(value) => {
            tx.commit().await?;
            Ok(value)
        }
        Err(error) => {
            tx.rollback().await?;
            Err(error)
        }
    }
}

/// Rows per multi-row INSERT: 16 parameters a case row keeps a statement well under both
/// engines' limits on bound parameters (SQLite 32,766; PostgreSQL 65,535).
pub(crate) const ROWS_PER_STATEMENT: usize = 500;

/// The ORDER BY clause of a case list. Every order ends with the id, so pages are stable.
pub(crate) fn order_by(order: crate::CaseOrder) -> String {
    use crate::CaseOrder::*;
    match order {
        Newest => " ORDER BY c.created_at DESC, c.id DESC".to_owned(),
        Oldest => " ORDER BY c.created_at, c.id".to_owned(),
        RemovalSoonest => {
            " ORDER BY CASE WHEN c.scheduled_removal_date IS NULL THEN 1 ELSE 0 END, \
             c.scheduled_removal_date, c.id"
                .to_owned()
        }
        RiskHighest => {
            // Rank by the enum's own order (Low < … < Severe), highest first.
            let ranks: String = corridor_core::RiskLevel::ALL
                .iter()
                .enumerate()
                .map(|(rank, level)| format!(" WHEN '{}' THEN {rank}", level.as_str()))
                .collect();
            format!(" ORDER BY CASE c.risk_level{ranks} END DESC, c.created_at DESC, c.id")
        }
        RecentlyUpdated => " ORDER BY c.updated_at DESC, c.id DESC".to_owned(),
    }
}

pub(crate) const CASE_COLUMNS: &str = "c.id, c.organisation_id, c.program, c.stage, c.custody, \
     c.proceedings, c.risk_level, c.final_order_date, c.scheduled_removal_date, c.created_at, \
     c.updated_at";

/// Expands `impl CaseStore for $store` over the engine `$db`. `$store` must have a `pool` field
/// and the inherent methods `begin_snapshot` and `after_purge`, and `impl_account_store!` and
/// `impl_audit_store!` must be expanded beside it: snapshots carry the accounts and the audit log
/// through their `account_sql` and `audit_sql` modules.
macro_rules! impl_sql_store {
    ($store:ty, $db:ty, $backend:expr) => {
        use async_trait::async_trait;
        use chrono::{DateTime, NaiveDate, Utc};
        use corridor_core::{CaseId, ClaimId, OrgId, Organisation, OrgName, Stage};
        use corridor_crypto::{KdfParams, KeyringHeader};
        use sqlx::{QueryBuilder, Row};
        use uuid::Uuid;

        use $crate::shared::{
            order_by, parse_column, sealed_column, u32_column, wrapped_key_column, CASE_COLUMNS,
            ROWS_PER_STATEMENT,
        };
        use $crate::{
            Backend, CaseColumns, CaseFilter, CaseListRow, CaseRecord, ClaimRow, HearingRow,
            Page, Result, SealedCase, SealedNames, Snapshot, CaseCounts, UpcomingRemoval, StageChange, CaseStore, StoreError, StoredCase,
            Tombstone, UpcomingHearing,
        };

        type DbRow = <$db as sqlx::Database>::Row;
        type Tx<'a> = sqlx::Transaction<'a, $db>;

        fn case_columns(row: &DbRow) -> Result<CaseColumns> {
            Ok(CaseColumns {
                id: CaseId(row.try_get("id")?),
                organisation: OrgId(row.try_get("organisation_id")?),
                program: parse_column(&row.try_get::<String, _>("program")?, "cases", "program")?,
                stage: parse_column(&row.try_get::<String, _>("stage")?, "cases", "stage")?,
                custody: parse_column(&row.try_get::<String, _>("custody")?, "cases", "custody")?,
                proceedings: parse_column(
                    &row.try_get::<String, _>("proceedings")?,
                    "cases",
                    "proceedings",
                )?,
                risk_level: parse_column(
                    &row.try_get::<String, _>("risk_level")?,
                    "cases",
                    "risk_level",
                )?,
                final_order_date: row.try_get("final_order_date")?,
                scheduled_removal: row.try_get("scheduled_removal_date")?,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
            })
        }

        fn organisation_from_row(row: &DbRow) -> Result<Organisation> {
            let name: String = row.try_get("name")?;
            Ok(Organisation {
                id: OrgId(row.try_get("id")?),
                name: OrgName::new(&name).map_err(|_| StoreError::Corrupt {
                    table: "organisations",
                    column: "name",
                    reason: "invalid organisation name".to_owned(),
                })?,
            })
        }

        fn tombstone_from_row(row: &DbRow) -> Result<Tombstone> {
            Ok(Tombstone {
                id: CaseId(row.try_get("case_id")?),
                organisation: OrgId(row.try_get("organisation_id")?),
                created_at: row.try_get("created_at")?,
                purged_at: row.try_get("purged_at")?,
            })
        }

        fn stage_change_from_row(row: &DbRow) -> Result<StageChange> {
            Ok(StageChange {
                case_id: CaseId(row.try_get("case_id")?),
                from: parse_column(
                    &row.try_get::<String, _>("from_stage")?,
                    "stage_changes",
                    "from_stage",
                )?,
                to: parse_column(
                    &row.try_get::<String, _>("to_stage")?,
                    "stage_changes",
                    "to_stage",
                )?,
                at: row.try_get("changed_at")?,
            })
        }

        fn push_filter(qb: &mut QueryBuilder<'_, $db>, filter: &CaseFilter) {
            if let Some(organisation) = filter.visible_to {
                qb.push(" AND (c.organisation_id = ")
                    .push_bind(organisation.0)
                    .push(" OR c.id IN (SELECT s.case_id FROM case_shares s WHERE s.kind = 'share' AND s.organisation_id = ")
                    .push_bind(organisation.0)
                    .push("))");
            }
            if let Some(ids) = &filter.ids {
                if ids.is_empty() {
                    qb.push(" AND 1 = 0");
                } else {
                    qb.push(" AND c.id IN (");
                    let mut list = qb.separated(", ");
                    for id in ids {
                        list.push_bind(id.0);
                    }
                    qb.push(")");
                }
            }
            if let Some(organisation) = filter.organisation {
                qb.push(" AND c.organisation_id = ").push_bind(organisation.0);
            }
            if let Some(stage) = filter.stage {
                qb.push(" AND c.stage = ").push_bind(stage.as_str());
            }
            if let Some(custody) = filter.custody {
                qb.push(" AND c.custody = ").push_bind(custody.as_str());
            }
            if let Some(program) = &filter.program {
                qb.push(" AND c.program = ").push_bind(program.as_str().to_owned());
            }
            if let Some(risk_level) = filter.risk_level {
                qb.push(" AND c.risk_level = ").push_bind(risk_level.as_str());
            }
            if let Some(date) = filter.removal_before {
                qb.push(" AND c.scheduled_removal_date <= ").push_bind(date);
            }
        }

        /// Inserts cases with their keys, claims and hearings, many rows per statement: a
        /// statement per row made bulk loads (demo seeding, restores) needlessly slow.
        async fn insert_case_records(tx: &mut Tx<'_>, records: &[&CaseRecord]) -> Result<()> {
            for chunk in records.chunks(ROWS_PER_STATEMENT) {
                let mut qb = QueryBuilder::<$db>::new(
                    "INSERT INTO cases (id, organisation_id, program, stage, custody, proceedings, \
                     risk_level, final_order_date, scheduled_removal_date, created_at, updated_at, \
                     names, person, us_status, russia_risk, notes, assessment) ",
                );
                qb.push_values(chunk, |mut row, record| {
                    let c = &record.columns;
                    let s = &record.sealed;
                    row.push_bind(c.id.0)
                        .push_bind(c.organisation.0)
                        .push_bind(c.program.as_str())
                        .push_bind(c.stage.as_str())
                        .push_bind(c.custody.as_str())
                        .push_bind(c.proceedings.as_str())
                        .push_bind(c.risk_level.as_str())
                        .push_bind(c.final_order_date)
                        .push_bind(c.scheduled_removal)
                        .push_bind(c.created_at)
                        .push_bind(c.updated_at)
                        .push_bind(s.names.as_bytes())
                        .push_bind(s.person.as_bytes())
                        .push_bind(s.us_status.as_bytes())
                        .push_bind(s.russia_risk.as_bytes())
                        .push_bind(s.notes.as_ref().map(|n| n.as_bytes()))
                        .push_bind(s.assessment.as_ref().map(|a| a.as_bytes()));
                });
                qb.build().execute(&mut **tx).await?;

                let mut qb = QueryBuilder::<$db>::new("INSERT INTO case_keys (case_id, wrapped_key) ");
                qb.push_values(chunk, |mut row, record| {
                    row.push_bind(record.columns.id.0).push_bind(record.wrapped_key.as_bytes());
                });
                qb.build().execute(&mut **tx).await?;
            }
            insert_claims_and_hearings(tx, records).await
        }

        /// The claim and hearing rows of `records` (their cases' rows must exist).
        async fn insert_claims_and_hearings(tx: &mut Tx<'_>, records: &[&CaseRecord]) -> Result<()> {
            let claims: Vec<_> = records
                .iter()
                .flat_map(|r| r.claims.iter().map(move |claim| (r.columns.id.0, claim)))
                .collect();
            for chunk in claims.chunks(ROWS_PER_STATEMENT) {
                let mut qb =
                    QueryBuilder::<$db>::new("INSERT INTO claims (id, case_id, position, body) ");
                qb.push_values(chunk, |mut row, (case_id, claim)| {
                    row.push_bind(claim.id.0)
                        .push_bind(*case_id)
                        .push_bind(claim.position)
                        .push_bind(claim.body.as_bytes());
                });
                qb.build().execute(&mut **tx).await?;
            }
            let hearings: Vec<_> = records
                .iter()
                .flat_map(|r| r.hearings.iter().map(move |hearing| (r.columns.id.0, hearing)))
                .collect();
            for chunk in hearings.chunks(ROWS_PER_STATEMENT) {
                let mut qb = QueryBuilder::<$db>::new("INSERT INTO hearings (case_id, on_date, kind) ");
                qb.push_values(chunk, |mut row, (case_id, hearing)| {
                    row.push_bind(*case_id)
                        .push_bind(hearing.on_date)
                        .push_bind(hearing.kind.as_str());
                });
                qb.build().execute(&mut **tx).await?;
            }
            Ok(())
        }

        /// The writes of `update_case`, in its transaction.
        async fn update_case_rows(
            tx: &mut Tx<'_>,
            record: &CaseRecord,
            expected_updated_at: DateTime<Utc>,
        ) -> Result<()> {
            let c = &record.columns;
            let s = &record.sealed;
            let updated = sqlx::query(
                "UPDATE cases SET program = $1, stage = $2, custody = $3, proceedings = $4, \
                 risk_level = $5, final_order_date = $6, scheduled_removal_date = $7, \
                 updated_at = $8, names = $9, person = $10, us_status = $11, \
                 russia_risk = $12, notes = $13, assessment = $14 \
                 WHERE id = $15 AND organisation_id = $16 AND updated_at = $17",
            )
            .bind(c.program.as_str())
            .bind(c.stage.as_str())
            .bind(c.custody.as_str())
            .bind(c.proceedings.as_str())
            .bind(c.risk_level.as_str())
            .bind(c.final_order_date)
            .bind(c.scheduled_removal)
            .bind(c.updated_at)
            .bind(s.names.as_bytes())
            .bind(s.person.as_bytes())
            .bind(s.us_status.as_bytes())
            .bind(s.russia_risk.as_bytes())
            .bind(s.notes.as_ref().map(|n| n.as_bytes()))
            .bind(s.assessment.as_ref().map(|a| a.as_bytes()))
            .bind(c.id.0)
            .bind(c.organisation.0)
            .bind(expected_updated_at)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if updated == 0 {
                return Err(match read_case(tx, c.id).await? {
                    None => StoreError::CaseNotFound(c.id),
                    Some(StoredCase::Purged(_)) => StoreError::CasePurged(c.id),
                    Some(StoredCase::Live(_)) => StoreError::EditConflict(c.id),
                });
            }
            sqlx::query("UPDATE case_keys SET wrapped_key = $1 WHERE case_id = $2")
                .bind(record.wrapped_key.as_bytes())
                .bind(c.id.0)
                .execute(&mut **tx)
                .await?;
            for table in ["claims", "hearings"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE case_id = $1"))
                    .bind(c.id.0)
                    .execute(&mut **tx)
                    .await?;
            }
            insert_claims_and_hearings(tx, &[record]).await
        }

        async fn insert_tombstone(tx: &mut Tx<'_>, tombstone: &Tombstone) -> Result<()> {
            sqlx::query(
                "INSERT INTO tombstones (case_id, organisation_id, created_at, purged_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(tombstone.id.0)
            .bind(tombstone.organisation.0)
            .bind(tombstone.created_at)
            .bind(tombstone.purged_at)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        async fn insert_stage_change(tx: &mut Tx<'_>, change: &StageChange) -> Result<()> {
            sqlx::query(
                "INSERT INTO stage_changes (case_id, from_stage, to_stage, changed_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(change.case_id.0)
            .bind(change.from.as_str())
            .bind(change.to.as_str())
            .bind(change.at)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        async fn insert_keyring(tx: &mut Tx<'_>, header: &KeyringHeader) -> Result<()> {
            sqlx::query(
                "INSERT INTO keyring (singleton, format_version, kdf_memory_kib, \
                 kdf_iterations, kdf_parallelism, salt, verifier) \
                 VALUES (1, $1, $2, $3, $4, $5, $6)",
            )
            .bind(i32::from(header.version))
            .bind(i64::from(header.params.memory_kib))
            .bind(i64::from(header.params.iterations))
            .bind(i64::from(header.params.parallelism))
            .bind(header.salt.as_slice())
            .bind(header.verifier.as_slice())
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        async fn insert_organisation(tx: &mut Tx<'_>, organisation: &Organisation) -> Result<()> {
            sqlx::query("INSERT INTO organisations (id, name, created_at) VALUES ($1, $2, $3)")
                .bind(organisation.id.0)
                .bind(organisation.name.as_str())
                .bind(Utc::now())
                .execute(&mut **tx)
                .await?;
            Ok(())
        }

        async fn read_case(
            conn: &mut <$db as sqlx::Database>::Connection,
            id: CaseId,
        ) -> Result<Option<StoredCase>> {
            let uuid = id.0;
            let row = sqlx::query(&format!(
                "SELECT {CASE_COLUMNS}, c.names, c.person, c.us_status, c.russia_risk, \
                 c.notes, c.assessment, k.wrapped_key FROM cases c \
                 JOIN case_keys k ON k.case_id = c.id WHERE c.id = $1"
            ))
            .bind(uuid)
            .fetch_optional(&mut *conn)
            .await?;
            let Some(row) = row else {
                let tombstone = sqlx::query(
                    "SELECT case_id, organisation_id, created_at, purged_at FROM tombstones \
                     WHERE case_id = $1",
                )
                .bind(uuid)
                .fetch_optional(&mut *conn)
                .await?;
                return tombstone
                    .map(|row| tombstone_from_row(&row).map(StoredCase::Purged))
                    .transpose();
            };
            let sealed = SealedCase {
                names: sealed_column(row.try_get("names")?, "cases", "names")?,
                person: sealed_column(row.try_get("person")?, "cases", "person")?,
                us_status: sealed_column(row.try_get("us_status")?, "cases", "us_status")?,
                russia_risk: sealed_column(row.try_get("russia_risk")?, "cases", "russia_risk")?,
                notes: row
                    .try_get::<Option<Vec<u8>>, _>("notes")?
                    .map(|bytes| sealed_column(bytes, "cases", "notes"))
                    .transpose()?,
                assessment: row
                    .try_get::<Option<Vec<u8>>, _>("assessment")?
                    .map(|bytes| sealed_column(bytes, "cases", "assessment"))
                    .transpose()?,
            };
            let claims = sqlx::query(
                "SELECT id, position, body FROM claims WHERE case_id = $1 ORDER BY position",
            )
            .bind(uuid)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|row| {
                Ok(ClaimRow {
                    id: ClaimId(row.try_get("id")?),
                    position: row.try_get("position")?,
                    body: sealed_column(row.try_get("body")?, "claims", "body")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
            let hearings = sqlx::query(
                "SELECT on_date, kind FROM hearings WHERE case_id = $1 ORDER BY on_date, kind",
            )
            .bind(uuid)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|row| {
                Ok(HearingRow {
                    on_date: row.try_get("on_date")?,
                    kind: parse_column(&row.try_get::<String, _>("kind")?, "hearings", "kind")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
            Ok(Some(StoredCase::Live(Box::new(CaseRecord {
                columns: case_columns(&row)?,
                wrapped_key: wrapped_key_column(row.try_get("wrapped_key")?)?,
                sealed,
                claims,
                hearings,
            }))))
        }

        async fn read_keyring(
            conn: &mut <$db as sqlx::Database>::Connection,
        ) -> Result<Option<KeyringHeader>> {
            let row = sqlx::query(
                "SELECT format_version, kdf_memory_kib, kdf_iterations, kdf_parallelism, salt, \
                 verifier FROM keyring WHERE singleton = 1",
            )
            .fetch_optional(&mut *conn)
            .await?;
            let Some(row) = row else { return Ok(None) };
            let version: i32 = row.try_get("format_version")?;
            Ok(Some(KeyringHeader {
                version: u8::try_from(version).map_err(|_| StoreError::Corrupt {
                    table: "keyring",
                    column: "format_version",
                    reason: "out of range".to_owned(),
                })?,
                params: KdfParams {
                    memory_kib: u32_column(row.try_get("kdf_memory_kib")?, "keyring", "kdf_memory_kib")?,
                    iterations: u32_column(row.try_get("kdf_iterations")?, "keyring", "kdf_iterations")?,
                    parallelism: u32_column(
                        row.try_get("kdf_parallelism")?,
                        "keyring",
                        "kdf_parallelism",
                    )?,
                },
                salt: row.try_get("salt")?,
                verifier: row.try_get("verifier")?,
            }))
        }

        #[async_trait]
        impl CaseStore for $store {
            fn backend(&self) -> Backend {
                $backend
            }

            async fn keyring(&self) -> Result<Option<KeyringHeader>> {
                let mut conn = self.pool.acquire().await?;
                read_keyring(&mut conn).await
            }

            async fn init_keyring(&self, header: &KeyringHeader) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                if read_keyring(&mut tx).await?.is_some() {
                    return Err(StoreError::AlreadyInitialised);
                }
                insert_keyring(&mut tx, header).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn insert_organisation(&self, organisation: &Organisation) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                insert_organisation(&mut tx, organisation).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn organisations(&self) -> Result<Vec<Organisation>> {
                sqlx::query("SELECT id, name FROM organisations ORDER BY name")
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(organisation_from_row)
                    .collect()
            }

            async fn insert_cases(&self, cases: &[CaseRecord]) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                let written = insert_case_records(&mut tx, &cases.iter().collect::<Vec<_>>()).await;
                crate::shared::finish(tx, written).await
            }

            async fn case(&self, id: CaseId) -> Result<Option<StoredCase>> {
                // One read transaction, so the case, its claims and its hearings agree.
                let mut tx = self.pool.begin().await?;
                let case = read_case(&mut tx, id).await?;
                tx.commit().await?;
                Ok(case)
            }

            async fn list_cases(&self, filter: &CaseFilter, page: Page) -> Result<Vec<CaseListRow>> {
                let mut qb = QueryBuilder::<$db>::new(format!(
                    "SELECT {CASE_COLUMNS}, c.names, k.wrapped_key FROM cases c \
                     JOIN case_keys k ON k.case_id = c.id WHERE 1 = 1"
                ));
                push_filter(&mut qb, filter);
                qb.push(order_by(filter.order)).push(" LIMIT ")
                    .push_bind(i64::from(page.limit))
                    .push(" OFFSET ")
                    .push_bind(i64::from(page.offset));
                qb.build()
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|row| {
                        Ok(CaseListRow {
                            columns: case_columns(row)?,
                            wrapped_key: wrapped_key_column(row.try_get("wrapped_key")?)?,
                            names: sealed_column(row.try_get("names")?, "cases", "names")?,
                        })
                    })
                    .collect()
            }

            async fn count_cases(&self, filter: &CaseFilter) -> Result<u64> {
                let mut qb = QueryBuilder::<$db>::new("SELECT COUNT(*) FROM cases c WHERE 1 = 1");
                push_filter(&mut qb, filter);
                let count: i64 = qb.build().fetch_one(&self.pool).await?.try_get(0)?;
                Ok(u64::try_from(count).unwrap_or(0))
            }

            async fn sealed_names(&self) -> Result<Vec<SealedNames>> {
                sqlx::query(
                    "SELECT c.id, c.names, k.wrapped_key FROM cases c \
                     JOIN case_keys k ON k.case_id = c.id",
                )
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|row| {
                    Ok(SealedNames {
                        id: CaseId(row.try_get("id")?),
                        wrapped_key: wrapped_key_column(row.try_get("wrapped_key")?)?,
                        names: sealed_column(row.try_get("names")?, "cases", "names")?,
                    })
                })
                .collect()
            }

            async fn sealed_people(&self) -> Result<Vec<$crate::SealedPerson>> {
                sqlx::query(
                    "SELECT c.id, c.organisation_id, c.person, k.wrapped_key FROM cases c \
                     JOIN case_keys k ON k.case_id = c.id",
                )
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|row| {
                    Ok($crate::SealedPerson {
                        id: CaseId(row.try_get("id")?),
                        organisation: OrgId(row.try_get("organisation_id")?),
                        wrapped_key: wrapped_key_column(row.try_get("wrapped_key")?)?,
                        person: sealed_column(row.try_get("person")?, "cases", "person")?,
                    })
                })
                .collect()
            }

            async fn close(&self) {
                self.before_close().await;
                self.pool.close().await;
            }

            async fn case_counts(&self, filter: &CaseFilter) -> Result<CaseCounts> {
                let mut counts = CaseCounts::default();
                for column in ["stage", "custody", "risk_level"] {
                    let mut qb = QueryBuilder::<$db>::new(format!(
                        "SELECT c.{column} AS value, COUNT(*) AS n FROM cases c WHERE 1 = 1"
                    ));
                    push_filter(&mut qb, filter);
                    qb.push(format!(" GROUP BY c.{column}"));
                    for row in qb.build().fetch_all(&self.pool).await? {
                        let value: String = row.try_get("value")?;
                        let n = u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0);
                        match column {
                            "stage" => counts.by_stage.push((parse_column(&value, "cases", "stage")?, n)),
                            "custody" => counts.by_custody.push((parse_column(&value, "cases", "custody")?, n)),
                            _ => counts.by_risk.push((parse_column(&value, "cases", "risk_level")?, n)),
                        }
                    }
                }
                counts.by_stage.sort();
                counts.by_custody.sort();
                counts.by_risk.sort();
                Ok(counts)
            }

            async fn removals_between(
                &self,
                from: NaiveDate,
                to: NaiveDate,
            ) -> Result<Vec<UpcomingRemoval>> {
                sqlx::query(
                    "SELECT c.id, c.organisation_id, c.scheduled_removal_date, c.stage FROM cases c \
                     WHERE c.scheduled_removal_date >= $1 AND c.scheduled_removal_date <= $2 \
                     ORDER BY c.scheduled_removal_date, c.id",
                )
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|row| {
                    Ok(UpcomingRemoval {
                        case_id: CaseId(row.try_get("id")?),
                        organisation: OrgId(row.try_get("organisation_id")?),
                        on_date: row.try_get("scheduled_removal_date")?,
                        stage: parse_column(&row.try_get::<String, _>("stage")?, "cases", "stage")?,
                    })
                })
                .collect()
            }

            async fn hearings_between(
                &self,
                from: NaiveDate,
                to: NaiveDate,
            ) -> Result<Vec<UpcomingHearing>> {
                sqlx::query(
                    "SELECT h.case_id, c.organisation_id, h.on_date, h.kind FROM hearings h \
                     JOIN cases c ON c.id = h.case_id \
                     WHERE h.on_date >= $1 AND h.on_date <= $2 ORDER BY h.on_date, h.case_id",
                )
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|row| {
                    Ok(UpcomingHearing {
                        case_id: CaseId(row.try_get("case_id")?),
                        organisation: OrgId(row.try_get("organisation_id")?),
                        on_date: row.try_get("on_date")?,
                        kind: parse_column(&row.try_get::<String, _>("kind")?, "hearings", "kind")?,
                    })
                })
                .collect()
            }

            async fn set_stage(
                &self,
                id: CaseId,
                from: Stage,
                to: Stage,
                at: DateTime<Utc>,
            ) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                let written = async {
                    let updated = sqlx::query(
                        "UPDATE cases SET stage = $1, updated_at = $2 WHERE id = $3 AND stage = $4",
                    )
                    .bind(to.as_str())
                    .bind(at)
                    .bind(id.0)
                    .bind(from.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if updated == 0 {
                        return Err(match read_case(&mut tx, id).await? {
                            None => StoreError::CaseNotFound(id),
                            Some(StoredCase::Purged(_)) => StoreError::CasePurged(id),
                            Some(StoredCase::Live(_)) => {
                                StoreError::StageConflict { id, expected: from }
                            }
                        });
                    }
                    let change = StageChange { case_id: id, from, to, at };
                    insert_stage_change(&mut tx, &change).await
                }
                .await;
                crate::shared::finish(tx, written).await
            }

            async fn update_case(
                &self,
                record: &CaseRecord,
                expected_updated_at: DateTime<Utc>,
            ) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                let written = async {
                    let before: Option<String> =
                        sqlx::query_scalar("SELECT stage FROM cases WHERE id = $1")
                            .bind(record.columns.id.0)
                            .fetch_optional(&mut *tx)
                            .await?;
                    update_case_rows(&mut tx, record, expected_updated_at).await?;
                    // A write that moves the stage keeps the stage history, in the same
                    // transaction.
                    if let Some(before) = before {
                        let from: Stage = parse_column(&before, "cases", "stage")?;
                        let to = record.columns.stage;
                        if from != to {
                            let change = StageChange {
                                case_id: record.columns.id,
                                from,
                                to,
                                at: record.columns.updated_at,
                            };
                            insert_stage_change(&mut tx, &change).await?;
                        }
                    }
                    Ok(())
                }
                .await;
                crate::shared::finish(tx, written).await
            }

            async fn stage_changes(&self, id: CaseId) -> Result<Vec<StageChange>> {
                sqlx::query(
                    "SELECT case_id, from_stage, to_stage, changed_at FROM stage_changes \
                     WHERE case_id = $1 ORDER BY changed_at",
                )
                .bind(id.0)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(stage_change_from_row)
                .collect()
            }

            async fn purge_case(&self, id: CaseId, at: DateTime<Utc>) -> Result<Tombstone> {
                let mut tx = self.pool.begin().await?;
                let record = match read_case(&mut tx, id).await? {
                    None => return Err(StoreError::CaseNotFound(id)),
                    Some(StoredCase::Purged(_)) => return Err(StoreError::CasePurged(id)),
                    Some(StoredCase::Live(record)) => record,
                };
                let uuid = id.0;
                // Reviews before the items they belong to, copies before their originals.
                sqlx::query(
                    "DELETE FROM evidence_reviews WHERE evidence_id IN \
                     (SELECT id FROM evidence_items WHERE case_id = $1)",
                )
                .bind(uuid)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "DELETE FROM evidence_items WHERE case_id = $1 AND derived_from IS NOT NULL",
                )
                .bind(uuid)
                .execute(&mut *tx)
                .await?;
                // The case's places on removal flights go; the flights and their reports stay,
                // being about the flight.
                for table in [
                    "flight_passengers",
                    "check_ins",
                    "alert_marks",
                    "dossiers",
                    "evidence_items",
                    "claims",
                    "hearings",
                    "stage_changes",
                    "case_shares",
                    "screening_alerts",
                    "case_keys",
                ] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE case_id = $1"))
                        .bind(uuid)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("DELETE FROM cases WHERE id = $1")
                    .bind(uuid)
                    .execute(&mut *tx)
                    .await?;
                let tombstone = Tombstone {
                    id,
                    organisation: record.columns.organisation,
                    created_at: record.columns.created_at,
                    purged_at: at,
                };
                insert_tombstone(&mut tx, &tombstone).await?;
                tx.commit().await?;
                self.after_purge().await?;
                Ok(tombstone)
            }

            async fn snapshot(&self) -> Result<Snapshot> {
                let mut tx = self.begin_snapshot().await?;
                let keyring = read_keyring(&mut tx).await?;
                let organisations = sqlx::query("SELECT id, name FROM organisations ORDER BY name")
                    .fetch_all(&mut *tx)
                    .await?
                    .iter()
                    .map(organisation_from_row)
                    .collect::<Result<Vec<_>>>()?;
                let ids: Vec<Uuid> = sqlx::query("SELECT id FROM cases ORDER BY created_at, id")
                    .fetch_all(&mut *tx)
                    .await?
                    .iter()
                    .map(|row| row.try_get("id"))
                    .collect::<std::result::Result<_, _>>()?;
                let mut cases = Vec::with_capacity(ids.len());
                for id in ids {
                    if let Some(case) = read_case(&mut tx, CaseId(id)).await? {
                        cases.push(case);
                    }
                }
                for row in sqlx::query(
                    "SELECT case_id, organisation_id, created_at, purged_at FROM tombstones \
                     ORDER BY purged_at, case_id",
                )
                .fetch_all(&mut *tx)
                .await?
                {
                    cases.push(StoredCase::Purged(tombstone_from_row(&row)?));
                }
                let stage_changes = sqlx::query(
                    "SELECT case_id, from_stage, to_stage, changed_at FROM stage_changes \
                     ORDER BY changed_at, case_id",
                )
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(stage_change_from_row)
                .collect::<Result<Vec<_>>>()?;
                let accounts = account_sql::read_snapshot(&mut tx).await?;
                let screening_alerts = screening_sql::read_all(&mut tx).await?;
                let evidence = evidence_sql::read_all(&mut tx).await?;
                let signing_keys = signing_sql::read_all(&mut tx).await?;
                let dossiers = dossier_sql::read_all(&mut tx).await?;
                let watch = watch_sql::read_all(&mut tx).await?;
                let audit = audit_sql::read_chain(&mut tx).await?;
                if let Some(row) = audit.unreadable {
                    return Err(row.into());
                }
                let audit_head = audit.head.ok_or_else(|| {
                    $crate::audit::corrupt_head("singleton", "missing or not readable")
                })?;
                tx.commit().await?;
                Ok(Snapshot {
                    keyring,
                    organisations,
                    cases,
                    stage_changes,
                    accounts,
                    audit_log: audit.entries,
                    audit_head,
                    screening_alerts,
                    evidence,
                    signing_keys,
                    dossiers,
                    watch,
                })
            }

            async fn load_snapshot(&self, snapshot: &Snapshot) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                let existing: i64 = sqlx::query(
                    "SELECT (SELECT COUNT(*) FROM keyring) + (SELECT COUNT(*) FROM organisations) \
                     + (SELECT COUNT(*) FROM cases) + (SELECT COUNT(*) FROM tombstones) \
                     + (SELECT COUNT(*) FROM audit_log)",
                )
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
                if existing != 0 || account_sql::has_users(&mut tx).await? {
                    return Err(StoreError::NotEmpty);
                }
                if let Some(header) = &snapshot.keyring {
                    insert_keyring(&mut tx, header).await?;
                }
                for organisation in &snapshot.organisations {
                    insert_organisation(&mut tx, organisation).await?;
                }
                let mut live = Vec::with_capacity(snapshot.cases.len());
                for case in &snapshot.cases {
                    match case {
                        StoredCase::Live(record) => live.push(record.as_ref()),
                        StoredCase::Purged(tombstone) => insert_tombstone(&mut tx, tombstone).await?,
                    }
                }
                insert_case_records(&mut tx, &live).await?;
                for change in &snapshot.stage_changes {
                    insert_stage_change(&mut tx, change).await?;
                }
                account_sql::load_snapshot(&mut tx, &snapshot.accounts).await?;
                // After the cases and users they refer to.
                for alert in &snapshot.screening_alerts {
                    screening_sql::insert(&mut tx, alert).await?;
                }
                evidence_sql::insert_all(&mut tx, &snapshot.evidence).await?;
                for key in &snapshot.signing_keys {
                    signing_sql::insert(&mut tx, key).await?;
                }
                for dossier in &snapshot.dossiers {
                    dossier_sql::insert(&mut tx, dossier).await?;
                }
                watch_sql::insert_all(&mut tx, &snapshot.watch).await?;
                // Verbatim, seqs and hashes and the head's seal included, so the restored
                // chain verifies as the original did.
                audit_sql::insert_entries(&mut tx, &snapshot.audit_log).await?;
                audit_sql::write_head(&mut tx, &snapshot.audit_head).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(crate) use impl_sql_store;
