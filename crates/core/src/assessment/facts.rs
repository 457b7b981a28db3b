//! What assessment knows about a case beyond the person, the US status and the Russia risk:
//! the facts of the legal checklist, vulnerabilities, the family unit, and the decisions people
//! took (flags cleared, scores overridden), each with who, when and why.
//!
//! All of it is sealed with the case: a vulnerability or a criminal record is as sensitive as
//! a name. `Debug` shows categories, never free text.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{FamilyUnitId, UserId};
use crate::person::CountryCode;
use crate::text::{Text, TextError, clean};

string_enum! {
    /// Needs that make a person more vulnerable: the UNHCR resettlement submission categories,
    /// and others a program may weigh.
    pub enum Vulnerability {
        /// UNHCR: legal and/or physical protection needs.
        LegalOrPhysicalProtection => "legal_or_physical_protection", "Legal or physical protection needs",
        /// UNHCR: survivors of violence and/or torture.
        SurvivorOfViolenceOrTorture => "survivor_of_violence_or_torture", "Survivor of violence or torture",
        /// UNHCR: medical needs.
        MedicalNeeds => "medical_needs", "Medical needs",
        /// UNHCR: women and girls at risk.
        WomanOrGirlAtRisk => "woman_or_girl_at_risk", "Woman or girl at risk",
        /// UNHCR: family reunification.
        FamilyReunification => "family_reunification", "Family reunification",
        /// UNHCR: children and adolescents at risk.
        ChildOrAdolescentAtRisk => "child_or_adolescent_at_risk", "Child or adolescent at risk",
        /// UNHCR: lack of foreseeable alternative durable solutions.
        NoAlternativeDurableSolution => "no_alternative_durable_solution", "No alternative durable solution",
        Lgbtq => "lgbtq", "LGBTQ+",
        EthnicMinority => "ethnic_minority", "Ethnic minority",
        Disability => "disability", "Disability",
    }
}

string_enum! {
    /// What happened to earlier returnees with a profile like this person's, as far as is known.
    #[derive(Default)]
    pub enum ReturneeOutcome {
        #[default]
        Unknown => "unknown", "Unknown",
        /// Questioned on arrival and let go.
        Questioned => "questioned", "Questioned on arrival",
        /// Handed a draft summons.
        Summonsed => "summonsed", "Handed a draft summons",
        Detained => "detained", "Detained",
        Prosecuted => "prosecuted", "Prosecuted",
        /// Not heard from since.
        Disappeared => "disappeared", "Not heard from",
    }
}

string_enum! {
    /// Who recognised the person as a refugee.
    pub enum Recogniser {
        Unhcr => "unhcr", "UNHCR",
        State => "state", "A state",
    }
}

/// Why an assessment fact was refused: the field and the reason; never the text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FactError {
    pub field: &'static str,
    pub reason: TextError,
}

/// Text a person wrote as a reason or a description: 1 to 2,000 characters, trimmed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reason(String);

impl Reason {
    /// A reason, trimmed; `field` names it in the error.
    pub fn new(text: &str, field: &'static str) -> Result<Reason, FactError> {
        clean(text, 2_000, true)
            .map(Reason)
            .map_err(|reason| FactError { field, reason })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Reason {
    type Error = TextError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Text::<2_000, true>::try_from(value).map(|text| Reason(text.0))
    }
}

impl From<Reason> for String {
    fn from(reason: Reason) -> String {
        reason.0
    }
}

impl fmt::Debug for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Reason(<redacted>)")
    }
}

/// Recognition as a refugee by UNHCR or a state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recognition {
    pub by: Recogniser,
    /// The state, when a state recognised the person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<CountryCode>,
}

/// A criminal record, anywhere. A Russian case under an article used against dissent is in
/// the Russia risk, never here: politically motivated convictions are not grounds for
/// inadmissibility.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriminalRecord {
    pub country: CountryCode,
    /// What the offence was.
    pub offence: Reason,
    /// Recorded as politically motivated (e.g. a Russian conviction for an anti-war post filed
    /// under an ordinary article): then it never counts.
    #[serde(default)]
    pub politically_motivated: bool,
}

string_enum! {
    /// The inadmissibility flags of the legal checklist. A raised flag blocks referral until a
    /// legal user clears it with a reason.
    pub enum FlagKind {
        /// A confirmed match on a sanctions list (IRPA s.35.1).
        SanctionsListing => "sanctions_listing", "Listed under SEMA or the Magnitsky law (s.35.1)",
        /// Military service: war crimes review (s.35(1)(a)) and Refugee Convention Article 1F.
        MilitaryService => "military_service", "Military service: s.35(1)(a) and Article 1F review",
        /// A criminal record that is not politically motivated (s.36 review).
        CriminalRecord => "criminal_record", "Criminal record: s.36 review",
    }
}

/// A legal user's decision that a flag does not bar referral.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagClearance {
    pub flag: FlagKind,
    pub by: UserId,
    pub at: DateTime<Utc>,
    pub reason: Reason,
}

string_enum! {
    /// The four scores of an assessment.
    pub enum ScoreKind {
        Risk => "risk", "Risk on return",
        Urgency => "urgency", "Urgency",
        Vulnerability => "vulnerability", "Vulnerability",
        Evidence => "evidence", "Evidence strength",
    }
}

/// A person's decision to replace a computed score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreOverride {
    pub score: ScoreKind,
    /// The score to use instead, 0 to 100.
    pub value: u32,
    pub by: UserId,
    pub at: DateTime<Utc>,
    pub reason: Reason,
}

/// The highest value of a score.
pub const MAX_SCORE: u32 = 100;

/// A case's assessment facts. `Default` is "nothing recorded".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssessmentFacts {
    /// The country the person is in now; unknown when not recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_country: Option<CountryCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recognition: Option<Recognition>,
    /// Holds a Canadian visa or permit (an STCA exception).
    pub canadian_visa_or_permit: bool,
    /// Faces the death penalty (an STCA exception).
    pub faces_death_penalty: bool,
    /// A minor travelling without a parent or guardian (an STCA exception).
    pub unaccompanied_minor: bool,
    /// Served in armed forces (any), beyond what the military status in the Russia risk says.
    pub served_in_armed_forces: bool,
    pub criminal_records: Vec<CriminalRecord>,
    pub vulnerabilities: Vec<Vulnerability>,
    pub earlier_returnees: ReturneeOutcome,
    /// The family unit the case travels with; `None` when the person travels alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_unit: Option<FamilyUnitId>,
    /// How many people the case brings (the person and accompanying dependants not on their
    /// own case), at least 1.
    #[serde(skip_serializing_if = "is_one")]
    pub persons: Persons,
    pub clearances: Vec<FlagClearance>,
    pub overrides: Vec<ScoreOverride>,
    /// The referral's steps with the receiving program, oldest first.
    pub referral: Vec<crate::referral_status::ReferralEvent>,
}

fn is_one(persons: &Persons) -> bool {
    persons.get() == 1
}

/// A number of people, 1 to 50.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Persons(u32);

impl Persons {
    pub const MAX: u32 = 50;

    pub fn new(count: u32) -> Option<Persons> {
        (1..=Self::MAX).contains(&count).then_some(Persons(count))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for Persons {
    fn default() -> Self {
        Persons(1)
    }
}

impl TryFrom<u32> for Persons {
    type Error = String;

    fn try_from(value: u32) -> Result<Self, Self::Error> {
        Persons::new(value).ok_or_else(|| format!("must be 1 to {}", Persons::MAX))
    }
}

impl From<Persons> for u32 {
    fn from(persons: Persons) -> u32 {
        persons.0
    }
}

impl AssessmentFacts {
    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        *self == AssessmentFacts::default()
    }

    /// The latest clearance of `flag`, if any.
    pub fn clearance(&self, flag: FlagKind) -> Option<&FlagClearance> {
        self.clearances.iter().rev().find(|c| c.flag == flag)
    }

    /// The latest override of `score`, if any.
    pub fn override_of(&self, score: ScoreKind) -> Option<&ScoreOverride> {
        self.overrides.iter().rev().find(|o| o.score == score)
    }
}
