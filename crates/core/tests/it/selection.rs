//! Selection under a program's capacity: exact (checked against every subset on small
//! instances and against an unfiltered DP on larger ones), families never split, every
//! decision's numbers right, ties broken as documented.

use corridor_core::selection::{
    Capacity, DecidedBy, Decision, MAX_CAPACITY, Outcome, Selection, SelectionError, Unit, Units,
    compare, select, what_if,
};
use proptest::prelude::*;

fn units(pairs: &[(u32, u64)]) -> Units {
    Units::new(
        pairs
            .iter()
            .map(|&(persons, value)| Unit { persons, value })
            .collect(),
    )
    .unwrap()
}

fn run(pairs: &[(u32, u64)], capacity: u32) -> Selection {
    select(&units(pairs), Capacity::new(capacity).unwrap())
}

fn outcome(value: u64, persons: u32) -> Outcome {
    Outcome { value, persons }
}

/// Every subset of up to ~16 units, as a bit mask (bit i = unit i).
struct Subsets<'a> {
    units: &'a [Unit],
    capacity: u32,
}

impl Subsets<'_> {
    fn outcome(&self, mask: u32) -> Outcome {
        let mut total = Outcome::default();
        for (i, unit) in self.units.iter().enumerate() {
            if mask & (1 << i) != 0 {
                total.value += unit.value;
                total.persons += unit.persons;
            }
        }
        total
    }

    fn feasible(&self) -> impl Iterator<Item = (u32, Outcome)> + '_ {
        (0..1u32 << self.units.len())
            .map(|mask| (mask, self.outcome(mask)))
            .filter(|(_, o)| o.persons <= self.capacity)
    }

    /// The best subset under the documented order: value, then persons, then the subset that
    /// takes the earliest unit where the two differ.
    fn best(&self) -> u32 {
        self.feasible()
            .max_by(|(a, oa), (b, ob)| {
                oa.cmp(ob).then_with(|| {
                    let lowest = (a ^ b) & (a ^ b).wrapping_neg();
                    // The subset holding the earliest differing unit is the greater.
                    (a & lowest != 0).cmp(&(b & lowest != 0))
                })
            })
            .map(|(mask, _)| mask)
            .unwrap()
    }

    fn best_where(&self, keep: impl Fn(u32) -> bool) -> Option<Outcome> {
        self.feasible()
            .filter(|&(mask, _)| keep(mask))
            .map(|(_, o)| o)
            .max()
    }
}

/// The optimum by a plain DP over every unit, with no filtering.
fn reference(units: &[Unit], capacity: u32, skip: Option<usize>) -> Outcome {
    let mut row = vec![Outcome::default(); capacity as usize + 1];
    for (i, unit) in units.iter().enumerate() {
        if Some(i) == skip {
            continue;
        }
        let w = unit.persons as usize;
        for c in (w..row.len()).rev() {
            let with = Outcome {
                value: row[c - w].value + unit.value,
                persons: row[c - w].persons + unit.persons,
            };
            row[c] = row[c].max(with);
        }
    }
    row[capacity as usize]
}

fn unit_list(
    max_units: usize,
    max_persons: u32,
    max_value: u64,
) -> impl Strategy<Value = Vec<Unit>> {
    prop::collection::vec(
        (1..=max_persons, 0..=max_value).prop_map(|(persons, value)| Unit { persons, value }),
        0..=max_units,
    )
}

/// The invariants any selection keeps, and the decisions that need no optimisation to check.
fn check_shape(units: &[Unit], capacity: u32, s: &Selection) -> Result<(), TestCaseError> {
    prop_assert_eq!(s.capacity, capacity);
    prop_assert_eq!(s.decisions.len(), units.len());
    prop_assert!(s.selected.windows(2).all(|w| w[0] < w[1]));
    // A family is in whole or not at all: the persons counted are exactly the chosen units'.
    let persons: u32 = s.selected.iter().map(|&i| units[i].persons).sum();
    let value: u64 = s.selected.iter().map(|&i| units[i].value).sum();
    prop_assert_eq!(s.persons_selected, persons);
    prop_assert_eq!(s.total_value, value);
    prop_assert!(s.persons_selected <= capacity);
    for (i, decision) in s.decisions.iter().enumerate() {
        prop_assert_eq!(decision.is_selected(), s.selected.contains(&i));
        let unit = units[i];
        match *decision {
            Decision::TooLarge {
                persons,
                capacity: c,
            } => {
                prop_assert_eq!((persons, c), (unit.persons, capacity));
                prop_assert!(persons > capacity);
            }
            Decision::OutRankedBySameSize {
                persons,
                same_size_better,
                fit,
            } => {
                prop_assert_eq!(persons, unit.persons);
                prop_assert_eq!(fit, capacity / persons);
                let better = units
                    .iter()
                    .enumerate()
                    .filter(|&(j, u)| {
                        u.persons == persons
                            && (u.value > unit.value || (u.value == unit.value && j < i))
                    })
                    .count();
                prop_assert_eq!(same_size_better, better);
                prop_assert!(same_size_better >= fit as usize);
            }
            Decision::Selected { .. } | Decision::Displaced { .. } => {
                prop_assert!(unit.persons <= capacity);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn small_instances_match_every_subset(
        units in unit_list(12, 8, 20),
        capacity in 0u32..=30,
    ) {
        let s = select(&Units::new(units.clone()).unwrap(), Capacity::new(capacity).unwrap());
        check_shape(&units, capacity, &s)?;
        let subsets = Subsets { units: &units, capacity };
        let best = subsets.best();
        let chosen: Vec<usize> = (0..units.len()).filter(|i| best & (1 << i) != 0).collect();
        // The very subset the documented tie-breaks pick, not just one of equal value.
        prop_assert_eq!(&s.selected, &chosen);
        prop_assert_eq!(s.outcome(), subsets.outcome(best));

        for (i, decision) in s.decisions.iter().enumerate() {
            let bit = 1u32 << i;
            match *decision {
                Decision::Selected { without_it, decided_by } => {
                    let expected = subsets.best_where(|mask| mask & bit == 0).unwrap();
                    prop_assert_eq!(without_it, expected, "unit {}", i);
                    prop_assert_eq!(decided_by, decided(s.outcome(), expected));
                }
                Decision::Displaced { best_with_it, decided_by } => {
                    let expected = subsets.best_where(|mask| mask & bit != 0).unwrap();
                    prop_assert_eq!(best_with_it, expected, "unit {}", i);
                    prop_assert_eq!(decided_by, decided(s.outcome(), expected));
                }
                Decision::TooLarge { .. } | Decision::OutRankedBySameSize { .. } => {}
            }
            prop_assert!(!s.describe(i).is_empty());
        }
    }

    /// Many units of few sizes and values, so the same-size filter removes most of them.
    #[test]
    fn larger_instances_match_an_unfiltered_dp(
        units in unit_list(80, 5, 6),
        capacity in 0u32..=40,
    ) {
        let s = select(&Units::new(units.clone()).unwrap(), Capacity::new(capacity).unwrap());
        check_shape(&units, capacity, &s)?;
        prop_assert_eq!(s.outcome(), reference(&units, capacity, None));
        for (i, decision) in s.decisions.iter().enumerate() {
            match *decision {
                Decision::Selected { without_it, .. } => {
                    prop_assert_eq!(without_it, reference(&units, capacity, Some(i)), "unit {}", i);
                }
                Decision::Displaced { best_with_it, .. } => {
                    let w = units[i].persons;
                    let rest = reference(&units, capacity - w, Some(i));
                    let expected = outcome(rest.value + units[i].value, rest.persons + w);
                    prop_assert_eq!(best_with_it, expected, "unit {}", i);
                }
                Decision::TooLarge { .. } | Decision::OutRankedBySameSize { .. } => {}
            }
        }
    }

    #[test]
    fn what_if_agrees_with_two_selections(
        units in unit_list(40, 6, 30),
        from in 0u32..=40,
        to in 0u32..=40,
    ) {
        let units = Units::new(units).unwrap();
        let (from, to) = (Capacity::new(from).unwrap(), Capacity::new(to).unwrap());
        let before = select(&units, from);
        let after = select(&units, to);
        let change = what_if(&units, from, to);
        prop_assert_eq!(&change, &compare(&before, &after));
        prop_assert_eq!((change.from_capacity, change.to_capacity), (from.get(), to.get()));
        prop_assert_eq!((change.before, change.after), (before.outcome(), after.outcome()));
        let entering: Vec<usize> = after
            .selected
            .iter()
            .copied()
            .filter(|i| !before.selected.contains(i))
            .collect();
        let leaving: Vec<usize> = before
            .selected
            .iter()
            .copied()
            .filter(|i| !after.selected.contains(i))
            .collect();
        prop_assert_eq!(&change.entering, &entering);
        prop_assert_eq!(&change.leaving, &leaving);
    }
}

fn decided(chosen: Outcome, other: Outcome) -> DecidedBy {
    if other.value < chosen.value {
        DecidedBy::Value
    } else if other.persons < chosen.persons {
        DecidedBy::Persons
    } else {
        DecidedBy::PriorityOrder
    }
}

#[test]
fn exact_beats_greedy_by_value_and_by_value_per_person() {
    // Greedy by value or by value per person takes the family of four (50, 12.5 a person),
    // and then neither family of three fits: 50. The two families of three are worth 60.
    let s = run(&[(4, 50), (3, 30), (3, 30)], 6);
    assert_eq!(s.selected, vec![1, 2]);
    assert_eq!(s.outcome(), outcome(60, 6));
    assert_eq!(
        s.decisions[0],
        Decision::Displaced {
            best_with_it: outcome(50, 4),
            decided_by: DecidedBy::Value
        }
    );
    assert_eq!(
        s.decisions[1],
        Decision::Selected {
            without_it: outcome(50, 4),
            decided_by: DecidedBy::Value
        }
    );
    assert_eq!(
        s.describe(1),
        "Selected: without this family the best selection would be worth 50 instead of 60, 10 \
         less."
    );
    assert_eq!(
        s.describe(0),
        "Not selected: the best selection that includes this family is worth 50, 10 less than \
         the chosen selection's 60."
    );
}

#[test]
fn exact_beats_greedy_by_value_per_person() {
    // One person worth 11 has the best ratio, but then the family of ten no longer fits.
    let s = run(&[(1, 11), (10, 100)], 10);
    assert_eq!(s.selected, vec![1]);
    assert_eq!(s.outcome(), outcome(100, 10));
}

#[test]
fn a_family_larger_than_the_capacity_is_out_whatever_its_value() {
    let s = run(&[(7, 1_000), (2, 1)], 6);
    assert_eq!(s.selected, vec![1]);
    assert_eq!(
        s.decisions[0],
        Decision::TooLarge {
            persons: 7,
            capacity: 6
        }
    );
    assert_eq!(
        s.describe(0),
        "Not selected: the family has 7 persons, more than the capacity of 6 persons."
    );
}

#[test]
fn capacity_zero_takes_nobody() {
    let s = run(&[(1, 5), (3, 9)], 0);
    assert!(s.selected.is_empty());
    assert_eq!(s.outcome(), Outcome::default());
    assert!(
        s.decisions
            .iter()
            .all(|d| matches!(d, Decision::TooLarge { capacity: 0, .. }))
    );
}

#[test]
fn no_units_select_nothing() {
    let s = run(&[], 1_000);
    assert_eq!(s.capacity, 1_000);
    assert!(s.selected.is_empty() && s.decisions.is_empty());
    assert_eq!(s.outcome(), Outcome::default());
}

#[test]
fn equal_value_goes_to_the_selection_helping_more_persons() {
    let s = run(&[(2, 10), (4, 10)], 4);
    assert_eq!(s.selected, vec![1]);
    assert_eq!(
        s.decisions[0],
        Decision::Displaced {
            best_with_it: outcome(10, 2),
            decided_by: DecidedBy::Persons
        }
    );
    assert_eq!(
        s.describe(0),
        "Not selected: a selection including this family could be worth as much (10) but would \
         help 2 persons instead of 4 persons."
    );
}

#[test]
fn a_family_of_no_value_is_taken_when_there_is_room() {
    let s = run(&[(2, 10), (3, 0)], 5);
    assert_eq!(s.selected, vec![0, 1]);
    assert_eq!(
        s.decisions[1],
        Decision::Selected {
            without_it: outcome(10, 2),
            decided_by: DecidedBy::Persons
        }
    );
}

#[test]
fn equal_value_and_persons_go_to_the_earlier_units() {
    // {0, 1} and {2} are both worth 10 and take 3 persons; unit 0 comes first.
    let s = run(&[(1, 5), (2, 5), (3, 10)], 3);
    assert_eq!(s.selected, vec![0, 1]);
    for i in [0, 1] {
        assert_eq!(
            s.decisions[i],
            Decision::Selected {
                without_it: outcome(10, 3),
                decided_by: DecidedBy::PriorityOrder
            }
        );
    }
    assert_eq!(
        s.decisions[2],
        Decision::Displaced {
            best_with_it: outcome(10, 3),
            decided_by: DecidedBy::PriorityOrder
        }
    );
    // The same with the order reversed picks the family of three.
    let s = run(&[(3, 10), (2, 5), (1, 5)], 3);
    assert_eq!(s.selected, vec![0]);
}

#[test]
fn among_equal_families_of_one_size_the_earlier_are_taken() {
    let s = run(&[(2, 7), (2, 9), (2, 7), (2, 7)], 4);
    assert_eq!(s.selected, vec![0, 1]);
    for i in [2, 3] {
        assert_eq!(
            s.decisions[i],
            Decision::OutRankedBySameSize {
                persons: 2,
                same_size_better: i,
                fit: 2
            }
        );
    }
    assert_eq!(
        s.describe(3),
        "Not selected: 3 other families of 2 persons rank above it (greater value, or equal \
         value and earlier in the priority order), and at most 2 families of that size fit the \
         capacity."
    );
}

#[test]
fn more_capacity_can_swap_two_small_families_for_a_larger_one() {
    let units = units(&[(2, 6), (2, 6), (5, 20)]);
    let change = what_if(&units, Capacity::new(4).unwrap(), Capacity::new(5).unwrap());
    assert_eq!(change.entering, vec![2]);
    assert_eq!(change.leaving, vec![0, 1]);
    assert_eq!(
        (change.before, change.after),
        (outcome(12, 4), outcome(20, 5))
    );
}

#[test]
fn bad_input_is_refused_naming_the_field_and_unit() {
    let e = Units::new(vec![
        Unit {
            persons: 1,
            value: 1,
        },
        Unit {
            persons: 0,
            value: 1,
        },
    ])
    .unwrap_err();
    assert_eq!(e, SelectionError::NoPersons { index: 1 });
    assert_eq!((e.field(), e.index()), ("persons", Some(1)));
    assert_eq!(e.to_string(), "units[1].persons must be at least 1");

    let e = Units::new(vec![
        Unit {
            persons: 1,
            value: u64::MAX,
        },
        Unit {
            persons: 2,
            value: 1,
        },
    ])
    .unwrap_err();
    assert_eq!(e, SelectionError::ValueOverflow { index: 1 });
    assert_eq!((e.field(), e.index()), ("value", Some(1)));
    assert!(e.to_string().starts_with("units[1].value "));

    let e = Capacity::new(MAX_CAPACITY + 1).unwrap_err();
    assert_eq!((e.field(), e.index()), ("capacity", None));
    assert!(e.to_string().starts_with("capacity must be at most"));
    assert!(Capacity::new(MAX_CAPACITY).is_ok());
}

#[test]
fn values_up_to_the_sum_limit_do_not_overflow() {
    let half = u64::MAX / 2;
    let s = run(&[(1, half), (1, half), (1, 1)], 3);
    assert_eq!(s.total_value, 2 * half + 1);
    assert_eq!(s.persons_selected, 3);
}
