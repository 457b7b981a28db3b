//! Corridor's use cases: the one place where the store, the keys and the domain meet. The CLI
//! and the web crate call these; they hold no business rules of their own.
//!
//! A [`Corridor`] exists only unsealed: it holds the root key (derived from the passphrase) and
//! the in-memory name index built from the opened names.

mod accounts;
mod api_tokens;
mod audit;
mod backup;
mod cases;
mod checkins;
mod dashboard;
mod decisions;
pub mod demo;
mod demo_users;
mod dossier;
mod editing;
mod error;
mod evidence;
mod flights;
mod inbox;
mod index;
mod intake;
mod login;
mod preview;
pub mod programs;
mod referrals;
mod review;
pub mod sample_pdf;
mod screening;
mod sealing;
mod sessions;
mod sharing;
mod triage;
mod visibility;
mod watch;

use std::sync::{Arc, RwLock};

use corridor_core::{CaseId, OrgId, OrgName, Organisation, ProgramCatalog};
use corridor_crypto::{KdfParams, RootKey};
use corridor_screen::NameIndex;
use corridor_store::Store;

pub use accounts::{
    AccountPolicy, Principal, RecoveryCodes, SessionPolicy, ThrottlePolicy, TokenGrant,
};
pub use api_tokens::{ApiToken, ApiTokenRequest, NewApiToken, TokenAuthority};
pub use backup::{BackupSummary, backup_to_file, read_backup, restore_snapshot};
pub use cases::{CaseSummary, CaseView};
pub use checkins::{CheckInRecord, Monitoring};
pub use dashboard::{Dashboard, LOOKAHEAD_DAYS, Upcoming, UpcomingKind};
pub use demo_users::{DEMO_PASSWORD, DemoLogin};
pub use dossier::{DossierPart, IssuedDossier};
pub use error::{AppError, Result};
pub use evidence::{
    Custodian, DEFAULT_MAX_EVIDENCE_BYTES, EvidenceRecord, EvidenceUpload, EvidenceView,
    standings_of,
};
pub use flights::FlightView;
pub use inbox::{AlertKey, Inbox, InboxFilter, InboxItem};
pub use index::IndexStats;
pub use intake::IntakePolicy;
pub use login::{Enrolled, Enrolment, LoginStep, PendingLogin, Session};
pub use preview::{MAX_PREVIEW_PAGES, MAX_PREVIEW_PDF_BYTES, Preview, PreviewError, RenderedPage};
pub use review::{AlertView, CaseScreening, ScreeningSummary};
pub use screening::ListedMatch;
pub use triage::TriageBoard;
pub use watch::TREND_MONTHS;

/// An unsealed Corridor: store, root key, programs and the name index.
pub struct Corridor {
    store: Arc<dyn Store>,
    root: RootKey,
    programs: ProgramCatalog,
    index: RwLock<NameIndex<CaseId>>,
    accounts: AccountPolicy,
    audit_queue: audit::AuditQueue,
    intake_policy: IntakePolicy,
    intake_throttle: intake::IntakeThrottle,
    lists: screening::Lists,
    blobs: Option<corridor_blobs::BlobStore>,
    max_evidence_bytes: u64,
    check_in_schedule: corridor_core::checkin::CheckInSchedule,
}

impl Corridor {
    /// Creates the keys of a new store and its first organisation. Nothing is written if the
    /// store already has keys.
    pub async fn initialise(
        store: Arc<dyn Store>,
        passphrase: &[u8],
        params: KdfParams,
        organisation: OrgName,
        programs: ProgramCatalog,
    ) -> Result<(Corridor, Organisation)> {
        if store.keyring().await?.is_some() {
            return Err(AppError::AlreadyInitialised);
        }
        let (root, header) = RootKey::create(passphrase, params)?;
        store.init_keyring(&header).await?;
        let organisation = Organisation {
            id: OrgId::random(),
            name: organisation,
        };
        store.insert_organisation(&organisation).await?;
        tracing::info!(organisation = %organisation.id, "store initialised");
        let corridor = Corridor {
            store,
            root,
            programs,
            index: RwLock::new(NameIndex::new()),
            audit_queue: audit::AuditQueue::default(),
            accounts: AccountPolicy::default(),
            intake_policy: IntakePolicy::default(),
            intake_throttle: Default::default(),
            lists: Default::default(),
            blobs: None,
            max_evidence_bytes: evidence::DEFAULT_MAX_EVIDENCE_BYTES,
            check_in_schedule: Default::default(),
        };
        Ok((corridor, organisation))
    }

    /// Derives the root key from the passphrase, checks it, and builds the name index.
    pub async fn unseal(
        store: Arc<dyn Store>,
        passphrase: &[u8],
        programs: ProgramCatalog,
    ) -> Result<Corridor> {
        let root = Self::unlock(store.as_ref(), passphrase).await?;
        let corridor = Corridor {
            store,
            root,
            programs,
            index: RwLock::new(NameIndex::new()),
            audit_queue: audit::AuditQueue::default(),
            accounts: AccountPolicy::default(),
            intake_policy: IntakePolicy::default(),
            intake_throttle: Default::default(),
            lists: Default::default(),
            blobs: None,
            max_evidence_bytes: evidence::DEFAULT_MAX_EVIDENCE_BYTES,
            check_in_schedule: Default::default(),
        };
        corridor.rebuild_index().await?;
        Ok(corridor)
    }

    /// Checks the passphrase against the store's keyring and returns the root key.
    pub async fn unlock(store: &dyn Store, passphrase: &[u8]) -> Result<RootKey> {
        let header = store.keyring().await?.ok_or(AppError::NotInitialised)?;
        Ok(RootKey::unlock(passphrase, &header)?)
    }

    /// Closes the store (SQLite folds its WAL into the main file). Call before exit.
    pub async fn close(self) {
        self.store.close().await;
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn programs(&self) -> &ProgramCatalog {
        &self.programs
    }

    /// The organisations, by name.
    pub async fn organisations(&self) -> Result<Vec<Organisation>> {
        Ok(self.store.organisations().await?)
    }

    /// The organisation that cases are added to until accounts exist: the first one created
    /// by `init` (the only one, for now).
    pub async fn default_organisation(&self) -> Result<Organisation> {
        self.store
            .organisations()
            .await?
            .into_iter()
            .next()
            .ok_or(AppError::NoOrganisation)
    }
}
