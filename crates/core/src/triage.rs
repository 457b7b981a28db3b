//! Triage: the assessed cases of a program, grouped into family units, ordered by priority and
//! selected under the program's capacity (exactly: see [`selection`](crate::selection)), with
//! a reason for every case in or out.
//!
//! A family is never split: a unit whose member is not eligible, or is blocked by an
//! inadmissibility flag, is left out whole, and says which member and why.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::assessment::{Assessment, PriorityLevel};
use crate::ids::{CaseId, FamilyUnitId};
use crate::selection::{self, Capacity, Selection, SelectionError, Unit, Units};

/// One assessed case, as triage needs it.
#[derive(Clone, Copy, Debug)]
pub struct Candidate<'a> {
    pub case: CaseId,
    pub family_unit: Option<FamilyUnitId>,
    /// The people the case brings (the person and dependants without a case of their own).
    pub persons: u32,
    pub assessment: &'a Assessment,
}

/// Why a unit cannot be selected at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Exclusion {
    /// A member does not meet the program's requirements.
    NotEligible { case: CaseId },
    /// A member has an inadmissibility flag that no legal user has cleared.
    Blocked { case: CaseId },
}

/// A family unit on the board: its cases, persons, the program's objective for it (the sum of
/// its members'), its most pressing priority.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BoardUnit {
    pub cases: Vec<CaseId>,
    pub persons: u32,
    pub value: u64,
    pub priority: PriorityLevel,
    /// Days left to the most pressing member's deadline.
    pub days_left: i64,
    /// Whether the selection takes it.
    pub selected: bool,
    /// Why it is in or out, in words.
    pub why: String,
    /// Set when the unit could not be selected at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded: Option<Exclusion>,
}

/// The priority board of one program under one capacity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Board {
    pub capacity: u32,
    pub persons_selected: u32,
    pub total_value: u64,
    /// Every unit, most pressing first (priority level, then days left, then value).
    pub units: Vec<BoardUnit>,
}

impl Board {
    /// The selected units, in board order.
    pub fn selected(&self) -> impl Iterator<Item = &BoardUnit> {
        self.units.iter().filter(|u| u.selected)
    }
}

/// Groups `candidates` into family units, orders them, and selects under `capacity`.
pub fn board(candidates: &[Candidate<'_>], capacity: Capacity) -> Result<Board, SelectionError> {
    let mut units = group(candidates);
    units.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then(a.days_left.cmp(&b.days_left))
            .then(b.value.cmp(&a.value))
            .then(a.cases.cmp(&b.cases))
    });
    let (open, closed): (Vec<_>, Vec<_>) = units.into_iter().partition(|u| u.excluded.is_none());
    let chosen = select(&open, capacity)?;
    let mut board_units = Vec::with_capacity(open.len() + closed.len());
    for (index, mut unit) in open.into_iter().enumerate() {
        unit.selected = chosen.decisions[index].is_selected();
        unit.why = chosen.describe(index);
        board_units.push(unit);
    }
    board_units.extend(closed.into_iter().map(|mut unit| {
        unit.why = match unit.excluded {
            Some(Exclusion::NotEligible { .. }) if unit.cases.len() == 1 => {
                "Not selected: does not meet the program's requirements".to_owned()
            }
            Some(Exclusion::NotEligible { .. }) => {
                "Not selected: a member of the family does not meet the program's requirements, and a \
                 family is never split"
                    .to_owned()
            }
            Some(Exclusion::Blocked { .. }) if unit.cases.len() == 1 => {
                "Not selected: an inadmissibility flag awaits a legal review".to_owned()
            }
            Some(Exclusion::Blocked { .. }) => {
                "Not selected: a member of the family has an inadmissibility flag awaiting a legal \
                 review, and a family is never split"
                    .to_owned()
            }
            None => unreachable!("closed units are excluded"),
        };
        unit
    }));
    board_units.sort_by(|a, b| {
        b.selected
            .cmp(&a.selected)
            .then(b.priority.cmp(&a.priority))
            .then(a.days_left.cmp(&b.days_left))
            .then(b.value.cmp(&a.value))
            .then(a.cases.cmp(&b.cases))
    });
    Ok(Board {
        capacity: chosen.capacity,
        persons_selected: chosen.persons_selected,
        total_value: chosen.total_value,
        units: board_units,
    })
}

fn select(open: &[BoardUnit], capacity: Capacity) -> Result<Selection, SelectionError> {
    let units = Units::new(
        open.iter()
            .map(|u| Unit {
                persons: u.persons,
                value: u.value,
            })
            .collect(),
    )?;
    Ok(selection::select(&units, capacity))
}

/// One unit per family unit id, one per case without one; members in case id order.
fn group(candidates: &[Candidate<'_>]) -> Vec<BoardUnit> {
    let mut families: BTreeMap<FamilyUnitId, Vec<&Candidate<'_>>> = BTreeMap::new();
    let mut units = Vec::new();
    for candidate in candidates {
        match candidate.family_unit {
            Some(family) => families.entry(family).or_default().push(candidate),
            None => units.push(unit_of(&[candidate])),
        }
    }
    for mut members in families.into_values() {
        members.sort_by_key(|m| m.case);
        units.push(unit_of(&members));
    }
    units
}

fn unit_of(members: &[&Candidate<'_>]) -> BoardUnit {
    let most_pressing = members
        .iter()
        .map(|m| &m.assessment.priority)
        .max_by(|a, b| a.level.cmp(&b.level).then(b.days_left.cmp(&a.days_left)))
        .expect("a unit has members");
    let excluded = members.iter().find_map(|m| {
        let checklist = &m.assessment.checklist;
        if !checklist.eligible() {
            Some(Exclusion::NotEligible { case: m.case })
        } else if checklist.referral_blocked() {
            Some(Exclusion::Blocked { case: m.case })
        } else {
            None
        }
    });
    BoardUnit {
        cases: members.iter().map(|m| m.case).collect(),
        persons: members.iter().map(|m| m.persons).sum(),
        value: members.iter().map(|m| m.assessment.objective).sum(),
        priority: most_pressing.level,
        days_left: most_pressing.days_left,
        selected: false,
        why: String::new(),
        excluded,
    }
}
