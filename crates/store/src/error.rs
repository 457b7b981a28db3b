use corridor_core::{
    AlertId, AlertStatus, ApiTokenId, CaseId, EvidenceId, FlightId, OrgId, Stage, UserId,
};

/// Store errors. None of them carries a value read from or written to a sealed column.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("this is not a Corridor store (no Corridor metadata found); refusing to touch it")]
    NotACorridorStore,
    #[error(
        "this store has schema version {found}, newer than this build of Corridor supports ({supported}); upgrade Corridor"
    )]
    NewerSchema { found: i64, supported: i64 },
    #[error("the store already has a keyring; it was initialised before")]
    AlreadyInitialised,
    #[error("the store must be empty for this operation")]
    NotEmpty,
    #[error("case {0} not found")]
    CaseNotFound(CaseId),
    #[error("case {0} has been purged")]
    CasePurged(CaseId),
    #[error("case {id} is no longer at stage {expected}; it changed meanwhile")]
    StageConflict { id: CaseId, expected: Stage },
    #[error("case {0} was changed by someone else meanwhile; reload it and edit again")]
    EditConflict(CaseId),
    #[error("a stored value in {table}.{column} is not valid: {reason}")]
    Corrupt {
        table: &'static str,
        column: &'static str,
        reason: String,
    },
    #[error("{0}; nothing was recorded")]
    InvalidAuditEvent(#[from] corridor_core::AuditEventError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("organisation {0} not found")]
    OrganisationNotFound(OrgId),
    #[error("user {0} not found")]
    UserNotFound(UserId),
    #[error("that username is taken")]
    UsernameTaken,
    #[error("the store already has users")]
    UsersExist,
    #[error("user {0} has already enrolled an authenticator")]
    TotpAlreadyEnrolled(UserId),
    #[error("the authenticator of user {0} changed meanwhile, or its enrolment already completed")]
    TotpConflict(UserId),
    #[error("the pending login no longer exists: it was used, cancelled or cleared")]
    PendingLoginGone,
    #[error("API token {0} not found")]
    ApiTokenNotFound(ApiTokenId),
    #[error("evidence item {0} not found")]
    EvidenceNotFound(EvidenceId),
    #[error("evidence item {0} changed meanwhile (another step was recorded); reload it")]
    EvidenceChanged(EvidenceId),
    #[error("screening alert {0} not found")]
    AlertNotFound(AlertId),
    #[error("screening alert {id} is no longer pending: it is {status}")]
    AlertNotPending { id: AlertId, status: AlertStatus },
    #[error("case {case} already has a dossier version {version}")]
    DossierVersionTaken { case: CaseId, version: u32 },
    #[error("removal flight {0} not found")]
    FlightNotFound(FlightId),
    #[error("removal flight {0} got another report meanwhile; reload it and report again")]
    FlightReportConflict(FlightId),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
