//! What every `Store` must do with organisation signing keys.

use corridor_core::OrgId;
use corridor_crypto::CaseKey;
use corridor_store::{CaseStore as _, SigningKeyRow, SigningKeyStore as _, Store, StoreError};

use crate::support::{at, organisation, root_key};

fn key_row(organisation: OrgId, public_key: char, day: u32) -> SigningKeyRow {
    SigningKeyRow {
        organisation,
        wrapped_key: root_key().wrap(&CaseKey::generate(), &organisation.to_string()),
        public_key: public_key.to_string().repeat(64),
        created_at: at(day),
    }
}

pub async fn signing_keys_are_kept_once_per_organisation_and_carried_by_snapshots(
    store: &dyn Store,
) {
    let org = organisation("Signers");
    store.insert_organisation(&org).await.expect("org");
    assert_eq!(store.signing_key(org.id).await.expect("read"), None);

    let first = key_row(org.id, 'a', 1);
    assert_eq!(
        store.insert_signing_key(&first).await.expect("insert"),
        first
    );
    // A second key for the same organisation (another server racing) is not stored: the first
    // comes back.
    let second = key_row(org.id, 'b', 2);
    assert_eq!(
        store.insert_signing_key(&second).await.expect("insert"),
        first
    );
    assert_eq!(
        store.signing_key(org.id).await.expect("read"),
        Some(first.clone())
    );

    // An organisation that does not exist gets no key.
    let error = store
        .insert_signing_key(&key_row(OrgId::random(), 'c', 3))
        .await
        .expect_err("no such organisation");
    assert!(!matches!(error, StoreError::NotEmpty), "{error}");

    let snapshot = store.snapshot().await.expect("snapshot");
    assert_eq!(snapshot.signing_keys, vec![first.clone()]);
    let fresh = crate::support::TestSqlite::new().await;
    fresh.store.load_snapshot(&snapshot).await.expect("load");
    assert_eq!(
        fresh.store.signing_key(org.id).await.expect("read"),
        Some(first)
    );
}

fn dossier(case_id: corridor_core::CaseId, version: u32, day: u32) -> corridor_store::DossierRow {
    corridor_store::DossierRow {
        case_id,
        version,
        issued_at: at(day),
        fingerprint: "0123456789abcdef".to_owned(),
        pdf_blob: uuid::Uuid::new_v4().to_string(),
        json_blob: uuid::Uuid::new_v4().to_string(),
    }
}

pub async fn dossiers_are_kept_by_version_and_go_with_their_case(store: &dyn Store) {
    let org = organisation("Issuers");
    store.insert_organisation(&org).await.expect("org");
    let root = root_key();
    let kept = crate::support::Spec::new(org.id).build(&root);
    let purged = crate::support::Spec::new(org.id).build(&root);
    let (kept_id, purged_id) = (kept.columns.id, purged.columns.id);
    store.insert_cases(&[kept, purged]).await.expect("cases");

    let first = dossier(kept_id, 1, 1);
    let second = dossier(kept_id, 2, 2);
    store.insert_dossier(&second).await.expect("v2");
    store.insert_dossier(&first).await.expect("v1");
    assert_eq!(
        store.dossiers_of_case(kept_id).await.expect("read"),
        vec![first.clone(), second.clone()],
        "oldest version first"
    );
    let error = store
        .insert_dossier(&dossier(kept_id, 2, 3))
        .await
        .expect_err("version taken");
    assert!(
        matches!(error, StoreError::DossierVersionTaken { version: 2, .. }),
        "{error}"
    );
    let error = store
        .insert_dossier(&dossier(corridor_core::CaseId::random(), 1, 3))
        .await
        .expect_err("no case");
    assert!(matches!(error, StoreError::CaseNotFound(_)), "{error}");

    store
        .insert_dossier(&dossier(purged_id, 1, 4))
        .await
        .expect("v1");
    store.purge_case(purged_id, at(5)).await.expect("purge");
    assert!(
        store
            .dossiers_of_case(purged_id)
            .await
            .expect("read")
            .is_empty()
    );

    let snapshot = store.snapshot().await.expect("snapshot");
    assert_eq!(snapshot.dossiers, vec![first, second]);
    let fresh = crate::support::TestSqlite::new().await;
    fresh.store.load_snapshot(&snapshot).await.expect("load");
    assert_eq!(
        fresh.store.snapshot().await.expect("snapshot").dossiers,
        snapshot.dossiers
    );
}
