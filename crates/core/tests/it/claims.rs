//! Claim grouping: contradictions are flagged and both sides kept.

use corridor_core::{
    CaseId, CaseInput, Claim, ClaimId, Confidence, OrgId, Source, SourceKind, group_claims,
};

fn claim(fact: &str, assertion: &str, kind: SourceKind, confidence: Confidence) -> Claim {
    Claim::new(
        ClaimId::random(),
        fact.parse().unwrap(),
        assertion,
        Some("2025-08".parse().unwrap()),
        Source::new(kind, "synthetic source").unwrap(),
        confidence,
        vec!["evidence:abc".parse().unwrap()],
    )
    .unwrap()
}

#[test]
fn both_contradicting_claims_are_kept() {
    let deported = claim(
        "returned_to_russia",
        "Deported on an ICE charter via Cairo",
        SourceKind::Media,
        Confidence::Medium,
    );
    let voluntary = claim(
        "returned_to_russia",
        "Returned voluntarily",
        SourceKind::Government,
        Confidence::Low,
    );
    let claims = vec![deported.clone(), voluntary.clone()];
    let groups = group_claims(&claims);
    assert_eq!(groups.len(), 1);
    let group = &groups[0];
    assert!(group.contradicted);
    assert_eq!(group.claims, vec![&deported, &voluntary]);
    assert_eq!(group.best_confidence(), Some(Confidence::Medium));
}

#[test]
fn repeated_assertions_are_not_a_contradiction_but_all_are_kept() {
    let claims = vec![
        claim(
            "detained_on_arrival",
            "Detained on arrival",
            SourceKind::Family,
            Confidence::Low,
        ),
        claim(
            "detained_on_arrival",
            "DETAINED  on\narrival ",
            SourceKind::Ngo,
            Confidence::High,
        ),
        claim(
            "summons_handed",
            "Handed a draft summons",
            SourceKind::Media,
            Confidence::Low,
        ),
    ];
    let groups = group_claims(&claims);
    assert_eq!(groups.len(), 2);
    assert!(!groups[0].contradicted);
    assert_eq!(groups[0].claims.len(), 2);
    assert_eq!(groups[1].fact.as_str(), "summons_handed");
    assert!(!groups[1].contradicted);
    let total: usize = groups.iter().map(|g| g.claims.len()).sum();
    assert_eq!(total, claims.len());
}

#[test]
fn contradicting_claims_from_a_case_document_survive_into_the_case() {
    let input = CaseInput::from_json(include_str!("../../../../examples/case.json")).unwrap();
    let submitted = input.claims.len();
    let case = input.into_case(CaseId::random(), OrgId::random(), chrono::Utc::now());
    assert_eq!(case.claims.len(), submitted);
    let ids: std::collections::BTreeSet<_> = case.claims.iter().map(Claim::id).collect();
    assert_eq!(ids.len(), submitted, "claims get distinct fresh ids");
    let groups = case.claim_groups();
    let contradicted: Vec<_> = groups.iter().filter(|g| g.contradicted).collect();
    assert_eq!(contradicted.len(), 1);
    assert_eq!(contradicted[0].claims.len(), 2);
    let kinds: Vec<_> = contradicted[0]
        .claims
        .iter()
        .map(|c| c.source().kind())
        .collect();
    assert_eq!(kinds, [SourceKind::Media, SourceKind::Lawyer]);
}
