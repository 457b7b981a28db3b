//! PostgreSQL's own checks (run when `CORRIDOR_TEST_PG_URL` is set).

use corridor_store::{AuditStore, PostgresStore, StoreError};

use crate::support::{TestPostgres, pg_url};

#[tokio::test]
async fn refuses_a_schema_of_another_program() {
    let Some(url) = pg_url() else { return };
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let pool = sqlx::PgPool::connect(&url).await.expect("connect");
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&pool)
        .await
        .expect("schema");
    sqlx::query(&format!("CREATE TABLE {schema}.recipes (name TEXT)"))
        .execute(&pool)
        .await
        .expect("t");
    let err = PostgresStore::open(&url, Some(&schema))
        .await
        .err()
        .expect("must refuse");
    assert!(matches!(err, StoreError::NotACorridorStore), "{err}");
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = $1",
    )
    .bind(&schema)
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(tables, 1, "no migration ran on it");
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&pool)
        .await
        .expect("drop");
}

#[tokio::test]
async fn refuses_a_store_from_a_newer_schema() {
    let Some(test) = TestPostgres::new().await else {
        return;
    };
    let pool = sqlx::PgPool::connect(&test.url).await.expect("connect");
    sqlx::query(&format!(
        "UPDATE {}.corridor_meta SET schema_version = 2",
        test.schema
    ))
    .execute(&pool)
    .await
    .expect("bump");
    let err = PostgresStore::open(&test.url, Some(&test.schema))
        .await
        .err()
        .expect("refuse");
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
    test.drop_schema().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn appends_from_several_pools_make_one_chain() {
    let Some(test) = TestPostgres::new().await else {
        return;
    };
    let mut stores: Vec<std::sync::Arc<dyn corridor_store::Store>> = Vec::new();
    for _ in 0..3 {
        stores.push(std::sync::Arc::new(
            PostgresStore::open(&test.url, Some(&test.schema))
                .await
                .expect("another pool"),
        ));
    }
    crate::audit::appends_from_several_stores_make_one_chain(stores.clone()).await;
    for store in stores {
        store.close().await;
    }
    test.drop_schema().await;
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    let Some(test) = TestPostgres::new().await else {
        return;
    };
    crate::audit::append_some(&test.store, 2).await;
    let pool = sqlx::PgPool::connect(&test.url).await.expect("connect");
    for statement in [
        "UPDATE {}.audit_log SET subject = 'x' WHERE seq = 1",
        "DELETE FROM {}.audit_log WHERE seq = 2",
        "TRUNCATE {}.audit_log",
    ] {
        let statement = statement.replace("{}", &test.schema);
        let err = sqlx::query(&statement)
            .execute(&pool)
            .await
            .expect_err("refused");
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    assert_eq!(
        test.store.audit_chain().await.expect("chain").entries.len(),
        2
    );
    pool.close().await;
    test.drop_schema().await;
}
