//! Removal watch rules over a simulated calendar: each day of a month is "today" in turn.

use chrono::{DateTime, NaiveDate, Utc};
use corridor_core::watch::{AlertLevel, WatchRule, WatchWindows, alerts_for};
use corridor_core::{
    Case, CaseId, Hearing, HearingKind, NameKind, NameSet, OrgId, Person, PersonName,
    ProceedingsStage, Stage, Stay, StayKind,
};

fn start() -> NaiveDate {
    "2026-12-01".parse().unwrap()
}

fn day(n: i64) -> NaiveDate {
    start() + chrono::Duration::days(n)
}

fn case() -> Case {
    let name = PersonName::new("Synthetic Watched", NameKind::Passport).unwrap();
    let at = DateTime::<Utc>::from_timestamp(1_790_000_000, 0).unwrap();
    Case::new(
        CaseId::random(),
        OrgId::random(),
        "test".parse().unwrap(),
        Person::new(NameSet::single(name)),
        at,
    )
}

fn rules_on(case: &Case, n: i64) -> Vec<(WatchRule, AlertLevel)> {
    alerts_for(case, day(n), WatchWindows::default())
        .iter()
        .map(|a| (a.rule, a.level))
        .collect()
}

#[test]
fn a_month_of_a_case_heading_for_removal() {
    let mut case = case();
    let status = &mut case.us_status;
    status.proceedings = ProceedingsStage::BiaAppeal;
    status.hearings.push(Hearing {
        date: day(10),
        kind: HearingKind::Individual,
        court: None,
    });
    // An automatic stay during the appeal, lifted on day 14.
    status
        .stays
        .push(Stay::new(StayKind::AutomaticBiaAppeal, Some(day(-30)), Some(day(14))).unwrap());
    status.scheduled_removal = Some(day(20));

    for n in 0..=25 {
        let rules = rules_on(&case, n);
        let hearing_soon = (7..=10).contains(&n);
        let stay_expiring = (11..=14).contains(&n);
        let removal_soon = (13..=20).contains(&n);
        assert_eq!(
            rules.contains(&(WatchRule::HearingSoon, AlertLevel::Reminder)),
            hearing_soon,
            "day {n}: {rules:?}"
        );
        assert_eq!(
            rules.contains(&(WatchRule::StayExpiring, AlertLevel::Reminder)),
            stay_expiring,
            "day {n}: {rules:?}"
        );
        assert_eq!(
            rules.contains(&(WatchRule::RemovalSoon, AlertLevel::Emergency)),
            removal_soon,
            "day {n}: {rules:?}"
        );
        // The loudest first.
        if removal_soon {
            assert_eq!(rules[0].1, AlertLevel::Emergency, "day {n}");
        }
    }
}

#[test]
fn a_final_order_is_urgent_until_a_stay_is_granted() {
    let mut case = case();
    case.us_status.proceedings = ProceedingsStage::FinalOrder;
    case.us_status.final_order_date = Some(day(-2));
    assert_eq!(
        rules_on(&case, 0),
        [(WatchRule::FinalOrderWithoutStay, AlertLevel::Urgent)]
    );
    case.us_status
        .stays
        .push(Stay::new(StayKind::CircuitCourt, Some(day(3)), None).unwrap());
    // Before the stay is granted the order is still unstayed; from the grant on, no alert.
    assert_eq!(rules_on(&case, 2).len(), 1);
    assert!(rules_on(&case, 3).is_empty());
}

#[test]
fn closed_removed_and_arrived_cases_raise_nothing() {
    let mut case = case();
    case.us_status.scheduled_removal = Some(day(1));
    assert_eq!(rules_on(&case, 0).len(), 1);
    for stage in [Stage::Withdrawn, Stage::Removed, Stage::Arrived] {
        let mut closed = case.clone();
        closed.stage = stage;
        assert!(rules_on(&closed, 0).is_empty(), "{stage}");
    }
    let mut removed = case.clone();
    removed.us_status.proceedings = ProceedingsStage::Removed;
    assert!(rules_on(&removed, 0).is_empty());
    // A removal date in the past raises nothing either.
    assert!(rules_on(&case, 2).is_empty());
}
