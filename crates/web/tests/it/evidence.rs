//! Evidence on the case page, and downloads: the same bytes, as an attachment that a browser
//! never renders in Corridor's origin, each one in the item's chain of custody.

use axum::http::StatusCode;
use corridor_core::{AuditAction, EvidenceDetails, EvidenceKind};

use crate::support::App;

#[tokio::test]
async fn the_case_page_lists_evidence_and_a_download_is_the_file_as_stored() {
    let app = App::new().await;
    let case = app.add(|_| {}).await;
    let bytes = b"%PDF-1.4\n<script>alert(1)</script>\n%%EOF\n".to_vec();
    let details: EvidenceDetails = corridor_core::parse_json(
        r#"{"activity": "Court ruling <b>in absentia</b>", "supplied_by": "OVD-Info"}"#,
    )
    .expect("details");
    let id = app
        .add_item(
            case,
            EvidenceKind::CourtDocument,
            details,
            Some(("ruling.pdf", &bytes)),
        )
        .await;

    let (status, _, page) = app.get(&format!("/cases/{case}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("href=\"/evidence/{id}/file\"")),
        "{page}"
    );
    assert!(page.contains("ruling.pdf") && page.contains("Unverified"));
    assert!(
        !page.contains("<b>in absentia</b>"),
        "what an item shows is text, never markup"
    );
    assert!(page.contains("Not documented"), "nothing verified yet");

    let (status, headers, body) = app.get(&format!("/evidence/{id}/file")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_bytes(), &bytes[..]);
    assert_eq!(headers["content-type"], "application/octet-stream");
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"evidence-{id}.pdf\"").as_str()
    );
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap_or("")
            .contains("sandbox")
    );

    let chain = app
        .corridor
        .audit_log(
            &corridor_store::AuditFilter {
                subject: Some(id.to_string()),
                action: Some(AuditAction::EvidenceDownloaded),
                ..Default::default()
            },
            corridor_store::Page::new(0, 5),
        )
        .await
        .expect("log");
    assert_eq!(chain.len(), 1, "the download is in the chain of custody");

    for uri in [
        "/evidence/not-an-id/file".to_owned(),
        format!("/evidence/{}/file", corridor_core::EvidenceId::random()),
    ] {
        let (status, _, _) = app.get(&uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn a_verifier_signs_an_item_off_on_its_page_and_the_chain_shows_every_step() {
    let app = App::new().await;
    let case = app.add(|_| {}).await;
    let id = app
        .add_item(
            case,
            EvidenceKind::RegistryEntry,
            EvidenceDetails::default(),
            Some(("entry.txt", b"Register of foreign agents, entry 512")),
        )
        .await;
    app.corridor
        .create_user(
            &app.admin,
            app.organisation,
            "vera",
            corridor_core::Role::Verifier,
            crate::support::PASSWORD,
            chrono::Utc::now(),
        )
        .await
        .expect("verifier");
    let (cookie, csrf) = app.sign_in("vera").await;
    let uri = format!("/evidence/{id}");
    let (status, _, page) = app.request("GET", &uri, None, Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("name=\"step\"") && page.contains("value=\"date\""),
        "{page}"
    );

    // The caseworker reads the item but has no form.
    let (_, _, casey) = app.get(&uri).await;
    assert!(casey.contains("Registry entry") && !casey.contains("name=\"step\""));

    let post = |form: String| {
        let (app, uri, cookie) = (&app, format!("{uri}/review"), cookie.clone());
        async move { app.request("POST", &uri, Some(&form), Some(&cookie)).await }
    };
    let (status, _, _) = post(format!("csrf={csrf}&step=start_review&reason=Taking+it")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, page) = post(format!(
        "csrf={csrf}&step=verify&check=source&reason=Only+the+source"
    ))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("missing: date"), "{page}");
    let (status, _, page) = post(format!("csrf={csrf}&step=verify&reason=")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    let (status, _, _) = post(format!(
        "csrf={csrf}&step=verify&check=source&check=date&reason=Checked+against+the+register"
    ))
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let (_, _, page) = app.request("GET", &uri, None, Some(&cookie)).await;
    assert!(page.contains("Verified"), "{page}");
    assert!(page.contains("Checked against the register"));
    for step in [
        "Evidence uploaded",
        "Evidence review started",
        "Evidence verified",
    ] {
        assert!(page.contains(step), "{step} in the chain: {page}");
    }
    let (_, _, case_page) = app.get(&format!("/cases/{case}")).await;
    assert!(
        case_page.contains("30/100"),
        "a verified registry entry counts: {case_page}"
    );
}

#[tokio::test]
async fn a_claim_cites_an_item_from_its_page_and_the_case_page_resolves_every_citation() {
    let app = App::new().await;
    let case = app.add(|_| {}).await;
    let id = app
        .add_item(
            case,
            EvidenceKind::CourtDocument,
            EvidenceDetails::default(),
            None,
        )
        .await;
    let uri = format!("/evidence/{id}");
    let (_, _, page) = app.get(&uri).await;
    assert!(
        page.contains(&format!("action=\"/evidence/{id}/cite\"")),
        "{page}"
    );

    let (status, page) = app
        .post(
            &format!("{uri}/cite"),
            "fact=Convicted+in+absentia&assertion=Seven+years&source_kind=court_record\
             &source_reference=Court&confidence=high",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("field `fact`"), "{page}");
    let (status, page) = app
        .post(
            &format!("{uri}/cite"),
            "fact=convicted_in_absentia&assertion=Seven+years&source_kind=court_record\
             &source_reference=&confidence=high",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("field `source_reference`"), "{page}");
    let (status, _) = app
        .post(
            &format!("{uri}/cite"),
            "fact=convicted_in_absentia&assertion=Sentenced+to+seven+years&date=2023-05\
             &source_kind=court_record&source_reference=Basmanny+court&confidence=high",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let (_, _, case_page) = app.get(&format!("/cases/{case}")).await;
    assert!(case_page.contains("Sentenced to seven years"));
    assert!(
        case_page.contains(&format!(
            "<a href=\"/evidence/{id}\"><code>evidence:{id}</code></a>"
        )),
        "the citation links to the item: {case_page}"
    );
    // The example document's own citations name items this case does not have.
    assert!(case_page.contains("evidence:b52f19d0"));
    assert!(
        case_page.contains("not among this case&#39;s evidence"),
        "{case_page}"
    );
    assert!(
        case_page.contains("0 of 3 claims citing items rest on a verified one"),
        "{case_page}"
    );
    assert!(case_page.contains("cites evidence:b52f19d0, which is not among this case"));
}
