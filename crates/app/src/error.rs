use corridor_core::{
    AlertId, AlertStatus, ApiScope, ApiScopesError, ApiTokenId, CaseId, ChainBreak, EvidenceId,
    InputError, OrgId, Permission, ProgramSlug, TokenLabelError, TokenLifetimeError,
    TransitionError, UserId, UsernameError,
};
use corridor_crypto::{CryptoError, PasswordPolicyError};
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
    /// A dossier was asked for a case that may not be referred yet: an inadmissibility flag
    /// awaits a legal user, or a requirement of the program is not met.
    #[error("case {case} cannot be referred yet: {why}")]
    NotReferable { case: CaseId, why: String },
    #[error("case {0} has been purged; only its tombstone remains")]
    CasePurged(CaseId),
    #[error("case {0} was changed by someone else meanwhile; reload it and edit again")]
    EditConflict(CaseId),
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
    /// A dossier could not be made (its content broke a rule, the signing key would not open).
    /// The message names fields and ids, never content.
    #[error("dossier: {0}")]
    Dossier(String),
    #[error("the audit log could not be written: {0}")]
    AuditFailed(String),

    // Accounts. The login errors never say which of username or password was wrong, nor
    // whether an account exists; none of them carries a password, code, token or secret.
    /// Unknown user, wrong password or disabled account: deliberately indistinguishable.
    #[error("login failed: wrong username or password")]
    LoginRefused,
    /// Too many failed attempts for this account name or from this address.
    #[error("too many failed login attempts; try again later")]
    Throttled,
    /// A wrong, reused or malformed second-factor code (TOTP or recovery code).
    #[error("the code is not valid")]
    CodeRefused,
    /// The pending login is unknown, expired or already used.
    #[error("this login has expired or was already used; sign in again")]
    LoginExpired,
    #[error("this account must set up its authenticator first")]
    EnrolmentRequired,
    #[error("this account has already set up its authenticator")]
    AlreadyEnrolled,
    /// No session, or it ended (idle, absolute time-out, logout, account disabled).
    #[error("not signed in, or the session has ended")]
    Unauthenticated,
    #[error("not allowed: this needs the `{0}` permission")]
    Forbidden(Permission),
    #[error("{0}")]
    Username(#[from] UsernameError),
    #[error("{0}")]
    Password(#[from] PasswordPolicyError),
    #[error("that username is taken")]
    UsernameTaken,
    #[error("user {0} not found")]
    UserNotFound(UserId),
    /// No user of that name that the caller may reach (unknown, or of another organisation:
    /// deliberately indistinguishable).
    #[error("no such user")]
    NoSuchUser,
    #[error("organisation {0} not found")]
    OrganisationNotFound(OrgId),
    #[error("the store already has users; the first admin was created before")]
    UsersExist,
    #[error("the stored authenticator secret of user {0} could not be read")]
    CredentialUnreadable(UserId),
    #[error("{0}")]
    Refused(&'static str),
    #[error("internal error: {0}")]
    Internal(&'static str),

    // API tokens.
    #[error("API token {0} not found")]
    ApiTokenNotFound(ApiTokenId),
    #[error("{0}")]
    TokenLabel(#[from] TokenLabelError),
    #[error("{0}")]
    TokenLifetime(#[from] TokenLifetimeError),
    #[error("{0}")]
    TokenScopes(#[from] ApiScopesError),
    /// A scope of a new token would give its user's role nothing (e.g. `cases:share` for a
    /// caseworker, anything for an administrator).
    #[error("scope `{0}` gives this user's role no permission")]
    UselessScope(ApiScope),

    // Evidence.
    #[error("evidence item {0} not found")]
    EvidenceNotFound(EvidenceId),
    #[error("evidence item {0} changed meanwhile (another step was recorded); reload it")]
    EvidenceChanged(EvidenceId),
    #[error("evidence item {0} has no file")]
    EvidenceHasNoFile(EvidenceId),
    /// Why a file was refused (its name or its type); never its content.
    #[error("field `file`: {0}; nothing was kept")]
    EvidenceFile(String),
    #[error("field `file`: the file is larger than {max} bytes; nothing was kept")]
    EvidenceTooLarge { max: u64 },
    #[error("{0}")]
    Review(corridor_core::ReviewError),
    #[error("{0}")]
    Preview(#[from] crate::preview::PreviewError),
    #[error("no evidence store is configured")]
    NoBlobStore,
    #[error("evidence storage: {0}")]
    Blob(corridor_blobs::BlobError),

    // Screening.
    /// No such alert that the caller may reach (unknown, or of another organisation:
    /// deliberately indistinguishable).
    #[error("screening alert {0} not found")]
    AlertNotFound(AlertId),
    #[error(
        "screening alert {id} is no longer pending: it is {status}; it was decided or lapsed meanwhile"
    )]
    AlertNotPending { id: AlertId, status: AlertStatus },

    // Removal watch.
    /// No such flight that the caller may reach (unknown, or of another organisation).
    #[error("removal flight {0} not found")]
    FlightNotFound(corridor_core::FlightId),
    #[error("a sealed report {report} of a removal flight could not be read: {reason}")]
    FlightUnreadable {
        report: corridor_core::FlightReportId,
        reason: String,
    },
    /// Check-ins are kept for removed people (and those contact was lost with after removal).
    #[error("case {0} is not removed: check-ins are kept after removal")]
    NotRemoved(CaseId),
    /// The alert is not one of the caller's current alerts (unknown, of another organisation,
    /// or ended since the page was drawn).
    #[error("no such removal watch alert; it may have ended since the page was drawn")]
    WatchAlertNotFound,
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::AlreadyInitialised => AppError::AlreadyInitialised,
            StoreError::CaseNotFound(id) => AppError::CaseNotFound(id),
            StoreError::CasePurged(id) => AppError::CasePurged(id),
            StoreError::EditConflict(id) => AppError::EditConflict(id),
            StoreError::UsernameTaken => AppError::UsernameTaken,
            StoreError::UserNotFound(id) => AppError::UserNotFound(id),
            StoreError::OrganisationNotFound(id) => AppError::OrganisationNotFound(id),
            StoreError::UsersExist => AppError::UsersExist,
            StoreError::PendingLoginGone => AppError::LoginExpired,
            StoreError::ApiTokenNotFound(id) => AppError::ApiTokenNotFound(id),
            StoreError::AlertNotFound(id) => AppError::AlertNotFound(id),
            StoreError::EvidenceNotFound(id) => AppError::EvidenceNotFound(id),
            StoreError::EvidenceChanged(id) => AppError::EvidenceChanged(id),
            StoreError::AlertNotPending { id, status } => AppError::AlertNotPending { id, status },
            StoreError::FlightNotFound(id) => AppError::FlightNotFound(id),
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
