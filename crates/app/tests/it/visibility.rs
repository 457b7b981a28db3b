//! Default deny through the use cases: own cases, shared cases, and nothing else.

use chrono::Utc;
use corridor_app::{AppError, CaseView, Principal};
use corridor_core::{OrgId, OrgName, Organisation, Role};
use corridor_store::{CaseFilter, Page};

use crate::support::{TestCorridor, example, example_with};

const PASSWORD: &str = "visibility test password";

async fn member(
    t: &TestCorridor,
    admin: &Principal,
    org: OrgId,
    name: &str,
    role: Role,
) -> Principal {
    let user = t
        .corridor
        .create_user(admin, org, name, role, PASSWORD, Utc::now())
        .await
        .expect("user");
    Principal::of(&user)
}

#[tokio::test]
async fn a_user_sees_own_and_shared_cases_only() {
    let t = TestCorridor::new().await;
    let admin = t
        .corridor
        .create_first_admin(t.organisation, "admin", PASSWORD, Utc::now())
        .await
        .expect("admin");
    let admin = Principal::of(&admin);
    let partner = Organisation {
        id: OrgId::random(),
        name: OrgName::new("Partner").expect("name"),
    };
    t.corridor
        .store()
        .insert_organisation(&partner)
        .await
        .expect("org");
    let coordinator = member(&t, &admin, t.organisation, "coord", Role::Coordinator).await;
    let outsider = member(&t, &admin, partner.id, "outsider", Role::Caseworker).await;

    let own = t
        .corridor
        .add_case(t.organisation, example())
        .await
        .expect("add");
    let shared = t
        .corridor
        .add_case(
            t.organisation,
            example_with(|v| {
                v["person"]["names"] =
                    serde_json::json!([{ "text": "Shared Caseova", "kind": "passport" }])
            }),
        )
        .await
        .expect("add");
    let ids = |who: &Principal, filter: CaseFilter| {
        let corridor = &t.corridor;
        let who = who.clone();
        async move {
            let (total, cases) = corridor
                .cases_for(&who, &filter, Page::ALL)
                .await
                .expect("list");
            assert_eq!(total, cases.len() as u64);
            cases.into_iter().map(|c| c.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(ids(&coordinator, CaseFilter::default()).await.len(), 2);
    assert!(
        ids(&outsider, CaseFilter::default()).await.is_empty(),
        "nothing by default"
    );
    assert!(matches!(
        t.corridor.case_for(&outsider, own).await,
        Err(AppError::CaseNotFound(_))
    ));

    t.corridor
        .share_case(&coordinator, shared, partner.id, Utc::now())
        .await
        .expect("share");
    assert_eq!(ids(&outsider, CaseFilter::default()).await, vec![shared]);
    assert!(matches!(
        t.corridor.case_for(&outsider, shared).await,
        Ok(CaseView::Live(_))
    ));
    assert!(matches!(
        t.corridor.case_for(&outsider, own).await,
        Err(AppError::CaseNotFound(_))
    ));
    let other_org = CaseFilter {
        organisation: Some(t.organisation),
        ..CaseFilter::default()
    };
    assert_eq!(
        ids(&outsider, other_org).await,
        vec![shared],
        "filtering by the owner keeps to what is shared"
    );
    let own_org = CaseFilter {
        organisation: Some(partner.id),
        ..CaseFilter::default()
    };
    assert!(
        ids(&coordinator, own_org).await.is_empty(),
        "the partner shares nothing back"
    );

    t.corridor
        .unshare_case(&coordinator, shared, partner.id)
        .await
        .expect("unshare");
    assert!(ids(&outsider, CaseFilter::default()).await.is_empty());
    assert!(matches!(
        t.corridor.case_for(&outsider, shared).await,
        Err(AppError::CaseNotFound(_))
    ));
    assert!(matches!(
        t.corridor
            .cases_for(&admin, &CaseFilter::default(), Page::ALL)
            .await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        t.corridor.dashboard(&admin, Utc::now().date_naive()).await,
        Err(AppError::Forbidden(_))
    ));
    let denied = t
        .corridor
        .audit_log(
            &corridor_store::AuditFilter {
                outcome: Some(corridor_core::AuditOutcome::Denied),
                action: Some(corridor_core::AuditAction::CaseListed),
                ..Default::default()
            },
            Page::ALL,
        )
        .await
        .expect("log");
    assert_eq!(
        denied.len(),
        2,
        "both refused lists (list and dashboard) are audited"
    );
}
