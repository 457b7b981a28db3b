//! The list comparison page and its CSV download.

use axum::http::StatusCode;
use corridor_core::Role;
use corridor_screen::lists::{EntityKind, ListEntry, ListSource};
use corridor_screen::screening::ListIndex;

use crate::support::{App, PASSWORD};

fn person(source: ListSource, id: &str, name: &str, program: &str) -> ListEntry {
    ListEntry {
        programs: vec![program.to_owned()],
        ..ListEntry::new(source, id, EntityKind::Person, name)
    }
}

#[tokio::test]
async fn analysts_see_and_download_who_canada_has_not_listed() {
    let app = App::new().await;
    let mut index = ListIndex::new();
    index.extend([
        person(ListSource::OfacSdn, "1", "KOROBOV, Igor", "RUSSIA-EO14024"),
        person(ListSource::OfacSdn, "2", "SIDOROV, Ivan", "RUSSIA-EO14024"),
        person(
            ListSource::CanadaSema,
            "C1",
            "Ivan Sidorov",
            "Russia / Russie",
        ),
    ]);
    app.corridor.load_lists(index);
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
    let (cookie, _) = app.sign_in("ana").await;

    let (status, _, page) = app
        .request("GET", "/screening/gaps", None, Some(&cookie))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("KOROBOV, Igor") && page.contains("ofac_sdn:1"),
        "{page}"
    );
    assert!(!page.contains("SIDOROV"), "Canada lists him");

    let (status, headers, csv) = app
        .request("GET", "/screening/gaps.csv", None, Some(&cookie))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/csv")
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "name,kind,listed_by,birth_dates,programs");
    assert_eq!(lines.len(), 2);
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

    // A caseworker does not run screening.
    let (status, _, _) = app.get("/screening/gaps").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
