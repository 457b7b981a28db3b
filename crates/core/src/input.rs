//! The case document read by `corridor case add --json FILE` (and the intake API): everything a
//! caseworker knows about a new case, validated at parse time.

use std::fmt;

use crate::assessment::AssessmentFacts;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::case::Case;
use crate::claim::{
    Claim, ClaimError, Confidence, EvidenceLink, FactKey, MAX_ASSERTION_CHARS, Source,
};
use crate::date::PartialDate;
use crate::ids::{CaseId, ClaimId, OrgId};
use crate::person::Person;
use crate::program::ProgramSlug;
use crate::risk::RussiaRisk;
use crate::serde_error;
use crate::text::{self, Text};
use crate::us_status::UsStatus;
use crate::workflow::Stage;

/// Why a case document was rejected: the field path (as `us_status.a_number` or
/// `person.names[0].kind`; empty for the document as a whole) and a reason.
///
/// The reason never contains text from the input: case documents hold sensitive data and
/// errors reach logs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct InputError {
    pub field: String,
    pub reason: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "document: {}", self.reason)
        } else {
            write!(f, "field `{}`: {}", self.field, self.reason)
        }
    }
}

impl InputError {
    fn from_json(field: String, err: &serde_json::Error) -> Self {
        let full = err.to_string();
        let suffix = format!(" at line {} column {}", err.line(), err.column());
        let message = full.strip_suffix(&suffix).unwrap_or(&full);
        let mut described = serde_error::describe(field, message);
        let reason = if err.is_data() {
            described.reason
        } else {
            // The path of a syntax error may end in a key that was never read.
            while described.field.ends_with('?') {
                described.field.pop();
                if described.field.ends_with('.') {
                    described.field.pop();
                }
            }
            // Syntax errors: serde_json's messages never quote the input; the position helps.
            format!(
                "{} (line {}, column {})",
                described.reason,
                err.line(),
                err.column()
            )
        };
        Self {
            field: described.field,
            reason,
        }
    }
}

/// Parses a JSON document into `T` (a case document, an API request body). Errors name the
/// field path and never repeat the input; trailing characters are refused.
pub fn parse_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, InputError> {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let value: T = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|err| InputError::from_json(serde_error::render_path(err.path()), err.inner()))?;
    deserializer
        .end()
        .map_err(|err| InputError::from_json(String::new(), &err))?;
    Ok(value)
}

/// Deserialises `T` from any serde deserializer (a URL query string, say), with errors that
/// name the field path and never repeat the input, as [`parse_json`]'s do.
pub fn deserialize_described<'de, D, T>(deserializer: D) -> Result<T, InputError>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let described = serde_error::describe(
            serde_error::render_path(err.path()),
            &err.inner().to_string(),
        );
        InputError {
            field: described.field,
            reason: described.reason,
        }
    })
}

/// A claim as submitted: a [`Claim`] without its id, which is assigned on creation.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawClaimInput")]
pub struct ClaimInput {
    fact: FactKey,
    assertion: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<PartialDate>,
    source: Source,
    confidence: Confidence,
    evidence: Vec<EvidenceLink>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaimInput {
    fact: FactKey,
    assertion: Text<MAX_ASSERTION_CHARS, true>,
    #[serde(default)]
    date: Option<PartialDate>,
    source: Source,
    confidence: Confidence,
    #[serde(default)]
    evidence: Vec<EvidenceLink>,
}

impl From<RawClaimInput> for ClaimInput {
    fn from(raw: RawClaimInput) -> Self {
        Self {
            fact: raw.fact,
            assertion: raw.assertion.0,
            date: raw.date,
            source: raw.source,
            confidence: raw.confidence,
            evidence: raw.evidence,
        }
    }
}

impl ClaimInput {
    /// A claim to be created; the assertion is trimmed and must not be blank.
    pub fn new(
        fact: FactKey,
        assertion: &str,
        date: Option<PartialDate>,
        source: Source,
        confidence: Confidence,
        evidence: Vec<EvidenceLink>,
    ) -> Result<Self, ClaimError> {
        Ok(Self {
            fact,
            assertion: text::clean(assertion, MAX_ASSERTION_CHARS, true)?,
            date,
            source,
            confidence,
            evidence,
        })
    }

    pub fn fact(&self) -> &FactKey {
        &self.fact
    }

    pub fn assertion(&self) -> &str {
        &self.assertion
    }

    pub fn date(&self) -> Option<PartialDate> {
        self.date
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    pub fn confidence(&self) -> Confidence {
        self.confidence
    }

    pub fn evidence(&self) -> &[EvidenceLink] {
        &self.evidence
    }

    /// The claim, with the given id.
    pub fn into_claim(self, id: ClaimId) -> Claim {
        Claim::from_parts(
            id,
            self.fact,
            self.assertion,
            self.date,
            self.source,
            self.confidence,
            self.evidence,
        )
    }
}

impl fmt::Debug for ClaimInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClaimInput")
            .field("fact", &self.fact)
            .field("assertion", &format_args!("<redacted>"))
            .field("date", &self.date)
            .field("source", &self.source)
            .field("confidence", &self.confidence)
            .field("evidence", &self.evidence.len())
            .finish()
    }
}

/// A new case as submitted:
///
/// `{ program, stage? (default intake), person, us_status? , russia_risk?, claims? (default []),
/// notes? }`, unknown fields rejected at every level. See `examples/case.json`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    pub program: ProgramSlug,
    #[serde(default)]
    pub stage: Stage,
    pub person: Person,
    #[serde(default)]
    pub us_status: UsStatus,
    #[serde(default)]
    pub russia_risk: RussiaRisk,
    #[serde(default)]
    pub claims: Vec<ClaimInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Assessment facts as recorded at intake. Flag clearances and score overrides are legal
    /// decisions taken on a case, never brought in by a document.
    #[serde(
        default,
        skip_serializing_if = "AssessmentFacts::is_empty",
        deserialize_with = "recorded_facts"
    )]
    pub assessment: AssessmentFacts,
}

fn recorded_facts<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<AssessmentFacts, D::Error> {
    let facts = AssessmentFacts::deserialize(deserializer)?;
    if !facts.clearances.is_empty() || !facts.overrides.is_empty() || !facts.referral.is_empty() {
        return Err(serde::de::Error::custom(
            "clearances, overrides and referral steps are recorded on the case, not brought in \
             by a document",
        ));
    }
    Ok(facts)
}

impl CaseInput {
    /// Parses a case document. Errors name the field and never repeat the input.
    pub fn from_json(json: &str) -> Result<CaseInput, InputError> {
        parse_json(json)
    }

    /// The case, created at `now`, with fresh claim ids.
    pub fn into_case(self, id: CaseId, organisation: OrgId, now: DateTime<Utc>) -> Case {
        Case {
            id,
            organisation,
            program: self.program,
            stage: self.stage,
            person: self.person,
            us_status: self.us_status,
            russia_risk: self.russia_risk,
            claims: self
                .claims
                .into_iter()
                .map(|c| c.into_claim(ClaimId::random()))
                .collect(),
            notes: self.notes,
            assessment: self.assessment,
            created_at: now,
            updated_at: now,
        }
    }
}

impl fmt::Debug for CaseInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaseInput")
            .field("program", &self.program)
            .field("stage", &self.stage)
            .field("person", &self.person)
            .field("us_status", &self.us_status)
            .field("russia_risk", &self.russia_risk)
            .field("claims", &self.claims)
            .field(
                "notes",
                &self.notes.as_ref().map(|_| format_args!("<redacted>")),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../../examples/case.json");

    #[test]
    fn the_example_case_parses() {
        let input = CaseInput::from_json(EXAMPLE).unwrap();
        assert_eq!(input.stage, Stage::Assessing);
        assert!(input.person.names.len() >= 3);
        assert!(input.us_status.is_detained());
        let case = input.into_case(CaseId::random(), OrgId::random(), Utc::now());
        assert_eq!(case.created_at, case.updated_at);
        let groups = case.claim_groups();
        assert!(groups.iter().any(|g| g.contradicted && g.claims.len() == 2));
    }

    #[test]
    fn any_deserializer_gets_field_paths_without_echo() {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Query {
            #[allow(dead_code)]
            stage: Stage,
        }
        let pairs = |k: &'static str, v: &'static str| {
            serde::de::value::MapDeserializer::<_, serde::de::value::Error>::new(
                [(k, v)].into_iter(),
            )
        };
        let err = deserialize_described::<_, Query>(pairs("stage", "SECRET")).unwrap_err();
        assert_eq!(err.field, "stage");
        assert!(
            err.reason
                .starts_with("unknown value; expected one of: intake"),
            "{err}"
        );
        let err = deserialize_described::<_, Query>(pairs("SECRET", "x")).unwrap_err();
        assert!(err.reason.starts_with("unknown field"), "{err}");
        assert!(!err.to_string().contains("SECRET"));
        assert!(deserialize_described::<_, Query>(pairs("stage", "intake")).is_ok());
        let err = parse_json::<Query>(r#"{"stage": 7}"#).unwrap_err();
        assert_eq!(err.field, "stage");
    }

    #[test]
    fn trailing_garbage_is_rejected() {
        let err = CaseInput::from_json(&format!("{EXAMPLE} SECRET")).unwrap_err();
        assert_eq!(err.field, "");
        assert!(err.reason.starts_with("trailing characters"));
        assert!(!err.to_string().contains("SECRET"));
    }
}
