//! The removal watch as use cases: removal flights and their reports, the alerts of detained
//! people on board, check-ins after removal and their escalation to lost contact, field
//! reports, the inbox (acknowledge, assign), the calendar and its feed, and the counts.
//!
//! The day is always a parameter: tests walk a simulated calendar from the real day a case
//! was moved to `removed`. Every test runs on SQLite, and again on a fresh PostgreSQL schema
//! when `CORRIDOR_TEST_PG_URL` is set (`support.rs` itself only makes SQLite stores).

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use corridor_app::{AppError, CaseView, Corridor, Custodian, InboxFilter, Principal, programs};
use corridor_core::calendar::{CalendarKind, case_code, to_ics};
use corridor_core::checkin::{CheckInChannel, FieldReportKind, MonitoringStatus};
use corridor_core::flight::FlightReportInput;
use corridor_core::report::{Count, Milestone, Month};
use corridor_core::watch::{AlertLevel, WatchAlert, WatchRule};
use corridor_core::{
    Actor, AuditAction, AuditOutcome, CaseId, CaseInput, Confidence, FlightId, OrgId, OrgName,
    PartialDate, Role, Source, SourceKind, Stage, Username,
};
use corridor_crypto::KdfParams;
use corridor_store::{AuditFilter, Page, PostgresStore, SqliteStore};
use serde_json::{Value, json};

use crate::support::{PASSPHRASE, TestCorridor, example_with};

/// A name no real person has: it must never reach a feed.
const CANARY_NAME: &str = "Canaryvna Zzyxova";

// ---------------------------------------------------------------------------------------------
// Engines

/// The PostgreSQL URL for tests, if any; `CORRIDOR_TEST_PG_REQUIRED=1` makes its absence fail.
fn pg_url() -> Option<String> {
    match std::env::var("CORRIDOR_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CORRIDOR_TEST_PG_REQUIRED").as_deref() != Ok("1"),
                "CORRIDOR_TEST_PG_REQUIRED=1 but CORRIDOR_TEST_PG_URL is not set"
            );
            None
        }
    }
}

/// Runs `test` on a fresh SQLite Corridor, then on a fresh PostgreSQL schema if there is one.
async fn on_each_engine(test: impl AsyncFn(&TestCorridor)) {
    test(&TestCorridor::new().await).await;
    let Some(url) = pg_url() else { return };
    println!("now on PostgreSQL");
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let store = PostgresStore::open(&url, Some(&schema))
        .await
        .expect("open postgres");
    let (corridor, organisation) = Corridor::initialise(
        Arc::new(store),
        PASSPHRASE,
        KdfParams::INSECURE_FAST_FOR_TESTS,
        OrgName::new("Test organisation").expect("name"),
        programs::default_catalog(),
    )
    .await
    .expect("initialise");
    let dir = tempfile::tempdir().expect("dir");
    let t = TestCorridor {
        corridor,
        organisation: organisation.id,
        db: dir.path().join("not-sqlite"),
        _dir: dir,
    };
    test(&t).await;
    t.corridor.close().await;
    let pool = sqlx::PgPool::connect(&url).await.expect("connect");
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&pool)
        .await
        .expect("drop schema");
    pool.close().await;
}

// ---------------------------------------------------------------------------------------------
// Days, people, cases

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// `n` days from today.
fn day(n: i64) -> NaiveDate {
    today() + Duration::days(n)
}

/// Noon, `n` days from today: the clock of a simulated day.
fn noon(n: i64) -> DateTime<Utc> {
    day(n).and_hms_opt(12, 0, 0).expect("noon").and_utc()
}

/// The users of the test organisation, and a caseworker of another one.
struct Staff {
    caseworker: Principal,
    legal: Principal,
    coordinator: Principal,
    verifier: Principal,
    analyst: Principal,
    other: OrgId,
    outsider: Principal,
}

async fn staff(t: &TestCorridor) -> Staff {
    let admin = t.first_admin().await;
    let other = t.organisation("Other organisation").await;
    let org = t.organisation;
    Staff {
        caseworker: t.member(&admin, org, "cara", Role::Caseworker).await,
        legal: t.member(&admin, org, "lena", Role::Legal).await,
        coordinator: t.member(&admin, org, "coco", Role::Coordinator).await,
        verifier: t.member(&admin, org, "vera", Role::Verifier).await,
        analyst: t.member(&admin, org, "anya", Role::Analyst).await,
        outsider: t.member(&admin, other, "otto", Role::Caseworker).await,
        other,
    }
}

/// A synthetic case at `assessing` named [`CANARY_NAME`], detained, with nothing dated in its
/// US status (so it raises no alert of its own), then `edit`ed.
fn input(edit: impl FnOnce(&mut Value)) -> CaseInput {
    example_with(|case| {
        case["person"]["names"] =
            json!([{ "text": CANARY_NAME, "script": "latin", "kind": "passport" }]);
        case["us_status"] = json!({ "custody": "detained", "proceedings": "bia_appeal" });
        edit(case);
    })
}

async fn add(t: &TestCorridor, org: OrgId, edit: impl FnOnce(&mut Value)) -> CaseId {
    t.corridor.add_case(org, input(edit)).await.expect("case")
}

/// A case of the test organisation moved to `removed` today, through the workflow.
async fn removed(t: &TestCorridor) -> CaseId {
    let id = add(t, t.organisation, |_| {}).await;
    t.corridor
        .transition(id, Stage::Removed)
        .await
        .expect("removed");
    id
}

fn flight(json: Value) -> FlightReportInput {
    FlightReportInput::from_json(&json.to_string()).expect("valid report")
}

fn source() -> Value {
    json!({ "kind": "ngo", "reference": "Flight monitor, synthetic tip" })
}

fn aboard(case: CaseId, confidence: &str) -> Value {
    json!({ "case": case.to_string(), "confidence": confidence })
}

// ---------------------------------------------------------------------------------------------
// Reading results

fn field_of(error: AppError) -> String {
    match error {
        AppError::Input(e) => e.field,
        other => panic!("expected an input error, got {other}"),
    }
}

async fn count(t: &TestCorridor, action: AuditAction, outcome: AuditOutcome) -> usize {
    t.corridor
        .audit_log(
            &AuditFilter {
                action: Some(action),
                outcome: Some(outcome),
                ..AuditFilter::default()
            },
            Page::ALL,
        )
        .await
        .expect("log")
        .len()
}

/// The rules and levels of `case`'s alerts, loudest first.
fn of_case(alerts: &[WatchAlert], case: CaseId) -> Vec<(WatchRule, AlertLevel)> {
    alerts
        .iter()
        .filter(|a| a.case == case)
        .map(|a| (a.rule, a.level))
        .collect()
}

async fn alerts_on(t: &TestCorridor, who: &Principal, on: NaiveDate) -> Vec<WatchAlert> {
    t.corridor
        .watch_alerts(Custodian::User(who), on)
        .await
        .expect("alerts")
}

async fn stage_of(t: &TestCorridor, id: CaseId) -> Stage {
    match t.corridor.case(id).await.expect("case") {
        CaseView::Live(case) => case.stage,
        CaseView::Purged(_) => panic!("purged"),
    }
}

fn username(name: &str) -> Username {
    Username::new(name).expect("username")
}

// ---------------------------------------------------------------------------------------------
// 1. Flights

#[tokio::test]
async fn disagreeing_reports_about_a_flight_are_all_kept_and_the_disputes_named() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let person = add(t, t.organisation, |_| {}).await;
        let id = t
            .corridor
            .report_flight_for(
                &s.caseworker,
                None,
                flight(json!({
                    "source": source(),
                    "departs_on": day(5).to_string(),
                    "departure": "AEX",
                    "destination": "SVO",
                    "carrier": "GlobalX",
                    "on_board": [aboard(person, "medium")],
                })),
                Utc::now(),
            )
            .await
            .expect("reported");
        let view = t
            .corridor
            .flight_for(&s.caseworker, id)
            .await
            .expect("flight");
        assert_eq!(view.flight.id(), id);
        assert_eq!(view.summary.reports, 1);
        assert_eq!(view.summary.departs_on(), Some(day(5)));
        assert!(view.summary.disputes().is_empty());
        assert_eq!(view.summary.passengers.len(), 1);
        assert_eq!(view.summary.passengers[0].case, person);
        assert_eq!(view.summary.passengers[0].confidence, Confidence::Medium);

        // A second source: another date and destination, the same carrier spelled otherwise,
        // and more sure the person is on board.
        let again = t
            .corridor
            .report_flight_for(
                &s.legal,
                Some(id),
                flight(json!({
                    "source": { "kind": "lawyer", "reference": "Counsel, synthetic" },
                    "departs_on": day(7).to_string(),
                    "departure": "aex",
                    "destination": "IST",
                    "carrier": "GLOBALX",
                    "on_board": [aboard(person, "high")],
                })),
                Utc::now(),
            )
            .await
            .expect("second report");
        assert_eq!(again, id, "the same flight");

        let view = t
            .corridor
            .flight_for(&s.caseworker, id)
            .await
            .expect("flight");
        assert_eq!(
            view.flight.reports().len(),
            2,
            "neither report overwrites the other"
        );
        assert_eq!(view.summary.reports, 2);
        assert_eq!(view.summary.disputes(), ["date", "destination"]);
        let dates: Vec<NaiveDate> = view
            .summary
            .dates
            .values()
            .iter()
            .map(|r| r.value)
            .collect();
        assert_eq!(dates.len(), 2);
        assert!(
            dates.contains(&day(5)) && dates.contains(&day(7)),
            "{dates:?}"
        );
        let destinations: Vec<&str> = view
            .summary
            .destinations
            .values()
            .iter()
            .map(|r| r.value.as_str())
            .collect();
        assert!(destinations.contains(&"SVO") && destinations.contains(&"IST"));
        assert_eq!(view.summary.passengers.len(), 1);
        assert_eq!(view.summary.passengers[0].confidence, Confidence::High);
        assert_eq!(view.summary.passengers[0].reports.len(), 2);
        let sources: Vec<SourceKind> = view
            .flight
            .reports()
            .iter()
            .map(|r| r.source().kind())
            .collect();
        assert!(sources.contains(&SourceKind::Ngo) && sources.contains(&SourceKind::Lawyer));

        let flights = t
            .corridor
            .flights_for(&s.caseworker)
            .await
            .expect("flights");
        assert_eq!(flights.len(), 1);
        assert_eq!(flights[0].flight.id(), id);
        assert_eq!(
            count(t, AuditAction::FlightReported, AuditOutcome::Allowed).await,
            2
        );
    })
    .await;
}

#[tokio::test]
async fn a_passenger_of_another_organisation_is_refused_and_nothing_is_stored() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let ours = add(t, t.organisation, |_| {}).await;
        let theirs = add(t, s.other, |_| {}).await;

        let error = t
            .corridor
            .report_flight_for(
                &s.caseworker,
                None,
                flight(json!({
                    "source": source(),
                    "departs_on": day(3).to_string(),
                    "on_board": [aboard(ours, "high"), aboard(theirs, "low")],
                })),
                Utc::now(),
            )
            .await
            .expect_err("not ours");
        assert!(
            matches!(error, AppError::CaseNotFound(c) if c == theirs),
            "{error}"
        );
        assert!(
            t.corridor
                .flights_for(&s.caseworker)
                .await
                .expect("flights")
                .is_empty()
        );
        assert!(
            t.corridor
                .flights_for(&s.outsider)
                .await
                .expect("flights")
                .is_empty()
        );
        assert!(
            t.corridor
                .store()
                .flights(None)
                .await
                .expect("rows")
                .is_empty()
        );

        // Nor as one more report about a flight of ours.
        let id = t
            .corridor
            .report_flight_for(
                &s.caseworker,
                None,
                flight(json!({ "source": source(), "on_board": [aboard(ours, "high")] })),
                Utc::now(),
            )
            .await
            .expect("reported");
        let error = t
            .corridor
            .report_flight_for(
                &s.caseworker,
                Some(id),
                flight(json!({ "source": source(), "on_board": [aboard(theirs, "high")] })),
                Utc::now(),
            )
            .await
            .expect_err("not ours");
        assert!(
            matches!(error, AppError::CaseNotFound(c) if c == theirs),
            "{error}"
        );
        let view = t
            .corridor
            .flight_for(&s.caseworker, id)
            .await
            .expect("flight");
        assert_eq!(view.flight.reports().len(), 1);
        assert_eq!(view.summary.passengers.len(), 1);
        assert_eq!(view.summary.passengers[0].case, ours);
        assert_eq!(
            count(t, AuditAction::FlightReported, AuditOutcome::Denied).await,
            2
        );
    })
    .await;
}

#[tokio::test]
async fn a_flight_report_that_breaks_a_rule_is_an_input_error_naming_the_field() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let person = add(t, t.organisation, |_| {}).await;
        let cases = [
            (
                json!({ "source": source(), "departure": "svo", "destination": "SVO" }),
                "destination",
            ),
            (
                json!({ "source": source(), "note": "nothing about the flight" }),
                "",
            ),
            (
                json!({
                    "source": source(),
                    "on_board": [aboard(person, "low"), aboard(person, "high")],
                }),
                "on_board[1].case",
            ),
        ];
        for (report, field) in cases {
            let error = t
                .corridor
                .report_flight_for(&s.caseworker, None, flight(report), Utc::now())
                .await
                .expect_err("refused");
            assert_eq!(field_of(error), field);
        }
        assert!(
            t.corridor
                .flights_for(&s.caseworker)
                .await
                .expect("flights")
                .is_empty()
        );
        // A value that is not one (a four-letter airport) is named as it is parsed.
        let error = FlightReportInput::from_json(
            &json!({ "source": source(), "departure": "AEXX" }).to_string(),
        )
        .expect_err("not a code");
        assert_eq!(error.field, "departure");
    })
    .await;
}

#[tokio::test]
async fn only_users_who_keep_the_watch_report_flights_and_refusals_are_audited() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let report = || flight(json!({ "source": source(), "departs_on": day(4).to_string() }));
        for who in [&s.verifier, &s.analyst] {
            let error = t
                .corridor
                .report_flight_for(who, None, report(), Utc::now())
                .await
                .expect_err("no right");
            assert!(
                matches!(
                    error,
                    AppError::Forbidden(corridor_core::Permission::WatchManage)
                ),
                "{error}"
            );
        }
        assert_eq!(
            count(t, AuditAction::FlightReported, AuditOutcome::Denied).await,
            2
        );
        assert!(
            t.corridor
                .store()
                .flights(None)
                .await
                .expect("rows")
                .is_empty()
        );
        // The roles that keep the watch may.
        for who in [&s.caseworker, &s.legal, &s.coordinator] {
            t.corridor
                .report_flight_for(who, None, report(), Utc::now())
                .await
                .expect("allowed");
        }
        assert_eq!(
            t.corridor
                .flights_for(&s.verifier)
                .await
                .expect("read")
                .len(),
            3
        );
    })
    .await;
}

#[tokio::test]
async fn another_organisation_can_neither_read_nor_append_to_a_flight() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let id = t
            .corridor
            .report_flight_for(
                &s.caseworker,
                None,
                flight(json!({ "source": source(), "departs_on": day(2).to_string() })),
                Utc::now(),
            )
            .await
            .expect("reported");

        let error = t
            .corridor
            .flight_for(&s.outsider, id)
            .await
            .expect_err("not theirs");
        assert!(
            matches!(error, AppError::FlightNotFound(f) if f == id),
            "{error}"
        );
        let error = t
            .corridor
            .report_flight_for(
                &s.outsider,
                Some(id),
                flight(json!({ "source": source(), "departs_on": day(9).to_string() })),
                Utc::now(),
            )
            .await
            .expect_err("not theirs");
        assert!(
            matches!(error, AppError::FlightNotFound(f) if f == id),
            "{error}"
        );
        assert!(
            t.corridor
                .flights_for(&s.outsider)
                .await
                .expect("flights")
                .is_empty()
        );

        // Ours is untouched; a flight that does not exist looks the same as theirs.
        let view = t
            .corridor
            .flight_for(&s.caseworker, id)
            .await
            .expect("flight");
        assert_eq!(view.flight.reports().len(), 1);
        assert_eq!(view.summary.departs_on(), Some(day(2)));
        let nowhere = FlightId::random();
        let error = t
            .corridor
            .flight_for(&s.caseworker, nowhere)
            .await
            .expect_err("none");
        assert!(
            matches!(error, AppError::FlightNotFound(f) if f == nowhere),
            "{error}"
        );
    })
    .await;
}

#[tokio::test]
async fn purging_a_case_takes_it_off_every_flight() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let person = add(t, t.organisation, |_| {}).await;
        let id = t
            .corridor
            .report_flight_for(
                &s.caseworker,
                None,
                flight(json!({ "source": source(), "on_board": [aboard(person, "high")] })),
                Utc::now(),
            )
            .await
            .expect("reported");
        t.corridor
            .report_flight_for(
                &s.caseworker,
                Some(id),
                flight(json!({
                    "source": source(),
                    "departs_on": day(3).to_string(),
                    "on_board": [aboard(person, "low")],
                })),
                Utc::now(),
            )
            .await
            .expect("reported");
        assert_eq!(
            of_case(&alerts_on(t, &s.caseworker, today()).await, person),
            [(WatchRule::FlightWithDetainedPerson, AlertLevel::Emergency)]
        );

        t.corridor.purge(person).await.expect("purge");
        let view = t
            .corridor
            .flight_for(&s.caseworker, id)
            .await
            .expect("flight");
        assert!(view.summary.passengers.is_empty());
        assert_eq!(
            view.flight.reports().len(),
            1,
            "the report that only named the person says nothing any more"
        );
        assert_eq!(view.summary.departs_on(), Some(day(3)));
        assert!(
            t.corridor
                .store()
                .passengers(None)
                .await
                .expect("rows")
                .is_empty()
        );
        assert!(alerts_on(t, &s.caseworker, today()).await.is_empty());
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 2. Flight alerts

#[tokio::test]
async fn a_detained_person_on_a_flight_ahead_raises_an_emergency_until_it_has_left() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let detained = add(t, t.organisation, |_| {}).await;
        let free = add(t, t.organisation, |case| {
            case["us_status"]["custody"] = json!("not_in_custody");
        })
        .await;
        t.corridor
            .report_flight_for(
                &s.caseworker,
                None,
                flight(json!({
                    "source": source(),
                    "departs_on": day(4).to_string(),
                    "on_board": [aboard(detained, "low"), aboard(free, "high")],
                })),
                Utc::now(),
            )
            .await
            .expect("reported");

        for n in 0..=4 {
            let alerts = alerts_on(t, &s.caseworker, day(n)).await;
            assert_eq!(
                of_case(&alerts, detained),
                [(WatchRule::FlightWithDetainedPerson, AlertLevel::Emergency)],
                "day {n}"
            );
            let alert = alerts.iter().find(|a| a.case == detained).expect("alert");
            assert_eq!(alert.on, Some(day(4)));
            assert!(!alert.why.contains(CANARY_NAME));
            assert!(of_case(&alerts, free).is_empty(), "not detained: day {n}");
        }
        let operator = t
            .corridor
            .watch_alerts(Custodian::Operator, day(1))
            .await
            .expect("alerts");
        assert_eq!(
            of_case(&operator, detained),
            [(WatchRule::FlightWithDetainedPerson, AlertLevel::Emergency)]
        );
        // The day after the flight, it has left: nothing.
        assert!(alerts_on(t, &s.caseworker, day(5)).await.is_empty());
        // Another organisation never sees it.
        assert!(alerts_on(t, &s.outsider, day(1)).await.is_empty());
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 3. After removal

/// For each of `days` (counted from today): `case`'s one alert, if any, and the day it is about.
async fn check_in_walk(
    t: &TestCorridor,
    who: &Principal,
    case: CaseId,
    days: std::ops::RangeInclusive<i64>,
) -> Vec<(i64, Option<(WatchRule, AlertLevel)>, Option<NaiveDate>)> {
    let mut walk = Vec::new();
    for n in days {
        let alerts = alerts_on(t, who, day(n)).await;
        let mine: Vec<&WatchAlert> = alerts.iter().filter(|a| a.case == case).collect();
        assert!(mine.len() <= 1, "day {n}: {mine:?}");
        walk.push((
            n,
            mine.first().map(|a| (a.rule, a.level)),
            mine.first().and_then(|a| a.on),
        ));
    }
    walk
}

#[tokio::test]
async fn after_removal_a_check_in_falls_due_then_is_missed_then_contact_is_lost() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let id = removed(t).await;
        let walk = check_in_walk(t, &s.caseworker, id, 0..=16).await;
        for (n, alert, on) in walk {
            let expected = match n {
                0..=2 => None,
                3..=4 => Some((WatchRule::CheckInDue, AlertLevel::Reminder)),
                5..=12 => Some((WatchRule::CheckInMissed, AlertLevel::Urgent)),
                _ => Some((WatchRule::LostContact, AlertLevel::Emergency)),
            };
            assert_eq!(alert, expected, "day {n}");
            if expected.is_some() {
                assert_eq!(on, Some(day(3)), "the day it was due: day {n}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_case_that_came_in_removed_counts_from_its_scheduled_removal() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let id = add(t, t.organisation, |case| {
            case["stage"] = json!("removed");
            case["us_status"] = json!({
                "custody": "not_in_custody",
                "proceedings": "removed",
                "scheduled_removal": day(-6).to_string(),
            });
        })
        .await;
        // Removed six days ago: due three days ago, three days overdue.
        let alerts = alerts_on(t, &s.caseworker, today()).await;
        assert_eq!(
            of_case(&alerts, id),
            [(WatchRule::CheckInMissed, AlertLevel::Urgent)]
        );
        let alert = alerts.iter().find(|a| a.case == id).expect("alert");
        assert_eq!(alert.on, Some(day(-3)));
        // A check-in before that removal is refused, one on it is not.
        let error = t
            .corridor
            .record_check_in_for(
                &s.caseworker,
                id,
                day(-7),
                CheckInChannel::Phone,
                None,
                Utc::now(),
            )
            .await
            .expect_err("before the removal");
        assert_eq!(field_of(error), "on");
        let monitoring = t
            .corridor
            .record_check_in_for(
                &s.caseworker,
                id,
                day(-6),
                CheckInChannel::Phone,
                None,
                Utc::now(),
            )
            .await
            .expect("on the day");
        assert_eq!(monitoring.removed_on, day(-6));
    })
    .await;
}

#[tokio::test]
async fn a_check_in_resets_the_schedule_which_turns_weekly_after_thirty_days() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let id = removed(t).await;
        assert_eq!(
            of_case(&alerts_on(t, &s.caseworker, day(6)).await, id),
            [(WatchRule::CheckInMissed, AlertLevel::Urgent)]
        );
        let monitoring = t
            .corridor
            .record_check_in_for(
                &s.caseworker,
                id,
                day(6),
                CheckInChannel::Messenger,
                Some("Safe, staying with family (synthetic)."),
                noon(6),
            )
            .await
            .expect("check-in");
        assert_eq!(monitoring.removed_on, today());
        assert_eq!(monitoring.standing.status, MonitoringStatus::OnSchedule);
        assert_eq!(monitoring.standing.last_contact, day(6));
        assert_eq!(monitoring.standing.due_on, day(9));
        assert_eq!(monitoring.check_ins.len(), 1);
        assert_eq!(monitoring.check_ins[0].recorded_by, Some(s.caseworker.user));
        assert_eq!(
            monitoring.check_ins[0].check_in.channel(),
            CheckInChannel::Messenger
        );
        assert_eq!(
            count(t, AuditAction::CheckInRecorded, AuditOutcome::Allowed).await,
            1
        );

        let walk = check_in_walk(t, &s.caseworker, id, 6..=11).await;
        for (n, alert, _) in walk {
            let expected = match n {
                6..=8 => None,
                9..=10 => Some((WatchRule::CheckInDue, AlertLevel::Reminder)),
                _ => Some((WatchRule::CheckInMissed, AlertLevel::Urgent)),
            };
            assert_eq!(alert, expected, "day {n}");
        }

        // From day 30 on, weekly.
        let monitoring = t
            .corridor
            .record_check_in_for(&s.legal, id, day(31), CheckInChannel::Video, None, noon(31))
            .await
            .expect("check-in");
        assert_eq!(monitoring.standing.due_on, day(38));
        assert!(of_case(&alerts_on(t, &s.caseworker, day(37)).await, id).is_empty());
        assert_eq!(
            of_case(&alerts_on(t, &s.caseworker, day(38)).await, id),
            [(WatchRule::CheckInDue, AlertLevel::Reminder)]
        );
    })
    .await;
}

#[tokio::test]
async fn a_check_in_in_the_future_or_before_the_removal_is_refused_naming_on() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let id = removed(t).await;
        for on in [day(1), day(-1)] {
            let error = t
                .corridor
                .record_check_in_for(&s.caseworker, id, on, CheckInChannel::Phone, None, noon(0))
                .await
                .expect_err("refused");
            assert_eq!(field_of(error), "on", "{on}");
        }
        let error = t
            .corridor
            .record_check_in_for(
                &s.caseworker,
                id,
                day(0),
                CheckInChannel::Phone,
                Some("  "),
                noon(0),
            )
            .await
            .expect_err("blank note");
        assert_eq!(field_of(error), "note");
        assert!(
            t.corridor
                .store()
                .check_ins(id)
                .await
                .expect("rows")
                .is_empty()
        );
        assert_eq!(
            count(t, AuditAction::CheckInRecorded, AuditOutcome::Allowed).await,
            0
        );
    })
    .await;
}

#[tokio::test]
async fn a_check_in_is_refused_for_a_case_not_removed_a_role_without_the_watch_and_another_organisation()
 {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let open = add(t, t.organisation, |_| {}).await;
        let error = t
            .corridor
            .record_check_in_for(
                &s.caseworker,
                open,
                today(),
                CheckInChannel::Phone,
                None,
                Utc::now(),
            )
            .await
            .expect_err("not removed");
        assert!(
            matches!(error, AppError::NotRemoved(c) if c == open),
            "{error}"
        );

        let id = removed(t).await;
        let error = t
            .corridor
            .record_check_in_for(
                &s.verifier,
                id,
                today(),
                CheckInChannel::Phone,
                None,
                Utc::now(),
            )
            .await
            .expect_err("no right");
        assert!(matches!(error, AppError::Forbidden(_)), "{error}");
        assert_eq!(
            count(t, AuditAction::CheckInRecorded, AuditOutcome::Denied).await,
            1
        );
        let error = t
            .corridor
            .record_check_in_for(
                &s.outsider,
                id,
                today(),
                CheckInChannel::Phone,
                None,
                Utc::now(),
            )
            .await
            .expect_err("not theirs");
        assert!(
            matches!(error, AppError::CaseNotFound(c) if c == id),
            "{error}"
        );
        assert!(
            t.corridor
                .store()
                .check_ins(id)
                .await
                .expect("rows")
                .is_empty()
        );
        assert!(
            t.corridor
                .store()
                .check_ins(open)
                .await
                .expect("rows")
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn the_sweep_moves_lost_contact_to_its_stage_and_a_later_check_in_brings_it_back() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let lost = removed(t).await;
        let in_touch = removed(t).await;
        let open = add(t, t.organisation, |_| {}).await;
        t.corridor
            .record_check_in_for(
                &s.caseworker,
                in_touch,
                day(12),
                CheckInChannel::Phone,
                None,
                noon(12),
            )
            .await
            .expect("check-in");

        // Day 12: missed, not lost yet.
        assert!(
            t.corridor
                .sweep_lost_contact(noon(12))
                .await
                .expect("sweep")
                .is_empty()
        );
        assert_eq!(stage_of(t, lost).await, Stage::Removed);

        assert_eq!(
            t.corridor
                .sweep_lost_contact(noon(13))
                .await
                .expect("sweep"),
            [lost]
        );
        assert_eq!(stage_of(t, lost).await, Stage::LostContact);
        assert_eq!(stage_of(t, in_touch).await, Stage::Removed);
        assert_eq!(stage_of(t, open).await, Stage::Assessing);
        let moves = t
            .corridor
            .audit_log(
                &AuditFilter {
                    actor: Some(Actor::System),
                    action: Some(AuditAction::CaseStageChanged),
                    ..AuditFilter::default()
                },
                Page::ALL,
            )
            .await
            .expect("log");
        assert_eq!(moves.len(), 1);
        assert_eq!(moves[0].event.case, Some(lost));
        assert_eq!(moves[0].event.outcome, AuditOutcome::Allowed);
        // Once is enough.
        assert!(
            t.corridor
                .sweep_lost_contact(noon(13))
                .await
                .expect("sweep")
                .is_empty()
        );
        // Still watched at its new stage.
        assert_eq!(
            of_case(&alerts_on(t, &s.caseworker, day(13)).await, lost),
            [(WatchRule::LostContact, AlertLevel::Emergency)]
        );

        let monitoring = t
            .corridor
            .record_check_in_for(
                &s.caseworker,
                lost,
                day(14),
                CheckInChannel::ThroughFamily,
                None,
                noon(14),
            )
            .await
            .expect("check-in");
        assert_eq!(monitoring.standing.status, MonitoringStatus::OnSchedule);
        assert_eq!(stage_of(t, lost).await, Stage::Removed);
        assert!(of_case(&alerts_on(t, &s.caseworker, day(14)).await, lost).is_empty());
        let by_user = t
            .corridor
            .audit_log(
                &AuditFilter {
                    actor: Some(Actor::User(s.caseworker.user)),
                    action: Some(AuditAction::CaseStageChanged),
                    ..AuditFilter::default()
                },
                Page::ALL,
            )
            .await
            .expect("log");
        assert_eq!(by_user.len(), 1);
        assert_eq!(by_user[0].event.case, Some(lost));
    })
    .await;
}

#[tokio::test]
async fn a_case_brought_back_from_lost_contact_keeps_its_removal_day() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let id = removed(t).await;
        t.corridor
            .sweep_lost_contact(noon(13))
            .await
            .expect("sweep");
        t.corridor
            .record_check_in_for(
                &s.caseworker,
                id,
                day(14),
                CheckInChannel::Phone,
                None,
                noon(20),
            )
            .await
            .expect("back in touch");
        assert_eq!(stage_of(t, id).await, Stage::Removed);
        // Heard later of a contact on day 10: after the removal, so it is a check-in.
        let monitoring = t
            .corridor
            .record_check_in_for(
                &s.caseworker,
                id,
                day(10),
                CheckInChannel::ThroughLawyer,
                None,
                noon(20),
            )
            .await
            .expect("a check-in after the removal");
        assert_eq!(monitoring.removed_on, today(), "removed once, today");
        assert_eq!(monitoring.standing.last_contact, day(14));
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 4. Field reports

#[tokio::test]
async fn a_field_report_is_a_sourced_claim_on_the_case() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let id = removed(t).await;
        let reference = "Sister, by phone (synthetic)";
        t.corridor
            .record_field_report_for(
                &s.caseworker,
                id,
                FieldReportKind::Arrested,
                Some(PartialDate::from_date(day(-1)).expect("date")),
                Source::new(SourceKind::Family, reference).expect("source"),
                Confidence::Medium,
                Some("Held at the airport on arrival (synthetic)."),
            )
            .await
            .expect("recorded");
        t.corridor
            .record_field_report_for(
                &s.legal,
                id,
                FieldReportKind::Missing,
                None,
                Source::new(SourceKind::Ngo, "Monitor, synthetic").expect("source"),
                Confidence::Low,
                None,
            )
            .await
            .expect("recorded");

        let CaseView::Live(case) = t.corridor.case_for(&s.caseworker, id).await.expect("case")
        else {
            panic!("live")
        };
        let arrested = case
            .claims
            .iter()
            .find(|c| c.fact().as_str() == "after_return_arrested")
            .expect("arrested claim");
        assert_eq!(arrested.source().kind(), SourceKind::Family);
        assert_eq!(arrested.source().reference(), reference);
        assert_eq!(arrested.confidence(), Confidence::Medium);
        assert_eq!(
            arrested.assertion(),
            "Held at the airport on arrival (synthetic)."
        );
        assert_eq!(
            arrested.date(),
            Some(PartialDate::from_date(day(-1)).expect("date"))
        );
        assert_eq!(
            FieldReportKind::from_fact(arrested.fact()),
            Some(FieldReportKind::Arrested)
        );
        let missing = case
            .claims
            .iter()
            .find(|c| c.fact().as_str() == "after_return_missing")
            .expect("missing claim");
        assert_eq!(missing.confidence(), Confidence::Low);
        assert_eq!(missing.assertion(), FieldReportKind::Missing.label());
        assert_eq!(
            count(t, AuditAction::FieldReportRecorded, AuditOutcome::Allowed).await,
            2
        );

        // Not by a verifier, not on another organisation's case.
        let report = |who| {
            t.corridor.record_field_report_for(
                who,
                id,
                FieldReportKind::Released,
                None,
                Source::new(SourceKind::Media, "Outlet, synthetic").expect("source"),
                Confidence::High,
                None,
            )
        };
        let error = report(&s.verifier).await.expect_err("no right");
        assert!(matches!(error, AppError::Forbidden(_)), "{error}");
        let error = report(&s.outsider).await.expect_err("not theirs");
        assert!(
            matches!(error, AppError::CaseNotFound(c) if c == id),
            "{error}"
        );
        let CaseView::Live(after) = t.corridor.case(id).await.expect("case") else {
            panic!("live")
        };
        assert_eq!(after.claims.len(), case.claims.len());
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 5. Inbox

/// An open case whose removal is `days` away: a `removal_soon` emergency.
async fn facing_removal(t: &TestCorridor, org: OrgId, days: i64) -> CaseId {
    add(t, org, |case| {
        case["us_status"]["proceedings"] = json!("final_order");
        case["us_status"]["final_order_date"] = json!(day(-30).to_string());
        case["us_status"]["stays"] =
            json!([{ "kind": "ice_administrative", "granted_on": day(-20).to_string() }]);
        case["us_status"]["scheduled_removal"] = json!(day(days).to_string());
    })
    .await
}

#[tokio::test]
async fn acknowledging_takes_an_alert_out_of_open_and_all_still_shows_who() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let soon = facing_removal(t, t.organisation, 8).await;
        let gone = removed(t).await;
        let _theirs = facing_removal(t, s.other, 5).await;

        // Day 3: the removal is five days away, the check-in is due.
        let inbox = t
            .corridor
            .inbox_for(&s.caseworker, day(3), InboxFilter::Open)
            .await
            .expect("inbox");
        let shown: Vec<(CaseId, WatchRule)> = inbox
            .items
            .iter()
            .map(|i| (i.alert.case, i.alert.rule))
            .collect();
        assert_eq!(
            shown,
            [
                (soon, WatchRule::RemovalSoon),
                (gone, WatchRule::CheckInDue)
            ],
            "the organisation's alerts, loudest first"
        );
        assert_eq!(inbox.open, 2);
        let due = inbox.items[1].key.clone();
        assert!(!due.as_str().contains(CANARY_NAME));

        t.corridor
            .acknowledge_watch_alert_for(&s.caseworker, due.as_str(), day(3), noon(3))
            .await
            .expect("acknowledged");
        let open = t
            .corridor
            .inbox_for(&s.legal, day(3), InboxFilter::Open)
            .await
            .expect("inbox");
        assert_eq!(open.open, 1);
        assert_eq!(open.items.len(), 1);
        assert_eq!(open.items[0].alert.case, soon);
        let all = t
            .corridor
            .inbox_for(&s.legal, day(3), InboxFilter::All)
            .await
            .expect("inbox");
        assert_eq!(all.items.len(), 2);
        let item = all
            .items
            .iter()
            .find(|i| i.key == due)
            .expect("still listed");
        assert_eq!(
            item.acknowledged,
            Some((s.caseworker.username.clone(), noon(3)))
        );
        assert_eq!(
            count(
                t,
                AuditAction::WatchAlertAcknowledged,
                AuditOutcome::Allowed
            )
            .await,
            1
        );
        // The same alert the next day is still acknowledged; once missed, it is a new one.
        let next = t
            .corridor
            .inbox_for(&s.caseworker, day(4), InboxFilter::Open)
            .await
            .expect("inbox");
        assert!(next.items.iter().all(|i| i.alert.case != gone));
        let later = t
            .corridor
            .inbox_for(&s.caseworker, day(5), InboxFilter::Open)
            .await
            .expect("inbox");
        assert!(
            later
                .items
                .iter()
                .any(|i| i.alert.case == gone && i.alert.rule == WatchRule::CheckInMissed)
        );

        // Another organisation sees none of it and cannot acknowledge it.
        let theirs = t
            .corridor
            .inbox_for(&s.outsider, day(3), InboxFilter::All)
            .await
            .expect("inbox");
        assert!(
            theirs
                .items
                .iter()
                .all(|i| i.alert.case != soon && i.alert.case != gone)
        );
        let key = all.items[0].key.clone();
        let error = t
            .corridor
            .acknowledge_watch_alert_for(&s.outsider, key.as_str(), day(3), noon(3))
            .await
            .expect_err("not theirs");
        assert!(matches!(error, AppError::WatchAlertNotFound), "{error}");
    })
    .await;
}

#[tokio::test]
async fn an_assigned_alert_is_in_the_assignees_mine_and_bad_assignments_are_refused() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let soon = facing_removal(t, t.organisation, 4).await;
        let inbox = t
            .corridor
            .inbox_for(&s.caseworker, today(), InboxFilter::Open)
            .await
            .expect("inbox");
        assert_eq!(inbox.items.len(), 1);
        let key = inbox.items[0].key.clone();
        let mut assignees: Vec<String> = inbox.assignees.iter().map(|u| u.to_string()).collect();
        assignees.sort();
        assert_eq!(
            assignees,
            ["cara", "coco", "lena"],
            "those who keep the watch"
        );

        let at = Utc::now();
        t.corridor
            .assign_watch_alert_for(&s.caseworker, key.as_str(), &username("lena"), today(), at)
            .await
            .expect("assigned");
        let mine = t
            .corridor
            .inbox_for(&s.legal, today(), InboxFilter::Mine)
            .await
            .expect("inbox");
        assert_eq!(mine.items.len(), 1);
        assert_eq!(mine.items[0].alert.case, soon);
        assert_eq!(mine.items[0].assigned_to, Some(username("lena")));
        let (by, when) = mine.items[0].assigned_by.clone().expect("by");
        assert_eq!(by, username("cara"));
        assert_eq!(when.timestamp_micros(), at.timestamp_micros());
        // Open for the assignee, no longer for the others; in no one else's mine.
        let lena_open = t
            .corridor
            .inbox_for(&s.legal, today(), InboxFilter::Open)
            .await
            .expect("inbox");
        assert_eq!(lena_open.items.len(), 1);
        let cara_open = t
            .corridor
            .inbox_for(&s.caseworker, today(), InboxFilter::Open)
            .await
            .expect("inbox");
        assert!(cara_open.items.is_empty());
        assert_eq!(cara_open.open, 1, "still unacknowledged");
        let cara_mine = t
            .corridor
            .inbox_for(&s.caseworker, today(), InboxFilter::Mine)
            .await
            .expect("inbox");
        assert!(cara_mine.items.is_empty());
        assert_eq!(
            count(t, AuditAction::WatchAlertAssigned, AuditOutcome::Allowed).await,
            1
        );

        // Not to another organisation's user, not to a verifier, not an unknown alert, not by
        // a verifier.
        for to in ["otto", "vera", "nobody"] {
            let error = t
                .corridor
                .assign_watch_alert_for(
                    &s.caseworker,
                    key.as_str(),
                    &username(to),
                    today(),
                    Utc::now(),
                )
                .await
                .expect_err("refused");
            assert!(matches!(error, AppError::NoSuchUser), "{to}: {error}");
        }
        let error = t
            .corridor
            .assign_watch_alert_for(
                &s.caseworker,
                "no-such-alert",
                &username("coco"),
                today(),
                Utc::now(),
            )
            .await
            .expect_err("unknown");
        assert!(matches!(error, AppError::WatchAlertNotFound), "{error}");
        let error = t
            .corridor
            .acknowledge_watch_alert_for(&s.caseworker, "no-such-alert", today(), Utc::now())
            .await
            .expect_err("unknown");
        assert!(matches!(error, AppError::WatchAlertNotFound), "{error}");
        let error = t
            .corridor
            .assign_watch_alert_for(
                &s.verifier,
                key.as_str(),
                &username("coco"),
                today(),
                Utc::now(),
            )
            .await
            .expect_err("no right");
        assert!(matches!(error, AppError::Forbidden(_)), "{error}");
        // Still lena's.
        let all = t
            .corridor
            .inbox_for(&s.coordinator, today(), InboxFilter::All)
            .await
            .expect("inbox");
        assert_eq!(all.items[0].assigned_to, Some(username("lena")));
        assert!(
            t.corridor
                .inbox_for(&s.verifier, today(), InboxFilter::Mine)
                .await
                .expect("inbox")
                .items
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn an_alert_about_another_day_is_a_new_open_alert() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let id = facing_removal(t, t.organisation, 5).await;
        let inbox = t
            .corridor
            .inbox_for(&s.caseworker, today(), InboxFilter::Open)
            .await
            .expect("inbox");
        assert_eq!(inbox.items.len(), 1);
        assert_eq!(inbox.items[0].alert.on, Some(day(5)));
        t.corridor
            .acknowledge_watch_alert_for(
                &s.caseworker,
                inbox.items[0].key.as_str(),
                today(),
                Utc::now(),
            )
            .await
            .expect("acknowledged");
        assert!(
            t.corridor
                .inbox_for(&s.caseworker, today(), InboxFilter::Open)
                .await
                .expect("inbox")
                .items
                .is_empty()
        );

        // The removal is moved two days earlier.
        let case = t
            .corridor
            .case_to_edit(&s.caseworker, id)
            .await
            .expect("case");
        let mut details = corridor_core::CaseDetails::of(&case);
        details.scheduled_removal = Some(day(3));
        t.corridor
            .update_case_for(&s.caseworker, id, case.updated_at, details)
            .await
            .expect("edited");
        let open = t
            .corridor
            .inbox_for(&s.caseworker, today(), InboxFilter::Open)
            .await
            .expect("inbox");
        assert_eq!(open.items.len(), 1, "a new alert");
        assert_eq!(open.items[0].alert.rule, WatchRule::RemovalSoon);
        assert_eq!(open.items[0].alert.on, Some(day(3)));
        assert_eq!(open.items[0].acknowledged, None);
        assert_ne!(open.items[0].key, inbox.items[0].key);
    })
    .await;
}

#[tokio::test]
async fn alert_marks_survive_a_backup_and_restore() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        facing_removal(t, t.organisation, 4).await;
        let gone = removed(t).await;
        let inbox = t
            .corridor
            .inbox_for(&s.caseworker, day(3), InboxFilter::Open)
            .await
            .expect("inbox");
        let removal = inbox
            .items
            .iter()
            .find(|i| i.alert.rule == WatchRule::RemovalSoon)
            .expect("removal");
        let due = inbox
            .items
            .iter()
            .find(|i| i.alert.case == gone)
            .expect("check-in");
        t.corridor
            .acknowledge_watch_alert_for(&s.caseworker, due.key.as_str(), day(3), noon(3))
            .await
            .expect("acknowledged");
        t.corridor
            .assign_watch_alert_for(
                &s.caseworker,
                removal.key.as_str(),
                &username("coco"),
                day(3),
                noon(3),
            )
            .await
            .expect("assigned");

        let snapshot = t.corridor.store().snapshot().await.expect("snapshot");
        assert_eq!(snapshot.watch.alert_marks.len(), 2);
        let dir = tempfile::tempdir().expect("dir");
        let target = SqliteStore::open(&dir.path().join("restored.db"))
            .await
            .expect("open");
        corridor_app::restore_snapshot(&target, &snapshot)
            .await
            .expect("restore");
        let restored = Corridor::unseal(Arc::new(target), PASSPHRASE, programs::default_catalog())
            .await
            .expect("unseal");
        let all = restored
            .inbox_for(&s.caseworker, day(3), InboxFilter::All)
            .await
            .expect("inbox");
        let due = all
            .items
            .iter()
            .find(|i| i.alert.case == gone)
            .expect("check-in");
        assert_eq!(due.acknowledged, Some((username("cara"), noon(3))));
        let mine = restored
            .inbox_for(&s.coordinator, day(3), InboxFilter::Mine)
            .await
            .expect("inbox");
        assert_eq!(mine.items.len(), 1);
        assert_eq!(mine.items[0].alert.rule, WatchRule::RemovalSoon);
        restored.close().await;
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 6. Calendar

#[tokio::test]
async fn the_calendar_has_hearings_removals_check_ins_and_flights_by_case_code_never_names() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let open = add(t, t.organisation, |case| {
            case["us_status"]["hearings"] = json!([{
                "date": day(10).to_string(),
                "kind": "master_calendar",
                "court": "Zzyxova Canary Court",
            }]);
            case["us_status"]["scheduled_removal"] = json!(day(20).to_string());
        })
        .await;
        let gone = removed(t).await;
        let _theirs = facing_removal(t, s.other, 6).await;
        t.corridor
            .report_flight_for(
                &s.caseworker,
                None,
                flight(json!({
                    "source": source(),
                    "departs_on": day(15).to_string(),
                    "on_board": [aboard(open, "medium")],
                })),
                Utc::now(),
            )
            .await
            .expect("flight");

        let events = t
            .corridor
            .calendar_for(&s.caseworker, today(), day(30), today())
            .await
            .expect("calendar");
        let shown: Vec<(CaseId, NaiveDate, CalendarKind)> =
            events.iter().map(|e| (e.case, e.on, e.kind)).collect();
        assert_eq!(
            shown,
            [
                (gone, day(3), CalendarKind::CheckInDue),
                (open, day(10), CalendarKind::Hearing),
                (open, day(15), CalendarKind::RemovalFlight),
                (open, day(20), CalendarKind::ScheduledRemoval),
            ]
        );
        // The window is kept to.
        let later = t
            .corridor
            .calendar_for(&s.caseworker, day(11), day(30), today())
            .await
            .expect("calendar");
        assert_eq!(later.len(), 2);

        let ics = to_ics(&events, Utc::now());
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 4);
        assert!(ics.contains(&case_code(open)), "{ics}");
        assert!(ics.contains(&case_code(gone)), "{ics}");
        for secret in ["Canaryvna", "Zzyxova", &open.to_string(), &gone.to_string()] {
            assert!(!ics.contains(secret), "{secret} in {ics}");
        }

        let error = t
            .corridor
            .calendar_for(&s.verifier, today(), day(30), today())
            .await
            .expect_err("no right");
        assert!(
            matches!(
                error,
                AppError::Forbidden(corridor_core::Permission::CalendarRead)
            ),
            "{error}"
        );
        assert_eq!(
            count(t, AuditAction::CalendarRead, AuditOutcome::Denied).await,
            1
        );
        assert_eq!(
            count(t, AuditAction::CalendarRead, AuditOutcome::Allowed).await,
            2
        );
        let theirs = t
            .corridor
            .calendar_for(&s.outsider, today(), day(30), today())
            .await
            .expect("calendar");
        assert!(theirs.iter().all(|e| e.case != open && e.case != gone));
        assert_eq!(theirs.len(), 1, "their own removal only");
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 7. Counts

#[tokio::test]
async fn the_aggregate_report_is_for_coordinators_and_hides_small_counts() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        for _ in 0..5 {
            removed(t).await;
        }
        let theirs = add(t, s.other, |_| {}).await;
        t.corridor
            .transition(theirs, Stage::Removed)
            .await
            .expect("removed");

        let removals = |rows: &[corridor_core::report::AggregateRow]| {
            rows.iter()
                .find(|r| r.milestone == Milestone::Removed && r.month == Month::of(today()))
                .map(|r| r.count)
        };
        let ours = t
            .corridor
            .aggregate_report(Custodian::User(&s.coordinator))
            .await
            .expect("report");
        assert_eq!(removals(&ours), Some(Count::Exact(5)));
        let everyone = t
            .corridor
            .aggregate_report(Custodian::Operator)
            .await
            .expect("report");
        assert_eq!(removals(&everyone), Some(Count::Exact(6)));
        assert_eq!(
            count(t, AuditAction::Export, AuditOutcome::Allowed).await,
            2
        );

        let error = t
            .corridor
            .aggregate_report(Custodian::User(&s.caseworker))
            .await
            .expect_err("no right");
        assert!(
            matches!(
                error,
                AppError::Forbidden(corridor_core::Permission::ReportExport)
            ),
            "{error}"
        );
        assert_eq!(count(t, AuditAction::Export, AuditOutcome::Denied).await, 1);

        // Their single removal is only "<5" in their own report.
        let olga = t
            .member(&s.caseworker, s.other, "olga", Role::Coordinator)
            .await;
        let report = t
            .corridor
            .aggregate_report(Custodian::User(&olga))
            .await
            .expect("report");
        assert_eq!(removals(&report), Some(Count::FewerThanFive));
    })
    .await;
}

/// The dashboard's count of `milestone` in each of its months.
async fn trend(
    t: &TestCorridor,
    who: &Principal,
    on: NaiveDate,
    milestone: Milestone,
) -> (Vec<Month>, Vec<u64>) {
    let dashboard = t.corridor.dashboard(who, on).await.expect("dashboard");
    let series = dashboard
        .trends
        .counts
        .iter()
        .find(|(m, _)| *m == milestone)
        .map(|(_, counts)| counts.clone())
        .expect("series");
    (dashboard.trends.months, series)
}

#[tokio::test]
async fn the_dashboard_trends_count_a_removal_in_this_month() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let (months, before) = trend(t, &s.coordinator, today(), Milestone::Removed).await;
        assert_eq!(months.len(), corridor_app::TREND_MONTHS);
        assert_eq!(months.last(), Some(&Month::of(today())));
        assert!(before.iter().all(|n| *n == 0));

        removed(t).await;
        let theirs = add(t, s.other, |_| {}).await;
        t.corridor
            .transition(theirs, Stage::Removed)
            .await
            .expect("removed");
        let (_, after) = trend(t, &s.caseworker, today(), Milestone::Removed).await;
        assert_eq!(after.last(), Some(&1), "ours, not theirs");
        assert_eq!(after.iter().sum::<u64>(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_removal_is_counted_once_even_after_lost_contact_and_back() {
    on_each_engine(async |t| {
        let s = staff(t).await;
        let id = removed(t).await;
        assert_eq!(
            t.corridor
                .sweep_lost_contact(noon(13))
                .await
                .expect("sweep"),
            [id]
        );
        t.corridor
            .record_check_in_for(
                &s.caseworker,
                id,
                day(14),
                CheckInChannel::Phone,
                None,
                noon(14),
            )
            .await
            .expect("back in touch");
        assert_eq!(stage_of(t, id).await, Stage::Removed);

        let (_, removals) = trend(t, &s.coordinator, day(14), Milestone::Removed).await;
        assert_eq!(
            removals.iter().sum::<u64>(),
            1,
            "one person removed once: {removals:?}"
        );
        let rows = t
            .corridor
            .aggregate_report(Custodian::Operator)
            .await
            .expect("report");
        let removal_rows = rows
            .iter()
            .filter(|r| r.milestone == Milestone::Removed)
            .count();
        assert_eq!(removal_rows, 1, "{rows:?}");
    })
    .await;
}

/// A unique canary in every free text the watch keeps (a flight report's source and note, a
/// check-in's note, a field report's source and details) is read back through the app and
/// found nowhere in the database files: all of it is sealed.
#[tokio::test]
async fn the_watch_seals_every_free_text_it_keeps() {
    let t = TestCorridor::new().await;
    let s = staff(&t).await;
    let canary = format!("Qzwatchcanary{}", uuid::Uuid::new_v4().simple());
    let id = removed(&t).await;
    let detained = add(&t, t.organisation, |v| {
        v["us_status"]["custody"] = json!("detained");
    })
    .await;
    let now = Utc::now();
    let flight_id = t
        .corridor
        .report_flight_for(
            &s.caseworker,
            None,
            flight(json!({
                "source": { "kind": "other", "reference": format!("{canary} at the gate") },
                "departs_on": (now.date_naive() + Duration::days(3)).to_string(),
                "destination": "CAI",
                "on_board": [{ "case": detained, "confidence": "high" }],
                "note": format!("{canary} saw the manifest"),
            })),
            now,
        )
        .await
        .expect("flight");
    t.corridor
        .record_check_in_for(
            &s.caseworker,
            id,
            now.date_naive(),
            CheckInChannel::Messenger,
            Some(&format!("{canary} is safe")),
            now,
        )
        .await
        .expect("check-in");
    t.corridor
        .record_field_report_for(
            &s.caseworker,
            id,
            FieldReportKind::Released,
            None,
            corridor_core::Source::new(
                corridor_core::SourceKind::Family,
                &format!("{canary}'s sister"),
            )
            .expect("source"),
            corridor_core::Confidence::Medium,
            Some(&format!("{canary} released after questioning")),
        )
        .await
        .expect("field report");

    // Read back whole through the app...
    let view = t
        .corridor
        .flight_for(&s.caseworker, flight_id)
        .await
        .expect("flight");
    let report = &view.flight.reports()[0];
    assert!(report.source().reference().contains(&canary));
    assert!(report.note().is_some_and(|n| n.contains(&canary)));
    let monitoring = t
        .corridor
        .monitoring_for(&s.caseworker, id, now.date_naive())
        .await
        .expect("read")
        .expect("watched");
    assert!(
        monitoring.check_ins[0]
            .check_in
            .note()
            .is_some_and(|n| n.contains(&canary))
    );
    // ...and nowhere on disk.
    assert!(
        !crate::support::contains(&t.disk_bytes(), canary.as_bytes()),
        "the canary is on disk"
    );
    // Nor in the calendar feed.
    let events = t
        .corridor
        .calendar_for(
            &s.caseworker,
            now.date_naive() - Duration::days(30),
            now.date_naive() + Duration::days(30),
            now.date_naive(),
        )
        .await
        .expect("calendar");
    assert!(!to_ics(&events, now).contains(&canary));
}
