//! The audit log's storage: an append-only table of hash-chained entries (`audit_log`) and a
//! one-row table that records where the chain ends (`audit_head`).
//!
//! The chain itself, its hashing and its verification, is `corridor_core::audit`; the store
//! keeps each entry exactly as it was sealed and serialises appends. Every append starts by
//! updating the head row, so SQLite takes its write lock at once and PostgreSQL locks the row:
//! concurrent appends, from one server or several sharing a database, queue up and make one
//! gapless chain. The head also carries a seal made by the caller (the app seals the head under
//! the root key, which the store never sees), so that the end of the log can be checked too.
//!
//! Everything in the log is plain text; [`AuditEvent::check`] keeps it to ids, machine names and
//! IP addresses, and the store refuses events that fail it.

use async_trait::async_trait;
use corridor_core::{AuditEntry, AuditEvent, ChainHead};
use corridor_crypto::Sealed;

use crate::{AuditChain, AuditFilter, Page, Result, StoreError, UnreadableAuditRow};

/// Seals a chain head under a key the store does not hold; called inside the append's
/// transaction, once the new head is known.
pub type SealHead<'a> = &'a (dyn Fn(&ChainHead) -> Sealed + Send + Sync);

/// The append-only, hash-chained audit log.
#[async_trait]
pub trait AuditStore: Send + Sync + 'static {
    /// Appends `event` as the next entry and returns it, in one transaction: locks the head,
    /// seals the entry after it ([`AuditEntry::seal_after`], which truncates the time to whole
    /// microseconds), inserts it, and moves the head to it with `seal_head`'s seal. Refuses an
    /// event that fails [`AuditEvent::check`] with [`StoreError::InvalidAuditEvent`].
    async fn append_audit(&self, event: &AuditEvent, seal_head: SealHead<'_>)
    -> Result<AuditEntry>;

    /// Appends several events in one transaction, in order (group commit: one write and one
    /// sync for many requests). All or none; any invalid event refuses the whole batch.
    async fn append_audits(
        &self,
        events: &[AuditEvent],
        seal_head: SealHead<'_>,
    ) -> Result<Vec<AuditEntry>>;

    /// Entries matching the filter, newest first. A row changed so that it no longer reads as
    /// an entry fails the call with [`StoreError::Corrupt`] naming its seq.
    async fn audit_entries(&self, filter: &AuditFilter, page: Page) -> Result<Vec<AuditEntry>>;

    /// The whole log, oldest first, with its head, read in one transaction: what verification
    /// needs. Held in memory, which is fine for now (about 300 bytes an entry); a log of tens
    /// of millions of entries will want a streaming check.
    async fn audit_chain(&self) -> Result<AuditChain>;
}

impl From<UnreadableAuditRow> for StoreError {
    fn from(row: UnreadableAuditRow) -> Self {
        StoreError::Corrupt {
            table: "audit_log",
            column: row.column,
            reason: format!("entry {} cannot be read", row.seq),
        }
    }
}

/// Stored bytes as a SHA-256 hash, if they are 32 bytes long.
pub(crate) fn hash_column(bytes: Vec<u8>) -> Option<[u8; 32]> {
    bytes.try_into().ok()
}

pub(crate) fn corrupt_head(column: &'static str, reason: &str) -> StoreError {
    StoreError::Corrupt {
        table: "audit_head",
        column,
        reason: reason.to_owned(),
    }
}

pub(crate) const AUDIT_COLUMNS: &str = "seq, at, actor, organisation_id, action, case_id, \
     subject, address, outcome, prev_hash, hash";

/// Expands `impl AuditStore for $store` over the engine `$db`, and a module `audit_sql` with
/// the statements that `snapshot` and `load_snapshot` (in `shared.rs`) use too. `$store` must
/// have a `pool` field, the inherent method `begin_snapshot`, and the associated functions
/// `audit_time_to_column` and `audit_time_from_row` (how the engine stores a time exactly).
macro_rules! impl_audit_store {
    ($store:ty, $db:ty) => {
        /// The audit log's SQL for this engine.
        mod audit_sql {
            // The store type, by the name the invocation gave it.
            use super::*;

            use corridor_core::{AuditEntry, AuditEvent, CaseId, ChainHead, OrgId};
            use corridor_crypto::Sealed;
            use sqlx::{QueryBuilder, Row};
            use uuid::Uuid;

            use $crate::audit::{AUDIT_COLUMNS, corrupt_head, hash_column};
            use $crate::shared::ROWS_PER_STATEMENT;
            use $crate::{
                AuditChain, AuditFilter, AuditHeadRow, Page, Result, SealHead, StoreError,
                UnreadableAuditRow,
            };

            type DbRow = <$db as sqlx::Database>::Row;
            type Conn = <$db as sqlx::Database>::Connection;
            type Tx<'a> = sqlx::Transaction<'a, $db>;

            /// One row as an entry, or the first column that does not read as its kind. Every
            /// column has one stored form per value, so any changed byte either fails here or
            /// changes the entry (and so its hash).
            fn entry_from_row(row: &DbRow) -> std::result::Result<AuditEntry, UnreadableAuditRow> {
                let seq: i64 = row.try_get("seq").unwrap_or(0);
                let bad = |column| UnreadableAuditRow { seq, column };
                let text =
                    |column: &'static str| -> std::result::Result<String, UnreadableAuditRow> {
                        row.try_get::<String, _>(column).map_err(|_| bad(column))
                    };
                let optional_text = |column: &'static str| {
                    row.try_get::<Option<String>, _>(column)
                        .map_err(|_| bad(column))
                };
                let optional_id = |column: &'static str| {
                    row.try_get::<Option<Uuid>, _>(column)
                        .map_err(|_| bad(column))
                };
                let hash = |column: &'static str| {
                    row.try_get::<Vec<u8>, _>(column)
                        .ok()
                        .and_then(hash_column)
                        .ok_or(bad(column))
                };
                Ok(AuditEntry {
                    seq: u64::try_from(seq)
                        .ok()
                        .filter(|seq| *seq >= 1)
                        .ok_or(bad("seq"))?,
                    event: AuditEvent {
                        at: <$store>::audit_time_from_row(row).ok_or(bad("at"))?,
                        actor: text("actor")?.parse().map_err(|_| bad("actor"))?,
                        organisation: optional_id("organisation_id")?.map(OrgId),
                        action: text("action")?.parse().map_err(|_| bad("action"))?,
                        case: optional_id("case_id")?.map(CaseId),
                        subject: optional_text("subject")?,
                        address: optional_text("address")?,
                        outcome: text("outcome")?.parse().map_err(|_| bad("outcome"))?,
                    },
                    prev_hash: hash("prev_hash")?,
                    hash: hash("hash")?,
                })
            }

            /// The head row, or `None` if it is missing or does not read as a head.
            pub(super) async fn read_head(conn: &mut Conn) -> Result<Option<AuditHeadRow>> {
                let row = sqlx::query("SELECT seq, hash, seal FROM audit_head WHERE singleton = 1")
                    .fetch_optional(&mut *conn)
                    .await?;
                let Some(row) = row else { return Ok(None) };
                let seq = row
                    .try_get::<i64, _>("seq")
                    .ok()
                    .and_then(|seq| u64::try_from(seq).ok());
                let hash = row.try_get::<Vec<u8>, _>("hash").ok().and_then(hash_column);
                let seal = match row.try_get::<Option<Vec<u8>>, _>("seal") {
                    Ok(None) => Some(None),
                    Ok(Some(bytes)) => Sealed::from_bytes(bytes).ok().map(Some),
                    Err(_) => None,
                };
                Ok(match (seq, hash, seal) {
                    (Some(seq), Some(hash), Some(seal)) => Some(AuditHeadRow {
                        head: ChainHead { seq, hash },
                        seal,
                    }),
                    _ => None,
                })
            }

            /// Entries oldest first up to the first unreadable row, that row, and the head.
            pub(super) async fn read_chain(conn: &mut Conn) -> Result<AuditChain> {
                let rows = sqlx::query(&format!(
                    "SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY seq"
                ))
                .fetch_all(&mut *conn)
                .await?;
                let mut entries = Vec::with_capacity(rows.len());
                let mut unreadable = None;
                for row in &rows {
                    match entry_from_row(row) {
                        Ok(entry) => entries.push(entry),
                        Err(bad) => {
                            unreadable = Some(bad);
                            break;
                        }
                    }
                }
                let head = read_head(conn).await?;
                Ok(AuditChain {
                    entries,
                    unreadable,
                    head,
                })
            }

            /// Inserts entries exactly as given (seq, hashes and all), many rows per statement.
            pub(super) async fn insert_entries(
                tx: &mut Tx<'_>,
                entries: &[AuditEntry],
            ) -> Result<()> {
                for chunk in entries.chunks(ROWS_PER_STATEMENT) {
                    let rows = chunk
                        .iter()
                        .map(|entry| {
                            let seq =
                                i64::try_from(entry.seq).map_err(|_| StoreError::Corrupt {
                                    table: "audit_log",
                                    column: "seq",
                                    reason: "out of range".to_owned(),
                                })?;
                            Ok((seq, entry.event.actor.to_string(), entry))
                        })
                        .collect::<Result<Vec<_>>>()?;
                    let mut qb = QueryBuilder::<$db>::new(format!(
                        "INSERT INTO audit_log ({AUDIT_COLUMNS}) "
                    ));
                    qb.push_values(&rows, |mut row, (seq, actor, entry)| {
                        let event = &entry.event;
                        row.push_bind(*seq)
                            .push_bind(<$store>::audit_time_to_column(event.at))
                            .push_bind(actor.as_str())
                            .push_bind(event.organisation.map(|id| id.0))
                            .push_bind(event.action.as_str())
                            .push_bind(event.case.map(|id| id.0))
                            .push_bind(event.subject.as_deref())
                            .push_bind(event.address.as_deref())
                            .push_bind(event.outcome.as_str())
                            .push_bind(entry.prev_hash.as_slice())
                            .push_bind(entry.hash.as_slice());
                    });
                    qb.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// Sets the head row (which the migration created).
            pub(super) async fn write_head(tx: &mut Tx<'_>, head: &AuditHeadRow) -> Result<()> {
                let seq = i64::try_from(head.head.seq)
                    .map_err(|_| corrupt_head("seq", "out of range"))?;
                let updated = sqlx::query(
                    "UPDATE audit_head SET seq = $1, hash = $2, seal = $3 WHERE singleton = 1",
                )
                .bind(seq)
                .bind(head.head.hash.as_slice())
                .bind(head.seal.as_ref().map(|seal| seal.as_bytes()))
                .execute(&mut **tx)
                .await?
                .rows_affected();
                if updated != 1 {
                    return Err(corrupt_head("singleton", "the head row is missing"));
                }
                Ok(())
            }

            #[async_trait::async_trait]
            impl $crate::AuditStore for $store {
                async fn append_audit(
                    &self,
                    event: &AuditEvent,
                    seal_head: SealHead<'_>,
                ) -> Result<AuditEntry> {
                    let mut entries = self
                        .append_audits(std::slice::from_ref(event), seal_head)
                        .await?;
                    entries
                        .pop()
                        .ok_or_else(|| corrupt_head("seq", "nothing was appended"))
                }

                async fn append_audits(
                    &self,
                    events: &[AuditEvent],
                    seal_head: SealHead<'_>,
                ) -> Result<Vec<AuditEntry>> {
                    if events.is_empty() {
                        return Ok(Vec::new());
                    }
                    for event in events {
                        event.check()?;
                    }
                    let count = i64::try_from(events.len())
                        .map_err(|_| corrupt_head("seq", "batch too large"))?;
                    let mut tx = self.pool.begin().await?;
                    // First statement a write: SQLite takes the write lock now (a read first
                    // could not be upgraded under contention); PostgreSQL locks the row until
                    // commit, and a waiting append then sees the committed seq.
                    let row = sqlx::query(
                        "UPDATE audit_head SET seq = seq + $1 WHERE singleton = 1 \
                         RETURNING seq, hash",
                    )
                    .bind(count)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| corrupt_head("singleton", "the head row is missing"))?;
                    let seq: i64 = row.try_get("seq")?;
                    let mut head = ChainHead {
                        seq: u64::try_from(seq - count)
                            .map_err(|_| corrupt_head("seq", "out of range"))?,
                        hash: hash_column(row.try_get("hash")?)
                            .ok_or_else(|| corrupt_head("hash", "not 32 bytes"))?,
                    };
                    let mut entries = Vec::with_capacity(events.len());
                    for event in events {
                        let entry = AuditEntry::seal_after(head, event.clone());
                        head = entry.head();
                        entries.push(entry);
                    }
                    insert_entries(&mut tx, &entries).await?;
                    let seal = seal_head(&head);
                    sqlx::query("UPDATE audit_head SET hash = $1, seal = $2 WHERE singleton = 1")
                        .bind(head.hash.as_slice())
                        .bind(seal.as_bytes())
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(entries)
                }

                async fn audit_entries(
                    &self,
                    filter: &AuditFilter,
                    page: Page,
                ) -> Result<Vec<AuditEntry>> {
                    let mut qb = QueryBuilder::<$db>::new(format!(
                        "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE 1 = 1"
                    ));
                    if let Some(actor) = &filter.actor {
                        qb.push(" AND actor = ").push_bind(actor.to_string());
                    }
                    if let Some(organisation) = filter.organisation {
                        qb.push(" AND organisation_id = ").push_bind(organisation.0);
                    }
                    if let Some(case) = filter.case {
                        qb.push(" AND case_id = ").push_bind(case.0);
                    }
                    if let Some(action) = filter.action {
                        qb.push(" AND action = ").push_bind(action.as_str());
                    }
                    if let Some(outcome) = filter.outcome {
                        qb.push(" AND outcome = ").push_bind(outcome.as_str());
                    }
                    if let Some(subject) = &filter.subject {
                        qb.push(" AND subject = ").push_bind(subject.clone());
                    }
                    qb.push(" ORDER BY seq DESC LIMIT ")
                        .push_bind(i64::from(page.limit))
                        .push(" OFFSET ")
                        .push_bind(i64::from(page.offset));
                    qb.build()
                        .fetch_all(&self.pool)
                        .await?
                        .iter()
                        .map(|row| entry_from_row(row).map_err(StoreError::from))
                        .collect()
                }

                async fn audit_chain(&self) -> Result<AuditChain> {
                    // One snapshot, so that an append committing meanwhile cannot leave the
                    // head ahead of the entries read.
                    let mut tx = self.begin_snapshot().await?;
                    let chain = read_chain(&mut tx).await?;
                    tx.commit().await?;
                    Ok(chain)
                }
            }
        }
    };
}

pub(crate) use impl_audit_store;
