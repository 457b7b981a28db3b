//! The audit log: appending events, reading them, and checking the chain.
//!
//! The chain (hashing, verification) is `corridor_core::audit`, and the store serialises
//! appends. This module adds the seal over the chain's head: each append seals the new head (seq
//! and hash of the last entry) under the root key, inside the append's transaction, and
//! verification checks the chain against the head that seal holds. So someone who can write to
//! the database but does not know the passphrase cannot change, delete, reorder, add or cut off
//! entries without `corridor audit verify` noticing, even if they recompute every hash.
//!
//! What no check of the store alone can notice is a rollback of the whole log to an earlier
//! state of itself (an old copy of the database, or the log emptied and its head reset to the
//! empty head): keep the head hash that verification prints somewhere else and compare.

use corridor_core::{
    AuditEntry, AuditEvent, BreakReason, ChainBreak, ChainHead, ChainSummary, verify_chain,
    verify_chain_to,
};
use corridor_crypto::RootKey;
use corridor_store::{AuditChain, AuditFilter, AuditHeadRow, Page};

use crate::{AppError, Corridor, Result, sealing};

/// Events waiting to be appended, and the turn to append them (see [`Corridor::audit`]).
#[derive(Default)]
pub(crate) struct AuditQueue {
    pending: std::sync::Mutex<Vec<(AuditEvent, Reply)>>,
    flushing: tokio::sync::Mutex<()>,
}

/// Where a queued event's entry (or the reason it failed) is sent.
type Reply = tokio::sync::oneshot::Sender<std::result::Result<AuditEntry, String>>;

impl AuditQueue {
    fn push(&self, event: AuditEvent, reply: Reply) {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((event, reply));
    }

    fn take(&self) -> Vec<(AuditEvent, Reply)> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl Corridor {
    /// Appends `event` to the audit log and returns its entry. Audit before answering, and
    /// fail the request if this fails: what cannot be recorded is not done. Refuses an event
    /// that fails [`AuditEvent::check`] (a subject that is not an id, an address that is not
    /// an IP address).
    ///
    /// Appends are grouped: a request queues its event, and whoever holds the flush turn
    /// writes every queued event in one transaction (one write and one sync for many
    /// requests); each request still waits until its own entry is committed.
    pub async fn audit(&self, event: AuditEvent) -> Result<AuditEntry> {
        event.check().map_err(corridor_store::StoreError::from)?;
        let (sender, receiver) = tokio::sync::oneshot::channel();
        self.audit_queue.push(event, sender);
        {
            let _turn = self.audit_queue.flushing.lock().await;
            let batch = self.audit_queue.take();
            if !batch.is_empty() {
                let (events, senders): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
                let root = &self.root;
                let seal = |head: &ChainHead| sealing::seal_audit_head(root, head);
                match self.store.append_audits(&events, &seal).await {
                    Ok(entries) => {
                        for (sender, entry) in senders.into_iter().zip(entries) {
                            let _ = sender.send(Ok(entry));
                        }
                    }
                    Err(error) => {
                        let reason = error.to_string();
                        for sender in senders {
                            let _ = sender.send(Err(reason.clone()));
                        }
                    }
                }
            }
        }
        match receiver.await {
            Ok(Ok(entry)) => Ok(entry),
            Ok(Err(reason)) => Err(AppError::AuditFailed(reason)),
            Err(_) => Err(AppError::AuditFailed(
                "the audit append was abandoned".to_owned(),
            )),
        }
    }

    /// Entries matching the filter, newest first. Who may read which entries is the caller's
    /// business (admins only; an organisation's admin its own organisation's entries).
    pub async fn audit_log(&self, filter: &AuditFilter, page: Page) -> Result<Vec<AuditEntry>> {
        Ok(self.store.audit_entries(filter, page).await?)
    }

    /// Checks the whole audit log: every entry readable and intact, seqs gapless and in order,
    /// each linked to the one before, and the log ending exactly at the head sealed under the
    /// root key. Fails with [`AppError::AuditBroken`] naming the first bad entry.
    pub async fn verify_audit(&self) -> Result<ChainSummary> {
        let chain = self.store.audit_chain().await?;
        match check_chain(&self.root, chain) {
            Ok(summary) => {
                tracing::info!(entries = summary.entries, "audit log verified");
                Ok(summary)
            }
            Err(broken) => {
                tracing::info!(entry = broken.seq, "audit log broken");
                Err(AppError::AuditBroken(broken))
            }
        }
    }
}

/// The checks of [`Corridor::verify_audit`], in the order that names the first bad entry.
fn check_chain(root: &RootKey, chain: AuditChain) -> Result<ChainSummary, ChainBreak> {
    let AuditChain {
        entries,
        unreadable,
        head,
    } = chain;

    // A row that cannot be read ends what can be checked; breaks before it come first.
    if let Some(bad) = unreadable {
        let readable = verify_chain(entries)?;
        let expected = readable.entries + 1;
        return Err(match u64::try_from(bad.seq) {
            Ok(seq) if seq > expected => ChainBreak {
                seq: expected,
                reason: BreakReason::Gap { next: seq },
            },
            Ok(seq) if seq == expected => ChainBreak {
                seq,
                reason: BreakReason::Unreadable { column: bad.column },
            },
            // Rows come in seq order, so a seq below the expected one is itself unreadable.
            _ => ChainBreak {
                seq: expected,
                reason: BreakReason::Unreadable { column: "seq" },
            },
        });
    }

    // The head as sealed by the last append; the plain columns are only what appends build on.
    let sealed = match &head {
        Some(AuditHeadRow { head, seal: None }) if *head == ChainHead::GENESIS => {
            Some(ChainHead::GENESIS)
        }
        Some(AuditHeadRow {
            seal: Some(seal), ..
        }) => sealing::open_audit_head(root, seal),
        _ => None,
    };
    let Some(sealed) = sealed else {
        let summary = verify_chain(entries)?;
        return Err(head_altered(&summary));
    };
    let summary = verify_chain_to(entries, sealed)?;
    if head.is_some_and(|row| row.head != sealed) {
        return Err(head_altered(&summary));
    }
    Ok(summary)
}

fn head_altered(summary: &ChainSummary) -> ChainBreak {
    ChainBreak {
        seq: summary.entries + 1,
        reason: BreakReason::HeadAltered,
    }
}
