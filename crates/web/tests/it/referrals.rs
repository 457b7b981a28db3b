//! A coordinator refers a case to a sponsor's organisation from the case page; the sponsor
//! reads the referral's fields, nothing else, and nothing that was not referred.

use axum::http::StatusCode;
use corridor_core::{OrgName, Role};

use crate::support::{App, PASSWORD};

#[tokio::test]
async fn a_sponsor_reads_the_referral_and_is_denied_everything_else() {
    let app = App::new().await;
    let now = chrono::Utc::now();
    let maple = app
        .corridor
        .create_organisation(&app.admin, OrgName::new("Maple sponsors").expect("name"))
        .await
        .expect("org");
    app.corridor
        .create_user(
            &app.admin,
            maple.id,
            "maple.sponsor",
            Role::Sponsor,
            PASSWORD,
            now,
        )
        .await
        .expect("sponsor");
    app.corridor
        .create_user(
            &app.admin,
            app.organisation,
            "cora",
            Role::Coordinator,
            PASSWORD,
            now,
        )
        .await
        .expect("coordinator");
    let referred = app.add(|_| {}).await;
    let unreferred = app.add(|_| {}).await;

    let (cookie, csrf) = app.sign_in("cora").await;
    let (status, _, page) = app
        .request("GET", &format!("/cases/{referred}"), None, Some(&cookie))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("action=\"/cases/{referred}/refer\"")));
    let form = format!("csrf={csrf}&organisation={}", maple.id);
    let (status, _, _) = app
        .request(
            "POST",
            &format!("/cases/{referred}/refer"),
            Some(&form),
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = app
        .request("GET", &format!("/cases/{referred}"), None, Some(&cookie))
        .await;
    assert!(page.contains(&format!("action=\"/cases/{referred}/withdraw-referral\"")));

    let (sponsor, _) = app.sign_in("maple.sponsor").await;
    let (status, headers, _) = app.request("GET", "/", None, Some(&sponsor)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/referrals");
    let (status, _, list) = app.request("GET", "/referrals", None, Some(&sponsor)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains(&format!("/referrals/{referred}")));
    assert!(!list.contains(&unreferred.to_string()));
    let (status, _, page) = app
        .request(
            "GET",
            &format!("/referrals/{referred}"),
            None,
            Some(&sponsor),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Ярослава Глебовна Пустовойтова"));
    assert!(page.contains("Sibling"), "family in Canada");
    for private in [
        "208555013",
        "208-555-013",
        "yaroslava@example.org",
        "+1-555-0142",
        "Synthetic example case",
        "Example County",
        "posts about the army",
        "Defence counsel",
    ] {
        assert!(
            !page.contains(private),
            "the referral does not show {private}"
        );
    }

    for uri in [
        format!("/cases/{referred}"),
        format!("/cases/{unreferred}"),
        format!("/referrals/{unreferred}"),
        "/cases".to_owned(),
    ] {
        let (status, _, page) = app.request("GET", &uri, None, Some(&sponsor)).await;
        assert!(
            status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
            "{uri}: {status}"
        );
        assert!(
            !page.contains("Пустовойтова") && !page.contains("Pustovoitova"),
            "{uri}"
        );
    }

    // Withdrawn: the sponsor no longer sees it.
    let (status, _, _) = app
        .request(
            "POST",
            &format!("/cases/{referred}/withdraw-referral"),
            Some(&form),
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = app
        .request(
            "GET",
            &format!("/referrals/{referred}"),
            None,
            Some(&sponsor),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
