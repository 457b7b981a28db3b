//! Assessment and triage as use cases: a case assessed under its program (for the case page),
//! and a program's priority board: its open cases assessed, grouped into family units and
//! selected under the capacity the program has left.
//!
//! The capacity a program has left is its capacity less the persons of its cases already
//! referred, accepted, travelling or arrived: those places are spoken for.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use corridor_core::selection::Capacity;
use corridor_core::triage::{Board, Candidate, board};
use corridor_core::{
    Assessment, AssessmentInput, AuditAction, Case, CaseId, Permission, ProgramSlug, Stage, assess,
};
use corridor_store::{AlertFilter, CaseFilter, Page, StoredCase};

use crate::evidence::{Custodian, EvidenceView, standings_of};
use crate::sealing::open_case;
use crate::{AppError, Corridor, Result};

/// A program's priority board.
#[derive(Clone, PartialEq, Eq)]
pub struct TriageBoard {
    pub program: ProgramSlug,
    /// The program's capacity in persons, as its file says.
    pub program_capacity: u32,
    /// Persons of cases already referred, accepted, travelling or arrived.
    pub committed: u32,
    pub board: Board,
    /// The name to show for each case on the board.
    pub names: BTreeMap<CaseId, String>,
    /// Each case's assessment.
    pub assessments: BTreeMap<CaseId, Assessment>,
}

impl std::fmt::Debug for TriageBoard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TriageBoard")
            .field("program", &self.program)
            .field("program_capacity", &self.program_capacity)
            .field("committed", &self.committed)
            .field("units", &self.board.units.len())
            .finish_non_exhaustive()
    }
}

/// Stages whose cases hold a place in the program.
const COMMITTED: [Stage; 4] = [
    Stage::Referred,
    Stage::Accepted,
    Stage::Travel,
    Stage::Arrived,
];

impl Corridor {
    /// The assessment of `case` (already read by the caller, with its evidence and whether an
    /// analyst confirmed a sanctions match) under its program, on `today`.
    pub fn assess_case(
        &self,
        case: &Case,
        evidence: &[EvidenceView],
        confirmed_listing: bool,
        today: NaiveDate,
    ) -> Result<Assessment> {
        let program = self.program(&case.program)?;
        Ok(assess(
            AssessmentInput {
                case,
                facts: &case.assessment,
                evidence: &standings_of(evidence),
                confirmed_listing,
                today,
            },
            program,
        ))
    }

    /// The program with the most open cases (ties: the first by slug); `None` when no case
    /// is open.
    pub async fn busiest_program(&self) -> Result<Option<ProgramSlug>> {
        let rows = self
            .store
            .list_cases(&CaseFilter::default(), Page::ALL)
            .await?;
        let mut counts: BTreeMap<ProgramSlug, usize> = BTreeMap::new();
        for row in rows.iter().filter(|row| !row.columns.stage.is_closed()) {
            *counts.entry(row.columns.program.clone()).or_default() += 1;
        }
        let most = counts.values().copied().max();
        Ok(counts
            .into_iter()
            .find(|(_, count)| Some(*count) == most)
            .map(|(program, _)| program))
    }

    /// The priority board of `program` on `today`: for a user (needs `referral_manage`) the
    /// cases of their organisation, for the operator every case. `capacity` replaces what the
    /// program has left (a what-if). Audited as one listing, or as an export when `exported`
    /// (a CSV download).
    pub async fn triage_board(
        &self,
        by: Custodian<'_>,
        program: &ProgramSlug,
        capacity: Option<u32>,
        today: NaiveDate,
        exported: bool,
    ) -> Result<TriageBoard> {
        let action = if exported {
            AuditAction::Export
        } else {
            AuditAction::CaseListed
        };
        if let Custodian::User(who) = by {
            self.permit(who, Permission::ReferralManage, action).await?;
        }
        let policy = self.program(program)?;
        let filter = CaseFilter {
            program: Some(program.clone()),
            organisation: by.organisation(),
            ..CaseFilter::default()
        };
        let rows = self.store.list_cases(&filter, Page::ALL).await?;
        let confirmed: HashSet<CaseId> = self
            .store
            .screening_alerts(&AlertFilter {
                organisation: by.organisation(),
                status: Some(corridor_core::AlertStatus::Match),
                ..AlertFilter::default()
            })
            .await?
            .iter()
            .map(|alert| alert.case_id)
            .collect();

        let mut committed = 0u32;
        let mut cases = Vec::new();
        for row in rows {
            let stage = row.columns.stage;
            if stage.is_closed() && !COMMITTED.contains(&stage) {
                continue;
            }
            let Some(StoredCase::Live(record)) = self.store.case(row.columns.id).await? else {
                continue;
            };
            let case = open_case(&self.root, &record)?;
            if COMMITTED.contains(&stage) {
                committed = committed.saturating_add(case.assessment.persons.get());
                continue;
            }
            let evidence = self.evidence_views(&record).await?;
            cases.push((case, standings_of(&evidence)));
        }
        let assessments: BTreeMap<CaseId, Assessment> = cases
            .iter()
            .map(|(case, evidence)| {
                let assessment = assess(
                    AssessmentInput {
                        case,
                        facts: &case.assessment,
                        evidence,
                        confirmed_listing: confirmed.contains(&case.id),
                        today,
                    },
                    policy,
                );
                (case.id, assessment)
            })
            .collect();
        let candidates: Vec<Candidate<'_>> = cases
            .iter()
            .map(|(case, _)| Candidate {
                case: case.id,
                family_unit: case.assessment.family_unit,
                persons: case.assessment.persons.get(),
                assessment: &assessments[&case.id],
            })
            .collect();
        let left = capacity.unwrap_or_else(|| policy.capacity.saturating_sub(committed));
        let capacity = Capacity::new(left).map_err(|e| {
            AppError::Input(corridor_core::InputError {
                field: "capacity".to_owned(),
                reason: e.to_string(),
            })
        })?;
        let board = board(&candidates, capacity).map_err(|e| {
            AppError::Input(corridor_core::InputError {
                field: e.field().to_owned(),
                reason: e.to_string(),
            })
        })?;
        let names = cases
            .iter()
            .map(|(case, _)| (case.id, case.person.names.primary().text().to_owned()))
            .collect();
        self.audit(by.allowed(action).with_subject(program.to_string()))
            .await?;
        Ok(TriageBoard {
            program: program.clone(),
            program_capacity: policy.capacity,
            committed,
            board,
            names,
            assessments,
        })
    }
}

impl TriageBoard {
    /// The board as CSV, one row per case (a family's members share their unit's number):
    /// for a spreadsheet, so a cell that a spreadsheet would read as a formula is quoted as
    /// text.
    pub fn to_csv(&self) -> String {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        let header = [
            "unit",
            "selected",
            "priority",
            "days_left",
            "persons",
            "value",
            "case_id",
            "name",
            "why",
        ];
        // Writing to memory cannot fail.
        let _ = writer.write_record(header);
        for (number, unit) in self.board.units.iter().enumerate() {
            for case in &unit.cases {
                let name = self.names.get(case).map_or("", String::as_str);
                let _ = writer.write_record([
                    (number + 1).to_string(),
                    if unit.selected { "yes" } else { "no" }.to_owned(),
                    unit.priority.as_str().to_owned(),
                    unit.days_left.to_string(),
                    unit.persons.to_string(),
                    unit.value.to_string(),
                    case.to_string(),
                    spreadsheet_text(name),
                    unit.why.clone(),
                ]);
            }
        }
        String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

/// `text`, with a leading `'` if a spreadsheet would otherwise run it as a formula.
fn spreadsheet_text(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}
