//! The screening review queue's pages: the queue, an alert, and the decision form's good and
//! bad paths.

use axum::http::StatusCode;
use corridor_core::{AlertStatus, Role};
use corridor_screen::lists::{EntityKind, ListEntry, ListSource};
use corridor_screen::screening::ListIndex;
use corridor_store::AlertFilter;

use crate::support::{App, PASSWORD};

/// An app with an analyst signed in and one case that the loaded list may name; returns the
/// analyst's cookie and CSRF token and the alert's id.
async fn with_alert() -> (App, String, String, String) {
    let app = App::new().await;
    let mut index = ListIndex::new();
    index.extend([ListEntry {
        birth_dates: vec!["1991-06".to_owned()],
        programs: vec!["RUSSIA-EO14024".to_owned()],
        ..ListEntry::new(
            ListSource::OfacSdn,
            "W1",
            EntityKind::Person,
            "PUSTOVOITOVA, Iaroslava <b>Glebovna</b>",
        )
    }]);
    app.corridor.update_lists(index).await.expect("lists");
    let case = app.add(|_| {}).await;
    app.corridor
        .create_user(
            &app.admin,
            app.organisation,
            "ana",
            Role::Analyst,
            PASSWORD,
            chrono::Utc::now(),
        )
        .await
        .expect("analyst");
    let (cookie, csrf) = app.sign_in("ana").await;
    let alerts = app
        .corridor
        .store()
        .screening_alerts(&AlertFilter {
            case: Some(case),
            ..AlertFilter::default()
        })
        .await
        .expect("alerts");
    assert_eq!(alerts.len(), 1, "adding the case raised one alert");
    let id = alerts[0].id.to_string();
    (app, cookie, csrf, id)
}

async fn stored(app: &App, id: &str) -> corridor_store::AlertRow {
    app.corridor
        .store()
        .screening_alert(id.parse().expect("id"))
        .await
        .expect("read")
        .expect("alert")
}

async fn status_of(app: &App, id: &str) -> AlertStatus {
    stored(app, id).await.status
}

async fn case_of(app: &App, id: &str) -> corridor_core::CaseId {
    stored(app, id).await.case_id
}

#[tokio::test]
async fn an_analyst_reviews_the_queue_and_decides_with_a_reason() {
    let (app, cookie, csrf, id) = with_alert().await;

    let (status, _, home) = app.request("GET", "/", None, Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        home.contains("href=\"/screening/alerts\""),
        "in the analyst's navigation"
    );
    let (_, _, casey_home) = app.get("/").await;
    assert!(
        !casey_home.contains("href=\"/screening/alerts\""),
        "not a caseworker's"
    );

    let (status, _, queue) = app
        .request("GET", "/screening/alerts", None, Some(&cookie))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        queue.contains(&format!("href=\"/screening/alerts/{id}\"")),
        "{queue}"
    );
    assert!(queue.contains("Ярослава Глебовна Пустовойтова"));
    assert!(
        queue.contains("&#60;b&#62;Glebovna&#60;/b&#62;") && !queue.contains("<b>Glebovna"),
        "a listed name is text, never markup"
    );

    let (status, _, page) = app
        .request(
            "GET",
            &format!("/screening/alerts/{id}"),
            None,
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("the same word"), "the explanation is shown");
    assert!(page.contains("birth date agrees"));
    assert!(
        page.contains("name=\"verdict\""),
        "the decision form, while pending"
    );

    // The caseworker's case page says an analyst has something to decide.
    let case = case_of(&app, &id).await;
    let (_, _, case_page) = app.get(&format!("/cases/{case}")).await;
    assert!(case_page.contains("wait for an analyst"), "{case_page}");
    assert!(
        !case_page.contains("href=\"/screening/alerts\""),
        "no link for a caseworker"
    );

    // Nothing chosen and no reason: both fields say what is wrong; nothing is decided.
    let uri = format!("/screening/alerts/{id}");
    let (status, _, page) = app
        .request(
            "POST",
            &uri,
            Some(&format!("csrf={csrf}&reason=+++")),
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("data-field=\"verdict\""), "{page}");
    assert!(page.contains("data-field=\"reason\""), "{page}");
    assert_eq!(status_of(&app, &id).await, AlertStatus::Pending);

    // A verdict the form does not offer, with a reason: the reason is kept as typed.
    let (status, _, page) = app
        .request(
            "POST",
            &uri,
            Some(&format!("csrf={csrf}&verdict=maybe&reason=Born+in+Omsk")),
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains(">Born in Omsk</textarea>"), "{page}");
    assert!(!page.contains("data-field=\"reason\""));

    // Without the CSRF token: refused before anything is read.
    let (status, _, _) = app
        .request("POST", &uri, Some("verdict=match&reason=x"), Some(&cookie))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(status_of(&app, &id).await, AlertStatus::Pending);

    let (status, headers, _) = app
        .request(
            "POST",
            &uri,
            Some(&format!(
                "csrf={csrf}&verdict=no_match&reason=Different+birth+date+and+city"
            )),
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/screening/alerts");
    assert_eq!(status_of(&app, &id).await, AlertStatus::NoMatch);
    let (_, _, case_page) = app.get(&format!("/cases/{case}")).await;
    assert!(!case_page.contains("wait for an analyst") && !case_page.contains("confirmed"));

    let (_, _, pending) = app
        .request("GET", "/screening/alerts", None, Some(&cookie))
        .await;
    assert!(!pending.contains(&id), "no longer pending");
    let (_, _, decided) = app
        .request(
            "GET",
            "/screening/alerts?status=no_match",
            None,
            Some(&cookie),
        )
        .await;
    assert!(decided.contains(&id));
    let (_, _, page) = app.request("GET", &uri, None, Some(&cookie)).await;
    assert!(page.contains("Different birth date and city") && page.contains("ana"));
    assert!(!page.contains("name=\"verdict\""), "no form once decided");

    // Deciding again: the first decision stands, and the page says so.
    let (status, _, page) = app
        .request(
            "POST",
            &uri,
            Some(&format!("csrf={csrf}&verdict=match&reason=Second+thoughts")),
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("decided or lapsed meanwhile"), "{page}");
    assert_eq!(status_of(&app, &id).await, AlertStatus::NoMatch);
}

#[tokio::test]
async fn bad_addresses_and_filters_are_refused_plainly() {
    let (app, cookie, csrf, id) = with_alert().await;
    for uri in [
        "/screening/alerts/not-an-id",
        "/screening/alerts/6f1c2a44-2b7c-4c43-9a55-0d5f7e3f1a10",
    ] {
        let (status, _, _) = app.request("GET", uri, None, Some(&cookie)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        let form = format!("csrf={csrf}&verdict=match&reason=x");
        let (status, _, _) = app.request("POST", uri, Some(&form), Some(&cookie)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
    }
    let (status, _, page) = app
        .request("GET", "/screening/alerts?status=maybe", None, Some(&cookie))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("status"));

    // A confirmed match shows on the case page, for whoever reads the case.
    let form = format!("csrf={csrf}&verdict=match&reason=Same+person");
    let uri = format!("/screening/alerts/{id}");
    let (status, _, _) = app.request("POST", &uri, Some(&form), Some(&cookie)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let case = case_of(&app, &id).await;
    let (_, _, case_page) = app.get(&format!("/cases/{case}")).await;
    assert!(case_page.contains("an analyst confirmed"), "{case_page}");
}
