//! The priority board: what a coordinator sees, the what-if capacity, the CSV download
//! (audited as an export, spreadsheet formulas defused), bad queries named.

use axum::http::StatusCode;
use corridor_core::Role;
use serde_json::json;

use crate::support::{App, PASSWORD};

async fn coordinator(app: &App) -> String {
    coordinator_session(app).await.0
}

/// A signed-in coordinator's cookie and CSRF token.
async fn coordinator_session(app: &App) -> (String, String) {
    app.corridor
        .create_user(
            &app.admin,
            app.organisation,
            "coco",
            Role::Coordinator,
            PASSWORD,
            chrono::Utc::now(),
        )
        .await
        .expect("coordinator");
    app.sign_in("coco").await
}

/// Case `id`'s page as the user of `cookie` sees it.
async fn case_page(app: &App, id: corridor_core::CaseId, cookie: &str) -> String {
    let (status, _, page) = app
        .request("GET", &format!("/cases/{id}"), None, Some(cookie))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page
}

/// The assessment section of a case page.
fn assessment(page: &str) -> String {
    crate::support::between(page, r#"<section id="assessment">"#, "</section>")
}

/// A case of the sponsorship program (no evidence threshold), named `name`.
async fn add(app: &App, name: &str, removal_in_days: Option<i64>) -> corridor_core::CaseId {
    let removal = removal_in_days
        .map(|d| (chrono::Utc::now().date_naive() + chrono::Duration::days(d)).to_string());
    let name = name.to_owned();
    app.add(move |case| {
        case["program"] = json!("ca-private-sponsorship");
        case["person"]["names"] = json!([{ "text": name, "kind": "passport" }]);
        case["us_status"]["stays"] = json!([]);
        case["us_status"]["scheduled_removal"] = json!(removal);
    })
    .await
}

#[tokio::test]
async fn a_coordinator_sees_the_board_tries_a_capacity_and_downloads_it() {
    let app = App::new().await;
    let soon = add(&app, "Synthetic Soonest", Some(3)).await;
    let later = add(&app, "=HYPERLINK(\"x\")", None).await;
    let cookie = coordinator(&app).await;

    let (status, _, page) = app
        .request(
            "GET",
            "/triage?program=ca-private-sponsorship",
            None,
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Synthetic Soonest"), "{page}");
    assert!(page.contains(&format!("/cases/{soon}")), "{page}");
    // Both fit the program's 100 places.
    assert!(
        page.contains(r#"<strong id="persons-selected">2</strong>"#),
        "{page}"
    );

    // What if there were one place: the person facing removal in three days.
    let (status, _, page) = app
        .request(
            "GET",
            "/triage?program=ca-private-sponsorship&capacity=1",
            None,
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"<strong id="persons-selected">1</strong>"#),
        "{page}"
    );
    let first_row = page.split(r#"<tr class="unit"#).nth(1).expect("a row");
    assert!(
        first_row.contains("selected") && first_row.contains(&soon.to_string()),
        "{first_row}"
    );

    let (status, headers, csv) = app
        .request(
            "GET",
            "/triage.csv?program=ca-private-sponsorship&capacity=1",
            None,
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/csv")
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "unit,selected,priority,days_left,persons,value,case_id,name,why"
    );
    assert_eq!(lines.len(), 3);
    assert!(
        lines[1].starts_with("1,yes,") && lines[1].contains(&soon.to_string()),
        "{csv}"
    );
    assert!(
        lines[2].starts_with("2,no,") && lines[2].contains(&later.to_string()),
        "{csv}"
    );
    // A name a spreadsheet would run as a formula is quoted as text.
    assert!(lines[2].contains("'=HYPERLINK"), "{csv}");
    let exported = app
        .corridor
        .audit_log(
            &corridor_store::AuditFilter {
                action: Some(corridor_core::AuditAction::Export),
                ..Default::default()
            },
            corridor_store::Page::new(0, 5),
        )
        .await
        .expect("log");
    assert_eq!(exported.len(), 1, "the download is audited as an export");
}

#[tokio::test]
async fn bad_queries_are_named_and_other_roles_are_refused() {
    let app = App::new().await;
    add(&app, "Synthetic Person", None).await;
    let cookie = coordinator(&app).await;
    for (query, named) in [
        ("program=Not%20A%20Slug", "program"),
        ("program=ca-private-sponsorship&capacity=many", "capacity"),
        ("program=ca-private-sponsorship&capacity=-1", "capacity"),
    ] {
        let (status, _, page) = app
            .request("GET", &format!("/triage?{query}"), None, Some(&cookie))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(page.contains(named), "{query}: {page}");
    }
    let (status, _, page) = app
        .request(
            "GET",
            "/triage?program=no-such-program",
            None,
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("program"), "{page}");
    let (status, _, page) = app
        .request(
            "GET",
            "/triage?program=ca-private-sponsorship&capacity=20000",
            None,
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("capacity"), "{page}");
    // A caseworker does not run the board.
    let (status, _, _) = app.get("/triage").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_case_page_shows_the_checklist_scores_priority_and_flags() {
    let app = App::new().await;
    let id = app.add(|_| {}).await;
    let page = case_page(&app, id, &app.cookie).await;
    let section = assessment(&page);
    // Detained under a BIA appeal with the automatic stay: urgent, not an emergency.
    assert!(section.contains("priority-urgent"), "{section}");
    for shown in [
        "Legal checklist",
        "Outside the country of nationality",
        "A family member in Canada with status",
        "Prior US asylum claim",
        "Risk on return",
        "None raised.",
    ] {
        assert!(section.contains(shown), "{shown}: {section}");
    }
    assert!(!section.contains("Referral is blocked"), "{section}");

    let flagged = app
        .add(|case| case["russia_risk"]["military"] = json!("deserter"))
        .await;
    let section = assessment(&case_page(&app, flagged, &app.cookie).await);
    assert!(section.contains("Referral is blocked"), "{section}");
    assert!(section.contains("awaiting a legal review"), "{section}");
}

#[tokio::test]
async fn a_legal_user_clears_a_flag_and_a_coordinator_overrides_a_score_on_the_case_page() {
    let app = App::new().await;
    let id = app
        .add(|case| case["russia_risk"]["military"] = json!("mobilised"))
        .await;
    app.corridor
        .create_user(
            &app.admin,
            app.organisation,
            "lena",
            Role::Legal,
            PASSWORD,
            chrono::Utc::now(),
        )
        .await
        .expect("legal");
    let (legal, legal_csrf) = app.sign_in("lena").await;
    let (_, _, page) = app
        .request("GET", &format!("/cases/{id}"), None, Some(&legal))
        .await;
    assert!(
        page.contains(r#"action="/cases/"#) && page.contains("/flags"),
        "the form is offered"
    );

    let (status, _, page) = app
        .request(
            "POST",
            &format!("/cases/{id}/flags"),
            Some(&format!("csrf={legal_csrf}&flag=military_service&reason=")),
            Some(&legal),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("reason"), "{page}");
    let (status, _, _) = app
        .request(
            "POST",
            &format!("/cases/{id}/flags"),
            Some(&format!(
                "csrf={legal_csrf}&flag=military_service&reason=Mobilised+in+2022%2C+deserted+before+deployment"
            )),
            Some(&legal),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let section = assessment(&case_page(&app, id, &legal).await);
    assert!(section.contains("cleared by a legal review"), "{section}");
    assert!(!section.contains("Referral is blocked"), "{section}");

    // The caseworker may not clear flags; the coordinator overrides a score.
    let (status, _) = app
        .post(
            &format!("/cases/{id}/flags"),
            "flag=military_service&reason=x",
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (cookie, csrf) = coordinator_session(&app).await;
    for value in ["101", "many"] {
        let (status, _, page) = app
            .request(
                "POST",
                &format!("/cases/{id}/scores"),
                Some(&format!(
                    "csrf={csrf}&score=urgency&value={value}&reason=because"
                )),
                Some(&cookie),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{value}");
        assert!(page.contains("value"), "{page}");
    }
    let (status, _, _) = app
        .request(
            "POST",
            &format!("/cases/{id}/scores"),
            Some(&format!(
                "csrf={csrf}&score=urgency&value=95&reason=Removal+flight+rumoured+for+next+week"
            )),
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = case_page(&app, id, &cookie).await;
    let section = assessment(&page);
    assert!(section.contains("<strong>95</strong>"), "{section}");
    assert!(
        section.contains("set by a person with a reason"),
        "{section}"
    );
    // The reason is sealed with the case, not shown on the page.
    assert!(!section.contains("rumoured"), "{section}");
}

#[tokio::test]
async fn a_coordinator_records_a_referrals_steps_on_the_case_page() {
    let app = App::new().await;
    let id = add(&app, "Synthetic Referred", None).await;
    app.corridor
        .transition(id, corridor_core::Stage::Prioritised)
        .await
        .expect("prioritised");
    let (cookie, csrf) = coordinator_session(&app).await;
    let today = chrono::Utc::now().date_naive();
    let post = |form: String| {
        let cookie = cookie.clone();
        let app = &app;
        async move {
            app.request(
                "POST",
                &format!("/cases/{id}/referral"),
                Some(&form),
                Some(&cookie),
            )
            .await
        }
    };
    // A step that cannot come yet, and a day that is not a date, are named.
    let (status, _, page) = post(format!("csrf={csrf}&status=arrived&on={today}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("status"), "{page}");
    let (status, _, page) = post(format!("csrf={csrf}&status=sent&on=yesterday")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("on"), "{page}");

    let (status, _, _) = post(format!("csrf={csrf}&status=sent&on={today}")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = case_page(&app, id, &cookie).await;
    let section = assessment(&page);
    assert!(
        section.contains(&format!("Sent <small>{today}</small>")),
        "{section}"
    );
    // What may come next is offered, and nothing else.
    assert!(
        section.contains(r#"<option value="accepted">"#),
        "{section}"
    );
    assert!(
        !section.contains(r#"<option value="arrived">"#),
        "{section}"
    );
    assert!(page.contains("Referred"), "the stage moved");
}

#[tokio::test]
async fn a_coordinator_issues_a_dossier_and_downloads_both_files_as_issued() {
    let app = App::new().await;
    let id = add(&app, "Synthetic Dossier", None).await;
    let flagged = app
        .add(|case| {
            case["program"] = json!("ca-private-sponsorship");
            case["russia_risk"]["military"] = json!("deserter");
        })
        .await;
    let (cookie, csrf) = coordinator_session(&app).await;
    let form = format!("csrf={csrf}");

    // A flagged case gets no dossier, and is told which flag.
    let (status, _, page) = app
        .request(
            "POST",
            &format!("/cases/{flagged}/dossier"),
            Some(&form),
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("military_service"), "{page}");

    let (status, _, _) = app
        .request(
            "POST",
            &format!("/cases/{id}/dossier"),
            Some(&form),
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = app
        .request("GET", &format!("/cases/{id}"), None, Some(&cookie))
        .await;
    let listed = crate::support::between(&page, r#"<section id="dossiers">"#, "</section>");
    assert!(
        listed.contains(&format!("/cases/{id}/dossiers/1/pdf")),
        "{listed}"
    );

    let (status, headers, pdf) = app
        .send(
            "GET",
            &format!("/cases/{id}/dossiers/1/pdf"),
            None,
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap_or("")
            .contains(&format!("dossier-{id}-v1.pdf"))
    );
    let (status, _, json) = app
        .send(
            "GET",
            &format!("/cases/{id}/dossiers/1/json"),
            None,
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let verified = corridor_dossier::verify(&json, Some(&pdf), None).expect("the pair verifies");
    assert!(verified.pdf_checked());
    assert!(
        listed.contains(&verified.signer().fingerprint()),
        "{listed}"
    );

    // Another version, another part, a caseworker: not found or refused.
    let (status, _, _) = app
        .send(
            "GET",
            &format!("/cases/{id}/dossiers/2/pdf"),
            None,
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = app
        .send(
            "GET",
            &format!("/cases/{id}/dossiers/1/zip"),
            None,
            Some(&cookie),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = app.get(&format!("/cases/{id}/dossiers/1/pdf")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
