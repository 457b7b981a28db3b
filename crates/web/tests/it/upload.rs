//! Adding evidence through the upload form, as a browser sends it (multipart), and the
//! previews on an item's page: what is kept, what is refused, and that a refusal keeps nothing.

use axum::body::Body;
use axum::http::StatusCode;
use corridor_app::Custodian;
use corridor_app::sample_pdf::sample_pdf;
use corridor_core::{AuditAction, CaseId, EvidenceDetails, EvidenceKind};

use crate::support::App;

const BOUNDARY: &str = "----corridor-test-boundary-7MA4YWxkTrZu0gW";

/// A multipart body: text fields in order, then the file part if any.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn content_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// A tiny valid PNG (1×1, grey).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3a, 0x7e, 0x9b,
    0x55, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x68, 0x00, 0x00, 0x00,
    0x82, 0x00, 0x81, 0x4c, 0x17, 0xd7, 0xdf, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

impl App {
    async fn upload(&self, case: CaseId, body: Vec<u8>) -> (StatusCode, String, String) {
        let (status, headers, page) = self
            .send(
                "POST",
                &format!("/cases/{case}/evidence"),
                Some((content_type(), Body::from(body))),
                Some(&self.cookie),
            )
            .await;
        let location = headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (
            status,
            location,
            String::from_utf8_lossy(&page).into_owned(),
        )
    }

    async fn items(&self, case: CaseId) -> usize {
        self.corridor
            .evidence_of_case(Custodian::Operator, case)
            .await
            .expect("items")
            .len()
    }

    /// The files in the blob directory.
    fn blobs(&self) -> usize {
        std::fs::read_dir(self._dir.path().join("blobs"))
            .map(|dir| dir.count())
            .unwrap_or(0)
    }
}

#[tokio::test]
async fn a_file_uploaded_on_the_form_is_kept_as_sent_and_its_item_shows_it() {
    let app = App::new().await;
    let case = app.add(|_| {}).await;
    let (status, _, form) = app.get(&format!("/cases/{case}/evidence")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("enctype=\"multipart/form-data\"") && form.contains("type=\"file\""));
    let (_, _, case_page) = app.get(&format!("/cases/{case}")).await;
    assert!(case_page.contains(&format!("href=\"/cases/{case}/evidence\"")));

    let pdf = sample_pdf(&["Court ruling, page one", "Page two"]);
    let body = multipart(
        &[
            ("csrf", &app.csrf),
            ("kind", "court_document"),
            ("activity", "Sentenced in absentia under article 207.3"),
            ("date", "2023-05"),
            ("place", "Moscow"),
            ("source_url", "https://example.org/ruling"),
            ("archived_url", ""),
            ("supplied_by", "Defence lawyer"),
        ],
        Some(("ruling.pdf", &pdf)),
    );
    let (status, location, page) = app.upload(case, body).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let id = location
        .strip_prefix("/evidence/")
        .expect("to the item")
        .to_owned();

    let (status, _, item) = app.get(&location).await;
    assert_eq!(status, StatusCode::OK);
    for shown in [
        "Court or police document",
        "Sentenced in absentia under article 207.3",
        "2023-05",
        "ruling.pdf",
        "Defence lawyer",
        "Evidence uploaded",
    ] {
        assert!(item.contains(shown), "{shown} on the item's page: {item}");
    }
    assert!(
        item.contains(&format!("src=\"/evidence/{id}/preview/1\"")),
        "{item}"
    );
    assert!(
        item.contains("Page 1 of 2") && item.contains("?page=2"),
        "{item}"
    );
    let (_, _, second) = app.get(&format!("/evidence/{id}?page=2")).await;
    assert!(second.contains(&format!("src=\"/evidence/{id}/preview/2\"")));
    assert!(second.contains("Page 2 of 2") && second.contains("?page=1"));

    let (status, headers, bytes) = app.get_bytes(&format!("/evidence/{id}/file")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, pdf, "the file comes back exactly as sent");
    assert_eq!(headers["content-type"], "application/octet-stream");
}

#[tokio::test]
async fn a_pdf_is_previewed_as_rendered_pages_and_an_image_as_itself_in_a_sandbox() {
    let app = App::new().await;
    let case = app.add(|_| {}).await;
    let add = |name: &'static str, bytes: Vec<u8>| {
        let app = &app;
        async move {
            app.add_item(
                case,
                EvidenceKind::ProtestMedia,
                EvidenceDetails::default(),
                Some((name, &bytes)),
            )
            .await
        }
    };
    // The document carries a script: the browser must never get the document itself.
    let mut pdf = sample_pdf(&["One", "Two"]);
    pdf.extend_from_slice(b"% <script>alert(1)</script> /JavaScript /OpenAction\n");
    let document = add("leaflet.pdf", pdf).await;
    let photo = add("picket.png", PNG.to_vec()).await;
    let note = add("note.txt", b"A note".to_vec()).await;

    let (status, headers, png) = app
        .get_bytes(&format!("/evidence/{document}/preview/2"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/png");
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "a rendering, not the PDF"
    );
    let csp = headers["content-security-policy"].to_str().expect("csp");
    assert!(
        csp.contains("sandbox") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["content-disposition"]
            .to_str()
            .expect("ascii")
            .starts_with("inline")
    );

    let (status, headers, image) = app.get_bytes(&format!("/evidence/{photo}/preview/1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(image, PNG);
    let (_, _, page) = app.get(&format!("/evidence/{photo}")).await;
    assert!(page.contains(&format!("src=\"/evidence/{photo}/preview/1\"")));
    assert!(!page.contains("Page 1 of"), "an image has no pages");

    for (uri, why) in [
        (
            format!("/evidence/{document}/preview/3"),
            "past the last page",
        ),
        (
            format!("/evidence/{document}/preview/0"),
            "pages count from 1",
        ),
        (format!("/evidence/{document}/preview/x"), "not a page"),
        (
            format!("/evidence/{photo}/preview/2"),
            "an image has one page",
        ),
        (
            format!("/evidence/{note}/preview/1"),
            "text is not previewed",
        ),
    ] {
        let (status, _, _) = app.get_bytes(&uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{why}: {uri}");
    }
    let (_, _, page) = app.get(&format!("/evidence/{note}")).await;
    assert!(!page.contains("data-preview"), "{page}");

    let previews = app
        .corridor
        .audit_log(
            &corridor_store::AuditFilter {
                subject: Some(document.to_string()),
                action: Some(AuditAction::EvidencePreviewed),
                ..Default::default()
            },
            corridor_store::Page::new(0, 10),
        )
        .await
        .expect("log");
    assert_eq!(previews.len(), 1, "each preview is in the chain of custody");
}

#[tokio::test]
async fn a_damaged_pdf_is_offered_for_download_without_a_preview() {
    let app = App::new().await;
    let case = app.add(|_| {}).await;
    let id = app
        .add_item(
            case,
            EvidenceKind::Publication,
            EvidenceDetails::default(),
            Some((
                "broken.pdf",
                b"%PDF-1.7\nthis is no document at all\n%%EOF\n",
            )),
        )
        .await;
    let (status, _, page) = app.get(&format!("/evidence/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("data-no-preview") && page.contains("could not be read"),
        "{page}"
    );
    let (status, _, _) = app.get_bytes(&format!("/evidence/{id}/preview/1")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_forged_upload_is_refused_before_its_file_is_read() {
    let app = App::new().await;
    let case = app.add(|_| {}).await;
    let file = Some(("photo.png", PNG));
    for (why, fields) in [
        ("no token", vec![("kind", "other")]),
        (
            "a wrong token",
            vec![("csrf", "0".repeat(64).leak() as &str), ("kind", "other")],
        ),
        (
            "the token after another field",
            vec![("kind", "other"), ("csrf", &app.csrf)],
        ),
    ] {
        let (status, _, page) = app.upload(case, multipart(&fields, file)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{why}: {page}");
    }
    assert_eq!(app.items(case).await, 0);
    assert_eq!(app.blobs(), 0, "nothing was stored");
    let denied = app
        .corridor
        .audit_log(
            &corridor_store::AuditFilter {
                action: Some(AuditAction::AccessDenied),
                ..Default::default()
            },
            corridor_store::Page::new(0, 10),
        )
        .await
        .expect("log");
    assert_eq!(denied.len(), 3, "each forgery is audited");

    // Another form than the upload is never read as multipart: its token is not found.
    let (status, _, _) = app
        .send(
            "POST",
            &format!("/cases/{case}/share"),
            Some((
                content_type(),
                Body::from(multipart(
                    &[("csrf", &app.csrf), ("organisation", "x")],
                    None,
                )),
            )),
            Some(&app.cookie),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// A refused upload: the field named, the text fields, the file, and the status.
type BadUpload<'a> = (
    &'a str,
    Vec<(&'a str, &'a str)>,
    Option<(&'a str, Vec<u8>)>,
    StatusCode,
);

#[tokio::test]
async fn every_bad_upload_is_refused_naming_its_field_and_keeps_nothing() {
    let app = App::new_with(|corridor| corridor.set_max_evidence_bytes(4 * 1024)).await;
    let case = app.add(|_| {}).await;
    let csrf = app.csrf.clone();
    let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00CANARY-ARCHIVE".to_vec();
    let cases: Vec<BadUpload> = vec![
        (
            "kind",
            vec![("kind", "rumour")],
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("kind", vec![], None, StatusCode::UNPROCESSABLE_ENTITY),
        (
            "date",
            vec![("kind", "other"), ("date", "2023-14-45")],
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "source_url",
            vec![("kind", "other"), ("source_url", "javascript:alert(1)")],
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "file",
            vec![("kind", "other")],
            Some(("photo.pdf", PNG.to_vec())),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "file",
            vec![("kind", "other")],
            Some(("../../etc/photo.png", PNG.to_vec())),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "file",
            vec![("kind", "other")],
            Some(("photo\t.png", PNG.to_vec())),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "file",
            vec![("kind", "other")],
            Some(("archive.zip", zip)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "file",
            vec![("kind", "other")],
            Some(("big.txt", vec![b'a'; 5 * 1024])),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ];
    for (field, mut fields, file, expected) in cases {
        fields.insert(0, ("csrf", &csrf));
        fields.push(("place", "Typed-place-is-kept"));
        let file = file.as_ref().map(|(name, bytes)| (*name, &bytes[..]));
        let (status, _, page) = app.upload(case, multipart(&fields, file)).await;
        assert_eq!(status, expected, "{field}: {page}");
        assert!(
            page.contains(&format!("data-field=\"{field}\"")),
            "the refusal names `{field}`: {page}"
        );
        assert!(
            page.contains("value=\"Typed-place-is-kept\""),
            "what was typed comes back: {page}"
        );
        assert!(
            !page.contains("CANARY"),
            "the refusal never repeats the file"
        );
        assert_eq!(app.items(case).await, 0, "{field}: no item");
        assert_eq!(app.blobs(), 0, "{field}: no blob");
    }
    // A control character that a part's header may not carry at all: the form is broken.
    let body = multipart(
        &[("csrf", &csrf), ("kind", "other")],
        Some(("photo\u{7}.png", PNG)),
    );
    let (status, _, _) = app.upload(case, body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!((app.items(case).await, app.blobs()), (0, 0));
}

#[tokio::test]
async fn an_upload_cut_off_midway_keeps_nothing() {
    let app = App::new().await;
    let case = app.add(|_| {}).await;
    let mut body = multipart(
        &[("csrf", &app.csrf), ("kind", "other")],
        Some(("statement.txt", &vec![b'x'; 300 * 1024])),
    );
    // The connection drops before the file's end and the closing boundary.
    body.truncate(body.len() - 100 * 1024);
    let (status, _, _) = app.upload(case, body).await;
    assert!(
        status.is_client_error() || status.is_server_error(),
        "refused: {status}"
    );
    assert_eq!(app.items(case).await, 0);
    assert_eq!(app.blobs(), 0, "the sealed part already written is gone");
}

#[tokio::test]
async fn an_item_without_a_file_is_recorded_from_its_details() {
    let app = App::new().await;
    let case = app.add(|_| {}).await;
    // A browser sends an empty file part when no file was chosen.
    let body = multipart(
        &[
            ("csrf", &app.csrf),
            ("kind", "testimony"),
            ("activity", "Witnessed the arrest at the picket"),
        ],
        Some(("", b"")),
    );
    let (status, location, page) = app.upload(case, body).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (_, _, item) = app.get(&location).await;
    assert!(item.contains("Witnessed the arrest at the picket"));
    assert!(!item.contains("Download the file"), "{item}");
    assert_eq!(app.blobs(), 0);
}

#[tokio::test]
async fn an_image_gets_a_copy_without_metadata_and_the_copy_names_its_original() {
    let app = App::new().await;
    let case = app.add(|_| {}).await;
    let add = |name: &'static str, bytes: Vec<u8>| {
        let app = &app;
        async move {
            app.add_item(
                case,
                EvidenceKind::ProtestMedia,
                EvidenceDetails::default(),
                Some((name, &bytes)),
            )
            .await
        }
    };
    let photo = add("picket.png", PNG.to_vec()).await;
    let leaflet = add("leaflet.pdf", sample_pdf(&["Leaflet"])).await;
    let (_, _, page) = app.get(&format!("/evidence/{photo}")).await;
    assert!(
        page.contains(&format!("action=\"/evidence/{photo}/strip\"")),
        "{page}"
    );
    let (_, _, page) = app.get(&format!("/evidence/{leaflet}")).await;
    assert!(!page.contains("/strip\""), "no copy of a PDF is offered");

    let (status, page) = app.post(&format!("/evidence/{photo}/strip"), "").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let items = app
        .corridor
        .evidence_of_case(Custodian::Operator, case)
        .await
        .expect("items");
    let copy = items
        .iter()
        .find(|i| i.derived_from == Some(photo))
        .expect("the copy is linked to its original");
    let (_, _, page) = app.get(&format!("/evidence/{}", copy.id)).await;
    assert!(page.contains("A copy of") && page.contains(&photo.to_string()));
    assert!(!page.contains("/strip\""), "no copy of a copy");

    let (status, page) = app.post(&format!("/evidence/{leaflet}/strip"), "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
}
