use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use corridor_app::{Corridor, programs};
use corridor_core::{CaseInput, OrgName};
use corridor_crypto::KdfParams;
use corridor_store::SqliteStore;
use http_body_util::BodyExt;
use tower::ServiceExt;

struct App {
    corridor: Arc<Corridor>,
    organisation: corridor_core::OrgId,
    _dir: tempfile::TempDir,
}

impl App {
    async fn new() -> App {
        let dir = tempfile::tempdir().expect("dir");
        let store = Arc::new(
            SqliteStore::open(&dir.path().join("corridor.db"))
                .await
                .expect("open"),
        );
        let (corridor, organisation) = Corridor::initialise(
            store,
            b"web tests",
            KdfParams::INSECURE_FAST_FOR_TESTS,
            OrgName::new("Web test organisation").expect("name"),
            programs::default_catalog(),
        )
        .await
        .expect("init");
        App {
            corridor: Arc::new(corridor),
            organisation: organisation.id,
            _dir: dir,
        }
    }

    async fn add(&self, edit: impl FnOnce(&mut serde_json::Value)) -> corridor_core::CaseId {
        let mut value: serde_json::Value =
            serde_json::from_str(include_str!("../../../../examples/case.json")).expect("json");
        edit(&mut value);
        let input = CaseInput::from_json(&value.to_string()).expect("valid");
        self.corridor
            .add_case(self.organisation, input)
            .await
            .expect("add")
    }

    async fn get(&self, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        let response = corridor_web::router(self.corridor.clone())
            .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
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
        (
            status,
            headers,
            String::from_utf8(body.to_vec()).expect("utf-8"),
        )
    }
}

#[tokio::test]
async fn the_list_shows_cases_and_filters_them() {
    let app = App::new().await;
    let detained = app.add(|_| {}).await;
    let paroled = app
        .add(|v| {
            v["person"]["names"] =
                serde_json::json!([{ "text": "Lev Paroledov", "kind": "passport" }]);
            v["us_status"]["custody"] = "parole".into();
            v["stage"] = "intake".into();
        })
        .await;

    let (status, _, body) = app.get("/cases").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Ярослава Глебовна Пустовойтова") && body.contains("Lev Paroledov"));
    assert!(
        body.contains(&format!("/cases/{detained}")) && body.contains(&format!("/cases/{paroled}"))
    );

    let (_, _, body) = app.get("/cases?custody=parole").await;
    assert!(
        body.contains("Lev Paroledov") && !body.contains("Пустовойтова"),
        "custody filter"
    );
    let (_, _, body) = app.get("/cases?stage=assessing").await;
    assert!(
        !body.contains("Lev Paroledov") && body.contains("Пустовойтова"),
        "stage filter"
    );
    let (_, _, body) = app.get("/cases?stage=arrived").await;
    assert!(body.contains("No cases match."));

    let (status, _, body) = app.get("/cases?stage=flying").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.contains("stage") && !body.contains("flying"),
        "names the filter, does not echo it"
    );

    let (status, _, _) = app.get("/").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_list_pages_through_many_cases() {
    let app = App::new().await;
    corridor_app::demo::seed(
        &app.corridor,
        app.organisation,
        120,
        1,
        chrono::Utc::now().date_naive(),
    )
    .await
    .expect("seed");
    let rows = |body: &str| body.matches("<tr>").count() - 1;
    let (_, _, first) = app.get("/cases").await;
    assert!(first.contains("page 1 of 3"), "three pages of 50");
    assert_eq!(rows(&first), 50);
    let (_, _, last) = app.get("/cases?page=3").await;
    assert_eq!(rows(&last), 20);
    assert!(last.contains("page=2") && !last.contains("next"));
}

#[tokio::test]
async fn the_case_page_shows_every_section_and_both_contradicting_claims() {
    let app = App::new().await;
    let id = app.add(|_| {}).await;
    let (status, headers, body) = app.get(&format!("/cases/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        "Ярослава Глебовна Пустовойтова",
        "Iaroslava Pustovoitova",
        "A-208-555-013",
        "BIA appeal",
        "Article 207.3",
        "Foreign agents register",
        "Timeline of claims",
        "contradicting reports",
        "Charged in absentia under article 207.3",
        "Case is still at the investigation stage",
        "Synthetic example case.",
    ] {
        assert!(
            body.contains(&html_escape(expected)),
            "case page lacks {expected:?}"
        );
    }
    let csp = headers
        .get("content-security-policy")
        .expect("CSP")
        .to_str()
        .expect("ascii");
    assert!(csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(
        headers.get("x-frame-options").map(|v| v.as_bytes()),
        Some(&b"DENY"[..])
    );
    assert_eq!(
        headers.get("referrer-policy").map(|v| v.as_bytes()),
        Some(&b"no-referrer"[..])
    );
    assert_eq!(
        headers.get("cache-control").map(|v| v.as_bytes()),
        Some(&b"no-store"[..])
    );
}

#[tokio::test]
async fn values_are_escaped() {
    let app = App::new().await;
    let id = app
        .add(|v| v["notes"] = "<script>alert('x')</script>".into())
        .await;
    let (_, _, body) = app.get(&format!("/cases/{id}")).await;
    assert!(!body.contains("<script>alert"), "notes are HTML-escaped");
    assert!(body.contains("alert("), "the text itself is shown");
}

#[tokio::test]
async fn unknown_malformed_and_purged_cases() {
    let app = App::new().await;
    let (status, _, _) = app
        .get(&format!("/cases/{}", corridor_core::CaseId::random()))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = app.get("/cases/not-an-id").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = app.get("/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let id = app.add(|_| {}).await;
    app.corridor.purge(id).await.expect("purge");
    let (status, _, body) = app.get(&format!("/cases/{id}")).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(body.contains("purged") && !body.contains("Пустовойтова"));
    let (_, _, list) = app.get("/cases").await;
    assert!(!list.contains(&id.to_string()));
}

#[test]
fn serve_accepts_only_loopback_addresses() {
    for ok in ["127.0.0.1:8080", "[::1]:8080", "127.0.0.2:1"] {
        let addr: SocketAddr = ok.parse().expect("addr");
        assert!(corridor_web::ensure_loopback(addr).is_ok(), "{ok}");
    }
    for refused in [
        "0.0.0.0:8080",
        "[::]:8080",
        "192.168.1.10:8080",
        "10.0.0.1:80",
    ] {
        let addr: SocketAddr = refused.parse().expect("addr");
        let err = corridor_web::ensure_loopback(addr).expect_err(refused);
        assert!(err.to_string().contains("loopback"), "{err}");
    }
}

#[tokio::test]
async fn bind_refuses_before_opening_a_socket() {
    let err = corridor_web::bind("0.0.0.0:0".parse().expect("addr"))
        .await
        .expect_err("refused");
    assert!(matches!(err, corridor_web::ServeError::NotLoopback(_)));
    let listener = corridor_web::bind("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("bind");
    assert!(listener.local_addr().expect("addr").ip().is_loopback());
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\'', "&#39;")
        .replace('"', "&#34;")
}
