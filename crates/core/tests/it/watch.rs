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

/// After removal, with the default schedule: nothing for three days, then a reminder, then a
/// missed check-in, then lost contact; a check-in puts the case back on schedule.
#[test]
fn check_ins_after_removal_escalate_over_a_simulated_calendar() {
    use corridor_core::CheckInId;
    use corridor_core::checkin::{CheckIn, CheckInChannel, CheckInSchedule, standing};
    use corridor_core::watch::check_in_alert;

    let schedule = CheckInSchedule::default();
    let case = CaseId::random();
    let removed = day(0);
    let raised = |check_ins: &[CheckIn], n: i64| {
        check_in_alert(case, &standing(&schedule, removed, check_ins, day(n)))
            .map(|a| (a.rule, a.level))
    };
    for n in 0..=40 {
        let expected = match n {
            0..=2 => None,
            3..=4 => Some((WatchRule::CheckInDue, AlertLevel::Reminder)),
            5..=12 => Some((WatchRule::CheckInMissed, AlertLevel::Urgent)),
            _ => Some((WatchRule::LostContact, AlertLevel::Emergency)),
        };
        assert_eq!(raised(&[], n), expected, "day {n} with no check-in");
    }
    // Reached on day 8 (when missed): nothing until the next check-in falls due on day 11.
    let reached = CheckIn::new(
        CheckInId::random(),
        day(8),
        CheckInChannel::Messenger,
        None,
        removed,
        day(8),
    )
    .unwrap();
    let reached = [reached];
    assert_eq!(raised(&reached, 8), None);
    assert_eq!(raised(&reached, 10), None);
    assert_eq!(
        raised(&reached, 11),
        Some((WatchRule::CheckInDue, AlertLevel::Reminder))
    );
    let alert = check_in_alert(case, &standing(&schedule, removed, &reached, day(30))).unwrap();
    assert_eq!(alert.rule, WatchRule::LostContact);
    assert_eq!(alert.on, Some(day(11)));
    assert!(alert.why.contains(&day(8).to_string()), "{}", alert.why);
}

/// A detained person on a reported flight is an emergency until the flight has left.
#[test]
fn a_flight_with_a_detained_person_is_an_emergency_until_it_leaves() {
    use corridor_core::flight::{FlightReportInput, RemovalFlight, detained_on_board};
    use corridor_core::watch::flight_alert;
    use corridor_core::{FlightId, FlightReportId};

    let detained = CaseId::random();
    let input = FlightReportInput::from_json(&format!(
        r#"{{"source": {{"kind": "ngo", "reference": "synthetic flight tracker"}},
            "departs_on": "{}", "departure": "aex", "stops": ["SNN"], "destination": "CAI",
            "on_board": [{{"case": "{detained}", "confidence": "medium"}}]}}"#,
        day(6)
    ))
    .unwrap();
    let mut flight = RemovalFlight::new(FlightId::random());
    flight.add_report(input.into_report(FlightReportId::random(), day(0)).unwrap());
    for n in 0..=10 {
        let alerts: Vec<_> = detained_on_board(&flight, day(n), |c| c == detained)
            .iter()
            .map(flight_alert)
            .collect();
        if n <= 6 {
            assert_eq!(alerts.len(), 1, "day {n}");
            assert_eq!(alerts[0].level, AlertLevel::Emergency);
            assert_eq!(alerts[0].rule, WatchRule::FlightWithDetainedPerson);
            assert_eq!(alerts[0].on, Some(day(6)));
            assert!(alerts[0].why.contains("medium"), "{}", alerts[0].why);
            assert!(!alerts[0].why.contains("synthetic"), "the source stays out");
        } else {
            assert!(alerts.is_empty(), "day {n}: the flight has left");
        }
    }
}
