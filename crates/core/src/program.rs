//! Canadian programs a case can be put forward to. Programs, their pathways and capacity are
//! data (TOML files), not code: whether Canada resettles people from the United States at all
//! is a policy question.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::assessment::policy::{Eligibility, PriorityWindows, SponsorKind, Weights};
use crate::serde_error;
use crate::text::Text;

/// Why a string is not a [`ProgramSlug`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("program slug must be 1 to 64 characters of a-z, 0-9 and -")]
pub struct ProgramSlugError;

/// Names a program in files, URLs and commands: 1 to 64 characters of `[a-z0-9-]`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProgramSlug(String);

impl ProgramSlug {
    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ProgramSlug {
    type Err = ProgramSlugError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = (1..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(ProgramSlugError)
        }
    }
}

impl fmt::Display for ProgramSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ProgramSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProgramSlug({})", self.0)
    }
}

crate::text::serde_via_str!(ProgramSlug);

string_enum! {
    /// The Canadian legal route a program belongs to.
    pub enum Pathway {
        /// Government-Assisted Refugees.
        GovernmentAssisted => "government_assisted", "Government-Assisted Refugees",
        /// Privately Sponsored Refugees (SAHs, Groups of Five, Community Sponsors).
        PrivateSponsorship => "private_sponsorship", "Private sponsorship",
        /// Blended Visa Office-Referred.
        BlendedVisaOfficeReferred => "blended_visa_office_referred", "Blended Visa Office-Referred",
        /// The human rights defenders stream (within GAR; referral by designated partners).
        HumanRightsDefenders => "human_rights_defenders", "Human rights defenders stream",
        /// A ministerial public policy (IRPA s.25.2).
        PublicPolicy => "public_policy", "Public policy (s.25.2)",
        /// Humanitarian and compassionate grounds (IRPA s.25).
        HumanitarianCompassionate => "humanitarian_compassionate", "Humanitarian and compassionate (s.25)",
    }
}

/// A program cases are put forward to, loaded from a TOML file:
///
/// ```toml
/// slug = "hrd-stream"
/// name = "Human rights defenders stream"
/// pathway = "human_rights_defenders"
/// capacity = 40
/// description = "Places this organisation may refer in a year."
/// referral_partner = "Front Line Defenders"
/// required_documents = ["identity document", "evidence of human rights work"]
///
/// [eligibility]
/// locations = ["US"]
/// min_risk = "high"
///
/// [weights.objective]
/// risk = 5
/// ```
///
/// Every table is optional; see [`Eligibility`], [`Weights`] and [`PriorityWindows`] for what
/// an absent one means.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Program {
    pub slug: ProgramSlug,
    pub name: String,
    pub pathway: Pathway,
    /// How many people the program can take (per year or per round, as the program defines):
    /// persons, not cases, since a family travels together.
    pub capacity: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How many independent verifiers must sign an evidence item off (1 to 3; 1 when not set).
    #[serde(default = "one_verifier")]
    pub evidence_verifiers: u8,
    /// The kind of sponsor, for private sponsorship.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sponsor: Option<SponsorKind>,
    /// Who refers cases to the program (UNHCR, Front Line Defenders, a sponsor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_partner: Option<String>,
    /// The documents a referral must carry.
    #[serde(default)]
    pub required_documents: Vec<String>,
    #[serde(default)]
    pub eligibility: Eligibility,
    #[serde(default)]
    pub weights: Weights,
    #[serde(default)]
    pub priority: PriorityWindows,
}

fn one_verifier() -> u8 {
    1
}

/// The most independent verifiers a program may require.
pub const MAX_EVIDENCE_VERIFIERS: u8 = 3;

/// The on-disk shape: the same fields, with text validated at parse time.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProgram {
    slug: ProgramSlug,
    name: Text<200, false>,
    pathway: Pathway,
    capacity: u32,
    #[serde(default)]
    description: Option<Text<5_000, true>>,
    #[serde(default)]
    evidence_verifiers: Option<u8>,
    #[serde(default)]
    sponsor: Option<SponsorKind>,
    #[serde(default)]
    referral_partner: Option<Text<200, false>>,
    #[serde(default)]
    required_documents: Vec<Text<200, false>>,
    #[serde(default)]
    eligibility: Eligibility,
    #[serde(default)]
    weights: Weights,
    #[serde(default)]
    priority: PriorityWindows,
}

/// The most people a program file may give as its capacity: what selection takes exactly.
pub const MAX_CAPACITY: u32 = crate::selection::MAX_CAPACITY;

/// Why a program file was rejected: the field (empty for the file as a whole) and the reason.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ProgramError {
    pub field: String,
    pub reason: String,
}

impl fmt::Display for ProgramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "program file: {}", self.reason)
        } else {
            write!(f, "program field `{}`: {}", self.field, self.reason)
        }
    }
}

impl Program {
    /// Parses a program file. Unknown fields are rejected; errors name the field.
    pub fn from_toml(text: &str) -> Result<Program, ProgramError> {
        let deserializer = toml::Deserializer::new(text);
        let raw: RawProgram = serde_path_to_error::deserialize(deserializer).map_err(|err| {
            let described =
                serde_error::describe(serde_error::render_path(err.path()), err.inner().message());
            ProgramError {
                field: described.field,
                reason: described.reason,
            }
        })?;
        let evidence_verifiers = raw.evidence_verifiers.unwrap_or(1);
        if !(1..=MAX_EVIDENCE_VERIFIERS).contains(&evidence_verifiers) {
            return Err(ProgramError {
                field: "evidence_verifiers".to_owned(),
                reason: format!("must be 1 to {MAX_EVIDENCE_VERIFIERS}"),
            });
        }
        let refuse = |field: &str, reason: String| ProgramError {
            field: field.to_owned(),
            reason,
        };
        if raw.capacity > MAX_CAPACITY {
            return Err(refuse(
                "capacity",
                format!("must be at most {MAX_CAPACITY}"),
            ));
        }
        if raw.sponsor.is_some() && raw.pathway != Pathway::PrivateSponsorship {
            return Err(refuse(
                "sponsor",
                "only a private sponsorship program has a sponsor kind".to_owned(),
            ));
        }
        raw.priority
            .check()
            .map_err(|reason| refuse("priority", reason.to_owned()))?;
        let risk = &raw.weights.risk;
        for (field, percent) in [
            ("investigation_percent", risk.investigation_percent),
            ("closed_percent", risk.closed_percent),
        ] {
            if percent > 100 {
                return Err(refuse(
                    &format!("weights.risk.{field}"),
                    "must be at most 100".to_owned(),
                ));
            }
        }
        Ok(Program {
            slug: raw.slug,
            name: raw.name.0,
            pathway: raw.pathway,
            capacity: raw.capacity,
            description: raw.description.map(|d| d.0),
            evidence_verifiers,
            sponsor: raw.sponsor,
            referral_partner: raw.referral_partner.map(|p| p.0),
            required_documents: raw.required_documents.into_iter().map(|d| d.0).collect(),
            eligibility: raw.eligibility,
            weights: raw.weights,
            priority: raw.priority,
        })
    }
}

/// Why a catalog was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    #[error("program `{0}` is defined more than once")]
    DuplicateSlug(ProgramSlug),
}

/// The programs known to a deployment, each slug once, in the order given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProgramCatalog {
    programs: Vec<Program>,
}

impl ProgramCatalog {
    /// A catalog of `programs`; fails on a repeated slug.
    pub fn from_programs(programs: Vec<Program>) -> Result<Self, CatalogError> {
        for (i, program) in programs.iter().enumerate() {
            if programs[..i].iter().any(|p| p.slug == program.slug) {
                return Err(CatalogError::DuplicateSlug(program.slug.clone()));
            }
        }
        Ok(Self { programs })
    }

    /// The program with this slug.
    pub fn get(&self, slug: &ProgramSlug) -> Option<&Program> {
        self.programs.iter().find(|p| &p.slug == slug)
    }

    /// Whether a program with this slug exists.
    pub fn contains(&self, slug: &ProgramSlug) -> bool {
        self.get(slug).is_some()
    }

    /// The programs in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Program> {
        self.programs.iter()
    }

    /// How many programs.
    pub fn len(&self) -> usize {
        self.programs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.programs.is_empty()
    }
}

impl<'a> IntoIterator for &'a ProgramCatalog {
    type Item = &'a Program;
    type IntoIter = std::slice::Iter<'a, Program>;

    fn into_iter(self) -> Self::IntoIter {
        self.programs.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
slug = "hrd-stream"
name = "Human rights defenders stream"
pathway = "human_rights_defenders"
capacity = 40
description = "Referrals through designated partners."
"#;

    #[test]
    fn slugs() {
        assert!("public-policy-2025".parse::<ProgramSlug>().is_ok());
        for bad in ["", "Public", "a_b", "a b", "ф", &"a".repeat(65)] {
            assert_eq!(bad.parse::<ProgramSlug>(), Err(ProgramSlugError), "{bad:?}");
        }
    }

    #[test]
    fn parses_a_program() {
        let program = Program::from_toml(GOOD).unwrap();
        assert_eq!(program.slug.as_str(), "hrd-stream");
        assert_eq!(program.pathway, Pathway::HumanRightsDefenders);
        assert_eq!(program.capacity, 40);
        assert_eq!(
            program.description.as_deref(),
            Some("Referrals through designated partners.")
        );
    }

    #[test]
    fn catalog_rejects_duplicates() {
        let a = Program::from_toml(GOOD).unwrap();
        let mut b = a.clone();
        b.slug = "other".parse().unwrap();
        let catalog = ProgramCatalog::from_programs(vec![a.clone(), b.clone()]).unwrap();
        assert_eq!(catalog.len(), 2);
        assert_eq!(catalog.get(&b.slug), Some(&b));
        assert_eq!(catalog.get(&"missing".parse().unwrap()), None);
        assert_eq!(
            catalog.iter().map(|p| p.slug.as_str()).collect::<Vec<_>>(),
            ["hrd-stream", "other"]
        );
        assert_eq!(
            ProgramCatalog::from_programs(vec![a.clone(), b, a]),
            Err(CatalogError::DuplicateSlug("hrd-stream".parse().unwrap()))
        );
    }
}
