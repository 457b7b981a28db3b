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
