//! Turning a [`Case`] into what the store holds and back. This module is the one place that
//! decides which fields are sealed and where each ciphertext is bound (its AEAD address).

use corridor_core::{
    AlertId, Case, CaseId, ChainHead, Claim, DecisionReason, EvidenceFacts, EvidenceId, NameSet,
    Person, PossibleMatch, RussiaRisk, UsStatus, UserId,
};
use corridor_crypto::{CaseKey, FieldAddress, RootKey, Sealed, TotpSecret, WrappedKey, Zeroizing};
use corridor_store::{CaseColumns, CaseRecord, ClaimRow, HearingRow, SealedCase};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{AppError, Result};

const CASES: &str = "cases";

/// The audit log's head (seq and hash of its last entry) is sealed under the root key, so that
/// whoever can write to the database without knowing the passphrase cannot cut entries from the
/// end of the log, or rewrite it with recomputed hashes, unnoticed.
const AUDIT_HEAD: FieldAddress<'static> = FieldAddress::new("audit_head", "seal", "1");

pub(crate) fn seal_audit_head(root: &RootKey, head: &ChainHead) -> Sealed {
    root.seal(AUDIT_HEAD, &head.to_bytes())
}

/// The head a seal holds; `None` if it does not open under this root key or is malformed.
pub(crate) fn open_audit_head(root: &RootKey, seal: &Sealed) -> Option<ChainHead> {
    let bytes = root.open(AUDIT_HEAD, seal).ok()?;
    ChainHead::from_bytes(&bytes)
}

/// Seals a new case under a fresh data key wrapped by the root key.
pub(crate) fn seal_case(root: &RootKey, case: &Case) -> CaseRecord {
    seal_case_under(root, &CaseKey::generate(), case)
}

/// The data key of a stored case. A case keeps its key for life: what is derived from it (the
/// keys of its evidence files) must stay readable across edits, and go with it when the
/// case is purged.
pub(crate) fn case_key(root: &RootKey, stored: &CaseRecord) -> Result<CaseKey> {
    let id = stored.columns.id;
    root.unwrap(&stored.wrapped_key, &id.to_string())
        .map_err(|e| unreadable(id, "case_keys.wrapped_key", e))
}

/// Seals a case under its data key, wrapped by the root key.
pub(crate) fn seal_case_under(root: &RootKey, key: &CaseKey, case: &Case) -> CaseRecord {
    let record = case.id.to_string();
    let sealed = SealedCase {
        names: seal_field(key, &record, "names", &case.person.names),
        person: seal_field(key, &record, "person", &case.person),
        us_status: seal_field(key, &record, "us_status", &case.us_status),
        russia_risk: seal_field(key, &record, "russia_risk", &case.russia_risk),
        notes: case
            .notes
            .as_ref()
            .map(|notes| seal_field(key, &record, "notes", notes)),
        assessment: (!case.assessment.is_empty())
            .then(|| seal_field(key, &record, "assessment", &case.assessment)),
    };
    let claims = case
        .claims
        .iter()
        .enumerate()
        .map(|(position, claim)| {
            let address = claim_address(case.id, claim.id());
            ClaimRow {
                id: claim.id(),
                position: i32::try_from(position).unwrap_or(i32::MAX),
                body: key.seal(
                    FieldAddress::new("claims", "body", &address),
                    &to_json(claim),
                ),
            }
        })
        .collect();
    CaseRecord {
        columns: plain_columns(case),
        wrapped_key: root.wrap(key, &record),
        sealed,
        claims,
        hearings: case
            .us_status
            .hearings
            .iter()
            .map(|h| HearingRow {
                on_date: h.date,
                kind: h.kind,
            })
            .collect(),
    }
}

/// The columns that stay plain, derived from the case so they can never disagree with it.
pub(crate) fn plain_columns(case: &Case) -> CaseColumns {
    CaseColumns {
        id: case.id,
        organisation: case.organisation,
        program: case.program.clone(),
        stage: case.stage,
        custody: case.us_status.custody,
        proceedings: case.us_status.proceedings,
        risk_level: case.russia_risk.level(),
        final_order_date: case.us_status.final_order_date,
        scheduled_removal: case.us_status.scheduled_removal,
        created_at: case.created_at,
        updated_at: case.updated_at,
    }
}

/// Opens every sealed field of a stored case.
pub(crate) fn open_case(root: &RootKey, stored: &CaseRecord) -> Result<Case> {
    let columns = &stored.columns;
    let id = columns.id;
    let record = id.to_string();
    let key = case_key(root, stored)?;
    let open = |column: &'static str, sealed: &Sealed| -> Result<Zeroizing<Vec<u8>>> {
        key.open(FieldAddress::new(CASES, column, &record), sealed)
            .map_err(|e| unreadable(id, column, e))
    };
    let person: Person = from_json(id, "person", &open("person", &stored.sealed.person)?)?;
    let us_status: UsStatus = from_json(
        id,
        "us_status",
        &open("us_status", &stored.sealed.us_status)?,
    )?;
    let russia_risk: RussiaRisk = from_json(
        id,
        "russia_risk",
        &open("russia_risk", &stored.sealed.russia_risk)?,
    )?;
    let notes: Option<String> = stored
        .sealed
        .notes
        .as_ref()
        .map(|sealed| from_json(id, "notes", &open("notes", sealed)?))
        .transpose()?;
    let assessment = stored
        .sealed
        .assessment
        .as_ref()
        .map(|sealed| from_json(id, "assessment", &open("assessment", sealed)?))
        .transpose()?
        .unwrap_or_default();
    let claims = stored
        .claims
        .iter()
        .map(|row| {
            let address = claim_address(id, row.id);
            let plain = key
                .open(FieldAddress::new("claims", "body", &address), &row.body)
                .map_err(|e| unreadable(id, "claims.body", e))?;
            from_json::<Claim>(id, "claims.body", &plain)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Case {
        id,
        organisation: columns.organisation,
        program: columns.program.clone(),
        stage: columns.stage,
        person,
        us_status,
        russia_risk,
        claims,
        notes,
        assessment,
        created_at: columns.created_at,
        updated_at: columns.updated_at,
    })
}

/// Opens only the names of a case (for the list and the name index).
pub(crate) fn open_names(
    root: &RootKey,
    id: CaseId,
    wrapped_key: &WrappedKey,
    names: &Sealed,
) -> Result<NameSet> {
    open_case_field(root, id, wrapped_key, "names", names)
}

/// Opens only the person of a case (for screening).
pub(crate) fn open_person(
    root: &RootKey,
    id: CaseId,
    wrapped_key: &WrappedKey,
    person: &Sealed,
) -> Result<Person> {
    open_case_field(root, id, wrapped_key, "person", person)
}

fn open_case_field<T: DeserializeOwned>(
    root: &RootKey,
    id: CaseId,
    wrapped_key: &WrappedKey,
    column: &'static str,
    sealed: &Sealed,
) -> Result<T> {
    let record = id.to_string();
    let key = root
        .unwrap(wrapped_key, &record)
        .map_err(|e| unreadable(id, "case_keys.wrapped_key", e))?;
    let plain = key
        .open(FieldAddress::new(CASES, column, &record), sealed)
        .map_err(|e| unreadable(id, column, e))?;
    from_json(id, column, &plain)
}

/// An evidence item's facts and its reviews' bodies are sealed under its case's key (which a
/// case keeps for life), bound to the item: purging the case shreds them with its files.
const EVIDENCE_FACTS: (&str, &str) = ("evidence_items", "facts");
const REVIEW_BODY: (&str, &str) = ("evidence_reviews", "body");

pub(crate) fn seal_evidence_facts(
    key: &CaseKey,
    item: EvidenceId,
    facts: &EvidenceFacts,
) -> Sealed {
    seal_bound(key, EVIDENCE_FACTS, item, facts)
}

pub(crate) fn open_evidence_facts(
    key: &CaseKey,
    case: CaseId,
    item: EvidenceId,
    sealed: &Sealed,
) -> Result<EvidenceFacts> {
    open_bound(
        key,
        EVIDENCE_FACTS,
        "evidence_items.facts",
        case,
        item,
        sealed,
    )
}

pub(crate) fn seal_review_body<T: Serialize>(key: &CaseKey, item: EvidenceId, body: &T) -> Sealed {
    seal_bound(key, REVIEW_BODY, item, body)
}

pub(crate) fn open_review_body<T: DeserializeOwned>(
    key: &CaseKey,
    case: CaseId,
    item: EvidenceId,
    sealed: &Sealed,
) -> Result<T> {
    open_bound(
        key,
        REVIEW_BODY,
        "evidence_reviews.body",
        case,
        item,
        sealed,
    )
}

fn seal_bound<T: Serialize + ?Sized>(
    key: &CaseKey,
    (table, column): (&str, &str),
    item: EvidenceId,
    value: &T,
) -> Sealed {
    key.seal(
        FieldAddress::new(table, column, &item.to_string()),
        &to_json(value),
    )
}

fn open_bound<T: DeserializeOwned>(
    key: &CaseKey,
    (table, column): (&str, &str),
    named: &'static str,
    case: CaseId,
    item: EvidenceId,
    sealed: &Sealed,
) -> Result<T> {
    let plain = key
        .open(FieldAddress::new(table, column, &item.to_string()), sealed)
        .map_err(|e| unreadable(case, named, e))?;
    from_json(case, named, &plain)
}

/// A flight report (date, airports, carrier, source, note; not who is on board, which the
/// store keeps as plain links so that a purge removes them) is sealed under the root key,
/// bound to the report: a flight is about many cases, no one case's key fits it.
const FLIGHT_REPORTS: (&str, &str) = ("flight_reports", "body");

pub(crate) fn seal_flight_report<T: Serialize>(
    root: &RootKey,
    report: corridor_core::FlightReportId,
    body: &T,
) -> Sealed {
    let (table, column) = FLIGHT_REPORTS;
    root.seal(
        FieldAddress::new(table, column, &report.to_string()),
        &to_json(body),
    )
}

pub(crate) fn open_flight_report<T: DeserializeOwned>(
    root: &RootKey,
    report: corridor_core::FlightReportId,
    sealed: &Sealed,
) -> Result<T> {
    let (table, column) = FLIGHT_REPORTS;
    let plain = root
        .open(
            FieldAddress::new(table, column, &report.to_string()),
            sealed,
        )
        .map_err(|e| AppError::FlightUnreadable {
            report,
            reason: e.to_string(),
        })?;
    serde_json::from_slice(&plain).map_err(|e| AppError::FlightUnreadable {
        report,
        reason: e.to_string(),
    })
}

/// A check-in (channel, note, who recorded it) is sealed under its case's key, bound to the
/// check-in: purging the case shreds it.
const CHECK_INS: (&str, &str) = ("check_ins", "body");

pub(crate) fn seal_check_in<T: Serialize>(
    key: &CaseKey,
    check_in: corridor_core::CheckInId,
    body: &T,
) -> Sealed {
    let (table, column) = CHECK_INS;
    key.seal(
        FieldAddress::new(table, column, &check_in.to_string()),
        &to_json(body),
    )
}

pub(crate) fn open_check_in<T: DeserializeOwned>(
    key: &CaseKey,
    case: CaseId,
    check_in: corridor_core::CheckInId,
    sealed: &Sealed,
) -> Result<T> {
    let (table, column) = CHECK_INS;
    let plain = key
        .open(
            FieldAddress::new(table, column, &check_in.to_string()),
            sealed,
        )
        .map_err(|e| unreadable(case, "check_ins.body", e))?;
    from_json(case, "check_ins.body", &plain)
}

/// A screening alert's facts and reason are sealed under the root key, bound to the alert:
/// not under the case's key, which every edit replaces. Purging the case deletes them.
const ALERTS: &str = "screening_alerts";

pub(crate) fn seal_alert_facts(root: &RootKey, alert: AlertId, facts: &PossibleMatch) -> Sealed {
    root.seal(
        FieldAddress::new(ALERTS, "facts", &alert.to_string()),
        &to_json(facts),
    )
}

pub(crate) fn seal_alert_reason(root: &RootKey, alert: AlertId, reason: &DecisionReason) -> Sealed {
    root.seal(
        FieldAddress::new(ALERTS, "reason", &alert.to_string()),
        &to_json(reason),
    )
}

pub(crate) fn open_alert_facts(
    root: &RootKey,
    case: CaseId,
    alert: AlertId,
    sealed: &Sealed,
) -> Result<PossibleMatch> {
    let plain = root
        .open(
            FieldAddress::new(ALERTS, "facts", &alert.to_string()),
            sealed,
        )
        .map_err(|e| unreadable(case, "screening_alerts.facts", e))?;
    from_json(case, "screening_alerts.facts", &plain)
}

pub(crate) fn open_alert_reason(
    root: &RootKey,
    case: CaseId,
    alert: AlertId,
    sealed: &Sealed,
) -> Result<DecisionReason> {
    let plain = root
        .open(
            FieldAddress::new(ALERTS, "reason", &alert.to_string()),
            sealed,
        )
        .map_err(|e| unreadable(case, "screening_alerts.reason", e))?;
    from_json(case, "screening_alerts.reason", &plain)
}

/// Seals a user's TOTP secret under the root key, bound to `("users", "totp_secret", user id)`.
pub(crate) fn seal_totp_secret(root: &RootKey, user: UserId, secret: &TotpSecret) -> Sealed {
    root.seal(
        FieldAddress::new("users", "totp_secret", &user.to_string()),
        secret.as_bytes(),
    )
}

/// Opens a user's TOTP secret sealed by [`seal_totp_secret`].
pub(crate) fn open_totp_secret(
    root: &RootKey,
    user: UserId,
    sealed: &Sealed,
) -> Result<TotpSecret> {
    root.open(
        FieldAddress::new("users", "totp_secret", &user.to_string()),
        sealed,
    )
    .and_then(TotpSecret::from_bytes)
    .map_err(|_| AppError::CredentialUnreadable(user))
}

fn claim_address(case: CaseId, claim: corridor_core::ClaimId) -> String {
    format!("{case}/{claim}")
}

fn unreadable(case: CaseId, column: &'static str, error: impl std::fmt::Display) -> AppError {
    AppError::Unreadable {
        case,
        column,
        reason: error.to_string(),
    }
}

/// Parses opened JSON. The serde error is not passed on: its message may quote the plaintext.
fn from_json<T: DeserializeOwned>(case: CaseId, column: &'static str, plain: &[u8]) -> Result<T> {
    serde_json::from_slice(plain).map_err(|_| AppError::Unreadable {
        case,
        column,
        reason: "the opened value is not in the expected shape".to_owned(),
    })
}

/// Serialises to a buffer that is wiped when dropped. The domain types are plain structs and
/// enums with string keys, for which JSON serialisation cannot fail.
fn to_json<T: Serialize + ?Sized>(value: &T) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(serde_json::to_vec(value).expect("domain types serialise to JSON"))
}

fn seal_field<T: Serialize + ?Sized>(
    key: &CaseKey,
    record: &str,
    column: &str,
    value: &T,
) -> Sealed {
    key.seal(FieldAddress::new(CASES, column, record), &to_json(value))
}
