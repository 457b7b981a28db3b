//! The removal watch through the router: the inbox (acknowledge, assign, a verifier refused),
//! removal flights whose reports disagree, check-ins and field reports after removal, the
//! calendar page and its ICS feed (case codes, never names), the aggregate report and the
//! dashboard's trend charts. Every refused form names its field and changes nothing.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::{Duration, NaiveDate, Utc};
use corridor_core::calendar::case_code;
use corridor_core::{
    ApiScope, AuditAction, AuditEntry, AuditOutcome, CaseId, OrgName, Role, Stage,
};
use corridor_store::{AuditFilter, Page};
use serde_json::{Value, json};

use crate::api::{Api, CANARY};
use crate::support::{App, PASSWORD, between, urlencode};

/// A session: cookie and CSRF token.
type Session = (String, String);

/// The example case's names (and its family's), every one of which the feed must keep out.
const EXAMPLE_NAMES: [&str; 4] = [
    "Ярослава Глебовна Пустовойтова",
    "Iaroslava Pustovoitova",
    "Yaroslava Pustovoytova",
    "Тимофей Пустовойтов",
];

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The day `offset` days from today, as a form or a case document writes it.
fn day(offset: i64) -> String {
    (today() + Duration::days(offset)).to_string()
}

/// A urlencoded form body.
fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={}", urlencode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The caseworker's session.
fn casey(app: &App) -> Session {
    (app.cookie.clone(), app.csrf.clone())
}

/// A new user of the app's organisation, signed in.
async fn user(app: &App, username: &str, role: Role) -> Session {
    app.corridor
        .create_user(
            &app.admin,
            app.organisation,
            username,
            role,
            PASSWORD,
            Utc::now(),
        )
        .await
        .expect("user");
    app.sign_in(username).await
}

async fn get_as(app: &App, session: &Session, uri: &str) -> (StatusCode, String) {
    let (status, _, page) = app.request("GET", uri, None, Some(&session.0)).await;
    (status, page)
}

/// A form POST with the session's CSRF token.
async fn post_as(
    app: &App,
    session: &Session,
    uri: &str,
    body: &str,
) -> (StatusCode, HeaderMap, String) {
    let body = format!("csrf={}&{body}", session.1);
    app.request("POST", uri, Some(&body), Some(&session.0))
        .await
}

fn location(headers: &HeaderMap) -> String {
    headers
        .get(header::LOCATION)
        .expect("a redirect")
        .to_str()
        .expect("ascii")
        .to_owned()
}

/// Asserts a refusal naming `field` (the error page puts the field's name in `<code>`).
fn assert_refused(status: StatusCode, page: &str, expected: StatusCode, field: &str, what: &str) {
    assert_eq!(status, expected, "{what}: {page}");
    assert!(
        page.contains(&format!("<code>{field}</code>")),
        "{what}: the page names {field}: {page}"
    );
}

/// The table rows of `page` that link to case `id`.
fn rows_of(page: &str, id: CaseId) -> Vec<String> {
    let link = format!("href=\"/cases/{id}\"");
    page.split("<tr")
        .skip(1)
        .map(|row| row.split("</tr>").next().unwrap_or_default().to_owned())
        .filter(|row| row.contains(&link))
        .collect()
}

async fn audited(app: &App, action: AuditAction, outcome: AuditOutcome) -> Vec<AuditEntry> {
    app.corridor
        .audit_log(
            &AuditFilter {
                action: Some(action),
                outcome: Some(outcome),
                ..Default::default()
            },
            Page::ALL,
        )
        .await
        .expect("log")
}

async fn marks(app: &App) -> Vec<corridor_store::AlertMarkRow> {
    app.corridor
        .store()
        .alert_marks(app.organisation)
        .await
        .expect("marks")
}

/// The example case document with `edit` applied, for a case of another organisation.
fn example(edit: impl FnOnce(&mut Value)) -> corridor_core::CaseInput {
    let mut value: Value =
        serde_json::from_str(include_str!("../../../../examples/case.json")).expect("json");
    edit(&mut value);
    corridor_core::CaseInput::from_json(&value.to_string()).expect("valid")
}

#[tokio::test]
async fn an_emergency_is_acknowledged_and_assigned_and_a_verifier_only_reads_it() {
    let app = App::new().await;
    let cara = user(&app, "cara", Role::Caseworker).await;
    let vera = user(&app, "vera", Role::Verifier).await;
    let casey = casey(&app);
    let other = app
        .corridor
        .create_organisation(
            &app.admin,
            OrgName::new("Other organisation").expect("name"),
        )
        .await
        .expect("org");
    app.corridor
        .create_user(
            &app.admin,
            other.id,
            "otto",
            Role::Caseworker,
            PASSWORD,
            Utc::now(),
        )
        .await
        .expect("user");
    let id = app
        .add(|case| case["us_status"]["scheduled_removal"] = json!(day(2)))
        .await;

    let (status, page) = get_as(&app, &casey, "/watch").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let rows = rows_of(&page, id);
    assert_eq!(rows.len(), 1, "one alert for the case: {page}");
    let row = &rows[0];
    assert!(row.contains("class=\"alert alert-emergency\""), "{row}");
    assert!(row.contains("Emergency"), "{row}");
    assert!(row.contains("Removal scheduled within days"), "{row}");
    assert!(row.contains(&day(2)), "{row}");
    assert!(
        row.contains(&format!(
            "<a href=\"/cases/{id}\">Ярослава Глебовна Пустовойтова</a>"
        )),
        "the case's name links to it: {row}"
    );
    assert!(
        page.contains("<small id=\"open-count\">1 open</small>"),
        "{page}"
    );
    let key = between(row, "name=\"key\" value=\"", "\"");
    assert!(
        !key.contains("Пустовойтова") && !key.contains("Pustovoitova"),
        "the key names no person: {key}"
    );
    // Whom it can be assigned to: those who keep the watch, not the verifier.
    assert!(row.contains("<option value=\"cara\">"), "{row}");
    assert!(!row.contains("<option value=\"vera\">"), "{row}");

    // An unknown key is refused and nothing is stored.
    for uri in ["/watch/acknowledge", "/watch/assign"] {
        let (status, _, page) = post_as(
            &app,
            &casey,
            uri,
            &form(&[
                ("key", &format!("{id}.removal_soon.{}", day(3))),
                ("assignee", "cara"),
            ]),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}: {page}");
        assert!(page.contains("no longer current"), "{uri}: {page}");
    }
    let (status, _, _) = post_as(
        &app,
        &casey,
        "/watch/acknowledge",
        &form(&[("key", "not-a-key")]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(marks(&app).await.is_empty(), "nothing stored");
    assert!(
        audited(
            &app,
            AuditAction::WatchAlertAcknowledged,
            AuditOutcome::Allowed
        )
        .await
        .is_empty()
    );
    assert!(
        audited(&app, AuditAction::WatchAlertAssigned, AuditOutcome::Allowed)
            .await
            .is_empty()
    );

    // Acknowledged: gone from the open inbox, shown as acknowledged in all.
    let (status, headers, page) =
        post_as(&app, &casey, "/watch/acknowledge", &form(&[("key", &key)])).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(location(&headers), "/watch");
    let stored = marks(&app).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].case_id, id);
    assert!(stored[0].acknowledged.is_some() && stored[0].assigned.is_none());
    let acknowledged = audited(
        &app,
        AuditAction::WatchAlertAcknowledged,
        AuditOutcome::Allowed,
    )
    .await;
    assert_eq!(acknowledged.len(), 1);
    assert_eq!(acknowledged[0].event.case, Some(id));

    let (_, page) = get_as(&app, &casey, "/watch").await;
    assert!(rows_of(&page, id).is_empty(), "no longer open: {page}");
    assert!(
        page.contains("<small id=\"open-count\">0 open</small>"),
        "{page}"
    );
    let (_, page) = get_as(&app, &casey, "/watch?show=all").await;
    let rows = rows_of(&page, id);
    assert_eq!(rows.len(), 1, "{page}");
    assert!(rows[0].contains("Acknowledged by casey"), "{}", rows[0]);
    assert!(
        !rows[0].contains("action=\"/watch/acknowledge\""),
        "acknowledged once: {}",
        rows[0]
    );

    // Assigned to another caseworker: in their inbox of what is theirs, not in casey's.
    let (status, headers, page) = post_as(
        &app,
        &casey,
        "/watch/assign",
        &form(&[("key", &key), ("assignee", "cara")]),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(location(&headers), "/watch?show=all");
    let (status, page) = get_as(&app, &cara, "/watch?show=mine").await;
    assert_eq!(status, StatusCode::OK);
    let rows = rows_of(&page, id);
    assert_eq!(rows.len(), 1, "{page}");
    assert!(
        rows[0].contains("Assigned to <span class=\"assignee\">cara</span>"),
        "{}",
        rows[0]
    );
    assert!(rows[0].contains("Acknowledged by casey"), "{}", rows[0]);
    let (_, page) = get_as(&app, &casey, "/watch?show=mine").await;
    assert!(rows_of(&page, id).is_empty(), "not casey's: {page}");
    let assigned = audited(&app, AuditAction::WatchAlertAssigned, AuditOutcome::Allowed).await;
    assert_eq!(assigned.len(), 1);
    assert_eq!(assigned[0].event.case, Some(id));

    // An assignee who does not exist, or may not keep the watch, is refused: the mark stays.
    let before = marks(&app).await;
    for (assignee, what) in [
        ("nobody", "no such user"),
        ("vera", "a verifier"),
        ("admin", "the administrator"),
        ("not a name!", "not a user name"),
        ("otto", "a caseworker of another organisation"),
    ] {
        let (status, _, page) = post_as(
            &app,
            &casey,
            "/watch/assign",
            &form(&[("key", &key), ("assignee", assignee)]),
        )
        .await;
        assert_refused(
            status,
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            "assignee",
            what,
        );
    }
    assert_eq!(marks(&app).await, before, "nothing changed");

    // A verifier reads the inbox, without its forms, and may not act on it.
    let (status, page) = get_as(&app, &vera, "/watch?show=all").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rows_of(&page, id).len(), 1, "{page}");
    assert!(!page.contains("action=\"/watch/acknowledge\""), "{page}");
    assert!(!page.contains("action=\"/watch/assign\""), "{page}");
    let denied_before = audited(&app, AuditAction::WatchAlertAssigned, AuditOutcome::Denied)
        .await
        .len()
        + audited(
            &app,
            AuditAction::WatchAlertAcknowledged,
            AuditOutcome::Denied,
        )
        .await
        .len();
    for uri in ["/watch/acknowledge", "/watch/assign"] {
        let (status, _, page) = post_as(
            &app,
            &vera,
            uri,
            &form(&[("key", &key), ("assignee", "vera")]),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{uri}: {page}");
    }
    let denied_after = audited(&app, AuditAction::WatchAlertAssigned, AuditOutcome::Denied)
        .await
        .len()
        + audited(
            &app,
            AuditAction::WatchAlertAcknowledged,
            AuditOutcome::Denied,
        )
        .await
        .len();
    assert_eq!(denied_after, denied_before + 2, "both refusals audited");
    assert_eq!(marks(&app).await, before, "nothing changed");
}

/// The flight report form with `over` replacing the defaults (an empty value leaves a field
/// blank).
fn flight_form(over: &[(&str, &str)]) -> String {
    let mut fields = vec![
        ("source_kind", "media".to_owned()),
        (
            "source_reference",
            "Witness at the airfield (synthetic)".to_owned(),
        ),
        ("departs_on", day(5)),
        ("departure", "aex".to_owned()),
        ("stops", "SNN CAI".to_owned()),
        ("destination", "SVO".to_owned()),
        ("carrier", "Example Air Charter".to_owned()),
        ("on_board", String::new()),
        ("confidence", "high".to_owned()),
        ("note", "Synthetic: seen boarding list.".to_owned()),
    ];
    for (name, value) in over {
        let field = fields
            .iter_mut()
            .find(|(n, _)| n == name)
            .expect("a field of the form");
        field.1 = (*value).to_owned();
    }
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    form(&pairs)
}

#[tokio::test]
async fn a_flight_is_recorded_its_reports_disagree_and_a_detained_passenger_is_an_emergency() {
    let app = App::new().await;
    let casey = casey(&app);
    // The example person is detained.
    let passenger = app.add(|_| {}).await;
    let other = app
        .corridor
        .create_organisation(
            &app.admin,
            OrgName::new("Other organisation").expect("name"),
        )
        .await
        .expect("org");
    let foreign = app
        .corridor
        .add_case(other.id, example(|_| {}))
        .await
        .expect("add");
    let flights = || {
        let app = &app;
        async move { app.corridor.store().flights(None).await.expect("flights") }
    };
    let (_, page) = get_as(&app, &casey, "/watch").await;
    assert!(
        !page.contains("Detained person on a removal flight"),
        "no flight yet: {page}"
    );

    // A bad airport code: named, nothing stored.
    let on_board = passenger.to_string();
    for (field, value, named) in [
        ("departure", "XX1", "departure"),
        ("destination", "SV", "destination"),
        ("stops", "SNN C4I", "stops"),
        ("departs_on", "5 December", "departs_on"),
        ("source_kind", "rumour", "source_kind"),
        ("source_reference", " ", "source_reference"),
        ("confidence", "certain", "confidence"),
    ] {
        let (status, _, page) = post_as(
            &app,
            &casey,
            "/flights",
            &flight_form(&[(field, value), ("on_board", &on_board)]),
        )
        .await;
        assert_refused(
            status,
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            named,
            field,
        );
    }
    let (status, _, page) = post_as(
        &app,
        &casey,
        "/flights",
        &flight_form(&[("departure", "XX1")]),
    )
    .await;
    assert_refused(
        status,
        &page,
        StatusCode::UNPROCESSABLE_ENTITY,
        "departure",
        "XX1",
    );
    assert!(flights().await.is_empty(), "no flight created");

    // Someone of another organisation on board: not found, nothing stored.
    let (status, _, page) = post_as(
        &app,
        &casey,
        "/flights",
        &flight_form(&[("on_board", &format!("{passenger}\n{foreign}"))]),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{page}");
    assert!(!page.contains("Пустовойтова"), "{page}");
    assert!(flights().await.is_empty(), "no flight created");
    assert!(
        audited(&app, AuditAction::FlightReported, AuditOutcome::Allowed)
            .await
            .is_empty()
    );
    let (_, page) = get_as(&app, &casey, "/flights").await;
    assert!(page.contains("No flight recorded."), "{page}");

    // The flight, with the detained person on board.
    let (status, headers, page) = post_as(
        &app,
        &casey,
        "/flights",
        &flight_form(&[("on_board", &format!("{passenger}\n"))]),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let to = location(&headers);
    let flight = to.strip_prefix("/flights/").expect("a flight's page");
    let stored = flights().await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id.to_string(), flight);
    assert_eq!(stored[0].organisation, app.organisation);
    let (status, page) = get_as(&app, &casey, &to).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("AEX → SNN → CAI → SVO"), "{page}");
    assert!(page.contains("Example Air Charter"), "{page}");
    let passengers = between(
        &page,
        "<table class=\"cases\" id=\"passengers\">",
        "</table>",
    );
    assert!(
        passengers.contains(&format!(
            "<a href=\"/cases/{passenger}\">Ярослава Глебовна Пустовойтова</a>"
        )),
        "{passengers}"
    );
    assert!(!page.contains("reports disagree"), "one report: {page}");

    // A second report with another date: the date row says the reports disagree.
    let (status, headers, page) = post_as(
        &app,
        &casey,
        &format!("/flights/{flight}/reports"),
        &flight_form(&[
            ("source_kind", "family"),
            ("source_reference", "Sister, by phone (synthetic)"),
            ("departs_on", &day(6)),
            ("departure", ""),
            ("stops", ""),
            ("destination", ""),
            ("carrier", ""),
            ("on_board", &on_board),
            ("confidence", "medium"),
            ("note", ""),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(location(&headers), to);
    let (_, page) = get_as(&app, &casey, &to).await;
    let reconciliation = between(
        &page,
        "<table class=\"facts\" id=\"reconciliation\">",
        "</table>",
    );
    let date_row = reconciliation
        .split("<tr")
        .find(|row| row.contains("Departure date"))
        .expect("a date row");
    assert!(date_row.contains("class=\"disputed\""), "{date_row}");
    assert!(date_row.contains("reports disagree"), "{date_row}");
    assert!(
        date_row.contains(&day(5)) && date_row.contains(&day(6)),
        "{date_row}"
    );
    let departure_row = reconciliation
        .split("<tr")
        .find(|row| row.contains("Departure airport"))
        .expect("a departure row");
    assert!(
        !departure_row.contains("reports disagree"),
        "a report that leaves the field out does not dispute it: {departure_row}"
    );
    let passengers = between(
        &page,
        "<table class=\"cases\" id=\"passengers\">",
        "</table>",
    );
    assert!(passengers.contains("2 reports"), "{passengers}");
    assert_eq!(
        audited(&app, AuditAction::FlightReported, AuditOutcome::Allowed)
            .await
            .len(),
        2
    );

    // A bad report on the flight is refused the same way, and no report is added.
    let (status, _, page) = post_as(
        &app,
        &casey,
        &format!("/flights/{flight}/reports"),
        &flight_form(&[("departure", "XX1")]),
    )
    .await;
    assert_refused(
        status,
        &page,
        StatusCode::UNPROCESSABLE_ENTITY,
        "departure",
        "a report",
    );
    let (status, _, _) = post_as(
        &app,
        &casey,
        &format!("/flights/{flight}/reports"),
        &flight_form(&[("on_board", &foreign.to_string())]),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (reports, _) = app
        .corridor
        .store()
        .flight_reports(stored[0].id)
        .await
        .expect("reports");
    assert_eq!(reports.len(), 2, "nothing added");
    let (status, _, _) = post_as(
        &app,
        &casey,
        &format!("/flights/{}/reports", corridor_core::FlightId::random()),
        &flight_form(&[]),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no such flight");

    // The watch: a detained person on a removal flight is an emergency.
    let (_, page) = get_as(&app, &casey, "/watch").await;
    let row = rows_of(&page, passenger)
        .into_iter()
        .find(|row| row.contains("Detained person on a removal flight"))
        .unwrap_or_else(|| panic!("a flight alert: {page}"));
    assert!(row.contains("class=\"alert alert-emergency\""), "{row}");
    assert!(
        row.contains(&format!(
            "<a href=\"/cases/{passenger}\">Ярослава Глебовна Пустовойтова</a>"
        )),
        "{row}"
    );
    assert!(row.contains(&day(5)), "the best-supported date: {row}");

    // A verifier reads flights but records none.
    let vera = user(&app, "vera", Role::Verifier).await;
    let (status, page) = get_as(&app, &vera, &to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("id=\"flight-report\""), "{page}");
    let (status, _, _) = post_as(&app, &vera, "/flights", &flight_form(&[])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = post_as(
        &app,
        &vera,
        &format!("/flights/{flight}/reports"),
        &flight_form(&[]),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(flights().await.len(), 1);

    // Another organisation's caseworker: the flight is not found, and nothing of it shows.
    app.corridor
        .create_user(
            &app.admin,
            other.id,
            "otto",
            Role::Caseworker,
            PASSWORD,
            Utc::now(),
        )
        .await
        .expect("user");
    let otto = app.sign_in("otto").await;
    let (status, page) = get_as(&app, &otto, &to).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{page}");
    assert!(
        !page.contains("Пустовойтова") && !page.contains("SVO"),
        "{page}"
    );
    let (status, page) = get_as(&app, &otto, "/flights").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !page.contains(flight) && page.contains("No flight recorded."),
        "{page}"
    );
    let (status, _, _) = post_as(
        &app,
        &otto,
        &format!("/flights/{flight}/reports"),
        &flight_form(&[]),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, page) = get_as(&app, &otto, "/watch?show=all").await;
    assert!(rows_of(&page, passenger).is_empty(), "{page}");
    let (reports, _) = app
        .corridor
        .store()
        .flight_reports(stored[0].id)
        .await
        .expect("reports");
    assert_eq!(reports.len(), 2, "nothing added");
}

#[tokio::test]
async fn the_flight_form_names_its_own_fields() {
    let app = App::new().await;
    let casey = casey(&app);
    let passenger = app.add(|_| {}).await;
    for (field, value) in [
        ("source_kind", "rumour"),
        ("source_reference", " "),
        ("confidence", "certain"),
    ] {
        let (status, _, page) = post_as(
            &app,
            &casey,
            "/flights",
            &flight_form(&[(field, value), ("on_board", &passenger.to_string())]),
        )
        .await;
        assert_refused(
            status,
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            field,
            value,
        );
    }
    assert!(
        app.corridor
            .store()
            .flights(None)
            .await
            .expect("flights")
            .is_empty()
    );
}

#[tokio::test]
async fn after_removal_check_ins_bring_the_status_back_and_field_reports_become_claims() {
    let app = App::new().await;
    let casey = casey(&app);
    let removed = app
        .add(|case| {
            case["stage"] = json!("removed");
            case["us_status"]["proceedings"] = json!("removed");
            case["us_status"]["scheduled_removal"] = json!(day(-20));
            case["us_status"]["custody"] = json!("unknown");
            case["us_status"]
                .as_object_mut()
                .expect("object")
                .remove("detention_facility");
        })
        .await;
    let open = app.add(|_| {}).await;
    let page_of = |id: CaseId| {
        let casey = casey.clone();
        let app = &app;
        async move {
            let (status, page) = get_as(app, &casey, &format!("/cases/{id}")).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            page
        }
    };
    let check_ins = |id: CaseId| {
        let app = &app;
        async move {
            app.corridor
                .store()
                .check_ins(id)
                .await
                .expect("check-ins")
                .len()
        }
    };
    let claims = |id: CaseId| {
        let app = &app;
        async move { app.live_case(id).await.claims.len() }
    };

    let page = page_of(removed).await;
    let monitoring = between(&page, "<section id=\"monitoring\">", "</section>");
    assert!(
        monitoring.contains("<strong id=\"monitoring-status\">Lost contact</strong>"),
        "{monitoring}"
    );
    assert!(
        monitoring.contains("class=\"monitoring-lost_contact\""),
        "{monitoring}"
    );
    assert!(
        monitoring.contains(&format!("Removed on {}", day(-20))),
        "{monitoring}"
    );
    assert!(
        monitoring.contains("No check-in recorded since removal."),
        "{monitoring}"
    );
    assert!(!page_of(open).await.contains("<section id=\"monitoring\">"));
    let (_, inbox) = get_as(&app, &casey, "/watch").await;
    assert!(
        rows_of(&inbox, removed).iter().any(
            |row| row.contains("Contact lost after removal") && row.contains("alert-emergency")
        ),
        "{inbox}"
    );

    // Refused check-ins: named, nothing stored.
    let uri = format!("/cases/{removed}/check-ins");
    for (on, channel, field, what) in [
        (day(1), "phone", "on", "in the future"),
        (day(-21), "phone", "on", "before the removal"),
        ("yesterday".to_owned(), "phone", "on", "not a date"),
        (day(0), "carrier pigeon", "channel", "no such channel"),
    ] {
        let (status, _, page) = post_as(
            &app,
            &casey,
            &uri,
            &form(&[("on", &on), ("channel", channel), ("note", "Synthetic")]),
        )
        .await;
        assert_refused(status, &page, StatusCode::UNPROCESSABLE_ENTITY, field, what);
    }
    // A case that is not removed has no check-ins.
    let (status, _, page) = post_as(
        &app,
        &casey,
        &format!("/cases/{open}/check-ins"),
        &form(&[("on", &day(0)), ("channel", "phone")]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("not marked removed"), "{page}");
    assert_eq!(check_ins(removed).await, 0);
    assert_eq!(check_ins(open).await, 0);
    assert!(
        audited(&app, AuditAction::CheckInRecorded, AuditOutcome::Allowed)
            .await
            .is_empty()
    );

    // Another organisation's caseworker may not record one.
    let other = app
        .corridor
        .create_organisation(
            &app.admin,
            OrgName::new("Other organisation").expect("name"),
        )
        .await
        .expect("org");
    app.corridor
        .create_user(
            &app.admin,
            other.id,
            "otto",
            Role::Caseworker,
            PASSWORD,
            Utc::now(),
        )
        .await
        .expect("user");
    let otto = app.sign_in("otto").await;
    let (status, _, page) = post_as(
        &app,
        &otto,
        &uri,
        &form(&[("on", &day(0)), ("channel", "phone")]),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{page}");
    assert_eq!(check_ins(removed).await, 0);

    // The sweep finds contact lost: the case moves to lost contact, and is still watched.
    let moved = app
        .corridor
        .sweep_lost_contact(Utc::now())
        .await
        .expect("sweep");
    assert_eq!(moved, vec![removed]);
    assert_eq!(app.live_case(removed).await.stage, Stage::LostContact);
    let page = page_of(removed).await;
    assert!(
        page.contains("<strong id=\"monitoring-status\">Lost contact</strong>"),
        "{page}"
    );

    // A check-in today: on schedule again, back to removed, and listed.
    let (status, headers, page) = post_as(
        &app,
        &casey,
        &uri,
        &form(&[
            ("on", &day(0)),
            ("channel", "phone"),
            ("note", "Reached by phone, safe for now (synthetic)."),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(location(&headers), format!("/cases/{removed}#monitoring"));
    assert_eq!(check_ins(removed).await, 1);
    assert_eq!(
        app.live_case(removed).await.stage,
        Stage::Removed,
        "the watch resumes"
    );
    let recorded = audited(&app, AuditAction::CheckInRecorded, AuditOutcome::Allowed).await;
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].event.case, Some(removed));
    let page = page_of(removed).await;
    let monitoring = between(&page, "<section id=\"monitoring\">", "</section>");
    assert!(
        monitoring.contains("<strong id=\"monitoring-status\">On schedule</strong>"),
        "{monitoring}"
    );
    let listed = between(
        &monitoring,
        "<table class=\"cases\" id=\"check-ins\">",
        "</table>",
    );
    assert!(
        listed.contains(&format!("<td>{}</td><td>Phone call</td>", day(0))),
        "{listed}"
    );
    assert!(
        listed.contains("Reached by phone, safe for now (synthetic)."),
        "{listed}"
    );

    // Field reports: refused ones named, nothing stored.
    let claims_before = claims(removed).await;
    let report_uri = format!("/cases/{removed}/field-reports");
    let report = |over: &[(&str, &str)]| {
        let mut fields = vec![
            ("kind", "arrested"),
            ("date", "2026-11"),
            ("source_kind", "family"),
            ("source_reference", "Sister, by phone (synthetic)"),
            ("confidence", "medium"),
            ("details", "Detained at the airport on arrival (synthetic)."),
        ];
        for (name, value) in over {
            fields
                .iter_mut()
                .find(|(n, _)| n == name)
                .expect("a field")
                .1 = value;
        }
        form(&fields)
    };
    for (field, value) in [
        ("source_reference", ""),
        ("source_reference", "   "),
        ("kind", "vanished"),
        ("date", "November"),
        ("source_kind", "rumour"),
        ("confidence", "sure"),
    ] {
        let (status, _, page) =
            post_as(&app, &casey, &report_uri, &report(&[(field, value)])).await;
        assert_refused(
            status,
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            field,
            &format!("{field}={value:?}"),
        );
    }
    let (status, _, page) = post_as(
        &app,
        &casey,
        &format!("/cases/{open}/field-reports"),
        &report(&[]),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not removed: {page}"
    );
    assert_eq!(claims(removed).await, claims_before);
    assert_eq!(claims(open).await, claims_before, "the same example");
    assert!(
        audited(
            &app,
            AuditAction::FieldReportRecorded,
            AuditOutcome::Allowed
        )
        .await
        .is_empty()
    );

    let (status, headers, page) = post_as(&app, &casey, &report_uri, &report(&[])).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(location(&headers), format!("/cases/{removed}#claims"));
    assert_eq!(claims(removed).await, claims_before + 1);
    let page = page_of(removed).await;
    let section = between(&page, "<section id=\"claims\">", "</section>");
    let group = section
        .split("<div class=\"claim-group")
        .find(|group| group.contains("after return arrested"))
        .unwrap_or_else(|| panic!("a group of the report: {section}"));
    assert!(
        group.contains("Detained at the airport on arrival (synthetic)."),
        "{group}"
    );
    assert!(
        group.contains("Family: Sister, by phone (synthetic)"),
        "{group}"
    );
    assert!(group.contains("<dd>2026-11</dd>"), "{group}");
    assert!(group.contains("<dd>Medium</dd>"), "{group}");
    let reported = audited(
        &app,
        AuditAction::FieldReportRecorded,
        AuditOutcome::Allowed,
    )
    .await;
    assert_eq!(reported.len(), 1);
    assert_eq!(reported[0].event.case, Some(removed));
    assert_eq!(reported[0].event.subject.as_deref(), Some("arrested"));

    // A verifier records neither.
    let vera = user(&app, "vera", Role::Verifier).await;
    let (status, _, _) = post_as(
        &app,
        &vera,
        &uri,
        &form(&[("on", &day(0)), ("channel", "phone")]),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = post_as(&app, &vera, &report_uri, &report(&[])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(check_ins(removed).await, 1);
    assert_eq!(claims(removed).await, claims_before + 1);
}

#[tokio::test]
async fn a_case_that_came_in_removed_is_still_watched_once_contact_is_lost() {
    let app = App::new().await;
    let casey = casey(&app);
    // Marked removed in Corridor, though its US status still reads a final order.
    let id = app
        .add(|case| {
            case["stage"] = json!("removed");
            case["us_status"]["proceedings"] = json!("final_order");
            case["us_status"]["final_order_date"] = json!(day(-40));
            case["us_status"]["stays"] = json!([]);
            case["us_status"]["scheduled_removal"] = json!(day(-20));
            case["us_status"]["custody"] = json!("unknown");
            case["us_status"]
                .as_object_mut()
                .expect("object")
                .remove("detention_facility");
        })
        .await;
    let lost = |page: &str| {
        rows_of(page, id)
            .iter()
            .any(|row| row.contains("Contact lost after removal"))
    };
    let (_, page) = get_as(&app, &casey, &format!("/cases/{id}")).await;
    assert!(
        page.contains("<strong id=\"monitoring-status\">Lost contact</strong>"),
        "{page}"
    );
    let (_, inbox) = get_as(&app, &casey, "/watch").await;
    assert!(lost(&inbox), "{inbox}");

    let moved = app
        .corridor
        .sweep_lost_contact(Utc::now())
        .await
        .expect("sweep");
    assert_eq!(moved, vec![id]);

    // Contact lost after a removal: the emergency stays, and a check-in is still taken.
    let (_, inbox) = get_as(&app, &casey, "/watch").await;
    assert!(lost(&inbox), "the emergency is still raised: {inbox}");
    let (_, page) = get_as(&app, &casey, &format!("/cases/{id}")).await;
    assert!(
        page.contains("<section id=\"monitoring\">"),
        "still watched after removal: {page}"
    );
    let (status, _, page) = post_as(
        &app,
        &casey,
        &format!("/cases/{id}/check-ins"),
        &form(&[("on", &day(0)), ("channel", "phone")]),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(app.live_case(id).await.stage, Stage::Removed);
}

/// The example with a hearing in 10 days and a removal in 20, or named `name` alone.
fn dated(case: &mut Value, name: Option<&str>) {
    case["us_status"]["hearings"] = json!([
        { "date": day(10), "kind": "individual", "court": "Example Immigration Court" }
    ]);
    case["us_status"]["scheduled_removal"] = json!(day(20));
    if let Some(name) = name {
        case["person"]["names"] = json!([{ "text": name, "kind": "passport" }]);
        case["person"]["family"] = json!([]);
    }
}

#[tokio::test]
async fn the_calendar_page_lists_hearings_and_removals_by_name() {
    let app = App::new().await;
    let casey = casey(&app);
    let id = app.add(|case| dated(case, None)).await;
    let canary = app.add(|case| dated(case, Some(CANARY))).await;

    let (status, page) = get_as(&app, &casey, "/calendar").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let events: Vec<&str> = page.split("<li class=\"event").skip(1).collect();
    for (case, name) in [(id, "Ярослава Глебовна Пустовойтова"), (canary, CANARY)]
    {
        let link = format!("<a href=\"/cases/{case}\">{name}</a>");
        let hearing = events
            .iter()
            .find(|e| e.starts_with(" event-hearing") && e.contains(&link))
            .unwrap_or_else(|| panic!("the hearing of {case}: {page}"));
        assert!(hearing.contains("Individual hearing"), "{hearing}");
        assert!(hearing.contains(&case_code(case)), "{hearing}");
        let removal = events
            .iter()
            .find(|e| e.starts_with(" event-scheduled_removal") && e.contains(&link))
            .unwrap_or_else(|| panic!("the removal of {case}: {page}"));
        assert!(removal.contains("Scheduled removal"), "{removal}");
    }
    for date in [day(10), day(20)] {
        assert!(
            page.contains(&format!("<h2>{date}</h2>")),
            "a day of its own: {page}"
        );
    }
    assert!(
        !audited(&app, AuditAction::CalendarRead, AuditOutcome::Allowed)
            .await
            .is_empty()
    );
    // A verifier does not read the calendar.
    let vera = user(&app, "vera", Role::Verifier).await;
    let (status, page) = get_as(&app, &vera, "/calendar").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    assert!(!page.contains(CANARY));
}

/// `GET /api/v1/calendar.ics` with `authorization`.
async fn feed(api: &Api, authorization: Option<String>) -> crate::api::Reply {
    let mut request = Request::get(format!("{}/calendar.ics", corridor_web::api::PREFIX));
    if let Some(value) = authorization {
        request = request.header(header::AUTHORIZATION, value);
    }
    api.send(request.body(Body::empty()).expect("request"))
        .await
}

fn basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

#[tokio::test]
async fn the_calendar_feed_shows_case_codes_and_never_a_name() {
    let api = Api::new().await;
    let example = api.add(api.organisation, |case| dated(case, None)).await;
    let canary = api
        .add(api.organisation, |case| dated(case, Some(CANARY)))
        .await;
    let elsewhere = api
        .add(api.other, |case| dated(case, Some("Otheria Dalekova")))
        .await;
    let token = api.token("caseworker", &[ApiScope::CalendarRead]).await;

    for (how, authorization) in [
        ("bearer", format!("Bearer {token}")),
        ("basic", basic("any", &token)),
        ("basic without a user name", basic("", &token)),
    ] {
        let reply = feed(&api, Some(authorization)).await;
        assert_eq!(reply.status, StatusCode::OK, "{how}: {}", reply.text);
        assert!(
            reply.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap_or("")
                .starts_with("text/calendar"),
            "{how}"
        );
        assert_eq!(reply.headers[header::CACHE_CONTROL], "no-store", "{how}");
        // Unfolded, so that a name split over two lines would still be found.
        let ics = reply.text.replace("\r\n ", "");
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{how}: {ics}");
        for case in [example, canary] {
            let code = case_code(case);
            assert!(
                ics.contains(&format!("SUMMARY:{code}: Scheduled removal")),
                "{how}: {ics}"
            );
            assert!(
                ics.contains(&format!("SUMMARY:{code}: Hearing (Individual hearing)")),
                "{how}: {ics}"
            );
        }
        assert!(
            !ics.contains(&case_code(elsewhere)),
            "{how}: another organisation's case: {ics}"
        );
        let mut words: Vec<&str> = EXAMPLE_NAMES
            .iter()
            .chain([CANARY, "Otheria Dalekova"].iter())
            .flat_map(|name| name.split_whitespace())
            .collect();
        words.extend(["Example Immigration Court", "Example County", "A-208"]);
        for word in words {
            assert!(!ics.contains(word), "{how}: the feed shows {word}: {ics}");
            assert!(
                !ics.to_lowercase().contains(&word.to_lowercase()),
                "{how}: the feed shows {word} in another case: {ics}"
            );
        }
    }

    // Without the scope: forbidden; a wrong password, or none: not signed in.
    let unscoped = api.token("caseworker", &[ApiScope::CasesRead]).await;
    for authorization in [format!("Bearer {unscoped}"), basic("any", &unscoped)] {
        let reply = feed(&api, Some(authorization)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text);
        assert!(!reply.text.contains("BEGIN:VCALENDAR"));
    }
    for authorization in [
        Some(basic("any", "a wrong password")),
        Some(basic(&token, "")),
        Some(format!("Basic {token}")),
        None,
    ] {
        let reply = feed(&api, authorization.clone()).await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "{authorization:?}: {}",
            reply.text
        );
        assert!(!reply.text.contains("BEGIN:VCALENDAR"));
        assert!(!reply.text.contains(CANARY));
    }
    let read = api
        .log()
        .await
        .into_iter()
        .filter(|e| e.event.action == AuditAction::CalendarRead)
        .collect::<Vec<_>>();
    assert!(
        read.iter()
            .filter(|e| e.event.outcome == AuditOutcome::Allowed)
            .count()
            >= 3,
        "each read audited"
    );
    assert!(
        read.iter().any(|e| e.event.outcome == AuditOutcome::Denied),
        "the refusal audited"
    );
}

#[tokio::test]
async fn a_coordinator_exports_the_aggregate_with_no_count_under_five() {
    let app = App::new().await;
    // Six people opened while detained this month; one removed.
    let mut ids = Vec::new();
    for _ in 0..6 {
        ids.push(app.add(|_| {}).await);
    }
    app.corridor
        .transition(ids[0], Stage::Removed)
        .await
        .expect("removed");
    let month = today().format("%Y-%m").to_string();
    let cora = user(&app, "cora", Role::Coordinator).await;

    let (status, page) = get_as(&app, &cora, "/reports/aggregate").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let table = between(
        &page,
        "<table class=\"cases\" id=\"aggregate\">",
        "</table>",
    );
    assert!(
        ["&lt;5", "&#60;5"]
            .iter()
            .any(|fewer| table.contains(&format!(
                "<tr><th>{month}</th><td>6</td><td>{fewer}</td><td></td><td></td><td></td></tr>"
            ))),
        "detained 6, removed fewer than five: {table}"
    );
    assert!(!page.contains("Пустовойтова") && !page.contains(&ids[0].to_string()));

    let (status, headers, csv) = app
        .request("GET", "/reports/aggregate.csv", None, Some(&cora.0))
        .await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap_or("")
            .starts_with("text/csv"),
        "{headers:?}"
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "month,milestone,count");
    assert!(
        lines.contains(&format!("{month},detained,6").as_str()),
        "{csv}"
    );
    assert!(
        lines.contains(&format!("{month},removed,<5").as_str()),
        "{csv}"
    );
    for line in &lines[1..] {
        let count = line.rsplit(',').next().expect("a count");
        assert!(
            count == "<5" || count.parse::<u64>().is_ok_and(|n| n >= 5),
            "no count under five: {line}"
        );
        assert_eq!(line.split(',').count(), 3, "{line}");
    }
    assert!(!csv.contains("Пустовойтова") && !csv.contains(&ids[0].to_string()));
    let exports = audited(&app, AuditAction::Export, AuditOutcome::Allowed).await;
    assert_eq!(exports.len(), 2, "the page and the CSV, each an export");
    assert!(
        exports
            .iter()
            .all(|e| e.event.subject.as_deref() == Some("aggregate-report"))
    );

    // A caseworker exports nothing.
    for uri in ["/reports/aggregate", "/reports/aggregate.csv"] {
        let (status, _, body) = app.get(uri).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{uri}: {body}");
        assert!(!body.contains("month,milestone"));
    }
    assert_eq!(
        audited(&app, AuditAction::Export, AuditOutcome::Allowed)
            .await
            .len(),
        2
    );
    assert_eq!(
        audited(&app, AuditAction::Export, AuditOutcome::Denied)
            .await
            .len(),
        2,
        "both refusals audited"
    );
}

#[tokio::test]
async fn the_dashboard_draws_two_accessible_trend_charts_and_their_figures() {
    let app = App::new().await;
    app.add(|_| {}).await;
    let (status, _, page) = app.get("/").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let trends = between(
        &page,
        "<section class=\"trends\" id=\"trends\">",
        "</section>",
    );
    let charts: Vec<&str> = trends
        .split("<svg ")
        .skip(1)
        .map(|svg| svg.split('>').next().unwrap_or_default())
        .collect();
    assert_eq!(charts.len(), 2, "{trends}");
    for tag in &charts {
        assert!(tag.contains("class=\"chart\""), "{tag}");
        assert!(tag.contains("role=\"img\""), "{tag}");
    }
    assert_eq!(trends.matches("</svg>").count(), 2, "{trends}");
    for title in [
        "<title>Detained and removed, by month</title>",
        "<title>Referred, accepted and arrived, by month</title>",
    ] {
        assert!(trends.contains(title), "{title}: {trends}");
    }
    // The figures as a table: twelve months to this one, the detained case counted in it.
    let table = between(&trends, "<table class=\"facts\">", "</table>");
    let head = between(&table, "<thead>", "</thead>");
    assert_eq!(head.matches("<th>").count(), 13, "{head}");
    let month = today().format("%Y-%m").to_string();
    assert!(head.ends_with(&format!("<th>{month}</th></tr>")), "{head}");
    let detained = table
        .split("<tr>")
        .find(|row| row.starts_with("<th>Detained</th>"))
        .unwrap_or_else(|| panic!("a detained row: {table}"));
    assert!(detained.ends_with("<td>1</td></tr>"), "{detained}");
    assert_eq!(detained.matches("<td>").count(), 12, "{detained}");
    assert!(!trends.contains("Пустовойтова"), "no one named: {trends}");
}
