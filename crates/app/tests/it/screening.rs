//! Screening through the use case: the permission, the audit trail (without the name), hits.

use corridor_app::AppError;
use corridor_core::{AuditAction, AuditOutcome, Role};
use corridor_screen::lists::{EntityKind, ListEntry, ListSource};
use corridor_screen::screening::{ListIndex, Query};
use corridor_store::{AuditFilter, Page};

use crate::support::TestCorridor;

#[tokio::test]
async fn analysts_screen_names_against_the_loaded_lists_and_every_run_is_audited() {
    let t = TestCorridor::new().await;
    let admin = t.first_admin().await;
    let analyst = t.member(&admin, t.organisation, "ana", Role::Analyst).await;
    let caseworker = t
        .member(&admin, t.organisation, "casey", Role::Caseworker)
        .await;
    let mut index = ListIndex::new();
    index.extend([ListEntry {
        birth_dates: vec!["1956-08-03".to_owned()],
        nationalities: vec!["Russia".to_owned()],
        programs: vec!["CAATSA - RUSSIA".to_owned()],
        ..ListEntry::new(
            ListSource::OfacSdn,
            "21328",
            EntityKind::Person,
            "KOROBOV, Igor Valentinovich",
        )
    }]);
    t.corridor.load_lists(index);
    assert_eq!(t.corridor.listed_names(), 1);

    let query = Query {
        name: "Игорь Коробов".to_owned(),
        ..Query::default()
    };
    let hits = t
        .corridor
        .screen_for(&analyst, &query, 0.7, 10)
        .await
        .expect("screen");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].entry.id, "21328");

    let err = t
        .corridor
        .screen_for(&caseworker, &query, 0.7, 10)
        .await
        .expect_err("caseworkers do not run screening");
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");

    let log = t
        .corridor
        .audit_log(
            &AuditFilter {
                action: Some(AuditAction::ScreeningRun),
                ..AuditFilter::default()
            },
            Page::new(0, 10),
        )
        .await
        .expect("log");
    let outcomes: Vec<_> = log.iter().map(|e| e.event.outcome).collect();
    assert_eq!(outcomes, [AuditOutcome::Denied, AuditOutcome::Allowed]);
    let recorded = format!("{log:?}");
    assert!(
        !recorded.contains("Коробов") && !recorded.contains("Korobov"),
        "no name in the log"
    );
}

#[tokio::test]
async fn the_list_comparison_follows_the_lists_loaded() {
    let t = TestCorridor::new().await;
    let admin = t.first_admin().await;
    let analyst = t.member(&admin, t.organisation, "ana", Role::Analyst).await;
    let entry = |source, id: &str, name: &str, program: &str| ListEntry {
        programs: vec![program.to_owned()],
        ..ListEntry::new(source, id, EntityKind::Person, name)
    };
    let mut first = ListIndex::new();
    first.extend([entry(
        ListSource::OfacSdn,
        "1",
        "KOROBOV, Igor",
        "RUSSIA-EO14024",
    )]);
    t.corridor.load_lists(first);
    let gaps = t
        .corridor
        .list_gaps_for(&analyst, false)
        .await
        .expect("gaps");
    assert_eq!(gaps.len(), 1);
    assert_eq!(
        t.corridor
            .list_gaps_for(&analyst, true)
            .await
            .expect("again")
            .len(),
        1
    );

    // Canada lists him in the next edition: the comparison is made again.
    let mut second = ListIndex::new();
    second.extend([
        entry(ListSource::OfacSdn, "1", "KOROBOV, Igor", "RUSSIA-EO14024"),
        entry(
            ListSource::CanadaSema,
            "C1",
            "Igor Korobov",
            "Russia / Russie",
        ),
    ]);
    t.corridor.load_lists(second);
    assert!(
        t.corridor
            .list_gaps_for(&analyst, false)
            .await
            .expect("gaps")
            .is_empty()
    );
}
