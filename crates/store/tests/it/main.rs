//! The store's one test binary: the conformance suite, run against SQLite always and against
//! PostgreSQL when `CORRIDOR_TEST_PG_URL` is set, plus each engine's own checks.

mod accounts;
mod api_tokens;
mod audit;
mod conformance;
mod evidence;
mod postgres;
mod screening;
mod signing;
mod sqlite;
mod support;
mod watch;

/// Every conformance check, whichever file it lives in.
mod checks {
    pub use crate::accounts::*;
    pub use crate::api_tokens::*;
    pub use crate::audit::*;
    pub use crate::conformance::*;
    pub use crate::evidence::*;
    pub use crate::screening::*;
    pub use crate::signing::*;
    pub use crate::watch::*;
}

/// Expands each conformance check into one test per engine.
macro_rules! conformance_suite {
    ($($check:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $check() {
                    let store = crate::support::TestSqlite::new().await;
                    crate::checks::$check(&store.store).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test]
                async fn $check() {
                    let Some(store) = crate::support::TestPostgres::new().await else { return };
                    crate::checks::$check(&store.store).await;
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
    updates_replace_a_live_case_atomically_from_its_current_version,
    purge_leaves_only_a_tombstone,
    snapshot_loads_into_an_empty_store_only,
    orders_ids_and_counts,
    // accounts.rs
    users_round_trip_and_usernames_are_unique,
    only_the_first_user_goes_into_an_empty_store,
    user_updates_touch_one_user_and_disabling_ends_sessions,
    totp_enrolment_completes_once_and_atomically,
    totp_steps_are_compare_and_set,
    recovery_codes_are_single_use,
    reset_totp_forgets_the_second_factor_and_ends_sessions,
    sessions_are_found_by_digest_touched_and_ended,
    pending_logins_become_one_session_once,
    login_failures_are_counted_per_key_until_a_success,
    cases_are_shared_with_organisations_until_unshared_or_purged,
    snapshots_carry_accounts_but_not_sessions,
    // api_tokens.rs
    api_tokens_round_trip_and_are_found_by_digest,
    api_tokens_are_listed_per_user_and_per_organisation,
    revoking_an_api_token_is_idempotent_and_unknown_tokens_are_named,
    touching_an_api_token_records_its_last_use,
    api_tokens_of_a_disabled_user_are_returned_as_they_are,
    snapshots_carry_api_tokens,
    // audit.rs
    audit_entries_round_trip_exactly,
    invalid_audit_events_are_refused_without_a_trace,
    audit_filters_narrow_newest_first,
    concurrent_appends_make_one_gapless_chain,
    snapshot_round_trip_keeps_the_chain_verifiable,
    // screening.rs
    alerts_are_raised_read_back_exactly_and_filtered,
    a_screening_for_a_case_that_is_not_live_writes_nothing,
    lapsing_touches_only_pending_alerts,
    an_alert_is_decided_once_and_only_while_pending,
    purging_a_case_destroys_its_alerts_and_snapshots_carry_the_rest,
    sealed_people_are_the_live_cases,
    // evidence.rs
    evidence_items_round_trip_and_are_listed_per_case,
    evidence_needs_a_live_case_and_an_original_of_the_same_case,
    reviews_move_an_item_only_from_the_status_they_saw,
    purging_a_case_destroys_its_evidence_and_snapshots_carry_the_rest,
    // signing.rs
    signing_keys_are_kept_once_per_organisation_and_carried_by_snapshots,
    dossiers_are_kept_by_version_and_go_with_their_case,
    // watch.rs
    watch_rows_round_trip_exactly,
    a_flight_is_written_whole_or_not_at_all,
    flight_reports_take_the_next_position_only,
    flights_and_passengers_are_listed_per_organisation,
    check_ins_are_ordered_and_need_a_live_case,
    alert_marks_are_replaced_by_key_and_need_known_users,
    purging_a_case_removes_it_from_the_watch_but_keeps_the_flights,
    snapshots_carry_the_watch,
);
