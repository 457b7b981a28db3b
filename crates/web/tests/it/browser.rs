//! The web application in headless Chromium, driven through chromedriver: signing in with
//! TOTP, the name search, sharing a case, a sponsor refused a case, the audit log. Each main
//! page is checked for Content-Security-Policy violations and a working htmx, and a screenshot
//! of it goes to `target/browser-screenshots/`. Without Chromium and chromedriver these tests
//! say "skipped" and pass, unless `CORRIDOR_TEST_BROWSER_REQUIRED=1`.

use corridor_core::{Role, Stage};
use serde_json::json;

use crate::site::{Site, field_error, field_errors, fill, submit};
use crate::webdriver::Browser;

/// The example case's names and one of its facts: none may reach a page that refuses it.
const CASE_SECRETS: &[&str] = &[
    "Пустовойтова",
    "Pustovoitova",
    "Pustovoytova",
    "A-208-555-013",
    "207.3",
];

/// The checks every main page passes, then its screenshot: htmx loaded (so the CSP let the
/// vendored script run), the stylesheet applied, no CSP violation in the console.
fn check_page(browser: &Browser, screenshot: &str) {
    let version = browser.wait_until("htmx to load", || {
        let version = browser.execute("return window.htmx ? htmx.version : null", vec![]);
        version.as_str().map(str::to_owned)
    });
    assert!(version.starts_with("2."), "{screenshot}: htmx {version}");
    let styled = browser.execute(
        "return document.styleSheets.length === 1 && document.styleSheets[0].cssRules.length > 0",
        vec![],
    );
    assert_eq!(styled, json!(true), "{screenshot}: the stylesheet applies");
    let violations = browser.csp_violations();
    assert!(
        violations.is_empty(),
        "{screenshot}: CSP violations: {violations:#?}"
    );
    browser.screenshot(screenshot);
}

#[test]
fn first_sign_in_enrols_totp_a_wrong_code_is_refused_and_signing_out_ends_the_session() {
    let site = Site::new();
    site.user("casey", Role::Caseworker, site.home);
    let Some(browser) = Browser::start() else {
        return;
    };

    browser.goto(&site.url("/cases"));
    browser.wait_for_path("/login, where a stranger is sent", |p| p == "/login");
    browser.wait_for("form[action='/login']");
    check_page(&browser, "login");

    site.enter_password(&browser, "casey");
    browser.wait_for_heading("Set up your authenticator");
    browser.wait_for(".qr svg");
    check_page(&browser, "totp-enrolment");
    let codes = site.confirm_enrolment(&browser, "casey");
    assert_eq!(codes.len(), 10, "ten recovery codes: {codes:?}");
    assert!(codes.iter().all(|code| !code.is_empty()));
    check_page(&browser, "recovery-codes");
    let next = browser.wait_for("section.login a[href='/']");
    browser.click_and_wait(&next, "html");
    browser.wait_for_heading("Dashboard");
    assert_eq!(browser.path(), "/");
    check_page(&browser, "dashboard");
    assert_eq!(
        browser.execute("return document.cookie", vec![]),
        json!(""),
        "the session cookie is HttpOnly: no script reads it"
    );

    // The CSP holds in the browser: an inline script added to the page does not run, and the
    // console reports it (which also shows that the violation check above can see one).
    let ran = browser.execute(
        "const s = document.createElement('script');
         s.textContent = 'document.body.dataset.inline = \"ran\"';
         document.body.append(s);
         return document.body.dataset.inline || null;",
        vec![],
    );
    assert_eq!(ran, json!(null), "an inline script ran");
    let reported = browser.wait_until("the console to report the blocked script", || {
        let violations = browser.csp_violations();
        (!violations.is_empty()).then_some(violations)
    });
    assert!(reported[0].contains("script-src"), "{reported:?}");

    submit(&browser, "/logout");
    browser.wait_for_path("/login after signing out", |p| p == "/login");
    browser.goto(&site.url("/"));
    browser.wait_for_path("/login: the session has ended", |p| p == "/login");

    // The second sign-in asks for a code: no QR code any more.
    site.enter_password(&browser, "casey");
    browser.wait_for_heading("Authenticator code");
    assert!(browser.find(".qr").is_none(), "enrolment happens once");
    fill(&browser, "code", &site.wrong_code("casey"));
    submit(&browser, "/login/totp");
    let error = browser.wait_for("p.error").text();
    assert!(error.contains("not accepted"), "{error}");
    browser.wait_for_heading("Authenticator code");
    assert!(browser.find("form[action='/login/totp']").is_some());
    check_page(&browser, "totp-refused");
    site.enter_totp(&browser, "casey");
    browser.wait_for_heading("Dashboard");
    assert_eq!(browser.path(), "/");
}

#[test]
fn a_name_search_finds_the_case_without_the_name_in_the_address() {
    let site = Site::new();
    site.user("casey", Role::Caseworker, site.home);
    let id = site.add_case(site.home, |_| {});
    let other = site.add_case(site.home, |v| {
        v["person"]["names"] = json!([{ "text": "Lev Paroledov", "kind": "passport" }]);
    });
    let Some(browser) = Browser::start() else {
        return;
    };
    site.sign_in(&browser, "casey");

    browser.goto(&site.url("/cases"));
    browser.wait_for_heading("Cases");
    assert!(browser.find(&format!("a[href='/cases/{id}']")).is_some());
    assert!(browser.find(&format!("a[href='/cases/{other}']")).is_some());
    check_page(&browser, "case-list");

    for term in ["Пустовойтова", "Pustovoitova"] {
        fill(&browser, "q", term);
        submit(&browser, "/cases/search");
        browser.wait_for_heading("Search results");
        // htmx posts the form and swaps the results in: the address stays put.
        assert_eq!(browser.path(), "/cases", "{term}: no term in the address");
        assert!(
            browser.find(&format!("a[href='/cases/{id}']")).is_some(),
            "{term}: the case is found"
        );
        assert!(
            browser.find(&format!("a[href='/cases/{other}']")).is_none(),
            "{term}: only the case that matches"
        );
    }
    check_page(&browser, "search-results");

    let link = browser.wait_for(&format!("a[href='/cases/{id}']"));
    browser.click_and_wait(&link, "html");
    browser.wait_for_heading("Пустовойтова");
    assert_eq!(browser.path(), format!("/cases/{id}"));
    browser.wait_for("section .claim-group.contradicted");
    check_page(&browser, "case-page");
}

#[test]
fn a_coordinator_shares_a_case_with_a_partner_and_revokes_it() {
    let site = Site::new();
    let partner_org = site.organisation("Partner group");
    site.user("coord", Role::Coordinator, site.home);
    site.user("partner", Role::Caseworker, partner_org);
    let id = site.add_case(site.home, |_| {});
    let case_link = format!("a[href='/cases/{id}']");
    let Some(coordinator) = Browser::start() else {
        return;
    };
    let Some(partner) = Browser::start() else {
        return;
    };
    site.sign_in(&coordinator, "coord");
    site.sign_in(&partner, "partner");

    partner.goto(&site.url("/cases"));
    partner.wait_for_heading("Cases");
    assert!(partner.find(&case_link).is_none(), "not shared yet");

    coordinator.goto(&site.url(&format!("/cases/{id}")));
    coordinator.wait_for_heading("Пустовойтова");
    coordinator.wait_for("form[action$='/share']");
    assert!(
        coordinator
            .source()
            .contains("not shared with any other organisation")
    );
    fill(&coordinator, "organisation", &partner_org.to_string());
    submit(&coordinator, &format!("/cases/{id}/share"));
    coordinator.wait_for_heading("Пустовойтова");
    coordinator.wait_for(&format!("form[action='/cases/{id}/unshare']"));
    assert!(coordinator.source().contains("Partner group"));

    partner.goto(&site.url("/cases"));
    partner.wait_for_heading("Cases");
    let link = partner.wait_for(&case_link);
    partner.click_and_wait(&link, "html");
    partner.wait_for_heading("Пустовойтова");
    assert!(
        partner.find("form[action$='/share']").is_none(),
        "the partner does not reshare"
    );

    submit(&coordinator, &format!("/cases/{id}/unshare"));
    coordinator.wait_for_heading("Пустовойтова");
    assert!(
        coordinator
            .source()
            .contains("not shared with any other organisation")
    );

    partner.goto(&site.url(&format!("/cases/{id}")));
    partner.wait_for_heading("Not found");
    let page = partner.source();
    for secret in CASE_SECRETS {
        assert!(!page.contains(secret), "the revoked case shows {secret:?}");
    }
    partner.goto(&site.url("/cases"));
    partner.wait_for_heading("Cases");
    assert!(partner.find(&case_link).is_none(), "gone from the list");
}

#[test]
fn a_sponsor_is_refused_a_case_not_referred_to_it() {
    let site = Site::new();
    let sponsor_org = site.organisation("Canadian sponsor");
    site.user("sponsor", Role::Sponsor, sponsor_org);
    let id = site.add_case(site.home, |_| {});
    let Some(browser) = Browser::start() else {
        return;
    };
    site.sign_in(&browser, "sponsor");

    browser.goto(&site.url(&format!("/cases/{id}")));
    let heading = browser.wait_until("a refusal page", || {
        browser
            .find("h1")
            .and_then(|h| h.try_text())
            .filter(|h| h == "Not found" || h == "Not allowed")
    });
    let page = browser.source();
    for secret in CASE_SECRETS {
        assert!(
            !page.contains(secret),
            "{heading}: the page shows {secret:?}"
        );
    }
    assert!(!page.contains(&format!("action=\"/cases/{id}/share\"")));
    check_page(&browser, "denied");
}

#[test]
fn an_administrator_reads_the_audit_log() {
    let site = Site::new();
    let Some(browser) = Browser::start() else {
        return;
    };
    site.sign_in(&browser, "admin");
    browser.goto(&site.url("/admin/audit"));
    browser.wait_for_heading("Audit log");
    let rows = browser.wait_for("table.cases tbody").text();
    for action in ["totp_enrolled", "login_succeeded"] {
        assert!(rows.contains(action), "the log lacks {action}: {rows}");
    }
    check_page(&browser, "audit-log");
}

#[test]
fn the_form_helpers_fill_fields_and_read_inline_errors() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let form = "<form action='/nowhere' method='post'>\
        <label>Name <input name='name' aria-describedby='name-error'></label>\
        <p class='field-error' id='name-error'>Enter a name.</p>\
        <label>Stage <select name='stage'><option value='intake'>Intake</option>\
        <option value='assessing'>Assessing</option></select></label>\
        <label>Notes <textarea name='notes'>old</textarea><span class='field-error'>Too long.</span></label>\
        <label>Program <input name='program' value='x'></label>\
        <button type='submit'>Save</button></form>";
    browser.goto(&format!("data:text/html;charset=utf-8,{form}"));
    fill(&browser, "name", "Лев Тестов");
    fill(&browser, "stage", "assessing");
    fill(&browser, "notes", "new");
    let values = browser.execute(
        "return ['name', 'stage', 'notes'].map(n => document.querySelector(`[name='${n}']`).value)",
        vec![],
    );
    assert_eq!(values, json!(["Лев Тестов", "assessing", "new"]));
    assert_eq!(field_errors(&browser), ["Enter a name.", "Too long."]);
    assert_eq!(
        field_error(&browser, "name").as_deref(),
        Some("Enter a name.")
    );
    assert_eq!(field_error(&browser, "notes").as_deref(), Some("Too long."));
    assert_eq!(field_error(&browser, "program"), None);
    assert_eq!(field_error(&browser, "no-such-field"), None);
}

#[test]
fn intake_refuses_a_bad_field_keeps_the_typing_and_accepts_the_correction() {
    let site = Site::new();
    site.user("casey", Role::Caseworker, site.home);
    let Some(browser) = Browser::start() else {
        return;
    };
    site.sign_in(&browser, "casey");
    browser.goto(&site.url("/cases"));
    browser.wait_for("a[href='/cases/new']").click();
    browser.wait_for_heading("New case");
    fill(&browser, "name_text", "Пелагея Браузерова");
    fill(&browser, "birth_date", "17.04.1990");
    fill(&browser, "a_number", "A-208-555-0");
    fill(&browser, "custody", "detained");
    fill(&browser, "notes", "Typed before the error.");
    submit(&browser, "/cases/new");
    browser.wait_for(".field-error");
    assert_eq!(
        field_errors(&browser).len(),
        2,
        "one message per faulty field"
    );
    assert!(field_error(&browser, "birth_date").is_some_and(|e| e.contains("1990-04")));
    assert!(field_error(&browser, "a_number").is_some_and(|e| e.contains("A-number")));
    assert_eq!(field_error(&browser, "custody"), None);
    let kept = browser.execute(
        "return ['name_text', 'custody', 'notes'].map(n => document.querySelector(`[name='${n}']`).value)",
        vec![],
    );
    assert_eq!(
        kept,
        json!(["Пелагея Браузерова", "detained", "Typed before the error."]),
        "everything typed is still there"
    );
    check_page(&browser, "intake-refused");

    fill(&browser, "birth_date", "1990-04-17");
    fill(&browser, "a_number", "A-208-555-010");
    submit(&browser, "/cases/new");
    browser.wait_for_heading("Пелагея Браузерова");
    assert!(browser.path().starts_with("/cases/"), "the new case opens");
    assert!(browser.source().contains("1990-04-17"));
    check_page(&browser, "intake-created");
}

#[test]
fn a_caseworker_edits_a_case() {
    let site = Site::new();
    site.user("casey", Role::Caseworker, site.home);
    let id = site.add_case(site.home, |_| {});
    let Some(browser) = Browser::start() else {
        return;
    };
    site.sign_in(&browser, "casey");
    browser.goto(&site.url(&format!("/cases/{id}")));
    browser
        .wait_for(&format!("a[href='/cases/{id}/edit']"))
        .click();
    browser.wait_for_heading("Edit case");
    check_page(&browser, "edit-form");
    fill(&browser, "custody", "bond");
    fill(&browser, "scheduled_removal", "2027-31-01");
    submit(&browser, &format!("/cases/{id}/edit"));
    browser.wait_for(".field-error");
    assert!(field_error(&browser, "scheduled_removal").is_some());
    fill(&browser, "scheduled_removal", "2027-01-31");
    submit(&browser, &format!("/cases/{id}/edit"));
    browser.wait_for_path("the case page", |p| p == format!("/cases/{id}"));
    let page = browser.source();
    assert!(page.contains("2027-01-31") && page.contains("Bond"));
    assert!(
        page.contains("Пустовойтова"),
        "the rest of the case is kept"
    );
}

/// Whether the page's preview image has loaded, and its width.
fn preview_width(browser: &Browser) -> u64 {
    browser.wait_until("the preview to load", || {
        browser
            .execute(
                "const i = document.querySelector('img[data-preview]');
                 return i && i.complete && i.naturalWidth > 0 ? i.naturalWidth : null",
                vec![],
            )
            .as_u64()
    })
}

#[test]
fn evidence_is_uploaded_previewed_verified_and_disputed() {
    let site = Site::new();
    site.user("casey", Role::Caseworker, site.home);
    site.user("vera", Role::Verifier, site.home);
    let id = site.add_case(site.home, |_| {});
    let pdf = site.file(
        "ruling.pdf",
        &corridor_app::sample_pdf::sample_pdf(&["Ruling, page one", "Page two"]),
    );
    let Some(browser) = Browser::start() else {
        return;
    };
    site.sign_in(&browser, "casey");
    browser.goto(&site.url(&format!("/cases/{id}")));
    browser
        .wait_for(&format!("a[href='/cases/{id}/evidence']"))
        .click();
    browser.wait_for_heading("Add evidence");
    check_page(&browser, "evidence-upload");

    // A refused field comes back named, with the typing kept; the file is chosen again.
    let action = format!("/cases/{id}/evidence");
    fill(&browser, "kind", "court_document");
    fill(
        &browser,
        "activity",
        "Sentenced in absentia for anti-war posts",
    );
    fill(&browser, "date", "2023-14");
    browser
        .wait_for("input[name='file']")
        .send_keys(pdf.to_str().expect("path"));
    submit(&browser, &action);
    let notice = browser.wait_for("p[role='alert'][data-field='date']");
    assert!(notice.text().contains("date"), "{}", notice.text());
    assert!(
        browser
            .source()
            .contains("Sentenced in absentia for anti-war posts")
    );
    fill(&browser, "date", "2023-05");
    browser
        .wait_for("input[name='file']")
        .send_keys(pdf.to_str().expect("path"));
    submit(&browser, &action);
    browser.wait_for_heading("Court or police document");
    let item = browser.path();
    assert!(item.starts_with("/evidence/"), "{item}");

    // The PDF's pages arrive as images rendered on the server, one at a time.
    let width = preview_width(&browser);
    assert!(width > 100, "a rendered page, {width} pixels wide");
    assert!(browser.source().contains("Page 1 of 2"));
    check_page(&browser, "evidence-preview");
    let next = browser.wait_for("a[rel='next']");
    browser.click_and_wait(&next, "html");
    browser.wait_for_heading("Court or police document");
    preview_width(&browser);
    assert!(browser.source().contains("Page 2 of 2"));
    assert!(
        browser.find("input[name='step']").is_none(),
        "the uploader has no verification form"
    );

    // Someone else verifies it, then disputes it; the chain shows each step.
    let verifier = Browser::start().expect("a second browser");
    site.sign_in(&verifier, "vera");
    verifier.goto(&site.url(&item));
    verifier.wait_for_heading("Court or police document");
    let take = |step: &str, checks: &[&str], reason: &str| {
        verifier
            .wait_for(&format!("input[name='step'][value='{step}']"))
            .click();
        for check in checks {
            verifier
                .wait_for(&format!("input[name='check'][value='{check}']"))
                .click();
        }
        fill(&verifier, "reason", reason);
        submit(&verifier, &format!("{item}/review"));
        verifier.wait_for_heading("Court or police document");
    };
    take("start_review", &[], "Taking it");
    assert!(
        verifier
            .wait_for("[data-status]")
            .text()
            .contains("In review")
    );
    let checklist: Vec<String> = verifier
        .find_all("input[name='check']")
        .iter()
        .filter_map(|c| c.attribute("value"))
        .collect();
    let checklist: Vec<&str> = checklist.iter().map(String::as_str).collect();
    take("verify", &checklist, "Matches the court's public register");
    assert!(
        verifier
            .wait_for("[data-status]")
            .text()
            .contains("Verified")
    );
    take("dispute", &[], "The date contradicts the hearing record");
    assert!(
        verifier
            .wait_for("[data-status]")
            .text()
            .contains("Disputed")
    );
    let page = verifier.source();
    for entry in [
        "Evidence uploaded",
        "Evidence previewed",
        "Evidence verified",
        "Evidence disputed",
        "The date contradicts the hearing record",
    ] {
        assert!(page.contains(entry), "{entry} on the item's page");
    }
    check_page(&verifier, "evidence-disputed");
}

#[test]
fn a_coordinator_uses_the_priority_board_and_a_legal_user_clears_a_flag() {
    let site = Site::new();
    site.user("coord", Role::Coordinator, site.home);
    site.user("lawyer", Role::Legal, site.home);
    let sponsorship = |case: &mut serde_json::Value| {
        case["program"] = json!("ca-private-sponsorship");
        case["us_status"]["stays"] = json!([]);
    };
    // A family of two, a person alone facing removal in three days, and a deserter whose
    // flag awaits a legal review.
    let family = "0b9f5c1e-2222-4c7a-9d0e-5f1a2b3c4d5e";
    for _ in 0..2 {
        site.add_case(site.home, |case| {
            sponsorship(case);
            case["assessment"] = json!({ "family_unit": family });
        });
    }
    let removal = (chrono::Utc::now().date_naive() + chrono::Duration::days(3)).to_string();
    let urgent = site.add_case(site.home, |case| {
        sponsorship(case);
        case["us_status"]["scheduled_removal"] = json!(removal);
    });
    let deserter = site.add_case(site.home, |case| {
        sponsorship(case);
        case["russia_risk"]["military"] = json!("deserter");
    });
    let Some(coordinator) = Browser::start() else {
        return;
    };
    site.sign_in(&coordinator, "coord");
    let board_link = coordinator.wait_for("nav a[href='/triage']");
    coordinator.click_and_wait(&board_link, "html");
    coordinator.wait_for_heading("Priority board");
    fill(&coordinator, "program", "ca-private-sponsorship");
    fill(&coordinator, "capacity", "1");
    submit(&coordinator, "/triage");
    coordinator.wait_for_heading("Priority board");
    assert_eq!(coordinator.wait_for("#persons-selected").text(), "1");
    // The one place goes to the person facing removal; the family does not fit; the
    // deserter is out until the flag is cleared.
    let rows = coordinator.find_all("#board tr.unit");
    assert_eq!(rows.len(), 3, "the family is one unit");
    let first = rows[0].text();
    assert!(
        rows[0].attribute("data-selected").as_deref() == Some("true"),
        "{first}"
    );
    assert!(
        coordinator.source().contains(&format!("/cases/{urgent}")),
        "the board links the case"
    );
    let csv = coordinator
        .wait_for("#board-csv")
        .attribute("href")
        .unwrap_or_default();
    assert!(csv.contains("capacity=1"), "{csv}");
    check_page(&coordinator, "priority-board");

    // A legal user clears the deserter's flag on the case page; the board takes him in.
    let Some(lawyer) = Browser::start() else {
        return;
    };
    site.sign_in(&lawyer, "lawyer");
    lawyer.goto(&site.url(&format!("/cases/{deserter}")));
    lawyer.wait_for_heading("Пустовойтова");
    lawyer.wait_for("section#assessment li.blocking");
    fill(
        &lawyer,
        "reason",
        "Deserted before any deployment; Article 1F review found nothing.",
    );
    submit(&lawyer, &format!("/cases/{deserter}/flags"));
    lawyer.wait_for("section#assessment li.cleared");
    check_page(&lawyer, "case-assessment");

    coordinator.goto(&site.url("/triage?program=ca-private-sponsorship&capacity=4"));
    coordinator.wait_for_heading("Priority board");
    assert_eq!(coordinator.wait_for("#persons-selected").text(), "4");
}

/// The bytes at `path`, fetched by the page itself (with its session), base64 on the way.
fn fetch_bytes(browser: &Browser, path: &str) -> Vec<u8> {
    use base64::Engine as _;
    let encoded = browser.execute(
        "return fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => { \
           const a = new Uint8Array(b); let s = ''; \
           for (let i = 0; i < a.length; i += 1) { s += String.fromCharCode(a[i]); } \
           return btoa(s); })",
        vec![json!(path)],
    );
    base64::engine::general_purpose::STANDARD
        .decode(encoded.as_str().expect("base64 text"))
        .expect("base64")
}

#[test]
fn a_coordinator_issues_a_dossier_and_downloads_it() {
    let site = Site::new();
    site.user("coord", Role::Coordinator, site.home);
    let id = site.add_case(site.home, |case| {
        case["program"] = json!("ca-private-sponsorship");
    });
    let Some(browser) = Browser::start() else {
        return;
    };
    site.sign_in(&browser, "coord");
    browser.goto(&site.url(&format!("/cases/{id}")));
    browser.wait_for_heading("Пустовойтова");
    assert!(browser.source().contains("None issued."));
    submit(&browser, &format!("/cases/{id}/dossier"));
    browser.wait_for_heading("Пустовойтова");
    let pdf_link = browser.wait_for("section#dossiers a.dossier-pdf");
    let pdf_path = pdf_link.attribute("href").expect("href");
    let json_path = browser
        .wait_for("section#dossiers a.dossier-json")
        .attribute("href")
        .expect("href");
    check_page(&browser, "case-dossiers");

    let pdf = fetch_bytes(&browser, &pdf_path);
    let json = fetch_bytes(&browser, &json_path);
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    let verified = corridor_dossier::verify(&json, Some(&pdf), None).expect("the pair verifies");
    assert_eq!(verified.content().input().case_id, id.to_string());
    assert!(
        browser.source().contains(&verified.signer().fingerprint()),
        "the page shows the signing key's fingerprint"
    );
    // For review: the downloaded PDF and its first page as a PNG, beside the screenshots.
    let dir = crate::webdriver::screenshot_dir();
    std::fs::write(dir.join("dossier-downloaded.pdf"), &pdf).expect("keep the PDF");
    let document = hayro::hayro_syntax::Pdf::new(std::sync::Arc::new(pdf)).expect("a PDF");
    let page = &document.pages()[0];
    let pixmap = hayro::render(
        page,
        &hayro::RenderCache::new(),
        &hayro::hayro_interpret::InterpreterSettings::default(),
        &hayro::RenderSettings::default(),
        &hayro::PixmapSettings {
            x_scale: 1.5,
            y_scale: 1.5,
            bg_color: hayro::vello_cpu::color::palette::css::WHITE,
        },
    );
    std::fs::write(
        dir.join("dossier-page-1.png"),
        pixmap.into_png().expect("PNG"),
    )
    .expect("keep the page");
}

#[test]
fn a_caseworker_works_the_watch_inbox_and_reads_the_dashboard_charts() {
    let site = Site::new();
    site.user("watcher", Role::Caseworker, site.home);
    site.user("partner", Role::Caseworker, site.home);
    let today = chrono::Utc::now().date_naive();
    let removal = (today + chrono::Duration::days(2)).to_string();
    let hearing = (today + chrono::Duration::days(1)).to_string();
    let facing_removal = site.add_case(site.home, |case| {
        case["us_status"]["scheduled_removal"] = json!(removal);
    });
    site.add_case(site.home, |case| {
        case["us_status"]["hearings"] = json!([{ "date": hearing, "kind": "master_calendar" }]);
    });
    // Removed this month: the danger chart has a point above zero.
    let removed = site.add_case(site.home, |_| {});
    site.block_on(site.corridor.transition(removed, Stage::Removed))
        .expect("removed");
    let Some(watcher) = Browser::start() else {
        return;
    };
    site.sign_in(&watcher, "watcher");

    // The dashboard draws both charts as inline SVG, with the figures beside them.
    let charts = watcher.find_all("section#trends svg.chart");
    assert_eq!(charts.len(), 2, "a line chart and a bar chart");
    assert_eq!(charts[0].attribute("role").as_deref(), Some("img"));
    let removed_points = watcher.find_all("section#trends .chart-series-removed .chart-point");
    assert_eq!(
        removed_points.len(),
        corridor_app::TREND_MONTHS,
        "a point per month"
    );
    check_page(&watcher, "dashboard-charts");

    // The inbox: the removal within the week is first and loudest.
    let inbox_link = watcher.wait_for("nav a[href='/watch']");
    watcher.click_and_wait(&inbox_link, "html");
    watcher.wait_for_heading("Removal watch");
    let rows = watcher.find_all("#inbox tr.alert");
    assert!(rows.len() >= 2, "the removal and the hearing, at least");
    assert_eq!(
        rows[0].attribute("data-level").as_deref(),
        Some("emergency")
    );
    assert!(
        rows[0]
            .find(&format!("a[href='/cases/{facing_removal}']"))
            .is_some(),
        "the emergency is the case facing removal"
    );
    check_page(&watcher, "watch-inbox");

    // Acknowledged, it leaves the open list; assigned, it is in the partner's.
    submit(&watcher, "/watch/acknowledge");
    watcher.wait_for_heading("Removal watch");
    assert!(
        !watcher
            .source()
            .contains(&format!("/cases/{facing_removal}\"")),
        "an acknowledged alert leaves the open list"
    );
    watcher.goto(&site.url("/watch?show=all"));
    watcher.wait_for_heading("Removal watch");
    assert!(watcher.source().contains("Acknowledged by watcher"));
    fill(&watcher, "assignee", "partner");
    submit(&watcher, "/watch/assign");
    watcher.wait_for_heading("Removal watch");
    assert_eq!(watcher.wait_for("#inbox .assignee").text(), "partner");
    check_page(&watcher, "watch-inbox-all");

    let Some(partner) = Browser::start() else {
        return;
    };
    site.sign_in(&partner, "partner");
    partner.goto(&site.url("/watch?show=mine"));
    partner.wait_for_heading("Removal watch");
    assert_eq!(partner.find_all("#inbox tr.alert").len(), 1);
    assert!(
        partner
            .source()
            .contains(&format!("/cases/{facing_removal}\""))
    );
    check_page(&partner, "watch-inbox-mine");
}
