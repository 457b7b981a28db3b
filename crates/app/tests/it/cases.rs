//! Adding, listing, searching and moving cases through the workflow.

use std::sync::Arc;

use corridor_app::{AppError, Corridor, programs};
use corridor_core::Stage;
use corridor_store::{CaseFilter, Page, SqliteStore};

use crate::support::{PASSPHRASE, TestCorridor, example, example_with};

#[tokio::test]
async fn the_index_finds_a_case_by_any_spelling_after_a_restart() {
    let t = TestCorridor::new().await;
    let id = t
        .corridor
        .add_case(t.organisation, example())
        .await
        .expect("add");
    for corridor in [&t.corridor, &t.reopen().await] {
        corridor.rebuild_index().await.expect("index");
        for query in [
            "Пустовойтова",
            "Yaroslava Pustovoytova",
            "PUSTOVOITOVA, Iaroslava",
            "Pustovo",
        ] {
            assert_eq!(corridor.search_names(query, 5), vec![id], "query {query}");
        }
        assert!(
            corridor.search_names("Pustovoitov", 5).is_empty()
                || corridor.search_names("Pustovoitov", 5) == vec![id]
        );
        assert!(corridor.search_names("Sidorov", 5).is_empty());
    }
}

#[tokio::test]
async fn unseal_with_the_wrong_passphrase_fails() {
    let t = TestCorridor::new().await;
    let store = Arc::new(SqliteStore::open(&t.db).await.expect("open"));
    let err = Corridor::unseal(store, b"wrong", programs::default_catalog())
        .await
        .err()
        .expect("refused");
    assert!(matches!(err, AppError::WrongPassphrase), "{err}");
    assert_eq!(err.to_string(), "wrong passphrase");
    let store = Arc::new(SqliteStore::open(&t.db).await.expect("open"));
    assert!(
        Corridor::unseal(store, PASSPHRASE, programs::default_catalog())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn initialise_twice_is_refused() {
    let t = TestCorridor::new().await;
    let store = Arc::new(SqliteStore::open(&t.db).await.expect("open"));
    let err = Corridor::initialise(
        store,
        b"another",
        corridor_crypto::KdfParams::INSECURE_FAST_FOR_TESTS,
        corridor_core::OrgName::new("Other").expect("name"),
        programs::default_catalog(),
    )
    .await
    .err()
    .expect("refused");
    assert!(matches!(err, AppError::AlreadyInitialised), "{err}");
    assert_eq!(t.corridor.organisations().await.expect("orgs").len(), 1);
}

#[tokio::test]
async fn a_batch_with_one_bad_case_stores_nothing() {
    let t = TestCorridor::new().await;
    let bad = example_with(|v| v["program"] = "no-such-program".into());
    let err = t
        .corridor
        .add_cases(t.organisation, vec![example(), bad])
        .await
        .expect_err("bad batch");
    assert!(matches!(&err, AppError::UnknownProgram { .. }), "{err}");
    assert!(
        err.to_string().contains("ca-public-policy-2026"),
        "lists the known programs: {err}"
    );
    assert_eq!(
        t.corridor
            .count_cases(&CaseFilter::default())
            .await
            .expect("count"),
        0
    );
    assert!(
        t.corridor.search_names("Pustovoitova", 5).is_empty(),
        "nothing indexed either"
    );
}

#[tokio::test]
async fn the_list_carries_plain_columns_derived_from_the_case() {
    let t = TestCorridor::new().await;
    let id = t
        .corridor
        .add_case(t.organisation, example())
        .await
        .expect("add");
    let listed = t
        .corridor
        .list_cases(&CaseFilter::default(), Page::ALL)
        .await
        .expect("list");
    assert_eq!(listed.len(), 1);
    let summary = &listed[0];
    assert_eq!(summary.id, id);
    assert_eq!(summary.display_name, "Ярослава Глебовна Пустовойтова");
    assert_eq!(summary.stage, Stage::Assessing);
    assert_eq!(summary.custody, corridor_core::Custody::Detained);
    assert_eq!(summary.risk_level, example().russia_risk.level());
    let debug = format!("{summary:?}");
    assert!(
        !debug.contains("Пустовойтова"),
        "Debug hides the name: {debug}"
    );
}

#[tokio::test]
async fn transitions_follow_the_workflow_and_are_recorded() {
    let t = TestCorridor::new().await;
    let id = t
        .corridor
        .add_case(t.organisation, example())
        .await
        .expect("add");
    let err = t
        .corridor
        .transition(id, Stage::Arrived)
        .await
        .expect_err("illegal");
    assert!(matches!(err, AppError::Transition(_)), "{err}");
    assert!(
        err.to_string().contains("assessing") && err.to_string().contains("arrived"),
        "{err}"
    );
    assert_eq!(
        t.corridor
            .transition(id, Stage::Prioritised)
            .await
            .expect("legal"),
        Stage::Prioritised
    );
    let history = t.corridor.store().stage_changes(id).await.expect("history");
    assert_eq!(history.len(), 1, "the refused transition left no trace");
    assert_eq!(
        (history[0].from, history[0].to),
        (Stage::Assessing, Stage::Prioritised)
    );
    t.corridor.purge(id).await.expect("purge");
    assert!(matches!(
        t.corridor.transition(id, Stage::Referred).await,
        Err(AppError::CasePurged(_))
    ));
    let missing = corridor_core::CaseId::random();
    assert!(matches!(
        t.corridor.transition(missing, Stage::Referred).await,
        Err(AppError::CaseNotFound(_))
    ));
}
