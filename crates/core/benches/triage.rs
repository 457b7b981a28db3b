//! Assess and select over 100,000 cases (the target: under 1 s on the development
//! machine).
//!
//!     cargo bench -p corridor-core --bench triage
//!
//! Builds 100,000 synthetic cases (criminal cases under the articles that drive risk,
//! registries, custody, removal dates, vulnerabilities; about a fifth in families of two to
//! five), then, in rounds, assesses every case under the proposed public policy's program file
//! and selects under a capacity of 1,000 persons. Prints the median of each phase.
//!
//! On the 2-core development VM (AMD EPYC), release build, medians of 5 rounds while another
//! build ran: assess 100,000 cases 227 ms, board (group into 82,810 units, order, select
//! exactly under 1,000 persons) 64 ms, total 291 ms.

use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use corridor_core::assessment::{AssessmentFacts, Vulnerability};
use corridor_core::selection::Capacity;
use corridor_core::triage::{Candidate, board};
use corridor_core::{
    Assessment, AssessmentInput, Case, CaseId, CountryCode, CriminalCase, CriminalCaseStatus,
    Custody, EvidenceKind, FamilyUnitId, ItemStanding, MilitaryStatus, NameKind, NameSet, OrgId,
    Person, PersonName, ProceedingsStage, Program, Registry, RegistryEntry, VerificationStatus,
    assess,
};

const CASES: usize = 100_000;
const ROUNDS: usize = 5;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn main() {
    let program = Program::from_toml(include_str!("../../../programs/ca-public-policy-2026.toml"))
        .expect("program file");
    let today: NaiveDate = "2026-11-22".parse().expect("date");
    let (cases, facts, evidence) = synthetic(today);
    let capacity = Capacity::new(1_000).expect("capacity");

    let (mut assessing, mut selecting) = (Vec::new(), Vec::new());
    for round in 1..=ROUNDS {
        let started = Instant::now();
        let assessments: Vec<Assessment> = cases
            .iter()
            .zip(&facts)
            .zip(&evidence)
            .map(|((case, facts), evidence)| {
                assess(
                    AssessmentInput {
                        case,
                        facts,
                        evidence,
                        confirmed_listing: false,
                        today,
                    },
                    &program,
                )
            })
            .collect();
        let assessed = started.elapsed();

        let started = Instant::now();
        let candidates: Vec<Candidate<'_>> = cases
            .iter()
            .zip(&facts)
            .zip(&assessments)
            .map(|((case, facts), assessment)| Candidate {
                case: case.id,
                family_unit: facts.family_unit,
                persons: facts.persons.get(),
                assessment,
            })
            .collect();
        let board = board(&candidates, capacity).expect("board");
        let selected = started.elapsed();
        assert!(board.persons_selected <= 1_000);
        println!(
            "round {round}: assess {:7.1} ms   board {:7.1} ms   ({} units, {} persons selected, {} \
             units selected)",
            ms(assessed),
            ms(selected),
            board.units.len(),
            board.persons_selected,
            board.selected().count()
        );
        assessing.push(assessed);
        selecting.push(selected);
    }
    let (assess, select) = (median(assessing), median(selecting));
    println!(
        "median over {ROUNDS} rounds: assess {:.1} ms, board {:.1} ms, total {:.1} ms (target < 1000 ms)",
        ms(assess),
        ms(select),
        ms(assess + select)
    );
}

fn synthetic(today: NaiveDate) -> (Vec<Case>, Vec<AssessmentFacts>, Vec<Vec<ItemStanding>>) {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let at = DateTime::<Utc>::from_timestamp(1_790_000_000, 0).expect("time");
    let organisation = OrgId::random();
    let articles = [
        "207.3", "280.3", "280.4", "205.2", "275", "338", "337", "284.1",
    ];
    let mut cases = Vec::with_capacity(CASES);
    let mut facts = Vec::with_capacity(CASES);
    let mut evidence = Vec::with_capacity(CASES);
    let mut family: Option<(FamilyUnitId, u64)> = None;
    for i in 0..CASES {
        let name =
            PersonName::new(&format!("Synthetic Person {i}"), NameKind::Passport).expect("name");
        let mut person = Person::new(NameSet::single(name));
        person.nationalities = vec![CountryCode::RU];
        let mut case = Case::new(
            CaseId::random(),
            organisation,
            "ca-public-policy-2026".parse().expect("slug"),
            person,
            at,
        );
        let status = &mut case.us_status;
        status.proceedings = match rng.below(6) {
            0 => ProceedingsStage::FinalOrder,
            1 => ProceedingsStage::BiaAppeal,
            2 => ProceedingsStage::MasterCalendar,
            _ => ProceedingsStage::IndividualHearing,
        };
        status.custody = match rng.below(4) {
            0 => Custody::Detained,
            1 => Custody::OrderOfSupervision,
            _ => Custody::ReleasedOnRecognizance,
        };
        if rng.below(10) == 0 {
            status.scheduled_removal = Some(today + chrono::Days::new(rng.below(90)));
        }
        let risk = &mut case.russia_risk;
        for _ in 0..rng.below(3) {
            risk.criminal_cases.push(CriminalCase {
                article: articles[rng.below(articles.len() as u64) as usize]
                    .parse()
                    .expect("article"),
                status: CriminalCaseStatus::ALL[rng.below(5) as usize],
                opened_on: None,
                note: None,
            });
        }
        if rng.below(4) == 0 {
            risk.registries.push(RegistryEntry {
                registry: Registry::ALL[rng.below(4) as usize],
                listed_on: None,
            });
        }
        risk.military = match rng.below(12) {
            0 => MilitaryStatus::Deserter,
            1 => MilitaryStatus::SummonsEvader,
            _ => MilitaryStatus::NotApplicable,
        };
        let mut fact = AssessmentFacts::default();
        for _ in 0..rng.below(3) {
            fact.vulnerabilities
                .push(Vulnerability::ALL[rng.below(10) as usize]);
        }
        // About a fifth of people are in families of two to five.
        family = match family {
            Some((id, left)) if left > 0 => Some((id, left - 1)),
            _ if rng.below(12) == 0 => Some((FamilyUnitId::random(), 1 + rng.below(4))),
            _ => None,
        };
        fact.family_unit = family.map(|(id, _)| id);
        // Most have some verified evidence of their activity; some have none yet.
        let items = (0..rng.below(4))
            .map(|n| ItemStanding {
                id: format!("{i}-{n}"),
                kind: EvidenceKind::ALL[rng.below(9) as usize],
                status: if rng.below(5) == 0 {
                    VerificationStatus::Unverified
                } else {
                    VerificationStatus::Verified
                },
                source: format!("source {}", rng.below(3)),
                derived: false,
            })
            .collect();
        cases.push(case);
        facts.push(fact);
        evidence.push(items);
    }
    (cases, facts, evidence)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}
