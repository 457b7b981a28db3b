//! The audit log through the app: appends sealed at the head, and verification against that
//! head, with the database changed behind Corridor's back as someone with write access to the
//! file (but not the passphrase) could.

use chrono::{Duration, TimeZone, Utc};
use corridor_app::AppError;
use corridor_core::{
    Actor, AuditAction, AuditEntry, AuditEvent, AuditOutcome, BreakReason, CaseId, ChainBreak,
    UserId,
};
use corridor_store::{AuditFilter, Page};

use crate::support::TestCorridor;

fn event(i: i64) -> AuditEvent {
    AuditEvent::new(
        Utc.with_ymd_and_hms(2026, 4, 1, 8, 0, 0)
            .single()
            .expect("valid")
            + Duration::minutes(i),
        Actor::User(UserId::random()),
        AuditAction::CaseRead,
        AuditOutcome::Allowed,
    )
    .with_case(CaseId::random())
    .with_subject(format!("export-{i}"))
}

async fn logged(n: i64) -> (TestCorridor, Vec<AuditEntry>) {
    let test = TestCorridor::new().await;
    let mut entries = Vec::new();
    for i in 0..n {
        entries.push(test.corridor.audit(event(i)).await.expect("audit"));
    }
    (test, entries)
}

/// A connection to the store's file with the append-only triggers dropped.
async fn tamper(test: &TestCorridor) -> sqlx::SqlitePool {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", test.db.display()))
        .await
        .expect("connect");
    for trigger in ["audit_log_no_update", "audit_log_no_delete"] {
        sqlx::query(&format!("DROP TRIGGER {trigger}"))
            .execute(&pool)
            .await
            .expect("drop trigger");
    }
    pool
}

async fn broken(test: &TestCorridor) -> ChainBreak {
    match test.corridor.verify_audit().await {
        Err(AppError::AuditBroken(broken)) => broken,
        other => panic!("expected a broken log, got {other:?}"),
    }
}

async fn set_head(pool: &sqlx::SqlitePool, seq: i64, hash: &[u8]) {
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2")
        .bind(seq)
        .bind(hash)
        .execute(pool)
        .await
        .expect("head");
}

#[tokio::test]
async fn an_intact_log_verifies_and_an_empty_one_too() {
    let test = TestCorridor::new().await;
    let summary = test.corridor.verify_audit().await.expect("empty log");
    assert_eq!((summary.entries, summary.head), (0, [0; 32]));

    let (test, entries) = logged(4).await;
    let summary = test.corridor.verify_audit().await.expect("intact");
    assert_eq!(summary.entries, 4);
    assert_eq!(summary.head, entries[3].hash);
    // A restarted server (a new unseal) reads the same seal.
    let again = test.reopen().await;
    assert_eq!(again.verify_audit().await.expect("intact"), summary);
    let next = again.audit(event(9)).await.expect("append");
    assert_eq!(next.seq, 5);
    assert_eq!(
        test.corridor.verify_audit().await.expect("intact").entries,
        5
    );
}

#[tokio::test]
async fn audit_log_reads_through_the_filter() {
    let (test, entries) = logged(3).await;
    let filter = AuditFilter {
        case: entries[1].event.case,
        ..Default::default()
    };
    assert_eq!(
        test.corridor
            .audit_log(&filter, Page::ALL)
            .await
            .expect("log"),
        vec![entries[1].clone()]
    );
    let err = test
        .corridor
        .audit(event(1).with_subject("Ivan Petrov"))
        .await
        .expect_err("a name as subject");
    assert!(!err.to_string().contains("Ivan"), "{err}");
    assert_eq!(
        test.corridor.verify_audit().await.expect("intact").entries,
        3
    );
}

#[tokio::test]
async fn cutting_the_end_is_found_even_with_the_head_fixed_up() {
    let (test, entries) = logged(5).await;
    let pool = tamper(&test).await;
    sqlx::query("DELETE FROM audit_log WHERE seq = 5")
        .execute(&pool)
        .await
        .expect("delete");
    let expected = ChainBreak {
        seq: 5,
        reason: BreakReason::Truncated { head: 5 },
    };
    assert_eq!(broken(&test).await, expected, "head left alone");
    set_head(&pool, 4, &entries[3].hash).await;
    assert_eq!(broken(&test).await, expected, "head fixed up");
}

#[tokio::test]
async fn a_log_rewritten_with_recomputed_hashes_is_found() {
    let (test, entries) = logged(5).await;
    let pool = tamper(&test).await;
    let mut forged: Vec<AuditEntry> = vec![entries[0].clone()];
    for entry in &entries[1..] {
        let mut event = entry.event.clone();
        if entry.seq == 2 {
            event.subject = Some("export-forged".to_owned());
        }
        let next = AuditEntry::seal_next(forged.last(), event);
        sqlx::query("UPDATE audit_log SET subject = $1, prev_hash = $2, hash = $3 WHERE seq = $4")
            .bind(next.event.subject.as_deref())
            .bind(next.prev_hash.as_slice())
            .bind(next.hash.as_slice())
            .bind(i64::try_from(next.seq).expect("small"))
            .execute(&pool)
            .await
            .expect("rewrite");
        forged.push(next);
    }
    set_head(&pool, 5, &forged[4].hash).await;
    assert_eq!(
        broken(&test).await,
        ChainBreak {
            seq: 5,
            reason: BreakReason::HeadMismatch
        }
    );
}

#[tokio::test]
async fn an_entry_added_behind_corridors_back_is_found() {
    let (test, entries) = logged(3).await;
    let pool = tamper(&test).await;
    // A well-formed, correctly chained fourth entry, as SQLite stores one.
    let extra = AuditEntry::seal_next(entries.last(), event(7));
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, organisation_id, action, case_id, subject, \
         address, outcome, prev_hash, hash) VALUES ($1, $2, $3, NULL, $4, $5, $6, NULL, $7, $8, $9)",
    )
    .bind(4_i64)
    .bind(extra.event.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string())
    .bind(extra.event.actor.to_string())
    .bind(extra.event.action.as_str())
    .bind(extra.event.case.map(|c| c.0))
    .bind(extra.event.subject.as_deref())
    .bind(extra.event.outcome.as_str())
    .bind(extra.prev_hash.as_slice())
    .bind(extra.hash.as_slice())
    .execute(&pool)
    .await
    .expect("insert");
    let chain = test.corridor.store().audit_chain().await.expect("chain");
    assert_eq!(
        chain.entries.last(),
        Some(&extra),
        "stored as the store would"
    );
    let beyond = ChainBreak {
        seq: 4,
        reason: BreakReason::BeyondHead { head: 3 },
    };
    assert_eq!(broken(&test).await, beyond, "head left alone");
    set_head(&pool, 4, &extra.hash).await;
    assert_eq!(broken(&test).await, beyond, "head fixed up");
}

#[tokio::test]
async fn a_head_that_is_not_sealed_by_this_key_is_found() {
    let (test, _) = logged(3).await;
    let (other, _) = logged(3).await;
    let foreign_seal: Vec<u8> = {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", other.db.display()))
            .await
            .expect("connect");
        sqlx::query_scalar("SELECT seal FROM audit_head")
            .fetch_one(&pool)
            .await
            .expect("seal")
    };
    let pool = tamper(&test).await;
    let original: Vec<u8> = sqlx::query_scalar("SELECT seal FROM audit_head")
        .fetch_one(&pool)
        .await
        .expect("seal");
    let altered = ChainBreak {
        seq: 4,
        reason: BreakReason::HeadAltered,
    };
    for seal in [Some(foreign_seal), None, Some(vec![0; 3])] {
        sqlx::query("UPDATE audit_head SET seal = $1")
            .bind(seal)
            .execute(&pool)
            .await
            .expect("seal");
        assert_eq!(broken(&test).await, altered);
    }
    // The seal intact but the plain head moved on: the next append would leave a gap.
    sqlx::query("UPDATE audit_head SET seal = $1, seq = 7")
        .bind(&original)
        .execute(&pool)
        .await
        .expect("seq");
    assert_eq!(broken(&test).await, altered);
    sqlx::query("UPDATE audit_head SET seq = 3")
        .execute(&pool)
        .await
        .expect("seq");
    assert_eq!(
        test.corridor.verify_audit().await.expect("intact").entries,
        3
    );
    sqlx::query("DELETE FROM audit_head")
        .execute(&pool)
        .await
        .expect("head");
    assert_eq!(broken(&test).await, altered, "no head at all");
}

#[tokio::test]
async fn the_first_bad_entry_is_named_even_before_an_unreadable_one() {
    let (test, _) = logged(6).await;
    let pool = tamper(&test).await;
    sqlx::query("UPDATE audit_log SET action = 'no_such_action' WHERE seq = 5")
        .execute(&pool)
        .await
        .expect("tamper");
    assert_eq!(
        broken(&test).await,
        ChainBreak {
            seq: 5,
            reason: BreakReason::Unreadable { column: "action" }
        }
    );
    sqlx::query("UPDATE audit_log SET subject = 'export-x' WHERE seq = 2")
        .execute(&pool)
        .await
        .expect("tamper");
    assert_eq!(
        broken(&test).await,
        ChainBreak {
            seq: 2,
            reason: BreakReason::ContentAltered
        }
    );
    sqlx::query("UPDATE audit_log SET subject = 'export-1' WHERE seq = 2")
        .execute(&pool)
        .await
        .expect("restore");
    sqlx::query("DELETE FROM audit_log WHERE seq IN (3, 4)")
        .execute(&pool)
        .await
        .expect("delete");
    assert_eq!(
        broken(&test).await,
        ChainBreak {
            seq: 3,
            reason: BreakReason::Gap { next: 5 }
        },
        "the gap before the unreadable row comes first"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_audits_are_grouped_into_one_gapless_verified_chain() {
    use corridor_core::{Actor, AuditAction, AuditEvent, AuditOutcome};
    let t = std::sync::Arc::new(crate::support::TestCorridor::new().await);
    let mut tasks = Vec::new();
    for n in 0..64 {
        let t = t.clone();
        tasks.push(tokio::spawn(async move {
            let event = AuditEvent::new(
                chrono::Utc::now(),
                Actor::Operator,
                AuditAction::CaseListed,
                AuditOutcome::Allowed,
            )
            .with_subject(format!("request-{n}"));
            (n, t.corridor.audit(event).await.expect("audited"))
        }));
    }
    let mut entries = Vec::new();
    for task in tasks {
        entries.push(task.await.expect("task"));
    }
    let mut seqs: Vec<u64> = entries.iter().map(|(_, e)| e.seq).collect();
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), 64, "every request got its own entry");
    for (n, entry) in &entries {
        assert_eq!(
            entry.event.subject.as_deref(),
            Some(format!("request-{n}").as_str()),
            "each caller got the entry of its own event"
        );
    }
    let summary = t.corridor.verify_audit().await.expect("intact");
    assert_eq!(summary.entries, 64);
}
