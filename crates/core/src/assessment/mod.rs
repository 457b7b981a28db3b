//! Assessment: from a case, its facts and its evidence, under a program's policy file, the
//! legal checklist, four explainable scores, the priority level and the program's objective,
//! which selection maximises. Every function here is pure: the same inputs give the same
//! assessment, so a dossier, the priority board and a benchmark all see one truth.
//!
//! - `facts`: what assessment knows beyond the case (sealed with it), and people's decisions.
//! - `policy`: what a program file says (eligibility, weights, priority windows).
//! - `checklist`: the legal checklist and the inadmissibility flags.
//! - `scores`: risk on return, urgency, vulnerability, evidence strength.
//! - `priority`: Emergency, Urgent or Normal, with the time left.

pub mod checklist;
pub mod facts;
pub mod policy;
pub mod priority;
pub mod scores;

use chrono::NaiveDate;
use serde::Serialize;

use crate::case::Case;
use crate::evidence::{EvidenceStrength, ItemStanding, evidence_strength};
use crate::program::Program;

pub use checklist::{
    CheckItem, CheckKind, CheckStatus, Checklist, ChecklistContext, Flag, Stca, StcaException,
    checklist,
};
pub use facts::{
    AssessmentFacts, CriminalRecord, FactError, FlagClearance, FlagKind, Persons, Reason,
    Recogniser, Recognition, ReturneeOutcome, ScoreKind, ScoreOverride, Vulnerability,
};
pub use policy::{
    Eligibility, ObjectiveWeights, PriorityWindows, RiskWeights, SponsorKind, UrgencyWeights,
    VulnerabilityWeights, Weights,
};
pub use priority::{DeadlineSource, Priority, PriorityLevel, priority};
pub use scores::{Factor, Score};

/// Everything assessment reads about one case.
#[derive(Clone, Copy, Debug)]
pub struct AssessmentInput<'a> {
    pub case: &'a Case,
    pub facts: &'a AssessmentFacts,
    pub evidence: &'a [ItemStanding],
    /// Whether an analyst confirmed a sanctions list match for the person.
    pub confirmed_listing: bool,
    pub today: NaiveDate,
}

/// A case's assessment under one program.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub checklist: Checklist,
    pub risk: Score,
    pub urgency: Score,
    pub vulnerability: Score,
    pub evidence: Score,
    /// The evidence strength with its own reasons (which items count, what is disputed).
    pub evidence_strength: EvidenceStrength,
    pub priority: Priority,
    /// The program's objective for this case: the scores in use, weighted by the program.
    pub objective: u64,
}

impl Assessment {
    /// The four scores, in the order they are shown.
    pub fn scores(&self) -> [&Score; 4] {
        [
            &self.risk,
            &self.urgency,
            &self.vulnerability,
            &self.evidence,
        ]
    }

    /// Whether the case can be selected for the program: eligible and no flag blocks it.
    pub fn selectable(&self) -> bool {
        self.checklist.eligible() && !self.checklist.referral_blocked()
    }
}

/// Assesses a case under `program`.
pub fn assess(input: AssessmentInput<'_>, program: &Program) -> Assessment {
    let AssessmentInput {
        case,
        facts,
        evidence: items,
        confirmed_listing,
        today,
    } = input;
    let weights = &program.weights;
    let strength = evidence_strength(items, &case.claims);
    let with_override = |score: Score| {
        let kind = score.kind;
        score.with_override(facts.override_of(kind))
    };
    let risk = with_override(scores::risk_on_return(
        &case.russia_risk,
        facts,
        &weights.risk,
    ));
    let urgency = with_override(scores::urgency(
        &case.us_status,
        today,
        &weights.urgency,
        &program.priority,
    ));
    let vulnerability = with_override(scores::vulnerability(
        &case.person,
        facts,
        today,
        &weights.vulnerability,
    ));
    let evidence = with_override(scores::evidence(&strength));
    let objective = objective(
        &weights.objective,
        [&risk, &urgency, &vulnerability, &evidence],
    );
    let checklist = checklist::checklist(
        case,
        facts,
        ChecklistContext {
            program,
            evidence: items,
            strength: &strength,
            confirmed_listing,
        },
    );
    Assessment {
        checklist,
        risk,
        urgency,
        vulnerability,
        evidence,
        evidence_strength: strength,
        priority: priority(&case.us_status, today, &program.priority),
        objective,
    }
}

fn objective(
    weights: &policy::ObjectiveWeights,
    [risk, urgency, vulnerability, evidence]: [&Score; 4],
) -> u64 {
    let term = |weight: u32, score: &Score| u64::from(weight) * u64::from(score.value);
    term(weights.risk, risk)
        + term(weights.urgency, urgency)
        + term(weights.vulnerability, vulnerability)
        + term(weights.evidence, evidence)
}
