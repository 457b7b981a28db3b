//! Decisions on an assessment: a legal user clears a flag, a coordinator overrides a score;
//! each needs its right and a reason, is sealed with the case, audited, and a refusal writes
//! nothing. A cleared flag lets a dossier be issued.

use corridor_app::{AppError, Custodian};
use corridor_core::assessment::{FlagKind, ScoreKind};
use corridor_core::{AuditAction, AuditOutcome, Role};
use corridor_store::{AuditFilter, Page};
use serde_json::json;

use crate::support::{TestCorridor, example_with};

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

fn field_of(error: AppError) -> String {
    match error {
        AppError::Input(e) => e.field,
        other => panic!("expected an input error, got {other}"),
    }
}

async fn count(t: &TestCorridor, action: AuditAction, outcome: AuditOutcome) -> usize {
    t.corridor
        .audit_log(
            &AuditFilter {
                action: Some(action),
                outcome: Some(outcome),
                ..AuditFilter::default()
            },
            Page::ALL,
        )
        .await
        .expect("log")
        .len()
}

#[tokio::test]
async fn a_legal_user_clears_a_flag_and_the_dossier_can_then_be_issued() {
    let mut t = TestCorridor::new().await;
    t.corridor
        .use_blob_store(corridor_blobs::BlobStore::local(t._dir.path()).expect("blob store"));
    let admin = t.first_admin().await;
    let legal = t.member(&admin, t.organisation, "lena", Role::Legal).await;
    let caseworker = t
        .member(&admin, t.organisation, "cara", Role::Caseworker)
        .await;
    let id = t
        .corridor
        .add_case(
            t.organisation,
            example_with(|case| {
                case["program"] = json!("ca-private-sponsorship");
                case["russia_risk"]["military"] = json!("deserter");
            }),
        )
        .await
        .expect("case");

    // While the flag is raised, no dossier.
    let refused = t
        .corridor
        .issue_dossier(Custodian::Operator, id, today())
        .await
        .expect_err("blocked");
    assert!(
        matches!(refused, AppError::NotReferable { .. }),
        "{refused}"
    );

    // A caseworker may not clear it; nothing is written, the refusal is audited.
    let before = t.corridor.store().case(id).await.expect("read");
    let error = t
        .corridor
        .clear_flag_for(
            &caseworker,
            id,
            FlagKind::MilitaryService,
            "served as a cook",
            today(),
        )
        .await
        .expect_err("no right");
    assert!(matches!(error, AppError::Forbidden(_)), "{error}");
    assert_eq!(t.corridor.store().case(id).await.expect("read"), before);
    assert_eq!(
        count(&t, AuditAction::FlagCleared, AuditOutcome::Denied).await,
        1
    );

    // Bad input is named, and writes nothing.
    let error = t
        .corridor
        .clear_flag_for(&legal, id, FlagKind::MilitaryService, "   ", today())
        .await
        .expect_err("no reason");
    assert_eq!(field_of(error), "reason");
    let error = t
        .corridor
        .clear_flag_for(&legal, id, FlagKind::CriminalRecord, "no record", today())
        .await
        .expect_err("not raised");
    assert_eq!(field_of(error), "flag");
    assert_eq!(t.corridor.store().case(id).await.expect("read"), before);

    t.corridor
        .clear_flag_for(
            &legal,
            id,
            FlagKind::MilitaryService,
            "Conscript service in 2015, no deployment: Article 1F review done.",
            today(),
        )
        .await
        .expect("cleared");
    assert_eq!(
        count(&t, AuditAction::FlagCleared, AuditOutcome::Allowed).await,
        1
    );
    let error = t
        .corridor
        .clear_flag_for(&legal, id, FlagKind::MilitaryService, "again", today())
        .await
        .expect_err("already cleared");
    assert_eq!(field_of(error), "flag");

    let case = t.corridor.case(id).await.expect("case");
    let corridor_app::CaseView::Live(case) = case else {
        panic!("live")
    };
    assert_eq!(case.assessment.clearances.len(), 1);
    assert_eq!(case.assessment.clearances[0].by, legal.user);

    let issued = t
        .corridor
        .issue_dossier(Custodian::Operator, id, today())
        .await
        .expect("issued");
    assert_eq!(issued.version, 1);
    assert!(issued.pdf.starts_with(b"%PDF-"));
    corridor_dossier::verify(&issued.json, Some(&issued.pdf), None).expect("verifies");
    assert_eq!(
        count(&t, AuditAction::DossierIssued, AuditOutcome::Allowed).await,
        1
    );
    // What was issued is kept and downloads byte for byte, for the owner's coordinator.
    let coordinator = t
        .member(&admin, t.organisation, "coco", Role::Coordinator)
        .await;
    let listed = t
        .corridor
        .dossiers_of(&coordinator, id)
        .await
        .expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].fingerprint, issued.fingerprint);
    let pdf = t
        .corridor
        .dossier_file(&coordinator, id, 1, corridor_app::DossierPart::Pdf)
        .await
        .expect("pdf");
    assert_eq!(pdf, issued.pdf);
    let json = t
        .corridor
        .dossier_file(&coordinator, id, 1, corridor_app::DossierPart::Json)
        .await
        .expect("json");
    assert_eq!(json, issued.json);
    // Not for a caseworker, not for a version that does not exist; both refusals audited.
    for (who, version) in [(&caseworker, 1), (&coordinator, 2)] {
        let error = t
            .corridor
            .dossier_file(who, id, version, corridor_app::DossierPart::Pdf)
            .await
            .expect_err("refused");
        assert!(matches!(error, AppError::CaseNotFound(_)), "{error}");
    }
    assert!(
        t.corridor
            .dossiers_of(&caseworker, id)
            .await
            .expect("list")
            .is_empty()
    );
    // A second issue is version 2; purging the case deletes both dossiers' files.
    let second = t
        .corridor
        .issue_dossier(Custodian::Operator, id, today())
        .await
        .expect("v2");
    assert_eq!(second.version, 2);
    let blobs_dir = t._dir.path().join("blobs");
    let files = || {
        std::fs::read_dir(&blobs_dir)
            .map(|d| d.count())
            .unwrap_or(0)
    };
    assert_eq!(files(), 4);
    // The reason is sealed: it is nowhere on disk in plain.
    assert!(!crate::support::contains(
        &t.disk_bytes(),
        b"Article 1F review done"
    ));
    t.corridor.purge(id).await.expect("purge");
    assert_eq!(files(), 0, "the dossiers' files go with the case");
}

#[tokio::test]
async fn a_coordinator_overrides_a_score_with_a_reason() {
    let t = TestCorridor::new().await;
    let admin = t.first_admin().await;
    let coordinator = t
        .member(&admin, t.organisation, "coco", Role::Coordinator)
        .await;
    let verifier = t
        .member(&admin, t.organisation, "vera", Role::Verifier)
        .await;
    let id = t
        .corridor
        .add_case(t.organisation, example_with(|_| {}))
        .await
        .expect("case");

    let error = t
        .corridor
        .override_score_for(&verifier, id, ScoreKind::Vulnerability, 80, "reason")
        .await
        .expect_err("no right");
    assert!(matches!(error, AppError::Forbidden(_)), "{error}");
    for (value, reason, field) in [(101, "too high", "value"), (50, "", "reason")] {
        let error = t
            .corridor
            .override_score_for(&coordinator, id, ScoreKind::Vulnerability, value, reason)
            .await
            .expect_err("bad input");
        assert_eq!(field_of(error), field);
    }
    t.corridor
        .override_score_for(
            &coordinator,
            id,
            ScoreKind::Vulnerability,
            80,
            "A serious illness the categories do not capture.",
        )
        .await
        .expect("overridden");
    let corridor_app::CaseView::Live(case) = t.corridor.case(id).await.expect("case") else {
        panic!("live")
    };
    let assessment = t
        .corridor
        .assess_case(&case, &[], false, today())
        .expect("assessed");
    assert_eq!(assessment.vulnerability.value, 80);
    assert!(assessment.vulnerability.overridden);
    assert_eq!(
        count(&t, AuditAction::ScoreOverridden, AuditOutcome::Allowed).await,
        1
    );
    assert_eq!(
        count(&t, AuditAction::ScoreOverridden, AuditOutcome::Denied).await,
        1
    );
}

#[tokio::test]
async fn referral_steps_drive_the_case_to_arrival_and_out_of_order_steps_are_refused() {
    use corridor_core::{ReferralStatus, Stage};
    let t = TestCorridor::new().await;
    let admin = t.first_admin().await;
    let coordinator = t
        .member(&admin, t.organisation, "coco", Role::Coordinator)
        .await;
    let caseworker = t
        .member(&admin, t.organisation, "cara", Role::Caseworker)
        .await;
    let id = t
        .corridor
        .add_case(
            t.organisation,
            example_with(|case| case["program"] = json!("ca-private-sponsorship")),
        )
        .await
        .expect("case");
    let day = |d: i64| today() - chrono::Duration::days(d);
    let record = |who, status, on| {
        t.corridor
            .record_referral_status_for(who, id, status, on, today())
    };

    // Not prioritised yet: cannot be sent.
    let error = record(&coordinator, ReferralStatus::Sent, day(9))
        .await
        .expect_err("assessing");
    assert_eq!(field_of(error), "status");
    t.corridor
        .transition(id, Stage::Prioritised)
        .await
        .expect("prioritised");

    let error = record(&caseworker, ReferralStatus::Sent, day(9))
        .await
        .expect_err("no right");
    assert!(matches!(error, AppError::Forbidden(_)), "{error}");
    let error = record(&coordinator, ReferralStatus::Accepted, day(9))
        .await
        .expect_err("not sent");
    assert_eq!(field_of(error), "status");
    let error = record(&coordinator, ReferralStatus::Sent, day(-1))
        .await
        .expect_err("future");
    assert_eq!(field_of(error), "on");

    for (status, on, stage) in [
        (ReferralStatus::Sent, day(9), Stage::Referred),
        (ReferralStatus::Acknowledged, day(7), Stage::Referred),
        (ReferralStatus::Accepted, day(5), Stage::Accepted),
        (ReferralStatus::Travel, day(2), Stage::Travel),
        (ReferralStatus::Arrived, day(1), Stage::Arrived),
    ] {
        assert_eq!(
            record(&coordinator, status, on).await.expect("step"),
            stage,
            "{status}"
        );
    }
    let error = record(&coordinator, ReferralStatus::Sent, day(0))
        .await
        .expect_err("complete");
    assert_eq!(field_of(error), "status");

    // The stage history has every move, and the steps are kept with their days.
    let history = t.corridor.store().stage_changes(id).await.expect("history");
    let moves: Vec<Stage> = history.iter().map(|c| c.to).collect();
    assert_eq!(
        moves,
        [
            Stage::Prioritised,
            Stage::Referred,
            Stage::Accepted,
            Stage::Travel,
            Stage::Arrived
        ]
    );
    let corridor_app::CaseView::Live(case) = t.corridor.case(id).await.expect("case") else {
        panic!("live")
    };
    assert_eq!(case.assessment.referral.len(), 5);
    assert_eq!(case.assessment.referral[2].on, day(5));
    assert_eq!(
        count(
            &t,
            AuditAction::ReferralStatusRecorded,
            AuditOutcome::Allowed
        )
        .await,
        5
    );
}

#[tokio::test]
async fn a_flagged_case_is_not_sent() {
    use corridor_core::{ReferralStatus, Stage};
    let t = TestCorridor::new().await;
    let admin = t.first_admin().await;
    let coordinator = t
        .member(&admin, t.organisation, "coco", Role::Coordinator)
        .await;
    let id = t
        .corridor
        .add_case(
            t.organisation,
            example_with(|case| {
                case["program"] = json!("ca-private-sponsorship");
                case["russia_risk"]["military"] = json!("mobilised");
            }),
        )
        .await
        .expect("case");
    t.corridor
        .transition(id, Stage::Prioritised)
        .await
        .expect("prioritised");
    let before = t.corridor.store().case(id).await.expect("read");
    let error = t
        .corridor
        .record_referral_status_for(&coordinator, id, ReferralStatus::Sent, today(), today())
        .await
        .expect_err("flag");
    assert!(matches!(error, AppError::NotReferable { .. }), "{error}");
    assert_eq!(
        t.corridor.store().case(id).await.expect("read"),
        before,
        "nothing written"
    );
}

#[tokio::test]
async fn the_demo_gives_the_priority_board_families_to_choose_from() {
    let t = TestCorridor::new().await;
    corridor_app::demo::seed(&t.corridor, t.organisation, 300, 7, today())
        .await
        .expect("seed");
    let mut families = 0;
    let mut selected = 0;
    for program in t.corridor.programs().iter() {
        let board = t
            .corridor
            .triage_board(Custodian::Operator, &program.slug, Some(20), today(), false)
            .await
            .expect("board");
        assert!(board.board.persons_selected <= 20, "{}", program.slug);
        families += board
            .board
            .units
            .iter()
            .filter(|u| u.cases.len() > 1)
            .count();
        selected += board.board.selected().count();
        // Every case of a family is on the board in the same unit.
        for unit in &board.board.units {
            assert_eq!(
                unit.persons as usize,
                unit.cases.len(),
                "the demo's cases bring one person each"
            );
        }
    }
    assert!(families > 0, "the demo has families");
    assert!(selected > 0, "the demo's board selects someone");
}
