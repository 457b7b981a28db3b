//! The JSON API through the real router: every operation's good path, every bad path the API
//! promises a status for, scopes per endpoint (denials audited), tokens that are revoked,
//! expired or of a disabled user, other organisations' cases, and a canary name that must never
//! reach a log line or an error body.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::{Duration, Utc};
use corridor_app::{AccountPolicy, ApiTokenRequest, Corridor, Principal, TokenAuthority, programs};
use corridor_core::{
    Actor, ApiScope, ApiScopes, ApiTokenId, AuditAction, AuditOutcome, CaseId, CaseInput, OrgId,
    OrgName, Permission, Role, TokenLabel, TokenLifetime,
};
use corridor_crypto::{KdfParams, PasswordParams, SecretToken, TokenPurpose};
use corridor_store::{ApiTokenRow, AuditFilter, Page, SqliteStore};
use corridor_web::api::{ApiRoute, MOUNT, Operation, PREFIX, ROUTES, VERSION};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const PASSWORD: &str = "a long enough api test password";
/// A name that must never appear in a log line or an error body.
pub const CANARY: &str = "Canarya Zhurnalova";

/// A store with two organisations, an admin, and users of every role in the first.
pub struct Api {
    pub corridor: Arc<Corridor>,
    pub organisation: OrgId,
    /// Another organisation, with a coordinator (`other-coord`) of its own.
    pub other: OrgId,
    admin: Principal,
    _dir: tempfile::TempDir,
}

/// An answer of the API.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.text))
    }

    /// The error code of an error answer.
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("not an error: {}", self.text))
            .to_owned()
    }

    pub fn field(&self) -> Option<String> {
        self.json()["error"]["field"].as_str().map(str::to_owned)
    }
}

impl Api {
    pub async fn new() -> Api {
        let dir = tempfile::tempdir().expect("dir");
        let store = Arc::new(
            SqliteStore::open(&dir.path().join("corridor.db"))
                .await
                .expect("open"),
        );
        let (mut corridor, organisation) = Corridor::initialise(
            store,
            b"api tests",
            KdfParams::INSECURE_FAST_FOR_TESTS,
            OrgName::new("API test organisation").expect("name"),
            programs::default_catalog(),
        )
        .await
        .expect("init");
        corridor.set_account_policy(AccountPolicy {
            password_params: PasswordParams::INSECURE_FAST_FOR_TESTS,
            ..AccountPolicy::default()
        });
        let now = Utc::now();
        let admin = corridor
            .create_first_admin(organisation.id, "admin", PASSWORD, now)
            .await
            .expect("admin");
        let admin = Principal::of(&admin);
        let other = corridor
            .create_organisation(&admin, OrgName::new("Other organisation").expect("name"))
            .await
            .expect("org");
        for role in Role::ALL.iter().filter(|r| **r != Role::Admin) {
            corridor
                .create_user(&admin, organisation.id, role.as_str(), *role, PASSWORD, now)
                .await
                .expect("user");
        }
        corridor
            .create_user(
                &admin,
                other.id,
                "other-coord",
                Role::Coordinator,
                PASSWORD,
                now,
            )
            .await
            .expect("user");
        corridor
            .create_user_as_operator(other.id, "other-sponsor", Role::Sponsor, PASSWORD, now)
            .await
            .expect("user");
        Api {
            corridor: Arc::new(corridor),
            organisation: organisation.id,
            other: other.id,
            admin,
            _dir: dir,
        }
    }

    /// A token for `username` (users are named after their role) with `scopes`; its secret and id.
    pub async fn token_and_id(&self, username: &str, scopes: &[ApiScope]) -> (String, ApiTokenId) {
        let token = self
            .corridor
            .create_api_token(
                TokenAuthority::Operator,
                ApiTokenRequest {
                    username: username.parse().expect("username"),
                    label: TokenLabel::new("api tests").expect("label"),
                    scopes: ApiScopes::new(scopes.iter().copied()).expect("scopes"),
                    lifetime: TokenLifetime::days(1).expect("days"),
                },
                Utc::now(),
            )
            .await
            .expect("token");
        (token.expose_secret().to_owned(), token.token.id)
    }

    pub async fn token(&self, username: &str, scopes: &[ApiScope]) -> String {
        self.token_and_id(username, scopes).await.0
    }

    /// A case of `organisation`, from the example with `edit` applied.
    pub async fn add(&self, organisation: OrgId, edit: impl FnOnce(&mut Value)) -> CaseId {
        let input = CaseInput::from_json(&example(edit).to_string()).expect("valid");
        self.corridor
            .add_case(organisation, input)
            .await
            .expect("add")
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = corridor_web::router(self.corridor.clone())
            .oneshot(request)
            .await
            .expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Reply {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// `method` on `path` (below `/api/v1`) with a bearer token and, if given, a JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{PREFIX}{path}"));
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(value) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(value.to_string())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).expect("request")).await
    }

    /// The id of the user called `username`.
    pub async fn user_id(&self, username: &str) -> corridor_core::UserId {
        self.corridor
            .store()
            .user_by_username(&username.parse().expect("name"))
            .await
            .expect("read")
            .expect("user")
            .user
            .id
    }

    /// The audit log, oldest first.
    pub async fn log(&self) -> Vec<corridor_core::AuditEntry> {
        let mut log = self
            .corridor
            .audit_log(&AuditFilter::default(), Page::ALL)
            .await
            .expect("log");
        log.reverse();
        log
    }
}

/// The example case document with `edit` applied.
pub fn example(edit: impl FnOnce(&mut Value)) -> Value {
    let mut value: Value =
        serde_json::from_str(include_str!("../../../../examples/case.json")).expect("json");
    edit(&mut value);
    value
}

/// A call of [`tour`]: method, route (as in `ROUTES`), URI, token, body, expected status.
type Call<'a> = (
    Method,
    &'static str,
    String,
    Option<&'a str>,
    Option<Value>,
    StatusCode,
);

/// A refused POST: what it tries, path, content type, body, status, code and field.
type BadPost = (
    &'static str,
    String,
    Option<&'static str>,
    Vec<u8>,
    StatusCode,
    &'static str,
    Option<&'static str>,
);

/// One exchange of [`tour`]: the route (as in `ROUTES`), and the answer.
pub struct Exchange {
    pub method: Method,
    pub route: &'static str,
    pub status: StatusCode,
    pub body: Value,
}

/// Calls every operation on its good path and on the error paths it documents, checks the
/// statuses, and returns what was answered (for the OpenAPI test to validate).
pub async fn tour(api: &Api) -> Vec<Exchange> {
    let own = api
        .add(api.organisation, |v| {
            v["us_status"]["scheduled_removal"] =
                json!((Utc::now() + Duration::days(3)).date_naive().to_string());
            v["us_status"]["hearings"] = json!([{
                "date": (Utc::now() + Duration::days(5)).date_naive().to_string(),
                "kind": "individual"
            }]);
        })
        .await;
    let reader = api.token("caseworker", &[ApiScope::CasesRead]).await;
    let writer = api.token("caseworker", &[ApiScope::CasesWrite]).await;
    let sharer = api.token("coordinator", &[ApiScope::CasesShare]).await;
    let r = Some(reader.as_str());
    let w = Some(writer.as_str());
    let s = Some(sharer.as_str());
    let mut exchanges = Vec::new();
    let mut record = |method: Method, route: &'static str, reply: Reply, expected: StatusCode| {
        assert_eq!(reply.status, expected, "{method} {route}: {}", reply.text);
        exchanges.push(Exchange {
            method,
            route,
            status: reply.status,
            // The calendar feed is text; everything else is JSON.
            body: if route.ends_with(".ics") && reply.status.is_success() {
                Value::String(reply.text.clone())
            } else {
                reply.json()
            },
        });
    };
    let one = format!("/cases/{own}");
    let shares = format!("/cases/{own}/shares");
    let unshare = format!("/cases/{own}/shares/{}", api.other);
    let search = json!({"name": "Pustovoitova", "filters": {"stage": "assessing", "page": 1}});
    let share = json!({ "organisation": api.other });
    let refer = share.clone();
    let referrals = format!("/cases/{own}/referrals");
    let withdraw = format!("/cases/{own}/referrals/{}", api.other);
    let sponsor = api.token("other-sponsor", &[ApiScope::ReferralsRead]).await;
    let p = Some(sponsor.as_str());
    let screener = api.token("analyst", &[ApiScope::ScreeningRun]).await;
    let m = Some(screener.as_str());
    let calendar = api.token("caseworker", &[ApiScope::CalendarRead]).await;
    let c = Some(calendar.as_str());
    load_a_list(api);
    let screen = json!({"queries": {"q1": {"schema": "Person", "properties": {"name": ["Игорь Коробов"], "birthDate": ["1956"], "topics": ["sanction"]}}}});
    let version = version_of(api, own).await;
    // The edit keeps the removal date: the dashboard's check below counts it.
    let mut edit = update_body(&version, "Эдита Правкина");
    edit["details"]["scheduled_removal"] =
        json!((Utc::now() + Duration::days(3)).date_naive().to_string());
    #[rustfmt::skip]
    let calls: Vec<Call> = vec![
        (Method::GET, "/cases", "/cases?stage=assessing&order=risk&page=1".into(), r, None, StatusCode::OK),
        (Method::GET, "/cases", "/cases?stage=teleported".into(), r, None, StatusCode::BAD_REQUEST),
        (Method::GET, "/cases", "/cases".into(), None, None, StatusCode::UNAUTHORIZED),
        (Method::GET, "/cases", "/cases".into(), w, None, StatusCode::FORBIDDEN),
        (Method::POST, "/cases", "/cases".into(), w, Some(example(|v| v["us_status"]["hearings"] = json!([]))), StatusCode::CREATED),
        (Method::POST, "/cases", "/cases".into(), w, Some(json!({"program": 7})), StatusCode::BAD_REQUEST),
        (Method::POST, "/cases", "/cases".into(), w, Some(example(|v| v["program"] = "no-such-program".into())), StatusCode::UNPROCESSABLE_ENTITY),
        (Method::POST, "/cases", "/cases".into(), r, Some(example(|_| {})), StatusCode::FORBIDDEN),
        (Method::POST, "/cases/search", "/cases/search".into(), r, Some(search), StatusCode::OK),
        (Method::POST, "/cases/search", "/cases/search".into(), r, Some(json!({"name": ""})), StatusCode::BAD_REQUEST),
        (Method::GET, "/cases/{id}", one.clone(), r, None, StatusCode::OK),
        (Method::GET, "/cases/{id}", format!("/cases/{}", CaseId::random()), r, None, StatusCode::NOT_FOUND),
        (Method::GET, "/cases/{id}", "/cases/not-an-id".into(), r, None, StatusCode::BAD_REQUEST),
        (Method::PUT, "/cases/{id}", one.clone(), w, Some(edit), StatusCode::OK),
        (Method::PUT, "/cases/{id}", one.clone(), w, Some(update_body(&version, "Stale Edit")), StatusCode::CONFLICT),
        (Method::PUT, "/cases/{id}", one.clone(), w, Some(json!({"version": version, "details": {"program": "ca-public-policy-2026", "names": [], "custody": "bond"}})), StatusCode::BAD_REQUEST),
        (Method::PUT, "/cases/{id}", format!("/cases/{}", CaseId::random()), w, Some(update_body(&version, "Nobody")), StatusCode::NOT_FOUND),
        (Method::PUT, "/cases/{id}", one.clone(), r, Some(update_body(&version, "Read Only")), StatusCode::FORBIDDEN),
        (Method::POST, "/cases/{id}/shares", shares.clone(), s, Some(share.clone()), StatusCode::CREATED),
        (Method::POST, "/cases/{id}/shares", shares.clone(), s, Some(share), StatusCode::OK),
        (Method::POST, "/cases/{id}/shares", shares, s, Some(json!({"organisation": api.organisation})), StatusCode::UNPROCESSABLE_ENTITY),
        (Method::DELETE, "/cases/{id}/shares/{organisation}", unshare.clone(), s, None, StatusCode::OK),
        (Method::DELETE, "/cases/{id}/shares/{organisation}", unshare, r, None, StatusCode::FORBIDDEN),
        (Method::POST, "/cases/{id}/referrals", referrals.clone(), s, Some(refer.clone()), StatusCode::CREATED),
        (Method::POST, "/cases/{id}/referrals", referrals.clone(), s, Some(refer.clone()), StatusCode::OK),
        (Method::POST, "/cases/{id}/shares", format!("/cases/{own}/shares"), s, Some(refer.clone()), StatusCode::UNPROCESSABLE_ENTITY),
        (Method::POST, "/cases/{id}/referrals", referrals, w, Some(refer), StatusCode::FORBIDDEN),
        (Method::GET, "/referrals", "/referrals".into(), p, None, StatusCode::OK),
        (Method::GET, "/referrals", "/referrals".into(), r, None, StatusCode::FORBIDDEN),
        (Method::GET, "/referrals/{id}", format!("/referrals/{own}"), p, None, StatusCode::OK),
        (Method::GET, "/referrals/{id}", format!("/referrals/{}", CaseId::random()), p, None, StatusCode::NOT_FOUND),
        (Method::DELETE, "/cases/{id}/referrals/{organisation}", withdraw.clone(), s, None, StatusCode::OK),
        (Method::GET, "/referrals/{id}", format!("/referrals/{own}"), p, None, StatusCode::NOT_FOUND),
        (Method::GET, "/dashboard", "/dashboard".into(), r, None, StatusCode::OK),
        (Method::GET, "/calendar.ics", "/calendar.ics".into(), c, None, StatusCode::OK),
        (Method::GET, "/calendar.ics", "/calendar.ics".into(), r, None, StatusCode::FORBIDDEN),
        (Method::GET, "/calendar.ics", "/calendar.ics".into(), None, None, StatusCode::UNAUTHORIZED),
        (Method::POST, "/match", "/match?threshold=0.8&algorithm=best".into(), m, Some(screen.clone()), StatusCode::OK),
        (Method::POST, "/match", "/match?limit=0".into(), m, Some(screen.clone()), StatusCode::BAD_REQUEST),
        (Method::POST, "/match", "/match?fuzzy=true".into(), m, Some(screen.clone()), StatusCode::BAD_REQUEST),
        (Method::POST, "/match", "/match".into(), m, Some(json!({"queries": {}})), StatusCode::BAD_REQUEST),
        (Method::POST, "/match", "/match".into(), m, Some(json!({"queries": {"q": {"schema": "Person", "properties": {}}}})), StatusCode::BAD_REQUEST),
        (Method::POST, "/match", "/match".into(), r, Some(screen), StatusCode::FORBIDDEN),
    ];
    for (method, route, uri, token, body, expected) in calls {
        let reply = api.call(method.clone(), &uri, token, body.as_ref()).await;
        record(method, route, reply, expected);
    }
    exchanges
}

#[tokio::test]
async fn every_operation_answers_its_good_path() {
    let api = Api::new().await;
    let exchanges = tour(&api).await;
    let good = |route: &str, method: Method| {
        exchanges
            .iter()
            .find(|e| e.route == route && e.method == method && e.status.is_success())
            .map(|e| e.body.clone())
            .expect("a good path")
    };
    let list = good("/cases", Method::GET);
    assert_eq!(list["total"], 1);
    assert_eq!(
        list["cases"][0]["display_name"],
        "Ярослава Глебовна Пустовойтова"
    );
    let created = good("/cases", Method::POST);
    let created: CaseId = created["id"].as_str().expect("id").parse().expect("uuid");
    let search = good("/cases/search", Method::POST);
    assert_eq!(search["total"], 2, "both cases carry the example's name");
    let case = good("/cases/{id}", Method::GET);
    assert_eq!(case["person"]["names"][1]["text"], "Iaroslava Pustovoitova");
    let edited = good("/cases/{id}", Method::PUT);
    assert!(
        edited["version"]
            .as_str()
            .is_some_and(|v| v > case["updated_at"].as_str().unwrap_or(""))
    );
    assert_eq!(good("/cases/{id}/shares", Method::POST)["changed"], true);
    assert_eq!(
        good("/cases/{id}/shares/{organisation}", Method::DELETE)["changed"],
        true
    );
    let referrals = good("/referrals", Method::GET);
    assert_eq!(referrals["referrals"][0]["case"], case["id"]);
    let referral = good("/referrals/{id}", Method::GET);
    assert_eq!(referral["stca_family_exception"], true);
    assert!(referral.get("person").is_none() && referral.get("notes").is_none());
    assert!(
        !referral.to_string().contains("208555013"),
        "no A-number in a referral"
    );
    assert_eq!(good("/cases/{id}/referrals", Method::POST)["changed"], true);
    let matched = good("/match", Method::POST);
    let first = &matched["responses"]["q1"]["results"][0];
    assert_eq!(first["id"], "ofac_sdn-21328");
    assert_eq!(first["match"], true);
    assert_eq!(
        matched["responses"]["q1"]["query"]["properties"]["topics"][0], "sanction",
        "the query comes back as sent"
    );
    let dashboard = good("/dashboard", Method::GET);
    assert_eq!(dashboard["total"], 2);
    assert_eq!(dashboard["removals"].as_array().expect("list").len(), 1);
    assert_eq!(dashboard["hearings"].as_array().expect("list").len(), 1);

    let reader = api.token("caseworker", &[ApiScope::CasesRead]).await;
    let reply = api
        .call(
            Method::GET,
            &format!("/cases/{created}"),
            Some(&reader),
            None,
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "the new case is the caller's organisation's"
    );
    assert_eq!(reply.json()["organisation"], api.organisation.to_string());
    assert_eq!(
        reply.headers[header::CONTENT_TYPE],
        "application/json",
        "{:?}",
        reply.headers
    );
    assert_eq!(reply.headers[header::CACHE_CONTROL], "no-store");

    let writer = api.token("caseworker", &[ApiScope::CasesWrite]).await;
    let reply = api
        .call(
            Method::POST,
            "/cases",
            Some(&writer),
            Some(&example(|_| {})),
        )
        .await;
    let id = reply.json()["id"].as_str().expect("id").to_owned();
    assert_eq!(
        reply.headers[header::LOCATION],
        format!("{PREFIX}/cases/{id}")
    );
}

#[tokio::test]
async fn lists_take_the_case_list_pages_filters_and_pages() {
    let api = Api::new().await;
    for i in 0..52 {
        api.add(api.organisation, |v| {
            if i % 2 == 0 {
                v["us_status"]["custody"] = "parole".into();
            }
        })
        .await;
    }
    let token = api.token("analyst", &[ApiScope::CasesRead]).await;
    let get = |uri: &'static str| {
        let api = &api;
        let token = token.clone();
        async move { api.call(Method::GET, uri, Some(&token), None).await }
    };
    let first = get("/cases").await.json();
    assert_eq!(
        (first["total"].clone(), first["pages"].clone()),
        (json!(52), json!(2))
    );
    assert_eq!(first["cases"].as_array().expect("list").len(), 50);
    let second = get("/cases?page=2").await.json();
    assert_eq!(second["cases"].as_array().expect("list").len(), 2);
    let parole = get("/cases?custody=parole&order=oldest").await.json();
    assert_eq!(parole["total"], 26);
    assert!(
        parole["cases"]
            .as_array()
            .expect("list")
            .iter()
            .all(|c| c["custody"] == "parole")
    );
    let beyond = get("/cases?page=9").await.json();
    assert_eq!(beyond["cases"], json!([]));

    for (uri, field) in [
        ("/cases?stage=SECRET", "stage"),
        ("/cases?page=0", "page"),
        ("/cases?page=SECRET", "page"),
        ("/cases?order=SECRET", "order"),
        ("/cases?organisation=SECRET", "organisation"),
        ("/cases?name=SECRET", "name"),
        ("/cases?stage=intake&stage=SECRET", "stage"),
    ] {
        let reply = get(uri).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{uri}: {}",
            reply.text
        );
        assert_eq!(reply.code(), "bad_parameter", "{uri}");
        assert_eq!(
            reply.field().as_deref(),
            Some(field),
            "{uri}: {}",
            reply.text
        );
        assert!(!reply.text.contains("SECRET"), "{uri}: {}", reply.text);
    }
    let reply = get("/cases?SECRET=1").await;
    assert_eq!(reply.code(), "bad_parameter");
    assert!(!reply.text.contains("SECRET"));
    assert!(
        reply.text.contains("expected one of: stage, custody"),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn only_a_valid_bearer_token_is_accepted_and_every_refusal_is_alike_and_audited() {
    let api = Api::new().await;
    let (valid, valid_id) = api.token_and_id("caseworker", &[ApiScope::CasesRead]).await;
    let (revoked, revoked_id) = api.token_and_id("caseworker", &[ApiScope::CasesRead]).await;
    api.corridor
        .revoke_api_token(TokenAuthority::Operator, revoked_id, Utc::now())
        .await
        .expect("revoke");
    let expired = SecretToken::generate(TokenPurpose::Api);
    api.corridor
        .store()
        .create_api_token(&ApiTokenRow {
            id: ApiTokenId::random(),
            user: api.user_id("caseworker").await,
            label: TokenLabel::new("expired").expect("label"),
            scopes: ApiScopes::new([ApiScope::CasesRead]).expect("scopes"),
            digest: expired.digest(),
            created_at: Utc::now() - Duration::days(2),
            expires_at: Utc::now() - Duration::seconds(1),
            revoked_at: None,
            last_used_at: None,
        })
        .await
        .expect("expired token");
    let (disabled, _) = api.token_and_id("verifier", &[ApiScope::CasesRead]).await;
    api.corridor
        .set_user_disabled(&api.admin, api.user_id("verifier").await, true)
        .await
        .expect("disable");

    let reply = api.call(Method::GET, "/cases", Some(&valid), None).await;
    assert_eq!(reply.status, StatusCode::OK);

    let session_token = SecretToken::generate(TokenPurpose::Session);
    let unknown = SecretToken::generate(TokenPurpose::Api);
    let bad_headers: Vec<(&str, Option<String>)> = vec![
        ("no header", None),
        ("revoked", Some(format!("Bearer {revoked}"))),
        ("expired", Some(format!("Bearer {}", expired.expose()))),
        ("disabled user", Some(format!("Bearer {disabled}"))),
        ("unknown", Some(format!("Bearer {}", unknown.expose()))),
        (
            "upper case",
            Some(format!("Bearer {}", valid.to_uppercase())),
        ),
        ("short", Some(format!("Bearer {}", &valid[..63]))),
        ("basic", Some(format!("Basic {valid}"))),
        ("no scheme", Some(valid.clone())),
        (
            "session token",
            Some(format!("Bearer {}", session_token.expose())),
        ),
    ];
    let mut bodies = Vec::new();
    for (what, authorization) in &bad_headers {
        let mut request = Request::get(format!("{PREFIX}/cases"));
        if let Some(value) = authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        let reply = api
            .send(request.body(Body::empty()).expect("request"))
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{what}");
        assert_eq!(reply.code(), "unauthenticated", "{what}");
        assert_eq!(
            reply.headers[header::WWW_AUTHENTICATE],
            "Bearer realm=\"corridor\""
        );
        bodies.push(reply.text);
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "one answer, whatever the reason"
    );
    let bearer = format!("Bearer {valid}");
    let twice = [
        (header::AUTHORIZATION, bearer.clone()),
        (header::AUTHORIZATION, bearer),
    ];
    let reply = list_with(&api, &twice).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "one header only");
    let lower = [(header::AUTHORIZATION, format!("bearer {valid}"))];
    let reply = list_with(&api, &lower).await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "the scheme is case-insensitive"
    );

    // A signed-in browser's session cookie is no key to the API.
    let cookie = format!("corridor_session={}", session_token.expose());
    let reply = list_with(&api, &[(header::COOKIE, cookie)]).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);

    let log = api.log().await;
    let refused: Vec<_> = log
        .iter()
        .filter(|e| e.event.action == AuditAction::ApiTokenRefused)
        .collect();
    assert_eq!(
        refused.len(),
        bad_headers.len() + 2,
        "every refusal is audited"
    );
    assert!(
        refused
            .iter()
            .any(|e| e.event.actor == Actor::ApiToken(revoked_id.to_string()))
    );
    assert!(
        refused
            .iter()
            .all(|e| e.event.outcome == AuditOutcome::Failed)
    );
    let text = format!("{log:?}");
    for secret in [&valid, &revoked, &disabled, &expired.expose().to_owned()] {
        assert!(
            !text.contains(secret.as_str()),
            "no token text in the audit log"
        );
    }
    assert!(
        log.iter()
            .any(|e| e.event.actor == Actor::ApiToken(valid_id.to_string())
                && e.event.action == AuditAction::CaseListed),
        "the token is the actor"
    );
}

/// `GET /cases` with exactly these headers.
async fn list_with(api: &Api, headers: &[(header::HeaderName, String)]) -> Reply {
    let mut request = Request::get(format!("{PREFIX}/cases"));
    for (name, value) in headers {
        request = request.header(name, value);
    }
    api.send(request.body(Body::empty()).expect("request"))
        .await
}

#[tokio::test]
async fn bad_input_gets_its_status_and_a_message_that_never_echoes() {
    let api = Api::new().await;
    let token = api
        .token("coordinator", &[ApiScope::CasesRead, ApiScope::CasesShare])
        .await;
    let writer = api.token("caseworker", &[ApiScope::CasesWrite]).await;
    let own = api.add(api.organisation, |_| {}).await;
    let post = |path: String, content_type: Option<&'static str>, body: Vec<u8>, token: String| {
        let api = &api;
        async move {
            let mut request = Request::post(format!("{PREFIX}{path}"))
                .header(header::AUTHORIZATION, format!("Bearer {token}"));
            if let Some(content_type) = content_type {
                request = request.header(header::CONTENT_TYPE, content_type);
            }
            api.send(request.body(Body::from(body)).expect("request"))
                .await
        }
    };
    let json = Some("application/json");
    #[rustfmt::skip]
    let cases: Vec<BadPost> = vec![
        ("syntax", "/cases/search".into(), json, b"{\"name\": \"SECRET".to_vec(), StatusCode::BAD_REQUEST, "malformed_json", Some("name")),
        ("not an object", "/cases/search".into(), json, b"[\"SECRET\"]".to_vec(), StatusCode::BAD_REQUEST, "malformed_json", None),
        ("wrong type", "/cases/search".into(), json, br#"{"name": ["SECRET"]}"#.to_vec(), StatusCode::BAD_REQUEST, "malformed_json", Some("name")),
        ("missing field", "/cases/search".into(), json, br#"{"filters": {}}"#.to_vec(), StatusCode::BAD_REQUEST, "malformed_json", Some("name")),
        ("unknown field", "/cases/search".into(), json, br#"{"name": "x", "SECRET": 1}"#.to_vec(), StatusCode::BAD_REQUEST, "malformed_json", Some("?")),
        ("bad filter", "/cases/search".into(), json, br#"{"name": "x", "filters": {"stage": "SECRET"}}"#.to_vec(), StatusCode::BAD_REQUEST, "malformed_json", Some("filters.stage")),
        ("trailing", "/cases/search".into(), json, br#"{"name": "x"} SECRET"#.to_vec(), StatusCode::BAD_REQUEST, "malformed_json", None),
        ("not UTF-8", "/cases/search".into(), json, vec![b'{', 0xff, b'}'], StatusCode::BAD_REQUEST, "malformed_json", None),
        ("form", "/cases/search".into(), Some("application/x-www-form-urlencoded"), b"name=SECRET".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", None),
        ("text", "/cases/search".into(), Some("text/plain"), b"SECRET".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", None),
        ("no type", "/cases/search".into(), None, br#"{"name": "SECRET"}"#.to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", None),
        ("oversize", "/cases/search".into(), json, format!("{{\"name\": \"{}\"}}", "SECRET ".repeat(40_000)).into_bytes(), StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", None),
        ("bad id", "/cases/SECRET/shares".into(), json, format!("{{\"organisation\": \"{}\"}}", OrgId::random()).into_bytes(), StatusCode::BAD_REQUEST, "bad_parameter", Some("id")),
        ("bad organisation", format!("/cases/{own}/shares"), json, br#"{"organisation": "SECRET"}"#.to_vec(), StatusCode::BAD_REQUEST, "malformed_json", Some("organisation")),
        ("unknown organisation", format!("/cases/{own}/shares"), json, format!("{{\"organisation\": \"{}\"}}", OrgId::random()).into_bytes(), StatusCode::UNPROCESSABLE_ENTITY, "unprocessable", Some("organisation")),
        ("own organisation", format!("/cases/{own}/shares"), json, format!("{{\"organisation\": \"{}\"}}", api.organisation).into_bytes(), StatusCode::UNPROCESSABLE_ENTITY, "unprocessable", None),
    ];
    for (what, path, content_type, body, status, code, field) in cases {
        let reply = post(path, content_type, body, token.clone()).await;
        assert_eq!(reply.status, status, "{what}: {}", reply.text);
        assert_eq!(reply.code(), code, "{what}");
        assert_eq!(reply.field().as_deref(), field, "{what}: {}", reply.text);
        assert!(!reply.text.contains("SECRET"), "{what}: {}", reply.text);
        assert_eq!(
            reply.headers[header::CONTENT_TYPE],
            "application/json",
            "{what}"
        );
    }

    let document = |edit: fn(&mut Value)| example(edit).to_string().into_bytes();
    for (what, body, status, code, field) in [
        (
            "a bad A-number",
            document(|v| v["us_status"]["a_number"] = "SECRET".into()),
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "us_status.a_number",
        ),
        (
            "an unknown name kind",
            document(|v| v["person"]["names"][0]["kind"] = "SECRET".into()),
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "person.names[0].kind",
        ),
        (
            "no names",
            document(|v| v["person"]["names"] = json!([])),
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "person.names",
        ),
        (
            "an unknown program",
            document(|v| v["program"] = "secret-program".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable",
            "program",
        ),
    ] {
        let reply = post("/cases".into(), json, body, writer.clone()).await;
        assert_eq!(reply.status, status, "{what}: {}", reply.text);
        assert_eq!(reply.code(), code, "{what}");
        assert_eq!(
            reply.field().as_deref(),
            Some(field),
            "{what}: {}",
            reply.text
        );
        assert!(
            !reply.text.to_lowercase().contains("secret"),
            "{what}: {}",
            reply.text
        );
    }

    for (method, path) in [
        (Method::PUT, "/cases".to_owned()),
        (Method::PATCH, format!("/cases/{own}")),
        (Method::GET, "/cases/search".to_owned()),
        (Method::GET, format!("/cases/{own}/shares")),
    ] {
        let reply = api.call(method.clone(), &path, Some(&token), None).await;
        assert_eq!(
            reply.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(reply.code(), "method_not_allowed");
        assert!(reply.headers.contains_key(header::ALLOW), "{method} {path}");
    }
    for path in ["/SECRET", "/cases/", "/", ""] {
        let reply = api.call(Method::GET, path, Some(&token), None).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path:?}");
        assert_eq!(reply.code(), "not_found", "{path:?}");
        assert!(!reply.text.contains("SECRET"));
    }
    let reply = api
        .call(Method::GET, "/cases/%FF%FE", Some(&token), None)
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    assert_eq!(reply.code(), "bad_request", "axum's rejection, replaced");

    let purged = api.add(api.organisation, |_| {}).await;
    api.corridor.purge(purged).await.expect("purge");
    let reply = api
        .call(Method::GET, &format!("/cases/{purged}"), Some(&token), None)
        .await;
    assert_eq!(reply.status, StatusCode::GONE);
    assert_eq!(reply.code(), "purged");
}

#[tokio::test]
async fn another_organisations_case_is_not_found_and_nothing_of_it_leaks() {
    let api = Api::new().await;
    let foreign = api
        .add(api.other, |v| {
            v["person"]["names"] = json!([{ "text": CANARY, "kind": "passport" }]);
        })
        .await;
    api.add(api.organisation, |_| {}).await;
    let token = api
        .token("coordinator", &[ApiScope::CasesRead, ApiScope::CasesShare])
        .await;
    let t = Some(token.as_str());
    let unknown = CaseId::random();
    let foreign_reply = api
        .call(Method::GET, &format!("/cases/{foreign}"), t, None)
        .await;
    let unknown_reply = api
        .call(Method::GET, &format!("/cases/{unknown}"), t, None)
        .await;
    assert_eq!(foreign_reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        foreign_reply.text, unknown_reply.text,
        "indistinguishable from a case that does not exist"
    );
    let share = json!({ "organisation": api.other });
    for (method, path, body) in [
        (
            Method::POST,
            format!("/cases/{foreign}/shares"),
            Some(&share),
        ),
        (
            Method::DELETE,
            format!("/cases/{foreign}/shares/{}", api.organisation),
            None,
        ),
    ] {
        let reply = api.call(method.clone(), &path, t, body).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(reply.text, unknown_reply.text);
    }
    for (method, path, body) in [
        (Method::GET, "/cases".to_owned(), None),
        (
            Method::GET,
            format!("/cases?organisation={}", api.other),
            None,
        ),
        (
            Method::POST,
            "/cases/search".to_owned(),
            Some(json!({ "name": CANARY })),
        ),
        (Method::GET, "/dashboard".to_owned(), None),
    ] {
        let reply = api.call(method.clone(), &path, t, body.as_ref()).await;
        assert_eq!(reply.status, StatusCode::OK, "{method} {path}");
        assert!(!reply.text.contains(CANARY), "{method} {path}");
        assert!(
            !reply.text.contains(&foreign.to_string()),
            "{method} {path}"
        );
    }
    let log = api.log().await;
    assert!(
        log.iter().any(|e| e.event.action == AuditAction::CaseRead
            && e.event.outcome == AuditOutcome::Denied
            && e.event.case == Some(foreign)),
        "the refused read is audited"
    );
    assert!(log.iter().any(|e| e.event.action == AuditAction::CaseShared
        && e.event.outcome == AuditOutcome::Denied
        && e.event.case == Some(foreign)));
}

/// Every API route, every role (a token with every scope that gives the role something) and
/// a token lacking the route's scope, on a case of the caller's organisation and of another:
/// allowed exactly when the role table and the scope table both say so; each denial audited.
#[tokio::test]
async fn authorisation_matrix_every_route_every_role_every_missing_scope() {
    let api = Api::new().await;
    let own = api.add(api.organisation, |_| {}).await;
    let foreign = api.add(api.other, |_| {}).await;
    for &role in Role::ALL {
        let useful: Vec<ApiScope> = ApiScope::ALL
            .iter()
            .copied()
            .filter(|s| s.permissions().iter().any(|p| role.may(*p)))
            .collect();
        if useful.is_empty() {
            assert!(
                matches!(role, Role::Admin | Role::Sponsor),
                "{role} has no API scope"
            );
            let refused = api
                .corridor
                .create_api_token(
                    TokenAuthority::Operator,
                    ApiTokenRequest {
                        username: if role == Role::Admin {
                            "admin"
                        } else {
                            "sponsor"
                        }
                        .parse()
                        .expect("name"),
                        label: TokenLabel::new("matrix").expect("label"),
                        scopes: ApiScopes::new(ApiScope::ALL.iter().copied()).expect("scopes"),
                        lifetime: TokenLifetime::default(),
                    },
                    Utc::now(),
                )
                .await;
            assert!(
                refused.is_err(),
                "no token for a {role}: it could do nothing"
            );
            continue;
        }
        let (full, full_id) = api.token_and_id(role.as_str(), &useful).await;
        for route in ROUTES {
            let scope = ApiScope::covering(route.permission).expect("every route has a scope");
            let mut tokens = vec![(full.clone(), full_id, useful.contains(&scope))];
            let without: Vec<ApiScope> = useful.iter().copied().filter(|s| *s != scope).collect();
            if !without.is_empty() {
                let (token, id) = api.token_and_id(role.as_str(), &without).await;
                tokens.push((token, id, false));
            }
            for (token, token_id, has_scope) in tokens {
                let allowed = has_scope && role.may(route.permission);
                for (case, is_own) in [(own, true), (foreign, false)] {
                    if !route.path.contains("{id}") && !is_own {
                        continue;
                    }
                    let version = version_of(&api, case).await;
                    let (path, body) = matrix_request(&api, route, case, version);
                    let denials_before = denials(&api, token_id).await;
                    let reply = api
                        .call(route.method.clone(), &path, Some(&token), body.as_ref())
                        .await;
                    let what = format!("{role} {} {path} scope={has_scope}", route.method);
                    // Nothing is referred to the matrix's own organisation: a referral page is
                    // "not found" even where it is allowed (the tour reads a real one).
                    let unreferred = route.operation == Operation::GetReferral;
                    if allowed && is_own && !unreferred {
                        assert!(reply.status.is_success(), "{what}: {}", reply.text);
                    } else if !allowed {
                        assert_eq!(
                            reply.status,
                            StatusCode::FORBIDDEN,
                            "{what}: {}",
                            reply.text
                        );
                        assert_eq!(
                            denials(&api, token_id).await,
                            denials_before + 1,
                            "{what}: the denial is audited"
                        );
                    } else {
                        assert_eq!(
                            reply.status,
                            StatusCode::NOT_FOUND,
                            "{what}: {}",
                            reply.text
                        );
                    }
                }
            }
        }
    }
}

/// How many denials the audit log records for the token.
async fn denials(api: &Api, token: ApiTokenId) -> usize {
    api.log()
        .await
        .iter()
        .filter(|e| {
            e.event.outcome == AuditOutcome::Denied
                && e.event.actor == Actor::ApiToken(token.to_string())
        })
        .count()
}

/// Loads a one-entry list (KOROBOV, OFAC 21328) for screening.
pub fn load_a_list(api: &Api) {
    use corridor_screen::lists::{EntityKind, ListEntry, ListSource};
    let mut index = corridor_screen::screening::ListIndex::new();
    index.extend([ListEntry {
        birth_dates: vec!["1956-08-03".to_owned()],
        nationalities: vec!["Russia".to_owned()],
        programs: vec!["CAATSA - RUSSIA".to_owned()],
        ..ListEntry::new(
            ListSource::OfacSdn,
            "21328",
            EntityKind::Person,
            "KOROBOV, Igor Valentinovich",
        )
    }]);
    api.corridor.load_lists(index);
}

/// The case's current version (its `updated_at`), for an edit that should go through.
pub async fn version_of(api: &Api, case: CaseId) -> String {
    match api.corridor.case(case).await.expect("case") {
        corridor_app::CaseView::Live(case) => case.updated_at.to_rfc3339(),
        corridor_app::CaseView::Purged(_) => panic!("purged"),
    }
}

/// An edit body: `name` as the only name, from `version`.
pub fn update_body(version: &str, name: &str) -> Value {
    json!({
        "version": version,
        "details": {
            "program": "ca-public-policy-2026",
            "names": [{ "text": name, "kind": "native" }],
            "custody": "bond"
        }
    })
}

/// A request for `route` that succeeds when allowed: a real case, a valid body.
fn matrix_request(
    api: &Api,
    route: &ApiRoute,
    case: CaseId,
    version: String,
) -> (String, Option<Value>) {
    let path = route
        .path
        .replace("{id}", &case.to_string())
        .replace("{organisation}", &api.other.to_string());
    let body = match route.operation {
        Operation::CreateCase => Some(example(|_| {})),
        Operation::SearchCases => Some(json!({ "name": "Pustovoitova" })),
        Operation::ShareCase | Operation::ReferCase => Some(json!({ "organisation": api.other })),
        Operation::Match => Some(
            json!({"queries": {"q": {"schema": "Person", "properties": {"name": ["Nobody Listed"]}}}}),
        ),
        Operation::UpdateCase => Some(update_body(&version, "Matrix Edit")),
        Operation::ListCases
        | Operation::GetCase
        | Operation::UnshareCase
        | Operation::WithdrawReferral
        | Operation::ListReferrals
        | Operation::GetReferral
        | Operation::GetDashboard
        | Operation::CalendarFeed => None,
    };
    (path, body)
}

/// Only the route table makes routes: no `.route(` elsewhere in the API's sources.
#[test]
fn the_router_is_built_from_the_route_table_only() {
    let sources = [
        include_str!("../../src/api/mod.rs"),
        include_str!("../../src/api/cases.rs"),
        include_str!("../../src/api/sharing.rs"),
        include_str!("../../src/api/dashboard.rs"),
        include_str!("../../src/api/calendar.rs"),
        include_str!("../../src/api/auth.rs"),
        include_str!("../../src/api/body.rs"),
        include_str!("../../src/api/error.rs"),
        include_str!("../../src/api/routes.rs"),
    ];
    for source in sources {
        let routes = source.matches(".route(").count();
        assert!(
            routes == 0
                || source.contains(
                    "router.route(&format!(\"{VERSION}{}\", route.path), route.endpoint())"
                ),
            "a route outside ROUTES"
        );
        assert!(source.matches(".route(").count() <= 1);
    }
    assert_eq!(format!("{MOUNT}{VERSION}"), PREFIX);
    let lib = include_str!("../../src/lib.rs");
    assert_eq!(
        lib.matches("api::router(").count(),
        1,
        "the API is nested once"
    );
    let mut seen = std::collections::BTreeSet::new();
    for route in ROUTES {
        assert!(
            seen.insert((route.method.as_str(), route.path)),
            "{} {} twice",
            route.method,
            route.path
        );
        assert!(
            ApiScope::covering(route.permission).is_some(),
            "{} {} needs a permission no token can have",
            route.method,
            route.path
        );
    }
    assert!(
        ROUTES
            .iter()
            .all(|r| r.permission != Permission::ApiTokenManage),
        "tokens are managed from the command line"
    );
}

/// Log lines written while a test runs, at every level.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_canary_name_never_reaches_a_log_line_or_an_error_body() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let api = Api::new().await;
    let writer = api.token("caseworker", &[ApiScope::CasesWrite]).await;
    let reader = api.token("caseworker", &[ApiScope::CasesRead]).await;
    let with_canary = example(|v| {
        v["person"]["names"] = json!([{ "text": CANARY, "kind": "passport" }]);
        v["notes"] = CANARY.into();
    });
    let created = api
        .call(Method::POST, "/cases", Some(&writer), Some(&with_canary))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.json()["id"].as_str().expect("id").to_owned();
    let read = api
        .call(Method::GET, &format!("/cases/{id}"), Some(&reader), None)
        .await;
    assert!(
        read.text.contains(CANARY),
        "the case page's data, to its reader"
    );
    let search = json!({ "name": CANARY });
    let found = api
        .call(Method::POST, "/cases/search", Some(&reader), Some(&search))
        .await;
    assert_eq!(found.json()["total"], 1);

    let mut errors = Vec::new();
    let bad_bodies = [
        json!({ "name": [CANARY] }),
        json!({ "name": CANARY, CANARY: 1 }),
        json!({ "name": CANARY, "filters": { "stage": CANARY } }),
    ];
    for body in &bad_bodies {
        errors.push(
            api.call(Method::POST, "/cases/search", Some(&reader), Some(body))
                .await,
        );
    }
    errors.push(
        api.call(Method::POST, "/cases/search", Some(&writer), Some(&search))
            .await,
    );
    errors.push(
        api.call(
            Method::POST,
            "/cases",
            Some(&writer),
            Some(&example(|v| {
                v["person"]["names"] = json!([{ "text": CANARY, "kind": CANARY }]);
            })),
        )
        .await,
    );
    errors.push(
        api.call(Method::POST, "/cases", Some(&reader), Some(&with_canary))
            .await,
    );
    errors.push(
        api.call(Method::POST, "/cases/search", Some(CANARY), Some(&search))
            .await,
    );
    for reply in &errors {
        assert!(reply.status.is_client_error(), "{}", reply.text);
        assert!(!reply.text.contains(CANARY), "{}", reply.text);
        assert!(!reply.text.contains("Canarya"), "{}", reply.text);
    }

    let logs = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf-8");
    assert!(
        logs.contains("API token refused"),
        "the capture works: {logs}"
    );
    assert!(!logs.contains("Canarya"), "{logs}");
    assert!(
        !logs.contains(&reader) && !logs.contains(&writer),
        "no token in the logs"
    );
    let audit = format!("{:?}", api.log().await);
    assert!(!audit.contains("Canarya"));
}
