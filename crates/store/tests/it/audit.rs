//! What every store must do with the audit log. Each check gets a fresh, empty store.

use chrono::{DateTime, Duration, TimeZone, Utc};
use corridor_core::{
    Actor, AuditAction, AuditEntry, AuditEvent, AuditEventError, AuditOutcome, CaseId, ChainHead,
    OrgId, UserId, verify_chain_to,
};
use corridor_crypto::{FieldAddress, RootKey, Sealed};
use corridor_store::{AuditFilter, AuditHeadRow, CaseStore, Page, Snapshot, Store, StoreError};

use crate::support::{TestSqlite, at, root_key};

/// Where the tests seal the head; the app decides its own address.
const HEAD: FieldAddress<'static> = FieldAddress::new("audit_head", "seal", "1");

fn sealer(root: &RootKey) -> impl Fn(&ChainHead) -> Sealed + Send + Sync + '_ {
    move |head| root.seal(HEAD, &head.to_bytes())
}

fn event(day: u32, actor: Actor, action: AuditAction) -> AuditEvent {
    AuditEvent::new(at(day), actor, action, AuditOutcome::Allowed)
}

async fn append(store: &dyn Store, root: &RootKey, event: AuditEvent) -> AuditEntry {
    store
        .append_audit(&event, &sealer(root))
        .await
        .expect("append")
}

/// The chain as stored verifies against the head, whose seal opens to that head.
async fn assert_verifies(store: &dyn Store, root: &RootKey, expected: &[AuditEntry]) {
    let chain = store.audit_chain().await.expect("chain");
    assert_eq!(
        chain.entries, expected,
        "entries read back exactly, oldest first"
    );
    assert_eq!(chain.unreadable, None);
    let head = chain.head.expect("readable head");
    let last = expected.last().map(AuditEntry::head).unwrap_or_default();
    assert_eq!(head.head, last);
    match &head.seal {
        None => assert!(
            expected.is_empty(),
            "the head is sealed once there are entries"
        ),
        Some(seal) => {
            let opened = root.open(HEAD, seal).expect("the seal opens");
            assert_eq!(ChainHead::from_bytes(&opened), Some(last));
        }
    }
    let summary = verify_chain_to(chain.entries, last).expect("intact");
    assert_eq!(summary.entries, expected.len() as u64);
}

pub async fn audit_entries_round_trip_exactly(store: &dyn Store) {
    let root = root_key();
    assert_verifies(store, &root, &[]).await;
    assert_eq!(
        store.audit_chain().await.expect("chain").head,
        Some(AuditHeadRow::default()),
        "an empty log's head is the genesis"
    );

    let (user, org, case) = (UserId::random(), OrgId::random(), CaseId::random());
    let nanos = Utc
        .with_ymd_and_hms(2026, 2, 28, 23, 59, 59)
        .single()
        .expect("valid")
        + Duration::nanoseconds(987_654_321);
    let full = AuditEvent::new(
        nanos,
        Actor::User(user),
        AuditAction::CaseRead,
        AuditOutcome::Allowed,
    )
    .with_organisation(org)
    .with_case(case)
    .with_subject(format!("user:{}", UserId::random()))
    .with_address("2001:db8::7".parse().expect("ip"));
    let events = [
        full,
        AuditEvent::new(
            DateTime::from_timestamp_micros(0).expect("epoch"),
            Actor::ApiToken("tok_0123-abc".to_owned()),
            AuditAction::Export,
            AuditOutcome::Denied,
        ),
        AuditEvent::new(
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59)
                .single()
                .expect("valid")
                + Duration::microseconds(999_999),
            Actor::Operator,
            AuditAction::BackupWritten,
            AuditOutcome::Failed,
        )
        .with_address("192.0.2.44".parse().expect("ip")),
        event(1, Actor::Public, AuditAction::PublicIntake).with_case(CaseId::random()),
        event(2, Actor::Anonymous, AuditAction::LoginFailed),
    ];
    let mut appended = Vec::new();
    for event in &events {
        let entry = append(store, &root, event.clone()).await;
        let previous = appended.last();
        assert_eq!(
            entry,
            AuditEntry::seal_next(previous, event.clone()),
            "the store seals exactly as the core does"
        );
        appended.push(entry);
    }
    assert_eq!(
        appended[0].event.at.timestamp_subsec_nanos(),
        987_654_000,
        "kept to the microsecond"
    );
    assert_eq!(
        appended.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5]
    );
    assert_verifies(store, &root, &appended).await;
    let listed = store
        .audit_entries(&AuditFilter::default(), Page::ALL)
        .await
        .expect("list");
    assert_eq!(
        listed,
        appended.iter().rev().cloned().collect::<Vec<_>>(),
        "newest first"
    );
}

pub async fn invalid_audit_events_are_refused_without_a_trace(store: &dyn Store) {
    let root = root_key();
    let named = event(1, Actor::Operator, AuditAction::CaseRead).with_subject("Ivan Petrov");
    let err = store
        .append_audit(&named, &sealer(&root))
        .await
        .expect_err("a name as subject");
    assert!(
        matches!(err, StoreError::InvalidAuditEvent(AuditEventError::Subject)),
        "{err}"
    );
    assert!(!err.to_string().contains("Ivan"), "{err}");
    let mut bad_token = event(
        1,
        Actor::ApiToken("a secret?".to_owned()),
        AuditAction::Export,
    );
    assert!(matches!(
        store.append_audit(&bad_token, &sealer(&root)).await,
        Err(StoreError::InvalidAuditEvent(AuditEventError::TokenId))
    ));
    bad_token.actor = Actor::Operator;
    bad_token.address = Some("example.org".to_owned());
    assert!(matches!(
        store.append_audit(&bad_token, &sealer(&root)).await,
        Err(StoreError::InvalidAuditEvent(AuditEventError::Address))
    ));
    assert_verifies(store, &root, &[]).await;

    let first = append(
        store,
        &root,
        event(2, Actor::Operator, AuditAction::CaseRead),
    )
    .await;
    assert_eq!(first.seq, 1, "refusals leave no gap");
    assert_verifies(store, &root, &[first]).await;
}

pub async fn audit_filters_narrow_newest_first(store: &dyn Store) {
    let root = root_key();
    let (alice, bob) = (Actor::User(UserId::random()), Actor::User(UserId::random()));
    let (one, two) = (OrgId::random(), OrgId::random());
    let (case_a, case_b) = (CaseId::random(), CaseId::random());
    let specs = [
        (
            alice.clone(),
            one,
            Some(case_a),
            AuditAction::CaseRead,
            AuditOutcome::Allowed,
        ),
        (
            bob.clone(),
            one,
            Some(case_a),
            AuditAction::CaseUpdated,
            AuditOutcome::Allowed,
        ),
        (
            alice.clone(),
            two,
            Some(case_b),
            AuditAction::CaseRead,
            AuditOutcome::Denied,
        ),
        (
            bob.clone(),
            two,
            None,
            AuditAction::LoginSucceeded,
            AuditOutcome::Allowed,
        ),
        (
            alice.clone(),
            one,
            None,
            AuditAction::Export,
            AuditOutcome::Allowed,
        ),
        (
            Actor::Anonymous,
            two,
            Some(case_a),
            AuditAction::AccessDenied,
            AuditOutcome::Denied,
        ),
    ];
    let mut entries = Vec::new();
    for (day, (actor, org, case, action, outcome)) in specs.into_iter().enumerate() {
        let mut e = AuditEvent::new(
            at(u32::try_from(day).expect("small")),
            actor,
            action,
            outcome,
        )
        .with_organisation(org);
        e.case = case;
        if action == AuditAction::Export {
            e = e.with_subject("evidence-7");
        }
        entries.push(append(store, &root, e).await);
    }
    let seqs = |filter: AuditFilter| async move {
        store
            .audit_entries(&filter, Page::ALL)
            .await
            .expect("list")
            .iter()
            .map(|e| e.seq)
            .collect::<Vec<_>>()
    };
    assert_eq!(seqs(AuditFilter::default()).await, vec![6, 5, 4, 3, 2, 1]);
    let f = AuditFilter {
        actor: Some(alice.clone()),
        ..Default::default()
    };
    assert_eq!(seqs(f).await, vec![5, 3, 1]);
    let f = AuditFilter {
        case: Some(case_a),
        ..Default::default()
    };
    assert_eq!(seqs(f).await, vec![6, 2, 1]);
    let f = AuditFilter {
        action: Some(AuditAction::CaseRead),
        ..Default::default()
    };
    assert_eq!(seqs(f).await, vec![3, 1]);
    let f = AuditFilter {
        organisation: Some(two),
        ..Default::default()
    };
    assert_eq!(seqs(f).await, vec![6, 4, 3]);
    let f = AuditFilter {
        outcome: Some(AuditOutcome::Denied),
        ..Default::default()
    };
    assert_eq!(seqs(f).await, vec![6, 3]);
    let f = AuditFilter {
        actor: Some(alice),
        organisation: Some(one),
        case: Some(case_a),
        action: Some(AuditAction::CaseRead),
        outcome: Some(AuditOutcome::Allowed),
        subject: None,
    };
    assert_eq!(seqs(f).await, vec![1]);
    let f = AuditFilter {
        subject: Some("evidence-7".to_owned()),
        ..Default::default()
    };
    assert_eq!(seqs(f).await, vec![5]);
    let f = AuditFilter {
        actor: Some(Actor::Public),
        ..Default::default()
    };
    assert_eq!(seqs(f).await, Vec::<u64>::new());
    let f = AuditFilter {
        case: Some(CaseId::random()),
        ..Default::default()
    };
    assert_eq!(seqs(f).await, Vec::<u64>::new());

    let mut paged = Vec::new();
    for offset in [0, 4, 8] {
        let page = store
            .audit_entries(&AuditFilter::default(), Page::new(offset, 4))
            .await
            .expect("page");
        paged.extend(page);
    }
    assert_eq!(paged, entries.iter().rev().cloned().collect::<Vec<_>>());
}

pub async fn concurrent_appends_make_one_gapless_chain(store: &dyn Store) {
    const TASKS: u64 = 8;
    const EACH: u64 = 12;
    let root = root_key();
    let task = |task: u64| {
        let root = &root;
        async move {
            let mut mine = Vec::new();
            for i in 0..EACH {
                let e = event(1, Actor::Operator, AuditAction::CaseRead)
                    .with_subject(format!("task-{task}-{i}"));
                mine.push(append(store, root, e).await);
            }
            mine
        }
    };
    let (a, b, c, d, e, f, g, h) = tokio::join!(
        task(0),
        task(1),
        task(2),
        task(3),
        task(4),
        task(5),
        task(6),
        task(7)
    );
    let mut returned: Vec<AuditEntry> = [a, b, c, d, e, f, g, h].concat();
    for mine in returned.chunks(usize::try_from(EACH).expect("small")) {
        assert!(
            mine.windows(2).all(|w| w[0].seq < w[1].seq),
            "each task's entries in its order"
        );
    }
    returned.sort_by_key(|e| e.seq);
    assert_eq!(
        returned.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=TASKS * EACH).collect::<Vec<_>>(),
        "every seq once"
    );
    assert_verifies(store, &root, &returned).await;
}

pub async fn snapshot_round_trip_keeps_the_chain_verifiable(store: &dyn Store) {
    let root = root_key();
    let mut entries = Vec::new();
    for day in 0..5 {
        let e = event(day, Actor::User(UserId::random()), AuditAction::CaseRead)
            .with_case(CaseId::random())
            .with_address("198.51.100.9".parse().expect("ip"));
        entries.push(append(store, &root, e).await);
    }
    let snapshot = store.snapshot().await.expect("snapshot");
    assert_eq!(snapshot.audit_log, entries);
    let head = store
        .audit_chain()
        .await
        .expect("chain")
        .head
        .expect("head");
    assert_eq!(snapshot.audit_head, head);

    // A store holding only an audit log is not empty.
    let err = store.load_snapshot(&snapshot).await.expect_err("not empty");
    assert!(matches!(err, StoreError::NotEmpty), "{err}");

    let fresh = TestSqlite::new().await;
    fresh.store.load_snapshot(&snapshot).await.expect("load");
    assert_eq!(fresh.store.snapshot().await.expect("snapshot"), snapshot);
    assert_verifies(&fresh.store, &root, &entries).await;
    let next = append(
        &fresh.store,
        &root,
        event(9, Actor::Operator, AuditAction::BackupRestored),
    )
    .await;
    assert_eq!(next.seq, 6);
    assert_eq!(
        next.prev_hash, entries[4].hash,
        "the restored chain goes on"
    );
    entries.push(next);
    assert_verifies(&fresh.store, &root, &entries).await;

    let empty = Snapshot::default();
    assert_eq!(
        TestSqlite::new().await.store.snapshot().await.expect("s"),
        empty
    );
}

/// Not a conformance check but its engine-neutral half: appends from spawned tasks through
/// several stores (pools) opened on one database make one gapless chain.
pub async fn appends_from_several_stores_make_one_chain(stores: Vec<std::sync::Arc<dyn Store>>) {
    const TASKS: usize = 8;
    const EACH: usize = 10;
    let root = std::sync::Arc::new(root_key());
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..TASKS {
        let store = stores[task % stores.len()].clone();
        let root = root.clone();
        tasks.spawn(async move {
            for i in 0..EACH {
                let e = event(1, Actor::Operator, AuditAction::CaseRead)
                    .with_subject(format!("task-{task}-{i}"));
                store
                    .append_audit(&e, &sealer(&root))
                    .await
                    .expect("append");
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("task");
    }
    let chain = stores[0].audit_chain().await.expect("chain");
    assert_eq!(chain.unreadable, None);
    let head = chain.head.expect("head");
    let summary = verify_chain_to(chain.entries, head.head).expect("one intact chain");
    assert_eq!(summary.entries, (TASKS * EACH) as u64);
    let opened = root
        .open(HEAD, head.seal.as_ref().expect("sealed"))
        .expect("opens");
    assert_eq!(ChainHead::from_bytes(&opened), Some(head.head));
}

/// Appends `n` events, for the engine checks.
pub async fn append_some(store: &dyn Store, n: u32) -> Vec<AuditEntry> {
    let root = root_key();
    let mut entries = Vec::new();
    for day in 0..n {
        let e = event(day, Actor::User(UserId::random()), AuditAction::CaseRead)
            .with_organisation(OrgId::random())
            .with_case(CaseId::random())
            .with_subject("export-1");
        entries.push(append(store, &root, e).await);
    }
    entries
}
