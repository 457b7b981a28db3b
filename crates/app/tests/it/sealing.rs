//! Sealed values are bound to their row and column; purging destroys the key on disk.

use corridor_app::{AppError, CaseView};
use corridor_store::{CaseFilter, Page, StoredCase};

use crate::support::{TestCorridor, contains, example, example_with};

#[tokio::test]
async fn swapping_sealed_values_between_rows_makes_both_fail_to_open() {
    for column in ["person", "names", "us_status", "russia_risk", "notes"] {
        let t = TestCorridor::new().await;
        let a = t
            .corridor
            .add_case(t.organisation, example())
            .await
            .expect("add");
        let b = t
            .corridor
            .add_case(t.organisation, example())
            .await
            .expect("add");
        t.swap("cases", column, "id").await;
        if column == "names" {
            // Names are opened by the list and the index, not by the case page.
            let err = t
                .corridor
                .list_cases(&CaseFilter::default(), Page::ALL)
                .await
                .expect_err("swapped names must not open");
            assert!(
                matches!(
                    err,
                    AppError::Unreadable {
                        column: "names",
                        ..
                    }
                ),
                "{err}"
            );
            assert!(
                t.corridor.rebuild_index().await.is_err(),
                "nor in the index"
            );
            continue;
        }
        for id in [a, b] {
            let err = t
                .corridor
                .case(id)
                .await
                .expect_err("swapped value must not open");
            assert!(
                matches!(&err, AppError::Unreadable { case, column: c, .. } if *case == id && *c == column),
                "{column}: {err}"
            );
        }
    }
}

#[tokio::test]
async fn a_value_moved_to_another_column_of_the_same_row_fails_to_open() {
    let t = TestCorridor::new().await;
    let id = t
        .corridor
        .add_case(t.organisation, example())
        .await
        .expect("add");
    t.sql("UPDATE cases SET us_status = russia_risk").await;
    let err = t.corridor.case(id).await.expect_err("moved value");
    assert!(
        matches!(
            err,
            AppError::Unreadable {
                column: "us_status",
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn swapping_wrapped_keys_or_claims_between_cases_fails() {
    let t = TestCorridor::new().await;
    let a = t
        .corridor
        .add_case(t.organisation, example())
        .await
        .expect("add");
    let b = t
        .corridor
        .add_case(t.organisation, example())
        .await
        .expect("add");
    t.swap("case_keys", "wrapped_key", "case_id").await;
    for id in [a, b] {
        let err = t.corridor.case(id).await.expect_err("swapped key");
        assert!(
            matches!(
                err,
                AppError::Unreadable {
                    column: "case_keys.wrapped_key",
                    ..
                }
            ),
            "{err}"
        );
    }

    let t = TestCorridor::new().await;
    let a = t
        .corridor
        .add_case(t.organisation, example())
        .await
        .expect("add");
    let b = t
        .corridor
        .add_case(t.organisation, example())
        .await
        .expect("add");
    // Move one of a's claims, id and body together, over to case b.
    t.sql(concat!(
        "UPDATE claims SET case_id = (SELECT id FROM cases WHERE id != claims.case_id LIMIT 1) ",
        "WHERE id = (SELECT id FROM claims WHERE case_id = (SELECT case_id FROM claims ORDER BY id LIMIT 1) LIMIT 1)"
    ))
    .await;
    let mut failures = 0;
    for id in [a, b] {
        if let Err(err) = t.corridor.case(id).await {
            assert!(
                matches!(
                    err,
                    AppError::Unreadable {
                        column: "claims.body",
                        ..
                    }
                ),
                "{err}"
            );
            failures += 1;
        }
    }
    assert_eq!(
        failures, 1,
        "the case that received the foreign claim cannot open it"
    );
}

#[tokio::test]
async fn opened_case_equals_what_went_in() {
    let t = TestCorridor::new().await;
    let input = example();
    let id = t
        .corridor
        .add_case(t.organisation, input.clone())
        .await
        .expect("add");
    let CaseView::Live(case) = t.corridor.case(id).await.expect("open") else {
        panic!("purged?")
    };
    let expected = input.into_case(id, t.organisation, case.created_at);
    assert_eq!(case.person, expected.person);
    assert_eq!(case.us_status, expected.us_status);
    assert_eq!(case.russia_risk, expected.russia_risk);
    assert_eq!(case.notes, expected.notes);
    assert_eq!(case.stage, expected.stage);
    let assertions = |c: &corridor_core::Case| {
        c.claims
            .iter()
            .map(|c| c.assertion().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(assertions(&case), assertions(&expected));
}

#[tokio::test]
async fn purge_erases_the_wrapped_key_from_the_files_and_the_index() {
    let t = TestCorridor::new().await;
    let id = t
        .corridor
        .add_case(t.organisation, example())
        .await
        .expect("add");
    let other = t
        .corridor
        .add_case(
            t.organisation,
            example_with(|v| {
                v["person"]["names"] =
                    serde_json::json!([{"text": "Otherperson Keptova", "kind": "passport"}])
            }),
        )
        .await
        .expect("add");
    let Some(StoredCase::Live(record)) = t.corridor.store().case(id).await.expect("read") else {
        panic!("live case expected")
    };
    let wrapped = record.wrapped_key.as_bytes().to_vec();
    let sealed_person = record.sealed.person.as_bytes().to_vec();
    assert!(
        contains(&t.disk_bytes(), &wrapped),
        "the key is on disk before the purge"
    );
    assert_eq!(t.corridor.search_names("Pustovoitova", 10), vec![id]);

    t.corridor.purge(id).await.expect("purge");

    let disk = t.disk_bytes();
    assert!(
        !contains(&disk, &wrapped),
        "wrapped key bytes survive on disk"
    );
    assert!(
        !contains(&disk, &sealed_person),
        "sealed person bytes survive on disk"
    );
    assert!(matches!(
        t.corridor.case(id).await.expect("tombstone"),
        CaseView::Purged(_)
    ));
    assert!(
        t.corridor.search_names("Pustovoitova", 10).is_empty(),
        "gone from the index"
    );
    assert_eq!(t.corridor.search_names("Keptova", 10), vec![other]);
    let reopened = t.reopen().await;
    reopened.rebuild_index().await.expect("index");
    assert!(reopened.search_names("Pustovoitova", 10).is_empty());
}
