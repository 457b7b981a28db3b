//! Screening through the use case: the permission, the audit trail (without the name), hits.

use corridor_app::AppError;
use corridor_core::{AuditAction, AuditOutcome, Role};
use corridor_screen::lists::{EntityKind, ListEntry, ListSource, ListedName, NameStrength};
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
        source: ListSource::OfacSdn,
        id: "21328".to_owned(),
        kind: EntityKind::Person,
        names: vec![ListedName {
            text: "KOROBOV, Igor Valentinovich".to_owned(),
            strength: NameStrength::Primary,
        }],
        birth_dates: vec!["1956-08-03".to_owned()],
        nationalities: vec!["Russia".to_owned()],
        countries: Vec::new(),
        programs: vec!["CAATSA - RUSSIA".to_owned()],
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
