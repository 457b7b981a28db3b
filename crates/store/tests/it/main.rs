//! The store's one test binary: the conformance suite, run against SQLite always and against
//! PostgreSQL when `CORRIDOR_TEST_PG_URL` is set, plus each engine's own checks.

mod conformance;
mod postgres;
mod sqlite;
mod support;

/// Expands each conformance check into one test per engine.
macro_rules! conformance_suite {
    ($($check:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $check() {
                    let store = crate::support::TestSqlite::new().await;
                    crate::conformance::$check(&store.store).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test]
                async fn $check() {
                    let Some(store) = crate::support::TestPostgres::new().await else { return };
                    crate::conformance::$check(&store.store).await;
                    store.drop_schema().await;
                }
            )*
        }
    };
}

conformance_suite!(
    keyring_is_written_once,
    organisations_round_trip_and_names_are_unique,
    a_case_round_trips_exactly,
    a_failing_batch_stores_nothing,
    filters_narrow_the_list,
    pages_are_newest_first_and_do_not_overlap,
    hearings_between_lists_live_cases_in_date_order,
    stage_changes_are_compare_and_set_and_recorded,
    purge_leaves_only_a_tombstone,
    snapshot_loads_into_an_empty_store_only,
    orders_ids_and_counts,
);
