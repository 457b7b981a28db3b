//! The case state machine, checked against an independent statement of the rules.

use std::collections::{BTreeSet, VecDeque};

use corridor_core::{Stage, TransitionError};
use proptest::prelude::*;

use Stage::*;

const MAIN_PATH: [Stage; 9] = [
    Intake,
    Documenting,
    Verifying,
    Assessing,
    Prioritised,
    Referred,
    Accepted,
    Travel,
    Arrived,
];
const CLOSING: [Stage; 4] = [Withdrawn, Ineligible, Removed, LostContact];
const TERMINAL: [Stage; 3] = [Arrived, Withdrawn, Ineligible];

/// The rules as the brief states them, written independently of `Stage::allowed_next`.
fn spec_allows(from: Stage, to: Stage) -> bool {
    let position = |s: Stage| MAIN_PATH.iter().position(|m| *m == s);
    let forward = matches!((position(from), position(to)), (Some(a), Some(b)) if b == a + 1);
    let sent_back = matches!(
        (from, to),
        (Verifying, Documenting)
            | (Assessing, Documenting)
            | (Prioritised, Assessing)
            | (Referred, Prioritised)
    );
    let open = !TERMINAL.contains(&from) && !matches!(from, LostContact | Removed);
    let closing = open && CLOSING.contains(&to);
    let reopened = from == LostContact && to == Intake;
    // After removal the person is watched: lost when the check-ins stop, watched again once
    // reached.
    let after_removal = matches!((from, to), (Removed, LostContact) | (LostContact, Removed));
    forward || sent_back || closing || reopened || after_removal
}

fn any_stage() -> impl Strategy<Value = Stage> {
    prop::sample::select(Stage::ALL)
}

#[test]
fn table_matches_the_rules_for_every_pair() {
    for &from in Stage::ALL {
        for &to in Stage::ALL {
            assert_eq!(
                from.transition(to).is_ok(),
                spec_allows(from, to),
                "{from} -> {to}"
            );
            assert_eq!(from.allowed_next().contains(&to), spec_allows(from, to));
        }
    }
}

#[test]
fn is_closed_covers_arrived_and_the_four_closing_stages() {
    let closed: BTreeSet<Stage> = Stage::ALL
        .iter()
        .copied()
        .filter(|s| s.is_closed())
        .collect();
    let expected: BTreeSet<Stage> = [Arrived, Withdrawn, Ineligible, Removed, LostContact]
        .into_iter()
        .collect();
    assert_eq!(closed, expected);
}

/// Stages reachable from intake when `skip` is removed from the graph.
fn reachable_without(skip: Option<Stage>) -> BTreeSet<Stage> {
    let mut seen = BTreeSet::from([Intake]);
    let mut queue = VecDeque::from([Intake]);
    while let Some(stage) = queue.pop_front() {
        for &next in stage.allowed_next() {
            if Some(next) != skip && seen.insert(next) {
                queue.push_back(next);
            }
        }
    }
    seen
}

#[test]
fn every_stage_is_reachable_and_arrived_only_through_travel() {
    assert_eq!(reachable_without(None).len(), Stage::ALL.len());
    assert!(!reachable_without(Some(Travel)).contains(&Arrived));
    let into_arrived: Vec<Stage> = Stage::ALL
        .iter()
        .copied()
        .filter(|s| s.allowed_next().contains(&Arrived))
        .collect();
    assert_eq!(into_arrived, [Travel]);
}

#[test]
fn transition_error_names_both_stages() {
    let err = Referred.transition(Travel).unwrap_err();
    assert_eq!(
        err,
        TransitionError {
            from: Referred,
            to: Travel
        }
    );
    let message = err.to_string();
    assert!(
        message.contains("referred") && message.contains("travel"),
        "{message}"
    );
}

proptest! {
    #[test]
    fn random_walks_accept_exactly_the_table(
        start in any_stage(),
        targets in prop::collection::vec(any_stage(), 0..60),
    ) {
        let mut current = start;
        for to in targets {
            let result = current.transition(to);
            prop_assert_eq!(result.is_ok(), spec_allows(current, to), "{} -> {}", current, to);
            match result {
                Ok(next) => {
                    prop_assert_eq!(next, to);
                    prop_assert_ne!(next, current);
                    if next == Arrived {
                        prop_assert_eq!(current, Travel);
                    }
                    current = next;
                }
                Err(err) => prop_assert_eq!(err, TransitionError { from: current, to }),
            }
        }
    }

    #[test]
    fn terminal_stages_never_leave(
        start in prop::sample::select(&TERMINAL[..]),
        targets in prop::collection::vec(any_stage(), 1..30),
    ) {
        for to in targets {
            prop_assert!(start.transition(to).is_err());
        }
        prop_assert!(start.allowed_next().is_empty());
    }

    #[test]
    fn walks_from_intake_reach_arrived_only_via_travel(
        choices in prop::collection::vec(any::<prop::sample::Index>(), 0..80),
    ) {
        // Follow only allowed moves, picked at random; the case's history must show travel
        // right before arrival, and a closed terminal case must stay put.
        let mut stage = Intake;
        let mut history = vec![stage];
        for choice in choices {
            let next = stage.allowed_next();
            if next.is_empty() {
                prop_assert!(TERMINAL.contains(&stage));
                break;
            }
            stage = stage.transition(*choice.get(next)).unwrap();
            history.push(stage);
        }
        for pair in history.windows(2) {
            if pair[1] == Arrived {
                prop_assert_eq!(pair[0], Travel);
            }
        }
    }
}
