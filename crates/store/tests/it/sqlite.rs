//! SQLite's own checks: what it refuses to open, and what its files hold.

use corridor_store::{AuditStore, CaseStore, SqliteStore, StoreError};

use crate::support::TestSqlite;

#[tokio::test]
async fn refuses_a_file_that_is_not_a_database() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("corridor.db");
    let garbage = b"these are notes, not a database; ".repeat(200);
    std::fs::write(&path, &garbage).expect("write");
    let err = SqliteStore::open(&path).await.err().expect("must refuse");
    assert!(matches!(err, StoreError::NotACorridorStore), "{err}");
    assert!(err.to_string().contains("not a Corridor store"));
    assert_eq!(
        std::fs::read(&path).expect("read"),
        garbage,
        "file untouched"
    );
}

#[tokio::test]
async fn refuses_a_sqlite_database_of_another_program() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("other.db");
    {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=rwc", path.display()))
            .await
            .expect("create");
        sqlx::query("CREATE TABLE recipes (name TEXT)")
            .execute(&pool)
            .await
            .expect("create");
        pool.close().await;
    }
    let err = SqliteStore::open(&path).await.err().expect("must refuse");
    assert!(matches!(err, StoreError::NotACorridorStore), "{err}");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("open");
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&pool)
            .await
            .expect("tables");
    assert_eq!(tables, vec!["recipes".to_owned()], "no migration ran on it");
}

#[tokio::test]
async fn refuses_a_store_from_a_newer_schema() {
    let test = TestSqlite::new().await;
    let path = test.store.path().to_owned();
    test.store.close().await;
    {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect("open");
        sqlx::query("UPDATE corridor_meta SET schema_version = 2")
            .execute(&pool)
            .await
            .expect("bump");
        pool.close().await;
    }
    let err = SqliteStore::open(&path).await.err().expect("must refuse");
    assert!(
        matches!(
            err,
            StoreError::NewerSchema {
                found: 2,
                supported: 1
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("upgrade Corridor"));
}

#[tokio::test]
async fn reopens_its_own_store_and_uses_wal() {
    let test = TestSqlite::new().await;
    let path = test.store.path().to_owned();
    test.store.close().await;
    let store = SqliteStore::open(&path).await.expect("reopen");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("open");
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&pool)
        .await
        .expect("mode");
    assert_eq!(mode, "wal");
    drop(store);
}

async fn raw_pool(path: &std::path::Path) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("open")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn appends_from_several_pools_make_one_chain() {
    let test = TestSqlite::new().await;
    let path = test.store.path().to_owned();
    let mut stores: Vec<std::sync::Arc<dyn corridor_store::Store>> =
        vec![std::sync::Arc::new(test.store)];
    for _ in 0..2 {
        stores.push(std::sync::Arc::new(
            SqliteStore::open(&path).await.expect("second pool"),
        ));
    }
    crate::audit::appends_from_several_stores_make_one_chain(stores).await;
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    let test = TestSqlite::new().await;
    crate::audit::append_some(&test.store, 2).await;
    let pool = raw_pool(test.store.path()).await;
    for statement in [
        "UPDATE audit_log SET subject = 'x' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 2",
        "DELETE FROM audit_log",
    ] {
        let err = sqlx::query(statement)
            .execute(&pool)
            .await
            .expect_err(statement);
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    assert_eq!(
        test.store.audit_chain().await.expect("chain").entries.len(),
        2
    );
}

/// Every stored audit value has one spelling: another spelling of the same value (which would
/// leave the hash intact) reads as a broken row, named by its seq and column.
#[tokio::test]
async fn another_spelling_of_an_audit_value_is_unreadable() {
    let test = TestSqlite::new().await;
    let entries = crate::audit::append_some(&test.store, 3).await;
    let pool = raw_pool(&test.dir.path().join("corridor.db")).await;
    sqlx::query("DROP TRIGGER audit_log_no_update")
        .execute(&pool)
        .await
        .expect("drop trigger");
    let stored_at: String = sqlx::query_scalar("SELECT at FROM audit_log WHERE seq = 2")
        .fetch_one(&pool)
        .await
        .expect("at");
    assert_eq!(stored_at.len(), "2026-01-01T12:00:00.000000Z".len());
    let upper_actor = entries[1].event.actor.to_string().to_uppercase();
    let cases: [(&str, String, &str); 6] = [
        ("at", stored_at.replace('Z', "+00:00"), "at"),
        ("at", stored_at.replace('T', " "), "at"),
        ("at", stored_at.replace(".000000Z", "Z"), "at"),
        ("actor", upper_actor.replace("USER:", "user:"), "actor"),
        ("action", "Case_read".to_owned(), "action"),
        ("outcome", "ALLOWED".to_owned(), "outcome"),
    ];
    for (column, value, named) in cases {
        let original: String =
            sqlx::query_scalar(&format!("SELECT {column} FROM audit_log WHERE seq = 2"))
                .fetch_one(&pool)
                .await
                .expect("read");
        assert_ne!(original, value, "{column}: a different spelling");
        sqlx::query(&format!("UPDATE audit_log SET {column} = $1 WHERE seq = 2"))
            .bind(&value)
            .execute(&pool)
            .await
            .expect("tamper");
        let chain = test.store.audit_chain().await.expect("chain");
        assert_eq!(
            chain.entries,
            entries[..1],
            "{column}: read up to the bad row"
        );
        assert_eq!(
            chain.unreadable,
            Some(corridor_store::UnreadableAuditRow {
                seq: 2,
                column: named
            }),
            "{column} = {value}"
        );
        let err = test
            .store
            .audit_entries(&Default::default(), corridor_store::Page::ALL)
            .await
            .expect_err("a listing fails too");
        assert!(err.to_string().contains("entry 2"), "{err}");
        sqlx::query(&format!("UPDATE audit_log SET {column} = $1 WHERE seq = 2"))
            .bind(&original)
            .execute(&pool)
            .await
            .expect("restore");
    }
    for (column, bytes) in [
        ("organisation_id", vec![0u8; 15]),
        ("case_id", vec![0u8; 17]),
    ] {
        sqlx::query(&format!("UPDATE audit_log SET {column} = $1 WHERE seq = 3"))
            .bind(bytes)
            .execute(&pool)
            .await
            .expect("tamper");
        let chain = test.store.audit_chain().await.expect("chain");
        assert_eq!(
            chain.unreadable,
            Some(corridor_store::UnreadableAuditRow { seq: 3, column }),
        );
        assert_eq!(chain.entries, entries[..2]);
        sqlx::query(&format!(
            "UPDATE audit_log SET {column} = NULL WHERE seq = 3"
        ))
        .execute(&pool)
        .await
        .expect("tamper");
    }
    // A malformed head reads as no head at all.
    sqlx::query("UPDATE audit_head SET seal = x'00'")
        .execute(&pool)
        .await
        .expect("tamper");
    assert_eq!(test.store.audit_chain().await.expect("chain").head, None);
}
