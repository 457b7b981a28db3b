use corridor_core::{CaseId, ChainBreak, InputError, ProgramSlug, TransitionError};
use corridor_crypto::CryptoError;
use corridor_store::StoreError;

/// What a use case can fail with. Messages name fields and ids, never sealed values.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("wrong passphrase")]
    WrongPassphrase,
    #[error("this store has no keys yet; run `corridor init` first")]
    NotInitialised,
    #[error("this store is already initialised")]
    AlreadyInitialised,
    #[error("{0}")]
    Input(#[from] InputError),
    #[error("field `program`: unknown program `{slug}`; known programs: {known}")]
    UnknownProgram { slug: ProgramSlug, known: String },
    #[error("case {0} not found")]
    CaseNotFound(CaseId),
    #[error("case {0} has been purged; only its tombstone remains")]
    CasePurged(CaseId),
    #[error("{0}")]
    Transition(#[from] TransitionError),
    #[error("the store has no organisation yet; run `corridor init` first")]
    NoOrganisation,
    #[error("a sealed value of case {case} in {column} could not be read: {reason}")]
    Unreadable {
        case: CaseId,
        column: &'static str,
        reason: String,
    },
    /// The audit log failed verification; the message names the first bad entry.
    #[error("{0}")]
    AuditBroken(ChainBreak),
    #[error("{0}")]
    Store(StoreError),
    #[error("{0}")]
    Crypto(CryptoError),
    #[error("{0}")]
    Backup(String),
    #[error("{0}")]
    Programs(String),
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::AlreadyInitialised => AppError::AlreadyInitialised,
            StoreError::CaseNotFound(id) => AppError::CaseNotFound(id),
            StoreError::CasePurged(id) => AppError::CasePurged(id),
            other => AppError::Store(other),
        }
    }
}

impl From<CryptoError> for AppError {
    fn from(error: CryptoError) -> Self {
        match error {
            CryptoError::WrongPassphrase => AppError::WrongPassphrase,
            other => AppError::Crypto(other),
        }
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;
