//! What every `Store` must do. Each check gets a fresh, empty store.

use corridor_core::{Custody, RiskLevel, Stage};
use corridor_crypto::{KdfParams, RootKey};
use corridor_store::{CaseFilter, CaseStore, Page, Snapshot, Store, StoreError, StoredCase};

use crate::support::{Spec, at, date, hearing, organisation, root_key};

pub async fn keyring_is_written_once(store: &dyn Store) {
    assert_eq!(store.keyring().await.expect("read"), None);
    let (_, header) = RootKey::create(b"one", KdfParams::INSECURE_FAST_FOR_TESTS).expect("key");
    store.init_keyring(&header).await.expect("first init");
    assert_eq!(store.keyring().await.expect("read"), Some(header.clone()));

    let (_, other) = RootKey::create(b"two", KdfParams::INSECURE_FAST_FOR_TESTS).expect("key");
    let err = store
        .init_keyring(&other)
        .await
        .expect_err("second init must fail");
    assert!(matches!(err, StoreError::AlreadyInitialised), "{err}");
    assert_eq!(
        store.keyring().await.expect("read"),
        Some(header),
        "first header kept"
    );
}

pub async fn organisations_round_trip_and_names_are_unique(store: &dyn Store) {
    let b = organisation("Beta Legal Aid");
    let a = organisation("Alpha Exile Network");
    store.insert_organisation(&b).await.expect("insert");
    store.insert_organisation(&a).await.expect("insert");
    assert_eq!(
        store.organisations().await.expect("list"),
        vec![a, b.clone()]
    );

    let twin = organisation("Beta Legal Aid");
    store
        .insert_organisation(&twin)
        .await
        .expect_err("duplicate name");
    assert_eq!(store.organisations().await.expect("list").len(), 2);
}

pub async fn a_case_round_trips_exactly(store: &dyn Store) {
    let org = organisation("Org");
    store.insert_organisation(&org).await.expect("org");
    let root = root_key();
    let mut spec = Spec::new(org.id);
    spec.scheduled_removal = Some(date(2026, 3, 1));
    spec.hearings = vec![hearing(date(2026, 2, 1)), hearing(date(2026, 2, 15))];
    spec.claims = 3;
    let record = spec.build(&root);
    store
        .insert_cases(std::slice::from_ref(&record))
        .await
        .expect("insert");

    match store.case(record.columns.id).await.expect("read") {
        Some(StoredCase::Live(read)) => assert_eq!(*read, record),
        other => panic!("expected the live case, got {other:?}"),
    }
    assert_eq!(
        store
            .case(corridor_core::CaseId::random())
            .await
            .expect("read"),
        None
    );
}

pub async fn a_failing_batch_stores_nothing(store: &dyn Store) {
    let org = organisation("Org");
    store.insert_organisation(&org).await.expect("org");
    let root = root_key();
    let first = Spec::new(org.id).build(&root);
    let second = Spec::new(org.id).build(&root);
    let mut clash = Spec::new(org.id).build(&root);
    // The third case reuses a claim id of the first: the whole batch must be rolled back.
    clash.claims[0].id = first.claims[0].id;
    store
        .insert_cases(&[first.clone(), second.clone(), clash])
        .await
        .expect_err("duplicate claim id");
    assert_eq!(
        store
            .count_cases(&CaseFilter::default())
            .await
            .expect("count"),
        0
    );
    assert_eq!(store.case(first.columns.id).await.expect("read"), None);
    assert_eq!(store.case(second.columns.id).await.expect("read"), None);

    // A case for an organisation that does not exist is refused too.
    let orphan = Spec::new(organisation("Ghost").id).build(&root);
    store
        .insert_cases(&[orphan])
        .await
        .expect_err("unknown organisation");
    assert_eq!(
        store
            .count_cases(&CaseFilter::default())
            .await
            .expect("count"),
        0
    );
}

pub async fn filters_narrow_the_list(store: &dyn Store) {
    let root = root_key();
    let (one, two) = (organisation("One"), organisation("Two"));
    store.insert_organisation(&one).await.expect("org");
    store.insert_organisation(&two).await.expect("org");
    let mut records = Vec::new();
    for (i, (org, stage, custody, risk)) in [
        (one.id, Stage::Intake, Custody::Detained, RiskLevel::Severe),
        (one.id, Stage::Verifying, Custody::Parole, RiskLevel::Low),
        (two.id, Stage::Intake, Custody::Parole, RiskLevel::Severe),
        (
            two.id,
            Stage::Referred,
            Custody::Detained,
            RiskLevel::Elevated,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let mut spec = Spec::new(org);
        spec.stage = stage;
        spec.custody = custody;
        spec.risk_level = risk;
        spec.created_day = u32::try_from(i).expect("small");
        spec.scheduled_removal = Some(date(2026, 1, 10 + u32::try_from(i).expect("small")));
        records.push(spec.build(&root));
    }
    store.insert_cases(&records).await.expect("insert");
    let ids = |filter: CaseFilter| async move {
        let rows = store.list_cases(&filter, Page::ALL).await.expect("list");
        let count = store.count_cases(&filter).await.expect("count");
        assert_eq!(count, rows.len() as u64, "count agrees with the list");
        rows.into_iter().map(|r| r.columns.id).collect::<Vec<_>>()
    };
    let id = |i: usize| records[i].columns.id;

    assert_eq!(
        ids(CaseFilter::default()).await,
        vec![id(3), id(2), id(1), id(0)]
    );
    let f = CaseFilter {
        organisation: Some(one.id),
        ..Default::default()
    };
    assert_eq!(ids(f).await, vec![id(1), id(0)]);
    let f = CaseFilter {
        stage: Some(Stage::Intake),
        ..Default::default()
    };
    assert_eq!(ids(f).await, vec![id(2), id(0)]);
    let f = CaseFilter {
        custody: Some(Custody::Parole),
        ..Default::default()
    };
    assert_eq!(ids(f).await, vec![id(2), id(1)]);
    let f = CaseFilter {
        risk_level: Some(RiskLevel::Severe),
        ..Default::default()
    };
    assert_eq!(ids(f).await, vec![id(2), id(0)]);
    let f = CaseFilter {
        removal_before: Some(date(2026, 1, 11)),
        ..Default::default()
    };
    assert_eq!(ids(f).await, vec![id(1), id(0)]);
    let f = CaseFilter {
        organisation: Some(two.id),
        stage: Some(Stage::Intake),
        risk_level: Some(RiskLevel::Severe),
        custody: Some(Custody::Parole),
        program: Some("test-program".parse().expect("slug")),
        removal_before: Some(date(2026, 12, 31)),
        ..Default::default()
    };
    assert_eq!(ids(f).await, vec![id(2)]);
    let f = CaseFilter {
        program: Some("another".parse().expect("slug")),
        ..Default::default()
    };
    assert_eq!(ids(f).await, Vec::new());
    let f = CaseFilter {
        stage: Some(Stage::Arrived),
        ..Default::default()
    };
    assert_eq!(ids(f).await, Vec::new());

    // The list carries what is needed to show a name, and nothing else sealed.
    let rows = store
        .list_cases(&CaseFilter::default(), Page::ALL)
        .await
        .expect("list");
    assert_eq!(rows[3].names, records[0].sealed.names);
    assert_eq!(rows[3].wrapped_key, records[0].wrapped_key);
}

pub async fn pages_are_newest_first_and_do_not_overlap(store: &dyn Store) {
    let root = root_key();
    let org = organisation("Org");
    store.insert_organisation(&org).await.expect("org");
    let records: Vec<_> = (0..7)
        .map(|day| {
            let mut spec = Spec::new(org.id);
            spec.created_day = day;
            spec.build(&root)
        })
        .collect();
    store.insert_cases(&records).await.expect("insert");
    let mut seen = Vec::new();
    for offset in [0, 3, 6] {
        let page = store
            .list_cases(&CaseFilter::default(), Page::new(offset, 3))
            .await
            .expect("page");
        seen.extend(page.into_iter().map(|r| r.columns.id));
    }
    let expected: Vec<_> = records.iter().rev().map(|r| r.columns.id).collect();
    assert_eq!(seen, expected);
    let past_end = store
        .list_cases(&CaseFilter::default(), Page::new(7, 3))
        .await
        .expect("page");
    assert!(past_end.is_empty());
}

pub async fn hearings_between_lists_live_cases_in_date_order(store: &dyn Store) {
    let root = root_key();
    let org = organisation("Org");
    store.insert_organisation(&org).await.expect("org");
    let mut a = Spec::new(org.id);
    a.hearings = vec![hearing(date(2026, 3, 20)), hearing(date(2026, 1, 5))];
    let mut b = Spec::new(org.id);
    b.hearings = vec![hearing(date(2026, 3, 1))];
    let mut c = Spec::new(org.id);
    c.hearings = vec![hearing(date(2026, 3, 2))];
    let (a, b, c) = (a.build(&root), b.build(&root), c.build(&root));
    store
        .insert_cases(&[a.clone(), b.clone(), c.clone()])
        .await
        .expect("insert");
    store.purge_case(c.columns.id, at(1)).await.expect("purge");

    let found = store
        .hearings_between(date(2026, 3, 1), date(2026, 3, 31))
        .await
        .expect("list");
    let got: Vec<_> = found.iter().map(|h| (h.case_id, h.on_date)).collect();
    assert_eq!(
        got,
        vec![
            (b.columns.id, date(2026, 3, 1)),
            (a.columns.id, date(2026, 3, 20))
        ],
        "inclusive bounds, soonest first, purged case gone"
    );
    assert!(found.iter().all(|h| h.organisation == org.id));
}

pub async fn stage_changes_are_compare_and_set_and_recorded(store: &dyn Store) {
    let root = root_key();
    let org = organisation("Org");
    store.insert_organisation(&org).await.expect("org");
    let record = Spec::new(org.id).build(&root);
    let id = record.columns.id;
    store.insert_cases(&[record]).await.expect("insert");

    store
        .set_stage(id, Stage::Intake, Stage::Documenting, at(2))
        .await
        .expect("move");
    let err = store
        .set_stage(id, Stage::Intake, Stage::Documenting, at(3))
        .await
        .expect_err("stale from-stage");
    assert!(
        matches!(
            err,
            StoreError::StageConflict {
                expected: Stage::Intake,
                ..
            }
        ),
        "{err}"
    );
    let missing = corridor_core::CaseId::random();
    let err = store
        .set_stage(missing, Stage::Intake, Stage::Documenting, at(3))
        .await;
    assert!(matches!(err, Err(StoreError::CaseNotFound(m)) if m == missing));

    let Some(StoredCase::Live(read)) = store.case(id).await.expect("read") else {
        panic!("case gone")
    };
    assert_eq!(read.columns.stage, Stage::Documenting);
    assert_eq!(read.columns.updated_at, at(2));
    let history = store.stage_changes(id).await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].from, history[0].to, history[0].at),
        (Stage::Intake, Stage::Documenting, at(2))
    );
}

pub async fn purge_leaves_only_a_tombstone(store: &dyn Store) {
    let root = root_key();
    let org = organisation("Org");
    store.insert_organisation(&org).await.expect("org");
    let mut spec = Spec::new(org.id);
    spec.hearings = vec![hearing(date(2026, 5, 5))];
    let doomed = spec.build(&root);
    let kept = Spec::new(org.id).build(&root);
    let id = doomed.columns.id;
    store
        .insert_cases(&[doomed.clone(), kept.clone()])
        .await
        .expect("insert");
    store
        .set_stage(id, Stage::Intake, Stage::Withdrawn, at(4))
        .await
        .expect("move");

    let tombstone = store.purge_case(id, at(5)).await.expect("purge");
    assert_eq!(tombstone.id, id);
    assert_eq!(tombstone.organisation, org.id);
    assert_eq!(tombstone.created_at, doomed.columns.created_at);
    assert_eq!(tombstone.purged_at, at(5));
    assert_eq!(
        store.case(id).await.expect("read"),
        Some(StoredCase::Purged(tombstone))
    );
    assert!(store.stage_changes(id).await.expect("history").is_empty());
    let listed = store
        .list_cases(&CaseFilter::default(), Page::ALL)
        .await
        .expect("list");
    assert_eq!(
        listed.iter().map(|r| r.columns.id).collect::<Vec<_>>(),
        vec![kept.columns.id]
    );
    assert_eq!(
        store
            .count_cases(&CaseFilter::default())
            .await
            .expect("count"),
        1
    );
    assert!(
        store
            .hearings_between(date(2026, 1, 1), date(2026, 12, 31))
            .await
            .expect("h")
            .is_empty()
    );

    let snapshot = store.snapshot().await.expect("snapshot");
    let Some(StoredCase::Live(kept_read)) = snapshot
        .cases
        .iter()
        .find(|c| matches!(c, StoredCase::Live(r) if r.columns.id == kept.columns.id))
        .cloned()
    else {
        panic!("kept case missing from snapshot")
    };
    assert_eq!(*kept_read, kept, "the other case is untouched");

    assert!(matches!(store.purge_case(id, at(6)).await, Err(StoreError::CasePurged(p)) if p == id));
    assert!(matches!(
        store
            .set_stage(id, Stage::Withdrawn, Stage::Intake, at(6))
            .await,
        Err(StoreError::CasePurged(_))
    ));
    let missing = corridor_core::CaseId::random();
    assert!(matches!(
        store.purge_case(missing, at(6)).await,
        Err(StoreError::CaseNotFound(_))
    ));
}

pub async fn snapshot_loads_into_an_empty_store_only(store: &dyn Store) {
    let root = root_key();
    let (_, header) = RootKey::create(b"pass", KdfParams::INSECURE_FAST_FOR_TESTS).expect("key");
    store.init_keyring(&header).await.expect("keyring");
    let org = organisation("Org");
    store.insert_organisation(&org).await.expect("org");
    let records: Vec<_> = (0..3).map(|_| Spec::new(org.id).build(&root)).collect();
    store.insert_cases(&records).await.expect("insert");
    store
        .set_stage(
            records[0].columns.id,
            Stage::Intake,
            Stage::Documenting,
            at(1),
        )
        .await
        .expect("move");
    store
        .purge_case(records[1].columns.id, at(2))
        .await
        .expect("purge");

    let snapshot = store.snapshot().await.expect("snapshot");
    assert_eq!(snapshot.keyring, Some(header));
    assert_eq!(snapshot.organisations, vec![org]);
    assert_eq!(snapshot.cases.len(), 3, "two live cases and one tombstone");
    assert_eq!(snapshot.stage_changes.len(), 1);

    // Loading into a store that holds anything is refused, and changes nothing.
    let err = store.load_snapshot(&snapshot).await.expect_err("not empty");
    assert!(matches!(err, StoreError::NotEmpty), "{err}");
    assert_eq!(store.snapshot().await.expect("snapshot"), snapshot);

    // Into an empty SQLite store (what a backup file is) it loads whole, from either engine.
    let fresh = crate::support::TestSqlite::new().await;
    fresh.store.load_snapshot(&snapshot).await.expect("load");
    assert_eq!(fresh.store.snapshot().await.expect("snapshot"), snapshot);
    let empty = Snapshot::default();
    assert_eq!(
        crate::support::TestSqlite::new()
            .await
            .store
            .snapshot()
            .await
            .expect("s"),
        empty
    );
}

pub async fn orders_ids_and_counts(store: &dyn Store) {
    use corridor_store::{CaseCounts, CaseOrder};
    let root = root_key();
    let org = organisation("Org");
    store.insert_organisation(&org).await.expect("org");
    let mut records = Vec::new();
    for (i, (risk, removal, custody)) in [
        (RiskLevel::Low, Some(date(2026, 4, 1)), Custody::Detained),
        (RiskLevel::Severe, None, Custody::Detained),
        (RiskLevel::Elevated, Some(date(2026, 3, 1)), Custody::Parole),
        (RiskLevel::Severe, Some(date(2026, 5, 1)), Custody::Detained),
    ]
    .into_iter()
    .enumerate()
    {
        let mut spec = Spec::new(org.id);
        spec.risk_level = risk;
        spec.scheduled_removal = removal;
        spec.custody = custody;
        spec.created_day = u32::try_from(i).expect("small");
        records.push(spec.build(&root));
    }
    store.insert_cases(&records).await.expect("insert");
    store
        .set_stage(
            records[0].columns.id,
            Stage::Intake,
            Stage::Documenting,
            at(30),
        )
        .await
        .expect("move");
    let id = |i: usize| records[i].columns.id;
    let list = |order: CaseOrder| {
        let filter = CaseFilter {
            order,
            ..Default::default()
        };
        async move {
            let rows = store.list_cases(&filter, Page::ALL).await.expect("list");
            rows.into_iter().map(|r| r.columns.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(
        list(CaseOrder::Newest).await,
        vec![id(3), id(2), id(1), id(0)]
    );
    assert_eq!(
        list(CaseOrder::Oldest).await,
        vec![id(0), id(1), id(2), id(3)]
    );
    assert_eq!(
        list(CaseOrder::RemovalSoonest).await,
        vec![id(2), id(0), id(3), id(1)]
    );
    assert_eq!(
        list(CaseOrder::RiskHighest).await,
        vec![id(3), id(1), id(2), id(0)]
    );
    assert_eq!(list(CaseOrder::RecentlyUpdated).await[0], id(0));

    let only = CaseFilter {
        ids: Some(vec![id(1), id(3)]),
        ..Default::default()
    };
    let rows = store.list_cases(&only, Page::ALL).await.expect("list");
    assert_eq!(
        rows.iter().map(|r| r.columns.id).collect::<Vec<_>>(),
        vec![id(3), id(1)]
    );
    assert_eq!(store.count_cases(&only).await.expect("count"), 2);
    let none = CaseFilter {
        ids: Some(Vec::new()),
        ..Default::default()
    };
    assert!(
        store
            .list_cases(&none, Page::ALL)
            .await
            .expect("list")
            .is_empty()
    );

    let counts = store
        .case_counts(&CaseFilter::default())
        .await
        .expect("counts");
    assert_eq!(
        counts,
        CaseCounts {
            by_stage: vec![(Stage::Intake, 3), (Stage::Documenting, 1)],
            by_custody: vec![(Custody::Detained, 3), (Custody::Parole, 1)],
            by_risk: vec![
                (RiskLevel::Low, 1),
                (RiskLevel::Elevated, 1),
                (RiskLevel::Severe, 2)
            ],
        }
    );
    let detained = CaseFilter {
        custody: Some(Custody::Detained),
        ..Default::default()
    };
    let counts = store.case_counts(&detained).await.expect("counts");
    assert_eq!(counts.by_custody, vec![(Custody::Detained, 3)]);

    store.purge_case(id(0), at(31)).await.expect("purge");
    let removals = store
        .removals_between(date(2026, 3, 1), date(2026, 4, 30))
        .await
        .expect("removals");
    assert_eq!(
        removals
            .iter()
            .map(|r| (r.case_id, r.on_date))
            .collect::<Vec<_>>(),
        vec![(id(2), date(2026, 3, 1))]
    );
}

pub async fn updates_replace_a_live_case_atomically_from_its_current_version(store: &dyn Store) {
    let org = organisation("Org");
    store.insert_organisation(&org).await.expect("org");
    let root = root_key();
    let mut spec = Spec::new(org.id);
    spec.hearings = vec![hearing(date(2026, 2, 1))];
    let original = spec.build(&root);
    let other = Spec::new(org.id).build(&root);
    store
        .insert_cases(&[original.clone(), other.clone()])
        .await
        .expect("insert");
    let id = original.columns.id;

    // The replacement: new sealed values, key, claims and hearings; same id, owner and birth.
    let mut spec = Spec::new(org.id);
    spec.stage = Stage::Documenting;
    spec.custody = Custody::Bond;
    spec.claims = 3;
    spec.hearings = vec![hearing(date(2026, 3, 1)), hearing(date(2026, 3, 9))];
    let mut edited = spec.build(&root);
    edited.columns.id = id;
    edited.columns.created_at = original.columns.created_at;
    edited.columns.updated_at = at(5);

    let stale = store
        .update_case(&edited, at(1))
        .await
        .expect_err("stale version");
    assert!(
        matches!(stale, StoreError::EditConflict(c) if c == id),
        "{stale}"
    );
    assert_eq!(
        store.case(id).await.expect("read"),
        Some(StoredCase::Live(Box::new(original.clone()))),
        "a refused edit changes nothing"
    );

    // A claim id that another case holds fails the whole edit: nothing half-written.
    let mut clash = edited.clone();
    clash.claims[2].id = other.claims[0].id;
    store
        .update_case(&clash, original.columns.updated_at)
        .await
        .expect_err("duplicate claim id");
    assert_eq!(
        store.case(id).await.expect("read"),
        Some(StoredCase::Live(Box::new(original.clone()))),
        "a failed edit is rolled back"
    );
    assert!(
        store.stage_changes(id).await.expect("history").is_empty(),
        "a refused edit records no stage change"
    );

    store
        .update_case(&edited, original.columns.updated_at)
        .await
        .expect("edit");
    // The edit moved the stage: the history says so, as of the edit.
    let history = store.stage_changes(id).await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].from, history[0].to, history[0].at),
        (original.columns.stage, Stage::Documenting, at(5))
    );
    assert_eq!(
        store.case(id).await.expect("read"),
        Some(StoredCase::Live(Box::new(edited.clone())))
    );
    let hearings = store
        .hearings_between(date(2026, 1, 1), date(2026, 12, 31))
        .await
        .expect("hearings");
    let mine: Vec<_> = hearings.iter().filter(|h| h.case_id == id).collect();
    assert_eq!(
        mine.len(),
        2,
        "the old hearing is gone, the new ones are there"
    );
    assert_eq!(
        store.case(other.columns.id).await.expect("read"),
        Some(StoredCase::Live(Box::new(other))),
        "another case is untouched"
    );

    // The owner never changes through an edit.
    let mut moved = edited.clone();
    moved.columns.organisation = organisation("Elsewhere").id;
    let err = store
        .update_case(&moved, edited.columns.updated_at)
        .await
        .expect_err("another owner");
    assert!(matches!(err, StoreError::EditConflict(_)), "{err}");

    let mut missing = edited.clone();
    missing.columns.id = corridor_core::CaseId::random();
    let err = store
        .update_case(&missing, edited.columns.updated_at)
        .await
        .expect_err("unknown case");
    assert!(matches!(err, StoreError::CaseNotFound(_)), "{err}");

    store.purge_case(id, at(9)).await.expect("purge");
    let err = store
        .update_case(&edited, edited.columns.updated_at)
        .await
        .expect_err("purged case");
    assert!(matches!(err, StoreError::CasePurged(c) if c == id), "{err}");
}
