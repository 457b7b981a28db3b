//! Triage: family units are never split, capacity never exceeded, excluded units say why.

use chrono::{DateTime, NaiveDate, Utc};
use corridor_core::assessment::{AssessmentFacts, PriorityLevel};
use corridor_core::selection::Capacity;
use corridor_core::triage::{Candidate, Exclusion, board};
use corridor_core::{
    Assessment, AssessmentInput, Case, CaseId, CountryCode, CriminalCase, CriminalCaseStatus,
    Custody, FamilyUnitId, NameKind, NameSet, OrgId, Person, PersonName, ProceedingsStage, Program,
    assess,
};
use proptest::prelude::*;

fn today() -> NaiveDate {
    "2026-11-22".parse().unwrap()
}

fn program() -> Program {
    Program::from_toml(
        "slug = \"test\"\nname = \"Test\"\npathway = \"public_policy\"\ncapacity = 10\n\
         [eligibility]\nmin_risk = \"high\"\n",
    )
    .unwrap()
}

/// A case whose risk is charged under `article` (or nothing, when `None`), removal in `days`.
fn case(article: Option<&str>, removal_in: Option<i64>) -> Case {
    let name = PersonName::new("Synthetic Person", NameKind::Passport).unwrap();
    let mut person = Person::new(NameSet::single(name));
    person.nationalities = vec![CountryCode::RU];
    let at = DateTime::<Utc>::from_timestamp(1_790_000_000, 0).unwrap();
    let mut case = Case::new(
        CaseId::random(),
        OrgId::random(),
        "test".parse().unwrap(),
        person,
        at,
    );
    case.us_status.proceedings = ProceedingsStage::IndividualHearing;
    case.us_status.custody = Custody::ReleasedOnRecognizance;
    case.us_status.scheduled_removal = removal_in.map(|d| today() + chrono::Duration::days(d));
    if let Some(article) = article {
        case.russia_risk.criminal_cases.push(CriminalCase {
            article: article.parse().unwrap(),
            status: CriminalCaseStatus::Charged,
            opened_on: None,
            note: None,
        });
    }
    case
}

fn assessed(case: &Case, facts: &AssessmentFacts) -> Assessment {
    assess(
        AssessmentInput {
            case,
            facts,
            evidence: &[],
            confirmed_listing: false,
            today: today(),
        },
        &program(),
    )
}

fn candidate<'a>(case: &Case, family: Option<FamilyUnitId>, a: &'a Assessment) -> Candidate<'a> {
    Candidate {
        case: case.id,
        family_unit: family,
        persons: 1,
        assessment: a,
    }
}

#[test]
fn a_family_with_an_ineligible_member_is_left_out_whole() {
    let family = FamilyUnitId::random();
    let parent = case(Some("207.3"), Some(3));
    // Nothing recorded about the risk: below the program's minimum.
    let child = case(None, None);
    let alone = case(Some("280.3"), None);
    let facts = AssessmentFacts::default();
    let (a_parent, a_child, a_alone) = (
        assessed(&parent, &facts),
        assessed(&child, &facts),
        assessed(&alone, &facts),
    );
    let candidates = [
        candidate(&parent, Some(family), &a_parent),
        candidate(&child, Some(family), &a_child),
        candidate(&alone, None, &a_alone),
    ];
    let board = board(&candidates, Capacity::new(10).unwrap()).unwrap();
    assert_eq!(board.units.len(), 2);
    assert_eq!(board.persons_selected, 1);
    let selected: Vec<_> = board.selected().collect();
    assert_eq!(selected.len(), 1);
    assert_eq!(selected[0].cases, [alone.id]);
    let family_unit = board.units.iter().find(|u| u.cases.len() == 2).unwrap();
    assert!(!family_unit.selected);
    assert_eq!(
        family_unit.excluded,
        Some(Exclusion::NotEligible { case: child.id })
    );
    assert!(
        family_unit.why.contains("never split"),
        "{}",
        family_unit.why
    );
    // The family's most pressing member sets its priority.
    assert_eq!(family_unit.priority, PriorityLevel::Emergency);
    assert_eq!(family_unit.days_left, 3);
}

#[test]
fn the_board_lists_selected_units_first_then_by_priority() {
    let cases: Vec<Case> = [
        (Some("207.3"), Some(30)),
        (Some("207.3"), Some(2)),
        (Some("280.3"), None),
    ]
    .into_iter()
    .map(|(a, r)| case(a, r))
    .collect();
    let facts = AssessmentFacts::default();
    let assessments: Vec<Assessment> = cases.iter().map(|c| assessed(c, &facts)).collect();
    let candidates: Vec<Candidate<'_>> = cases
        .iter()
        .zip(&assessments)
        .map(|(c, a)| candidate(c, None, a))
        .collect();
    let board = board(&candidates, Capacity::new(2).unwrap()).unwrap();
    let order: Vec<CaseId> = board.units.iter().map(|u| u.cases[0]).collect();
    assert_eq!(order, [cases[1].id, cases[0].id, cases[2].id]);
    assert_eq!(
        board.units.iter().map(|u| u.selected).collect::<Vec<_>>(),
        [true, true, false]
    );
    assert!(
        board.units[2]
            .why
            .starts_with("Not selected: 2 other families of 1 person rank above it"),
        "{}",
        board.units[2].why
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whatever the cases and families, capacity is never exceeded and a family is taken whole
    /// or not at all.
    #[test]
    fn capacity_holds_and_families_stay_whole(
        people in prop::collection::vec((0usize..4, prop::option::of(0i64..60), 0usize..4, 1u32..4), 1..30),
        capacity in 0u32..20,
    ) {
        let articles = [None, Some("207.3"), Some("280.3"), Some("338")];
        let families: Vec<FamilyUnitId> = (0..3).map(|_| FamilyUnitId::random()).collect();
        let built: Vec<(Case, Option<FamilyUnitId>, u32)> = people
            .iter()
            .map(|(article, removal, family, persons)| {
                (case(articles[*article], *removal), families.get(*family).copied(), *persons)
            })
            .collect();
        let facts = AssessmentFacts::default();
        let assessments: Vec<Assessment> = built.iter().map(|(c, _, _)| assessed(c, &facts)).collect();
        let candidates: Vec<Candidate<'_>> = built
            .iter()
            .zip(&assessments)
            .map(|((c, family, persons), a)| Candidate { case: c.id, family_unit: *family, persons: *persons, assessment: a })
            .collect();
        let board = board(&candidates, Capacity::new(capacity).unwrap()).unwrap();
        prop_assert!(board.persons_selected <= capacity);
        let selected_persons: u32 = board.selected().map(|u| u.persons).sum();
        prop_assert_eq!(selected_persons, board.persons_selected);
        for family in &families {
            let members: Vec<CaseId> = candidates.iter().filter(|c| c.family_unit == Some(*family)).map(|c| c.case).collect();
            let holding: Vec<_> = board.units.iter().filter(|u| u.cases.iter().any(|c| members.contains(c))).collect();
            // One unit holds every member of a family.
            prop_assert!(holding.len() <= 1);
            if let Some(unit) = holding.first() {
                prop_assert_eq!(unit.cases.len(), members.len());
            }
        }
        // Every case appears exactly once.
        let listed: usize = board.units.iter().map(|u| u.cases.len()).sum();
        prop_assert_eq!(listed, candidates.len());
    }
}
