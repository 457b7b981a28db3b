//! What a sponsor's organisation reads of a case referred to it: enough to decide whether to
//! sponsor and to act in time, and nothing more. No A-number, contact details, detention
//! facility, notes, claims or criminal-case details: those stay with the organisation that owns
//! the case.

use chrono::NaiveDate;

use crate::case::Case;
use crate::ids::CaseId;
use crate::person::{CanadianStatus, LanguageCode, Relation};
use crate::program::ProgramSlug;
use crate::risk::RiskLevel;
use crate::us_status::Custody;
use crate::workflow::Stage;

/// A relative in Canada, as a referral shows them: no name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RelativeInCanada {
    pub relation: Relation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canadian_status: Option<CanadianStatus>,
}

/// The fields of a referral.
#[derive(Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReferralView {
    pub case: CaseId,
    /// The person's primary name.
    pub name: String,
    pub program: ProgramSlug,
    pub stage: Stage,
    pub languages: Vec<LanguageCode>,
    /// Relatives in Canada, by relation and status: what the family exception turns on.
    pub family_in_canada: Vec<RelativeInCanada>,
    pub stca_family_exception: bool,
    pub custody: Custody,
    /// The urgency: a removal date, if one is scheduled.
    pub scheduled_removal: Option<NaiveDate>,
    pub risk_level: RiskLevel,
    /// Why the risk level is what it is, in words.
    pub risk_reasons: Vec<String>,
}

impl ReferralView {
    pub fn of(case: &Case) -> ReferralView {
        let person = &case.person;
        ReferralView {
            case: case.id,
            name: person.names.primary().text().to_owned(),
            program: case.program.clone(),
            stage: case.stage,
            languages: person.languages.clone(),
            family_in_canada: person
                .family
                .iter()
                .filter(|link| link.in_canada())
                .map(|link| RelativeInCanada {
                    relation: link.relation(),
                    canadian_status: link.canadian_status(),
                })
                .collect(),
            stca_family_exception: person.has_stca_family_exception(),
            custody: case.us_status.custody,
            scheduled_removal: case.us_status.scheduled_removal,
            risk_level: case.russia_risk.level(),
            risk_reasons: case.russia_risk.reasons(),
        }
    }
}

/// Shows everything but the name.
impl std::fmt::Debug for ReferralView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReferralView")
            .field("case", &self.case)
            .field("name", &"<redacted>")
            .field("stage", &self.stage)
            .field("risk_level", &self.risk_level)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::OrgId;
    use crate::input::CaseInput;

    #[test]
    fn a_referral_carries_its_fields_and_nothing_else() {
        let case = CaseInput::from_json(include_str!("../../../examples/case.json"))
            .expect("example")
            .into_case(CaseId::random(), OrgId::random(), chrono::Utc::now());
        let referral = ReferralView::of(&case);
        assert_eq!(referral.name, "Ярослава Глебовна Пустовойтова");
        assert_eq!(
            referral.family_in_canada.len(),
            1,
            "only relatives in Canada"
        );
        assert!(referral.stca_family_exception);
        assert_eq!(referral.risk_level, RiskLevel::Severe);
        assert!(!referral.risk_reasons.is_empty());
        let shown = format!("{referral:?}");
        assert!(!shown.contains("Ярослава"), "{shown}");
    }
}
