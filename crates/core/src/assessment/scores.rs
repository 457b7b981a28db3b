//! The four scores of an assessment, each a pure function returning its value (0 to 100) and
//! the factors that made it, with their points. The points come from the program file
//! ([`Weights`](super::policy::Weights)); every factor adds, and the sum is capped at 100, so
//! recording one more fact never lowers a score.
//!
//! Factors name categories, articles and statuses only: never a name, a date or free text, so
//! that a score's reasons can be shown to every role that sees the score.

use chrono::NaiveDate;
use serde::Serialize;

use crate::assessment::facts::{AssessmentFacts, MAX_SCORE, ScoreKind, ScoreOverride};
use crate::assessment::policy::{RiskWeights, UrgencyWeights, VulnerabilityWeights};
use crate::evidence::EvidenceStrength;
use crate::person::Person;
use crate::risk::{CriminalCaseStatus, MaxTerm, RussiaRisk};
use crate::us_status::{Custody, ProceedingsStage, UsStatus};

/// One fact that added to a score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Factor {
    pub points: u32,
    pub what: String,
}

/// A score: the value in use, what was computed, the factors, and the override, if a person
/// replaced the computed value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Score {
    pub kind: ScoreKind,
    /// The value in use: the override's, or the computed one.
    pub value: u32,
    pub computed: u32,
    pub factors: Vec<Factor>,
    /// Set when a person replaced the computed value (their reason is in the case's facts,
    /// not here: it may say more than every reader of a score may see).
    pub overridden: bool,
}

impl Score {
    fn from_factors(kind: ScoreKind, factors: Vec<Factor>) -> Score {
        let sum: u32 = factors
            .iter()
            .map(|f| f.points)
            .fold(0, u32::saturating_add);
        let computed = sum.min(MAX_SCORE);
        Score {
            kind,
            value: computed,
            computed,
            factors,
            overridden: false,
        }
    }

    /// This score with a person's override applied, if there is one.
    pub fn with_override(mut self, applied: Option<&ScoreOverride>) -> Score {
        if let Some(applied) = applied {
            debug_assert_eq!(applied.score, self.kind);
            self.value = applied.value.min(MAX_SCORE);
            self.overridden = true;
        }
        self
    }
}

/// Collects factors, leaving out those worth nothing under the program's weights.
#[derive(Default)]
struct Factors(Vec<Factor>);

impl Factors {
    fn add(&mut self, points: u32, what: impl FnOnce() -> String) {
        if points > 0 {
            self.0.push(Factor {
                points,
                what: what(),
            });
        }
    }
}

/// Risk on return to Russia: criminal cases by their articles' maximum terms, registries,
/// wanted status, military status (desertion above all), public profile, and what happened to
/// earlier returnees like the person.
pub fn risk_on_return(risk: &RussiaRisk, facts: &AssessmentFacts, weights: &RiskWeights) -> Score {
    let mut factors = Factors::default();
    for case in &risk.criminal_cases {
        let article = case.article;
        let term = article.max_term();
        let full = match term {
            MaxTerm::Years(years) => weights.per_year_of_term.saturating_mul(u32::from(years)),
            MaxTerm::Life => weights.life_term,
            MaxTerm::Unknown => weights.unknown_term,
        };
        let percent = match case.status {
            CriminalCaseStatus::Charged
            | CriminalCaseStatus::Convicted
            | CriminalCaseStatus::ConvictedInAbsentia => 100,
            CriminalCaseStatus::Investigation => weights.investigation_percent,
            CriminalCaseStatus::Closed => weights.closed_percent,
        };
        factors.add(full.saturating_mul(percent) / 100, || {
            format!(
                "criminal case under article {article} ({term}): {}",
                case.status.label().to_lowercase()
            )
        });
    }
    for entry in &risk.registries {
        let points = weights.registries.get(&entry.registry).copied();
        factors.add(points.unwrap_or(0), || {
            format!("listed: {}", entry.registry.label())
        });
    }
    factors.add(weight(&weights.wanted, &risk.wanted), || {
        format!("wanted: {}", risk.wanted.label())
    });
    factors.add(weight(&weights.military, &risk.military), || {
        format!("military: {}", risk.military.label())
    });
    factors.add(
        weight(&weights.public_profile, &risk.public_profile),
        || {
            format!(
                "public profile: {}",
                risk.public_profile.label().to_lowercase()
            )
        },
    );
    factors.add(
        weight(&weights.earlier_returnees, &facts.earlier_returnees),
        || {
            format!(
                "earlier returnees like this person: {}",
                facts.earlier_returnees.label().to_lowercase()
            )
        },
    );
    Score::from_factors(ScoreKind::Risk, factors.0)
}

/// Urgency: a scheduled removal (by how soon, in the program's priority windows), a final
/// order without a stay, review under way without a stay, detention or supervision, and a
/// hearing soon.
pub fn urgency(
    status: &UsStatus,
    today: NaiveDate,
    weights: &UrgencyWeights,
    windows: &super::policy::PriorityWindows,
) -> Score {
    let mut factors = Factors::default();
    let stayed = status.active_stay(today).is_some();
    if status.proceedings == ProceedingsStage::Removed {
        factors.add(weights.removed, || {
            "already removed from the United States".into()
        });
    } else if let Some(removal) = status.scheduled_removal.filter(|day| *day >= today) {
        let days = (removal - today).num_days();
        let (points, window) = if days <= i64::from(windows.emergency_days) {
            (weights.removal_emergency, "within the emergency window")
        } else if days <= i64::from(windows.urgent_days) {
            (weights.removal_urgent, "within the urgent window")
        } else {
            (weights.removal_later, "later")
        };
        factors.add(points, || {
            format!("removal scheduled in {days} days ({window})")
        });
    }
    let final_order = status.proceedings == ProceedingsStage::FinalOrder
        || (status.final_order_date.is_some() && status.proceedings != ProceedingsStage::Removed);
    if final_order && !stayed {
        factors.add(weights.final_order_without_stay, || {
            "final order of removal, no stay in force".into()
        });
    }
    let under_review = matches!(
        status.proceedings,
        ProceedingsStage::BiaAppeal | ProceedingsStage::CircuitReview
    );
    if under_review && !stayed && !final_order {
        factors.add(weights.review_without_stay, || {
            format!("{} under way, no stay in force", status.proceedings.label())
        });
    }
    match status.custody {
        Custody::Detained => factors.add(weights.detained, || "detained by ICE".into()),
        Custody::OrderOfSupervision | Custody::AlternativesToDetention => {
            factors.add(weights.supervised, || {
                format!("{}: removal can come at a check-in", status.custody.label())
            });
        }
        _ => {}
    }
    if let Some(hearing) = status.next_hearing(today) {
        let days = (hearing.date - today).num_days();
        if days <= i64::from(windows.urgent_days) {
            factors.add(weights.hearing_soon, || {
                format!("{} in {days} days", hearing.kind.label())
            });
        }
    }
    Score::from_factors(ScoreKind::Urgency, factors.0)
}

/// Vulnerability: the UNHCR categories and other needs recorded, and age (a child, an older
/// person) from the date of birth, where it is known well enough to tell.
pub fn vulnerability(
    person: &Person,
    facts: &AssessmentFacts,
    today: NaiveDate,
    weights: &VulnerabilityWeights,
) -> Score {
    let mut factors = Factors::default();
    let mut seen = Vec::new();
    for need in &facts.vulnerabilities {
        if seen.contains(need) {
            continue;
        }
        seen.push(*need);
        factors.add(weights.needs.get(need).copied().unwrap_or(0), || {
            need.label().to_owned()
        });
    }
    if let Some(birth) = person.birth_date {
        // A partial date of birth counts only when every day it allows gives the same answer.
        let youngest = age_on(birth.latest(), today);
        let oldest = age_on(birth.earliest(), today);
        if oldest < 18 {
            factors.add(weights.child, || "a child".into());
        } else if youngest >= 65 {
            factors.add(weights.older_person, || "65 or older".into());
        }
    }
    Score::from_factors(ScoreKind::Vulnerability, factors.0)
}

/// Evidence strength, as the evidence module computes it from verified items and the claims
/// that cite them.
pub fn evidence(strength: &EvidenceStrength) -> Score {
    let factors = vec![Factor {
        points: strength.score,
        what: strength.level.label().to_owned(),
    }];
    Score::from_factors(ScoreKind::Evidence, factors)
}

/// The weight of `key` in `map`; nothing for a key the program does not weigh.
fn weight<K: Ord>(map: &std::collections::BTreeMap<K, u32>, key: &K) -> u32 {
    map.get(key).copied().unwrap_or(0)
}

/// Whole years from `birth` to `day` (0 when `day` is before `birth`).
pub(crate) fn age_on(birth: NaiveDate, day: NaiveDate) -> u32 {
    use chrono::Datelike as _;
    if day < birth {
        return 0;
    }
    let mut years = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}
