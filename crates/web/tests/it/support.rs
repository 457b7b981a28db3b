//! The web tests' harness: an app with a real SQLite store, signed-in users, and requests
//! sent through the router as a browser would send them (no network needed).

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use corridor_app::{Corridor, programs};
use corridor_core::{CaseInput, OrgName};
use corridor_crypto::KdfParams;
use corridor_store::SqliteStore;
use http_body_util::BodyExt;
use tower::ServiceExt;

pub struct App {
    pub corridor: Arc<Corridor>,
    pub organisation: corridor_core::OrgId,
    /// The first administrator, who creates the other users.
    pub admin: corridor_app::Principal,
    /// The session cookie and CSRF token of a signed-in caseworker.
    pub cookie: String,
    pub csrf: String,
    /// The caseworker's unused recovery codes, for signing in again.
    pub recovery_codes: std::sync::Mutex<Vec<String>>,
    pub _dir: tempfile::TempDir,
}

pub const PASSWORD: &str = "a long enough test password";

impl App {
    pub async fn new() -> App {
        App::new_with(|_| {}).await
    }

    /// An app whose `Corridor` is configured further before it is shared.
    pub async fn new_with(configure: impl FnOnce(&mut Corridor)) -> App {
        let dir = tempfile::tempdir().expect("dir");
        let store = Arc::new(
            SqliteStore::open(&dir.path().join("corridor.db"))
                .await
                .expect("open"),
        );
        let (mut corridor, organisation) = Corridor::initialise(
            store,
            b"web tests",
            KdfParams::INSECURE_FAST_FOR_TESTS,
            OrgName::new("Web test organisation").expect("name"),
            programs::default_catalog(),
        )
        .await
        .expect("init");
        corridor.use_blob_store(corridor_blobs::BlobStore::local(dir.path()).expect("blobs"));
        configure(&mut corridor);
        let now = chrono::Utc::now();
        let admin = corridor
            .create_first_admin(organisation.id, "admin", PASSWORD, now)
            .await
            .expect("admin");
        let admin = corridor_app::Principal::of(&admin);
        corridor
            .create_user(
                &admin,
                organisation.id,
                "casey",
                corridor_core::Role::Caseworker,
                PASSWORD,
                now,
            )
            .await
            .expect("caseworker");
        let mut app = App {
            corridor: Arc::new(corridor),
            organisation: organisation.id,
            admin: admin.clone(),
            cookie: String::new(),
            csrf: String::new(),
            recovery_codes: Default::default(),
            _dir: dir,
        };
        let (cookie, csrf) = app.sign_in("casey").await;
        app.cookie = cookie;
        app.csrf = csrf;
        app
    }

    /// Signs in through the pages, enrolling TOTP on the way; returns the cookie and CSRF token.
    pub async fn sign_in(&self, username: &str) -> (String, String) {
        let (status, _, body) = self
            .request(
                "POST",
                "/login",
                Some(&login_form(username, PASSWORD)),
                Some(LOGIN_COOKIE),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let pending = between(&body, "name=\"pending\" value=\"", "\"");
        let secret = between(&body, "<code>", "</code>");
        let code = corridor_crypto::TotpSecret::from_base32(&secret)
            .expect("secret")
            .code_at(chrono::Utc::now().timestamp())
            .expect("code");
        let (status, headers, body) = self
            .request(
                "POST",
                "/login/enrol",
                Some(&format!("pending={pending}&code={}", code.as_str())),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains("recovery codes"));
        if username == "casey" {
            let codes: Vec<String> = body
                .split("<li><code>")
                .skip(1)
                .map(|piece| piece.split('<').next().expect("code").to_owned())
                .collect();
            assert_eq!(codes.len(), 10, "ten recovery codes shown once");
            *self.recovery_codes.lock().expect("lock") = codes;
        }
        let set_cookie = headers["set-cookie"].to_str().expect("ascii").to_owned();
        assert!(
            set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"),
            "{set_cookie}"
        );
        assert!(
            !set_cookie.contains("Secure"),
            "plain HTTP on loopback: not Secure"
        );
        let cookie = set_cookie.split(';').next().expect("pair").to_owned();
        let token = cookie.split_once('=').expect("pair").1;
        (cookie.clone(), corridor_web::auth::csrf_token(token))
    }

    pub async fn add(&self, edit: impl FnOnce(&mut serde_json::Value)) -> corridor_core::CaseId {
        let mut value: serde_json::Value =
            serde_json::from_str(include_str!("../../../../examples/case.json")).expect("json");
        edit(&mut value);
        let input = CaseInput::from_json(&value.to_string()).expect("valid");
        self.corridor
            .add_case(self.organisation, input)
            .await
            .expect("add")
    }

    pub async fn request(
        &self,
        method: &str,
        uri: &str,
        form: Option<&str>,
        cookie: Option<&str>,
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let body = form.map(|form| {
            (
                "application/x-www-form-urlencoded".to_owned(),
                Body::from(form.to_owned()),
            )
        });
        let (status, headers, body) = self.send(method, uri, body, cookie).await;
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    /// A signed-in GET whose body is bytes (a file, an image).
    pub async fn get_bytes(&self, uri: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        self.send("GET", uri, None, Some(&self.cookie)).await
    }

    /// A request with a body of any type (`(content type, body)`).
    pub async fn send(
        &self,
        method: &str,
        uri: &str,
        body: Option<(String, Body)>,
        cookie: Option<&str>,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let body = match body {
            Some((content_type, body)) => {
                request = request.header("content-type", content_type);
                body
            }
            None => Body::empty(),
        };
        let response = corridor_web::router(self.corridor.clone())
            .oneshot(request.body(body).expect("request"))
            .await
            .expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (status, headers, body.to_vec())
    }

    /// An evidence item added to `case` by the operator: of `kind`, with `details`, and the
    /// file `(name, bytes)` if any.
    pub async fn add_item(
        &self,
        case: corridor_core::CaseId,
        kind: corridor_core::EvidenceKind,
        details: corridor_core::EvidenceDetails,
        file: Option<(&str, &[u8])>,
    ) -> corridor_core::EvidenceId {
        let upload = file.map(|(name, bytes)| corridor_app::EvidenceUpload {
            name: corridor_core::FileName::new(name).expect("file name"),
            bytes,
        });
        self.corridor
            .add_evidence(
                corridor_app::Custodian::Operator,
                case,
                kind,
                details,
                upload,
            )
            .await
            .expect("add evidence")
    }

    /// A case that must be live, opened.
    pub async fn live_case(&self, id: corridor_core::CaseId) -> corridor_core::Case {
        match self.corridor.case(id).await.expect("case") {
            corridor_app::CaseView::Live(case) => *case,
            corridor_app::CaseView::Purged(_) => panic!("case {id} was purged"),
        }
    }

    /// A signed-in GET.
    pub async fn get(&self, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        self.request("GET", uri, None, Some(&self.cookie)).await
    }

    /// A signed-in form POST, with the CSRF token added.
    pub async fn post(&self, uri: &str, form: &str) -> (StatusCode, String) {
        let form = format!("csrf={}&{form}", self.csrf);
        let (status, _, body) = self
            .request("POST", uri, Some(&form), Some(&self.cookie))
            .await;
        (status, body)
    }
}

pub fn between(text: &str, start: &str, end: &str) -> String {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in page"))
        + start.len();
    let len = text[from..].find(end).expect("end");
    text[from..from + len].to_owned()
}

impl App {
    /// A second sign-in of the caseworker (already enrolled): password, then the current code.
    pub async fn sign_in_again(&self) -> (String, String) {
        let form = login_form("casey", PASSWORD);
        let (status, _, body) = self
            .request("POST", "/login", Some(&form), Some(LOGIN_COOKIE))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let pending = between(&body, "name=\"pending\" value=\"", "\"");
        // A recovery code: each signs in once (TOTP codes are single-use per 30-second step).
        let code = self
            .recovery_codes
            .lock()
            .expect("lock")
            .pop()
            .expect("a code left");
        let (status, headers, body) = self
            .request(
                "POST",
                "/login/totp",
                Some(&format!("pending={pending}&code={code}")),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        let cookie = headers["set-cookie"]
            .to_str()
            .expect("ascii")
            .split(';')
            .next()
            .expect("pair")
            .to_owned();
        let token = cookie.split_once('=').expect("pair").1;
        (cookie.clone(), corridor_web::auth::csrf_token(token))
    }
}

/// An anti-forgery cookie as the sign-in page sets it (any well-formed value will do: a page of
/// another site can neither read nor set it).
pub const LOGIN_COOKIE: &str =
    "corridor_form=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// The sign-in form's body, with the CSRF token that goes with [`LOGIN_COOKIE`].
pub fn login_form(username: &str, password: &str) -> String {
    let cookie_value = LOGIN_COOKIE.split_once('=').expect("pair").1;
    format!(
        "csrf={}&username={}&password={}",
        corridor_web::auth::form_csrf_token(cookie_value),
        urlencode(username),
        urlencode(password)
    )
}

pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

pub fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\'', "&#39;")
        .replace('"', "&#34;")
}
