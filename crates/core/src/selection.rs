//! Choosing which family units a program's capacity takes: exactly, not greedily.
//!
//! A program takes a number of persons. Cases come in family units that are never split, each
//! with a value (the program's objective for it, an integer computed by the caller). [`select`]
//! finds the units of greatest total value whose persons fit the capacity: a 0/1 knapsack,
//! solved exactly, because a greedy choice (by value, or by value per person) can leave a
//! family out for no reason a caseworker could defend.
//!
//! The choice is deterministic. Among selections of equal value the one helping more persons
//! wins; among those, the one taking the earliest unit in the caller's order where they differ
//! (so the caller's priority order decides the last ties, and a unit of no value is still taken
//! when there is room for it).
//!
//! Every unit gets a [`Decision`] saying why it is in or out, with the numbers behind it: for a
//! unit that was weighed against the others, the best selection without it (if chosen) or with
//! it (if not). [`Selection::describe`] words a decision for a caseworker, and [`what_if`] and
//! [`compare`] show which units another capacity brings in and which it leaves out.

use std::cmp::Reverse;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

/// The largest capacity accepted, in persons. The work grows with the square of the capacity
/// (roughly capacity × capacity × the number of distinct family sizes); programs take hundreds
/// to a few thousand persons at a time.
pub const MAX_CAPACITY: u32 = 10_000;

/// Why the input to a selection was refused. Names the field and, for a unit, its index.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    #[error("units[{index}].persons must be at least 1")]
    NoPersons { index: usize },
    #[error("units[{index}].value brings the sum of all values above {}", u64::MAX)]
    ValueOverflow { index: usize },
    #[error("capacity must be at most {MAX_CAPACITY} persons, not {capacity}")]
    CapacityTooLarge { capacity: u32 },
}

impl SelectionError {
    /// The field refused: `persons`, `value` or `capacity`.
    pub fn field(&self) -> &'static str {
        match self {
            SelectionError::NoPersons { .. } => "persons",
            SelectionError::ValueOverflow { .. } => "value",
            SelectionError::CapacityTooLarge { .. } => "capacity",
        }
    }

    /// The index of the unit refused, if the error is about a unit.
    pub fn index(&self) -> Option<usize> {
        match self {
            SelectionError::NoPersons { index } | SelectionError::ValueOverflow { index } => {
                Some(*index)
            }
            SelectionError::CapacityTooLarge { .. } => None,
        }
    }
}

/// A family unit: taken whole or not at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// How many persons the unit brings; at least 1.
    pub persons: u32,
    /// What taking the unit is worth to the program's objective.
    pub value: u64,
}

/// Units in the caller's priority order (a unit's index is its identity), every unit with at
/// least one person and the sum of all values within a `u64`, so no total can overflow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Units(Vec<Unit>);

impl Units {
    pub fn new(units: Vec<Unit>) -> Result<Units, SelectionError> {
        let mut sum: u64 = 0;
        for (index, unit) in units.iter().enumerate() {
            if unit.persons == 0 {
                return Err(SelectionError::NoPersons { index });
            }
            sum = sum
                .checked_add(unit.value)
                .ok_or(SelectionError::ValueOverflow { index })?;
        }
        Ok(Units(units))
    }

    pub fn as_slice(&self) -> &[Unit] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl TryFrom<Vec<Unit>> for Units {
    type Error = SelectionError;

    fn try_from(units: Vec<Unit>) -> Result<Self, Self::Error> {
        Units::new(units)
    }
}

/// A program's capacity in persons, at most [`MAX_CAPACITY`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Capacity(u32);

impl Capacity {
    pub fn new(persons: u32) -> Result<Capacity, SelectionError> {
        if persons > MAX_CAPACITY {
            return Err(SelectionError::CapacityTooLarge { capacity: persons });
        }
        Ok(Capacity(persons))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Capacity {
    type Error = SelectionError;

    fn try_from(persons: u32) -> Result<Self, Self::Error> {
        Capacity::new(persons)
    }
}

impl From<Capacity> for u32 {
    fn from(capacity: Capacity) -> u32 {
        capacity.0
    }
}

/// What a selection achieves. Ordered as selections are compared: value first, then persons.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Outcome {
    pub value: u64,
    pub persons: u32,
}

/// Which rule separated the chosen selection from the best one that decided otherwise about a
/// unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecidedBy {
    /// The chosen selection is worth more.
    Value,
    /// Equal value; the chosen selection helps more persons.
    Persons,
    /// Equal value and persons; the chosen selection takes a unit earlier in the priority order.
    PriorityOrder,
}

impl DecidedBy {
    fn between(chosen: Outcome, other: Outcome) -> DecidedBy {
        if other.value < chosen.value {
            DecidedBy::Value
        } else if other.persons < chosen.persons {
            DecidedBy::Persons
        } else {
            DecidedBy::PriorityOrder
        }
    }
}

/// Why a unit is in or out of a selection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Decision {
    /// Chosen. `without_it` is the best selection that leaves it out; `decided_by` says what
    /// the chosen selection beats it on.
    Selected {
        without_it: Outcome,
        decided_by: DecidedBy,
    },
    /// Out: the unit alone has more persons than the capacity.
    TooLarge { persons: u32, capacity: u32 },
    /// Out: `same_size_better` units of the same size rank above it (greater value, or equal
    /// value and earlier), and only `fit` units of that size fit the capacity, so a selection
    /// taking it could always swap it for one of them and be no worse.
    OutRankedBySameSize {
        persons: u32,
        same_size_better: usize,
        fit: u32,
    },
    /// Out: `best_with_it` is the best selection that includes it; `decided_by` says what the
    /// chosen selection beats it on.
    Displaced {
        best_with_it: Outcome,
        decided_by: DecidedBy,
    },
}

impl Decision {
    pub fn is_selected(&self) -> bool {
        matches!(self, Decision::Selected { .. })
    }
}

/// The chosen units under one capacity, and a decision for every unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Selection {
    pub capacity: u32,
    pub persons_selected: u32,
    pub total_value: u64,
    /// Indices of the chosen units, ascending.
    pub selected: Vec<usize>,
    /// One per unit, in input order.
    pub decisions: Vec<Decision>,
}

impl Selection {
    pub fn outcome(&self) -> Outcome {
        Outcome {
            value: self.total_value,
            persons: self.persons_selected,
        }
    }

    /// A plain English sentence for a caseworker saying why unit `index` is in or out.
    ///
    /// # Panics
    /// If `index` is not a unit of this selection.
    pub fn describe(&self, index: usize) -> String {
        let chosen = self.outcome();
        let mut s = String::new();
        // Writing to a String cannot fail.
        let _ = match self.decisions[index] {
            Decision::Selected {
                without_it,
                decided_by: DecidedBy::Value,
            } => write!(
                s,
                "Selected: without this family the best selection would be worth {} instead \
                 of {}, {} less.",
                without_it.value,
                chosen.value,
                chosen.value - without_it.value
            ),
            Decision::Selected {
                without_it,
                decided_by: DecidedBy::Persons,
            } => write!(
                s,
                "Selected: a selection without this family could be worth as much ({}) but \
                 would help {} instead of {}.",
                chosen.value,
                persons(without_it.persons),
                persons(chosen.persons)
            ),
            Decision::Selected {
                decided_by: DecidedBy::PriorityOrder,
                ..
            } => write!(
                s,
                "Selected: a selection without this family would be worth as much ({}) and help \
                 as many ({}); the tie went to the families earlier in the priority order.",
                chosen.value,
                persons(chosen.persons)
            ),
            Decision::TooLarge {
                persons: p,
                capacity,
            } => write!(
                s,
                "Not selected: the family has {}, more than the capacity of {}.",
                persons(p),
                persons(capacity)
            ),
            Decision::OutRankedBySameSize {
                persons: p,
                same_size_better,
                fit,
            } => write!(
                s,
                "Not selected: {same_size_better} other families of {} rank above it (greater \
                 value, or equal value and earlier in the priority order), and at most {fit} \
                 families of that size fit the capacity.",
                persons(p)
            ),
            Decision::Displaced {
                best_with_it,
                decided_by: DecidedBy::Value,
            } => write!(
                s,
                "Not selected: the best selection that includes this family is worth {}, {} \
                 less than the chosen selection's {}.",
                best_with_it.value,
                chosen.value - best_with_it.value,
                chosen.value
            ),
            Decision::Displaced {
                best_with_it,
                decided_by: DecidedBy::Persons,
            } => write!(
                s,
                "Not selected: a selection including this family could be worth as much ({}) \
                 but would help {} instead of {}.",
                chosen.value,
                persons(best_with_it.persons),
                persons(chosen.persons)
            ),
            Decision::Displaced {
                decided_by: DecidedBy::PriorityOrder,
                ..
            } => write!(
                s,
                "Not selected: a selection including this family would be worth as much ({}) \
                 and help as many ({}); the tie went to families earlier in the priority order.",
                chosen.value,
                persons(chosen.persons)
            ),
        };
        s
    }
}

fn persons(n: u32) -> String {
    if n == 1 {
        "1 person".to_owned()
    } else {
        format!("{n} persons")
    }
}

/// Which units another capacity (or another selection) brings in and which it leaves out.
/// Growing the capacity can leave units out: a larger family may take the place of two smaller
/// ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WhatIf {
    pub from_capacity: u32,
    pub to_capacity: u32,
    pub before: Outcome,
    pub after: Outcome,
    /// Chosen after but not before, ascending.
    pub entering: Vec<usize>,
    /// Chosen before but not after, ascending.
    pub leaving: Vec<usize>,
}

/// The difference between two selections of the same units.
pub fn compare(before: &Selection, after: &Selection) -> WhatIf {
    let (entering, leaving) = differences(&before.selected, &after.selected);
    WhatIf {
        from_capacity: before.capacity,
        to_capacity: after.capacity,
        before: before.outcome(),
        after: after.outcome(),
        entering,
        leaving,
    }
}

/// What changes if the capacity goes from `from` to `to`.
pub fn what_if(units: &Units, from: Capacity, to: Capacity) -> WhatIf {
    compare(&select(units, from), &select(units, to))
}

/// Merges two ascending index lists into (only in `after`, only in `before`).
fn differences(before: &[usize], after: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let (mut entering, mut leaving) = (Vec::new(), Vec::new());
    let (mut b, mut a) = (before.iter().peekable(), after.iter().peekable());
    loop {
        match (b.peek(), a.peek()) {
            (Some(&&x), Some(&&y)) if x == y => {
                b.next();
                a.next();
            }
            (Some(&&x), Some(&&y)) if x < y => {
                leaving.push(x);
                b.next();
            }
            (_, Some(&&y)) => {
                entering.push(y);
                a.next();
            }
            (Some(&&x), None) => {
                leaving.push(x);
                b.next();
            }
            (None, None) => break,
        }
    }
    (entering, leaving)
}

/// A DP cell: the best (value, persons) packed as `value << 32 | persons`, so one integer
/// comparison orders selections by value, then persons. Sums never carry between the halves:
/// persons stay within the capacity and values within the (validated) sum of all values.
type Cell = u128;

fn pack(value: u64, persons: u32) -> Cell {
    (Cell::from(value) << 32) | Cell::from(persons)
}

fn unpack(cell: Cell) -> Outcome {
    Outcome {
        value: (cell >> 32) as u64,
        persons: cell as u32,
    }
}

/// Chooses the units of greatest total value whose persons fit `capacity`, with the tie-breaks
/// of the module documentation, and explains every decision.
///
/// Only the best few units of each size are weighed: among units of the same size `w`, an
/// optimal selection can always use the best-ranked ones (if it took a unit and left out a
/// better-ranked one of the same size, swapping them keeps it within capacity and makes it
/// worth more, or equal and preferred by the priority order), and at most `capacity / w` of
/// them fit. So the chosen selection lies among the top `capacity / w` of each size, about
/// `capacity × H(largest size)` units in all, whatever the number of units. One more per size
/// is kept as a candidate so that the best selection *without* any one of the top units is
/// still exact (it may use the next one down).
///
/// The candidates then go through a DP over persons: a suffix table (best over candidates
/// `i..` within each capacity) and a prefix row (best over candidates `..i`), so the best
/// selection forced to include or exclude candidate `i` is the best split of the capacity
/// between its prefix and suffix: O(candidates × capacity) for all of them, not one solve per
/// unit. The suffix table is kept as checkpoints every √candidates rows and each block
/// recomputed when the forward sweep reaches it, so memory is O(√candidates × capacity).
pub fn select(units: &Units, capacity: Capacity) -> Selection {
    let units = units.as_slice();
    let cap = capacity.get() as usize;

    let (mut decisions, candidates) = rank_by_size(units, cap);
    let mut selected = Vec::new();
    // (unit, taken, the best selection deciding otherwise about it)
    let mut weighed: Vec<(usize, bool, Outcome)> = Vec::new();

    let m = candidates.len();
    let width = cap + 1;
    let block = m.isqrt().max(1);
    let blocks = m.div_ceil(block);

    let checkpoints = suffix_checkpoints(&candidates, block, width);

    // The forward sweep: `prefix` is the best over the candidates before `i`, `after` the
    // suffix after it, `remaining` the capacity the choices so far leave.
    let mut prefix = vec![0 as Cell; width];
    let mut buffer = vec![0 as Cell; block.min(m) * width];
    let mut remaining = cap;
    for k in 0..blocks {
        let start = k * block;
        let end = (start + block).min(m);
        let len = end - start;
        // Row j of the buffer is the suffix from candidate start + 1 + j on.
        buffer[(len - 1) * width..len * width]
            .copy_from_slice(&checkpoints[k * width..(k + 1) * width]);
        for j in (1..len).rev() {
            let (lower, upper) = buffer.split_at_mut(j * width);
            suffix_step(
                &upper[..width],
                &candidates[start + j],
                &mut lower[(j - 1) * width..],
            );
        }
        for i in start..end {
            let after = &buffer[(i - start) * width..(i - start + 1) * width];
            let candidate = &candidates[i];
            let w = candidate.persons;
            // Taking it when that ties prefers the earlier unit, as the priority order asks.
            let take = w <= remaining && after[remaining - w] + candidate.cell >= after[remaining];
            if take {
                remaining -= w;
                selected.push(candidate.index);
            }
            if decisions[candidate.index].is_none() {
                let other = if take {
                    best_split(&prefix, after, cap)
                } else {
                    candidate.cell + best_split(&prefix, after, cap - w)
                };
                weighed.push((candidate.index, take, unpack(other)));
            } else {
                debug_assert!(!take, "an out-ranked unit is never chosen");
            }
            prefix_step(&mut prefix, candidate);
        }
    }

    let chosen = selected
        .iter()
        .fold(Outcome::default(), |total, &i| Outcome {
            value: total.value + units[i].value,
            persons: total.persons + units[i].persons,
        });
    for (index, taken, other) in weighed {
        let decided_by = DecidedBy::between(chosen, other);
        decisions[index] = Some(if taken {
            Decision::Selected {
                without_it: other,
                decided_by,
            }
        } else {
            Decision::Displaced {
                best_with_it: other,
                decided_by,
            }
        });
    }
    Selection {
        capacity: capacity.get(),
        persons_selected: chosen.persons,
        total_value: chosen.value,
        selected,
        decisions: decisions
            .into_iter()
            .map(|d| d.expect("every unit is decided"))
            .collect(),
    }
}

struct Candidate {
    index: usize,
    persons: usize,
    cell: Cell,
}

/// Ranks the units of each size (value descending, then input order) and decides those that
/// cannot be chosen: too large, or ranked below the `capacity / size` that fit. Returns the
/// decisions so far and the candidates (the top `capacity / size + 1` of each size) in input
/// order.
fn rank_by_size(units: &[Unit], cap: usize) -> (Vec<Option<Decision>>, Vec<Candidate>) {
    let mut decisions = vec![None; units.len()];
    let mut by_size: Vec<Vec<usize>> = vec![Vec::new(); cap + 1];
    for (index, unit) in units.iter().enumerate() {
        let persons = unit.persons as usize;
        if persons > cap {
            decisions[index] = Some(Decision::TooLarge {
                persons: unit.persons,
                capacity: cap as u32,
            });
        } else {
            by_size[persons].push(index);
        }
    }
    let mut candidates = Vec::new();
    for (persons, indices) in by_size.iter_mut().enumerate().skip(1) {
        indices.sort_unstable_by_key(|&i| (Reverse(units[i].value), i));
        let fit = cap / persons;
        for (rank, &index) in indices.iter().enumerate() {
            if rank <= fit {
                candidates.push(Candidate {
                    index,
                    persons,
                    cell: pack(units[index].value, units[index].persons),
                });
            }
            if rank >= fit {
                decisions[index] = Some(Decision::OutRankedBySameSize {
                    persons: persons as u32,
                    same_size_better: rank,
                    fit: fit as u32,
                });
            }
        }
    }
    candidates.sort_unstable_by_key(|c| c.index);
    (decisions, candidates)
}

/// The suffix rows the forward sweep starts each block from: row `k` is the best over the
/// candidates from min((k + 1) × block, candidates) on, for every capacity; the last block's
/// is the empty suffix, all zeros.
fn suffix_checkpoints(candidates: &[Candidate], block: usize, width: usize) -> Vec<Cell> {
    let m = candidates.len();
    let mut checkpoints = vec![0 as Cell; m.div_ceil(block) * width];
    let mut row = vec![0 as Cell; width];
    let mut next = vec![0 as Cell; width];
    for j in (block..m).rev() {
        suffix_step(&row, &candidates[j], &mut next);
        std::mem::swap(&mut row, &mut next);
        if j % block == 0 {
            let k = j / block - 1;
            checkpoints[k * width..(k + 1) * width].copy_from_slice(&row);
        }
    }
    checkpoints
}

/// `out` = the best over `candidate` and the suffix `next`, for every capacity.
fn suffix_step(next: &[Cell], candidate: &Candidate, out: &mut [Cell]) {
    let w = candidate.persons;
    let key = candidate.cell;
    let width = next.len();
    out[..w].copy_from_slice(&next[..w]);
    for ((o, &skip), &rest) in out[w..width]
        .iter_mut()
        .zip(&next[w..])
        .zip(&next[..width - w])
    {
        *o = skip.max(rest + key);
    }
}

/// Adds `candidate` to the prefix row, in place (capacities descending, so it is used once).
fn prefix_step(row: &mut [Cell], candidate: &Candidate) {
    let w = candidate.persons;
    let key = candidate.cell;
    for c in (w..row.len()).rev() {
        let with = row[c - w] + key;
        if with > row[c] {
            row[c] = with;
        }
    }
}

/// The best selection splitting `budget` persons between a prefix and a suffix.
fn best_split(prefix: &[Cell], suffix: &[Cell], budget: usize) -> Cell {
    prefix[..=budget]
        .iter()
        .zip(suffix[..=budget].iter().rev())
        .map(|(p, s)| p + s)
        .max()
        .unwrap_or(0)
}
