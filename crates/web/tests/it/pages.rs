//! The pages, requested through the router as a browser would (no network needed), and the
//! rule that plain HTTP stays on loopback.

use std::net::SocketAddr;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use corridor_core::{CaseInput, OrgName};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::support::{App, LOGIN_COOKIE, PASSWORD, between, html_escape, login_form, urlencode};
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
}

#[tokio::test]
async fn name_search_is_a_post_and_finds_any_spelling() {
    let app = App::new().await;
    let id = app.add(|_| {}).await;
    app.add(|v| {
        v["person"]["names"] = serde_json::json!([{ "text": "Lev Paroledov", "kind": "passport" }])
    })
    .await;
    for term in ["Pustovoitova", "Пустовойтова", "yaroslava pustovoytova"] {
        let (status, body) = app
            .post("/cases/search", &format!("q={}", urlencode(term)))
            .await;
        assert_eq!(status, StatusCode::OK, "{term}");
        assert!(
            body.contains(&format!("/cases/{id}")) && !body.contains("Paroledov"),
            "{term}"
        );
        assert!(body.contains("Search results"));
    }
    let (_, body) = app.post("/cases/search", "q=Nobodyatall").await;
    assert!(body.contains("No cases match."));
    let (_, body) = app
        .post("/cases/search", "q=Pustovoitova&custody=parole")
        .await;
    assert!(body.contains("No cases match."), "filters narrow a search");
    let (status, _) = app.post("/cases/search", "q=x&stage=flying").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = app.get("/cases/search?q=Pustovoitova").await;
    assert_eq!(
        status,
        StatusCode::METHOD_NOT_ALLOWED,
        "the term never travels in a URL"
    );
    let big = format!("q={}", "a".repeat(corridor_web::MAX_BODY_BYTES + 10));
    let (status, _) = app.post("/cases/search", &big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_dashboard_counts_and_lists_what_is_coming() {
    let app = App::new().await;
    let today = chrono::Utc::now().date_naive();
    let soon = (today + chrono::Duration::days(5)).to_string();
    let later = (today + chrono::Duration::days(45)).to_string();
    let removal = app
        .add(|v| {
            v["us_status"]["proceedings"] = "final_order".into();
            v["us_status"]["final_order_date"] = "2026-01-05".into();
            v["us_status"]["scheduled_removal"] = soon.clone().into();
            v["person"]["names"] =
                serde_json::json!([{ "text": "Removal Soonova", "kind": "passport" }]);
        })
        .await;
    app.add(|v| {
        v["us_status"]["hearings"] =
            serde_json::json!([{ "date": soon.clone(), "kind": "master_calendar" }]);
        v["person"]["names"] =
            serde_json::json!([{ "text": "Hearing Soonov", "kind": "passport" }]);
    })
    .await;
    app.add(|v| {
        v["us_status"]["scheduled_removal"] = later.clone().into();
        v["person"]["names"] =
            serde_json::json!([{ "text": "Later Removalov", "kind": "passport" }]);
    })
    .await;
    let (status, _, body) = app.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("3 live cases"), "total");
    let urgent = body
        .split("Hearings, next 30 days")
        .next()
        .expect("sections");
    assert!(urgent.contains("Removal Soonova") && urgent.contains(&format!("/cases/{removal}")));
    assert!(!body.contains("Later Removalov"), "beyond 30 days");
    assert!(body.contains("Hearing Soonov") && body.contains("Master calendar"));
    assert!(
        body.contains("Assessing</a></th><td>3"),
        "counts by stage link to the list"
    );
}

#[test]
fn every_message_key_used_exists_and_every_domain_value_has_a_label() {
    let t = corridor_web::i18n::Translator::english();
    let templates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let sources = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut used = Vec::new();
    for dir in [templates, sources.clone(), sources.join("pages")] {
        for entry in std::fs::read_dir(dir).expect("dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read");
            for piece in text.split("t.get(\"").skip(1) {
                used.push((
                    path.display().to_string(),
                    piece.split('"').next().expect("key").to_owned(),
                ));
            }
        }
    }
    assert!(used.len() > 50, "found the keys in use: {}", used.len());
    for (file, key) in &used {
        assert!(t.has(key), "{file} uses missing message key {key}");
    }
    for (family, values) in [
        (
            "stage",
            corridor_core::Stage::ALL
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>(),
        ),
        (
            "custody",
            corridor_core::Custody::ALL
                .iter()
                .map(|v| v.as_str())
                .collect(),
        ),
        (
            "risk",
            corridor_core::RiskLevel::ALL
                .iter()
                .map(|v| v.as_str())
                .collect(),
        ),
        (
            "proceedings",
            corridor_core::ProceedingsStage::ALL
                .iter()
                .map(|v| v.as_str())
                .collect(),
        ),
        (
            "registry",
            corridor_core::Registry::ALL
                .iter()
                .map(|v| v.as_str())
                .collect(),
        ),
    ] {
        for value in values {
            assert!(
                t.has(&format!("{family}.{value}")),
                "no label for {family}.{value}"
            );
        }
    }
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
    assert!(first.contains("1 / 3"), "three pages of 50");
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
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"));
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
    assert!(body.contains("<script src=\"/assets/htmx.min.js\" defer></script>"));
    assert!(!body.contains("<script>"), "no inline script");
    let (status, headers, js) = app.get("/assets/htmx.min.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/javascript")
    );
    assert!(js.starts_with("var htmx="), "the vendored htmx");
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
fn plain_http_is_served_on_loopback_only() {
    let plain = corridor_web::WebOptions::default();
    let behind_tls = corridor_web::WebOptions {
        secure_cookies: true,
    };
    for ok in ["127.0.0.1:8080", "[::1]:8080", "127.0.0.2:1"] {
        let addr: SocketAddr = ok.parse().expect("addr");
        assert!(corridor_web::ensure_private(addr, plain).is_ok(), "{ok}");
    }
    for off_loopback in [
        "0.0.0.0:8080",
        "[::]:8080",
        "192.168.1.10:8080",
        "10.0.0.1:80",
    ] {
        let addr: SocketAddr = off_loopback.parse().expect("addr");
        let err = corridor_web::ensure_private(addr, plain).expect_err(off_loopback);
        assert!(err.to_string().contains("--behind-tls"), "{err}");
        assert!(
            corridor_web::ensure_private(addr, behind_tls).is_ok(),
            "{off_loopback} behind TLS"
        );
    }
}

#[tokio::test]
async fn bind_refuses_before_opening_a_socket() {
    let err = corridor_web::bind("0.0.0.0:0".parse().expect("addr"), Default::default())
        .await
        .expect_err("refused");
    assert!(matches!(
        err,
        corridor_web::ServeError::PlainHttpOffLoopback(_)
    ));
    let listener = corridor_web::bind("127.0.0.1:0".parse().expect("addr"), Default::default())
        .await
        .expect("bind");
    assert!(listener.local_addr().expect("addr").ip().is_loopback());
}

#[tokio::test]
async fn pages_need_a_session_and_forms_need_its_csrf_token() {
    let app = App::new().await;
    let (status, headers, _) = app.request("GET", "/cases", None, None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/login");
    let (status, _, _) = app
        .request("POST", "/cases/search", Some("q=x"), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = app
        .request("GET", "/cases", None, Some("corridor_session=forged"))
        .await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "a forged session is no session"
    );

    let cookie = Some(app.cookie.as_str());
    let (status, _, body) = app
        .request("POST", "/cases/search", Some("q=x"), cookie)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "missing CSRF token");
    assert!(body.contains("Form expired"));
    let (status, _, _) = app
        .request("POST", "/cases/search", Some("csrf=0000&q=x"), cookie)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "wrong CSRF token");
    let (other_cookie, _) = app.sign_in_again().await;
    let stolen = format!("csrf={}&q=x", app.csrf);
    let (status, _, _) = app
        .request("POST", "/cases/search", Some(&stolen), Some(&other_cookie))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "another session's token does not fit"
    );
}

#[tokio::test]
async fn the_sign_in_form_is_bound_to_its_anti_forgery_cookie() {
    let app = App::new().await;
    let (status, headers, page) = app.request("GET", "/login", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let set_cookie = headers["set-cookie"].to_str().expect("ascii");
    assert!(
        set_cookie.starts_with("corridor_form=") && set_cookie.contains("SameSite=Strict"),
        "{set_cookie}"
    );
    let cookie = set_cookie.split(';').next().expect("pair");
    let csrf = between(&page, "name=\"csrf\" value=\"", "\"");
    let form = |csrf: &str| {
        format!(
            "csrf={csrf}&username=casey&password={}",
            urlencode(PASSWORD)
        )
    };
    for (cookie, body) in [
        (None, form(&csrf)),
        (Some(cookie), form("0000")),
        (Some(LOGIN_COOKIE), form(&csrf)),
    ] {
        let (status, _, page) = app.request("POST", "/login", Some(&body), cookie).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a forged sign-in");
        assert!(!page.contains("name=\"pending\""), "no second step");
    }
    let (status, _, page) = app
        .request("POST", "/login", Some(&form(&csrf)), Some(cookie))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("name=\"pending\""), "on to the second factor");
}

#[tokio::test]
async fn wrong_and_unknown_logins_read_the_same() {
    let app = App::new().await;
    let (status, _, wrong) = app
        .request(
            "POST",
            "/login",
            Some(&login_form("casey", "nope-nope-nope")),
            Some(LOGIN_COOKIE),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, unknown) = app
        .request(
            "POST",
            "/login",
            Some(&login_form("nobody", "nope-nope-nope")),
            Some(LOGIN_COOKIE),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.contains("Wrong username or password.")
            && unknown.contains("Wrong username or password.")
    );
    assert!(
        !wrong.contains("nope-nope-nope"),
        "the password is not echoed"
    );
    assert!(wrong.contains("value=\"casey\""), "the username is kept");
}

#[tokio::test]
async fn other_organisations_cases_are_not_found_and_admins_read_no_cases() {
    let app = App::new().await;
    let other = corridor_core::Organisation {
        id: corridor_core::OrgId::random(),
        name: OrgName::new("Another organisation").expect("name"),
    };
    app.corridor
        .store()
        .insert_organisation(&other)
        .await
        .expect("org");
    let mut value: serde_json::Value =
        serde_json::from_str(include_str!("../../../../examples/case.json")).expect("json");
    value["person"]["names"] =
        serde_json::json!([{ "text": "Foreign Caseova", "kind": "passport" }]);
    let foreign = app
        .corridor
        .add_case(
            other.id,
            CaseInput::from_json(&value.to_string()).expect("valid"),
        )
        .await
        .expect("add");
    let own = app.add(|_| {}).await;
    let (status, _, body) = app.get(&format!("/cases/{foreign}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("Foreign Caseova"));
    let (_, _, list) = app.get("/cases").await;
    assert!(list.contains(&own.to_string()) && !list.contains("Foreign Caseova"));
    let (_, body) = app.post("/cases/search", "q=Caseova").await;
    assert!(
        !body.contains("Foreign Caseova"),
        "search sees only what the user may see"
    );
    let (_, _, dashboard) = app.get("/").await;
    assert!(
        dashboard.contains("1 live cases"),
        "the dashboard counts only visible cases"
    );

    let (admin_cookie, _) = app.sign_in("admin").await;
    let (status, _, _) = app
        .request("GET", "/cases", None, Some(&admin_cookie))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "admins manage users, not cases"
    );
    let (status, _, _) = app
        .request("GET", &format!("/cases/{own}"), None, Some(&admin_cookie))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn logout_ends_the_session_and_logout_everywhere_ends_them_all() {
    let app = App::new().await;
    let (second, second_csrf) = app.sign_in_again().await;
    let (status, headers, _) = app
        .request(
            "POST",
            "/logout",
            Some(&format!("csrf={}", app.csrf)),
            Some(&app.cookie),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        headers["set-cookie"]
            .to_str()
            .expect("ascii")
            .contains("Max-Age=0")
    );
    let (status, _, _) = app.get("/cases").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the first session is over");
    let (status, _, _) = app.request("GET", "/cases", None, Some(&second)).await;
    assert_eq!(status, StatusCode::OK, "the other session lives");
    let (third, _) = app.sign_in_again().await;
    app.request(
        "POST",
        "/logout/everywhere",
        Some(&format!("csrf={second_csrf}")),
        Some(&second),
    )
    .await;
    for cookie in [&second, &third] {
        let (status, _, _) = app.request("GET", "/cases", None, Some(cookie)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "every session is over");
    }
}

#[tokio::test]
async fn every_look_at_a_case_and_every_refusal_leaves_a_trace() {
    use corridor_core::{AuditAction, AuditOutcome};
    use corridor_store::{AuditFilter, Page};
    let app = App::new().await;
    let id = app.add(|_| {}).await;
    app.get(&format!("/cases/{id}")).await;
    app.get("/cases").await;
    app.post("/cases/search", "q=Pustovoitova").await;
    let foreign = corridor_core::CaseId::random();
    app.get(&format!("/cases/{foreign}")).await;
    app.request(
        "POST",
        "/cases/search",
        Some("csrf=forged&q=x"),
        Some(&app.cookie),
    )
    .await;
    app.request(
        "POST",
        "/login",
        Some(&login_form("casey", "wrong-password-here")),
        Some(LOGIN_COOKIE),
    )
    .await;

    let log = app
        .corridor
        .audit_log(&AuditFilter::default(), Page::ALL)
        .await
        .expect("log");
    let has = |action: AuditAction, outcome: AuditOutcome, case: Option<corridor_core::CaseId>| {
        log.iter().any(|e| {
            e.event.action == action
                && e.event.outcome == outcome
                && (case.is_none() || e.event.case == case)
        })
    };
    assert!(has(
        AuditAction::LoginSucceeded,
        AuditOutcome::Allowed,
        None
    ));
    assert!(has(AuditAction::TotpEnrolled, AuditOutcome::Allowed, None));
    assert!(
        has(AuditAction::CaseRead, AuditOutcome::Allowed, Some(id)),
        "the case page read"
    );
    assert!(has(AuditAction::CaseListed, AuditOutcome::Allowed, None));
    assert!(has(AuditAction::CaseSearched, AuditOutcome::Allowed, None));
    assert!(
        has(AuditAction::CaseRead, AuditOutcome::Denied, Some(foreign)),
        "the refused read"
    );
    assert!(
        has(AuditAction::AccessDenied, AuditOutcome::Denied, None),
        "the forged form"
    );
    assert!(has(AuditAction::LoginFailed, AuditOutcome::Failed, None));
    let text = format!("{log:?}");
    assert!(
        !text.contains("Pustovoitova") && !text.contains("wrong-password-here"),
        "no names, terms or passwords"
    );
    let summary = app
        .corridor
        .verify_audit()
        .await
        .expect("the chain is intact");
    assert_eq!(summary.entries, log.len() as u64);
}

/// Every signed-in route, with the permission it needs. A route added to the router but not
/// here fails `the_matrix_lists_every_route`.
const ROUTES: &[(&str, &str, Option<corridor_core::Permission>)] = &[
    // Everyone has a start page: the dashboard, or a redirect to their own.
    ("GET", "/", None),
    ("GET", "/cases", Some(corridor_core::Permission::CaseList)),
    (
        "POST",
        "/cases/search",
        Some(corridor_core::Permission::CaseSearch),
    ),
    (
        "GET",
        "/cases/new",
        Some(corridor_core::Permission::CaseCreate),
    ),
    (
        "POST",
        "/cases/new",
        Some(corridor_core::Permission::CaseCreate),
    ),
    (
        "GET",
        "/cases/{id}",
        Some(corridor_core::Permission::CaseRead),
    ),
    (
        "GET",
        "/cases/{id}/edit",
        Some(corridor_core::Permission::CaseEdit),
    ),
    (
        "POST",
        "/cases/{id}/edit",
        Some(corridor_core::Permission::CaseEdit),
    ),
    (
        "POST",
        "/cases/{id}/share",
        Some(corridor_core::Permission::CaseShare),
    ),
    (
        "POST",
        "/cases/{id}/unshare",
        Some(corridor_core::Permission::CaseShare),
    ),
    (
        "POST",
        "/cases/{id}/refer",
        Some(corridor_core::Permission::ReferralManage),
    ),
    (
        "POST",
        "/cases/{id}/withdraw-referral",
        Some(corridor_core::Permission::ReferralManage),
    ),
    (
        "GET",
        "/referrals",
        Some(corridor_core::Permission::ReferralRead),
    ),
    (
        "GET",
        "/cases/{id}/evidence",
        Some(corridor_core::Permission::CaseEdit),
    ),
    // The matrix's urlencoded form is no upload: an allowed user gets 415 for it.
    (
        "POST",
        "/cases/{id}/evidence",
        Some(corridor_core::Permission::CaseEdit),
    ),
    (
        "GET",
        "/evidence/{evidence}",
        Some(corridor_core::Permission::CaseRead),
    ),
    (
        "GET",
        "/evidence/{evidence}/preview/{page}",
        Some(corridor_core::Permission::CaseRead),
    ),
    (
        "GET",
        "/evidence/{evidence}/file",
        Some(corridor_core::Permission::CaseRead),
    ),
    (
        "POST",
        "/evidence/{evidence}/review",
        Some(corridor_core::Permission::EvidenceVerify),
    ),
    (
        "POST",
        "/evidence/{evidence}/cite",
        Some(corridor_core::Permission::CaseEdit),
    ),
    // The matrix's item is a PDF: an allowed user is told no copy is made of it (422).
    (
        "POST",
        "/evidence/{evidence}/strip",
        Some(corridor_core::Permission::CaseEdit),
    ),
    (
        "GET",
        "/screening/alerts",
        Some(corridor_core::Permission::ScreeningReview),
    ),
    (
        "GET",
        "/screening/alerts/{alert}",
        Some(corridor_core::Permission::ScreeningReview),
    ),
    (
        "POST",
        "/screening/alerts/{alert}",
        Some(corridor_core::Permission::ScreeningReview),
    ),
    (
        "GET",
        "/screening/gaps",
        Some(corridor_core::Permission::ScreeningRun),
    ),
    (
        "GET",
        "/screening/gaps.csv",
        Some(corridor_core::Permission::ScreeningRun),
    ),
    // The matrix's case has no flag raised: an allowed user is told so (422).
    (
        "POST",
        "/cases/{id}/flags",
        Some(corridor_core::Permission::LegalReview),
    ),
    (
        "POST",
        "/cases/{id}/scores",
        Some(corridor_core::Permission::ReferralManage),
    ),
    (
        "POST",
        "/cases/{id}/referral",
        Some(corridor_core::Permission::ReferralManage),
    ),
    // The matrix's case is not referable (no verified evidence): an allowed user is told so
    // (422). It has no dossier, so the download is not found for anyone; the dossier flow
    // has its own tests.
    (
        "POST",
        "/cases/{id}/dossier",
        Some(corridor_core::Permission::ReferralManage),
    ),
    (
        "GET",
        "/cases/{id}/dossiers/{version}/{part}",
        Some(corridor_core::Permission::ReferralManage),
    ),
    (
        "GET",
        "/triage",
        Some(corridor_core::Permission::ReferralManage),
    ),
    (
        "GET",
        "/triage.csv",
        Some(corridor_core::Permission::ReferralManage),
    ),
    // Nothing is referred to the matrix's organisation: every referral page is denied here;
    // the referral flow has its own test.
    (
        "GET",
        "/referrals/{id}",
        Some(corridor_core::Permission::ReferralRead),
    ),
    (
        "GET",
        "/admin/audit",
        Some(corridor_core::Permission::AuditRead),
    ),
    (
        "GET",
        "/admin/users",
        Some(corridor_core::Permission::UserManage),
    ),
    (
        "POST",
        "/admin/users",
        Some(corridor_core::Permission::UserManage),
    ),
    (
        "POST",
        "/admin/users/{user}",
        Some(corridor_core::Permission::UserManage),
    ),
    (
        "GET",
        "/admin/organisations",
        Some(corridor_core::Permission::OrganisationManage),
    ),
    (
        "POST",
        "/admin/organisations",
        Some(corridor_core::Permission::OrganisationManage),
    ),
    // The matrix's case is not removed: an allowed user is told so (422).
    (
        "POST",
        "/cases/{id}/check-ins",
        Some(corridor_core::Permission::WatchManage),
    ),
    // The matrix's form is empty: an allowed user is told which field is missing (422).
    (
        "POST",
        "/cases/{id}/field-reports",
        Some(corridor_core::Permission::WatchManage),
    ),
    ("GET", "/watch", Some(corridor_core::Permission::CaseList)),
    // The matrix's form names no current alert: an allowed user is told it is not found.
    (
        "POST",
        "/watch/acknowledge",
        Some(corridor_core::Permission::WatchManage),
    ),
    (
        "POST",
        "/watch/assign",
        Some(corridor_core::Permission::WatchManage),
    ),
    (
        "GET",
        "/calendar",
        Some(corridor_core::Permission::CalendarRead),
    ),
    ("GET", "/flights", Some(corridor_core::Permission::CaseList)),
    // The matrix's form is empty: an allowed user is told which field is missing (422).
    (
        "POST",
        "/flights",
        Some(corridor_core::Permission::WatchManage),
    ),
    // No flight exists in the matrix: not found for everyone; flights have their own tests.
    (
        "GET",
        "/flights/{id}",
        Some(corridor_core::Permission::CaseList),
    ),
    (
        "POST",
        "/flights/{id}/reports",
        Some(corridor_core::Permission::WatchManage),
    ),
    (
        "GET",
        "/reports/aggregate",
        Some(corridor_core::Permission::ReportExport),
    ),
    (
        "GET",
        "/reports/aggregate.csv",
        Some(corridor_core::Permission::ReportExport),
    ),
    ("POST", "/logout", None),
    ("POST", "/logout/everywhere", None),
];

#[test]
fn the_matrix_lists_every_route() {
    let router = include_str!("../../src/lib.rs");
    let public = [
        "/login",
        "/login/totp",
        "/login/enrol",
        "/intake",
        "/assets/style.css",
        "/assets/htmx.min.js",
        "/healthz",
    ];
    for piece in router.split(".route(\"").skip(1) {
        let path = piece.split('"').next().expect("path");
        assert!(
            public.contains(&path) || ROUTES.iter().any(|(_, p, _)| *p == path),
            "route {path} is missing from the authorisation matrix"
        );
    }
}

#[tokio::test]
async fn authorisation_matrix_every_route_every_role_own_and_other_organisation() {
    use corridor_core::Role;
    let app = App::new().await;
    let now = chrono::Utc::now();
    let admin = app.admin.clone();
    let other = corridor_core::Organisation {
        id: corridor_core::OrgId::random(),
        name: OrgName::new("Other organisation").expect("name"),
    };
    app.corridor
        .store()
        .insert_organisation(&other)
        .await
        .expect("org");
    // Lists that name the example's person, so that each case raises a screening alert.
    let mut lists = corridor_screen::screening::ListIndex::new();
    lists.extend([corridor_screen::lists::ListEntry::new(
        corridor_screen::lists::ListSource::OfacSdn,
        "M1",
        corridor_screen::lists::EntityKind::Person,
        "PUSTOVOITOVA, Iaroslava",
    )]);
    app.corridor.update_lists(lists).await.expect("lists");
    let own_case = app.add(|_| {}).await;
    let other_case = app
        .corridor
        .add_case(
            other.id,
            CaseInput::from_json(include_str!("../../../../examples/case.json")).expect("valid"),
        )
        .await
        .expect("add");

    let alert_of = |case| {
        let store = app.corridor.store().clone();
        async move {
            store
                .screening_alerts(&corridor_store::AlertFilter {
                    case: Some(case),
                    ..Default::default()
                })
                .await
                .expect("alerts")[0]
                .id
        }
    };
    let (own_alert, other_alert) = (alert_of(own_case).await, alert_of(other_case).await);
    let statement = corridor_app::sample_pdf::sample_pdf(&["A statement."]);
    let evidence_of = |case| {
        app.add_item(
            case,
            corridor_core::EvidenceKind::Testimony,
            corridor_core::EvidenceDetails::default(),
            Some(("statement.pdf", &statement)),
        )
    };
    let (own_evidence, other_evidence) =
        (evidence_of(own_case).await, evidence_of(other_case).await);
    let own_user = app
        .corridor
        .create_user(
            &admin,
            app.organisation,
            "matrix-target",
            Role::Caseworker,
            PASSWORD,
            now,
        )
        .await
        .expect("user")
        .id;
    let other_user = app
        .corridor
        .create_user_as_operator(other.id, "matrix-other", Role::Caseworker, PASSWORD, now)
        .await
        .expect("user")
        .id;
    for &role in Role::ALL {
        let username = format!("matrix-{}", role.as_str().replace('_', "-"));
        app.corridor
            .create_user(&admin, app.organisation, &username, role, PASSWORD, now)
            .await
            .expect("user");
        let (cookie, csrf) = app.sign_in(&username).await;
        for &(method, path, permission) in ROUTES {
            if path.starts_with("/logout") {
                continue; // ends the session; covered by the logout test
            }
            let allowed = permission.is_none_or(|p| role.may(p));
            let path = &path
                .replace("{page}", "1")
                .replace("{version}", "1")
                .replace("{part}", "pdf");
            let targets: Vec<(String, bool)> = if path.contains("{user}") {
                vec![
                    (path.replace("{user}", &own_user.to_string()), allowed),
                    (path.replace("{user}", &other_user.to_string()), false),
                ]
            } else if path.contains("{evidence}") {
                vec![
                    (
                        path.replace("{evidence}", &own_evidence.to_string()),
                        allowed,
                    ),
                    (
                        path.replace("{evidence}", &other_evidence.to_string()),
                        false,
                    ),
                ]
            } else if path.contains("{alert}") {
                vec![
                    (path.replace("{alert}", &own_alert.to_string()), allowed),
                    (path.replace("{alert}", &other_alert.to_string()), false),
                ]
            } else if path.contains("{id}") {
                // No referral, dossier or flight exists with the case's id: not found for
                // everyone.
                let own_allowed = allowed
                    && !path.starts_with("/referrals/")
                    && !path.contains("/dossiers/")
                    && !path.starts_with("/flights/");
                vec![
                    (path.replace("{id}", &own_case.to_string()), own_allowed),
                    (path.replace("{id}", &other_case.to_string()), false),
                ]
            } else {
                vec![(path.to_owned(), allowed)]
            };
            for (uri, expect_allowed) in targets {
                let form = format!(
                    "csrf={csrf}&q=Pustovoitova&organisation={}&action=enable",
                    other.id
                );
                let body = (method == "POST").then_some(form.as_str());
                let (status, _, page) = app.request(method, &uri, body, Some(&cookie)).await;
                if expect_allowed {
                    // Allowed: served, redirected, or (the matrix's form being no case form)
                    // refused field by field after the access check passed.
                    assert!(
                        status == StatusCode::OK
                            || status == StatusCode::SEE_OTHER
                            || status == StatusCode::UNPROCESSABLE_ENTITY
                            || status == StatusCode::UNSUPPORTED_MEDIA_TYPE,
                        "{role:?} {method} {uri} should be allowed, got {status}"
                    );
                } else {
                    assert!(
                        status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
                        "{role:?} {method} {uri} should be denied, got {status}"
                    );
                    assert!(
                        !page.contains("Pustovoitova"),
                        "{role:?} {uri}: nothing of the case leaks"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn admins_read_the_audit_log_filtered_by_user_case_or_action() {
    let app = App::new().await;
    let id = app.add(|_| {}).await;
    app.get(&format!("/cases/{id}")).await;
    let (admin_cookie, _) = app.sign_in("admin").await;
    // The rows only: the action drop-down names every action.
    let get = |uri: String| {
        let cookie = admin_cookie.clone();
        let app = &app;
        async move {
            let (status, headers, page) = app.request("GET", &uri, None, Some(&cookie)).await;
            let rows = page.split("<tbody>").nth(1).unwrap_or(&page).to_owned();
            (status, headers, rows)
        }
    };
    let (status, _, all) = get("/admin/audit".to_owned()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(all.contains("case_read") && all.contains("login_succeeded"));
    let (_, _, by_case) = get(format!("/admin/audit?case={id}")).await;
    assert!(by_case.contains("case_read") && !by_case.contains("login_succeeded"));
    let (_, _, by_action) = get("/admin/audit?action=totp_enrolled".to_owned()).await;
    assert!(by_action.contains("totp_enrolled") && !by_action.contains("case_read"));
    let casey = app
        .corridor
        .store()
        .user_by_username(&"casey".parse().expect("name"))
        .await
        .expect("read")
        .expect("casey");
    let (_, _, by_user) = get(format!("/admin/audit?user={}", casey.user.id)).await;
    assert!(by_user.contains("case_read") && by_user.contains(&casey.user.id.to_string()));
    let (status, _, bad) = get("/admin/audit?action=teleport".to_owned()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(bad.contains("action") && !bad.contains("teleport"));
    let (status, _, _) = app.get("/admin/audit").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a caseworker does not read the audit log"
    );
}

#[tokio::test]
async fn behind_tls_the_session_cookie_is_secure() {
    let app = App::new().await;
    let router = corridor_web::router_with(
        app.corridor.clone(),
        corridor_web::WebOptions {
            secure_cookies: true,
        },
    );
    let form = login_form("casey", PASSWORD);
    let request = Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", LOGIN_COOKIE)
        .body(Body::from(form))
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("response");
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let pending = between(
        &String::from_utf8_lossy(&body),
        "name=\"pending\" value=\"",
        "\"",
    );
    let code = app
        .recovery_codes
        .lock()
        .expect("lock")
        .pop()
        .expect("code");
    let request = Request::post("/login/totp")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("pending={pending}&code={code}")))
        .expect("request");
    let response = router.oneshot(request).await.expect("response");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        cookie.contains("; Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}

#[tokio::test]
async fn a_coordinator_shares_a_case_and_revokes_it_and_both_are_audited() {
    use corridor_core::{AuditAction, Role};
    use corridor_store::{AuditFilter, Page};
    let app = App::new().await;
    let now = chrono::Utc::now();
    let admin = app.admin.clone();
    let partner = app
        .corridor
        .create_organisation(&admin, OrgName::new("Partner group").expect("name"))
        .await
        .expect("org");
    app.corridor
        .create_user(
            &admin,
            app.organisation,
            "coord",
            Role::Coordinator,
            PASSWORD,
            now,
        )
        .await
        .expect("user");
    app.corridor
        .create_user(
            &admin,
            partner.id,
            "partner",
            Role::Caseworker,
            PASSWORD,
            now,
        )
        .await
        .expect("user");
    let id = app.add(|_| {}).await;
    let (coord, coord_csrf) = app.sign_in("coord").await;
    let (partner_cookie, _) = app.sign_in("partner").await;

    let (_, _, page) = app
        .request("GET", &format!("/cases/{id}"), None, Some(&coord))
        .await;
    assert!(
        page.contains("not shared with any other organisation") && page.contains("Partner group")
    );
    let (status, _, _) = app
        .request("GET", &format!("/cases/{id}"), None, Some(&partner_cookie))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let form = format!("csrf={coord_csrf}&organisation={}", partner.id);
    let (status, headers, _) = app
        .request(
            "POST",
            &format!("/cases/{id}/share"),
            Some(&form),
            Some(&coord),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], format!("/cases/{id}"));
    let (status, _, page) = app
        .request("GET", &format!("/cases/{id}"), None, Some(&partner_cookie))
        .await;
    assert_eq!(status, StatusCode::OK, "the partner now sees the case");
    assert!(
        page.contains("Pustovoitova") && !page.contains("Stop sharing"),
        "but may not reshare it"
    );
    let (status, _, _) = app
        .request(
            "POST",
            &format!("/cases/{id}/unshare"),
            Some(&form),
            Some(&coord),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = app
        .request("GET", &format!("/cases/{id}"), None, Some(&partner_cookie))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "revoked");

    let bad = format!("csrf={coord_csrf}&organisation=not-an-id");
    let (status, _, _) = app
        .request(
            "POST",
            &format!("/cases/{id}/share"),
            Some(&bad),
            Some(&coord),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let own = format!("csrf={coord_csrf}&organisation={}", app.organisation);
    let (status, _, _) = app
        .request(
            "POST",
            &format!("/cases/{id}/share"),
            Some(&own),
            Some(&coord),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a case is always its own organisation's"
    );

    let log = app
        .corridor
        .audit_log(
            &AuditFilter {
                case: Some(id),
                ..AuditFilter::default()
            },
            Page::ALL,
        )
        .await
        .expect("log");
    for action in [AuditAction::CaseShared, AuditAction::CaseShareRevoked] {
        let entry = log
            .iter()
            .find(|e| e.event.action == action)
            .expect("audited");
        assert_eq!(
            entry.event.subject.as_deref(),
            Some(partner.id.to_string().as_str())
        );
    }
}
