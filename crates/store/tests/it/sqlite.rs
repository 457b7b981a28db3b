//! SQLite's own checks: what it refuses to open, and what its files hold.

use corridor_store::{CaseStore, SqliteStore, StoreError};

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
