//! What every `Store` must do with evidence items and their reviews.

use corridor_core::{
    CaseId, EvidenceId, EvidenceKind, OrgId, ReviewStep, UserId, VerificationStatus,
};
use corridor_crypto::{FieldAddress, Sealed};
use corridor_store::{CaseStore, EvidenceRow, ReviewRow, Store, StoreError};

use crate::accounts::org_and_user;
use crate::support::{Spec, at, root_key};

fn sealed(text: &str) -> Sealed {
    root_key().seal(
        FieldAddress::new("evidence_items", "facts", "test"),
        text.as_bytes(),
    )
}

fn item(case_id: CaseId, organisation: OrgId, by: UserId, day: u32) -> EvidenceRow {
    let id = EvidenceId::random();
    EvidenceRow {
        id,
        case_id,
        organisation,
        kind: EvidenceKind::CourtDocument,
        status: VerificationStatus::Unverified,
        derived_from: None,
        uploaded_by: Some(by),
        uploaded_at: at(day),
        blob: Some(format!("blobs/{}", uuid::Uuid::new_v4())),
        facts: sealed("facts"),
    }
}

fn review(evidence: EvidenceId, reviewer: UserId, step: ReviewStep, day: u32) -> ReviewRow {
    ReviewRow {
        evidence,
        seq: 0,
        reviewer,
        at: at(day),
        step,
        body: sealed("checks and reason"),
    }
}

async fn setup(store: &dyn Store) -> (OrgId, UserId, UserId, CaseId, CaseId) {
    let (org, uploader) = org_and_user(store, "casey").await;
    let verifier = crate::accounts::user_record(org, "vera", corridor_core::Role::Verifier);
    store.create_user(&verifier).await.expect("verifier");
    let root = root_key();
    let one = Spec::new(org).build(&root);
    let two = Spec::new(org).build(&root);
    let ids = (one.columns.id, two.columns.id);
    store.insert_cases(&[one, two]).await.expect("cases");
    (org, uploader.user.id, verifier.user.id, ids.0, ids.1)
}

pub async fn evidence_items_round_trip_and_are_listed_per_case(store: &dyn Store) {
    let (org, by, _, one, two) = setup(store).await;
    let first = item(one, org, by, 2);
    let mut copy = item(one, org, by, 3);
    copy.derived_from = Some(first.id);
    copy.blob = None;
    let earlier = EvidenceRow {
        uploaded_by: None,
        kind: EvidenceKind::Testimony,
        ..item(one, org, by, 1)
    };
    let other = item(two, org, by, 1);
    for row in [&first, &copy, &earlier, &other] {
        store.insert_evidence(row).await.expect("insert");
    }
    assert_eq!(
        store.evidence(first.id).await.expect("read"),
        Some(first.clone())
    );
    assert_eq!(
        store.evidence(EvidenceId::random()).await.expect("read"),
        None
    );
    assert_eq!(
        store.evidence_of_case(one).await.expect("list"),
        vec![earlier, first, copy],
        "oldest first, only the case's"
    );
}

pub async fn evidence_needs_a_live_case_and_an_original_of_the_same_case(store: &dyn Store) {
    let (org, by, _, one, two) = setup(store).await;
    let original = item(one, org, by, 1);
    store.insert_evidence(&original).await.expect("insert");

    let orphan = item(CaseId::random(), org, by, 2);
    let err = store.insert_evidence(&orphan).await.expect_err("no case");
    assert!(matches!(err, StoreError::CaseNotFound(_)), "{err}");

    let mut elsewhere = item(two, org, by, 2);
    elsewhere.derived_from = Some(original.id);
    let err = store
        .insert_evidence(&elsewhere)
        .await
        .expect_err("other case");
    assert!(
        matches!(err, StoreError::EvidenceNotFound(id) if id == original.id),
        "{err}"
    );

    let mut twin = item(one, org, by, 3);
    twin.blob = original.blob.clone();
    store
        .insert_evidence(&twin)
        .await
        .expect_err("a blob belongs to one item");
    for id in [orphan.id, elsewhere.id, twin.id] {
        assert_eq!(store.evidence(id).await.expect("read"), None);
    }
}

pub async fn reviews_move_an_item_only_from_the_status_they_saw(store: &dyn Store) {
    let (org, by, vera, one, _) = setup(store).await;
    let row = item(one, org, by, 1);
    store.insert_evidence(&row).await.expect("insert");
    use VerificationStatus::*;
    store
        .record_review(
            &review(row.id, vera, ReviewStep::StartReview, 2),
            Unverified,
            InReview,
        )
        .await
        .expect("start");
    store
        .record_review(
            &review(row.id, vera, ReviewStep::Verify, 3),
            InReview,
            Verified,
        )
        .await
        .expect("verify");

    let err = store
        .record_review(
            &review(row.id, vera, ReviewStep::Reject, 4),
            InReview,
            Rejected,
        )
        .await
        .expect_err("stale");
    assert!(
        matches!(err, StoreError::EvidenceChanged(id) if id == row.id),
        "{err}"
    );
    let err = store
        .record_review(
            &review(EvidenceId::random(), vera, ReviewStep::StartReview, 4),
            Unverified,
            InReview,
        )
        .await
        .expect_err("unknown");
    assert!(matches!(err, StoreError::EvidenceNotFound(_)), "{err}");

    let reviews = store.evidence_reviews(row.id).await.expect("reviews");
    let steps: Vec<(i32, ReviewStep)> = reviews.iter().map(|r| (r.seq, r.step)).collect();
    assert_eq!(
        steps,
        [(1, ReviewStep::StartReview), (2, ReviewStep::Verify)]
    );
    assert_eq!(
        store
            .evidence(row.id)
            .await
            .expect("read")
            .map(|r| r.status),
        Some(Verified)
    );

    // A reviewer who does not exist: nothing recorded, the status unchanged.
    store
        .record_review(
            &review(row.id, UserId::random(), ReviewStep::Dispute, 5),
            Verified,
            Disputed,
        )
        .await
        .expect_err("unknown reviewer");
    assert_eq!(
        store
            .evidence(row.id)
            .await
            .expect("read")
            .map(|r| r.status),
        Some(Verified)
    );
    assert_eq!(
        store.evidence_reviews(row.id).await.expect("reviews").len(),
        2
    );
}

pub async fn purging_a_case_destroys_its_evidence_and_snapshots_carry_the_rest(store: &dyn Store) {
    let (org, by, vera, one, two) = setup(store).await;
    let gone = item(one, org, by, 1);
    let mut gone_copy = item(one, org, by, 2);
    gone_copy.derived_from = Some(gone.id);
    let kept = item(two, org, by, 1);
    let mut kept_copy = item(two, org, by, 3);
    kept_copy.derived_from = Some(kept.id);
    for row in [&gone, &gone_copy, &kept, &kept_copy] {
        store.insert_evidence(row).await.expect("insert");
    }
    store
        .record_review(
            &review(gone.id, vera, ReviewStep::StartReview, 2),
            VerificationStatus::Unverified,
            VerificationStatus::InReview,
        )
        .await
        .expect("review");
    store
        .record_review(
            &review(kept.id, vera, ReviewStep::StartReview, 2),
            VerificationStatus::Unverified,
            VerificationStatus::InReview,
        )
        .await
        .expect("review");
    store.purge_case(one, at(4)).await.expect("purge");
    assert_eq!(store.evidence(gone.id).await.expect("read"), None);
    assert_eq!(store.evidence(gone_copy.id).await.expect("read"), None);
    assert!(
        store
            .evidence_reviews(gone.id)
            .await
            .expect("reviews")
            .is_empty()
    );

    let snapshot = store.snapshot().await.expect("snapshot");
    let ids: Vec<EvidenceId> = snapshot.evidence.items.iter().map(|i| i.id).collect();
    assert_eq!(ids, vec![kept.id, kept_copy.id]);
    assert_eq!(snapshot.evidence.reviews.len(), 1);
    let fresh = crate::support::TestSqlite::new().await;
    fresh.store.load_snapshot(&snapshot).await.expect("load");
    assert_eq!(fresh.store.snapshot().await.expect("snapshot"), snapshot);
}
