//! Accounts end to end against a real SQLite store: first admin, enrolment, login with TOTP and
//! recovery codes, throttling, session time-outs, logout, and what reaches the disk.

use std::net::IpAddr;

use chrono::{DateTime, Duration, TimeZone, Utc};
use corridor_app::{
    AccountPolicy, AppError, Enrolled, LoginStep, PendingLogin, Principal, RecoveryCodes, Session,
};
use corridor_core::{OrgName, Permission, Role, User};
use corridor_crypto::{PasswordParams, TotpSecret};

use crate::support::{TestCorridor, contains};

const ADMIN_PASSWORD: &str = "Admin-PASSWORD-correct-horse";
const PASSWORD: &str = "User-PASSWORD-battery-staple";

/// A fixed start, on a 30-second boundary, so TOTP steps are predictable.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid")
}

fn secs(n: i64) -> Duration {
    Duration::seconds(n)
}

fn addr(last: u8) -> IpAddr {
    IpAddr::from([192, 0, 2, last])
}

fn code(secret: &TotpSecret, now: DateTime<Utc>) -> String {
    secret
        .code_at(now.timestamp())
        .expect("after 1970")
        .to_string()
}

/// A test store with cheap password hashing.
async fn corridor() -> TestCorridor {
    let mut t = TestCorridor::new().await;
    t.corridor.set_account_policy(AccountPolicy {
        password_params: PasswordParams::INSECURE_FAST_FOR_TESTS,
        ..AccountPolicy::default()
    });
    t
}

/// A fully enrolled user.
struct Account {
    user: User,
    password: &'static str,
    secret: TotpSecret,
    recovery: RecoveryCodes,
    session: Session,
}

impl Account {
    fn principal(&self) -> Principal {
        self.session.principal()
    }
}

/// First login of an account: password, enrolment, first code.
async fn enrol(
    t: &TestCorridor,
    username: &str,
    password: &'static str,
    now: DateTime<Utc>,
) -> Account {
    let step = t
        .corridor
        .begin_login(username, password, addr(1), now)
        .await
        .expect("password");
    let LoginStep::NeedsEnrolment { pending, enrolment } = step else {
        panic!("expected enrolment, got {step:?}")
    };
    let secret = TotpSecret::from_base32(enrolment.secret_base32()).expect("base32");
    let Enrolled {
        session,
        recovery_codes,
    } = t
        .corridor
        .confirm_enrolment(pending.token(), &code(&secret, now), now)
        .await
        .expect("enrol");
    Account {
        user: session.user.clone(),
        password,
        secret,
        recovery: recovery_codes,
        session,
    }
}

/// The admin made by `corridor init`, enrolled.
async fn admin(t: &TestCorridor) -> Account {
    t.corridor
        .create_first_admin(t.organisation, "admin", ADMIN_PASSWORD, t0())
        .await
        .expect("first admin");
    enrol(t, "admin", ADMIN_PASSWORD, t0()).await
}

/// A user created by the admin and enrolled at `now`.
async fn user(
    t: &TestCorridor,
    admin: &Account,
    name: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Account {
    t.corridor
        .create_user(
            &admin.principal(),
            t.organisation,
            name,
            role,
            PASSWORD,
            now,
        )
        .await
        .expect("create user");
    enrol(t, name, PASSWORD, now).await
}

async fn begin_totp(
    t: &TestCorridor,
    username: &str,
    password: &str,
    from: IpAddr,
    now: DateTime<Utc>,
) -> PendingLogin {
    match t
        .corridor
        .begin_login(username, password, from, now)
        .await
        .expect("password accepted")
    {
        LoginStep::NeedsTotp { pending } => pending,
        other => panic!("expected a TOTP step, got {other:?}"),
    }
}

/// A later login of an enrolled account.
async fn login(t: &TestCorridor, account: &Account, now: DateTime<Utc>) -> Session {
    let pending = begin_totp(
        t,
        account.user.username.as_str(),
        account.password,
        addr(1),
        now,
    )
    .await;
    t.corridor
        .finish_login(pending.token(), &code(&account.secret, now), now)
        .await
        .expect("code accepted")
}

#[tokio::test]
async fn first_admin_enrols_and_logs_in_with_totp() {
    let t = corridor().await;
    let user = t
        .corridor
        .create_first_admin(t.organisation, "Admin", ADMIN_PASSWORD, t0())
        .await
        .expect("first admin");
    assert_eq!(user.username.as_str(), "admin");
    assert_eq!(user.role, Role::Admin);
    assert!(!user.totp_enrolled, "enrolment waits for the first login");

    let step = t
        .corridor
        .begin_login("admin", ADMIN_PASSWORD, addr(1), t0())
        .await
        .expect("password");
    let LoginStep::NeedsEnrolment { pending, enrolment } = step else {
        panic!("first login must enrol")
    };
    assert!(pending.expires_at > t0());
    assert!(
        enrolment
            .otpauth_uri()
            .starts_with("otpauth://totp/Corridor:admin?secret=")
    );
    assert!(enrolment.otpauth_uri().ends_with("&issuer=Corridor"));
    assert!(enrolment.otpauth_uri().contains(enrolment.secret_base32()));
    assert!(enrolment.qr_svg().starts_with("<svg"));
    let secret = TotpSecret::from_base32(enrolment.secret_base32()).expect("base32");
    assert_eq!(secret.as_bytes().len(), 20);

    let enrolled = t
        .corridor
        .confirm_enrolment(pending.token(), &code(&secret, t0()), t0())
        .await
        .expect("enrol");
    assert_eq!(enrolled.recovery_codes.len(), 10);
    let principal = t
        .corridor
        .authenticate(enrolled.session.token(), t0() + secs(5))
        .await
        .expect("session");
    assert_eq!(principal.user, user.id);
    assert_eq!(principal.role, Role::Admin);
    assert_eq!(principal.organisation, t.organisation);
    assert_eq!(enrolled.session.expires_at, t0() + Duration::hours(12));

    // The next login asks for a code, and gives a new, different session.
    let later = t0() + secs(60);
    let pending = begin_totp(&t, "ADMIN ", ADMIN_PASSWORD, addr(1), later).await;
    let session = t
        .corridor
        .finish_login(pending.token(), &code(&secret, later), later)
        .await
        .expect("login");
    assert_ne!(session.token(), enrolled.session.token());
    assert_eq!(
        t.corridor
            .authenticate(session.token(), later)
            .await
            .expect("second session")
            .user,
        user.id
    );

    // A second first admin is refused.
    let err = t
        .corridor
        .create_first_admin(t.organisation, "another", ADMIN_PASSWORD, t0())
        .await
        .expect_err("only once");
    assert!(matches!(err, AppError::UsersExist), "{err}");
}

#[tokio::test]
async fn no_session_without_enrolment_and_the_enrolment_code_is_checked() {
    let t = corridor().await;
    t.corridor
        .create_first_admin(t.organisation, "admin", ADMIN_PASSWORD, t0())
        .await
        .expect("admin");
    let LoginStep::NeedsEnrolment { pending, enrolment } = t
        .corridor
        .begin_login("admin", ADMIN_PASSWORD, addr(1), t0())
        .await
        .expect("password")
    else {
        panic!("enrolment")
    };
    let secret = TotpSecret::from_base32(enrolment.secret_base32()).expect("base32");

    // The TOTP step refuses a pending enrolment; so does a recovery code, or a wrong code.
    let err = t
        .corridor
        .finish_login(pending.token(), &code(&secret, t0()), t0())
        .await
        .expect_err("not enrolled");
    assert!(matches!(err, AppError::EnrolmentRequired), "{err}");
    let wrong = if code(&secret, t0()) == "000000" {
        "111111"
    } else {
        "000000"
    };
    // (Four failures: a fifth would reach the throttling limit.)
    for bad in [wrong, "abcd-efgh-jkmn", "12345"] {
        let err = t
            .corridor
            .confirm_enrolment(pending.token(), bad, t0())
            .await
            .expect_err("wrong code");
        assert!(matches!(err, AppError::CodeRefused), "{err}");
    }
    // A code from a secret that is not the user's is refused.
    let other = TotpSecret::generate();
    let err = t
        .corridor
        .confirm_enrolment(pending.token(), &code(&other, t0()), t0())
        .await
        .expect_err("other secret");
    assert!(matches!(err, AppError::CodeRefused), "{err}");
    let state = t
        .corridor
        .store()
        .user(enrolment_user(&t).await)
        .await
        .expect("r")
        .expect("u");
    assert!(!state.user.totp_enrolled);

    // The pending login survives wrong codes; the right one completes it, once.
    let enrolled = t
        .corridor
        .confirm_enrolment(pending.token(), &code(&secret, t0()), t0())
        .await
        .expect("enrol");
    let err = t
        .corridor
        .confirm_enrolment(
            pending.token(),
            &code(&secret, t0() + secs(30)),
            t0() + secs(30),
        )
        .await
        .expect_err("pending login used");
    assert!(matches!(err, AppError::LoginExpired), "{err}");
    assert!(
        t.corridor
            .authenticate(enrolled.session.token(), t0())
            .await
            .is_ok()
    );

    // Enrolled: the next login asks for a code and cannot enrol again.
    let later = t0() + secs(60);
    let pending = begin_totp(&t, "admin", ADMIN_PASSWORD, addr(1), later).await;
    let err = t
        .corridor
        .confirm_enrolment(pending.token(), &code(&secret, later), later)
        .await
        .expect_err("enrolled");
    assert!(matches!(err, AppError::AlreadyEnrolled), "{err}");
}

async fn enrolment_user(t: &TestCorridor) -> corridor_core::UserId {
    t.corridor
        .store()
        .user_by_username(&corridor_core::Username::new("admin").expect("name"))
        .await
        .expect("read")
        .expect("admin")
        .user
        .id
}

#[tokio::test]
async fn a_newer_enrolment_replaces_the_older_one() {
    let t = corridor().await;
    t.corridor
        .create_first_admin(t.organisation, "admin", ADMIN_PASSWORD, t0())
        .await
        .expect("admin");
    let begin = |now| {
        t.corridor
            .begin_login("admin", ADMIN_PASSWORD, addr(1), now)
    };
    let LoginStep::NeedsEnrolment {
        pending: first,
        enrolment: first_enrolment,
    } = begin(t0()).await.expect("first")
    else {
        panic!("enrolment")
    };
    let LoginStep::NeedsEnrolment {
        pending: second,
        enrolment: second_enrolment,
    } = begin(t0() + secs(1)).await.expect("second")
    else {
        panic!("enrolment")
    };
    assert_ne!(
        first_enrolment.secret_base32(),
        second_enrolment.secret_base32()
    );
    let first_secret = TotpSecret::from_base32(first_enrolment.secret_base32()).expect("b32");
    let second_secret = TotpSecret::from_base32(second_enrolment.secret_base32()).expect("b32");
    let now = t0() + secs(2);
    let err = t
        .corridor
        .confirm_enrolment(first.token(), &code(&first_secret, now), now)
        .await
        .expect_err("replaced secret");
    assert!(matches!(err, AppError::CodeRefused), "{err}");
    t.corridor
        .confirm_enrolment(second.token(), &code(&second_secret, now), now)
        .await
        .expect("current secret");
}

#[tokio::test]
async fn recovery_codes_work_once_each() {
    let t = corridor().await;
    let admin = admin(&t).await;
    let codes: Vec<String> = admin.recovery.expose().map(str::to_owned).collect();
    assert_eq!(codes.len(), 10);
    let distinct: std::collections::HashSet<_> = codes.iter().collect();
    assert_eq!(distinct.len(), 10);

    let now = t0() + secs(60);
    let pending = begin_totp(&t, "admin", ADMIN_PASSWORD, addr(1), now).await;
    let session = t
        .corridor
        .finish_login(pending.token(), &codes[0], now)
        .await
        .expect("recovery code");
    assert!(t.corridor.authenticate(session.token(), now).await.is_ok());

    let pending = begin_totp(&t, "admin", ADMIN_PASSWORD, addr(1), now).await;
    let err = t
        .corridor
        .finish_login(pending.token(), &codes[0], now)
        .await
        .expect_err("used twice");
    assert!(matches!(err, AppError::CodeRefused), "{err}");
    // Typed loosely (upper case, no hyphens), another code works.
    let loose = codes[1].replace('-', "").to_uppercase();
    t.corridor
        .finish_login(pending.token(), &loose, now)
        .await
        .expect("second code");
    assert_eq!(
        t.corridor
            .store()
            .unused_recovery_codes(admin.user.id)
            .await
            .expect("count"),
        8
    );

    // New codes need a fresh TOTP code, and replace all the old ones.
    let later = t0() + secs(120);
    let wrong = if code(&admin.secret, later) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let err = t
        .corridor
        .regenerate_recovery_codes(&admin.principal(), wrong, later)
        .await
        .expect_err("wrong code");
    assert!(matches!(err, AppError::CodeRefused), "{err}");
    let fresh = t
        .corridor
        .regenerate_recovery_codes(&admin.principal(), &code(&admin.secret, later), later)
        .await
        .expect("regenerate");
    assert_eq!(fresh.len(), 10);
    let pending = begin_totp(&t, "admin", ADMIN_PASSWORD, addr(1), later).await;
    let err = t
        .corridor
        .finish_login(pending.token(), &codes[2], later)
        .await
        .expect_err("old code");
    assert!(matches!(err, AppError::CodeRefused), "{err}");
    let first_fresh = fresh.expose().next().expect("a code").to_owned();
    t.corridor
        .finish_login(pending.token(), &first_fresh, later)
        .await
        .expect("new code");
}

#[tokio::test]
async fn a_replayed_totp_code_is_refused() {
    let t = corridor().await;
    let admin = admin(&t).await;
    let now = t0() + secs(65);
    let used = code(&admin.secret, now);
    let pending = begin_totp(&t, "admin", ADMIN_PASSWORD, addr(1), now).await;
    t.corridor
        .finish_login(pending.token(), &used, now)
        .await
        .expect("first use");

    // Same code, same 30 seconds, new login: refused.
    let soon = now + secs(3);
    let pending = begin_totp(&t, "admin", ADMIN_PASSWORD, addr(1), soon).await;
    let err = t
        .corridor
        .finish_login(pending.token(), &used, soon)
        .await
        .expect_err("replay");
    assert!(matches!(err, AppError::CodeRefused), "{err}");
    // The previous step's code is within the drift window but before the used step: refused.
    let previous = code(&admin.secret, now - secs(30));
    if previous != used {
        let err = t
            .corridor
            .finish_login(pending.token(), &previous, soon)
            .await
            .expect_err("earlier step");
        assert!(matches!(err, AppError::CodeRefused), "{err}");
    }
    // The enrolment code (step of t0) is long gone too.
    let err = t
        .corridor
        .finish_login(pending.token(), &code(&admin.secret, t0()), soon)
        .await
        .expect_err("old code");
    assert!(matches!(err, AppError::CodeRefused), "{err}");
    // The next step's code works (clock drift of one step is allowed), once.
    let next = code(&admin.secret, now + secs(30));
    t.corridor
        .finish_login(pending.token(), &next, soon)
        .await
        .expect("next step");
    let pending = begin_totp(&t, "admin", ADMIN_PASSWORD, addr(1), soon).await;
    let err = t
        .corridor
        .finish_login(pending.token(), &next, now + secs(30))
        .await
        .expect_err("replay of the next step");
    assert!(matches!(err, AppError::CodeRefused), "{err}");
    // Two steps ahead is outside the window.
    let far = code(&admin.secret, now + secs(120));
    if far != next {
        let err = t
            .corridor
            .finish_login(pending.token(), &far, now + secs(31))
            .await
            .expect_err("too far ahead");
        assert!(matches!(err, AppError::CodeRefused), "{err}");
    }
}

#[tokio::test]
async fn wrong_password_unknown_user_and_disabled_account_look_the_same() {
    let t = corridor().await;
    let admin = admin(&t).await;
    let alice = user(&t, &admin, "alice", Role::Caseworker, t0()).await;
    t.corridor
        .set_user_disabled(&admin.principal(), alice.user.id, true)
        .await
        .expect("disable");

    let mut messages = Vec::new();
    for (username, password) in [
        ("admin", "wrong-PASSWORD-entirely"),
        ("nobody", ADMIN_PASSWORD),
        ("nobody", "wrong-PASSWORD-entirely"),
        ("alice", PASSWORD), // right password, disabled account
        ("not a valid name!", ADMIN_PASSWORD),
        ("admin", ""),
        ("admin", &"x".repeat(5000)),
    ] {
        let err = t
            .corridor
            .begin_login(username, password, addr(9), t0() + secs(30))
            .await
            .expect_err("refused");
        assert!(matches!(err, AppError::LoginRefused), "{username}: {err}");
        let text = format!("{err} {err:?}");
        assert!(!text.contains("PASSWORD"), "{text}");
        messages.push(err.to_string());
    }
    messages.dedup();
    assert_eq!(messages, vec!["login failed: wrong username or password"]);
}

#[tokio::test]
async fn a_disabled_user_loses_sessions_and_cannot_log_in_until_enabled() {
    let t = corridor().await;
    let admin = admin(&t).await;
    let alice = user(&t, &admin, "alice", Role::Caseworker, t0()).await;
    let now = t0() + secs(60);
    let pending = begin_totp(&t, "alice", PASSWORD, addr(1), now).await;

    t.corridor
        .set_user_disabled(&admin.principal(), alice.user.id, true)
        .await
        .expect("disable");
    let err = t
        .corridor
        .authenticate(alice.session.token(), now)
        .await
        .expect_err("session ended");
    assert!(matches!(err, AppError::Unauthenticated), "{err}");
    let err = t
        .corridor
        .finish_login(pending.token(), &code(&alice.secret, now), now)
        .await
        .expect_err("pending login ended");
    assert!(
        matches!(err, AppError::LoginExpired | AppError::LoginRefused),
        "{err}"
    );
    let err = t
        .corridor
        .begin_login("alice", PASSWORD, addr(1), now)
        .await
        .expect_err("disabled");
    assert!(matches!(err, AppError::LoginRefused), "{err}");
    assert!(
        t.corridor
            .authenticate(admin.session.token(), now)
            .await
            .is_ok()
    );

    // Nobody disables themselves; only user managers disable anyone.
    let err = t
        .corridor
        .set_user_disabled(&admin.principal(), admin.user.id, true)
        .await
        .expect_err("self");
    assert!(matches!(err, AppError::Refused(_)), "{err}");
    let err = t
        .corridor
        .set_user_disabled(&alice.principal(), admin.user.id, true)
        .await
        .expect_err("not an admin");
    assert!(
        matches!(err, AppError::Forbidden(Permission::UserManage)),
        "{err}"
    );

    t.corridor
        .set_user_disabled(&admin.principal(), alice.user.id, false)
        .await
        .expect("enable");
    login(&t, &alice, now + secs(30)).await;
}

#[tokio::test]
async fn throttling_per_account_hides_whether_it_exists_and_lifts_after_the_window() {
    let t = corridor().await;
    let admin = admin(&t).await;
    let start = t0() + secs(60);
    // Five failures for an existing and for a non-existent account, from varied addresses.
    for name in ["admin", "ghost"] {
        for i in 0..5u8 {
            let err = t
                .corridor
                .begin_login(
                    name,
                    "wrong-password-guess",
                    addr(10 + i),
                    start + secs(i64::from(i)),
                )
                .await
                .expect_err("wrong");
            assert!(matches!(err, AppError::LoginRefused), "{name} {i}: {err}");
        }
    }
    // The sixth attempt is refused unchecked, even with the right password, for both.
    let sixth = start + secs(10);
    for (name, password) in [
        ("admin", ADMIN_PASSWORD),
        ("ghost", ADMIN_PASSWORD),
        ("Admin", "x"),
    ] {
        let err = t
            .corridor
            .begin_login(name, password, addr(50), sixth)
            .await
            .expect_err("throttled");
        assert!(matches!(err, AppError::Throttled), "{name}: {err}");
        assert_eq!(
            err.to_string(),
            "too many failed login attempts; try again later"
        );
    }
    // Refused attempts do not extend the lock-out; once the failures leave the window, the
    // right password works again.
    let after = start + Duration::minutes(15) + secs(5);
    login(&t, &admin, after).await;

    // A success resets the account's count: five more failures are allowed again.
    let later = after + secs(60);
    for i in 0..5 {
        let err = t
            .corridor
            .begin_login("admin", "wrong-password-guess", addr(60), later + secs(i))
            .await
            .expect_err("wrong");
        assert!(matches!(err, AppError::LoginRefused), "{err}");
    }
    let err = t
        .corridor
        .begin_login("admin", ADMIN_PASSWORD, addr(61), later + secs(6))
        .await
        .expect_err("throttled");
    assert!(matches!(err, AppError::Throttled), "{err}");
}

#[tokio::test]
async fn wrong_second_factor_codes_count_as_failures() {
    let t = corridor().await;
    let admin = admin(&t).await;
    let now = t0() + secs(60);
    let pending = begin_totp(&t, "admin", ADMIN_PASSWORD, addr(1), now).await;
    let right = code(&admin.secret, now);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..5 {
        let err = t
            .corridor
            .finish_login(pending.token(), wrong, now)
            .await
            .expect_err("wrong code");
        assert!(matches!(err, AppError::CodeRefused), "{err}");
    }
    let err = t
        .corridor
        .finish_login(pending.token(), &right, now)
        .await
        .expect_err("throttled");
    assert!(matches!(err, AppError::Throttled), "{err}");
    let err = t
        .corridor
        .begin_login("admin", ADMIN_PASSWORD, addr(2), now)
        .await
        .expect_err("throttled");
    assert!(matches!(err, AppError::Throttled), "{err}");
}

#[tokio::test]
async fn throttling_per_address_spans_accounts_and_lifts_after_the_window() {
    let t = corridor().await;
    let admin = admin(&t).await;
    let start = t0() + secs(60);
    let attacker: IpAddr = "2001:db8:1:2::10".parse().expect("ip");
    let same_subnet: IpAddr = "2001:db8:1:2:ffff::1".parse().expect("ip");
    // Twenty failures, four per name, so no account reaches its own limit.
    for i in 0..20i64 {
        let name = format!("user{}", i % 5);
        let from = if i % 2 == 0 { attacker } else { same_subnet };
        let err = t
            .corridor
            .begin_login(&name, "guess-guess-guess", from, start + secs(i))
            .await
            .expect_err("wrong");
        assert!(matches!(err, AppError::LoginRefused), "{i}: {err}");
    }
    let now = start + secs(30);
    let err = t
        .corridor
        .begin_login("admin", ADMIN_PASSWORD, same_subnet, now)
        .await
        .expect_err("address throttled");
    assert!(matches!(err, AppError::Throttled), "{err}");
    // Another /64 is not affected.
    let pending = begin_totp(
        &t,
        "admin",
        ADMIN_PASSWORD,
        "2001:db8:1:3::1".parse().expect("ip"),
        now,
    )
    .await;
    t.corridor
        .finish_login(pending.token(), &code(&admin.secret, now), now)
        .await
        .expect("other address");
    // After the window the address may try again.
    let after = start + Duration::minutes(15) + secs(25);
    let pending = begin_totp(&t, "admin", ADMIN_PASSWORD, attacker, after).await;
    t.corridor
        .finish_login(pending.token(), &code(&admin.secret, after), after)
        .await
        .expect("after the window");
}

#[tokio::test]
async fn sessions_end_after_the_idle_and_the_absolute_time_out() {
    let t = corridor().await;
    let admin = admin(&t).await;
    let start = t0() + secs(60);
    let session = login(&t, &admin, start).await;
    let token = session.token();
    // Active every 29 minutes: alive.
    for minutes in [29, 58, 87] {
        t.corridor
            .authenticate(token, start + Duration::minutes(minutes))
            .await
            .expect("active session");
    }
    // 30 minutes idle: gone, and gone for good.
    let err = t
        .corridor
        .authenticate(token, start + Duration::minutes(117))
        .await
        .expect_err("idle");
    assert!(matches!(err, AppError::Unauthenticated), "{err}");
    let err = t
        .corridor
        .authenticate(token, start + Duration::minutes(88))
        .await
        .expect_err("deleted");
    assert!(matches!(err, AppError::Unauthenticated), "{err}");

    // However active, a session ends 12 hours after login.
    let begun = start + Duration::hours(1);
    let session = login(&t, &admin, begun).await;
    let mut now = begun;
    while now + Duration::minutes(20) < begun + Duration::hours(12) {
        now += Duration::minutes(20);
        t.corridor
            .authenticate(session.token(), now)
            .await
            .expect("within 12 hours");
    }
    let err = t
        .corridor
        .authenticate(session.token(), begun + Duration::hours(12))
        .await
        .expect_err("absolute time-out");
    assert!(matches!(err, AppError::Unauthenticated), "{err}");

    // The policy is configurable.
    let mut t = t;
    let mut policy = *t.corridor.account_policy();
    policy.session.idle_timeout = Duration::minutes(5);
    t.corridor.set_account_policy(policy);
    let late = begun + Duration::hours(13);
    let session = login(&t, &admin, late).await;
    let err = t
        .corridor
        .authenticate(session.token(), late + Duration::minutes(5))
        .await
        .expect_err("short idle");
    assert!(matches!(err, AppError::Unauthenticated), "{err}");
}

#[tokio::test]
async fn a_pending_login_expires_and_garbage_tokens_are_refused() {
    let t = corridor().await;
    let admin = admin(&t).await;
    let now = t0() + secs(60);
    let pending = begin_totp(&t, "admin", ADMIN_PASSWORD, addr(1), now).await;
    let late = now + Duration::minutes(5);
    let err = t
        .corridor
        .finish_login(pending.token(), &code(&admin.secret, late), late)
        .await
        .expect_err("expired");
    assert!(matches!(err, AppError::LoginExpired), "{err}");
    for garbage in ["", "x", &"a".repeat(64), &pending.token().to_uppercase()] {
        let err = t
            .corridor
            .finish_login(garbage, "123456", now)
            .await
            .expect_err("garbage");
        assert!(matches!(err, AppError::LoginExpired), "{err}");
        let err = t
            .corridor
            .authenticate(garbage, now)
            .await
            .expect_err("garbage");
        assert!(matches!(err, AppError::Unauthenticated), "{err}");
    }
    // A pending token is not a session token, nor the other way round.
    let pending = begin_totp(&t, "admin", ADMIN_PASSWORD, addr(1), now).await;
    assert!(t.corridor.authenticate(pending.token(), now).await.is_err());
    let err = t
        .corridor
        .finish_login(admin.session.token(), &code(&admin.secret, now), now)
        .await
        .expect_err("a session token");
    assert!(matches!(err, AppError::LoginExpired), "{err}");
    // Cancelled: gone.
    t.corridor
        .cancel_login(pending.token())
        .await
        .expect("cancel");
    let err = t
        .corridor
        .finish_login(pending.token(), &code(&admin.secret, now), now)
        .await
        .expect_err("cancelled");
    assert!(matches!(err, AppError::LoginExpired), "{err}");
}

#[tokio::test]
async fn logout_ends_one_session_and_logout_everywhere_all_of_one_user() {
    let t = corridor().await;
    let admin = admin(&t).await;
    let alice = user(&t, &admin, "alice", Role::Legal, t0() + secs(30)).await;
    let now = t0() + secs(90);
    let admin_second = login(&t, &admin, now).await;
    let alice_second = login(&t, &alice, now).await;

    t.corridor
        .logout(admin_second.token())
        .await
        .expect("logout");
    assert!(
        t.corridor
            .authenticate(admin_second.token(), now)
            .await
            .is_err()
    );
    assert!(
        t.corridor
            .authenticate(admin.session.token(), now)
            .await
            .is_ok()
    );
    t.corridor
        .logout(admin_second.token())
        .await
        .expect("twice is fine");
    t.corridor.logout("garbage").await.expect("garbage is fine");

    let pending = begin_totp(&t, "alice", PASSWORD, addr(1), now).await;
    let ended = t
        .corridor
        .logout_everywhere(alice.user.id)
        .await
        .expect("everywhere");
    assert_eq!(ended, 2);
    for token in [alice.session.token(), alice_second.token()] {
        assert!(matches!(
            t.corridor.authenticate(token, now).await,
            Err(AppError::Unauthenticated)
        ));
    }
    assert!(matches!(
        t.corridor
            .finish_login(pending.token(), &code(&alice.secret, now + secs(30)), now)
            .await,
        Err(AppError::LoginExpired)
    ));
    // Other users keep theirs.
    assert!(
        t.corridor
            .authenticate(admin.session.token(), now)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn nothing_secret_reaches_the_disk_in_plaintext() {
    let t = corridor().await;
    let admin = admin(&t).await;
    let now = t0() + secs(60);
    let session = login(&t, &admin, now).await;
    let pending = begin_totp(&t, "admin", ADMIN_PASSWORD, addr(1), now + secs(30)).await;
    let mistyped = "MISTYPED-password-as-username";
    let _ = t
        .corridor
        .begin_login(
            mistyped,
            "whatever-whatever",
            "198.51.100.77".parse().expect("ip"),
            now,
        )
        .await;

    let disk = t.disk_bytes();
    let secret_b32 = admin.secret.to_base32();
    let mut needles: Vec<(String, Vec<u8>)> = vec![
        ("session token".into(), session.token().as_bytes().to_vec()),
        (
            "enrolment session token".into(),
            admin.session.token().as_bytes().to_vec(),
        ),
        ("pending token".into(), pending.token().as_bytes().to_vec()),
        ("password".into(), ADMIN_PASSWORD.as_bytes().to_vec()),
        (
            "TOTP secret (base32)".into(),
            secret_b32.as_bytes().to_vec(),
        ),
        ("TOTP secret (raw)".into(), admin.secret.as_bytes().to_vec()),
        ("mistyped name".into(), b"mistyped-password".to_vec()),
        ("address".into(), b"198.51.100.77".to_vec()),
    ];
    for code in admin.recovery.expose() {
        needles.push(("recovery code".into(), code.as_bytes().to_vec()));
        needles.push(("recovery code".into(), code.replace('-', "").into_bytes()));
    }
    for (what, needle) in needles {
        assert!(!contains(&disk, &needle), "{what} found on disk");
    }
    // The token's hex bytes, decoded, are not there either.
    let raw: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&session.token()[2 * i..2 * i + 2], 16).expect("hex"))
        .collect();
    assert!(!contains(&disk, &raw), "raw session token bytes on disk");
}

#[tokio::test]
async fn a_totp_secret_moved_to_another_user_does_not_open() {
    let t = corridor().await;
    let admin = admin(&t).await;
    let alice = user(&t, &admin, "alice", Role::Caseworker, t0() + secs(30)).await;
    t.swap("users", "totp_secret", "id").await;
    let now = t0() + secs(90);
    for (name, password, account) in [
        ("admin", ADMIN_PASSWORD, &admin),
        ("alice", PASSWORD, &alice),
    ] {
        let pending = begin_totp(&t, name, password, addr(1), now).await;
        let err = t
            .corridor
            .finish_login(pending.token(), &code(&account.secret, now), now)
            .await
            .expect_err("swapped secret");
        assert!(
            matches!(err, AppError::CredentialUnreadable(id) if id == account.user.id),
            "{err}"
        );
    }
}

#[tokio::test]
async fn only_user_managers_manage_users_and_input_is_validated() {
    let t = corridor().await;
    let admin = admin(&t).await;
    let actor = admin.principal();
    let coordinator = user(&t, &admin, "coord", Role::Coordinator, t0() + secs(30)).await;

    let err = t
        .corridor
        .create_user(
            &coordinator.principal(),
            t.organisation,
            "eve",
            Role::Admin,
            PASSWORD,
            t0(),
        )
        .await
        .expect_err("not permitted");
    assert!(
        matches!(err, AppError::Forbidden(Permission::UserManage)),
        "{err}"
    );
    let err = t
        .corridor
        .create_organisation(
            &coordinator.principal(),
            OrgName::new("Rogue").expect("name"),
        )
        .await
        .expect_err("not permitted");
    assert!(
        matches!(err, AppError::Forbidden(Permission::OrganisationManage)),
        "{err}"
    );
    let err = t
        .corridor
        .users(&coordinator.principal())
        .await
        .expect_err("not permitted");
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");

    let partner = t
        .corridor
        .create_organisation(&actor, OrgName::new("Partner in Canada").expect("name"))
        .await
        .expect("organisation");
    let sponsor = t
        .corridor
        .create_user(
            &actor,
            partner.id,
            "sponsor.ca",
            Role::Sponsor,
            PASSWORD,
            t0(),
        )
        .await
        .expect("sponsor");
    assert_eq!(sponsor.organisation, partner.id);
    assert!(!sponsor.totp_enrolled);
    assert!(
        !t.corridor
            .users(&actor)
            .await
            .expect("list")
            .contains(&sponsor),
        "an admin lists the users of their own organisation"
    );
    // Once the partner has an account, it manages its own: no second one from outside.
    let err = t
        .corridor
        .create_user(
            &actor,
            partner.id,
            "second.ca",
            Role::Sponsor,
            PASSWORD,
            t0(),
        )
        .await
        .expect_err("the partner manages its own accounts");
    assert!(matches!(err, AppError::Refused(_)), "{err}");
    for attempt in [
        t.corridor.set_user_disabled(&actor, sponsor.id, true).await,
        t.corridor
            .set_user_role(&actor, sponsor.id, Role::Coordinator)
            .await,
        t.corridor.reset_totp(&actor, sponsor.id).await,
    ] {
        let err = attempt.expect_err("another organisation's user");
        assert!(matches!(err, AppError::UserNotFound(_)), "{err}");
    }
    let sponsor_principal = Principal::of(&sponsor);
    assert!(matches!(
        sponsor_principal.require(Permission::CaseRead),
        Err(AppError::Forbidden(Permission::CaseRead))
    ));
    assert!(sponsor_principal.require(Permission::ReferralRead).is_ok());
    assert!(!actor.may(Permission::CaseRead), "admins do not read cases");

    for (name, password) in [
        ("ab", PASSWORD),
        ("bad name", PASSWORD),
        ("-dash", PASSWORD),
        ("newuser", "too-short"),
        ("longenough.name", "longenough.name"),
    ] {
        let err = t
            .corridor
            .create_user(
                &actor,
                t.organisation,
                name,
                Role::Caseworker,
                password,
                t0(),
            )
            .await
            .expect_err("invalid");
        assert!(
            matches!(err, AppError::Username(_) | AppError::Password(_)),
            "{name}: {err}"
        );
        assert!(!err.to_string().contains(password), "{err}");
    }
    let err = t
        .corridor
        .create_user(&actor, t.organisation, "COORD", Role::Legal, PASSWORD, t0())
        .await
        .expect_err("taken");
    assert!(matches!(err, AppError::UsernameTaken), "{err}");
    let err = t
        .corridor
        .create_user(
            &actor,
            corridor_core::OrgId::random(),
            "newbie",
            Role::Legal,
            PASSWORD,
            t0(),
        )
        .await
        .expect_err("no such organisation");
    assert!(matches!(err, AppError::OrganisationNotFound(_)), "{err}");

    // A role change applies at the next request, without a new login.
    t.corridor
        .set_user_role(&actor, coordinator.user.id, Role::Analyst)
        .await
        .expect("role");
    let principal = t
        .corridor
        .authenticate(coordinator.session.token(), t0() + secs(40))
        .await
        .expect("session");
    assert_eq!(principal.role, Role::Analyst);
    let err = t
        .corridor
        .set_user_role(&actor, admin.user.id, Role::Caseworker)
        .await
        .expect_err("own role");
    assert!(matches!(err, AppError::Refused(_)), "{err}");
}

#[tokio::test]
async fn a_totp_reset_ends_sessions_and_the_next_login_enrols_again() {
    let t = corridor().await;
    let admin = admin(&t).await;
    let alice = user(&t, &admin, "alice", Role::Caseworker, t0() + secs(30)).await;
    t.corridor
        .reset_totp(&admin.principal(), alice.user.id)
        .await
        .expect("reset");
    let now = t0() + secs(90);
    assert!(
        t.corridor
            .authenticate(alice.session.token(), now)
            .await
            .is_err()
    );
    let step = t
        .corridor
        .begin_login("alice", PASSWORD, addr(1), now)
        .await
        .expect("password");
    assert!(matches!(step, LoginStep::NeedsEnrolment { .. }), "{step:?}");
    let err = t
        .corridor
        .reset_totp(&alice.principal(), admin.user.id)
        .await
        .expect_err("not permitted");
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
}

#[tokio::test]
async fn debug_output_never_shows_tokens_codes_or_secrets() {
    let t = corridor().await;
    t.corridor
        .create_first_admin(t.organisation, "admin", ADMIN_PASSWORD, t0())
        .await
        .expect("admin");
    let step = t
        .corridor
        .begin_login("admin", ADMIN_PASSWORD, addr(1), t0())
        .await
        .expect("password");
    let debug = format!("{step:?} {step:#?}");
    let LoginStep::NeedsEnrolment { pending, enrolment } = step else {
        panic!("enrolment")
    };
    for secret in [
        pending.token(),
        enrolment.secret_base32(),
        enrolment.otpauth_uri(),
    ] {
        assert!(!debug.contains(secret), "{debug}");
    }
    let secret = TotpSecret::from_base32(enrolment.secret_base32()).expect("b32");
    let first_code = code(&secret, t0());
    let enrolled = t
        .corridor
        .confirm_enrolment(pending.token(), &first_code, t0())
        .await
        .expect("enrol");
    let debug = format!(
        "{enrolled:?} {enrolled:#?} {:?}",
        enrolled.session.principal()
    );
    assert!(!debug.contains(enrolled.session.token()), "{debug}");
    for code in enrolled.recovery_codes.expose() {
        assert!(!debug.contains(code), "{debug}");
    }
    assert!(!debug.contains(ADMIN_PASSWORD));
    let record = t
        .corridor
        .store()
        .user(enrolled.session.user.id)
        .await
        .expect("read")
        .expect("user");
    let debug = format!("{record:?}");
    assert!(!debug.contains("$argon2id"), "{debug}");
}

#[tokio::test]
async fn a_burst_of_parallel_guesses_gets_no_more_than_the_limit() {
    let t = corridor().await;
    admin(&t).await;
    let now = t0() + secs(60);
    let guess = |i: u8| {
        t.corridor
            .begin_login("admin", "parallel-guess-guess", addr(100 + i), now)
    };
    let results = tokio::join!(
        guess(0),
        guess(1),
        guess(2),
        guess(3),
        guess(4),
        guess(5),
        guess(6),
        guess(7),
        guess(8),
        guess(9),
        guess(10),
        guess(11),
    );
    let results = [
        results.0, results.1, results.2, results.3, results.4, results.5, results.6, results.7,
        results.8, results.9, results.10, results.11,
    ];
    let checked = results
        .iter()
        .filter(|r| matches!(r, Err(AppError::LoginRefused)))
        .count();
    let throttled = results
        .iter()
        .filter(|r| matches!(r, Err(AppError::Throttled)))
        .count();
    assert_eq!(checked + throttled, 12, "{results:?}");
    assert!(checked <= 5, "{checked} guesses were checked");
}

#[tokio::test]
async fn accounts_survive_a_backup_and_restore() {
    let t = corridor().await;
    let admin = admin(&t).await;
    let backup = t._dir.path().join("backup.db");
    corridor_app::backup_to_file(t.corridor.store().as_ref(), &backup)
        .await
        .expect("backup");
    let snapshot = corridor_app::read_backup(&backup, crate::support::PASSPHRASE)
        .await
        .expect("read backup");
    assert_eq!(snapshot.accounts.users.len(), 1);
    assert_eq!(snapshot.accounts.recovery_codes.len(), 10);

    let target = t._dir.path().join("restored.db");
    let store = std::sync::Arc::new(
        corridor_store::SqliteStore::open(&target)
            .await
            .expect("open"),
    );
    corridor_app::restore_snapshot(store.as_ref(), &snapshot)
        .await
        .expect("restore");
    let mut restored = corridor_app::Corridor::unseal(
        store,
        crate::support::PASSPHRASE,
        corridor_app::programs::default_catalog(),
    )
    .await
    .expect("unseal");
    restored.set_account_policy(*t.corridor.account_policy());
    let now = t0() + secs(60);
    // Nobody is signed in after a restore; the same password and authenticator work.
    assert!(
        restored
            .authenticate(admin.session.token(), now)
            .await
            .is_err()
    );
    let LoginStep::NeedsTotp { pending } = restored
        .begin_login("admin", ADMIN_PASSWORD, addr(1), now)
        .await
        .expect("password")
    else {
        panic!("enrolled")
    };
    restored
        .finish_login(pending.token(), &code(&admin.secret, now), now)
        .await
        .expect("TOTP after restore");
}

#[tokio::test]
async fn cases_are_shared_only_by_their_owner_and_only_with_case_share() {
    let t = corridor().await;
    let admin = admin(&t).await;
    let now = t0() + secs(30);
    let coordinator = user(&t, &admin, "coord", Role::Coordinator, now).await;
    let caseworker = user(&t, &admin, "worker", Role::Caseworker, now).await;
    let partner = t
        .corridor
        .create_organisation(&admin.principal(), OrgName::new("Partner").expect("name"))
        .await
        .expect("org");
    t.corridor
        .create_user(
            &admin.principal(),
            partner.id,
            "partner.coord",
            Role::Coordinator,
            PASSWORD,
            now,
        )
        .await
        .expect("partner user");
    let outsider = enrol(&t, "partner.coord", PASSWORD, now).await;
    let case = t
        .corridor
        .add_case(t.organisation, crate::support::example())
        .await
        .expect("case");

    assert!(
        !t.corridor
            .organisation_may_see(&outsider.principal(), case)
            .await
            .expect("see")
    );
    let err = t
        .corridor
        .share_case(&caseworker.principal(), case, partner.id, now)
        .await
        .expect_err("no case_share");
    assert!(
        matches!(err, AppError::Forbidden(Permission::CaseShare)),
        "{err}"
    );
    // The partner's coordinator may share, but not somebody else's case: it is "not found".
    let err = t
        .corridor
        .share_case(&outsider.principal(), case, partner.id, now)
        .await
        .expect_err("not theirs");
    assert!(
        matches!(err, AppError::CaseNotFound(id) if id == case),
        "{err}"
    );
    let err = t
        .corridor
        .share_case(&coordinator.principal(), case, t.organisation, now)
        .await
        .expect_err("own organisation");
    assert!(matches!(err, AppError::Refused(_)), "{err}");

    assert!(
        t.corridor
            .share_case(&coordinator.principal(), case, partner.id, now)
            .await
            .expect("share")
    );
    assert!(
        !t.corridor
            .share_case(&coordinator.principal(), case, partner.id, now)
            .await
            .expect("again")
    );
    assert!(
        t.corridor
            .organisation_may_see(&outsider.principal(), case)
            .await
            .expect("see")
    );
    assert!(
        t.corridor
            .organisation_may_see(&caseworker.principal(), case)
            .await
            .expect("see")
    );
    let shares = t
        .corridor
        .case_shares(&coordinator.principal(), case)
        .await
        .expect("shares");
    assert_eq!(shares.len(), 1);
    assert_eq!(shares[0].granted_by, coordinator.user.id);
    let err = t
        .corridor
        .unshare_case(&outsider.principal(), case, partner.id)
        .await
        .expect_err("not the owner");
    assert!(matches!(err, AppError::CaseNotFound(_)), "{err}");
    assert!(
        t.corridor
            .unshare_case(&coordinator.principal(), case, partner.id)
            .await
            .expect("unshare")
    );
    assert!(
        !t.corridor
            .organisation_may_see(&outsider.principal(), case)
            .await
            .expect("see")
    );
    let missing = corridor_core::CaseId::random();
    assert!(matches!(
        t.corridor
            .organisation_may_see(&outsider.principal(), missing)
            .await,
        Err(AppError::CaseNotFound(_))
    ));
}

#[test]
fn new_credentials_are_checked_before_anything_is_created() {
    let policy = AccountPolicy::default();
    assert_eq!(
        policy
            .check_new_credentials(" Admin ", ADMIN_PASSWORD)
            .expect("valid")
            .as_str(),
        "admin"
    );
    assert!(matches!(
        policy.check_new_credentials("a", ADMIN_PASSWORD),
        Err(AppError::Username(_))
    ));
    assert!(matches!(
        policy.check_new_credentials("admin", "short"),
        Err(AppError::Password(_))
    ));
}
