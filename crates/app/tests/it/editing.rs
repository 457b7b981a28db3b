//! Intake and edits as a signed-in user: who may, what changes, what stays, and stale edits.

use chrono::Utc;
use corridor_app::{AppError, CaseView, Principal};
use corridor_core::{
    AuditAction, AuditOutcome, CaseDetails, CaseId, Custody, NameKind, NameSet, OrgId, PersonName,
    Role,
};
use corridor_store::{AuditFilter, Page};

use crate::support::{TestCorridor, example};

struct World {
    t: TestCorridor,
    caseworker: Principal,
    verifier: Principal,
    coordinator: Principal,
    partner: Principal,
}

async fn world() -> World {
    let t = TestCorridor::new().await;
    let admin = t.first_admin().await;
    let partner_org = t.organisation("Partner").await;
    let caseworker = t
        .member(&admin, t.organisation, "casey", Role::Caseworker)
        .await;
    let verifier = t
        .member(&admin, t.organisation, "vera", Role::Verifier)
        .await;
    let coordinator = t
        .member(&admin, t.organisation, "cora", Role::Coordinator)
        .await;
    let partner = t.member(&admin, partner_org, "pat", Role::Legal).await;
    World {
        t,
        caseworker,
        verifier,
        coordinator,
        partner,
    }
}

fn details_named(name: &str) -> CaseDetails {
    let case = example().into_case(CaseId::random(), OrgId::random(), Utc::now());
    let mut details = CaseDetails::of(&case);
    details.names = NameSet::single(PersonName::new(name, NameKind::Native).expect("name"));
    details
}

async fn live(w: &World, id: CaseId) -> corridor_core::Case {
    match w.t.corridor.case(id).await.expect("case") {
        CaseView::Live(case) => *case,
        CaseView::Purged(_) => panic!("purged"),
    }
}

async fn audited(w: &World, who: &Principal, action: AuditAction) -> Vec<AuditOutcome> {
    let filter = AuditFilter {
        actor: Some(corridor_core::Actor::User(who.user)),
        action: Some(action),
        ..AuditFilter::default()
    };
    w.t.corridor
        .audit_log(&filter, Page::new(0, 50))
        .await
        .expect("log")
        .iter()
        .map(|entry| entry.event.outcome)
        .collect()
}

#[tokio::test]
async fn intake_creates_a_case_of_the_users_organisation_at_intake() {
    let w = world().await;
    let id =
        w.t.corridor
            .add_case_for(
                &w.caseworker,
                details_named("Зиновия Интейкова").into_input(),
            )
            .await
            .expect("intake");
    let case = live(&w, id).await;
    assert_eq!(case.organisation, w.t.organisation);
    assert_eq!(case.stage, corridor_core::Stage::Intake);
    assert!(case.claims.is_empty());
    assert_eq!(w.t.corridor.search_names("Zinoviya Inteykova", 5), vec![id]);
    assert_eq!(
        audited(&w, &w.caseworker, AuditAction::CaseCreated).await,
        vec![AuditOutcome::Allowed]
    );

    let err =
        w.t.corridor
            .add_case_for(&w.verifier, details_named("Never Stored").into_input())
            .await
            .expect_err("a verifier does not create cases");
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    assert!(w.t.corridor.search_names("Never Stored", 5).is_empty());
    assert_eq!(
        audited(&w, &w.verifier, AuditAction::CaseCreated).await,
        vec![AuditOutcome::Denied]
    );
}

#[tokio::test]
async fn an_edit_replaces_the_fields_keeps_the_rest_and_reindexes_the_names() {
    let w = world().await;
    let id =
        w.t.corridor
            .add_case(w.t.organisation, example())
            .await
            .expect("add");
    let before = live(&w, id).await;
    let mut details = CaseDetails::of(&before);
    details.names =
        NameSet::single(PersonName::new("Феврония Правкина", NameKind::Native).unwrap());
    details.custody = Custody::Bond;

    let version =
        w.t.corridor
            .update_case_for(&w.caseworker, id, before.updated_at, details)
            .await
            .expect("edit");
    let after = live(&w, id).await;
    assert_eq!(after.updated_at, version);
    assert!(version >= before.updated_at);
    assert_eq!(after.us_status.custody, Custody::Bond);
    assert_eq!(after.claims, before.claims, "claims keep their ids");
    assert_eq!(after.person.family, before.person.family);
    assert_eq!(after.stage, before.stage);
    assert_eq!(w.t.corridor.search_names("Fevroniya Pravkina", 5), vec![id]);
    assert!(
        w.t.corridor.search_names("Pustovoitova", 5).is_empty(),
        "the old names are no longer found"
    );
    assert_eq!(
        audited(&w, &w.caseworker, AuditAction::CaseUpdated).await,
        vec![AuditOutcome::Allowed]
    );

    // A second edit from the first version is stale: refused, nothing changed.
    let err =
        w.t.corridor
            .update_case_for(
                &w.caseworker,
                id,
                before.updated_at,
                details_named("Stale Edit"),
            )
            .await
            .expect_err("stale");
    assert!(matches!(err, AppError::EditConflict(c) if c == id), "{err}");
    assert!(live(&w, id).await == after);

    // From the version it returned, the next edit goes through.
    w.t.corridor
        .update_case_for(&w.caseworker, id, version, details_named("Next Edit"))
        .await
        .expect("next edit");
}

#[tokio::test]
async fn only_the_owner_edits_and_bad_programs_change_nothing() {
    let w = world().await;
    let id =
        w.t.corridor
            .add_case(w.t.organisation, example())
            .await
            .expect("add");
    let before = live(&w, id).await;
    w.t.corridor
        .share_case(&w.coordinator, id, w.partner.organisation, Utc::now())
        .await
        .expect("share");

    let err =
        w.t.corridor
            .update_case_for(
                &w.partner,
                id,
                before.updated_at,
                details_named("Partner Edit"),
            )
            .await
            .expect_err("a share does not let another organisation edit");
    assert!(matches!(err, AppError::CaseNotFound(_)), "{err}");
    assert_eq!(
        audited(&w, &w.partner, AuditAction::CaseUpdated).await,
        vec![AuditOutcome::Denied]
    );

    let err =
        w.t.corridor
            .update_case_for(
                &w.verifier,
                id,
                before.updated_at,
                details_named("Verifier Edit"),
            )
            .await
            .expect_err("a verifier does not edit");
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");

    let mut details = details_named("Bad Program");
    details.program = "no-such-program".parse().expect("slug");
    let err =
        w.t.corridor
            .update_case_for(&w.caseworker, id, before.updated_at, details)
            .await
            .expect_err("unknown program");
    assert!(matches!(err, AppError::UnknownProgram { .. }), "{err}");

    let err =
        w.t.corridor
            .update_case_for(
                &w.caseworker,
                CaseId::random(),
                before.updated_at,
                details_named("X"),
            )
            .await
            .expect_err("unknown case");
    assert!(matches!(err, AppError::CaseNotFound(_)), "{err}");

    assert!(live(&w, id).await == before, "nothing was written");
}

/// The case's data key, unwrapped from what the store holds now.
async fn data_key(w: &World, id: CaseId) -> corridor_crypto::CaseKey {
    let store = w.t.corridor.store();
    let header = store.keyring().await.expect("read").expect("keyring");
    let root =
        corridor_crypto::RootKey::unlock(crate::support::PASSPHRASE, &header).expect("root key");
    match store.case(id).await.expect("read") {
        Some(corridor_store::StoredCase::Live(record)) => root
            .unwrap(&record.wrapped_key, &id.to_string())
            .expect("unwrap"),
        _ => panic!("not live"),
    }
}

#[tokio::test]
async fn an_edit_keeps_the_cases_data_key() {
    // What is sealed under keys derived from the case key (its evidence files) must stay
    // readable after an edit.
    let w = world().await;
    let id =
        w.t.corridor
            .add_case_for(&w.caseworker, example())
            .await
            .expect("add");
    let address = corridor_crypto::FieldAddress::new("test", "derived", "1");
    let sealed = data_key(&w, id)
        .await
        .seal(address, b"sealed before the edit");
    let before = live(&w, id).await;
    w.t.corridor
        .update_case_for(
            &w.caseworker,
            id,
            before.updated_at,
            details_named("Другое Имя"),
        )
        .await
        .expect("edit");
    let opened = data_key(&w, id)
        .await
        .open(address, &sealed)
        .expect("opens");
    assert_eq!(opened.as_slice(), b"sealed before the edit");
}
