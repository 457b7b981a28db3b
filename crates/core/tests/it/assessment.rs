//! Assessment: golden checklists of hand-written cases (each STCA exception, each
//! inadmissibility flag, the recognition rule), scores and their properties, priority levels.

use chrono::{DateTime, NaiveDate, Utc};
use corridor_core::assessment::{
    AssessmentFacts, CheckKind, CheckStatus, CriminalRecord, FlagClearance, FlagKind,
    PriorityLevel, Reason, Recogniser, Recognition, ScoreKind, ScoreOverride, StcaException,
    Vulnerability, scores,
};
use corridor_core::{
    Article, AssessmentInput, CanadianStatus, Case, CaseId, CountryCode, CriminalCase,
    CriminalCaseStatus, Custody, FamilyLink, MilitaryStatus, NameKind, NameSet, OrgId, Person,
    PersonName, ProceedingsStage, Program, PublicProfile, Registry, RegistryEntry, Relation,
    Relief, RussiaRisk, Stay, StayKind, UserId, WantedStatus, assess,
};
use proptest::prelude::*;

const TODAY: &str = "2026-11-22";

fn today() -> NaiveDate {
    TODAY.parse().unwrap()
}

fn day(offset: i64) -> NaiveDate {
    today() + chrono::Duration::days(offset)
}

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_790_000_000, 0).unwrap()
}

fn program(extra: &str) -> Program {
    Program::from_toml(&format!(
        "slug = \"test\"\nname = \"Test\"\npathway = \"public_policy\"\ncapacity = 10\n{extra}"
    ))
    .unwrap()
}

fn sponsorship(sponsor: &str) -> Program {
    Program::from_toml(&format!(
        "slug = \"psr\"\nname = \"PSR\"\npathway = \"private_sponsorship\"\ncapacity = 10\n\
         sponsor = \"{sponsor}\"\n"
    ))
    .unwrap()
}

/// A Russian in US removal proceedings, charged under 207.3, with nothing else recorded.
fn activist() -> Case {
    let name = PersonName::new("Synthetic Activist", NameKind::Passport).unwrap();
    let mut person = Person::new(NameSet::single(name));
    person.nationalities = vec![CountryCode::RU];
    let mut case = Case::new(
        CaseId::random(),
        OrgId::random(),
        "test".parse().unwrap(),
        person,
        at(),
    );
    case.us_status.proceedings = ProceedingsStage::IndividualHearing;
    case.us_status.custody = Custody::ReleasedOnRecognizance;
    case.russia_risk
        .criminal_cases
        .push(criminal("207.3", CriminalCaseStatus::Charged));
    case
}

fn criminal(article: &str, status: CriminalCaseStatus) -> CriminalCase {
    CriminalCase {
        article: article.parse::<Article>().unwrap(),
        status,
        opened_on: None,
        note: None,
    }
}

fn assessed(case: &Case, facts: &AssessmentFacts, program: &Program) -> corridor_core::Assessment {
    assess(
        AssessmentInput {
            case,
            facts,
            evidence: &[],
            confirmed_listing: false,
            today: today(),
        },
        program,
    )
}

fn status_of(a: &corridor_core::Assessment, kind: CheckKind) -> CheckStatus {
    a.checklist.item(kind).unwrap().status
}

fn flags(a: &corridor_core::Assessment) -> Vec<FlagKind> {
    a.checklist.flags.iter().map(|f| f.kind).collect()
}

fn reason(text: &str) -> Reason {
    Reason::new(text, "reason").unwrap()
}

#[test]
fn a_russian_in_us_proceedings_is_outside_the_country_of_nationality() {
    let case = activist();
    let a = assessed(&case, &AssessmentFacts::default(), &program(""));
    assert_eq!(
        status_of(&a, CheckKind::OutsideNationality),
        CheckStatus::Met
    );
    assert_eq!(status_of(&a, CheckKind::WellFoundedFear), CheckStatus::Met);
    assert_eq!(status_of(&a, CheckKind::ConventionGround), CheckStatus::Met);
    assert_eq!(
        status_of(&a, CheckKind::Recognition),
        CheckStatus::NotRequired
    );
    assert!(a.checklist.eligible());
    assert!(!a.checklist.referral_blocked());

    // Removed to Russia: no longer outside it.
    let mut removed = activist();
    removed.us_status.proceedings = ProceedingsStage::Removed;
    let facts = AssessmentFacts {
        current_country: Some(CountryCode::RU),
        ..AssessmentFacts::default()
    };
    let a = assessed(&removed, &facts, &program(""));
    assert_eq!(
        status_of(&a, CheckKind::OutsideNationality),
        CheckStatus::NotMet
    );
    assert!(!a.checklist.eligible());
    assert!(!a.checklist.stca.applies);

    // Nowhere recorded: unknown, which does not exclude.
    let mut unknown = activist();
    unknown.us_status.proceedings = ProceedingsStage::None;
    let a = assessed(&unknown, &AssessmentFacts::default(), &program(""));
    assert_eq!(
        status_of(&a, CheckKind::OutsideNationality),
        CheckStatus::Unknown
    );
    assert!(a.checklist.eligible());
}

#[test]
fn stca_without_an_exception_bars_a_border_claim() {
    let a = assessed(&activist(), &AssessmentFacts::default(), &program(""));
    assert!(a.checklist.stca.applies);
    assert!(a.checklist.stca.exceptions.is_empty());
    assert!(!a.checklist.stca.could_claim_at_border());
}

#[test]
fn each_stca_exception_opens_the_border() {
    let mut family = activist();
    family.person.family.push(
        FamilyLink::new(Relation::Sibling, None, true, Some(CanadianStatus::Citizen)).unwrap(),
    );
    let base = AssessmentFacts::default();
    let cases: Vec<(Case, AssessmentFacts, StcaException)> = vec![
        (family, base.clone(), StcaException::FamilyMember),
        (
            activist(),
            AssessmentFacts {
                unaccompanied_minor: true,
                ..base.clone()
            },
            StcaException::UnaccompaniedMinor,
        ),
        (
            activist(),
            AssessmentFacts {
                canadian_visa_or_permit: true,
                ..base.clone()
            },
            StcaException::DocumentHolder,
        ),
        (
            activist(),
            AssessmentFacts {
                faces_death_penalty: true,
                ..base.clone()
            },
            StcaException::DeathPenalty,
        ),
    ];
    for (case, facts, exception) in cases {
        let a = assessed(&case, &facts, &program(""));
        assert_eq!(a.checklist.stca.exceptions, [exception]);
        assert!(a.checklist.stca.could_claim_at_border(), "{exception}");
    }

    // A relative in Canada without a qualifying status (or not in Canada) is no exception.
    let mut distant = activist();
    distant
        .person
        .family
        .push(FamilyLink::new(Relation::Other, None, true, Some(CanadianStatus::Citizen)).unwrap());
    distant
        .person
        .family
        .push(FamilyLink::new(Relation::Spouse, None, false, None).unwrap());
    let a = assessed(&distant, &base, &program(""));
    assert!(a.checklist.stca.exceptions.is_empty());
}

#[test]
fn a_prior_us_asylum_claim_is_reported() {
    let mut case = activist();
    let a = assessed(&case, &AssessmentFacts::default(), &program(""));
    assert!(!a.checklist.prior_us_asylum_claim);
    case.us_status.relief_sought.push(Relief::Asylum);
    let a = assessed(&case, &AssessmentFacts::default(), &program(""));
    assert!(a.checklist.prior_us_asylum_claim);
    // It bars a claim in Canada, not resettlement.
    assert!(a.checklist.eligible());
}

#[test]
fn groups_of_five_and_community_sponsors_need_recognition() {
    let recognised = AssessmentFacts {
        recognition: Some(Recognition {
            by: Recogniser::Unhcr,
            state: None,
        }),
        ..AssessmentFacts::default()
    };
    for sponsor in ["group_of_five", "community_sponsor"] {
        let a = assessed(
            &activist(),
            &AssessmentFacts::default(),
            &sponsorship(sponsor),
        );
        assert_eq!(
            status_of(&a, CheckKind::Recognition),
            CheckStatus::NotMet,
            "{sponsor}"
        );
        assert!(!a.checklist.eligible(), "{sponsor}");
        let a = assessed(&activist(), &recognised, &sponsorship(sponsor));
        assert_eq!(
            status_of(&a, CheckKind::Recognition),
            CheckStatus::Met,
            "{sponsor}"
        );
        assert!(a.checklist.eligible(), "{sponsor}");
    }
    let a = assessed(
        &activist(),
        &AssessmentFacts::default(),
        &sponsorship("sponsorship_agreement_holder"),
    );
    assert_eq!(
        status_of(&a, CheckKind::Recognition),
        CheckStatus::NotRequired
    );
    // A program may ask for it of its own accord.
    let strict = program("[eligibility]\nrequires_recognition = true\n");
    let a = assessed(&activist(), &AssessmentFacts::default(), &strict);
    assert_eq!(status_of(&a, CheckKind::Recognition), CheckStatus::NotMet);
}

#[test]
fn a_confirmed_listing_raises_the_sanctions_flag_and_blocks_referral() {
    let case = activist();
    let facts = AssessmentFacts::default();
    let a = assess(
        AssessmentInput {
            case: &case,
            facts: &facts,
            evidence: &[],
            confirmed_listing: true,
            today: today(),
        },
        &program(""),
    );
    assert_eq!(flags(&a), [FlagKind::SanctionsListing]);
    assert!(a.checklist.referral_blocked());
    assert!(!a.selectable());
}

#[test]
fn military_service_raises_the_war_crimes_review_flag() {
    for military in [
        MilitaryStatus::Mobilised,
        MilitaryStatus::Deserter,
        MilitaryStatus::Reservist,
    ] {
        let mut case = activist();
        case.russia_risk.military = military;
        let a = assessed(&case, &AssessmentFacts::default(), &program(""));
        assert_eq!(flags(&a), [FlagKind::MilitaryService], "{military}");
    }
    // Evading a summons is not service.
    let mut evader = activist();
    evader.russia_risk.military = MilitaryStatus::SummonsEvader;
    assert!(
        flags(&assessed(
            &evader,
            &AssessmentFacts::default(),
            &program("")
        ))
        .is_empty()
    );
    // Service recorded elsewhere (another army, an earlier contract).
    let facts = AssessmentFacts {
        served_in_armed_forces: true,
        ..AssessmentFacts::default()
    };
    assert_eq!(
        flags(&assessed(&activist(), &facts, &program(""))),
        [FlagKind::MilitaryService]
    );
}

#[test]
fn a_criminal_record_raises_the_serious_criminality_flag_unless_politically_motivated() {
    let record = |politically_motivated| CriminalRecord {
        country: CountryCode::US,
        offence: reason("shoplifting"),
        politically_motivated,
    };
    let facts = AssessmentFacts {
        criminal_records: vec![record(false)],
        ..AssessmentFacts::default()
    };
    assert_eq!(
        flags(&assessed(&activist(), &facts, &program(""))),
        [FlagKind::CriminalRecord]
    );
    let facts = AssessmentFacts {
        criminal_records: vec![record(true)],
        ..AssessmentFacts::default()
    };
    assert!(flags(&assessed(&activist(), &facts, &program(""))).is_empty());
}

#[test]
fn politically_motivated_russian_convictions_never_count() {
    let mut case = activist();
    case.russia_risk.criminal_cases = ["207.3", "280.3", "205.2", "275", "284.1", "338", "158"]
        .iter()
        .map(|article| criminal(article, CriminalCaseStatus::Convicted))
        .collect();
    let a = assessed(&case, &AssessmentFacts::default(), &program(""));
    assert!(flags(&a).is_empty());
    assert!(!a.checklist.referral_blocked());
}

#[test]
fn a_legal_user_clears_a_flag_with_a_reason() {
    let lawyer = UserId::random();
    let mut facts = AssessmentFacts {
        criminal_records: vec![CriminalRecord {
            country: CountryCode::US,
            offence: reason("a traffic offence"),
            politically_motivated: false,
        }],
        served_in_armed_forces: true,
        ..AssessmentFacts::default()
    };
    facts.clearances.push(FlagClearance {
        flag: FlagKind::CriminalRecord,
        by: lawyer,
        at: at(),
        reason: reason("a minor offence, not serious criminality under s.36"),
    });
    let a = assessed(&activist(), &facts, &program(""));
    let criminal = a
        .checklist
        .flags
        .iter()
        .find(|f| f.kind == FlagKind::CriminalRecord)
        .unwrap();
    assert_eq!(criminal.cleared_by, Some(lawyer));
    assert!(!criminal.blocks());
    // The military flag still blocks.
    assert!(a.checklist.referral_blocked());
    facts.clearances.push(FlagClearance {
        flag: FlagKind::MilitaryService,
        by: lawyer,
        at: at(),
        reason: reason("conscript service in 2010, no combat; Article 1F review done"),
    });
    assert!(
        !assessed(&activist(), &facts, &program(""))
            .checklist
            .referral_blocked()
    );
}

#[test]
fn the_programs_own_rules_are_checked() {
    let strict = program(
        "[eligibility]\nlocations = [\"US\"]\nnationalities = [\"RU\", \"BY\"]\nmin_risk = \"severe\"\n",
    );
    let a = assessed(&activist(), &AssessmentFacts::default(), &strict);
    assert_eq!(status_of(&a, CheckKind::ProgramLocation), CheckStatus::Met);
    assert_eq!(
        status_of(&a, CheckKind::ProgramNationality),
        CheckStatus::Met
    );
    // 207.3 charged carries 15 years: severe.
    assert_eq!(status_of(&a, CheckKind::ProgramRisk), CheckStatus::Met);

    let mut ukrainian = activist();
    ukrainian.person.nationalities = vec!["UA".parse().unwrap()];
    ukrainian.russia_risk = RussiaRisk {
        public_profile: PublicProfile::High,
        ..RussiaRisk::default()
    };
    let a = assessed(&ukrainian, &AssessmentFacts::default(), &strict);
    assert_eq!(
        status_of(&a, CheckKind::ProgramNationality),
        CheckStatus::NotMet
    );
    assert_eq!(status_of(&a, CheckKind::ProgramRisk), CheckStatus::NotMet);
    assert!(!a.checklist.eligible());
}

#[test]
fn scores_explain_themselves_and_never_name_the_person() {
    let mut case = activist();
    case.russia_risk.registries.push(RegistryEntry {
        registry: Registry::ForeignAgents,
        listed_on: None,
    });
    case.russia_risk.wanted = WantedStatus::Federal;
    case.us_status.custody = Custody::Detained;
    case.us_status.scheduled_removal = Some(day(5));
    let facts = AssessmentFacts {
        vulnerabilities: vec![Vulnerability::MedicalNeeds, Vulnerability::Lgbtq],
        ..AssessmentFacts::default()
    };
    let a = assessed(&case, &facts, &program(""));
    // 207.3: 15 years × 4 points, a registry 20, wanted 30: capped at 100.
    assert_eq!(a.risk.computed, 100);
    assert_eq!(
        a.risk.factors.iter().map(|f| f.points).collect::<Vec<_>>(),
        [60, 20, 30]
    );
    assert!(
        a.risk.factors[0].what.contains("207.3"),
        "{:?}",
        a.risk.factors
    );
    assert_eq!(a.urgency.computed, 100);
    assert!(
        a.urgency.factors[0].what.contains("in 5 days"),
        "{:?}",
        a.urgency.factors
    );
    assert_eq!(a.vulnerability.computed, 40);
    assert_eq!(a.priority.level, PriorityLevel::Emergency);
    assert_eq!(a.priority.days_left, 5);
    assert_eq!(a.priority.deadline, day(5));
    let shown = serde_json::to_string(&a).unwrap();
    assert!(!shown.contains("Synthetic"), "{shown}");
    // Objective: 4 × 100 + 3 × 100 + 2 × 40 + 1 × 0.
    assert_eq!(a.objective, 780);
}

#[test]
fn an_override_replaces_the_computed_score_and_says_so() {
    let facts = AssessmentFacts {
        overrides: vec![ScoreOverride {
            score: ScoreKind::Vulnerability,
            value: 90,
            by: UserId::random(),
            at: at(),
            reason: reason("a serious condition the categories do not capture"),
        }],
        ..AssessmentFacts::default()
    };
    let a = assessed(&activist(), &facts, &program(""));
    assert_eq!(a.vulnerability.computed, 0);
    assert_eq!(a.vulnerability.value, 90);
    assert!(a.vulnerability.overridden);
    assert!(!a.risk.overridden);
    let plain = assessed(&activist(), &AssessmentFacts::default(), &program(""));
    assert_eq!(a.objective, plain.objective + 2 * 90);
}

#[test]
fn age_counts_only_when_the_birth_date_settles_it() {
    let mut child = activist();
    child.person.birth_date = Some("2015-03".parse().unwrap());
    let a = assessed(&child, &AssessmentFacts::default(), &program(""));
    assert_eq!(a.vulnerability.computed, 15);
    let mut elder = activist();
    elder.person.birth_date = Some("1950".parse().unwrap());
    assert_eq!(
        assessed(&elder, &AssessmentFacts::default(), &program(""))
            .vulnerability
            .computed,
        10
    );
    // Born in 2008: 17 or 18 on the assessment date, so neither.
    let mut unsure = activist();
    unsure.person.birth_date = Some("2008".parse().unwrap());
    assert_eq!(
        assessed(&unsure, &AssessmentFacts::default(), &program(""))
            .vulnerability
            .computed,
        0
    );
}

#[test]
fn priority_levels_follow_the_us_status() {
    let windows = program("").priority;
    let level = |f: &dyn Fn(&mut Case)| {
        let mut case = activist();
        f(&mut case);
        corridor_core::assessment::priority(&case.us_status, today(), &windows)
    };
    let p = level(&|_| {});
    assert_eq!((p.level, p.days_left), (PriorityLevel::Normal, 365));
    let p = level(&|c| c.us_status.scheduled_removal = Some(day(7)));
    assert_eq!((p.level, p.days_left), (PriorityLevel::Emergency, 7));
    let p = level(&|c| c.us_status.scheduled_removal = Some(day(8)));
    assert_eq!((p.level, p.days_left), (PriorityLevel::Urgent, 8));
    let p = level(&|c| c.us_status.scheduled_removal = Some(day(100)));
    assert_eq!((p.level, p.days_left), (PriorityLevel::Normal, 100));
    let p = level(&|c| {
        c.us_status.proceedings = ProceedingsStage::FinalOrder;
        c.us_status.custody = Custody::Detained;
    });
    assert_eq!((p.level, p.days_left), (PriorityLevel::Emergency, 7));
    let p = level(&|c| c.us_status.proceedings = ProceedingsStage::FinalOrder);
    assert_eq!(p.level, PriorityLevel::Urgent);
    // A stay in force takes the order's urgency away.
    let p = level(&|c| {
        c.us_status.proceedings = ProceedingsStage::FinalOrder;
        c.us_status
            .stays
            .push(Stay::new(StayKind::CircuitCourt, Some(day(-3)), None).unwrap());
    });
    assert_eq!(p.level, PriorityLevel::Normal);
    // A removal date in the past does not count.
    let p = level(&|c| c.us_status.scheduled_removal = Some(day(-1)));
    assert_eq!(p.level, PriorityLevel::Normal);
}

fn article() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "207.3", "280.3", "280.4", "205.2", "275", "338", "337", "158", "105",
    ])
}

fn criminal_status() -> impl Strategy<Value = CriminalCaseStatus> {
    prop::sample::select(CriminalCaseStatus::ALL.to_vec())
}

fn russia_risk() -> impl Strategy<Value = RussiaRisk> {
    (
        prop::collection::vec((article(), criminal_status()), 0..4),
        prop::collection::vec(prop::sample::select(Registry::ALL.to_vec()), 0..3),
        prop::sample::select(WantedStatus::ALL.to_vec()),
        prop::sample::select(MilitaryStatus::ALL.to_vec()),
        prop::sample::select(PublicProfile::ALL.to_vec()),
    )
        .prop_map(
            |(cases, registries, wanted, military, public_profile)| RussiaRisk {
                criminal_cases: cases.into_iter().map(|(a, s)| criminal(a, s)).collect(),
                registries: registries
                    .into_iter()
                    .map(|registry| RegistryEntry {
                        registry,
                        listed_on: None,
                    })
                    .collect(),
                wanted,
                military,
                public_profile,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Recording one more criminal case or registry listing never lowers the risk score.
    #[test]
    fn adding_a_risk_factor_never_lowers_risk(
        risk in russia_risk(),
        extra_case in (article(), criminal_status()),
        extra_registry in prop::sample::select(Registry::ALL.to_vec()),
    ) {
        let weights = program("").weights.risk;
        let facts = AssessmentFacts::default();
        let before = scores::risk_on_return(&risk, &facts, &weights).computed;
        let mut more = risk.clone();
        more.criminal_cases.push(criminal(extra_case.0, extra_case.1));
        prop_assert!(scores::risk_on_return(&more, &facts, &weights).computed >= before);
        let mut listed = risk.clone();
        listed.registries.push(RegistryEntry { registry: extra_registry, listed_on: None });
        prop_assert!(scores::risk_on_return(&listed, &facts, &weights).computed >= before);
        // And the level agrees in direction.
        prop_assert!(more.level() >= risk.level());
    }

    /// Every score stays within 0..=100, whatever is recorded.
    #[test]
    fn scores_stay_in_range(risk in russia_risk(), needs in prop::collection::vec(prop::sample::select(Vulnerability::ALL.to_vec()), 0..12)) {
        let mut case = activist();
        case.russia_risk = risk;
        let facts = AssessmentFacts { vulnerabilities: needs, ..AssessmentFacts::default() };
        let a = assessed(&case, &facts, &program(""));
        for score in a.scores() {
            prop_assert!(score.value <= 100 && score.computed <= 100);
        }
    }
}
