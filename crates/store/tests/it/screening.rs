//! What every `Store` must do with the screening review queue. Each check gets a fresh store.

use corridor_core::{AlertId, AlertStatus, CaseId, OrgId, UserId, Verdict};
use corridor_crypto::{FieldAddress, Sealed};
use corridor_store::{AlertDecision, AlertFilter, AlertRow, CaseStore, Store, StoreError};

use crate::accounts::org_and_user;
use crate::support::{Spec, at, root_key};

fn sealed(text: &str) -> Sealed {
    root_key().seal(
        FieldAddress::new("screening_alerts", "facts", "test"),
        text.as_bytes(),
    )
}

fn alert(case_id: CaseId, organisation: OrgId, day: u32) -> AlertRow {
    AlertRow {
        id: AlertId::random(),
        case_id,
        organisation,
        status: AlertStatus::Pending,
        raised_at: at(day),
        facts: sealed("facts"),
        decided_at: None,
        decided_by: None,
        reason: None,
    }
}

fn decision(id: AlertId, verdict: Verdict, by: UserId, day: u32) -> AlertDecision {
    AlertDecision {
        id,
        verdict,
        by,
        at: at(day),
        reason: sealed("reason"),
    }
}

/// An organisation with a user and two live cases.
async fn setup(store: &dyn Store) -> (OrgId, UserId, CaseId, CaseId) {
    let (org, user) = org_and_user(store, "analyst").await;
    let root = root_key();
    let one = Spec::new(org).build(&root);
    let two = Spec::new(org).build(&root);
    let ids = (one.columns.id, two.columns.id);
    store.insert_cases(&[one, two]).await.expect("cases");
    (org, user.user.id, ids.0, ids.1)
}

pub async fn alerts_are_raised_read_back_exactly_and_filtered(store: &dyn Store) {
    let (org, _, one, two) = setup(store).await;
    let (other_org, _) = org_and_user(store, "other").await;
    let other = Spec::new(other_org).build(&root_key());
    let other_case = other.columns.id;
    store.insert_cases(&[other]).await.expect("case");
    let a1 = alert(one, org, 1);
    let a2 = alert(two, org, 3);
    let a3 = alert(one, org, 2);
    let foreign = alert(other_case, other_org, 4);
    let lapsed = store
        .record_screening(
            &[a1.clone(), a2.clone(), a3.clone(), foreign.clone()],
            &[],
            at(5),
        )
        .await
        .expect("raise");
    assert_eq!(lapsed, 0);

    assert_eq!(
        store.screening_alert(a1.id).await.expect("read"),
        Some(a1.clone())
    );
    assert_eq!(
        store
            .screening_alert(AlertId::random())
            .await
            .expect("read"),
        None
    );
    let of_org = AlertFilter {
        organisation: Some(org),
        ..AlertFilter::default()
    };
    assert_eq!(
        store.screening_alerts(&of_org).await.expect("list"),
        vec![a2.clone(), a3.clone(), a1.clone()],
        "newest first, only the organisation's"
    );
    let of_case = AlertFilter {
        case: Some(one),
        ..AlertFilter::default()
    };
    assert_eq!(
        store.screening_alerts(&of_case).await.expect("list"),
        vec![a3.clone(), a1.clone()]
    );
    let decided = AlertFilter {
        status: Some(AlertStatus::Match),
        ..of_org.clone()
    };
    assert!(
        store
            .screening_alerts(&decided)
            .await
            .expect("list")
            .is_empty()
    );
    assert_eq!(
        store
            .screening_alerts(&AlertFilter::default())
            .await
            .expect("all")
            .len(),
        4
    );
}

pub async fn a_screening_for_a_case_that_is_not_live_writes_nothing(store: &dyn Store) {
    let (org, _, one, two) = setup(store).await;
    let pending = alert(one, org, 1);
    store
        .record_screening(std::slice::from_ref(&pending), &[], at(1))
        .await
        .expect("raise");

    let good = alert(two, org, 2);
    let orphan = alert(CaseId::random(), org, 2);
    let err = store
        .record_screening(&[good.clone(), orphan.clone()], &[pending.id], at(2))
        .await
        .expect_err("unknown case");
    assert!(
        matches!(err, StoreError::CaseNotFound(id) if id == orphan.case_id),
        "{err}"
    );
    assert_eq!(store.screening_alert(good.id).await.expect("read"), None);
    assert_eq!(
        store.screening_alert(pending.id).await.expect("read"),
        Some(pending.clone()),
        "the lapse in the failed screening was rolled back"
    );

    store.purge_case(two, at(3)).await.expect("purge");
    let err = store
        .record_screening(&[alert(two, org, 4)], &[], at(4))
        .await
        .expect_err("purged case");
    assert!(matches!(err, StoreError::CaseNotFound(_)), "{err}");
}

pub async fn lapsing_touches_only_pending_alerts(store: &dyn Store) {
    let (org, user, one, _) = setup(store).await;
    let pending = alert(one, org, 1);
    let decided = alert(one, org, 1);
    store
        .record_screening(&[pending.clone(), decided.clone()], &[], at(1))
        .await
        .expect("raise");
    store
        .decide_alert(&decision(decided.id, Verdict::NoMatch, user, 2))
        .await
        .expect("decide");

    let lapsed = store
        .record_screening(&[], &[pending.id, decided.id, AlertId::random()], at(3))
        .await
        .expect("lapse");
    assert_eq!(lapsed, 1);
    let read = store
        .screening_alert(pending.id)
        .await
        .expect("read")
        .expect("alert");
    assert_eq!(read.status, AlertStatus::Lapsed);
    assert_eq!(read.decided_at, Some(at(3)));
    assert_eq!((read.decided_by, read.reason), (None, None));
    let read = store
        .screening_alert(decided.id)
        .await
        .expect("read")
        .expect("alert");
    assert_eq!(read.status, AlertStatus::NoMatch, "a decision never lapses");
    assert_eq!(read.decided_at, Some(at(2)));
}

pub async fn an_alert_is_decided_once_and_only_while_pending(store: &dyn Store) {
    let (org, user, one, _) = setup(store).await;
    let first = alert(one, org, 1);
    let second = alert(one, org, 1);
    store
        .record_screening(&[first.clone(), second.clone()], &[], at(1))
        .await
        .expect("raise");

    let made = decision(first.id, Verdict::Match, user, 2);
    store.decide_alert(&made).await.expect("decide");
    let read = store
        .screening_alert(first.id)
        .await
        .expect("read")
        .expect("alert");
    assert_eq!(read.status, AlertStatus::Match);
    assert_eq!(read.decided_by, Some(user));
    assert_eq!(read.decided_at, Some(at(2)));
    assert_eq!(read.reason, Some(made.reason.clone()));

    let err = store
        .decide_alert(&decision(first.id, Verdict::NoMatch, user, 3))
        .await
        .expect_err("already decided");
    assert!(
        matches!(err, StoreError::AlertNotPending { id, status: AlertStatus::Match } if id == first.id),
        "{err}"
    );
    assert_eq!(
        store
            .screening_alert(first.id)
            .await
            .expect("read")
            .map(|a| a.status),
        Some(AlertStatus::Match),
        "the first decision stands"
    );

    let unknown = AlertId::random();
    let err = store
        .decide_alert(&decision(unknown, Verdict::Match, user, 3))
        .await
        .expect_err("unknown");
    assert!(
        matches!(err, StoreError::AlertNotFound(id) if id == unknown),
        "{err}"
    );

    store
        .decide_alert(&decision(second.id, Verdict::NoMatch, UserId::random(), 3))
        .await
        .expect_err("the analyst must exist");
    assert_eq!(
        store.screening_alert(second.id).await.expect("read"),
        Some(second.clone()),
        "a failed decision changes nothing"
    );

    store
        .record_screening(&[], &[second.id], at(4))
        .await
        .expect("lapse");
    let err = store
        .decide_alert(&decision(second.id, Verdict::Match, user, 5))
        .await
        .expect_err("lapsed");
    assert!(
        matches!(
            err,
            StoreError::AlertNotPending {
                status: AlertStatus::Lapsed,
                ..
            }
        ),
        "{err}"
    );
}

pub async fn purging_a_case_destroys_its_alerts_and_snapshots_carry_the_rest(store: &dyn Store) {
    let (org, user, one, two) = setup(store).await;
    let gone = alert(one, org, 1);
    let kept = alert(two, org, 2);
    let decided = alert(two, org, 1);
    store
        .record_screening(&[gone.clone(), kept.clone(), decided.clone()], &[], at(2))
        .await
        .expect("raise");
    store
        .decide_alert(&decision(decided.id, Verdict::NoMatch, user, 3))
        .await
        .expect("decide");
    store.purge_case(one, at(4)).await.expect("purge");
    assert_eq!(store.screening_alert(gone.id).await.expect("read"), None);

    let snapshot = store.snapshot().await.expect("snapshot");
    let ids: Vec<AlertId> = snapshot.screening_alerts.iter().map(|a| a.id).collect();
    assert_eq!(
        ids,
        vec![decided.id, kept.id],
        "oldest first, the purged case's gone"
    );
    let fresh = crate::support::TestSqlite::new().await;
    fresh.store.load_snapshot(&snapshot).await.expect("load");
    assert_eq!(fresh.store.snapshot().await.expect("snapshot"), snapshot);
}

pub async fn sealed_people_are_the_live_cases(store: &dyn Store) {
    let (org, _, one, two) = setup(store).await;
    store.purge_case(one, at(1)).await.expect("purge");
    let people = store.sealed_people().await.expect("people");
    assert_eq!(people.len(), 1);
    assert_eq!((people[0].id, people[0].organisation), (two, org));
    let stored = match store.case(two).await.expect("read") {
        Some(corridor_store::StoredCase::Live(record)) => record,
        other => panic!("not live: {other:?}"),
    };
    assert_eq!(people[0].person, stored.sealed.person);
    assert_eq!(people[0].wrapped_key, stored.wrapped_key);
}
