//! What every `Store` must do with API tokens. Each check gets a fresh, empty store.

use chrono::Duration;
use corridor_core::{ApiScope, ApiScopes, ApiTokenId, Role, TokenLabel, UserId};
use corridor_crypto::{SecretToken, TokenPurpose};
use corridor_store::{ApiTokenRow, ApiTokenStore, CaseStore, Store, StoreError};

use crate::accounts::{org_and_user, user_record};
use crate::support::at;

fn token(user: UserId, day: u32) -> ApiTokenRow {
    ApiTokenRow {
        id: ApiTokenId::random(),
        user,
        label: TokenLabel::new("nightly export").expect("label"),
        scopes: ApiScopes::new([ApiScope::CasesRead, ApiScope::CasesShare]).expect("scopes"),
        digest: SecretToken::generate(TokenPurpose::Api).digest(),
        created_at: at(day),
        expires_at: at(day) + Duration::days(90),
        revoked_at: None,
        last_used_at: None,
    }
}

pub async fn api_tokens_round_trip_and_are_found_by_digest(store: &dyn Store) {
    let (_, alice) = org_and_user(store, "alice").await;
    let row = token(alice.user.id, 1);
    store.create_api_token(&row).await.expect("create");
    assert_eq!(
        store.api_token(row.id).await.expect("read"),
        Some(row.clone())
    );
    assert_eq!(
        store.api_token_by_digest(&row.digest).await.expect("read"),
        Some(row.clone())
    );
    let other = SecretToken::generate(TokenPurpose::Api).digest();
    assert_eq!(store.api_token_by_digest(&other).await.expect("read"), None);
    assert_eq!(
        store.api_token(ApiTokenId::random()).await.expect("read"),
        None
    );

    let orphan = token(UserId::random(), 1);
    let err = store
        .create_api_token(&orphan)
        .await
        .expect_err("no such user");
    assert!(
        matches!(err, StoreError::UserNotFound(id) if id == orphan.user),
        "{err}"
    );
    assert_eq!(store.api_token(orphan.id).await.expect("read"), None);

    let mut twin = token(alice.user.id, 2);
    twin.digest = row.digest;
    store
        .create_api_token(&twin)
        .await
        .expect_err("a digest is stored once");
    assert_eq!(store.api_token(twin.id).await.expect("read"), None);
}

pub async fn api_tokens_are_listed_per_user_and_per_organisation(store: &dyn Store) {
    let (org, alice) = org_and_user(store, "alice").await;
    let bob = user_record(org, "bob", Role::Coordinator);
    store.create_user(&bob).await.expect("bob");
    let (_, carol) = org_and_user(store, "carol").await;
    let a1 = token(alice.user.id, 1);
    let a2 = token(alice.user.id, 3);
    let b1 = token(bob.user.id, 2);
    let c1 = token(carol.user.id, 4);
    for row in [&a1, &a2, &b1, &c1] {
        store.create_api_token(row).await.expect("create");
    }
    assert_eq!(
        store.api_tokens_of_user(alice.user.id).await.expect("list"),
        vec![a2.clone(), a1.clone()],
        "newest first"
    );
    assert_eq!(
        store.api_tokens_of_organisation(org).await.expect("list"),
        vec![a2, b1, a1],
        "the organisation's users only, newest first"
    );
    assert!(
        store
            .api_tokens_of_user(UserId::random())
            .await
            .expect("list")
            .is_empty()
    );
    assert!(
        store
            .api_tokens_of_organisation(corridor_core::OrgId::random())
            .await
            .expect("list")
            .is_empty()
    );
}

pub async fn revoking_an_api_token_is_idempotent_and_unknown_tokens_are_named(store: &dyn Store) {
    let (_, alice) = org_and_user(store, "alice").await;
    let row = token(alice.user.id, 1);
    let kept = token(alice.user.id, 1);
    store.create_api_token(&row).await.expect("create");
    store.create_api_token(&kept).await.expect("create");
    assert!(store.revoke_api_token(row.id, at(2)).await.expect("revoke"));
    assert!(
        !store.revoke_api_token(row.id, at(3)).await.expect("again"),
        "revoking twice changes nothing"
    );
    let read = store.api_token(row.id).await.expect("read").expect("kept");
    assert_eq!(read.revoked_at, Some(at(2)), "the first revocation is kept");
    assert_eq!(
        store
            .api_token_by_digest(&row.digest)
            .await
            .expect("read")
            .and_then(|r| r.revoked_at),
        Some(at(2)),
        "a revoked token is still found, as revoked"
    );
    assert_eq!(
        store.api_token(kept.id).await.expect("read"),
        Some(kept),
        "other tokens are untouched"
    );
    let unknown = ApiTokenId::random();
    let err = store
        .revoke_api_token(unknown, at(2))
        .await
        .expect_err("unknown");
    assert!(
        matches!(err, StoreError::ApiTokenNotFound(id) if id == unknown),
        "{err}"
    );
}

pub async fn touching_an_api_token_records_its_last_use(store: &dyn Store) {
    let (_, alice) = org_and_user(store, "alice").await;
    let row = token(alice.user.id, 1);
    store.create_api_token(&row).await.expect("create");
    assert!(store.touch_api_token(row.id, at(5)).await.expect("touch"));
    assert!(store.touch_api_token(row.id, at(6)).await.expect("touch"));
    let read = store.api_token(row.id).await.expect("read").expect("row");
    assert_eq!(read.last_used_at, Some(at(6)));
    assert_eq!(
        ApiTokenRow {
            last_used_at: None,
            ..read
        },
        row,
        "nothing else changes"
    );
    assert!(
        !store
            .touch_api_token(ApiTokenId::random(), at(5))
            .await
            .expect("touch"),
        "an unknown token is reported, not created"
    );
}

/// Disabling a user does not change their tokens in the store: the app reads the user with
/// every request and refuses a disabled one's tokens (and accepts them again if the account
/// is re-enabled before they expire).
pub async fn api_tokens_of_a_disabled_user_are_returned_as_they_are(store: &dyn Store) {
    let (_, alice) = org_and_user(store, "alice").await;
    let row = token(alice.user.id, 1);
    store.create_api_token(&row).await.expect("create");
    store
        .set_disabled(alice.user.id, true)
        .await
        .expect("disable");
    assert_eq!(
        store.api_token_by_digest(&row.digest).await.expect("read"),
        Some(row.clone())
    );
    let user = store.user(row.user).await.expect("read").expect("user");
    assert!(user.user.disabled, "what the app checks");
}

pub async fn snapshots_carry_api_tokens(store: &dyn Store) {
    let (_, alice) = org_and_user(store, "alice").await;
    let mut revoked = token(alice.user.id, 1);
    revoked.revoked_at = Some(at(2));
    revoked.last_used_at = Some(at(2));
    let live = token(alice.user.id, 3);
    store.create_api_token(&revoked).await.expect("create");
    store.create_api_token(&live).await.expect("create");

    let snapshot = store.snapshot().await.expect("snapshot");
    assert_eq!(
        snapshot.accounts.api_tokens,
        vec![revoked.clone(), live.clone()]
    );
    let fresh = crate::support::TestSqlite::new().await;
    fresh.store.load_snapshot(&snapshot).await.expect("load");
    assert_eq!(fresh.store.snapshot().await.expect("snapshot"), snapshot);
    assert_eq!(
        fresh
            .store
            .api_token_by_digest(&revoked.digest)
            .await
            .expect("read")
            .and_then(|r| r.revoked_at),
        Some(at(2)),
        "a revoked token stays revoked"
    );
}
