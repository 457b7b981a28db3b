//! Referrals: a coordinator refers a case to a sponsor's organisation, whose sponsors read the
//! referral's fields and nothing else, and nothing that was not referred.

use chrono::Utc;
use corridor_app::AppError;
use corridor_core::{GrantKind, Role};
use corridor_store::{CaseFilter, Page};

use crate::support::{TestCorridor, example};

#[tokio::test]
async fn sponsors_read_referred_cases_only_and_only_the_referral() {
    let t = TestCorridor::new().await;
    let admin = t.first_admin().await;
    let maple = t.organisation("Maple sponsors").await;
    let coordinator = t
        .member(&admin, t.organisation, "cora", Role::Coordinator)
        .await;
    let caseworker = t
        .member(&admin, t.organisation, "casey", Role::Caseworker)
        .await;
    let sponsor = t.member(&admin, maple, "sam", Role::Sponsor).await;
    let maple_coordinator = t
        .member(&admin, maple, "maple.coord", Role::Coordinator)
        .await;

    let referred = t
        .corridor
        .add_case(t.organisation, example())
        .await
        .expect("add");
    let kept = t
        .corridor
        .add_case(t.organisation, example())
        .await
        .expect("add");

    let err = t
        .corridor
        .grant(
            &caseworker,
            referred,
            maple,
            GrantKind::Referral,
            Utc::now(),
        )
        .await
        .expect_err("caseworkers do not refer");
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    assert!(
        t.corridor
            .grant(
                &coordinator,
                referred,
                maple,
                GrantKind::Referral,
                Utc::now()
            )
            .await
            .expect("refer")
    );
    let err = t
        .corridor
        .share_case(&coordinator, referred, maple, Utc::now())
        .await
        .expect_err("one kind of grant at a time");
    assert!(matches!(err, AppError::Refused(_)), "{err}");

    let referrals = t.corridor.referrals_for(&sponsor).await.expect("referrals");
    assert_eq!(referrals.len(), 1);
    assert_eq!(referrals[0].case, referred);
    let one = t
        .corridor
        .referral_for(&sponsor, referred)
        .await
        .expect("referral");
    assert_eq!(one.name, "Ярослава Глебовна Пустовойтова");

    let err = t
        .corridor
        .referral_for(&sponsor, kept)
        .await
        .expect_err("not referred");
    assert!(matches!(err, AppError::CaseNotFound(_)), "{err}");
    let err = t
        .corridor
        .case_for(&sponsor, referred)
        .await
        .expect_err("no full case");
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    // A referral is no share: other roles of the sponsor's organisation see no case either.
    let err = t
        .corridor
        .case_for(&maple_coordinator, referred)
        .await
        .expect_err("not shared");
    assert!(matches!(err, AppError::CaseNotFound(_)), "{err}");
    let (total, _) = t
        .corridor
        .cases_for(&maple_coordinator, &CaseFilter::default(), Page::new(0, 10))
        .await
        .expect("list");
    assert_eq!(total, 0);

    assert!(
        t.corridor
            .revoke(&coordinator, referred, maple, GrantKind::Referral)
            .await
            .expect("withdraw")
    );
    assert!(
        t.corridor
            .referrals_for(&sponsor)
            .await
            .expect("referrals")
            .is_empty()
    );
    let err = t
        .corridor
        .referral_for(&sponsor, referred)
        .await
        .expect_err("withdrawn");
    assert!(matches!(err, AppError::CaseNotFound(_)), "{err}");
}
