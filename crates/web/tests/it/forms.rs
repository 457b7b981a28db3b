//! Intake and edit through the forms: the good path, every field refused with its own message
//! and everything typed kept, stale edits, and requests that are not forms at all.

use axum::http::StatusCode;
use corridor_core::{CaseId, Custody};
use corridor_store::CaseFilter;

use crate::support::{App, between, urlencode};

fn program(app: &App) -> String {
    app.corridor
        .programs()
        .iter()
        .next()
        .expect("a program")
        .slug
        .as_str()
        .to_owned()
}

/// A form body from pairs, each value urlencoded.
fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn live_cases(app: &App) -> u64 {
    app.corridor
        .count_cases(&CaseFilter::default())
        .await
        .expect("count")
}

/// The `data-field` of every inline error on a page.
fn faulty_fields(page: &str) -> Vec<String> {
    page.split("class=\"field-error\"")
        .skip(1)
        .map(|piece| between(piece, "data-field=\"", "\""))
        .collect()
}

#[tokio::test]
async fn intake_creates_a_case_and_opens_it() {
    let app = App::new().await;
    let (status, _, page) = app.get("/cases/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("name=\"name_text\"") && page.contains("name=\"csrf\""));

    let body = form(&[
        ("program", &program(&app)),
        ("name_text", "Аполлинария Приёмова"),
        ("name_kind", "native"),
        ("name_text", "Apollinariya Priyomova"),
        ("name_kind", "passport"),
        ("custody", "detained"),
        ("a_number", "A-208-555-777"),
        ("scheduled_removal", "2026-12-24"),
    ]);
    let (status, page) = app.post("/cases/new", &body).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let ids = app.corridor.search_names("Priyomova", 5);
    assert_eq!(ids.len(), 1);
    let (status, _, page) = app.get(&format!("/cases/{}", ids[0])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Аполлинария Приёмова") && page.contains("2026-12-24"));
    assert!(
        page.contains(&format!("/cases/{}/edit", ids[0])),
        "an edit link"
    );
}

#[tokio::test]
async fn a_refused_intake_keeps_everything_typed_and_names_each_faulty_field() {
    let app = App::new().await;
    let before = live_cases(&app).await;
    let program = program(&app);
    let typed = |birth_date: &str, email: &str, a_number: &str| {
        form(&[
            ("program", &program),
            ("name_text", "Евлампия Ошибкина"),
            ("name_kind", "native"),
            ("birth_date", birth_date),
            ("phone", "+1-555-0199"),
            ("email", email),
            ("a_number", a_number),
            ("custody", "detained"),
            ("notes", "Typed notes <kept> & escaped"),
        ])
    };
    let body = typed("31-12-1990", "not an address", "A-12");
    let (status, page) = app.post("/cases/new", &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(faulty_fields(&page), ["birth_date", "email", "a_number"]);
    assert!(
        page.contains("role=\"alert\""),
        "a notice says nothing was saved"
    );
    assert!(page.contains("aria-invalid=\"true\""));
    for typed in [
        "value=\"Евлампия Ошибкина\"",
        "value=\"31-12-1990\"",
        "value=\"+1-555-0199\"",
        "value=\"not an address\"",
        "value=\"A-12\"",
        "Typed notes &#60;kept&#62; &#38; escaped",
    ] {
        assert!(page.contains(typed), "the form keeps {typed}");
    }
    assert!(
        page.contains("<option value=\"detained\" selected>"),
        "choices stay chosen"
    );
    assert_eq!(live_cases(&app).await, before, "nothing stored");

    // The correction goes through.
    let fixed = typed("1990-12-31", "evlampia@example.org", "A-208-555-778");
    let (status, page) = app.post("/cases/new", &fixed).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(live_cases(&app).await, before + 1);
}

#[tokio::test]
async fn an_edit_saves_and_a_stale_one_is_refused_with_the_typing_kept() {
    let app = App::new().await;
    let id = app.add(|_| {}).await;
    let (status, _, page) = app.get(&format!("/cases/{id}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("value=\"Ярослава Глебовна Пустовойтова\""));
    let version = between(&page, "name=\"version\" value=\"", "\"");

    let edit = |name: &str, custody: &str, version: &str| {
        form(&[
            ("version", version),
            ("program", "ca-public-policy-2026"),
            ("name_text", name),
            ("name_kind", "native"),
            ("custody", custody),
        ])
    };
    let (status, page) = app
        .post(
            &format!("/cases/{id}/edit"),
            &edit("Ярослава Правленая", "bond", &version),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let case = app.live_case(id).await;
    assert_eq!(case.person.names.primary().text(), "Ярослава Правленая");
    assert_eq!(case.us_status.custody, Custody::Bond);
    assert_eq!(case.claims.len(), 3, "claims are not touched by the form");

    // The same version again: someone else's change came first.
    let (status, page) = app
        .post(
            &format!("/cases/{id}/edit"),
            &edit("Stale Overwrite", "detained", &version),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        page.contains("value=\"Stale Overwrite\""),
        "the typing is kept"
    );
    assert!(page.contains("role=\"alert\""));
    let after = app.live_case(id).await;
    assert_eq!(after.person.names.primary().text(), "Ярослава Правленая");

    // An invalid edit is refused field by field and changes nothing.
    let (status, page) = app
        .post(&format!("/cases/{id}/edit"), &edit("", "jail", &version))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(faulty_fields(&page), ["names.0", "custody"]);

    // A version that is not a time is a bad request, not a conflict.
    let (status, _) = app
        .post(
            &format!("/cases/{id}/edit"),
            &edit("Valid Name", "bond", "yesterday"),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn requests_that_are_not_forms_are_refused_before_anything_is_stored() {
    let app = App::new().await;
    let before = live_cases(&app).await;
    let valid = form(&[
        ("csrf", &app.csrf),
        ("program", &program(&app)),
        ("name_text", "Valid Name"),
        ("name_kind", "native"),
    ]);
    let send = |content_type: &'static str, body: String, with_csrf_cookie: bool| {
        let app = &app;
        async move {
            let mut request = axum::http::Request::builder()
                .method("POST")
                .uri("/cases/new")
                .header("content-type", content_type);
            if with_csrf_cookie {
                request = request.header("cookie", &app.cookie);
            }
            let response = tower::ServiceExt::oneshot(
                corridor_web::router(app.corridor.clone()),
                request.body(axum::body::Body::from(body)).expect("request"),
            )
            .await
            .expect("response");
            response.status()
        }
    };
    assert_eq!(
        send("application/json", valid.clone(), true).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(
        send(
            "application/x-www-form-urlencoded",
            valid.replace(&app.csrf, "0"),
            true
        )
        .await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(
            "application/x-www-form-urlencoded",
            format!("{valid}&notes={}", "x".repeat(corridor_web::MAX_BODY_BYTES)),
            true
        )
        .await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(
        send("application/x-www-form-urlencoded", valid.clone(), false).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(live_cases(&app).await, before, "nothing stored");
    assert_eq!(
        send("application/x-www-form-urlencoded", valid, true).await,
        StatusCode::SEE_OTHER,
        "the same form, well sent, is accepted"
    );
}

#[tokio::test]
async fn only_the_owning_organisation_edits_and_only_creators_open_intake() {
    let app = App::new().await;
    let id = app.add(|_| {}).await;
    let now = chrono::Utc::now();
    app.corridor
        .create_user(
            &app.admin,
            app.organisation,
            "veronika",
            corridor_core::Role::Verifier,
            crate::support::PASSWORD,
            now,
        )
        .await
        .expect("verifier");
    let (cookie, _) = app.sign_in("veronika").await;
    for uri in ["/cases/new".to_owned(), format!("/cases/{id}/edit")] {
        let (status, _, page) = app.request("GET", &uri, None, Some(&cookie)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{uri}");
        assert!(!page.contains("Pustovoitova") && !page.contains("Пустовойтова"));
    }
    let (status, _, _) = app.get(&format!("/cases/{}/edit", CaseId::random())).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "unknown case");
    let (status, _, _) = app.get("/cases/not-an-id/edit").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The public page's anti-forgery cookie and the CSRF token of its form.
async fn public_form(app: &App) -> (String, String, String) {
    let (status, headers, page) = app.request("GET", "/intake", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let set_cookie = headers["set-cookie"].to_str().expect("ascii").to_owned();
    assert!(
        set_cookie.starts_with("corridor_form=")
            && set_cookie.contains("HttpOnly")
            && set_cookie.contains("SameSite=Strict"),
        "{set_cookie}"
    );
    let cookie = set_cookie.split(';').next().expect("pair").to_owned();
    let csrf = between(&page, "name=\"csrf\" value=\"", "\"");
    (cookie, csrf, page)
}

fn self_referral(csrf: &str, organisation: &str, name: &str, birth_date: &str) -> String {
    form(&[
        ("csrf", csrf),
        ("organisation", organisation),
        ("name_text", name),
        ("name_kind", "native"),
        ("birth_date", birth_date),
        ("email", "self@example.org"),
        ("notes", "I was detained after a check-in."),
    ])
}

#[tokio::test]
async fn the_public_page_files_a_case_and_shows_nothing_back() {
    let app = App::new().await;
    let (cookie, csrf, page) = public_form(&app).await;
    assert!(
        page.contains("Web test organisation"),
        "organisations to choose"
    );
    assert!(
        !page.contains("/logout") && !page.contains("/cases"),
        "no staff navigation"
    );
    let before = live_cases(&app).await;

    let org = app.organisation.to_string();
    let body = self_referral(&csrf, &org, "Самообращенцева Фекла", "1988");
    let (status, _, reply) = app
        .request("POST", "/intake", Some(&body), Some(&cookie))
        .await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert!(!reply.contains("Самообращенцева") && !reply.contains("self@example.org"));
    assert_eq!(live_cases(&app).await, before + 1);
    let ids = app.corridor.search_names("Samoobrashchentseva", 5);
    assert_eq!(ids.len(), 1);
    let case = app.live_case(ids[0]).await;
    assert_eq!(case.organisation, app.organisation);
    assert_eq!(case.stage, corridor_core::Stage::Intake);
    let log = app
        .corridor
        .audit_log(
            &corridor_store::AuditFilter {
                action: Some(corridor_core::AuditAction::PublicIntake),
                ..Default::default()
            },
            corridor_store::Page::new(0, 10),
        )
        .await
        .expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].event.actor, corridor_core::Actor::Public);
    assert_eq!(log[0].event.case, Some(ids[0]));
}

#[tokio::test]
async fn the_public_page_refuses_forgeries_bad_fields_and_floods() {
    let app = App::new().await;
    let (cookie, csrf, _) = public_form(&app).await;
    let org = app.organisation.to_string();
    let before = live_cases(&app).await;
    let valid = self_referral(&csrf, &org, "Public Person", "1990");

    let (status, _, _) = app.request("POST", "/intake", Some(&valid), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no anti-forgery cookie");
    let (other_cookie, _, _) = public_form(&app).await;
    let (status, _, _) = app
        .request("POST", "/intake", Some(&valid), Some(&other_cookie))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a token of another cookie");
    let (status, _, _) = app
        .request("POST", "/intake", Some(&valid), Some(&app.cookie))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a session is no substitute");

    let bad = self_referral(
        &csrf,
        &corridor_core::OrgId::random().to_string(),
        "Public Person",
        "199",
    );
    let (status, _, page) = app
        .request("POST", "/intake", Some(&bad), Some(&cookie))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(faulty_fields(&page), ["organisation", "birth_date"]);
    assert!(page.contains("value=\"Public Person\"") && page.contains("value=\"199\""));
    assert_eq!(live_cases(&app).await, before, "nothing stored");

    // Five per address per hour by default; the sixth is refused and nothing is stored.
    for n in 0..5 {
        let (status, _, _) = app
            .request("POST", "/intake", Some(&valid), Some(&cookie))
            .await;
        assert_eq!(status, StatusCode::OK, "submission {n}");
    }
    let (status, _, page) = app
        .request("POST", "/intake", Some(&valid), Some(&cookie))
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!page.contains("Public Person"));
    assert_eq!(live_cases(&app).await, before + 5);
}
