//! The audit log's entries and their hash chain.
//!
//! Every write, every read of a case, every export, download and login attempt is described by
//! an [`AuditEvent`]. Appended to the log it becomes an [`AuditEntry`]: a sequence number
//! (1-based, gapless), the hash of the entry before it, and its own hash over both and every
//! field of the event. Changing any field of any entry, deleting an entry or reordering entries
//! breaks the chain at that entry, and [`verify_chain`] names it.
//!
//! ```text
//! hash(n) = SHA-256( lp("corridor/audit/v1") || u64be(seq) || prev_hash || i64be(at in µs)
//!                    || lp(actor) || opt(organisation) || lp(action) || opt(case)
//!                    || opt(subject) || opt(address) || lp(outcome) )
//! lp(x)   = u64 big-endian byte length of x || x
//! opt(x)  = 0x00 when absent, 0x01 || lp(x) when present
//! ```
//!
//! Ids are their 16 UUID bytes, the actor its text form (`user:<uuid>`, `operator`, …), action
//! and outcome their machine spelling, texts their UTF-8 bytes. Times count whole microseconds,
//! the precision PostgreSQL keeps: [`AuditEntry::seal_next`] truncates the event's time to it,
//! so an entry reads back exactly as it was sealed. This layout is part of the stored format:
//! changing it breaks every existing chain.
//!
//! The chain is not keyed: someone who can write to the database can recompute every hash after
//! a change, or drop entries from the end. The app therefore also keeps the chain's head (seq
//! and hash of the last entry, [`ChainHead`]) sealed under the root key, and checks the chain
//! against it with [`verify_chain_to`].
//!
//! An audit entry is stored in plain text, so it holds ids, machine names and an IP address
//! only: never a name, an A-number, a note or any other value that is sealed elsewhere.
//! [`AuditEvent::check`] enforces the shape of the free-text fields.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Utc};
use sha2::{Digest, Sha256};

use crate::ids::{CaseId, OrgId, UserId};

string_enum! {
    /// What happened. Reads are audited as well as writes.
    pub enum AuditAction {
        LoginSucceeded => "login_succeeded", "Login succeeded",
        LoginFailed => "login_failed", "Login failed",
        Logout => "logout", "Logout",
        LogoutEverywhere => "logout_everywhere", "Logout everywhere",
        SessionExpired => "session_expired", "Session expired",
        TotpEnrolled => "totp_enrolled", "Two-factor enrolled",
        UserCreated => "user_created", "User created",
        UserDisabled => "user_disabled", "User disabled",
        UserEnabled => "user_enabled", "User enabled",
        UserRoleChanged => "user_role_changed", "User role changed",
        UserTotpReset => "user_totp_reset", "Two-factor reset",
        OrganisationCreated => "organisation_created", "Organisation created",
        CaseCreated => "case_created", "Case created",
        CaseRead => "case_read", "Case read",
        CaseListed => "case_listed", "Cases listed",
        CaseSearched => "case_searched", "Cases searched",
        CaseUpdated => "case_updated", "Case updated",
        CaseStageChanged => "case_stage_changed", "Case stage changed",
        CasePurged => "case_purged", "Case purged",
        CaseShared => "case_shared", "Case shared",
        CaseShareRevoked => "case_share_revoked", "Case share revoked",
        CaseReferred => "case_referred", "Case referred",
        CaseReferralWithdrawn => "case_referral_withdrawn", "Case referral withdrawn",
        Export => "export", "Export",
        Download => "download", "Download",
        BackupWritten => "backup_written", "Backup written",
        BackupRestored => "backup_restored", "Backup restored",
        ApiTokenCreated => "api_token_created", "API token created",
        ApiTokenRevoked => "api_token_revoked", "API token revoked",
        ApiTokensListed => "api_tokens_listed", "API tokens listed",
        /// A request to the API whose token was missing, malformed, unknown, revoked or
        /// expired, or whose user is disabled. Never records the token's text.
        ApiTokenRefused => "api_token_refused", "API token refused",
        AccessDenied => "access_denied", "Access denied",
        PublicIntake => "public_intake", "Public intake",
        ScreeningRun => "screening_run", "Screening run",
        /// Screening found a possible match of a case with a listed entry (the subject is the
        /// alert's id).
        ScreeningAlertRaised => "screening_alert_raised", "Screening alert raised",
        /// A pending alert no longer matched after the person or a list changed.
        ScreeningAlertLapsed => "screening_alert_lapsed", "Screening alert lapsed",
        /// An analyst decided an alert: match or not (the reason is sealed with the alert).
        ScreeningAlertDecided => "screening_alert_decided", "Screening alert decided",
        /// The review queue was read (it shows names).
        ScreeningQueueRead => "screening_queue_read", "Screening queue read",
        // An evidence item's chain of custody: each entry names the case and, as its subject,
        // the item.
        EvidenceUploaded => "evidence_uploaded", "Evidence uploaded",
        EvidenceViewed => "evidence_viewed", "Evidence viewed",
        EvidenceDownloaded => "evidence_downloaded", "Evidence downloaded",
        /// The item's file was shown on its page (an image, or a PDF's pages rendered).
        EvidencePreviewed => "evidence_previewed", "Evidence previewed",
        /// A copy was made from the item (stripped of metadata for sharing, an excerpt).
        EvidenceDerived => "evidence_derived", "Evidence copy derived",
        /// The item left Corridor in a dossier or an export.
        EvidenceExported => "evidence_exported", "Evidence exported",
        EvidenceReviewStarted => "evidence_review_started", "Evidence review started",
        EvidenceVerified => "evidence_verified", "Evidence verified",
        EvidenceDisputed => "evidence_disputed", "Evidence disputed",
        EvidenceRejected => "evidence_rejected", "Evidence rejected",
        /// A signed referral dossier of the case was issued (built and handed out).
        DossierIssued => "dossier_issued", "Referral dossier issued",
        /// A legal user cleared an inadmissibility flag, with a reason (sealed with the case).
        FlagCleared => "flag_cleared", "Inadmissibility flag cleared",
        /// A person replaced a computed score, with a reason (sealed with the case).
        ScoreOverridden => "score_overridden", "Score overridden",
        /// A step of a referral was recorded (sent, acknowledged, accepted, declined, travel,
        /// arrived); the case's stage moves with it.
        ReferralStatusRecorded => "referral_status_recorded", "Referral status recorded",
        /// A report about a removal flight was recorded (a new flight or one more report).
        FlightReported => "flight_reported", "Removal flight reported",
        /// A check-in with a person after removal was recorded.
        CheckInRecorded => "check_in_recorded", "Check-in recorded",
        /// A field report (arrested, missing, ...) about a person after return was recorded.
        FieldReportRecorded => "field_report_recorded", "Field report recorded",
        /// A removal watch alert was acknowledged.
        WatchAlertAcknowledged => "watch_alert_acknowledged", "Watch alert acknowledged",
        /// A removal watch alert was assigned to a user.
        WatchAlertAssigned => "watch_alert_assigned", "Watch alert assigned",
        /// The removal watch calendar was read (through its feed or the calendar page).
        CalendarRead => "calendar_read", "Calendar read",
    }
}

string_enum! {
    /// How it ended.
    pub enum AuditOutcome {
        /// Done, as asked.
        Allowed => "allowed", "Allowed",
        /// Refused by an authorisation rule.
        Denied => "denied", "Denied",
        /// Attempted and failed (a wrong password, an error).
        Failed => "failed", "Failed",
    }
}

/// Who acted. Stored as a compact text form: `user:<uuid>`, `token:<token id>`, `operator`,
/// `public`, `system` or `anonymous`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Actor {
    /// A signed-in user.
    User(UserId),
    /// An API token, by its id (never its secret): 1 to 64 ASCII letters, digits, `-` or `_`.
    ApiToken(String),
    /// Someone at the command line who knows the passphrase.
    Operator,
    /// The public intake form.
    Public,
    /// Corridor itself, acting on a rule: screening a changed case, or everyone after a list
    /// update.
    System,
    /// Nobody known: a request without a session, a failed login for an unknown account.
    Anonymous,
}

/// A text was not an actor's text form. The message never repeats the text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid actor; expected user:<uuid>, token:<token id>, operator, public, system or anonymous"
)]
pub struct ActorError;

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::User(id) => write!(f, "user:{id}"),
            Actor::ApiToken(id) => write!(f, "token:{id}"),
            Actor::Operator => f.write_str("operator"),
            Actor::Public => f.write_str("public"),
            Actor::System => f.write_str("system"),
            Actor::Anonymous => f.write_str("anonymous"),
        }
    }
}

/// Accepts the canonical text form only (lower-case hyphenated UUIDs, a valid token id), so
/// that every actor has exactly one spelling and a stored spelling cannot be varied unnoticed.
impl FromStr for Actor {
    type Err = ActorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "operator" => Ok(Actor::Operator),
            "public" => Ok(Actor::Public),
            "system" => Ok(Actor::System),
            "anonymous" => Ok(Actor::Anonymous),
            _ => {
                if let Some(id) = s.strip_prefix("user:") {
                    let user: UserId = id.parse().map_err(|_| ActorError)?;
                    if user.to_string() != id {
                        return Err(ActorError);
                    }
                    Ok(Actor::User(user))
                } else if let Some(id) = s.strip_prefix("token:") {
                    if !valid_token_id(id) {
                        return Err(ActorError);
                    }
                    Ok(Actor::ApiToken(id.to_owned()))
                } else {
                    Err(ActorError)
                }
            }
        }
    }
}

crate::text::serde_via_str!(Actor);

const TOKEN_ID_MAX: usize = 64;
const SUBJECT_MAX: usize = 128;

fn valid_token_id(id: &str) -> bool {
    (1..=TOKEN_ID_MAX).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn valid_subject(subject: &str) -> bool {
    (1..=SUBJECT_MAX).contains(&subject.len())
        && subject
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// An event is not fit for the log. The messages never repeat the offending value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuditEventError {
    #[error("audit event: the token id must be 1 to 64 ASCII letters, digits, '-' or '_'")]
    TokenId,
    #[error(
        "audit event: the subject must be an id of 1 to 128 ASCII letters, digits, '-', '_', '.' or ':'"
    )]
    Subject,
    #[error("audit event: the address must be an IP address")]
    Address,
    #[error("audit event: the time must fall within the years 1970 to 9999")]
    Time,
}

/// One thing that happened, before it is appended to the log.
///
/// Build it with [`AuditEvent::new`] and the `with_*` methods. Everything here is stored in
/// plain text and shown to admins: ids and machine names only.
#[derive(Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEvent {
    pub at: DateTime<Utc>,
    pub actor: Actor,
    /// The organisation the action happened in, when there is one.
    pub organisation: Option<OrgId>,
    pub action: AuditAction,
    /// The case the action was about, when there is one.
    pub case: Option<CaseId>,
    /// What else the action was about, as an id: a user id, a token id, an export id. NEVER a
    /// name, an e-mail address, a search term or any other sensitive value: the log is plain
    /// text. Also not the user name typed at a failed login (it may be someone's e-mail
    /// address or a password typed in the wrong box): record the user id if the account
    /// exists, nothing otherwise. [`AuditEvent::check`] allows 1 to 128 ASCII letters, digits,
    /// `-`, `_`, `.` and `:`.
    pub subject: Option<String>,
    /// The client's IP address, when known. Leave it out for the public intake form: the
    /// person submitting may be the person at risk.
    pub address: Option<String>,
    pub outcome: AuditOutcome,
}

impl AuditEvent {
    /// An event with no organisation, case, subject or address yet.
    pub fn new(
        at: DateTime<Utc>,
        actor: Actor,
        action: AuditAction,
        outcome: AuditOutcome,
    ) -> AuditEvent {
        AuditEvent {
            at,
            actor,
            organisation: None,
            action,
            case: None,
            subject: None,
            address: None,
            outcome,
        }
    }

    pub fn with_organisation(mut self, organisation: OrgId) -> AuditEvent {
        self.organisation = Some(organisation);
        self
    }

    pub fn with_case(mut self, case: CaseId) -> AuditEvent {
        self.case = Some(case);
        self
    }

    /// See [`AuditEvent::subject`]: an id, never a name.
    pub fn with_subject(mut self, subject: impl Into<String>) -> AuditEvent {
        self.subject = Some(subject.into());
        self
    }

    pub fn with_address(mut self, address: IpAddr) -> AuditEvent {
        self.address = Some(address.to_string());
        self
    }

    /// Checks that the event can be stored and read back: a valid token id, a subject that
    /// looks like an id, an address that is an IP address, a time within the years 1970 to
    /// 9999. The store refuses events that fail this.
    pub fn check(&self) -> Result<(), AuditEventError> {
        if let Actor::ApiToken(id) = &self.actor
            && !valid_token_id(id)
        {
            return Err(AuditEventError::TokenId);
        }
        if let Some(subject) = &self.subject
            && !valid_subject(subject)
        {
            return Err(AuditEventError::Subject);
        }
        if let Some(address) = &self.address
            && address.parse::<IpAddr>().is_err()
        {
            return Err(AuditEventError::Address);
        }
        if !(1970..=9999).contains(&self.at.year()) {
            return Err(AuditEventError::Time);
        }
        Ok(())
    }
}

/// The client address is left out: it is personal data, and `Debug` output ends up in logs.
impl fmt::Debug for AuditEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditEvent")
            .field("at", &self.at)
            .field("actor", &self.actor)
            .field("organisation", &self.organisation)
            .field("action", &self.action)
            .field("case", &self.case)
            .field("subject", &self.subject)
            .field("address", &self.address.as_ref().map(|_| "<redacted>"))
            .field("outcome", &self.outcome)
            .finish()
    }
}

/// Where a chain ends: the seq and hash of its last entry ([`ChainHead::GENESIS`] when empty,
/// which is also the default).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: u64,
    pub hash: [u8; 32],
}

impl ChainHead {
    /// The head of the empty chain: seq 0, 32 zero bytes. The first entry links to it.
    pub const GENESIS: ChainHead = ChainHead {
        seq: 0,
        hash: [0; 32],
    };

    /// The length of [`ChainHead::to_bytes`].
    pub const ENCODED_LEN: usize = 40;

    /// `u64be(seq) || hash`: what the app seals under the root key.
    pub fn to_bytes(&self) -> [u8; Self::ENCODED_LEN] {
        let mut bytes = [0; Self::ENCODED_LEN];
        bytes[..8].copy_from_slice(&self.seq.to_be_bytes());
        bytes[8..].copy_from_slice(&self.hash);
        bytes
    }

    /// The inverse of [`ChainHead::to_bytes`]; `None` unless exactly 40 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<ChainHead> {
        let seq: [u8; 8] = bytes.get(..8)?.try_into().ok()?;
        let hash: [u8; 32] = bytes.get(8..)?.try_into().ok()?;
        Some(ChainHead {
            seq: u64::from_be_bytes(seq),
            hash,
        })
    }
}

/// An event in the log: its place in the chain, the hash of the entry before it and its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// 1 for the first entry, then one more for each; never reused, never skipped.
    pub seq: u64,
    pub event: AuditEvent,
    /// The hash of entry `seq - 1`; 32 zero bytes for the first entry.
    pub prev_hash: [u8; 32],
    /// SHA-256 over seq, prev_hash and the event (see the module documentation).
    pub hash: [u8; 32],
}

impl AuditEntry {
    /// The entry that follows `prev` (or starts the chain) for `event`, whose time is
    /// truncated to whole microseconds.
    pub fn seal_next(prev: Option<&AuditEntry>, event: AuditEvent) -> AuditEntry {
        AuditEntry::seal_after(prev.map_or(ChainHead::GENESIS, AuditEntry::head), event)
    }

    /// The entry that follows a chain ending at `head`, for `event`: what the store does when
    /// it knows only the head. Same as [`AuditEntry::seal_next`] otherwise.
    pub fn seal_after(head: ChainHead, mut event: AuditEvent) -> AuditEntry {
        event.at = whole_microseconds(event.at);
        let seq = head.seq.saturating_add(1);
        let hash = entry_hash(seq, &head.hash, &event);
        AuditEntry {
            seq,
            event,
            prev_hash: head.hash,
            hash,
        }
    }

    /// This entry as the head of the chain it ends.
    pub fn head(&self) -> ChainHead {
        ChainHead {
            seq: self.seq,
            hash: self.hash,
        }
    }

    /// The hash this entry's seq, prev_hash and event call for; equal to `hash` unless the
    /// entry was changed after it was sealed.
    pub fn expected_hash(&self) -> [u8; 32] {
        entry_hash(self.seq, &self.prev_hash, &self.event)
    }
}

/// For JSON output: the event's fields beside seq, with both hashes in lower-case hex.
impl serde::Serialize for AuditEntry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct View<'a> {
            seq: u64,
            #[serde(flatten)]
            event: &'a AuditEvent,
            prev_hash: String,
            hash: String,
        }
        View {
            seq: self.seq,
            event: &self.event,
            prev_hash: hex(&self.prev_hash),
            hash: hex(&self.hash),
        }
        .serialize(serializer)
    }
}

/// Drops sub-microsecond precision (and folds a leap second into the next one), so the time
/// is exactly what the hash encodes and both engines store.
fn whole_microseconds(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at)
}

const DOMAIN: &[u8] = b"corridor/audit/v1";

fn entry_hash(seq: u64, prev_hash: &[u8; 32], event: &AuditEvent) -> [u8; 32] {
    fn field(hasher: &mut Sha256, bytes: &[u8]) {
        hasher.update((bytes.len() as u64).to_be_bytes());
        hasher.update(bytes);
    }
    fn optional(hasher: &mut Sha256, bytes: Option<&[u8]>) {
        match bytes {
            None => hasher.update([0]),
            Some(bytes) => {
                hasher.update([1]);
                field(hasher, bytes);
            }
        }
    }
    let mut hasher = Sha256::new();
    field(&mut hasher, DOMAIN);
    hasher.update(seq.to_be_bytes());
    hasher.update(prev_hash);
    hasher.update(event.at.timestamp_micros().to_be_bytes());
    field(&mut hasher, event.actor.to_string().as_bytes());
    optional(
        &mut hasher,
        event.organisation.as_ref().map(|id| &id.0.as_bytes()[..]),
    );
    field(&mut hasher, event.action.as_str().as_bytes());
    optional(
        &mut hasher,
        event.case.as_ref().map(|id| &id.0.as_bytes()[..]),
    );
    optional(&mut hasher, event.subject.as_deref().map(str::as_bytes));
    optional(&mut hasher, event.address.as_deref().map(str::as_bytes));
    field(&mut hasher, event.outcome.as_str().as_bytes());
    hasher.finalize().into()
}

/// An intact chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainSummary {
    /// How many entries (the seq of the last one).
    pub entries: u64,
    /// The hash of the last entry; 32 zero bytes for the empty chain. Writing it down
    /// elsewhere lets a later check prove that the log was not rolled back past it.
    pub head: [u8; 32],
}

/// Where and why a chain is broken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("audit log broken at entry {seq}: {reason}")]
pub struct ChainBreak {
    /// The first entry found bad: changed, missing or out of place.
    pub seq: u64,
    pub reason: BreakReason,
}

/// Why a chain is broken. The messages name seqs and columns, never a stored value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BreakReason {
    /// The entry's hash does not match its fields: one of them was changed.
    #[error("its contents do not match its hash (a field was changed)")]
    ContentAltered,
    /// The entry's hash is right but it does not link to the entry before it.
    #[error("it does not link to the entry before it (that entry was changed or replaced)")]
    LinkBroken,
    /// The entry is missing; `next` is the seq found in its place.
    #[error("it is missing (deleted); the next entry present is {next}")]
    Gap { next: u64 },
    /// Another entry, `found`, stands where this one belongs.
    #[error("entry {found} stands in its place (entries were reordered or renumbered)")]
    OutOfOrder { found: u64 },
    /// The log ends before this entry, but its head records `head` entries.
    #[error(
        "it is missing: the log's head records {head} entries (entries were removed from the end)"
    )]
    Truncated { head: u64 },
    /// The log goes on past the last entry its head records (`head`).
    #[error(
        "it comes after the last entry the log's head records ({head}); it was added outside Corridor"
    )]
    BeyondHead { head: u64 },
    /// The log has as many entries as its head records, but ends with another hash.
    #[error("it is not the entry the log's head records (the log was rewritten up to here)")]
    HeadMismatch,
    /// The head record itself was changed: its seal does not open, or disagrees with it.
    #[error(
        "the log's head record was altered outside Corridor; entries from here on may have been removed"
    )]
    HeadAltered,
    /// A stored column of the entry cannot be read as a value of its kind.
    #[error("its {column} is not readable (changed outside Corridor)")]
    Unreadable { column: &'static str },
}

/// Checks a chain, given oldest first: seqs run 1, 2, 3, … without gaps, each entry's hash
/// matches its fields, and each entry links to the one before. Names the first bad entry.
///
/// A chain cut short at its end still passes: [`verify_chain_to`] checks the end against the
/// recorded head.
pub fn verify_chain(
    entries: impl IntoIterator<Item = AuditEntry>,
) -> Result<ChainSummary, ChainBreak> {
    let entries: Vec<AuditEntry> = entries.into_iter().collect();
    let mut head = ChainHead::GENESIS;
    for (position, entry) in entries.iter().enumerate() {
        let expected = head.seq.saturating_add(1);
        if entry.seq != expected {
            let later = entries[position..].iter().any(|e| e.seq == expected);
            let reason = if entry.seq > expected && !later {
                BreakReason::Gap { next: entry.seq }
            } else {
                BreakReason::OutOfOrder { found: entry.seq }
            };
            return Err(ChainBreak {
                seq: expected,
                reason,
            });
        }
        if entry.hash != entry.expected_hash() {
            return Err(ChainBreak {
                seq: entry.seq,
                reason: BreakReason::ContentAltered,
            });
        }
        if entry.prev_hash != head.hash {
            return Err(ChainBreak {
                seq: entry.seq,
                reason: BreakReason::LinkBroken,
            });
        }
        head = entry.head();
    }
    Ok(ChainSummary {
        entries: head.seq,
        head: head.hash,
    })
}

/// [`verify_chain`], then checks that the chain ends exactly at `head`: the same number of
/// entries and the same last hash. This catches entries removed from or added to the end, and
/// a chain recomputed after a change, when `head` is known to be authentic.
pub fn verify_chain_to(
    entries: impl IntoIterator<Item = AuditEntry>,
    head: ChainHead,
) -> Result<ChainSummary, ChainBreak> {
    let summary = verify_chain(entries)?;
    match summary.entries.cmp(&head.seq) {
        std::cmp::Ordering::Less => Err(ChainBreak {
            seq: summary.entries + 1,
            reason: BreakReason::Truncated { head: head.seq },
        }),
        std::cmp::Ordering::Greater => Err(ChainBreak {
            seq: head.seq + 1,
            reason: BreakReason::BeyondHead { head: head.seq },
        }),
        std::cmp::Ordering::Equal if summary.head != head.hash => Err(ChainBreak {
            seq: head.seq,
            reason: BreakReason::HeadMismatch,
        }),
        std::cmp::Ordering::Equal => Ok(summary),
    }
}

/// Lower-case hex, for printing hashes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use uuid::Uuid;

    use super::*;

    fn fixed_event() -> AuditEvent {
        AuditEvent::new(
            Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 0).unwrap()
                + chrono::Duration::nanoseconds(123_456_789),
            Actor::User(UserId(Uuid::from_u128(
                0x0123_4567_89ab_cdef_0123_4567_89ab_cdef,
            ))),
            AuditAction::CaseRead,
            AuditOutcome::Allowed,
        )
        .with_organisation(OrgId(Uuid::from_u128(1)))
        .with_case(CaseId(Uuid::from_u128(2)))
        .with_subject("export-7")
        .with_address("192.0.2.1".parse().unwrap())
    }

    #[test]
    fn the_hash_layout_is_pinned() {
        // A change here makes every stored chain fail to verify: change the domain label
        // ("corridor/audit/v2") and keep reading v1 instead. The value was checked against an
        // independent implementation of the layout in the module documentation.
        let first = AuditEntry::seal_next(None, fixed_event());
        assert_eq!(
            hex(&first.hash),
            "f91ee4711ae1e80f83423866f17532607a396afd206b63bc9f94866241b03747",
            "the hash of a fixed entry changed"
        );
        let second = AuditEntry::seal_next(Some(&first), fixed_event());
        assert_eq!(second.prev_hash, first.hash);
        assert_ne!(second.hash, first.hash, "seq and prev_hash are hashed");
    }

    #[test]
    fn seal_next_starts_at_one_and_links() {
        let first = AuditEntry::seal_next(None, fixed_event());
        assert_eq!(first.seq, 1);
        assert_eq!(first.prev_hash, [0; 32]);
        assert_eq!(first.hash, first.expected_hash());
        let second = AuditEntry::seal_next(Some(&first), fixed_event());
        assert_eq!(second.seq, 2);
        assert_eq!(second.prev_hash, first.hash);
        assert_eq!(
            AuditEntry::seal_after(first.head(), fixed_event()),
            second,
            "seal_after the head is seal_next the entry"
        );
    }

    #[test]
    fn times_are_kept_to_the_microsecond() {
        let entry = AuditEntry::seal_next(None, fixed_event());
        assert_eq!(entry.event.at.timestamp_subsec_nanos(), 123_456_000);
        let mut later = fixed_event();
        later.at += chrono::Duration::microseconds(1);
        assert_ne!(AuditEntry::seal_next(None, later).hash, entry.hash);
        let mut same = fixed_event();
        same.at += chrono::Duration::nanoseconds(100);
        assert_eq!(AuditEntry::seal_next(None, same).hash, entry.hash);
    }

    #[test]
    fn every_field_is_hashed_and_absent_differs_from_empty() {
        let base = AuditEntry::seal_next(None, fixed_event()).hash;
        let variants: [fn(&mut AuditEvent); 10] = [
            |e| e.actor = Actor::Operator,
            |e| e.organisation = None,
            |e| e.action = AuditAction::CaseUpdated,
            |e| e.case = None,
            |e| e.subject = None,
            |e| e.subject = Some(String::new()),
            |e| e.address = None,
            |e| e.outcome = AuditOutcome::Denied,
            // The same bytes moved from one field to the next must not collide.
            |e| {
                e.subject = None;
                e.address = Some("export-7".to_owned());
            },
            |e| {
                e.organisation = e.case.map(|c| OrgId(c.0));
                e.case = None;
            },
        ];
        for (i, change) in variants.iter().enumerate() {
            let mut event = fixed_event();
            change(&mut event);
            assert_ne!(AuditEntry::seal_next(None, event).hash, base, "variant {i}");
        }
    }

    #[test]
    fn actors_have_one_spelling() {
        let user = UserId::random();
        for actor in [
            Actor::User(user),
            Actor::ApiToken("tok_01-AB".to_owned()),
            Actor::Operator,
            Actor::Public,
            Actor::System,
            Actor::Anonymous,
        ] {
            let text = actor.to_string();
            assert_eq!(text.parse::<Actor>().unwrap(), actor, "{text}");
            let json = serde_json::to_string(&actor).unwrap();
            assert_eq!(serde_json::from_str::<Actor>(&json).unwrap(), actor);
        }
        assert_eq!(Actor::User(user).to_string(), format!("user:{user}"));
        let upper = format!("user:{}", user.to_string().to_uppercase());
        let simple = format!("user:{}", user.0.simple());
        let braced = format!("user:{{{user}}}");
        for bad in [
            "",
            "Operator",
            "operator ",
            "user:",
            "user:not-a-uuid-SECRET",
            upper.as_str(),
            simple.as_str(),
            braced.as_str(),
            "token:",
            "token:has space",
            "token:Иван",
            "TOKEN:abc",
            "someone:SECRET",
        ] {
            let err = bad.parse::<Actor>().expect_err(bad);
            assert!(!err.to_string().contains("SECRET"));
        }
        let long = format!("token:{}", "a".repeat(65));
        assert!(long.parse::<Actor>().is_err());
        assert!(format!("token:{}", "a".repeat(64)).parse::<Actor>().is_ok());
    }

    #[test]
    fn check_refuses_what_could_not_be_read_back_or_should_not_be_stored() {
        assert_eq!(fixed_event().check(), Ok(()));
        let mut e = fixed_event();
        e.actor = Actor::ApiToken("has space".to_owned());
        assert_eq!(e.check(), Err(AuditEventError::TokenId));
        e.actor = Actor::ApiToken(String::new());
        assert_eq!(e.check(), Err(AuditEventError::TokenId));
        for subject in ["Ivan Petrov", "ivan@example.org", "", "Иван", "a\nb"] {
            let e = fixed_event().with_subject(subject);
            assert_eq!(e.check(), Err(AuditEventError::Subject), "{subject:?}");
            assert!(!AuditEventError::Subject.to_string().contains(subject) || subject.is_empty());
        }
        assert_eq!(
            fixed_event().with_subject("a".repeat(129)).check(),
            Err(AuditEventError::Subject)
        );
        assert_eq!(fixed_event().with_subject("a".repeat(128)).check(), Ok(()));
        for address in ["localhost", "192.0.2.1:443", "", "Ivan"] {
            let mut e = fixed_event();
            e.address = Some(address.to_owned());
            assert_eq!(e.check(), Err(AuditEventError::Address), "{address:?}");
        }
        let mut e = fixed_event();
        e.address = Some("2001:db8::1".to_owned());
        assert_eq!(e.check(), Ok(()));
        e.at = Utc.with_ymd_and_hms(1969, 12, 31, 23, 59, 59).unwrap();
        assert_eq!(e.check(), Err(AuditEventError::Time));
        e.at = Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(e.check(), Err(AuditEventError::Time));
    }

    #[test]
    fn debug_leaves_out_the_address() {
        let text = format!("{:?}", AuditEntry::seal_next(None, fixed_event()));
        assert!(!text.contains("192.0.2.1"), "{text}");
        assert!(text.contains("<redacted>"));
        assert!(text.contains("export-7"), "ids are shown");
    }

    #[test]
    fn json_has_the_fields_and_hex_hashes() {
        let entry = AuditEntry::seal_next(None, fixed_event());
        let json = serde_json::to_value(&entry).unwrap();
        assert_eq!(json["seq"], 1);
        assert_eq!(json["action"], "case_read");
        assert_eq!(json["outcome"], "allowed");
        assert_eq!(json["actor"], entry.event.actor.to_string());
        assert_eq!(json["case"], CaseId(Uuid::from_u128(2)).to_string());
        assert_eq!(json["subject"], "export-7");
        assert_eq!(json["address"], "192.0.2.1");
        assert_eq!(json["at"], "2026-03-01T09:30:00.123456Z");
        assert_eq!(json["prev_hash"], "0".repeat(64));
        assert_eq!(json["hash"], hex(&entry.hash));
    }

    fn chain(n: u64) -> Vec<AuditEntry> {
        let mut entries: Vec<AuditEntry> = Vec::new();
        for _ in 0..n {
            let next = AuditEntry::seal_next(entries.last(), fixed_event());
            entries.push(next);
        }
        entries
    }

    #[test]
    fn an_intact_chain_verifies_and_the_empty_chain_too() {
        let entries = chain(4);
        let summary = verify_chain(entries.clone()).unwrap();
        assert_eq!(summary.entries, 4);
        assert_eq!(summary.head, entries[3].hash);
        assert_eq!(
            verify_chain_to(entries.clone(), entries[3].head()),
            Ok(summary)
        );
        let empty = verify_chain(Vec::new()).unwrap();
        assert_eq!((empty.entries, empty.head), (0, [0; 32]));
        assert_eq!(verify_chain_to(Vec::new(), ChainHead::GENESIS), Ok(empty));
    }

    #[test]
    fn breaks_name_the_first_bad_entry() {
        let entries = chain(5);
        let broken = |entries: Vec<AuditEntry>| verify_chain(entries).unwrap_err();

        let mut changed = entries.clone();
        changed[2].event.subject = Some("export-8".to_owned());
        changed[3].event.subject = Some("export-8".to_owned());
        assert_eq!(
            broken(changed),
            ChainBreak {
                seq: 3,
                reason: BreakReason::ContentAltered
            }
        );

        // Entry 3 replaced by a correctly hashed entry that does not follow entry 2.
        let mut relinked = entries.clone();
        relinked[2] = AuditEntry::seal_after(
            ChainHead {
                seq: 2,
                hash: [7; 32],
            },
            fixed_event(),
        );
        assert_eq!(
            broken(relinked),
            ChainBreak {
                seq: 3,
                reason: BreakReason::LinkBroken
            }
        );

        let mut deleted = entries.clone();
        deleted.remove(1);
        assert_eq!(
            broken(deleted),
            ChainBreak {
                seq: 2,
                reason: BreakReason::Gap { next: 3 }
            }
        );

        let mut swapped = entries.clone();
        swapped.swap(1, 3);
        assert_eq!(
            broken(swapped),
            ChainBreak {
                seq: 2,
                reason: BreakReason::OutOfOrder { found: 4 }
            }
        );

        let mut renumbered = entries.clone();
        renumbered[3].seq = 2;
        assert_eq!(
            broken(renumbered),
            ChainBreak {
                seq: 4,
                reason: BreakReason::OutOfOrder { found: 2 }
            }
        );
    }

    #[test]
    fn the_head_catches_what_the_chain_alone_cannot() {
        let entries = chain(5);
        let head = entries[4].head();
        let truncated = entries[..4].to_vec();
        assert!(
            verify_chain(truncated.clone()).is_ok(),
            "a shorter chain is a chain"
        );
        assert_eq!(
            verify_chain_to(truncated, head).unwrap_err(),
            ChainBreak {
                seq: 5,
                reason: BreakReason::Truncated { head: 5 }
            }
        );
        assert_eq!(
            verify_chain_to(entries.clone(), entries[3].head()).unwrap_err(),
            ChainBreak {
                seq: 5,
                reason: BreakReason::BeyondHead { head: 4 }
            }
        );
        // Entry 2 changed and every hash after it recomputed: the chain is consistent, but
        // it no longer ends where the head says.
        let mut rewritten = entries[..1].to_vec();
        for entry in &entries[1..] {
            let mut event = entry.event.clone();
            if entry.seq == 2 {
                event.subject = Some("forged".to_owned());
            }
            let next = AuditEntry::seal_next(rewritten.last(), event);
            rewritten.push(next);
        }
        assert!(verify_chain(rewritten.clone()).is_ok());
        assert_eq!(
            verify_chain_to(rewritten, head).unwrap_err(),
            ChainBreak {
                seq: 5,
                reason: BreakReason::HeadMismatch
            }
        );
    }

    #[test]
    fn heads_encode_in_forty_bytes() {
        let head = chain(3)[2].head();
        let bytes = head.to_bytes();
        assert_eq!(&bytes[..8], &3u64.to_be_bytes());
        assert_eq!(ChainHead::from_bytes(&bytes), Some(head));
        assert_eq!(ChainHead::from_bytes(&bytes[..39]), None);
        assert_eq!(
            ChainHead::from_bytes(&[bytes.as_slice(), &[0]].concat()),
            None
        );
    }

    #[test]
    fn break_messages_name_the_entry() {
        let text = ChainBreak {
            seq: 7,
            reason: BreakReason::Gap { next: 9 },
        }
        .to_string();
        assert_eq!(
            text,
            "audit log broken at entry 7: it is missing (deleted); the next entry present is 9"
        );
    }

    #[test]
    fn hex_is_lower_case() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(hex(&[]), "");
    }
}
