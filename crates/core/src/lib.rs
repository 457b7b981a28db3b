//! Corridor's domain model: people at risk, their US immigration status, the risk they face in
//! Russia, sourced claims, the case workflow and the Canadian programs cases are put forward to.
//!
//! This crate is pure: no IO, no async, no SQL, no HTTP. Every type that carries an invariant is
//! built through a validating constructor (or deserialised through one), so a value of the type is
//! proof that the invariant holds ("parse, don't validate").
//!
//! Sensitive values (names, A-numbers, contact details, notes, claim text) are redacted from
//! `Debug` output, and parse errors never echo the rejected input.

#[macro_use]
mod enums;
mod serde_error;
mod text;

pub mod access;
pub mod api_token;
pub mod assessment;
pub mod audit;
pub mod calendar;
pub mod case;
pub mod checkin;
pub mod citation;
pub mod claim;
pub mod date;
pub mod details;
pub mod evidence;
pub mod evidence_file;
pub mod flight;
pub mod ids;
pub mod input;
pub mod metadata;
pub mod organisation;
pub mod person;
pub mod program;
pub mod referral;
pub mod referral_status;
pub mod report;
pub mod risk;
pub mod screening;
pub mod selection;
pub mod triage;
pub mod us_status;
pub mod watch;
pub mod workflow;

pub use access::{GrantKind, PERMISSIONS, Permission, Role, User, Username, UsernameError};
pub use api_token::{
    ApiScope, ApiScopes, ApiScopesError, SCOPES, TokenLabel, TokenLabelError, TokenLifetime,
    TokenLifetimeError, TokenStatus, permitted,
};
pub use assessment::{Assessment, AssessmentFacts, AssessmentInput, PriorityLevel, assess};
pub use audit::{
    Actor, ActorError, AuditAction, AuditEntry, AuditEvent, AuditEventError, AuditOutcome,
    BreakReason, ChainBreak, ChainHead, ChainSummary, verify_chain, verify_chain_to,
};
pub use case::Case;
pub use citation::{Citation, claim_support, resolve as resolve_citation};
pub use claim::{
    Claim, ClaimError, ClaimGroup, Confidence, EvidenceLink, EvidenceLinkError, FactKey,
    FactKeyError, Source, SourceError, SourceKind, group_claims,
};
pub use date::{DateError, PartialDate, Precision, parse_full_date};
pub use details::CaseDetails;
pub use enums::UnknownValue;
pub use evidence::{
    Check, DETAIL_FIELDS, EvidenceDetails, EvidenceFacts, EvidenceKind, EvidenceStrength,
    FileFacts, ItemStanding, Review, ReviewError, ReviewStep, StrengthLevel, VerificationStatus,
    apply_review, evidence_strength,
};
pub use evidence_file::{FileName, FileNameError, FileTypeError, MediaType, sniff};
pub use ids::{
    AlertId, ApiTokenId, CaseId, CheckInId, ClaimId, EvidenceId, FamilyUnitId, FlightId,
    FlightReportId, IdError, OrgId, UserId,
};
pub use input::{CaseInput, ClaimInput, InputError, deserialize_described, parse_json};
pub use organisation::{OrgName, OrgNameError, Organisation};
pub use person::{
    CanadianStatus, Contact, CountryCode, CountryCodeError, FamilyLink, FamilyLinkError, Gender,
    LanguageCode, LanguageCodeError, NameError, NameKind, NameSet, NameSetError, Person,
    PersonName, Relation, Script, StcaFamilyPolicy,
};
pub use program::{
    CatalogError, Pathway, Program, ProgramCatalog, ProgramError, ProgramSlug, ProgramSlugError,
};
pub use referral::{ReferralView, RelativeInCanada};
pub use referral_status::{ReferralEvent, ReferralStatus, ReferralStatusError};
pub use risk::{
    Article, ArticleCode, ArticleError, CriminalCase, CriminalCaseStatus, MaxTerm, MilitaryStatus,
    PublicProfile, Registry, RegistryEntry, RiskLevel, RussiaRisk, WantedStatus,
};
pub use screening::{
    AlertStatus, DecisionReason, KnownAlert, ListedRef, PossibleMatch, ReasonError, ScreeningPlan,
    Verdict, reconcile,
};
pub use us_status::{
    ANumber, ANumberError, Custody, Hearing, HearingKind, ProceedingsStage, Relief, Stay,
    StayError, StayKind, UsStatus,
};
pub use workflow::{Stage, TransitionError};
