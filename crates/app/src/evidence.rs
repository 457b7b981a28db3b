//! Evidence as a caseworker (or the operator) adds it and a case's readers read it.
//!
//! A file is streamed into the blob store, sealed under a key derived from the case key, while
//! its SHA-256 is computed and its first and last bytes are kept to tell its type and read its
//! metadata. A file refused after it was stored (its type, its size) is deleted before the
//! refusal is returned: nothing partial is kept. The item's facts (what it shows, its source,
//! its file's name, type, length, hash and metadata) are sealed under the case key, so purging
//! the case shreds them with the files. Every upload, view and download is an audit entry whose
//! subject is the item: its chain of custody.

use std::collections::BTreeSet;
use std::pin::Pin;
use std::task::{Context, Poll};

use chrono::{SubsecRound, Utc};
use corridor_blobs::{BlobError, BlobId, BlobReader, BlobStore};
use corridor_core::evidence_file::{SNIFF_HEAD, SNIFF_TAIL};
use corridor_core::{
    Actor, AuditAction, AuditEvent, AuditOutcome, CaseId, Check, DecisionReason, EvidenceDetails,
    EvidenceFacts, EvidenceId, EvidenceKind, FileFacts, FileName, OrgId, Permission, Review,
    ReviewStep, UserId, VerificationStatus, apply_review, metadata, sniff,
};
use corridor_crypto::{CaseKey, Sealed};
use corridor_store::{CaseRecord, EvidenceRow, ReviewRow, StoredCase};
use tokio::io::{AsyncRead, ReadBuf};

use crate::accounts::Principal;
use crate::sealing::{
    case_key, open_evidence_facts, open_review_body, seal_evidence_facts, seal_review_body,
};
use crate::visibility::event;
use crate::{AppError, Corridor, Result};

/// The largest evidence file accepted, unless the deployment sets another.
pub const DEFAULT_MAX_EVIDENCE_BYTES: u64 = 512 * 1024 * 1024;
/// How much of a file's start is kept to read its metadata (JPEG keeps EXIF within the
/// first 64 KiB; a PDF's document information is usually near the start or the end).
const METADATA_HEAD: usize = 256 * 1024;
/// The largest image a copy without metadata is made of (it is read whole to be rewritten).
const MAX_STRIP_BYTES: u64 = 64 * 1024 * 1024;

/// Who adds or reads evidence: a signed-in user, or the operator at the command line.
#[derive(Clone, Copy, Debug)]
pub enum Custodian<'a> {
    User(&'a Principal),
    Operator,
}

impl Custodian<'_> {
    /// The organisation whose cases a user works on; `None` for the operator, who sees all.
    pub(crate) fn organisation(&self) -> Option<corridor_core::OrgId> {
        match self {
            Custodian::User(who) => Some(who.organisation),
            Custodian::Operator => None,
        }
    }

    /// An allowed `action` by this custodian, now: a user's event carries their organisation,
    /// the operator's none.
    pub(crate) fn allowed(&self, action: AuditAction) -> AuditEvent {
        match self {
            Custodian::User(who) => event(who, action, AuditOutcome::Allowed),
            Custodian::Operator => {
                AuditEvent::new(Utc::now(), Actor::Operator, action, AuditOutcome::Allowed)
            }
        }
    }

    /// [`Custodian::allowed`], the operator's event carrying `organisation` (whose case it
    /// concerns).
    pub(crate) fn allowed_for(&self, action: AuditAction, organisation: OrgId) -> AuditEvent {
        match self {
            Custodian::User(_) => self.allowed(action),
            Custodian::Operator => self.allowed(action).with_organisation(organisation),
        }
    }

    fn user(&self) -> Option<UserId> {
        match self {
            Custodian::User(who) => Some(who.user),
            Custodian::Operator => None,
        }
    }
}

/// A file to add: its name as given, and its bytes.
pub struct EvidenceUpload<R> {
    pub name: FileName,
    pub bytes: R,
}

/// The most custody entries an item's page shows (the newest).
const CUSTODY_ENTRIES: u32 = 500;

/// An item with its verification steps and chain of custody.
#[derive(Clone, Debug)]
pub struct EvidenceRecord {
    pub item: EvidenceView,
    pub reviews: Vec<Review>,
    /// The audit entries about the item, oldest first.
    pub custody: Vec<corridor_core::AuditEntry>,
}

/// An evidence item as its case's readers see it.
#[derive(Clone, Debug, PartialEq)]
pub struct EvidenceView {
    pub id: EvidenceId,
    pub case_id: CaseId,
    /// The organisation that owns the case (and so may add to it).
    pub organisation: OrgId,
    pub kind: EvidenceKind,
    pub status: VerificationStatus,
    pub derived_from: Option<EvidenceId>,
    pub uploaded_by: Option<UserId>,
    pub uploaded_at: chrono::DateTime<Utc>,
    pub facts: EvidenceFacts,
}

impl Corridor {
    /// Where evidence files are kept. Until this is set, adding a file fails.
    pub fn use_blob_store(&mut self, blobs: BlobStore) {
        self.blobs = Some(blobs);
    }

    /// The largest file accepted, in bytes.
    pub fn max_evidence_bytes(&self) -> u64 {
        self.max_evidence_bytes
    }

    /// The largest file accepted.
    pub fn set_max_evidence_bytes(&mut self, max: u64) {
        self.max_evidence_bytes = max;
    }

    /// Adds an item to a case: a file (streamed and sealed), its description, or both. A user
    /// needs `case_edit` and a case of their organisation. Audited as the item's upload.
    pub async fn add_evidence<R: AsyncRead + Unpin>(
        &self,
        by: Custodian<'_>,
        case: CaseId,
        kind: EvidenceKind,
        details: EvidenceDetails,
        file: Option<EvidenceUpload<R>>,
    ) -> Result<EvidenceId> {
        let record = self
            .writable_case(by, case, AuditAction::EvidenceUploaded)
            .await?;
        let key = case_key(&self.root, &record)?;
        let id = EvidenceId::random();
        let (blob, file) = match file {
            Some(upload) => {
                let (blob, facts) = self.store_file(&key, upload).await?;
                (Some(blob), Some(facts))
            }
            None => (None, None),
        };
        let facts = EvidenceFacts { details, file };
        let row = EvidenceRow {
            id,
            case_id: case,
            organisation: record.columns.organisation,
            kind,
            status: VerificationStatus::Unverified,
            derived_from: None,
            uploaded_by: by.user(),
            uploaded_at: Utc::now().trunc_subsecs(6),
            blob: blob.map(|b| b.to_string()),
            facts: seal_evidence_facts(&key, id, &facts),
        };
        if let Err(error) = self.store.insert_evidence(&row).await {
            if let Some(blob) = blob {
                self.delete_blob(blob).await;
            }
            return Err(error.into());
        }
        tracing::info!(case = %case, evidence = %id, "evidence added");
        self.custody(
            by,
            record.columns.organisation,
            case,
            id,
            AuditAction::EvidenceUploaded,
        )
        .await?;
        Ok(id)
    }

    /// Whether `who` may add evidence to `case` (the case is live and theirs to edit), asked
    /// before an upload is read; a refusal is audited as an upload refused.
    pub async fn may_add_evidence(&self, who: &Principal, case: CaseId) -> Result<()> {
        self.writable_case(Custodian::User(who), case, AuditAction::EvidenceUploaded)
            .await
            .map(|_| ())
    }

    /// The case of item `id`, if `who` may add to it (a claim citing the item, say); a
    /// refusal is audited as a case update refused, and the item reported as not found.
    pub async fn case_of_evidence_to_edit(
        &self,
        who: &Principal,
        id: EvidenceId,
    ) -> Result<CaseId> {
        let (row, _) = self
            .item_of_case(
                Custodian::User(who),
                id,
                Access::Write,
                AuditAction::CaseUpdated,
            )
            .await?;
        Ok(row.case_id)
    }

    /// The items of a case `by` may read (a user: `case_read`, and the case visible to their
    /// organisation), oldest first. Audited as a view of each item.
    pub async fn evidence_of_case(
        &self,
        by: Custodian<'_>,
        case: CaseId,
    ) -> Result<Vec<EvidenceView>> {
        let record = self
            .readable_case(by, case, AuditAction::EvidenceViewed)
            .await?;
        let key = case_key(&self.root, &record)?;
        let rows = self.store.evidence_of_case(case).await?;
        let views = rows
            .iter()
            .map(|row| view(&key, row))
            .collect::<Result<Vec<_>>>()?;
        for item in &views {
            self.custody(
                by,
                record.columns.organisation,
                case,
                item.id,
                AuditAction::EvidenceViewed,
            )
            .await?;
        }
        Ok(views)
    }

    /// An item's file, to be read chunk by chunk, with its facts (the caller checks the
    /// hash as it writes the bytes out). Audited as a download.
    pub async fn evidence_file(
        &self,
        by: Custodian<'_>,
        id: EvidenceId,
    ) -> Result<(EvidenceView, BlobReader)> {
        self.open_evidence_file(by, id, AuditAction::EvidenceDownloaded)
            .await
    }

    /// An item's file written out of Corridor (by the operator to a path, say), to be read
    /// chunk by chunk as [`Corridor::evidence_file`]. Audited as an export.
    pub async fn export_evidence_file(
        &self,
        by: Custodian<'_>,
        id: EvidenceId,
    ) -> Result<(EvidenceView, BlobReader)> {
        self.open_evidence_file(by, id, AuditAction::EvidenceExported)
            .await
    }

    /// An item's file for its case's readers, audited in its chain of custody as `action`.
    pub(crate) async fn open_evidence_file(
        &self,
        by: Custodian<'_>,
        id: EvidenceId,
        action: AuditAction,
    ) -> Result<(EvidenceView, BlobReader)> {
        let (item, reader, organisation) = self.read_evidence_file(by, id, action).await?;
        self.custody(by, organisation, item.case_id, id, action)
            .await?;
        Ok((item, reader))
    }

    /// An item's file for its case's readers, and the case's organisation, with no custody
    /// entry yet (a refusal is audited, as `action`): the caller records the custody entry
    /// once the file has served its purpose.
    pub(crate) async fn read_evidence_file(
        &self,
        by: Custodian<'_>,
        id: EvidenceId,
        action: AuditAction,
    ) -> Result<(EvidenceView, BlobReader, OrgId)> {
        let (row, record) = self.item_of_case(by, id, Access::Read, action).await?;
        let key = case_key(&self.root, &record)?;
        let item = view(&key, &row)?;
        let blob = blob_of(&row)?;
        let reader = self.blobs()?.get(&key, blob).await?;
        Ok((item, reader, record.columns.organisation))
    }

    /// One item as its page shows it: its facts, its verification steps (with their checks
    /// and reasons) and its chain of custody (the audit entries about it, oldest first). For
    /// the case's readers; audited as a view.
    pub async fn evidence_item(&self, by: Custodian<'_>, id: EvidenceId) -> Result<EvidenceRecord> {
        let (row, record) = self
            .item_of_case(by, id, Access::Read, AuditAction::EvidenceViewed)
            .await?;
        let key = case_key(&self.root, &record)?;
        let item = view(&key, &row)?;
        let reviews = self
            .store
            .evidence_reviews(id)
            .await?
            .iter()
            .map(|r| open_review(&key, row.case_id, r))
            .collect::<Result<Vec<_>>>()?;
        self.custody(
            by,
            row.organisation,
            row.case_id,
            id,
            AuditAction::EvidenceViewed,
        )
        .await?;
        let mut custody = self
            .store
            .audit_entries(
                &corridor_store::AuditFilter {
                    subject: Some(id.to_string()),
                    case: Some(row.case_id),
                    ..Default::default()
                },
                corridor_store::Page::new(0, CUSTODY_ENTRIES),
            )
            .await?;
        custody.reverse();
        Ok(EvidenceRecord {
            item,
            reviews,
            custody,
        })
    }

    /// Makes a copy of an image item without its capture metadata (time, place, device), to
    /// share outside the organisation; the original stays untouched and the copy is linked to
    /// it. Needs what adding evidence needs. Audited on both items.
    pub async fn derive_stripped_copy(
        &self,
        by: Custodian<'_>,
        id: EvidenceId,
    ) -> Result<EvidenceId> {
        let (row, record) = self
            .item_of_case(by, id, Access::Write, AuditAction::EvidenceDerived)
            .await?;
        let key = case_key(&self.root, &record)?;
        let original = view(&key, &row)?;
        let file = original
            .facts
            .file
            .as_ref()
            .ok_or(AppError::EvidenceHasNoFile(id))?;
        if file.length > MAX_STRIP_BYTES {
            return Err(AppError::EvidenceFile(format!(
                "a copy without metadata is made of images up to {MAX_STRIP_BYTES} bytes"
            )));
        }
        let blob = blob_of(&row)?;
        let bytes = self.blobs()?.get(&key, blob).await?.read_to_end().await?;
        let stripped = metadata::strip(file.media_type, &bytes)
            .map_err(|e| AppError::EvidenceFile(e.to_string()))?;
        let receipt = self.blobs()?.put(&key, &stripped[..]).await?;
        let copy = EvidenceId::random();
        let facts = EvidenceFacts {
            details: original.facts.details.clone(),
            file: Some(FileFacts {
                name: file.name.clone(),
                media_type: file.media_type,
                length: receipt.length,
                sha256: hex(&receipt.sha256),
                metadata: Vec::new(),
            }),
        };
        let copy_row = EvidenceRow {
            id: copy,
            derived_from: Some(id),
            status: VerificationStatus::Unverified,
            uploaded_by: by.user(),
            uploaded_at: Utc::now().trunc_subsecs(6),
            blob: Some(receipt.id.to_string()),
            facts: seal_evidence_facts(&key, copy, &facts),
            ..row.clone()
        };
        if let Err(error) = self.store.insert_evidence(&copy_row).await {
            self.delete_blob(receipt.id).await;
            return Err(error.into());
        }
        for item in [id, copy] {
            self.custody(
                by,
                row.organisation,
                row.case_id,
                item,
                AuditAction::EvidenceDerived,
            )
            .await?;
        }
        Ok(copy)
    }

    /// A verifier's step on an item of their organisation (needs `evidence_verify`): never on
    /// their own upload; signing off needs the kind's whole checklist, and as many distinct
    /// verifiers as the case's program requires. Returns the item's new status. Audited in
    /// the item's chain of custody.
    pub async fn review_evidence_for(
        &self,
        who: &Principal,
        id: EvidenceId,
        step: ReviewStep,
        checks: BTreeSet<Check>,
        reason: DecisionReason,
    ) -> Result<VerificationStatus> {
        let action = match step {
            ReviewStep::StartReview => AuditAction::EvidenceReviewStarted,
            ReviewStep::Verify => AuditAction::EvidenceVerified,
            ReviewStep::Dispute => AuditAction::EvidenceDisputed,
            ReviewStep::Reject => AuditAction::EvidenceRejected,
        };
        if let Err(error) = who.require(Permission::EvidenceVerify) {
            return self.refused(who, action, None, error).await;
        }
        let row = match self.store.evidence(id).await? {
            Some(row) if row.organisation == who.organisation => row,
            _ => {
                let denied = event(who, action, AuditOutcome::Denied).with_subject(id.to_string());
                self.audit(denied).await?;
                return Err(AppError::EvidenceNotFound(id));
            }
        };
        let record = live(row.case_id, self.store.case(row.case_id).await?)?;
        let key = case_key(&self.root, &record)?;
        let earlier: Vec<Review> = self
            .store
            .evidence_reviews(id)
            .await?
            .iter()
            .map(|r| open_review(&key, row.case_id, r))
            .collect::<Result<_>>()?;
        let review = Review {
            by: who.user,
            at: Utc::now().trunc_subsecs(6),
            step,
            checks,
            reason,
        };
        let required = self
            .programs
            .get(&record.columns.program)
            .map_or(1, |p| p.evidence_verifiers);
        // The uploader is a user; an item the operator added has none to exclude.
        let uploader = row.uploaded_by.unwrap_or(UserId(uuid::Uuid::nil()));
        let to = match apply_review(row.kind, uploader, row.status, &earlier, &review, required) {
            Ok(to) => to,
            Err(refused) => {
                let denied = event(who, action, AuditOutcome::Denied)
                    .with_case(row.case_id)
                    .with_subject(id.to_string());
                self.audit(denied).await?;
                return Err(AppError::Review(refused));
            }
        };
        let stored = ReviewRow {
            evidence: id,
            seq: 0,
            reviewer: who.user,
            at: review.at,
            step,
            body: seal_review(&key, id, &review),
        };
        self.store.record_review(&stored, row.status, to).await?;
        self.custody(
            Custodian::User(who),
            row.organisation,
            row.case_id,
            id,
            action,
        )
        .await?;
        Ok(to)
    }

    pub(crate) fn blobs(&self) -> Result<&BlobStore> {
        self.blobs.as_ref().ok_or(AppError::NoBlobStore)
    }

    /// Streams the file into the blob store and reads what it is. A file refused afterwards
    /// is deleted before the refusal is returned.
    async fn store_file<R: AsyncRead + Unpin>(
        &self,
        key: &CaseKey,
        upload: EvidenceUpload<R>,
    ) -> Result<(BlobId, FileFacts)> {
        let blobs = self.blobs()?;
        let mut capture = Capture::new(upload.bytes, self.max_evidence_bytes);
        let receipt = match blobs.put(key, &mut capture).await {
            Ok(receipt) => receipt,
            Err(_) if capture.too_large => {
                return Err(AppError::EvidenceTooLarge {
                    max: self.max_evidence_bytes,
                });
            }
            Err(error) => return Err(error.into()),
        };
        let head = &capture.head[..capture.head.len().min(SNIFF_HEAD)];
        let media_type = match sniff(head, &capture.tail, &upload.name) {
            Ok(media_type) => media_type,
            Err(refused) => {
                self.delete_blob(receipt.id).await;
                return Err(AppError::EvidenceFile(refused.to_string()));
            }
        };
        let facts = FileFacts {
            name: upload.name,
            media_type,
            length: receipt.length,
            sha256: hex(&receipt.sha256),
            metadata: metadata::extract(media_type, &capture.head),
        };
        Ok((receipt.id, facts))
    }

    /// Deletes a blob that no record names (any more). A failure is logged: the blob is
    /// unreadable without its record's case key anyway.
    pub(crate) async fn delete_blob(&self, blob: BlobId) {
        if let Ok(blobs) = self.blobs()
            && let Err(error) = blobs.delete(blob).await
        {
            tracing::error!(blob = %blob, %error, "a blob could not be deleted");
        }
    }

    /// The item `id` and its live case, if `by` may read (or add to) the case; otherwise the
    /// refusal is audited as `action` and the item reported as not found.
    async fn item_of_case(
        &self,
        by: Custodian<'_>,
        id: EvidenceId,
        access: Access,
        action: AuditAction,
    ) -> Result<(EvidenceRow, CaseRecord)> {
        let row = self
            .store
            .evidence(id)
            .await?
            .ok_or(AppError::EvidenceNotFound(id))?;
        let case = match access {
            Access::Read => self.readable_case(by, row.case_id, action).await,
            Access::Write => self.writable_case(by, row.case_id, action).await,
        };
        match case {
            Ok(record) => Ok((row, record)),
            Err(AppError::CaseNotFound(_)) => Err(AppError::EvidenceNotFound(id)),
            Err(error) => Err(error),
        }
    }

    /// The live case `case` if `by` may add to it: a user needs `case_edit` and a case of
    /// their organisation (as for edits); a refusal is audited as `action`.
    async fn writable_case(
        &self,
        by: Custodian<'_>,
        case: CaseId,
        action: AuditAction,
    ) -> Result<CaseRecord> {
        match by {
            Custodian::Operator => live(case, self.store.case(case).await?),
            Custodian::User(who) => {
                if let Err(error) = who.require(Permission::CaseEdit) {
                    return self.refused(who, action, Some(case), error).await;
                }
                self.owned_record(who, case, action).await
            }
        }
    }

    /// The live case `case` if `by` may read it (as the case page may); a refusal is audited
    /// as `action`.
    async fn readable_case(
        &self,
        by: Custodian<'_>,
        case: CaseId,
        action: AuditAction,
    ) -> Result<CaseRecord> {
        match by {
            Custodian::Operator => live(case, self.store.case(case).await?),
            Custodian::User(who) => match self.readable_stored(who, case, action).await? {
                StoredCase::Live(record) => Ok(*record),
                StoredCase::Purged(_) => {
                    self.refused(who, action, Some(case), AppError::CaseNotFound(case))
                        .await
                }
            },
        }
    }

    /// An entry of the item's chain of custody.
    pub(crate) async fn custody(
        &self,
        by: Custodian<'_>,
        organisation: OrgId,
        case: CaseId,
        item: EvidenceId,
        action: AuditAction,
    ) -> Result<()> {
        let entry = by.allowed_for(action, organisation);
        self.audit(entry.with_case(case).with_subject(item.to_string()))
            .await?;
        Ok(())
    }
}

fn live(case: CaseId, stored: Option<StoredCase>) -> Result<CaseRecord> {
    match stored {
        Some(StoredCase::Live(record)) => Ok(*record),
        Some(StoredCase::Purged(_)) => Err(AppError::CasePurged(case)),
        None => Err(AppError::CaseNotFound(case)),
    }
}

/// What an item's reader asks of its case.
#[derive(Clone, Copy)]
enum Access {
    Read,
    Write,
}

/// The blob of an item that has a file.
pub(crate) fn blob_of(row: &EvidenceRow) -> Result<BlobId> {
    row.blob
        .as_deref()
        .and_then(|b| b.parse().ok())
        .ok_or(AppError::EvidenceHasNoFile(row.id))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What is sealed of a review: the checks done and the reason.
#[derive(serde::Serialize, serde::Deserialize)]
struct ReviewBody {
    checks: BTreeSet<Check>,
    reason: DecisionReason,
}

fn seal_review(key: &CaseKey, id: EvidenceId, review: &Review) -> Sealed {
    let body = ReviewBody {
        checks: review.checks.clone(),
        reason: review.reason.clone(),
    };
    seal_review_body(key, id, &body)
}

fn open_review(key: &CaseKey, case: CaseId, row: &ReviewRow) -> Result<Review> {
    let body: ReviewBody = open_review_body(key, case, row.evidence, &row.body)?;
    Ok(Review {
        by: row.reviewer,
        at: row.at,
        step: row.step,
        checks: body.checks,
        reason: body.reason,
    })
}

impl Corridor {
    /// The items of a case already read (and its read audited) by the caller, opened: for
    /// assessment, which reads every item of a case at once.
    pub(crate) async fn evidence_views(&self, record: &CaseRecord) -> Result<Vec<EvidenceView>> {
        let key = case_key(&self.root, record)?;
        self.store
            .evidence_of_case(record.columns.id)
            .await?
            .iter()
            .map(|row| view(&key, row))
            .collect()
    }
}

fn view(key: &CaseKey, row: &EvidenceRow) -> Result<EvidenceView> {
    Ok(EvidenceView {
        id: row.id,
        case_id: row.case_id,
        organisation: row.organisation,
        kind: row.kind,
        status: row.status,
        derived_from: row.derived_from,
        uploaded_by: row.uploaded_by,
        uploaded_at: row.uploaded_at,
        facts: open_evidence_facts(key, row.case_id, row.id, &row.facts)?,
    })
}

/// What `corridor_core::evidence_strength` reads of each item as read: its source is who
/// supplied it, else its publication's address, else the item itself.
pub fn standings_of(items: &[EvidenceView]) -> Vec<corridor_core::ItemStanding> {
    items
        .iter()
        .map(|item| corridor_core::ItemStanding {
            id: item.id.to_string(),
            kind: item.kind,
            status: item.status,
            source: item
                .facts
                .details
                .supplied_by()
                .map(str::to_owned)
                .or_else(|| {
                    item.facts
                        .details
                        .source_url()
                        .map(|u| u.as_str().to_owned())
                })
                .unwrap_or_else(|| item.id.to_string()),
            derived: item.derived_from.is_some(),
        })
        .collect()
}

/// Passes a file's bytes through, counting them (an error past `limit` stops the upload) and
/// keeping the first [`METADATA_HEAD`] and the last [`SNIFF_TAIL`] bytes.
struct Capture<R> {
    inner: R,
    read: u64,
    limit: u64,
    too_large: bool,
    head: Vec<u8>,
    tail: Vec<u8>,
}

impl<R> Capture<R> {
    fn new(inner: R, limit: u64) -> Capture<R> {
        Capture {
            inner,
            read: 0,
            limit,
            too_large: false,
            head: Vec::new(),
            tail: Vec::new(),
        }
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for Capture<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {}
            other => return other,
        }
        let new = &buf.filled()[before..];
        this.read += new.len() as u64;
        if this.read > this.limit {
            this.too_large = true;
            return Poll::Ready(Err(std::io::Error::other("the file is too large")));
        }
        let room = METADATA_HEAD.saturating_sub(this.head.len());
        this.head.extend_from_slice(&new[..new.len().min(room)]);
        this.tail.extend_from_slice(new);
        if this.tail.len() > SNIFF_TAIL {
            this.tail.drain(..this.tail.len() - SNIFF_TAIL);
        }
        Poll::Ready(Ok(()))
    }
}

impl From<BlobError> for AppError {
    fn from(error: BlobError) -> AppError {
        AppError::Blob(error)
    }
}
