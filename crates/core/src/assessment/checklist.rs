//! The legal checklist of a case, item by item, each with its status and why: where the person
//! is, the elements of the refugee definition (with the evidence behind them), the Safe Third
//! Country Agreement, a prior US asylum claim, the recognition that some sponsors need, the
//! program's own rules, and the inadmissibility flags that block referral until a legal user
//! clears them.
//!
//! Politically motivated Russian prosecutions are persecution, not criminality: the criminal
//! cases of the Russia risk never raise a flag, whatever the article.

use serde::Serialize;

use crate::assessment::facts::{AssessmentFacts, FlagKind};
use crate::assessment::policy::SponsorKind;
use crate::case::Case;
use crate::evidence::{EvidenceStrength, ItemStanding, VerificationStatus};
use crate::ids::UserId;
use crate::person::CountryCode;
use crate::program::Program;
use crate::risk::{MilitaryStatus, RiskLevel};
use crate::us_status::{ProceedingsStage, Relief};

string_enum! {
    /// The items of the checklist.
    pub enum CheckKind {
        OutsideNationality => "outside_nationality", "Outside the country of nationality",
        WellFoundedFear => "well_founded_fear", "Well-founded fear of persecution",
        ConventionGround => "convention_ground", "A Convention ground (political opinion)",
        PersecutionDocumented => "persecution_documented", "Activism and persecution documented",
        Recognition => "recognition", "Recognised as a refugee by UNHCR or a state",
        ProgramLocation => "program_location", "In a country the program takes people from",
        ProgramNationality => "program_nationality", "A nationality the program is for",
        ProgramRisk => "program_risk", "At least the program's minimum risk",
    }
}

string_enum! {
    /// Whether an item holds.
    pub enum CheckStatus {
        Met => "met", "Met",
        NotMet => "not_met", "Not met",
        /// Not recorded well enough to tell.
        Unknown => "unknown", "Unknown",
        /// The program does not ask for it.
        NotRequired => "not_required", "Not required",
    }
}

/// One item of the checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckItem {
    pub kind: CheckKind,
    pub status: CheckStatus,
    pub why: String,
    /// The verified evidence items (ids, as claims cite them) the item rests on.
    pub evidence: Vec<String>,
}

string_enum! {
    /// The exceptions to the Safe Third Country Agreement.
    pub enum StcaException {
        FamilyMember => "family_member", "A family member in Canada with status",
        UnaccompaniedMinor => "unaccompanied_minor", "An unaccompanied minor",
        DocumentHolder => "document_holder", "Holds a Canadian visa or permit",
        DeathPenalty => "death_penalty", "Faces the death penalty",
    }
}

/// The Safe Third Country Agreement, for a person in the United States: a claim at a land port
/// of entry (or within 14 days of crossing between ports) is barred unless an exception
/// applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stca {
    /// Whether the agreement concerns the person at all (they are in the United States).
    pub applies: bool,
    /// The exceptions that apply, in the order the agreement lists them.
    pub exceptions: Vec<StcaException>,
}

impl Stca {
    /// Whether the person could claim asylum at the Canadian border.
    pub fn could_claim_at_border(&self) -> bool {
        self.applies && !self.exceptions.is_empty()
    }
}

/// An inadmissibility flag, raised or cleared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Flag {
    pub kind: FlagKind,
    pub why: String,
    /// Who cleared it, if a legal user did.
    pub cleared_by: Option<UserId>,
}

impl Flag {
    /// Whether the flag still blocks referral.
    pub fn blocks(&self) -> bool {
        self.cleared_by.is_none()
    }
}

/// The whole checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Checklist {
    pub items: Vec<CheckItem>,
    pub stca: Stca,
    /// A prior asylum claim in the United States makes a claim in Canada ineligible (IRPA
    /// s.101(1)(c.1), section number unverified); resettlement is not a claim in Canada.
    pub prior_us_asylum_claim: bool,
    pub flags: Vec<Flag>,
}

impl Checklist {
    /// The item of this kind.
    pub fn item(&self, kind: CheckKind) -> Option<&CheckItem> {
        self.items.iter().find(|item| item.kind == kind)
    }

    /// Whether the program's requirements hold: no item is "not met" (unknown ones are for a
    /// person to settle, and do not exclude).
    pub fn eligible(&self) -> bool {
        self.items
            .iter()
            .all(|item| item.status != CheckStatus::NotMet)
    }

    /// Whether a flag still blocks referral.
    pub fn referral_blocked(&self) -> bool {
        self.flags.iter().any(Flag::blocks)
    }
}

/// What the checklist reads besides the case and its facts.
#[derive(Clone, Copy, Debug)]
pub struct ChecklistContext<'a> {
    pub program: &'a Program,
    pub evidence: &'a [ItemStanding],
    pub strength: &'a EvidenceStrength,
    /// Whether an analyst confirmed a screening match against a sanctions list.
    pub confirmed_listing: bool,
}

const US: CountryCode = CountryCode::US;

/// The checklist of `case`.
pub fn checklist(case: &Case, facts: &AssessmentFacts, context: ChecklistContext<'_>) -> Checklist {
    let program = context.program;
    let rules = &program.eligibility;
    let verified: Vec<String> = context
        .evidence
        .iter()
        .filter(|item| item.status == VerificationStatus::Verified && !item.derived)
        .map(|item| item.id.clone())
        .collect();
    let location = current_country(case, facts);
    let nationalities = &case.person.nationalities;
    let risk_level = case.russia_risk.level();
    let mut items = Vec::new();
    let mut item = |kind, status, why: String, evidence: &[String]| {
        items.push(CheckItem {
            kind,
            status,
            why,
            evidence: evidence.to_vec(),
        });
    };

    let outside = match location {
        None => (
            CheckStatus::Unknown,
            "where the person is now is not recorded".to_owned(),
        ),
        Some(_) if nationalities.is_empty() => {
            (CheckStatus::Unknown, "no nationality recorded".to_owned())
        }
        Some(here) if nationalities.contains(&here) => (
            CheckStatus::NotMet,
            format!("in {here}, a country of nationality"),
        ),
        Some(here) => (CheckStatus::Met, format!("in {here}")),
    };
    item(CheckKind::OutsideNationality, outside.0, outside.1, &[]);

    let fear = if risk_level >= RiskLevel::High {
        (
            CheckStatus::Met,
            format!("risk on return is {}", risk_level.label().to_lowercase()),
        )
    } else if case.russia_risk == Default::default() {
        (
            CheckStatus::Unknown,
            "nothing recorded about the risk on return".to_owned(),
        )
    } else {
        (
            CheckStatus::NotMet,
            format!(
                "risk on return is only {}",
                risk_level.label().to_lowercase()
            ),
        )
    };
    item(CheckKind::WellFoundedFear, fear.0, fear.1, &verified);

    let political_case = case
        .russia_risk
        .criminal_cases
        .iter()
        .find(|c| c.article.is_known());
    let ground = if let Some(prosecution) = political_case {
        (
            CheckStatus::Met,
            format!(
                "prosecuted under article {}, used against dissent",
                prosecution.article
            ),
        )
    } else if !case.russia_risk.registries.is_empty() {
        (
            CheckStatus::Met,
            "on a Russian persecution registry".to_owned(),
        )
    } else if !verified.is_empty() {
        (
            CheckStatus::Met,
            "verified evidence of anti-war activity".to_owned(),
        )
    } else {
        (
            CheckStatus::Unknown,
            "no prosecution, listing or verified evidence yet".to_owned(),
        )
    };
    item(CheckKind::ConventionGround, ground.0, ground.1, &verified);

    let strength = context.strength;
    let documented = if strength.level >= rules.min_evidence && !verified.is_empty() {
        (CheckStatus::Met, strength.level.label().to_owned())
    } else if strength.level >= rules.min_evidence {
        (CheckStatus::Unknown, "no verified evidence yet".to_owned())
    } else {
        (
            CheckStatus::NotMet,
            format!(
                "{}; the program asks for at least: {}",
                strength.level.label(),
                rules.min_evidence.label().to_lowercase()
            ),
        )
    };
    item(
        CheckKind::PersecutionDocumented,
        documented.0,
        documented.1,
        &verified,
    );

    let recognition_needed =
        rules.requires_recognition || program.sponsor.is_some_and(SponsorKind::needs_recognition);
    let recognition = match (&facts.recognition, recognition_needed) {
        (Some(recognition), _) => (
            CheckStatus::Met,
            match recognition.state {
                Some(state) => format!("recognised by {} ({state})", recognition.by.label()),
                None => format!("recognised by {}", recognition.by.label()),
            },
        ),
        (None, true) => (
            CheckStatus::NotMet,
            match program.sponsor {
                Some(sponsor) if sponsor.needs_recognition() => {
                    format!(
                        "a {} can only sponsor a recognised refugee",
                        sponsor.label()
                    )
                }
                _ => "the program takes recognised refugees only".to_owned(),
            },
        ),
        (None, false) => (
            CheckStatus::NotRequired,
            "not recognised; not required".to_owned(),
        ),
    };
    item(CheckKind::Recognition, recognition.0, recognition.1, &[]);

    let in_list = |list: &[CountryCode], value: Option<CountryCode>, what: &str| {
        if list.is_empty() {
            return (CheckStatus::NotRequired, format!("any {what}"));
        }
        match value {
            None => (CheckStatus::Unknown, format!("{what} not recorded")),
            Some(value) if list.contains(&value) => (CheckStatus::Met, format!("{what}: {value}")),
            Some(value) => (
                CheckStatus::NotMet,
                format!("{what} {value} is not among the program's"),
            ),
        }
    };
    let located = in_list(&rules.locations, location, "location");
    item(CheckKind::ProgramLocation, located.0, located.1, &[]);
    let national = if rules.nationalities.is_empty() {
        (CheckStatus::NotRequired, "any nationality".to_owned())
    } else if nationalities.is_empty() {
        (CheckStatus::Unknown, "nationality not recorded".to_owned())
    } else if let Some(n) = nationalities
        .iter()
        .find(|n| rules.nationalities.contains(n))
    {
        (CheckStatus::Met, format!("nationality: {n}"))
    } else {
        (
            CheckStatus::NotMet,
            "no nationality the program is for".to_owned(),
        )
    };
    item(CheckKind::ProgramNationality, national.0, national.1, &[]);
    let risky = if risk_level >= rules.min_risk {
        (
            CheckStatus::Met,
            format!("risk on return: {}", risk_level.label().to_lowercase()),
        )
    } else {
        (
            CheckStatus::NotMet,
            format!(
                "risk on return {}; the program's minimum is {}",
                risk_level.label().to_lowercase(),
                rules.min_risk.label().to_lowercase()
            ),
        )
    };
    item(CheckKind::ProgramRisk, risky.0, risky.1, &[]);

    Checklist {
        items,
        stca: stca(case, facts, location),
        prior_us_asylum_claim: case.us_status.asylum_filed_on.is_some()
            || case.us_status.relief_sought.contains(&Relief::Asylum),
        flags: flags(case, facts, context.confirmed_listing),
    }
}

/// Where the person is: as recorded, or the United States while US proceedings are open.
fn current_country(case: &Case, facts: &AssessmentFacts) -> Option<CountryCode> {
    facts.current_country.or_else(|| {
        let status = &case.us_status;
        let in_us_proceedings = !matches!(
            status.proceedings,
            ProceedingsStage::None | ProceedingsStage::Removed
        );
        (in_us_proceedings
            || status.a_number.is_some() && status.proceedings != ProceedingsStage::Removed)
            .then_some(US)
    })
}

fn stca(case: &Case, facts: &AssessmentFacts, location: Option<CountryCode>) -> Stca {
    let mut exceptions = Vec::new();
    if case.person.has_stca_family_exception() {
        exceptions.push(StcaException::FamilyMember);
    }
    if facts.unaccompanied_minor {
        exceptions.push(StcaException::UnaccompaniedMinor);
    }
    if facts.canadian_visa_or_permit {
        exceptions.push(StcaException::DocumentHolder);
    }
    if facts.faces_death_penalty {
        exceptions.push(StcaException::DeathPenalty);
    }
    Stca {
        applies: location == Some(US),
        exceptions,
    }
}

fn flags(case: &Case, facts: &AssessmentFacts, confirmed_listing: bool) -> Vec<Flag> {
    let mut raised = Vec::new();
    if confirmed_listing {
        raised.push((
            FlagKind::SanctionsListing,
            "an analyst confirmed a sanctions list match".to_owned(),
        ));
    }
    let military = case.russia_risk.military;
    let served = matches!(
        military,
        MilitaryStatus::Mobilised | MilitaryStatus::Deserter | MilitaryStatus::Reservist
    );
    if served || facts.served_in_armed_forces {
        let why = if served {
            format!("military status: {}", military.label().to_lowercase())
        } else {
            "served in armed forces".to_owned()
        };
        raised.push((FlagKind::MilitaryService, why));
    }
    let records = facts
        .criminal_records
        .iter()
        .filter(|record| !record.politically_motivated)
        .count();
    if records > 0 {
        raised.push((
            FlagKind::CriminalRecord,
            format!(
                "{records} criminal record{} not politically motivated",
                if records == 1 { "" } else { "s" }
            ),
        ));
    }
    raised
        .into_iter()
        .map(|(kind, why)| Flag {
            kind,
            why,
            cleared_by: facts.clearance(kind).map(|c| c.by),
        })
        .collect()
}
