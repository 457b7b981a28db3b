//! A case: one person's path through one program, owned by one organisation.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::assessment::AssessmentFacts;
use crate::claim::{Claim, ClaimGroup, group_claims};
use crate::ids::{CaseId, OrgId};
use crate::person::Person;
use crate::program::ProgramSlug;
use crate::risk::{RiskLevel, RussiaRisk};
use crate::us_status::UsStatus;
use crate::workflow::{Stage, TransitionError};

/// A case. Change `stage` through [`Case::transition`], which enforces the workflow; the field is
/// public so that stores can rebuild a case as it was saved.
///
/// `Debug` output hides personal data (see [`Person`], [`Claim`]) and the notes.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub id: CaseId,
    pub organisation: OrgId,
    pub program: ProgramSlug,
    pub stage: Stage,
    pub person: Person,
    #[serde(default)]
    pub us_status: UsStatus,
    #[serde(default)]
    pub russia_risk: RussiaRisk,
    #[serde(default)]
    pub claims: Vec<Claim>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// What assessment knows beyond the above, and people's decisions on it.
    #[serde(default, skip_serializing_if = "AssessmentFacts::is_empty")]
    pub assessment: AssessmentFacts,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Case {
    /// A new case at intake, with nothing known beyond the person.
    pub fn new(
        id: CaseId,
        organisation: OrgId,
        program: ProgramSlug,
        person: Person,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            organisation,
            program,
            stage: Stage::Intake,
            person,
            us_status: UsStatus::default(),
            russia_risk: RussiaRisk::default(),
            claims: Vec::new(),
            notes: None,
            assessment: AssessmentFacts::default(),
            created_at: now,
            updated_at: now,
        }
    }

    /// Moves the case to `to` at time `at`, if the workflow allows it; otherwise leaves the case
    /// unchanged.
    pub fn transition(&mut self, to: Stage, at: DateTime<Utc>) -> Result<(), TransitionError> {
        self.stage = self.stage.transition(to)?;
        self.updated_at = at;
        Ok(())
    }

    /// The case's claims grouped by fact.
    pub fn claim_groups(&self) -> Vec<ClaimGroup<'_>> {
        group_claims(&self.claims)
    }

    /// The risk level on return to Russia.
    pub fn risk_level(&self) -> RiskLevel {
        self.russia_risk.level()
    }

    /// Whether the case is closed.
    pub fn is_closed(&self) -> bool {
        self.stage.is_closed()
    }
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Case")
            .field("id", &self.id)
            .field("organisation", &self.organisation)
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
            .field("assessment", &self.assessment)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::{NameKind, NameSet, PersonName};
    use chrono::TimeZone;

    fn case() -> Case {
        let name = PersonName::new("Анна Синицына", NameKind::Native).unwrap();
        let t0 = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        let mut case = Case::new(
            CaseId::random(),
            OrgId::random(),
            "public-policy".parse().unwrap(),
            Person::new(NameSet::single(name)),
            t0,
        );
        case.notes = Some("SECRET NOTE".into());
        case
    }

    #[test]
    fn transition_updates_stage_and_time_only_when_allowed() {
        let mut case = case();
        let t1 = Utc.with_ymd_and_hms(2025, 1, 2, 0, 0, 0).unwrap();
        case.transition(Stage::Documenting, t1).unwrap();
        assert_eq!(case.stage, Stage::Documenting);
        assert_eq!(case.updated_at, t1);
        assert!(case.updated_at > case.created_at);

        let t2 = Utc.with_ymd_and_hms(2025, 1, 3, 0, 0, 0).unwrap();
        let err = case.transition(Stage::Arrived, t2).unwrap_err();
        assert_eq!(
            err,
            TransitionError {
                from: Stage::Documenting,
                to: Stage::Arrived
            }
        );
        assert_eq!(case.stage, Stage::Documenting);
        assert_eq!(case.updated_at, t1);
    }

    #[test]
    fn serde_round_trip_and_redacted_debug() {
        let case = case();
        let json = serde_json::to_string(&case).unwrap();
        assert_eq!(serde_json::from_str::<Case>(&json).unwrap(), case);
        let debug = format!("{case:?}");
        assert!(!debug.contains("SECRET"));
        assert!(!debug.contains("Анна"));
    }
}
