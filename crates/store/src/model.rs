//! What the store holds: plain filter columns and sealed blobs. No type here carries a
//! plaintext sensitive field; the app seals before it writes and opens after it reads.

use chrono::{DateTime, NaiveDate, Utc};
use corridor_core::{
    Actor, AuditAction, AuditEntry, AuditOutcome, CaseId, ChainHead, ClaimId, Custody, HearingKind,
    OrgId, Organisation, ProceedingsStage, ProgramSlug, RiskLevel, Stage,
};
use corridor_crypto::{KeyringHeader, Sealed, WrappedKey};

/// The plain columns of a case: what the system may filter and sort on without unsealing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseColumns {
    pub id: CaseId,
    pub organisation: OrgId,
    pub program: ProgramSlug,
    pub stage: Stage,
    pub custody: Custody,
    pub proceedings: ProceedingsStage,
    pub risk_level: RiskLevel,
    pub final_order_date: Option<NaiveDate>,
    pub scheduled_removal: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The sealed columns of a case, each bound to (`cases`, column, case id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedCase {
    pub names: Sealed,
    pub person: Sealed,
    pub us_status: Sealed,
    pub russia_risk: Sealed,
    pub notes: Option<Sealed>,
    /// The assessment facts; `None` when nothing is recorded.
    pub assessment: Option<Sealed>,
}

/// A sealed claim; `position` keeps the order in which claims were recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimRow {
    pub id: ClaimId,
    pub position: i32,
    pub body: Sealed,
}

/// A plain hearing date, for "hearings in the next 30 days" without unsealing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HearingRow {
    pub on_date: NaiveDate,
    pub kind: HearingKind,
}

/// Everything written for one case, in one transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRecord {
    pub columns: CaseColumns,
    pub wrapped_key: WrappedKey,
    pub sealed: SealedCase,
    pub claims: Vec<ClaimRow>,
    pub hearings: Vec<HearingRow>,
}

/// One row of a case list: plain columns plus what is needed to show a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseListRow {
    pub columns: CaseColumns,
    pub wrapped_key: WrappedKey,
    pub names: Sealed,
}

/// A live case's sealed names and the key to open them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedNames {
    pub id: CaseId,
    pub wrapped_key: WrappedKey,
    pub names: Sealed,
}

/// A live case's sealed person and the key to open it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedPerson {
    pub id: CaseId,
    pub organisation: OrgId,
    pub wrapped_key: WrappedKey,
    pub person: Sealed,
}

/// What is left of a purged case: the fact that it existed, whose it was, and when it went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tombstone {
    pub id: CaseId,
    pub organisation: OrgId,
    pub created_at: DateTime<Utc>,
    pub purged_at: DateTime<Utc>,
}

/// A case as read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoredCase {
    Live(Box<CaseRecord>),
    Purged(Tombstone),
}

/// A recorded stage change, kept for the case history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageChange {
    pub case_id: CaseId,
    pub from: Stage,
    pub to: Stage,
    pub at: DateTime<Utc>,
}

/// Which cases to list, and in what order. Every field but `order` narrows; the default lists
/// every live case, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseFilter {
    /// Only these cases (e.g. the hits of a name search). `Some(empty)` matches nothing.
    pub ids: Option<Vec<CaseId>>,
    /// Only cases this organisation owns or that were shared with it (authorisation).
    pub visible_to: Option<OrgId>,
    pub organisation: Option<OrgId>,
    pub stage: Option<Stage>,
    pub custody: Option<Custody>,
    pub program: Option<ProgramSlug>,
    pub risk_level: Option<RiskLevel>,
    /// Only cases whose scheduled removal falls on or before this date.
    pub removal_before: Option<NaiveDate>,
    pub order: CaseOrder,
}

/// The order of a case list. Ties are broken by id, so pages never overlap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CaseOrder {
    #[default]
    Newest,
    Oldest,
    /// Soonest scheduled removal first; cases without one last.
    RemovalSoonest,
    /// Severe risk first.
    RiskHighest,
    RecentlyUpdated,
}

/// How many live cases there are by stage, custody and risk level (only non-zero counts).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseCounts {
    pub by_stage: Vec<(Stage, u64)>,
    pub by_custody: Vec<(Custody, u64)>,
    pub by_risk: Vec<(RiskLevel, u64)>,
}

/// A scheduled removal of a live case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UpcomingRemoval {
    pub case_id: CaseId,
    pub organisation: OrgId,
    pub on_date: NaiveDate,
    pub stage: Stage,
}

/// A window into a list, newest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub offset: u32,
    pub limit: u32,
}

impl Page {
    pub const ALL: Page = Page {
        offset: 0,
        limit: u32::MAX,
    };

    pub fn new(offset: u32, limit: u32) -> Page {
        Page { offset, limit }
    }
}

/// Which audit entries to list. Every field narrows; the default lists every entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor: Option<Actor>,
    pub organisation: Option<OrgId>,
    pub case: Option<CaseId>,
    pub action: Option<AuditAction>,
    pub outcome: Option<AuditOutcome>,
    /// Only entries about this subject (an evidence item's id: its chain of custody).
    pub subject: Option<String>,
}

/// The `audit_head` row: where the chain ends, and the app's seal over that head (`None`
/// until the first entry). The default is the head of the empty log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditHeadRow {
    pub head: ChainHead,
    pub seal: Option<Sealed>,
}

/// A stored audit row that is not a valid entry: a column was changed outside Corridor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnreadableAuditRow {
    /// The row's seq column as stored (which may itself be the column at fault).
    pub seq: i64,
    pub column: &'static str,
}

/// The audit log as stored, for verification, read in one transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditChain {
    /// The entries, oldest first, up to the first row that cannot be read.
    pub entries: Vec<AuditEntry>,
    /// That row, if any; the rows after it are not read.
    pub unreadable: Option<UnreadableAuditRow>,
    /// The head row; `None` if it is missing or cannot be read.
    pub head: Option<AuditHeadRow>,
}

/// A consistent copy of the whole store, still sealed: what a backup holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub keyring: Option<KeyringHeader>,
    pub organisations: Vec<Organisation>,
    pub cases: Vec<StoredCase>,
    pub stage_changes: Vec<StageChange>,
    /// Users, recovery codes and case shares (not sessions: a restore signs everybody out).
    pub accounts: crate::AccountSnapshot,
    /// The whole audit log, oldest first, exactly as stored, so a restored chain verifies.
    pub audit_log: Vec<AuditEntry>,
    pub audit_head: AuditHeadRow,
    /// The screening review queue, oldest first.
    pub screening_alerts: Vec<crate::AlertRow>,
    /// Evidence items and their reviews (not the files: they are blobs, kept apart).
    pub evidence: crate::EvidenceSnapshot,
    /// The organisations' signing keys, still wrapped.
    pub signing_keys: Vec<crate::SigningKeyRow>,
    /// Issued dossiers (not their files: they are blobs, kept apart).
    pub dossiers: Vec<crate::DossierRow>,
    /// Removal flights and their reports and passengers, check-ins, and watch alert marks.
    pub watch: crate::WatchSnapshot,
}
