//! Corridor's storage: one [`Store`] trait, two implementations ([`SqliteStore`], the embedded
//! default, and [`PostgresStore`], for deployments that share one database between several
//! servers), each with its own embedded migrations, and one conformance suite that both pass
//! (`tests/it/conformance.rs`).
//!
//! The store never sees a plaintext sensitive field: it moves [`Sealed`](corridor_crypto::Sealed)
//! bytes and plain filter columns. Every operation that writes several rows writes them in one
//! transaction.

mod accounts;
mod api_tokens;
mod audit;
mod dossiers;
mod error;
mod evidence;
mod meta;
mod model;
mod postgres;
mod screening;
mod shared;
mod signing;
mod sqlite;
mod watch;

pub use accounts::{
    AccountSnapshot, AccountStore, CaseShare, LoginAttempt, PendingLoginRow, RecoveryCodeRow,
    SessionRow, TotpEnrolment, UserRecord,
};
pub use api_tokens::{ApiTokenRow, ApiTokenStore};
pub use audit::{AuditStore, SealHead};
pub use dossiers::{DossierRow, DossierStore};
pub use error::{Result, StoreError};
pub use evidence::{EvidenceRow, EvidenceSnapshot, EvidenceStore, ReviewRow};
pub use model::{
    AuditChain, AuditFilter, AuditHeadRow, CaseColumns, CaseCounts, CaseFilter, CaseListRow,
    CaseOrder, CaseRecord, ClaimRow, HearingRow, Page, SealedCase, SealedNames, SealedPerson,
    Snapshot, StageChange, StoredCase, Tombstone, UnreadableAuditRow, UpcomingRemoval,
};
pub use postgres::PostgresStore;
pub use screening::{AlertDecision, AlertFilter, AlertRow, ScreeningStore};
pub use signing::{SigningKeyRow, SigningKeyStore};
pub use sqlite::SqliteStore;
pub use watch::{
    AlertMarkRow, Assignment, CheckInRow, FlightReportRow, FlightRow, PassengerRow, WatchSnapshot,
    WatchStore,
};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use corridor_core::{CaseId, OrgId, Organisation, Stage};
use corridor_crypto::KeyringHeader;

/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: i64 = 1;

/// Which engine a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A coming hearing, by plain date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UpcomingHearing {
    pub case_id: CaseId,
    pub organisation: OrgId,
    pub on_date: NaiveDate,
    pub kind: corridor_core::HearingKind,
}

/// The one storage interface: every part of it, as one object. Implementations must pass the
/// conformance suite. The parts live in their own traits (cases here; accounts, API tokens,
/// audit, screening, evidence, signing keys, dossiers and the removal watch in their
/// modules) so that each can be read and grown on its own.
pub trait Store:
    CaseStore
    + AccountStore
    + ApiTokenStore
    + AuditStore
    + ScreeningStore
    + EvidenceStore
    + SigningKeyStore
    + DossierStore
    + WatchStore
{
}

impl<T> Store for T where
    T: CaseStore
        + AccountStore
        + ApiTokenStore
        + AuditStore
        + ScreeningStore
        + EvidenceStore
        + SigningKeyStore
        + DossierStore
        + WatchStore
{
}

/// Keys, organisations and cases.
#[async_trait]
pub trait CaseStore: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// The root key's public header (salt, parameters, verifier), if the store is initialised.
    async fn keyring(&self) -> Result<Option<KeyringHeader>>;
    /// Stores the keyring header; fails with [`StoreError::AlreadyInitialised`] if one exists.
    async fn init_keyring(&self, header: &KeyringHeader) -> Result<()>;

    async fn insert_organisation(&self, organisation: &Organisation) -> Result<()>;
    async fn organisations(&self) -> Result<Vec<Organisation>>;

    /// Inserts cases with their keys, claims and hearings: all of them or none.
    async fn insert_cases(&self, cases: &[CaseRecord]) -> Result<()>;
    async fn case(&self, id: CaseId) -> Result<Option<StoredCase>>;
    /// Live cases matching the filter, newest first.
    async fn list_cases(&self, filter: &CaseFilter, page: Page) -> Result<Vec<CaseListRow>>;
    async fn count_cases(&self, filter: &CaseFilter) -> Result<u64>;
    /// Every live case's sealed names and wrapped key, unordered: what the name index is
    /// built from at start-up, read without the columns the index does not need.
    async fn sealed_names(&self) -> Result<Vec<SealedNames>>;
    /// Every live case's sealed person (names, birth date, nationalities, ...) and wrapped key,
    /// unordered: what screening everyone reads.
    async fn sealed_people(&self) -> Result<Vec<SealedPerson>>;
    /// Live cases matching the filter, counted by stage, custody and risk level.
    async fn case_counts(&self, filter: &CaseFilter) -> Result<CaseCounts>;
    /// Scheduled removals of live cases dated within `from..=to`, soonest first.
    async fn removals_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<UpcomingRemoval>>;
    /// Hearings of live cases dated within `from..=to`, soonest first.
    async fn hearings_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<UpcomingHearing>>;

    /// Moves a case from `from` to `to` if it is still at `from`, recording the change.
    /// The workflow rule itself lives in `corridor_core`; this is the compare-and-set.
    async fn set_stage(&self, id: CaseId, from: Stage, to: Stage, at: DateTime<Utc>) -> Result<()>;
    async fn stage_changes(&self, id: CaseId) -> Result<Vec<StageChange>>;

    /// Replaces a live case's plain columns, sealed fields, wrapped key, claims and hearings
    /// in one transaction, if it was last updated at `expected_updated_at` (an edit made from
    /// a stale copy is refused with [`StoreError::EditConflict`]). Its organisation and
    /// creation time never change.
    async fn update_case(
        &self,
        record: &CaseRecord,
        expected_updated_at: DateTime<Utc>,
    ) -> Result<()>;

    /// Destroys the case's wrapped key and every sealed value (its screening alerts, evidence
    /// items, dossiers, check-ins and watch alert marks too, and its places on removal flights,
    /// whose flights and reports stay), leaving a [`Tombstone`]. The evidence files' blobs,
    /// whose keys derive from the case key, are unreadable from then on; deleting them is the
    /// caller's.
    async fn purge_case(&self, id: CaseId, at: DateTime<Utc>) -> Result<Tombstone>;

    /// A consistent copy of everything, read in one transaction.
    async fn snapshot(&self) -> Result<Snapshot>;
    /// Loads a snapshot into an empty store, in one transaction.
    async fn load_snapshot(&self, snapshot: &Snapshot) -> Result<()>;

    /// Waits for the connections to close; SQLite first folds its WAL into the main file.
    async fn close(&self);
}
