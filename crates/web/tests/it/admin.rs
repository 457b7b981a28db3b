//! Administration through the pages: organisations and accounts, every change audited, refused
//! forms explained without echoing the password.

use axum::http::StatusCode;
use corridor_core::AuditAction;
use corridor_store::{AuditFilter, Page};

use crate::support::{App, PASSWORD, urlencode};

async fn actions(app: &App) -> Vec<AuditAction> {
    app.corridor
        .audit_log(&AuditFilter::default(), Page::new(0, 500))
        .await
        .expect("log")
        .iter()
        .map(|entry| entry.event.action)
        .collect()
}

#[tokio::test]
async fn an_admin_creates_an_organisation_and_its_first_account_then_manages_own_users() {
    let app = App::new().await;
    let (cookie, csrf) = app.sign_in("admin").await;
    let post = |uri: &'static str, form: String| {
        let app = &app;
        let cookie = cookie.clone();
        let csrf = csrf.clone();
        async move {
            let form = format!("csrf={csrf}&{form}");
            let (status, _, page) = app.request("POST", uri, Some(&form), Some(&cookie)).await;
            (status, page)
        }
    };

    let (status, _) = post("/admin/organisations", "name=Maple+Sponsors".to_owned()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, page) = post("/admin/organisations", "name=Maple+Sponsors".to_owned()).await;
    assert_eq!(status, StatusCode::CONFLICT, "names are unique");
    assert!(page.contains("already exists") && page.contains("value=\"Maple Sponsors\""));
    let (status, page) = post("/admin/organisations", "name=+".to_owned()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("role=\"alert\""));
    let maple = app
        .corridor
        .organisations()
        .await
        .expect("orgs")
        .into_iter()
        .find(|o| o.name.as_str() == "Maple Sponsors")
        .expect("created");
    let offered = |page: &str| page.contains(&format!("<option value=\"{}\">", maple.id));
    let (_, _, page) = app
        .request("GET", "/admin/users", None, Some(&cookie))
        .await;
    assert!(
        offered(&page),
        "a new organisation is offered for its first account"
    );

    let (status, _) = post(
        "/admin/users",
        format!(
            "username=maple.sponsor&role=sponsor&organisation={}&password={}",
            maple.id,
            urlencode(PASSWORD)
        ),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "the new organisation's first account"
    );
    let (_, _, page) = app
        .request("GET", "/admin/users", None, Some(&cookie))
        .await;
    assert!(!offered(&page), "then it manages its own accounts");
    let (status, _) = post(
        "/admin/users",
        format!(
            "username=maple.second&role=sponsor&organisation={}&password={}",
            maple.id,
            urlencode(PASSWORD)
        ),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "then it manages its own"
    );

    let weak = "Canary7";
    let (status, page) = post(
        "/admin/users",
        format!(
            "username=new.worker&role=caseworker&organisation={}&password={weak}",
            app.organisation
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("value=\"new.worker\""),
        "the username is kept"
    );
    assert!(!page.contains(weak), "the password never comes back");

    let (status, _) = post(
        "/admin/users",
        format!(
            "username=new.worker&role=caseworker&organisation={}&password={}",
            app.organisation,
            urlencode(PASSWORD)
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, page) = app
        .request("GET", "/admin/users", None, Some(&cookie))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("new.worker") && page.contains("casey"));
    assert!(
        !page.contains("maple.sponsor"),
        "only the admin's own organisation"
    );

    // Disabling the caseworker ends their session at once.
    let casey = app
        .corridor
        .store()
        .user_by_username(&corridor_core::Username::new("casey").expect("name"))
        .await
        .expect("read")
        .expect("casey")
        .user
        .id;
    let (status, _) = post(
        "/admin/users/{user}"
            .replace("{user}", &casey.to_string())
            .leak(),
        "action=disable".to_owned(),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = app.get("/cases").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "sent back to the login page");
    let (status, _) = post(
        "/admin/users/{user}"
            .replace("{user}", &casey.to_string())
            .leak(),
        "action=role&role=coordinator".to_owned(),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = post(
        "/admin/users/{user}"
            .replace("{user}", &casey.to_string())
            .leak(),
        "action=reset_totp".to_owned(),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let log = actions(&app).await;
    for expected in [
        AuditAction::OrganisationCreated,
        AuditAction::UserCreated,
        AuditAction::UserDisabled,
        AuditAction::UserRoleChanged,
        AuditAction::UserTotpReset,
    ] {
        assert!(log.contains(&expected), "{expected:?} is audited");
    }
}
