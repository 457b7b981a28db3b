//! Evidence through the use cases: files streamed in sealed and read back identical, refused
//! files leaving nothing, who may add and read, the chain of custody, and purging.

use corridor_app::{AppError, Custodian, EvidenceUpload, Principal};
use corridor_core::{
    AuditAction, CaseId, EvidenceDetails, EvidenceKind, FileName, MediaType, Role,
    VerificationStatus,
};
use corridor_store::{AuditFilter, Page};

use crate::support::{TestCorridor, contains, example};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\0\0\0\0";

struct World {
    t: TestCorridor,
    caseworker: Principal,
    verifier: Principal,
    outsider: Principal,
    case: CaseId,
}

async fn world() -> World {
    let mut t = TestCorridor::new().await;
    t.corridor
        .use_blob_store(corridor_blobs::BlobStore::local(t._dir.path()).expect("blob store"));
    let admin = t.first_admin().await;
    let caseworker = t
        .member(&admin, t.organisation, "casey", Role::Caseworker)
        .await;
    let verifier = t
        .member(&admin, t.organisation, "vera", Role::Verifier)
        .await;
    let other = t.organisation("Other").await;
    let outsider = t.member(&admin, other, "otto", Role::Caseworker).await;
    let case = t
        .corridor
        .add_case_for(&caseworker, example())
        .await
        .expect("case");
    World {
        t,
        caseworker,
        verifier,
        outsider,
        case,
    }
}

fn details() -> EvidenceDetails {
    corridor_core::parse_json(
        r#"{"activity": "Single picket against the war", "date": "2022-03-06",
            "place": "Yekaterinburg", "supplied_by": "the person"}"#,
    )
    .expect("details")
}

fn upload<'a>(name: &str, bytes: &'a [u8]) -> Option<EvidenceUpload<&'a [u8]>> {
    Some(EvidenceUpload {
        name: FileName::new(name).expect("name"),
        bytes,
    })
}

fn blob_files(w: &World) -> usize {
    std::fs::read_dir(w.t._dir.path().join("blobs"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_file_goes_in_sealed_and_comes_back_identical_with_its_chain_of_custody() {
    let w = world().await;
    let canary = "Qzevidencecanary7731";
    let mut bytes = PNG.to_vec();
    bytes.extend_from_slice(canary.as_bytes());
    bytes.extend(std::iter::repeat_n(7u8, 200_000));
    let id =
        w.t.corridor
            .add_evidence(
                Custodian::User(&w.caseworker),
                w.case,
                EvidenceKind::ProtestMedia,
                details(),
                upload("picket.png", &bytes),
            )
            .await
            .expect("add");

    let items =
        w.t.corridor
            .evidence_of_case(Custodian::User(&w.verifier), w.case)
            .await
            .expect("list");
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!((item.id, item.kind), (id, EvidenceKind::ProtestMedia));
    assert_eq!(item.status, VerificationStatus::Unverified);
    assert_eq!(item.uploaded_by, Some(w.caseworker.user));
    let file = item.facts.file.as_ref().expect("a file");
    assert_eq!(file.name.as_str(), "picket.png");
    assert_eq!(file.media_type, MediaType::Png);
    assert_eq!(file.length, bytes.len() as u64);
    use sha2::Digest as _;
    let expected: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(file.sha256, expected);
    assert_eq!(item.facts.details.place(), Some("Yekaterinburg"));

    let (_, reader) =
        w.t.corridor
            .evidence_file(Custodian::User(&w.verifier), id)
            .await
            .expect("download");
    assert_eq!(&reader.read_to_end().await.expect("read")[..], &bytes[..]);

    // Nowhere in the clear: not the canary, not the activity, not the file name.
    let mut disk = w.t.disk_bytes();
    for entry in std::fs::read_dir(w.t._dir.path().join("blobs")).expect("blobs") {
        disk.extend(std::fs::read(entry.expect("entry").path()).expect("blob"));
    }
    for secret in [canary, "Single picket", "picket.png", &expected] {
        assert!(!contains(&disk, secret.as_bytes()), "{secret} on disk");
    }

    let chain =
        w.t.corridor
            .audit_log(
                &AuditFilter {
                    subject: Some(id.to_string()),
                    ..AuditFilter::default()
                },
                Page::new(0, 10),
            )
            .await
            .expect("log");
    let actions: Vec<AuditAction> = chain.iter().rev().map(|e| e.event.action).collect();
    assert_eq!(
        actions,
        [
            AuditAction::EvidenceUploaded,
            AuditAction::EvidenceViewed,
            AuditAction::EvidenceDownloaded
        ]
    );
    assert!(chain.iter().all(|e| e.event.case == Some(w.case)));
}

async fn add_other(
    w: &World,
    name: &str,
    bytes: &[u8],
) -> Result<corridor_core::EvidenceId, AppError> {
    w.t.corridor
        .add_evidence(
            Custodian::User(&w.caseworker),
            w.case,
            EvidenceKind::Other,
            EvidenceDetails::default(),
            upload(name, bytes),
        )
        .await
}

#[tokio::test]
async fn refused_files_leave_nothing_behind() {
    let mut w = world().await;
    for (name, bytes, says) in [
        ("photo.jpg", PNG, "its name says `.jpg`"),
        ("archive.zip", &b"PK\x03\x04\x14\0\0\0"[..], "archive"),
        (
            "program.pdf",
            &b"MZ\x90\0\x03\0\0\0"[..],
            "not a type Corridor keeps",
        ),
        (
            "page.txt",
            &b"<html><script>alert(1)</script>"[..],
            "polyglot",
        ),
    ] {
        let err = add_other(&w, name, bytes).await.expect_err(name);
        assert!(matches!(&err, AppError::EvidenceFile(_)), "{name}: {err}");
        assert!(err.to_string().contains(says), "{name}: {err}");
        assert!(err.to_string().starts_with("field `file`"), "{err}");
    }
    w.t.corridor.set_max_evidence_bytes(10);
    let err = add_other(&w, "big.png", PNG).await.expect_err("too large");
    assert!(
        matches!(err, AppError::EvidenceTooLarge { max: 10 }),
        "{err}"
    );
    assert_eq!(blob_files(&w), 0, "no blob kept");
    let items =
        w.t.corridor
            .evidence_of_case(Custodian::Operator, w.case)
            .await
            .expect("list");
    assert!(items.is_empty(), "no item kept");
}

#[tokio::test]
async fn only_the_owning_organisation_adds_and_only_readers_of_the_case_read() {
    let w = world().await;
    for who in [&w.verifier, &w.outsider] {
        let err =
            w.t.corridor
                .add_evidence(
                    Custodian::User(who),
                    w.case,
                    EvidenceKind::Testimony,
                    details(),
                    upload("t.txt", b"I saw it."),
                )
                .await
                .expect_err("may not add");
        assert!(
            matches!(err, AppError::Forbidden(_) | AppError::CaseNotFound(_)),
            "{err}"
        );
    }
    assert_eq!(blob_files(&w), 0);
    let id =
        w.t.corridor
            .add_evidence(
                Custodian::Operator,
                w.case,
                EvidenceKind::Testimony,
                details(),
                upload("t.txt", b"I saw it."),
            )
            .await
            .expect("the operator adds");
    let err =
        w.t.corridor
            .evidence_file(Custodian::User(&w.outsider), id)
            .await
            .expect_err("not theirs");
    assert!(
        matches!(err, AppError::EvidenceNotFound(found) if found == id),
        "{err}"
    );
    let err =
        w.t.corridor
            .evidence_of_case(Custodian::User(&w.outsider), w.case)
            .await
            .expect_err("not theirs");
    assert!(matches!(err, AppError::CaseNotFound(_)), "{err}");

    // A description without a file.
    let noted =
        w.t.corridor
            .add_evidence::<&[u8]>(
                Custodian::User(&w.caseworker),
                w.case,
                EvidenceKind::MediaReport,
                details(),
                None,
            )
            .await
            .expect("no file");
    let err =
        w.t.corridor
            .evidence_file(Custodian::Operator, noted)
            .await
            .expect_err("no file");
    assert!(matches!(err, AppError::EvidenceHasNoFile(_)), "{err}");
}

#[tokio::test]
async fn purging_the_case_takes_its_files_with_it() {
    let w = world().await;
    let id =
        w.t.corridor
            .add_evidence(
                Custodian::User(&w.caseworker),
                w.case,
                EvidenceKind::ProtestMedia,
                details(),
                upload("picket.png", PNG),
            )
            .await
            .expect("add");
    assert_eq!(blob_files(&w), 1);
    w.t.corridor.purge(w.case).await.expect("purge");
    assert_eq!(blob_files(&w), 0, "the object is deleted");
    let err =
        w.t.corridor
            .evidence_file(Custodian::Operator, id)
            .await
            .expect_err("gone");
    assert!(matches!(err, AppError::EvidenceNotFound(_)), "{err}");
}

async fn review(
    w: &World,
    id: corridor_core::EvidenceId,
    who: &Principal,
    step: corridor_core::ReviewStep,
    checks: &[corridor_core::Check],
) -> Result<VerificationStatus, AppError> {
    let reason = corridor_core::DecisionReason::new("Matches the register's published copy.")
        .expect("reason");
    w.t.corridor
        .review_evidence_for(who, id, step, checks.iter().copied().collect(), reason)
        .await
}

#[tokio::test]
async fn verification_is_never_by_the_uploader_and_needs_the_whole_checklist() {
    use corridor_core::{Check, ReviewStep};
    let w = world().await;
    let id =
        w.t.corridor
            .add_evidence(
                Custodian::User(&w.caseworker),
                w.case,
                EvidenceKind::RegistryEntry,
                details(),
                upload("entry.txt", b"Minjust register, entry 1234"),
            )
            .await
            .expect("add");
    let err = review(&w, id, &w.caseworker, ReviewStep::StartReview, &[])
        .await
        .expect_err("caseworkers do not verify");
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    let err = review(&w, id, &w.outsider, ReviewStep::StartReview, &[])
        .await
        .expect_err("not theirs");
    assert!(
        matches!(err, AppError::Forbidden(_) | AppError::EvidenceNotFound(_)),
        "{err}"
    );

    assert_eq!(
        review(&w, id, &w.verifier, ReviewStep::StartReview, &[])
            .await
            .expect("start"),
        VerificationStatus::InReview
    );
    let err = review(&w, id, &w.verifier, ReviewStep::Verify, &[Check::Source])
        .await
        .expect_err("incomplete");
    assert!(err.to_string().contains("missing: date"), "{err}");
    assert_eq!(
        review(
            &w,
            id,
            &w.verifier,
            ReviewStep::Verify,
            &[Check::Source, Check::Date]
        )
        .await
        .expect("verify"),
        VerificationStatus::Verified
    );
    let items =
        w.t.corridor
            .evidence_of_case(Custodian::Operator, w.case)
            .await
            .expect("list");
    assert_eq!(items[0].status, VerificationStatus::Verified);

    let chain =
        w.t.corridor
            .audit_log(
                &AuditFilter {
                    subject: Some(id.to_string()),
                    action: Some(AuditAction::EvidenceVerified),
                    ..AuditFilter::default()
                },
                Page::new(0, 10),
            )
            .await
            .expect("log");
    let outcomes: Vec<_> = chain.iter().rev().map(|e| e.event.outcome).collect();
    assert_eq!(
        outcomes,
        [
            corridor_core::AuditOutcome::Denied,
            corridor_core::AuditOutcome::Allowed
        ],
        "the refused sign-off is in the chain too"
    );
}

#[tokio::test]
async fn a_copy_for_sharing_loses_the_metadata_and_keeps_the_original() {
    let w = world().await;
    // A JPEG with an EXIF-like APP1 segment naming the camera's owner, and a comment.
    let segment = |marker: u8, body: &[u8]| {
        let mut bytes = vec![0xFF, marker];
        bytes.extend_from_slice(&u16::try_from(body.len() + 2).expect("short").to_be_bytes());
        bytes.extend_from_slice(body);
        bytes
    };
    let mut jpeg = vec![0xFF, 0xD8];
    jpeg.extend(segment(0xE1, b"Exif\0\0Qzowner-321"));
    jpeg.extend(segment(0xFE, b"Qzwhere1"));
    jpeg.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0x11, 0x22, 0xFF, 0xD9]);
    let original =
        w.t.corridor
            .add_evidence(
                Custodian::User(&w.caseworker),
                w.case,
                EvidenceKind::ProtestMedia,
                details(),
                upload("march.jpg", &jpeg),
            )
            .await
            .expect("add");
    let copy =
        w.t.corridor
            .derive_stripped_copy(Custodian::User(&w.caseworker), original)
            .await
            .expect("copy");
    let read = |id| {
        let corridor = &w.t.corridor;
        async move {
            let (item, reader) = corridor
                .evidence_file(Custodian::Operator, id)
                .await
                .expect("file");
            (item, reader.read_to_end().await.expect("read").to_vec())
        }
    };
    let (kept, kept_bytes) = read(original).await;
    assert_eq!(kept_bytes, jpeg, "the original is untouched");
    let (shared, shared_bytes) = read(copy).await;
    assert_eq!(shared.derived_from, Some(original));
    assert!(!contains(&shared_bytes, b"Qzowner") && !contains(&shared_bytes, b"Qzwhere"));
    assert!(
        shared_bytes.ends_with(&[0x11, 0x22, 0xFF, 0xD9]),
        "the picture stays"
    );
    assert_ne!(
        shared.facts.file.as_ref().map(|f| &f.sha256),
        kept.facts.file.as_ref().map(|f| &f.sha256)
    );

    let text =
        w.t.corridor
            .add_evidence(
                Custodian::Operator,
                w.case,
                EvidenceKind::Testimony,
                details(),
                upload("t.txt", b"words"),
            )
            .await
            .expect("add");
    let err =
        w.t.corridor
            .derive_stripped_copy(Custodian::Operator, text)
            .await
            .expect_err("not an image");
    assert!(err.to_string().contains("JPEG and PNG"), "{err}");
}

fn claim_citing(links: &[String]) -> corridor_core::Claim {
    corridor_core::Claim::new(
        corridor_core::ClaimId::random(),
        "convicted_in_absentia".parse().expect("fact"),
        "Sentenced in absentia to seven years",
        None,
        corridor_core::Source::new(corridor_core::SourceKind::CourtRecord, "Basmanny court")
            .expect("source"),
        corridor_core::Confidence::High,
        links.iter().map(|l| l.parse().expect("link")).collect(),
    )
    .expect("claim")
}

async fn claims_of(w: &World) -> usize {
    match w.t.corridor.case(w.case).await.expect("case") {
        corridor_app::CaseView::Live(case) => case.claims.len(),
        corridor_app::CaseView::Purged(_) => panic!("purged"),
    }
}

#[tokio::test]
async fn a_claim_cites_only_items_of_its_case() {
    let w = world().await;
    let c = &w.t.corridor;
    let item = c
        .add_evidence(
            Custodian::User(&w.caseworker),
            w.case,
            EvidenceKind::CourtDocument,
            details(),
            upload("ruling.pdf", b"%PDF-1.4\n%%EOF\n"),
        )
        .await
        .expect("item");
    let before = claims_of(&w).await;

    let other_case = c
        .add_case_for(&w.outsider, example())
        .await
        .expect("other case");
    let elsewhere = c
        .add_evidence(
            Custodian::User(&w.outsider),
            other_case,
            EvidenceKind::Testimony,
            details(),
            None::<EvidenceUpload<&[u8]>>,
        )
        .await
        .expect("item elsewhere");
    for link in [
        format!("evidence:{elsewhere}"),
        "evidence:never-uploaded".to_owned(),
    ] {
        let links = ["https://example.org/news".to_owned(), link.clone()];
        let err = c
            .add_claim_for(&w.caseworker, w.case, claim_citing(&links))
            .await
            .expect_err("a citation of no item of this case");
        match err {
            AppError::Input(input) => assert_eq!(input.field, "evidence[1]", "{link}"),
            other => panic!("{link}: {other:?}"),
        }
        assert_eq!(claims_of(&w).await, before, "nothing written");
    }
    for (who, why) in [
        (&w.verifier, "no case_edit"),
        (&w.outsider, "another organisation"),
    ] {
        let err = c
            .add_claim_for(who, w.case, claim_citing(&[format!("evidence:{item}")]))
            .await
            .expect_err(why);
        assert!(
            matches!(err, AppError::Forbidden(_) | AppError::CaseNotFound(_)),
            "{why}: {err:?}"
        );
    }
    assert_eq!(claims_of(&w).await, before);

    c.add_claim_for(
        &w.caseworker,
        w.case,
        claim_citing(&[format!("evidence:{item}")]),
    )
    .await
    .expect("a claim citing the case's item");
    assert_eq!(claims_of(&w).await, before + 1);
}
