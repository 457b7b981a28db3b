//! API tokens through the use cases: issued by an administrator of the user's organisation or
//! by the operator, limited to their scopes through the same `*_for` checks as the pages,
//! refused when revoked, expired or of a disabled user, and audited throughout.

use std::net::IpAddr;

use chrono::{DateTime, Duration, TimeZone, Utc};
use corridor_app::{
    AccountPolicy, ApiTokenRequest, AppError, NewApiToken, Principal, TokenAuthority,
};
use corridor_core::{
    Actor, ApiScope, ApiScopes, AuditAction, AuditEntry, AuditOutcome, OrgName, Permission, Role,
    TokenLabel, TokenLifetime, TokenStatus,
};
use corridor_crypto::PasswordParams;
use corridor_store::{AuditFilter, CaseFilter, Page};

use crate::support::{TestCorridor, example};

const PASSWORD: &str = "token tests password";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 1, 9, 0, 0)
        .single()
        .expect("valid")
}

fn addr() -> Option<IpAddr> {
    Some(IpAddr::from([198, 51, 100, 7]))
}

/// A store with an admin, a caseworker and a coordinator in its organisation.
struct Setup {
    t: TestCorridor,
    admin: Principal,
    caseworker: Principal,
}

async fn setup() -> Setup {
    let mut t = TestCorridor::new().await;
    t.corridor.set_account_policy(AccountPolicy {
        password_params: PasswordParams::INSECURE_FAST_FOR_TESTS,
        ..AccountPolicy::default()
    });
    let admin = t
        .corridor
        .create_first_admin(t.organisation, "admin", PASSWORD, t0())
        .await
        .expect("admin");
    let admin = Principal::of(&admin);
    let caseworker = t
        .corridor
        .create_user(
            &admin,
            t.organisation,
            "casey",
            Role::Caseworker,
            PASSWORD,
            t0(),
        )
        .await
        .expect("caseworker");
    t.corridor
        .create_user(
            &admin,
            t.organisation,
            "coord",
            Role::Coordinator,
            PASSWORD,
            t0(),
        )
        .await
        .expect("coordinator");
    Setup {
        t,
        admin,
        caseworker: Principal::of(&caseworker),
    }
}

fn request(username: &str, scopes: &[ApiScope]) -> ApiTokenRequest {
    ApiTokenRequest {
        username: username.parse().expect("username"),
        label: TokenLabel::new("test client").expect("label"),
        scopes: ApiScopes::new(scopes.iter().copied()).expect("scopes"),
        lifetime: TokenLifetime::days(30).expect("days"),
    }
}

impl Setup {
    /// A second organisation.
    async fn partner(&self) -> corridor_core::Organisation {
        self.t
            .corridor
            .create_organisation(&self.admin, OrgName::new("Partner").expect("name"))
            .await
            .expect("org")
    }

    async fn issue(&self, username: &str, scopes: &[ApiScope]) -> NewApiToken {
        self.try_issue(TokenAuthority::Admin(&self.admin), username, scopes)
            .await
            .expect("issue")
    }

    async fn try_issue(
        &self,
        authority: TokenAuthority<'_>,
        username: &str,
        scopes: &[ApiScope],
    ) -> Result<NewApiToken, AppError> {
        self.t
            .corridor
            .create_api_token(authority, request(username, scopes), t0())
            .await
    }

    async fn login(&self, token: &NewApiToken, now: DateTime<Utc>) -> Result<Principal, AppError> {
        self.t
            .corridor
            .authenticate_api_token(Some(token.expose_secret()), now, addr())
            .await
    }

    async fn log(&self) -> Vec<AuditEntry> {
        self.t
            .corridor
            .audit_log(&AuditFilter::default(), Page::ALL)
            .await
            .expect("log")
    }
}

#[tokio::test]
async fn an_admin_issues_a_token_shown_once_and_listed_without_its_secret() {
    let s = setup().await;
    let token = s.issue("casey", &[ApiScope::CasesRead]).await;
    let secret = token.expose_secret().to_owned();
    assert_eq!(secret.len(), 64);
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(token.token.username.as_str(), "casey");
    assert_eq!(token.token.status, TokenStatus::Active);
    assert_eq!(token.token.expires_at, t0() + Duration::days(30));
    assert!(
        !format!("{token:?}").contains(&secret),
        "Debug hides the secret"
    );

    let listed =
        s.t.corridor
            .api_tokens(TokenAuthority::Admin(&s.admin), t0())
            .await
            .expect("list");
    assert_eq!(listed, vec![token.token.clone()]);
    assert!(
        !serde_json::to_string(&listed)
            .expect("json")
            .contains(&secret)
    );

    let log = s.log().await;
    let created = log
        .iter()
        .find(|e| e.event.action == AuditAction::ApiTokenCreated)
        .expect("audited");
    assert_eq!(created.event.actor, Actor::User(s.admin.user));
    assert_eq!(created.event.subject, Some(token.token.id.to_string()));
    assert!(
        log.iter()
            .any(|e| e.event.action == AuditAction::ApiTokensListed)
    );
    assert!(!format!("{log:?}").contains(&secret), "never the secret");
    assert!(
        !crate::support::contains(&s.t.disk_bytes(), secret.as_bytes()),
        "the store holds a digest only"
    );
}

#[tokio::test]
async fn a_token_does_what_its_user_and_its_scopes_both_allow_and_is_audited_as_itself() {
    let s = setup().await;
    let case =
        s.t.corridor
            .add_case(s.t.organisation, example())
            .await
            .expect("add");
    let read = s.issue("casey", &[ApiScope::CasesRead]).await;
    let who = s.login(&read, t0()).await.expect("authenticated");
    assert_eq!(who.user, s.caseworker.user);
    assert!(who.may(Permission::CaseRead) && who.may(Permission::CaseList));
    assert!(
        !who.may(Permission::CaseCreate),
        "the caseworker may, the token's scopes do not"
    );
    s.t.corridor.case_for(&who, case).await.expect("read");
    let refused = s.t.corridor.add_case_for(&who, example()).await;
    assert!(matches!(
        refused,
        Err(AppError::Forbidden(Permission::CaseCreate))
    ));

    let log = s.log().await;
    let actor = Actor::ApiToken(read.token.id.to_string());
    assert!(log.iter().any(|e| e.event.actor == actor
        && e.event.action == AuditAction::CaseRead
        && e.event.outcome == AuditOutcome::Allowed
        && e.event.case == Some(case)));
    assert!(log.iter().any(|e| e.event.actor == actor
        && e.event.action == AuditAction::CaseCreated
        && e.event.outcome == AuditOutcome::Denied));

    let write = s.issue("casey", &[ApiScope::CasesWrite]).await;
    let writer = s.login(&write, t0()).await.expect("authenticated");
    let added =
        s.t.corridor
            .add_case_for(&writer, example())
            .await
            .expect("add");
    let listing =
        s.t.corridor
            .cases_for(&writer, &CaseFilter::default(), Page::ALL)
            .await;
    assert!(matches!(
        listing,
        Err(AppError::Forbidden(Permission::CaseList))
    ));
    let (total, _) =
        s.t.corridor
            .cases_for(&who, &CaseFilter::default(), Page::ALL)
            .await
            .expect("list");
    assert_eq!(
        total, 2,
        "{added} was added to the caseworker's organisation"
    );
}

#[tokio::test]
async fn sharing_through_a_token_needs_the_share_scope_and_refusals_are_audited() {
    let s = setup().await;
    let partner = s.partner().await;
    let case =
        s.t.corridor
            .add_case(s.t.organisation, example())
            .await
            .expect("add");
    let foreign =
        s.t.corridor
            .add_case(partner.id, example())
            .await
            .expect("add");
    let reader = s.issue("coord", &[ApiScope::CasesRead]).await;
    let sharer = s.issue("coord", &[ApiScope::CasesShare]).await;
    let reader = s.login(&reader, t0()).await.expect("auth");
    let sharer = s.login(&sharer, t0()).await.expect("auth");

    let refused =
        s.t.corridor
            .share_case(&reader, case, partner.id, t0())
            .await;
    assert!(matches!(
        refused,
        Err(AppError::Forbidden(Permission::CaseShare))
    ));
    assert!(
        s.t.corridor
            .share_case(&sharer, case, partner.id, t0())
            .await
            .expect("share")
    );
    let other =
        s.t.corridor
            .share_case(&sharer, foreign, s.t.organisation, t0())
            .await;
    assert!(matches!(other, Err(AppError::CaseNotFound(id)) if id == foreign));
    assert!(
        s.t.corridor
            .unshare_case(&sharer, case, partner.id)
            .await
            .expect("unshare")
    );

    let log = s.log().await;
    let denied = |action, case| {
        log.iter().any(|e| {
            e.event.action == action
                && e.event.outcome == AuditOutcome::Denied
                && e.event.case == Some(case)
        })
    };
    assert!(denied(AuditAction::CaseShared, case), "the missing scope");
    assert!(
        denied(AuditAction::CaseShared, foreign),
        "another organisation's case"
    );
}

#[tokio::test]
async fn tokens_are_refused_when_revoked_expired_or_their_user_is_disabled() {
    let s = setup().await;
    let token = s.issue("casey", &[ApiScope::CasesRead]).await;
    let expires = token.token.expires_at;
    s.login(&token, expires - Duration::seconds(1))
        .await
        .expect("alive until its end");
    assert!(matches!(
        s.login(&token, expires).await,
        Err(AppError::Unauthenticated)
    ));

    s.t.corridor
        .set_user_disabled(&s.admin, s.caseworker.user, true)
        .await
        .expect("disable");
    assert!(matches!(
        s.login(&token, t0()).await,
        Err(AppError::Unauthenticated)
    ));
    s.t.corridor
        .set_user_disabled(&s.admin, s.caseworker.user, false)
        .await
        .expect("enable");
    let who = s.login(&token, t0()).await.expect("usable again");

    let authority = TokenAuthority::Admin(&s.admin);
    assert!(
        s.t.corridor
            .revoke_api_token(authority, token.token.id, t0())
            .await
            .expect("revoke")
    );
    assert!(
        !s.t.corridor
            .revoke_api_token(authority, token.token.id, t0())
            .await
            .expect("again"),
        "revoking twice changes nothing"
    );
    assert!(matches!(
        s.login(&token, t0()).await,
        Err(AppError::Unauthenticated)
    ));
    let unknown = corridor_core::ApiTokenId::random();
    assert!(matches!(
        s.t.corridor.revoke_api_token(authority, unknown, t0()).await,
        Err(AppError::ApiTokenNotFound(id)) if id == unknown
    ));

    for bad in [
        None,
        Some(""),
        Some("not a token"),
        Some(&"a".repeat(64)[..]),
    ] {
        assert!(matches!(
            s.t.corridor.authenticate_api_token(bad, t0(), addr()).await,
            Err(AppError::Unauthenticated)
        ));
    }

    let log = s.log().await;
    let refusals: Vec<_> = log
        .iter()
        .filter(|e| e.event.action == AuditAction::ApiTokenRefused)
        .collect();
    assert_eq!(
        refusals.len(),
        3 + 4,
        "expired, disabled, revoked, and four unknown"
    );
    let as_token = Actor::ApiToken(token.token.id.to_string());
    assert_eq!(
        refusals
            .iter()
            .filter(|e| e.event.actor == as_token
                && e.event.subject == Some(who.user.to_string())
                && e.event.address.as_deref() == Some("198.51.100.7"))
            .count(),
        3
    );
    assert!(
        refusals
            .iter()
            .all(|e| e.event.outcome == AuditOutcome::Failed)
    );
    assert!(!format!("{log:?}").contains(token.expose_secret()));
}

#[tokio::test]
async fn last_use_is_written_at_most_once_per_interval() {
    let s = setup().await;
    let token = s.issue("casey", &[ApiScope::CasesRead]).await;
    let id = token.token.id;
    let last_used = || async {
        s.t.corridor
            .store()
            .api_token(id)
            .await
            .expect("read")
            .expect("token")
            .last_used_at
    };
    assert_eq!(last_used().await, None);
    s.login(&token, t0()).await.expect("auth");
    assert_eq!(last_used().await, Some(t0()));
    s.login(&token, t0() + Duration::seconds(10))
        .await
        .expect("auth");
    assert_eq!(
        last_used().await,
        Some(t0()),
        "not every request is a write"
    );
    s.login(&token, t0() + Duration::minutes(2))
        .await
        .expect("auth");
    assert_eq!(last_used().await, Some(t0() + Duration::minutes(2)));
}

#[tokio::test]
async fn only_administrators_issue_and_only_for_their_organisation() {
    let s = setup().await;
    let partner = s.partner().await;
    let partner_admin =
        s.t.corridor
            .create_user(&s.admin, partner.id, "padmin", Role::Admin, PASSWORD, t0())
            .await
            .expect("user");
    let partner_admin = Principal::of(&partner_admin);
    let mine = s.issue("casey", &[ApiScope::CasesRead]).await;

    let refused = s
        .try_issue(
            TokenAuthority::Admin(&partner_admin),
            "casey",
            &[ApiScope::CasesRead],
        )
        .await;
    assert!(
        matches!(refused, Err(AppError::NoSuchUser)),
        "another organisation's user"
    );
    let refused = s
        .try_issue(
            TokenAuthority::Admin(&s.admin),
            "nobody",
            &[ApiScope::CasesRead],
        )
        .await;
    assert!(
        matches!(refused, Err(AppError::NoSuchUser)),
        "indistinguishable"
    );
    let listed =
        s.t.corridor
            .api_tokens(TokenAuthority::Admin(&partner_admin), t0())
            .await
            .expect("list");
    assert!(
        listed.is_empty(),
        "another organisation's tokens are not listed"
    );
    assert!(matches!(
        s.t.corridor
            .revoke_api_token(TokenAuthority::Admin(&partner_admin), mine.token.id, t0())
            .await,
        Err(AppError::ApiTokenNotFound(_))
    ));
    s.login(&mine, t0())
        .await
        .expect("not revoked by the other admin");

    let refused = s
        .try_issue(
            TokenAuthority::Admin(&s.caseworker),
            "casey",
            &[ApiScope::CasesRead],
        )
        .await;
    assert!(matches!(
        refused,
        Err(AppError::Forbidden(Permission::ApiTokenManage))
    ));
    let log = s.log().await;
    assert!(
        log.iter()
            .any(|e| e.event.action == AuditAction::ApiTokenCreated
                && e.event.outcome == AuditOutcome::Denied
                && e.event.actor == Actor::User(s.caseworker.user))
    );
    assert!(
        log.iter()
            .any(|e| e.event.action == AuditAction::ApiTokenRevoked
                && e.event.outcome == AuditOutcome::Denied
                && e.event.actor == Actor::User(partner_admin.user))
    );

    let operator = s
        .try_issue(TokenAuthority::Operator, "padmin", &[ApiScope::CasesRead])
        .await;
    assert!(
        matches!(operator, Err(AppError::UselessScope(ApiScope::CasesRead))),
        "an administrator's token could do nothing"
    );
    let useless = s
        .try_issue(
            TokenAuthority::Operator,
            "casey",
            &[ApiScope::CasesRead, ApiScope::CasesShare],
        )
        .await;
    assert!(matches!(
        useless,
        Err(AppError::UselessScope(ApiScope::CasesShare))
    ));
    s.try_issue(TokenAuthority::Operator, "coord", &[ApiScope::CasesShare])
        .await
        .expect("the operator issues for anyone");
    let all =
        s.t.corridor
            .api_tokens(TokenAuthority::Operator, t0())
            .await
            .expect("list");
    assert_eq!(all.len(), 2);
    assert!(s.log().await.iter().any(
        |e| e.event.actor == Actor::Operator && e.event.action == AuditAction::ApiTokenCreated
    ));

    s.t.corridor
        .set_user_disabled(&s.admin, s.caseworker.user, true)
        .await
        .expect("disable");
    let refused = s
        .try_issue(TokenAuthority::Operator, "casey", &[ApiScope::CasesRead])
        .await;
    assert!(
        matches!(refused, Err(AppError::Refused(_))),
        "no token for a disabled user"
    );
}
