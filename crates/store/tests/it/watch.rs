//! What every `Store` must do with the removal watch: flights, their reports and passengers,
//! check-ins, and alert marks.

use corridor_core::{CaseId, CheckInId, Confidence, FlightId, FlightReportId, OrgId, Role, UserId};
use corridor_crypto::{FieldAddress, Sealed};
use corridor_store::{
    AlertMarkRow, Assignment, CaseStore as _, CheckInRow, FlightReportRow, FlightRow, PassengerRow,
    Store, StoreError, WatchStore as _,
};

use crate::accounts::{org_and_user, user_record};
use crate::support::{Spec, at, date, organisation, root_key};

fn sealed(table: &str, text: &str) -> Sealed {
    root_key().seal(FieldAddress::new(table, "body", "test"), text.as_bytes())
}

fn flight(organisation: OrgId, day: u32) -> FlightRow {
    FlightRow {
        id: FlightId::random(),
        organisation,
        created_at: at(day),
    }
}

fn report(flight: FlightId, position: u32, day: u32) -> FlightReportRow {
    FlightReportRow {
        id: FlightReportId::random(),
        flight,
        position,
        recorded_at: at(day),
        body: sealed("flight_reports", &format!("report {position}")),
    }
}

fn passenger(report: &FlightReportRow, case_id: CaseId, confidence: Confidence) -> PassengerRow {
    PassengerRow {
        report: report.id,
        flight: report.flight,
        case_id,
        confidence,
    }
}

fn check_in(case_id: CaseId, on: (i32, u32, u32), day: u32) -> CheckInRow {
    CheckInRow {
        id: CheckInId::random(),
        case_id,
        on_date: date(on.0, on.1, on.2),
        recorded_at: at(day),
        body: sealed("check_ins", "channel, note, who"),
    }
}

fn mark(organisation: OrgId, key: u8, case_id: CaseId) -> AlertMarkRow {
    AlertMarkRow {
        organisation,
        alert_key: vec![key; 32],
        case_id,
        acknowledged: None,
        assigned: None,
    }
}

/// Stores `n` live cases of `organisation`.
async fn cases(store: &dyn Store, organisation: OrgId, n: usize) -> Vec<CaseId> {
    let root = root_key();
    let records: Vec<_> = (0..n)
        .map(|_| Spec::new(organisation).build(&root))
        .collect();
    let ids = records.iter().map(|r| r.columns.id).collect();
    store.insert_cases(&records).await.expect("cases");
    ids
}

/// A flight of `organisation` with a first report carrying `on_board`, stored.
async fn stored_flight(
    store: &dyn Store,
    organisation: OrgId,
    day: u32,
    on_board: &[CaseId],
) -> (FlightRow, FlightReportRow, Vec<PassengerRow>) {
    let flight = flight(organisation, day);
    let first = report(flight.id, 0, day);
    let passengers: Vec<_> = on_board
        .iter()
        .map(|case| passenger(&first, *case, Confidence::Medium))
        .collect();
    store
        .insert_flight(&flight, &first, &passengers)
        .await
        .expect("flight");
    (flight, first, passengers)
}

fn by_case(mut passengers: Vec<PassengerRow>) -> Vec<PassengerRow> {
    passengers.sort_by_key(|p| p.case_id);
    passengers
}

pub async fn watch_rows_round_trip_exactly(store: &dyn Store) {
    let (org, alice) = org_and_user(store, "alice").await;
    let ids = cases(store, org, 3).await;
    let (flight, first, first_passengers) = stored_flight(store, org, 1, &ids[..2]).await;
    assert_eq!(
        store.flight(flight.id).await.expect("read"),
        Some(flight.clone())
    );
    assert_eq!(store.flight(FlightId::random()).await.expect("read"), None);

    let second = report(flight.id, 1, 2);
    let second_passengers = vec![
        passenger(&second, ids[2], Confidence::Confirmed),
        passenger(&second, ids[0], Confidence::High),
    ];
    store
        .add_flight_report(&second, &second_passengers)
        .await
        .expect("second report");
    let (reports, passengers) = store.flight_reports(flight.id).await.expect("reports");
    assert_eq!(
        reports,
        vec![first, second],
        "in position order, bodies intact"
    );
    let mut expected = by_case(first_passengers);
    expected.extend(by_case(second_passengers));
    assert_eq!(passengers, expected, "by report position, then case id");
    assert_eq!(
        store
            .flight_reports(FlightId::random())
            .await
            .expect("read"),
        (vec![], vec![])
    );

    let visit = check_in(ids[0], (2026, 2, 1), 3);
    store.insert_check_in(&visit).await.expect("check-in");
    assert_eq!(store.check_ins(ids[0]).await.expect("read"), vec![visit]);

    let row = AlertMarkRow {
        acknowledged: Some((alice.user.id, at(4))),
        assigned: Some(Assignment {
            to: alice.user.id,
            by: alice.user.id,
            at: at(5),
        }),
        ..mark(org, 7, ids[1])
    };
    store.put_alert_mark(&row).await.expect("mark");
    assert_eq!(store.alert_marks(org).await.expect("read"), vec![row]);
}

pub async fn a_flight_is_written_whole_or_not_at_all(store: &dyn Store) {
    let org = organisation("Watchers");
    store.insert_organisation(&org).await.expect("org");
    let ids = cases(store, org.id, 2).await;
    store.purge_case(ids[1], at(1)).await.expect("purge");

    // An organisation that does not exist.
    let stray = flight(OrgId::random(), 2);
    let first = report(stray.id, 0, 2);
    let error = store
        .insert_flight(
            &stray,
            &first,
            &[passenger(&first, ids[0], Confidence::Low)],
        )
        .await
        .expect_err("no such organisation");
    assert!(
        matches!(error, StoreError::OrganisationNotFound(id) if id == stray.organisation),
        "{error}"
    );
    assert_eq!(store.flight(stray.id).await.expect("read"), None);

    // A passenger whose case is purged, or was never stored, after a live one.
    for missing in [ids[1], CaseId::random()] {
        let flight = flight(org.id, 3);
        let first = report(flight.id, 0, 3);
        let passengers = [
            passenger(&first, ids[0], Confidence::High),
            passenger(&first, missing, Confidence::High),
        ];
        let error = store
            .insert_flight(&flight, &first, &passengers)
            .await
            .expect_err("a passenger is not live");
        assert!(
            matches!(error, StoreError::CaseNotFound(id) if id == missing),
            "{error}"
        );
        assert_eq!(store.flight(flight.id).await.expect("read"), None);
        assert_eq!(
            store.flight_reports(flight.id).await.expect("read"),
            (vec![], vec![])
        );
    }
    assert_eq!(store.flights(None).await.expect("list"), vec![]);
    assert_eq!(store.passengers(None).await.expect("list"), vec![]);

    // A first report that names another flight, or is not at position 0.
    let flight_row = flight(org.id, 4);
    let elsewhere = report(FlightId::random(), 0, 4);
    let error = store
        .insert_flight(&flight_row, &elsewhere, &[])
        .await
        .expect_err("report of another flight");
    assert!(
        matches!(error, StoreError::FlightNotFound(id) if id == elsewhere.flight),
        "{error}"
    );
    let error = store
        .insert_flight(&flight_row, &report(flight_row.id, 1, 4), &[])
        .await
        .expect_err("first report at position 1");
    assert!(
        matches!(error, StoreError::FlightReportConflict(id) if id == flight_row.id),
        "{error}"
    );
    assert_eq!(store.flight(flight_row.id).await.expect("read"), None);
}

pub async fn flight_reports_take_the_next_position_only(store: &dyn Store) {
    let org = organisation("Reporters");
    store.insert_organisation(&org).await.expect("org");
    let ids = cases(store, org.id, 2).await;
    let (flight, first, first_passengers) = stored_flight(store, org.id, 1, &ids[..1]).await;
    let before = store.flight_reports(flight.id).await.expect("read");

    // Position 0 is taken; position 2 skips one; a passenger that is not live spoils a report
    // at the right position: each writes nothing.
    for (position, on_board) in [(0, ids[1]), (2, ids[1]), (1, CaseId::random())] {
        let late = report(flight.id, position, 2);
        let error = store
            .add_flight_report(&late, &[passenger(&late, on_board, Confidence::Low)])
            .await
            .expect_err("refused");
        if position == 1 {
            assert!(
                matches!(error, StoreError::CaseNotFound(id) if id == on_board),
                "{error}"
            );
        } else {
            assert!(
                matches!(error, StoreError::FlightReportConflict(id) if id == flight.id),
                "{error}"
            );
        }
        assert_eq!(store.flight_reports(flight.id).await.expect("read"), before);
    }

    let nowhere = report(FlightId::random(), 0, 2);
    let error = store
        .add_flight_report(&nowhere, &[])
        .await
        .expect_err("no such flight");
    assert!(
        matches!(error, StoreError::FlightNotFound(id) if id == nowhere.flight),
        "{error}"
    );
    assert_eq!(store.flight(nowhere.flight).await.expect("read"), None);

    // Two reports racing for position 1: one lands, the other is told to read again.
    let one = report(flight.id, 1, 3);
    let other = report(flight.id, 1, 3);
    let one_passengers = [passenger(&one, ids[1], Confidence::High)];
    let other_passengers = [passenger(&other, ids[0], Confidence::High)];
    let (a, b) = tokio::join!(
        store.add_flight_report(&one, &one_passengers),
        store.add_flight_report(&other, &other_passengers),
    );
    let (landed, landed_passengers) = match (a, b) {
        (Ok(()), Err(StoreError::FlightReportConflict(id))) if id == flight.id => {
            (one, one_passengers)
        }
        (Err(StoreError::FlightReportConflict(id)), Ok(())) if id == flight.id => {
            (other, other_passengers)
        }
        outcome => panic!("exactly one report lands: {outcome:?}"),
    };
    let mut passengers = first_passengers;
    passengers.extend(landed_passengers);
    assert_eq!(
        store.flight_reports(flight.id).await.expect("read"),
        (vec![first, landed], passengers)
    );
}

pub async fn flights_and_passengers_are_listed_per_organisation(store: &dyn Store) {
    let ours = organisation("Ours");
    let theirs = organisation("Theirs");
    for org in [&ours, &theirs] {
        store.insert_organisation(org).await.expect("org");
    }
    let our_cases = cases(store, ours.id, 2).await;
    let their_cases = cases(store, theirs.id, 1).await;
    let (late, late_report, _) = stored_flight(store, ours.id, 5, &our_cases[..1]).await;
    let (early, _, early_passengers) = stored_flight(store, ours.id, 1, &our_cases).await;
    let (foreign, _, foreign_passengers) = stored_flight(store, theirs.id, 3, &their_cases).await;
    let again = report(late.id, 1, 6);
    let again_passengers = [passenger(&again, our_cases[1], Confidence::Confirmed)];
    store
        .add_flight_report(&again, &again_passengers)
        .await
        .expect("report");

    assert_eq!(
        store.flights(Some(ours.id)).await.expect("list"),
        vec![early.clone(), late.clone()],
        "oldest first"
    );
    assert_eq!(
        store.flights(Some(theirs.id)).await.expect("list"),
        vec![foreign.clone()]
    );
    assert_eq!(
        store.flights(Some(OrgId::random())).await.expect("list"),
        vec![]
    );
    assert_eq!(
        store.flights(None).await.expect("list"),
        vec![early, foreign, late.clone()]
    );

    let mut ours_expected = by_case(early_passengers);
    ours_expected.push(passenger(&late_report, our_cases[0], Confidence::Medium));
    ours_expected.extend(again_passengers);
    assert_eq!(
        store.passengers(Some(ours.id)).await.expect("list"),
        ours_expected
    );
    assert_eq!(
        store.passengers(Some(theirs.id)).await.expect("list"),
        foreign_passengers
    );
    assert_eq!(store.passengers(None).await.expect("list").len(), 5);
}

pub async fn check_ins_are_ordered_and_need_a_live_case(store: &dyn Store) {
    let org = organisation("Callers");
    store.insert_organisation(&org).await.expect("org");
    let ids = cases(store, org.id, 3).await;
    let later = check_in(ids[0], (2026, 3, 2), 1);
    let same_day_late = check_in(ids[0], (2026, 3, 1), 5);
    let same_day_early = check_in(ids[0], (2026, 3, 1), 2);
    let other = check_in(ids[1], (2026, 1, 1), 1);
    for row in [&later, &same_day_late, &same_day_early, &other] {
        store.insert_check_in(row).await.expect("check-in");
    }
    assert_eq!(
        store.check_ins(ids[0]).await.expect("read"),
        vec![same_day_early, same_day_late, later],
        "by date, then by when recorded; only the case's"
    );
    assert_eq!(store.check_ins(ids[2]).await.expect("read"), vec![]);

    store.purge_case(ids[2], at(6)).await.expect("purge");
    for case in [ids[2], CaseId::random()] {
        let row = check_in(case, (2026, 4, 1), 7);
        let error = store.insert_check_in(&row).await.expect_err("not live");
        assert!(
            matches!(error, StoreError::CaseNotFound(id) if id == case),
            "{error}"
        );
        assert_eq!(store.check_ins(case).await.expect("read"), vec![]);
    }
}

pub async fn alert_marks_are_replaced_by_key_and_need_known_users(store: &dyn Store) {
    let (org, alice) = org_and_user(store, "alice").await;
    let bob = user_record(org, "bob", Role::Caseworker);
    store.create_user(&bob).await.expect("bob");
    let (other_org, carol) = org_and_user(store, "carol").await;
    let ids = cases(store, org, 2).await;
    let their_case = cases(store, other_org, 1).await[0];
    let (alice, bob, carol) = (alice.user.id, bob.user.id, carol.user.id);

    let acknowledged = AlertMarkRow {
        acknowledged: Some((alice, at(1))),
        ..mark(org, 2, ids[0])
    };
    store
        .put_alert_mark(&acknowledged)
        .await
        .expect("acknowledge");
    let assigned = AlertMarkRow {
        assigned: Some(Assignment {
            to: bob,
            by: alice,
            at: at(2),
        }),
        ..acknowledged.clone()
    };
    store.put_alert_mark(&assigned).await.expect("assign");
    let unmarked = mark(org, 1, ids[1]);
    store.put_alert_mark(&unmarked).await.expect("plain mark");
    let elsewhere = AlertMarkRow {
        acknowledged: Some((carol, at(3))),
        ..mark(other_org, 2, their_case)
    };
    store
        .put_alert_mark(&elsewhere)
        .await
        .expect("same key, other organisation");
    assert_eq!(
        store.alert_marks(org).await.expect("read"),
        vec![unmarked.clone(), assigned.clone()],
        "one row per key, the latest; by key"
    );
    assert_eq!(
        store.alert_marks(other_org).await.expect("read"),
        vec![elsewhere]
    );

    // Unknown users, a case that is not live, an unknown organisation: nothing changes.
    let nobody = UserId::random();
    let refused = [
        AlertMarkRow {
            acknowledged: Some((nobody, at(4))),
            ..unmarked.clone()
        },
        AlertMarkRow {
            assigned: Some(Assignment {
                to: nobody,
                by: alice,
                at: at(4),
            }),
            ..unmarked.clone()
        },
        AlertMarkRow {
            assigned: Some(Assignment {
                to: bob,
                by: nobody,
                at: at(4),
            }),
            ..unmarked.clone()
        },
    ];
    for row in &refused {
        let error = store.put_alert_mark(row).await.expect_err("unknown user");
        assert!(
            matches!(error, StoreError::UserNotFound(id) if id == nobody),
            "{error}"
        );
    }
    let missing = CaseId::random();
    let error = store
        .put_alert_mark(&mark(org, 3, missing))
        .await
        .expect_err("no such case");
    assert!(
        matches!(error, StoreError::CaseNotFound(id) if id == missing),
        "{error}"
    );
    let stray = OrgId::random();
    let error = store
        .put_alert_mark(&mark(stray, 3, ids[0]))
        .await
        .expect_err("no such organisation");
    assert!(
        matches!(error, StoreError::OrganisationNotFound(id) if id == stray),
        "{error}"
    );
    assert_eq!(
        store.alert_marks(org).await.expect("read"),
        vec![unmarked, assigned]
    );
}

pub async fn purging_a_case_removes_it_from_the_watch_but_keeps_the_flights(store: &dyn Store) {
    let (org, alice) = org_and_user(store, "alice").await;
    let ids = cases(store, org, 2).await;
    let (purged, kept) = (ids[0], ids[1]);
    let (flight, first, _) = stored_flight(store, org, 1, &[purged, kept]).await;
    let second = report(flight.id, 1, 2);
    store
        .add_flight_report(&second, &[passenger(&second, purged, Confidence::High)])
        .await
        .expect("report");
    let kept_visit = check_in(kept, (2026, 2, 2), 3);
    for row in [check_in(purged, (2026, 2, 1), 3), kept_visit.clone()] {
        store.insert_check_in(&row).await.expect("check-in");
    }
    let kept_mark = mark(org, 2, kept);
    for row in [
        AlertMarkRow {
            acknowledged: Some((alice.user.id, at(4))),
            ..mark(org, 1, purged)
        },
        kept_mark.clone(),
    ] {
        store.put_alert_mark(&row).await.expect("mark");
    }

    store.purge_case(purged, at(5)).await.expect("purge");
    assert_eq!(
        store.flight(flight.id).await.expect("read"),
        Some(flight.clone())
    );
    assert_eq!(
        store.flight_reports(flight.id).await.expect("read"),
        (
            vec![first.clone(), second],
            vec![passenger(&first, kept, Confidence::Medium)]
        ),
        "both reports stay; only the kept case is on board"
    );
    assert_eq!(
        store.passengers(None).await.expect("list"),
        vec![passenger(&first, kept, Confidence::Medium)]
    );
    assert_eq!(store.check_ins(purged).await.expect("read"), vec![]);
    assert_eq!(store.check_ins(kept).await.expect("read"), vec![kept_visit]);
    assert_eq!(store.alert_marks(org).await.expect("read"), vec![kept_mark]);
}

pub async fn snapshots_carry_the_watch(store: &dyn Store) {
    let (org, alice) = org_and_user(store, "alice").await;
    let other = organisation("Others");
    store.insert_organisation(&other).await.expect("org");
    let ids = cases(store, org, 2).await;
    let their_ids = cases(store, other.id, 1).await;
    let (flight, first, _) = stored_flight(store, org, 1, &ids).await;
    let second = report(flight.id, 1, 2);
    store
        .add_flight_report(&second, &[passenger(&second, ids[1], Confidence::Low)])
        .await
        .expect("report");
    let (foreign, _, _) = stored_flight(store, other.id, 2, &their_ids).await;
    for row in [
        check_in(ids[0], (2026, 2, 1), 3),
        check_in(ids[0], (2026, 1, 20), 3),
        check_in(their_ids[0], (2026, 2, 1), 3),
    ] {
        store.insert_check_in(&row).await.expect("check-in");
    }
    for row in [
        AlertMarkRow {
            acknowledged: Some((alice.user.id, at(4))),
            assigned: Some(Assignment {
                to: alice.user.id,
                by: alice.user.id,
                at: at(4),
            }),
            ..mark(org, 9, ids[0])
        },
        mark(org, 1, ids[1]),
        mark(other.id, 9, their_ids[0]),
    ] {
        store.put_alert_mark(&row).await.expect("mark");
    }

    let snapshot = store.snapshot().await.expect("snapshot");
    let watch = &snapshot.watch;
    assert_eq!(
        (
            watch.flights.len(),
            watch.reports.len(),
            watch.passengers.len(),
            watch.check_ins.len(),
            watch.alert_marks.len()
        ),
        (2, 3, 4, 3, 3)
    );
    let fresh = crate::support::TestSqlite::new().await;
    fresh.store.load_snapshot(&snapshot).await.expect("load");
    assert_eq!(fresh.store.snapshot().await.expect("snapshot"), snapshot);
    for id in [flight.id, foreign.id] {
        assert_eq!(
            fresh.store.flight_reports(id).await.expect("read"),
            store.flight_reports(id).await.expect("read")
        );
    }
    assert_eq!(
        fresh.store.flights(None).await.expect("read"),
        store.flights(None).await.expect("read")
    );
    assert_eq!(
        fresh.store.flight_reports(flight.id).await.expect("read").0,
        vec![first, second]
    );
    assert_eq!(
        fresh.store.check_ins(ids[0]).await.expect("read"),
        store.check_ins(ids[0]).await.expect("read")
    );
    for organisation in [org, other.id] {
        assert_eq!(
            fresh.store.alert_marks(organisation).await.expect("read"),
            store.alert_marks(organisation).await.expect("read")
        );
    }
}
