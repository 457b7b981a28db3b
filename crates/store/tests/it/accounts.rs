//! What every `Store` must do with accounts: users, second factors, pending logins, sessions,
//! login attempts and case shares. Each check gets a fresh, empty store.

use chrono::Duration;
use corridor_core::{GrantKind, OrgId, Role, User, UserId, Username};
use corridor_crypto::{
    FieldAddress, PasswordHash, PasswordParams, RecoveryCodeHash, SecretToken, TokenDigest,
    TokenPurpose, generate_recovery_codes, hash_password,
};
use corridor_store::{
    AccountStore, CaseShare, CaseStore, LoginAttempt, PendingLoginRow, SessionRow, Store,
    StoreError, StoredCase, TotpEnrolment, UserRecord,
};

use crate::support::{Spec, at, organisation, root_key};

fn password_hash() -> PasswordHash {
    hash_password(
        "a long enough password",
        PasswordParams::INSECURE_FAST_FOR_TESTS,
    )
    .expect("hash")
}

pub(crate) fn user_record(organisation: OrgId, username: &str, role: Role) -> UserRecord {
    UserRecord {
        user: User {
            id: UserId::random(),
            organisation,
            username: Username::new(username).expect("username"),
            role,
            disabled: false,
            totp_enrolled: false,
            created_at: at(0),
        },
        password_hash: password_hash(),
        totp_secret: None,
        totp_last_step: None,
    }
}

/// An organisation and a user in it, stored.
pub(crate) async fn org_and_user(store: &dyn Store, username: &str) -> (OrgId, UserRecord) {
    let org = organisation(&format!("Org of {username}"));
    store.insert_organisation(&org).await.expect("org");
    let record = user_record(org.id, username, Role::Caseworker);
    store.create_user(&record).await.expect("user");
    (org.id, record)
}

fn digest() -> TokenDigest {
    SecretToken::generate(TokenPurpose::Session).digest()
}

fn session(user: UserId, day: u32) -> SessionRow {
    SessionRow {
        digest: digest(),
        user,
        created_at: at(day),
        last_seen_at: at(day),
        expires_at: at(day) + Duration::hours(12),
        address: Some("192.0.2.7".to_owned()),
    }
}

fn pending(user: UserId, day: u32) -> PendingLoginRow {
    PendingLoginRow {
        digest: SecretToken::generate(TokenPurpose::PendingLogin).digest(),
        user,
        created_at: at(day),
        expires_at: at(day) + Duration::minutes(5),
        address: None,
    }
}

fn sealed_secret(user: UserId, secret: &[u8]) -> corridor_crypto::Sealed {
    root_key().seal(
        FieldAddress::new("users", "totp_secret", &user.to_string()),
        secret,
    )
}

fn codes(n: usize) -> Vec<RecoveryCodeHash> {
    generate_recovery_codes()
        .iter()
        .take(n)
        .map(|c| c.hash())
        .collect()
}

pub async fn users_round_trip_and_usernames_are_unique(store: &dyn Store) {
    let org = organisation("Org");
    store.insert_organisation(&org).await.expect("org");
    assert_eq!(store.count_users().await.expect("count"), 0);
    let zed = user_record(org.id, "zed", Role::Legal);
    let amy = user_record(org.id, "amy", Role::Admin);
    store.create_user(&zed).await.expect("zed");
    store.create_user(&amy).await.expect("amy");
    assert_eq!(store.count_users().await.expect("count"), 2);

    assert_eq!(
        store.user(zed.user.id).await.expect("read"),
        Some(zed.clone())
    );
    assert_eq!(
        store
            .user_by_username(&Username::new("ZED").expect("name"))
            .await
            .expect("read"),
        Some(zed.clone())
    );
    assert_eq!(store.user(UserId::random()).await.expect("read"), None);
    assert_eq!(
        store
            .user_by_username(&Username::new("nobody").expect("name"))
            .await
            .expect("read"),
        None
    );
    assert_eq!(
        store.users(org.id).await.expect("list"),
        vec![amy.user.clone(), zed.user.clone()],
        "by username"
    );
    assert!(store.users(OrgId::random()).await.expect("list").is_empty());

    // The same username in another organisation is still taken.
    let other = organisation("Other");
    store.insert_organisation(&other).await.expect("org");
    let twin = user_record(other.id, "zed", Role::Caseworker);
    let err = store.create_user(&twin).await.expect_err("duplicate");
    assert!(matches!(err, StoreError::UsernameTaken), "{err}");
    assert_eq!(store.user(twin.user.id).await.expect("read"), None);

    let orphan = user_record(OrgId::random(), "orphan", Role::Caseworker);
    let err = store.create_user(&orphan).await.expect_err("no such org");
    assert!(matches!(err, StoreError::OrganisationNotFound(id) if id == orphan.user.organisation));

    // Every field round-trips, including the TOTP columns.
    let mut full = user_record(other.id, "full.user-1", Role::Sponsor);
    full.user.disabled = true;
    full.user.totp_enrolled = true;
    full.totp_secret = Some(sealed_secret(full.user.id, b"0123456789abcdefghij"));
    full.totp_last_step = Some(56_666_667);
    store.create_user(&full).await.expect("full");
    assert_eq!(store.user(full.user.id).await.expect("read"), Some(full));
    assert_eq!(store.count_users().await.expect("count"), 3);
}

pub async fn only_the_first_user_goes_into_an_empty_store(store: &dyn Store) {
    let org = organisation("Org");
    store.insert_organisation(&org).await.expect("org");
    let first = user_record(org.id, "admin", Role::Admin);
    store.create_first_user(&first).await.expect("first");
    let second = user_record(org.id, "admin2", Role::Admin);
    let err = store
        .create_first_user(&second)
        .await
        .expect_err("not the first");
    assert!(matches!(err, StoreError::UsersExist), "{err}");
    assert_eq!(store.count_users().await.expect("count"), 1);
}

pub async fn user_updates_touch_one_user_and_disabling_ends_sessions(store: &dyn Store) {
    let (org, alice) = org_and_user(store, "alice").await;
    let bob = user_record(org, "bob", Role::Caseworker);
    store.create_user(&bob).await.expect("bob");
    let id = alice.user.id;

    let new_hash = hash_password(
        "another long password",
        PasswordParams::INSECURE_FAST_FOR_TESTS,
    )
    .expect("hash");
    store.set_password_hash(id, &new_hash).await.expect("pw");
    store.set_role(id, Role::Coordinator).await.expect("role");
    let read = store.user(id).await.expect("read").expect("alice");
    assert_eq!(read.password_hash, new_hash);
    assert_eq!(read.user.role, Role::Coordinator);
    assert_eq!(
        store.user(bob.user.id).await.expect("read"),
        Some(bob.clone())
    );

    let alice_session = session(id, 1);
    let bob_session = session(bob.user.id, 1);
    let alice_pending = pending(id, 1);
    store.create_session(&alice_session).await.expect("s");
    store.create_session(&bob_session).await.expect("s");
    store.create_pending_login(&alice_pending).await.expect("p");

    store.set_disabled(id, true).await.expect("disable");
    assert!(
        store
            .user(id)
            .await
            .expect("read")
            .expect("alice")
            .user
            .disabled
    );
    assert_eq!(store.session(&alice_session.digest).await.expect("s"), None);
    assert_eq!(
        store.pending_login(&alice_pending.digest).await.expect("p"),
        None
    );
    assert_eq!(
        store.session(&bob_session.digest).await.expect("s"),
        Some(bob_session),
        "other users keep their sessions"
    );
    store.set_disabled(id, false).await.expect("enable");
    assert!(
        !store
            .user(id)
            .await
            .expect("read")
            .expect("alice")
            .user
            .disabled
    );

    let ghost = UserId::random();
    for err in [
        store
            .set_password_hash(ghost, &new_hash)
            .await
            .expect_err("ghost"),
        store.set_role(ghost, Role::Admin).await.expect_err("ghost"),
        store.set_disabled(ghost, true).await.expect_err("ghost"),
        store.reset_totp(ghost).await.expect_err("ghost"),
        store
            .replace_recovery_codes(ghost, &codes(1))
            .await
            .expect_err("ghost"),
    ] {
        assert!(
            matches!(err, StoreError::UserNotFound(u) if u == ghost),
            "{err}"
        );
    }
}

pub async fn totp_enrolment_completes_once_and_atomically(store: &dyn Store) {
    let (_, alice) = org_and_user(store, "alice").await;
    let id = alice.user.id;
    let first = sealed_secret(id, b"first secret bytes..");
    let second = sealed_secret(id, b"second secret bytes.");
    store.begin_totp_enrolment(id, &first).await.expect("begin");
    // A second begin (the user reloaded the login page) replaces the unconfirmed secret.
    store
        .begin_totp_enrolment(id, &second)
        .await
        .expect("begin again");
    let read = store.user(id).await.expect("read").expect("alice");
    assert_eq!(read.totp_secret.as_ref(), Some(&second));
    assert!(!read.user.totp_enrolled);

    let login = pending(id, 1);
    store.create_pending_login(&login).await.expect("pending");
    let new_session = session(id, 1);
    let recovery = codes(10);

    // Confirming the replaced secret fails and writes nothing.
    let stale = TotpEnrolment {
        pending: &login.digest,
        secret: &first,
        step: 100,
        recovery_codes: &recovery,
        session: &new_session,
    };
    let err = store
        .complete_totp_enrolment(&stale)
        .await
        .expect_err("stale secret");
    assert!(
        matches!(err, StoreError::TotpConflict(u) if u == id),
        "{err}"
    );
    assert_eq!(store.session(&new_session.digest).await.expect("s"), None);
    assert!(
        store
            .pending_login(&login.digest)
            .await
            .expect("p")
            .is_some()
    );
    assert_eq!(store.unused_recovery_codes(id).await.expect("codes"), 0);
    assert!(
        !store
            .user(id)
            .await
            .expect("read")
            .expect("alice")
            .user
            .totp_enrolled
    );

    let enrolment = TotpEnrolment {
        secret: &second,
        ..stale
    };
    store
        .complete_totp_enrolment(&enrolment)
        .await
        .expect("enrol");
    let read = store.user(id).await.expect("read").expect("alice");
    assert!(read.user.totp_enrolled);
    assert_eq!(read.totp_last_step, Some(100));
    assert_eq!(read.totp_secret.as_ref(), Some(&second));
    assert_eq!(store.unused_recovery_codes(id).await.expect("codes"), 10);
    assert_eq!(
        store.session(&new_session.digest).await.expect("s"),
        Some(new_session.clone())
    );
    assert_eq!(store.pending_login(&login.digest).await.expect("p"), None);

    // The pending login is gone: a replay of the same enrolment fails, writing nothing.
    let again = TotpEnrolment {
        session: &session(id, 2),
        ..enrolment
    };
    let err = store
        .complete_totp_enrolment(&again)
        .await
        .expect_err("used");
    assert!(matches!(err, StoreError::PendingLoginGone), "{err}");
    assert_eq!(store.sessions_of(id).await.expect("list").len(), 1);

    // With a fresh pending login, an enrolled user cannot enrol again.
    let login2 = pending(id, 2);
    store.create_pending_login(&login2).await.expect("pending");
    let twice = TotpEnrolment {
        pending: &login2.digest,
        session: &session(id, 2),
        ..enrolment
    };
    let err = store
        .complete_totp_enrolment(&twice)
        .await
        .expect_err("enrolled");
    assert!(matches!(err, StoreError::TotpConflict(_)), "{err}");
    assert!(
        store
            .pending_login(&login2.digest)
            .await
            .expect("p")
            .is_some(),
        "rolled back"
    );
    let err = store
        .begin_totp_enrolment(id, &first)
        .await
        .expect_err("enrolled");
    assert!(
        matches!(err, StoreError::TotpAlreadyEnrolled(u) if u == id),
        "{err}"
    );
    assert_eq!(
        store
            .user(id)
            .await
            .expect("read")
            .expect("alice")
            .totp_secret,
        Some(second),
        "the confirmed secret stays"
    );
    let ghost = UserId::random();
    let err = store
        .begin_totp_enrolment(ghost, &first)
        .await
        .expect_err("ghost");
    assert!(matches!(err, StoreError::UserNotFound(_)), "{err}");

    // Somebody else's pending login does not complete this user's enrolment.
    let (_, bob) = org_and_user(store, "bob").await;
    let bob_secret = sealed_secret(bob.user.id, b"bob secret bytes....");
    store
        .begin_totp_enrolment(bob.user.id, &bob_secret)
        .await
        .expect("begin");
    let alice_login = pending(id, 3);
    store.create_pending_login(&alice_login).await.expect("p");
    let foreign = TotpEnrolment {
        pending: &alice_login.digest,
        secret: &bob_secret,
        step: 5,
        recovery_codes: &recovery,
        session: &session(bob.user.id, 3),
    };
    let err = store
        .complete_totp_enrolment(&foreign)
        .await
        .expect_err("foreign");
    assert!(matches!(err, StoreError::PendingLoginGone), "{err}");
    assert!(
        !store
            .user(bob.user.id)
            .await
            .expect("r")
            .expect("bob")
            .user
            .totp_enrolled
    );
}

pub async fn totp_steps_are_compare_and_set(store: &dyn Store) {
    let (_, alice) = org_and_user(store, "alice").await;
    let id = alice.user.id;
    // Not enrolled yet: no step is accepted.
    assert!(!store.advance_totp_step(id, 10).await.expect("cas"));

    let secret = sealed_secret(id, b"twenty bytes secret.");
    store
        .begin_totp_enrolment(id, &secret)
        .await
        .expect("begin");
    let login = pending(id, 1);
    store.create_pending_login(&login).await.expect("p");
    store
        .complete_totp_enrolment(&TotpEnrolment {
            pending: &login.digest,
            secret: &secret,
            step: 100,
            recovery_codes: &[],
            session: &session(id, 1),
        })
        .await
        .expect("enrol");

    assert!(
        !store.advance_totp_step(id, 100).await.expect("cas"),
        "same step"
    );
    assert!(
        !store.advance_totp_step(id, 99).await.expect("cas"),
        "earlier step"
    );
    assert!(store.advance_totp_step(id, 101).await.expect("cas"));
    assert!(
        !store.advance_totp_step(id, 101).await.expect("cas"),
        "replayed"
    );
    assert!(store.advance_totp_step(id, 103).await.expect("cas"));
    assert!(!store.advance_totp_step(id, 102).await.expect("cas"));
    assert_eq!(
        store
            .user(id)
            .await
            .expect("r")
            .expect("alice")
            .totp_last_step,
        Some(103)
    );
    let err = store
        .advance_totp_step(UserId::random(), 1)
        .await
        .expect_err("ghost");
    assert!(matches!(err, StoreError::UserNotFound(_)), "{err}");
}

pub async fn recovery_codes_are_single_use(store: &dyn Store) {
    let (org, alice) = org_and_user(store, "alice").await;
    let bob = user_record(org, "bob", Role::Caseworker);
    store.create_user(&bob).await.expect("bob");
    let id = alice.user.id;
    let alice_codes = codes(3);
    let bob_codes = codes(2);
    store
        .replace_recovery_codes(id, &alice_codes)
        .await
        .expect("codes");
    store
        .replace_recovery_codes(bob.user.id, &bob_codes)
        .await
        .expect("codes");
    assert_eq!(store.unused_recovery_codes(id).await.expect("n"), 3);

    assert!(
        store
            .use_recovery_code(id, &alice_codes[0], at(1))
            .await
            .expect("use")
    );
    assert!(
        !store
            .use_recovery_code(id, &alice_codes[0], at(2))
            .await
            .expect("use"),
        "used twice"
    );
    assert!(
        !store
            .use_recovery_code(id, &bob_codes[0], at(2))
            .await
            .expect("use"),
        "another user's code"
    );
    assert!(
        !store
            .use_recovery_code(id, &codes(1)[0], at(2))
            .await
            .expect("use"),
        "unknown code"
    );
    assert!(
        !store
            .use_recovery_code(UserId::random(), &alice_codes[1], at(2))
            .await
            .expect("use"),
        "unknown user"
    );
    assert_eq!(store.unused_recovery_codes(id).await.expect("n"), 2);
    assert_eq!(
        store.unused_recovery_codes(bob.user.id).await.expect("n"),
        2
    );

    // New codes replace every old one, used or not.
    let fresh = codes(4);
    store
        .replace_recovery_codes(id, &fresh)
        .await
        .expect("codes");
    assert_eq!(store.unused_recovery_codes(id).await.expect("n"), 4);
    assert!(
        !store
            .use_recovery_code(id, &alice_codes[1], at(3))
            .await
            .expect("use")
    );
    assert!(
        store
            .use_recovery_code(id, &fresh[3], at(3))
            .await
            .expect("use")
    );

    // A list with a duplicate fails as a whole: the old codes stay.
    let err = store
        .replace_recovery_codes(id, &[fresh[0], fresh[0]])
        .await
        .expect_err("duplicate");
    assert!(matches!(err, StoreError::Database(_)), "{err}");
    assert_eq!(store.unused_recovery_codes(id).await.expect("n"), 3);
}

pub async fn reset_totp_forgets_the_second_factor_and_ends_sessions(store: &dyn Store) {
    let (org, alice) = org_and_user(store, "alice").await;
    let bob = user_record(org, "bob", Role::Caseworker);
    store.create_user(&bob).await.expect("bob");
    let id = alice.user.id;
    let secret = sealed_secret(id, b"twenty bytes secret.");
    store
        .begin_totp_enrolment(id, &secret)
        .await
        .expect("begin");
    let login = pending(id, 1);
    store.create_pending_login(&login).await.expect("p");
    let s = session(id, 1);
    store
        .complete_totp_enrolment(&TotpEnrolment {
            pending: &login.digest,
            secret: &secret,
            step: 7,
            recovery_codes: &codes(10),
            session: &s,
        })
        .await
        .expect("enrol");
    let bob_session = session(bob.user.id, 1);
    store.create_session(&bob_session).await.expect("s");

    store.reset_totp(id).await.expect("reset");
    let read = store.user(id).await.expect("r").expect("alice");
    assert!(!read.user.totp_enrolled);
    assert_eq!(read.totp_secret, None);
    assert_eq!(read.totp_last_step, None);
    assert_eq!(store.unused_recovery_codes(id).await.expect("n"), 0);
    assert_eq!(store.session(&s.digest).await.expect("s"), None);
    assert_eq!(
        store.session(&bob_session.digest).await.expect("s"),
        Some(bob_session)
    );
    // Enrolment can begin again.
    store
        .begin_totp_enrolment(id, &secret)
        .await
        .expect("begin");
}

pub async fn sessions_are_found_by_digest_touched_and_ended(store: &dyn Store) {
    let (org, alice) = org_and_user(store, "alice").await;
    let bob = user_record(org, "bob", Role::Caseworker);
    store.create_user(&bob).await.expect("bob");
    let id = alice.user.id;
    let first = session(id, 1);
    let mut second = session(id, 2);
    second.address = None;
    let other = session(bob.user.id, 1);
    for s in [&first, &second, &other] {
        store.create_session(s).await.expect("create");
    }
    assert_eq!(
        store.session(&first.digest).await.expect("s"),
        Some(first.clone())
    );
    assert_eq!(
        store.session(&second.digest).await.expect("s"),
        Some(second.clone())
    );
    assert_eq!(store.session(&digest()).await.expect("s"), None);
    assert_eq!(
        store.sessions_of(id).await.expect("list"),
        vec![second.clone(), first.clone()],
        "newest first"
    );

    // A duplicate digest is refused.
    let mut clash = session(bob.user.id, 3);
    clash.digest = first.digest;
    store
        .create_session(&clash)
        .await
        .expect_err("duplicate digest");
    assert_eq!(
        store.session(&first.digest).await.expect("s"),
        Some(first.clone())
    );

    assert!(
        store
            .touch_session(&first.digest, at(1) + Duration::minutes(10))
            .await
            .expect("touch")
    );
    assert_eq!(
        store
            .session(&first.digest)
            .await
            .expect("s")
            .expect("first")
            .last_seen_at,
        at(1) + Duration::minutes(10)
    );
    assert!(!store.touch_session(&digest(), at(1)).await.expect("touch"));

    // Expiry is the caller's rule: a long-expired session is still returned as stored.
    let old = session(id, 0);
    store.create_session(&old).await.expect("create");
    assert_eq!(
        store.session(&old.digest).await.expect("s"),
        Some(old.clone())
    );

    assert!(store.delete_session(&old.digest).await.expect("delete"));
    assert!(
        !store
            .delete_session(&old.digest)
            .await
            .expect("delete again")
    );

    // Logout everywhere ends this user's sessions and pending logins, nobody else's.
    let login = pending(id, 2);
    store.create_pending_login(&login).await.expect("p");
    assert_eq!(store.delete_user_sessions(id).await.expect("all"), 2);
    assert!(store.sessions_of(id).await.expect("list").is_empty());
    assert_eq!(store.pending_login(&login.digest).await.expect("p"), None);
    assert_eq!(
        store.session(&other.digest).await.expect("s"),
        Some(other.clone())
    );
    assert_eq!(store.delete_user_sessions(id).await.expect("none left"), 0);

    // Pruning removes the expired and the idle, and expired pending logins.
    let fresh = session(id, 5);
    let expired = session(id, 3); // expires at day 3 + 12 h
    let mut idle = session(id, 4);
    idle.last_seen_at = at(4);
    let stale_login = pending(id, 3);
    let live_login = pending(id, 5);
    for s in [&fresh, &expired, &idle] {
        store.create_session(s).await.expect("create");
    }
    store.create_pending_login(&stale_login).await.expect("p");
    store.create_pending_login(&live_login).await.expect("p");
    let now = at(5);
    let pruned = store
        .prune_sessions(now, at(4) + Duration::minutes(1))
        .await
        .expect("prune");
    // `other` (Bob, day 1) expired too.
    assert_eq!(pruned, 3);
    assert_eq!(store.sessions_of(id).await.expect("list"), vec![fresh]);
    assert_eq!(
        store.pending_login(&stale_login.digest).await.expect("p"),
        None
    );
    assert!(
        store
            .pending_login(&live_login.digest)
            .await
            .expect("p")
            .is_some()
    );
}

pub async fn pending_logins_become_one_session_once(store: &dyn Store) {
    let (org, alice) = org_and_user(store, "alice").await;
    let bob = user_record(org, "bob", Role::Caseworker);
    store.create_user(&bob).await.expect("bob");
    let id = alice.user.id;
    let login = pending(id, 1);
    store.create_pending_login(&login).await.expect("create");
    assert_eq!(
        store.pending_login(&login.digest).await.expect("p"),
        Some(login.clone())
    );
    store
        .create_pending_login(&login)
        .await
        .expect_err("duplicate digest");

    // Bob cannot turn Alice's pending login into his session.
    let bobs = session(bob.user.id, 1);
    let err = store
        .complete_pending_login(&login.digest, &bobs)
        .await
        .expect_err("not his");
    assert!(matches!(err, StoreError::PendingLoginGone), "{err}");
    assert_eq!(store.session(&bobs.digest).await.expect("s"), None);

    let s = session(id, 1);
    store
        .complete_pending_login(&login.digest, &s)
        .await
        .expect("complete");
    assert_eq!(store.session(&s.digest).await.expect("s"), Some(s.clone()));
    assert_eq!(store.pending_login(&login.digest).await.expect("p"), None);

    let again = session(id, 1);
    let err = store
        .complete_pending_login(&login.digest, &again)
        .await
        .expect_err("used");
    assert!(matches!(err, StoreError::PendingLoginGone), "{err}");
    assert_eq!(store.session(&again.digest).await.expect("s"), None);

    let other = pending(id, 1);
    store.create_pending_login(&other).await.expect("create");
    assert!(
        store
            .delete_pending_login(&other.digest)
            .await
            .expect("delete")
    );
    assert!(
        !store
            .delete_pending_login(&other.digest)
            .await
            .expect("delete")
    );
}

pub async fn login_failures_are_counted_per_key_until_a_success(store: &dyn Store) {
    let attempt = |key: &str, minutes: i64, succeeded: bool| LoginAttempt {
        id: uuid::Uuid::new_v4(),
        key: key.to_owned(),
        at: at(0) + Duration::minutes(minutes),
        succeeded,
    };
    let since = |minutes: i64| at(0) + Duration::minutes(minutes);
    for m in [0, 1, 2, 3] {
        store
            .record_login_attempt(&attempt("user:a", m, false))
            .await
            .expect("record");
    }
    store
        .record_login_attempt(&attempt("addr:x", 2, false))
        .await
        .expect("record");
    assert_eq!(
        store
            .count_login_failures("user:a", since(0))
            .await
            .expect("n"),
        4
    );
    assert_eq!(
        store
            .count_login_failures("user:a", since(2))
            .await
            .expect("n"),
        2
    );
    assert_eq!(
        store
            .count_login_failures("user:a", since(4))
            .await
            .expect("n"),
        0
    );
    assert_eq!(
        store
            .count_login_failures("addr:x", since(0))
            .await
            .expect("n"),
        1
    );
    assert_eq!(
        store
            .count_login_failures("user:b", since(0))
            .await
            .expect("n"),
        0
    );

    // A success cancels the failures before it, not those after.
    let pending_success = attempt("user:a", 4, false);
    store
        .record_login_attempt(&pending_success)
        .await
        .expect("record");
    assert_eq!(
        store
            .count_login_failures("user:a", since(0))
            .await
            .expect("n"),
        5
    );
    store
        .mark_login_attempt_succeeded(pending_success.id)
        .await
        .expect("mark");
    assert_eq!(
        store
            .count_login_failures("user:a", since(0))
            .await
            .expect("n"),
        0
    );
    store
        .record_login_attempt(&attempt("user:a", 5, false))
        .await
        .expect("record");
    assert_eq!(
        store
            .count_login_failures("user:a", since(0))
            .await
            .expect("n"),
        1
    );
    assert_eq!(
        store
            .count_login_failures("addr:x", since(0))
            .await
            .expect("n"),
        1
    );

    // A reservation withdrawn is not counted.
    let withdrawn = attempt("addr:x", 6, false);
    store
        .record_login_attempt(&withdrawn)
        .await
        .expect("record");
    assert_eq!(
        store
            .count_login_failures("addr:x", since(0))
            .await
            .expect("n"),
        2
    );
    store
        .delete_login_attempt(withdrawn.id)
        .await
        .expect("delete");
    assert_eq!(
        store
            .count_login_failures("addr:x", since(0))
            .await
            .expect("n"),
        1
    );

    // Pruning drops what is older than the cut-off.
    let pruned = store.prune_login_attempts(since(3)).await.expect("prune");
    assert_eq!(pruned, 4, "user:a at 0, 1, 2 and addr:x at 2");
    assert_eq!(
        store
            .count_login_failures("user:a", since(0))
            .await
            .expect("n"),
        1
    );
    assert_eq!(
        store
            .count_login_failures("addr:x", since(0))
            .await
            .expect("n"),
        0
    );
}

pub async fn cases_are_shared_with_organisations_until_unshared_or_purged(store: &dyn Store) {
    let (owner, alice) = org_and_user(store, "alice").await;
    let partner = organisation("Partner");
    let third = organisation("Third");
    store.insert_organisation(&partner).await.expect("org");
    store.insert_organisation(&third).await.expect("org");
    let root = root_key();
    let cases: Vec<_> = (0..3).map(|_| Spec::new(owner).build(&root)).collect();
    store.insert_cases(&cases).await.expect("cases");
    let id = |i: usize| cases[i].columns.id;
    let share = |case: usize, org: OrgId, day: u32| CaseShare {
        case_id: id(case),
        organisation: org,
        kind: GrantKind::Share,
        granted_by: alice.user.id,
        granted_at: at(day),
    };

    assert!(
        store
            .share_case(&share(0, partner.id, 1))
            .await
            .expect("share")
    );
    assert!(
        store
            .share_case(&share(0, third.id, 2))
            .await
            .expect("share")
    );
    assert!(
        store
            .share_case(&share(1, partner.id, 3))
            .await
            .expect("share")
    );
    assert!(
        !store
            .share_case(&share(0, partner.id, 4))
            .await
            .expect("again"),
        "already shared"
    );
    assert_eq!(
        store.case_shares(id(0)).await.expect("shares"),
        vec![share(0, partner.id, 1), share(0, third.id, 2)],
        "the first grant is kept"
    );
    assert_eq!(
        store
            .cases_shared_with(partner.id, GrantKind::Share)
            .await
            .expect("cases"),
        vec![id(0), id(1)]
    );
    assert!(
        store
            .cases_shared_with(owner, GrantKind::Share)
            .await
            .expect("cases")
            .is_empty()
    );
    assert!(store.case_shares(id(2)).await.expect("shares").is_empty());

    assert!(
        store
            .unshare_case(id(0), partner.id, GrantKind::Share)
            .await
            .expect("unshare")
    );
    assert!(
        !store
            .unshare_case(id(0), partner.id, GrantKind::Share)
            .await
            .expect("unshare")
    );
    assert_eq!(
        store
            .cases_shared_with(partner.id, GrantKind::Share)
            .await
            .expect("cases"),
        vec![id(1)]
    );

    let err = store
        .share_case(&CaseShare {
            case_id: corridor_core::CaseId::random(),
            ..share(0, partner.id, 5)
        })
        .await
        .expect_err("no such case");
    assert!(matches!(err, StoreError::CaseNotFound(_)), "{err}");
    let err = store
        .share_case(&share(2, OrgId::random(), 5))
        .await
        .expect_err("no such organisation");
    assert!(matches!(err, StoreError::OrganisationNotFound(_)), "{err}");
    let err = store
        .share_case(&CaseShare {
            granted_by: UserId::random(),
            ..share(2, partner.id, 5)
        })
        .await
        .expect_err("no such user");
    assert!(matches!(err, StoreError::UserNotFound(_)), "{err}");

    // A referral is a grant of its own kind: listed with the shares, never among them.
    let referral = CaseShare {
        kind: GrantKind::Referral,
        ..share(2, third.id, 5)
    };
    assert!(store.share_case(&referral).await.expect("refer"));
    assert_eq!(
        store
            .cases_shared_with(third.id, GrantKind::Referral)
            .await
            .expect("referred"),
        vec![id(2)]
    );
    assert_eq!(
        store
            .cases_shared_with(third.id, GrantKind::Share)
            .await
            .expect("shared"),
        vec![id(0)],
        "a referral is not a share"
    );
    assert_eq!(
        store.case_shares(id(2)).await.expect("grants"),
        vec![referral]
    );
    assert!(
        !store
            .unshare_case(id(2), third.id, GrantKind::Share)
            .await
            .expect("wrong kind"),
        "withdrawing a share leaves a referral alone"
    );
    let visible = store
        .list_cases(
            &corridor_store::CaseFilter {
                visible_to: Some(third.id),
                ..Default::default()
            },
            corridor_store::Page::new(0, 10),
        )
        .await
        .expect("list");
    assert_eq!(
        visible.iter().map(|row| row.columns.id).collect::<Vec<_>>(),
        vec![id(0)],
        "a case list shows shared cases, not referred ones"
    );
    assert!(
        store
            .unshare_case(id(2), third.id, GrantKind::Referral)
            .await
            .expect("withdraw")
    );

    // Purging a shared case ends its shares; a purged case cannot be shared.
    store.purge_case(id(1), at(6)).await.expect("purge");
    assert!(matches!(
        store.case(id(1)).await.expect("read"),
        Some(StoredCase::Purged(_))
    ));
    assert!(store.case_shares(id(1)).await.expect("shares").is_empty());
    assert!(
        store
            .cases_shared_with(partner.id, GrantKind::Share)
            .await
            .expect("cases")
            .is_empty()
    );
    let err = store
        .share_case(&share(1, third.id, 7))
        .await
        .expect_err("purged");
    assert!(matches!(err, StoreError::CasePurged(_)), "{err}");
}

pub async fn snapshots_carry_accounts_but_not_sessions(store: &dyn Store) {
    let (owner, alice) = org_and_user(store, "alice").await;
    let partner = organisation("Partner");
    store.insert_organisation(&partner).await.expect("org");
    let mut bob = user_record(partner.id, "bob", Role::Sponsor);
    bob.user.created_at = at(1);
    bob.user.totp_enrolled = true;
    bob.totp_secret = Some(sealed_secret(bob.user.id, b"bob secret bytes...."));
    bob.totp_last_step = Some(42);
    store.create_user(&bob).await.expect("bob");
    let bob_codes = codes(3);
    store
        .replace_recovery_codes(bob.user.id, &bob_codes)
        .await
        .expect("codes");
    store
        .use_recovery_code(bob.user.id, &bob_codes[1], at(1))
        .await
        .expect("use");
    let case = Spec::new(owner).build(&root_key());
    store
        .insert_cases(std::slice::from_ref(&case))
        .await
        .expect("case");
    let share = CaseShare {
        case_id: case.columns.id,
        organisation: partner.id,
        kind: GrantKind::Referral,
        granted_by: alice.user.id,
        granted_at: at(1),
    };
    store.share_case(&share).await.expect("share");
    store
        .create_session(&session(bob.user.id, 1))
        .await
        .expect("s");

    let snapshot = store.snapshot().await.expect("snapshot");
    assert_eq!(snapshot.accounts.users, vec![alice.clone(), bob.clone()]);
    assert_eq!(snapshot.accounts.recovery_codes.len(), 3);
    assert_eq!(
        snapshot
            .accounts
            .recovery_codes
            .iter()
            .filter(|r| r.used_at == Some(at(1)))
            .count(),
        1
    );
    assert_eq!(snapshot.accounts.case_shares, vec![share]);

    let fresh = crate::support::TestSqlite::new().await;
    fresh.store.load_snapshot(&snapshot).await.expect("load");
    assert_eq!(fresh.store.snapshot().await.expect("snapshot"), snapshot);
    assert!(
        fresh
            .store
            .sessions_of(bob.user.id)
            .await
            .expect("s")
            .is_empty()
    );
    assert!(
        !fresh
            .store
            .use_recovery_code(bob.user.id, &bob_codes[1], at(2))
            .await
            .expect("use"),
        "a used code stays used"
    );

    let err = store.load_snapshot(&snapshot).await.expect_err("not empty");
    assert!(matches!(err, StoreError::NotEmpty), "{err}");
}

/// SQLite only: accounts survive closing and reopening the file (the migration is recorded and
/// not run again).
#[tokio::test]
async fn sqlite_accounts_survive_a_reopen() {
    let test = crate::support::TestSqlite::new().await;
    let (_, alice) = org_and_user(&test.store, "alice").await;
    let s = session(alice.user.id, 1);
    test.store.create_session(&s).await.expect("session");
    test.store.close().await;
    let reopened = corridor_store::SqliteStore::open(&test.dir.path().join("corridor.db"))
        .await
        .expect("reopen");
    assert_eq!(
        reopened.user(alice.user.id).await.expect("read"),
        Some(alice)
    );
    assert_eq!(reopened.session(&s.digest).await.expect("read"), Some(s));
    reopened.close().await;
}
