//! What a program file says about assessment: who is eligible, how each score weighs its
//! factors, how the scores add up to the program's objective, and the UNHCR-style priority
//! windows. All of it is data a user can change without a rebuild; the defaults here are what
//! a file that says nothing gets.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::assessment::facts::{ReturneeOutcome, Vulnerability};
use crate::evidence::StrengthLevel;
use crate::person::CountryCode;
use crate::risk::{MilitaryStatus, PublicProfile, Registry, RiskLevel, WantedStatus};

string_enum! {
    /// Who sponsors under private sponsorship. Groups of Five and Community Sponsors need proof
    /// that UNHCR or a state recognised the person as a refugee; Sponsorship Agreement Holders
    /// do not.
    pub enum SponsorKind {
        SponsorshipAgreementHolder => "sponsorship_agreement_holder", "Sponsorship Agreement Holder",
        GroupOfFive => "group_of_five", "Group of Five",
        CommunitySponsor => "community_sponsor", "Community Sponsor",
    }
}

impl SponsorKind {
    /// Whether this kind of sponsor can only take people recognised as refugees.
    pub fn needs_recognition(self) -> bool {
        matches!(self, Self::GroupOfFive | Self::CommunitySponsor)
    }
}

/// Who a program takes. Empty lists mean "any".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Eligibility {
    /// Countries the person must be in now (ISO codes), e.g. `["US"]`.
    pub locations: Vec<CountryCode>,
    /// Nationalities the program is for, e.g. `["RU"]`.
    pub nationalities: Vec<CountryCode>,
    /// The lowest risk on return the program considers.
    pub min_risk: RiskLevel,
    /// The least documented activism or persecution the program accepts.
    pub min_evidence: StrengthLevel,
    /// Whether refugee recognition by UNHCR or a state is required (also implied by a Group of
    /// Five or Community Sponsor).
    pub requires_recognition: bool,
}

impl Default for Eligibility {
    fn default() -> Self {
        Self {
            locations: Vec::new(),
            nationalities: Vec::new(),
            min_risk: RiskLevel::Low,
            min_evidence: StrengthLevel::None,
            requires_recognition: false,
        }
    }
}

/// How the four scores (each 0 to 100) add up to the program's objective, which selection
/// maximises over the people it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ObjectiveWeights {
    pub risk: u32,
    pub urgency: u32,
    pub vulnerability: u32,
    pub evidence: u32,
}

impl Default for ObjectiveWeights {
    fn default() -> Self {
        Self {
            risk: 4,
            urgency: 3,
            vulnerability: 2,
            evidence: 1,
        }
    }
}

/// Points of the risk-on-return score. Every weight adds; the score is capped at 100.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RiskWeights {
    /// Points per year of an article's maximum term, for a case charged or convicted.
    pub per_year_of_term: u32,
    /// Points for an article carrying life imprisonment.
    pub life_term: u32,
    /// Points for an article whose maximum term is not recorded.
    pub unknown_term: u32,
    /// Percent of an article's points that a case still under investigation carries.
    pub investigation_percent: u32,
    /// Percent of an article's points that a closed case carries.
    pub closed_percent: u32,
    pub registries: BTreeMap<Registry, u32>,
    pub wanted: BTreeMap<WantedStatus, u32>,
    pub military: BTreeMap<MilitaryStatus, u32>,
    pub public_profile: BTreeMap<PublicProfile, u32>,
    /// What happened to earlier returnees like this person.
    pub earlier_returnees: BTreeMap<ReturneeOutcome, u32>,
}

impl Default for RiskWeights {
    fn default() -> Self {
        Self {
            per_year_of_term: 4,
            life_term: 80,
            unknown_term: 20,
            investigation_percent: 75,
            closed_percent: 25,
            registries: BTreeMap::from([
                (Registry::ForeignAgents, 20),
                (Registry::Rosfinmonitoring, 30),
                (Registry::UndesirableOrganisation, 15),
                (Registry::InteriorWantedList, 30),
            ]),
            wanted: BTreeMap::from([
                (WantedStatus::Federal, 30),
                (WantedStatus::Interstate, 30),
                (WantedStatus::International, 35),
            ]),
            military: BTreeMap::from([
                (MilitaryStatus::Deserter, 60),
                (MilitaryStatus::Mobilised, 35),
                (MilitaryStatus::SummonsEvader, 30),
                (MilitaryStatus::Reservist, 10),
                (MilitaryStatus::Conscript, 10),
            ]),
            public_profile: BTreeMap::from([
                (PublicProfile::Moderate, 5),
                (PublicProfile::High, 15),
            ]),
            earlier_returnees: BTreeMap::from([
                (ReturneeOutcome::Questioned, 5),
                (ReturneeOutcome::Summonsed, 15),
                (ReturneeOutcome::Detained, 25),
                (ReturneeOutcome::Prosecuted, 35),
                (ReturneeOutcome::Disappeared, 40),
            ]),
        }
    }
}

/// Points of the urgency score. The largest removal term applies, then the rest add; the
/// score is capped at 100.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UrgencyWeights {
    /// A removal scheduled within the emergency window.
    pub removal_emergency: u32,
    /// A removal scheduled within the urgent window.
    pub removal_urgent: u32,
    /// A removal scheduled later.
    pub removal_later: u32,
    /// A final order of removal with no active stay.
    pub final_order_without_stay: u32,
    /// Appeals or review under way (BIA, circuit court) without a stay.
    pub review_without_stay: u32,
    /// Held by ICE.
    pub detained: u32,
    /// On an order of supervision or alternatives to detention: removal can come at a check-in.
    pub supervised: u32,
    /// A hearing within the urgent window.
    pub hearing_soon: u32,
    /// Already removed from the United States.
    pub removed: u32,
}

impl Default for UrgencyWeights {
    fn default() -> Self {
        Self {
            removal_emergency: 100,
            removal_urgent: 70,
            removal_later: 40,
            final_order_without_stay: 50,
            review_without_stay: 20,
            detained: 30,
            supervised: 15,
            hearing_soon: 15,
            removed: 40,
        }
    }
}

/// Points of the vulnerability score: the UNHCR categories and other needs. Capped at 100.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VulnerabilityWeights {
    pub needs: BTreeMap<Vulnerability, u32>,
    /// A child (under 18 at the assessment date).
    pub child: u32,
    /// An older person (65 or over).
    pub older_person: u32,
}

impl Default for VulnerabilityWeights {
    fn default() -> Self {
        use Vulnerability::*;
        Self {
            needs: BTreeMap::from([
                (LegalOrPhysicalProtection, 30),
                (SurvivorOfViolenceOrTorture, 30),
                (MedicalNeeds, 20),
                (WomanOrGirlAtRisk, 20),
                (FamilyReunification, 10),
                (ChildOrAdolescentAtRisk, 25),
                (NoAlternativeDurableSolution, 15),
                (Lgbtq, 20),
                (EthnicMinority, 10),
                (Disability, 15),
            ]),
            child: 15,
            older_person: 10,
        }
    }
}

/// The weights of a program file's `[weights]` table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    pub objective: ObjectiveWeights,
    pub risk: RiskWeights,
    pub urgency: UrgencyWeights,
    pub vulnerability: VulnerabilityWeights,
}

/// The priority windows in days, after UNHCR practice: an emergency departs within days, an
/// urgent case within weeks, a normal one within a year. DOMAIN.md marks the urgent and normal
/// figures unverified, hence data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PriorityWindows {
    pub emergency_days: u32,
    pub urgent_days: u32,
    pub normal_days: u32,
}

impl Default for PriorityWindows {
    fn default() -> Self {
        Self {
            emergency_days: 7,
            urgent_days: 42,
            normal_days: 365,
        }
    }
}

impl PriorityWindows {
    /// Whether the windows are ordered and at least a day: emergency ≤ urgent ≤ normal.
    pub(crate) fn check(&self) -> Result<(), &'static str> {
        if self.emergency_days == 0 {
            return Err("emergency_days must be at least 1");
        }
        if self.emergency_days > self.urgent_days {
            return Err("urgent_days must not be less than emergency_days");
        }
        if self.urgent_days > self.normal_days {
            return Err("normal_days must not be less than urgent_days");
        }
        Ok(())
    }
}
