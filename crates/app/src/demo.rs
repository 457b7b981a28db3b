//! Synthetic cases for the demo and the benchmarks. Names are assembled from syllables and
//! common given names, so no record describes a real person; every stage, custody and risk
//! profile is covered. Cases go in through the same validated input path as `case add`.

use chrono::{Duration, NaiveDate};
use corridor_core::{CaseInput, Custody, OrgId, ProceedingsStage, Stage};
use corridor_crypto::Zeroizing;
use corridor_screen::lists::{EntityKind, ListEntry, ListSource};
use corridor_screen::screening::ListIndex;
use corridor_store::{CaseFilter, Page};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::{Corridor, Result};

/// Cases are written in batches of this many, one transaction each.
const BATCH: usize = 1_000;

/// (Cyrillic, Latin as in an ICAO passport)
const MALE_GIVEN: &[(&str, &str)] = &[
    ("Алексей", "Aleksei"),
    ("Дмитрий", "Dmitrii"),
    ("Иван", "Ivan"),
    ("Сергей", "Sergei"),
    ("Михаил", "Mikhail"),
    ("Андрей", "Andrei"),
    ("Николай", "Nikolai"),
    ("Павел", "Pavel"),
    ("Егор", "Egor"),
    ("Юрий", "Iurii"),
    ("Кирилл", "Kirill"),
    ("Тимофей", "Timofei"),
    ("Глеб", "Gleb"),
    ("Фёдор", "Fedor"),
    ("Роман", "Roman"),
    ("Илья", "Ilia"),
];
const FEMALE_GIVEN: &[(&str, &str)] = &[
    ("Анна", "Anna"),
    ("Мария", "Mariia"),
    ("Ольга", "Olga"),
    ("Екатерина", "Ekaterina"),
    ("Юлия", "Iuliia"),
    ("Дарья", "Daria"),
    ("Ксения", "Kseniia"),
    ("Полина", "Polina"),
    ("Наталья", "Natalia"),
    ("Светлана", "Svetlana"),
    ("Алёна", "Alena"),
    ("Вера", "Vera"),
];
/// Syllables that make up surname stems: (Cyrillic, Latin).
const STEM_HEADS: &[(&str, &str)] = &[
    ("Зар", "Zar"),
    ("Мел", "Mel"),
    ("Тих", "Tikh"),
    ("Вол", "Vol"),
    ("Рыж", "Ryzh"),
    ("Щег", "Shcheg"),
    ("Жур", "Zhur"),
    ("Чер", "Cher"),
    ("Лап", "Lap"),
    ("Гор", "Gor"),
    ("Кудр", "Kudr"),
    ("Ясн", "Iasn"),
    ("Бур", "Bur"),
    ("Сит", "Sit"),
    ("Хол", "Khol"),
];
const STEM_TAILS: &[(&str, &str)] = &[
    ("ан", "an"),
    ("ен", "en"),
    ("от", "ot"),
    ("ык", "yk"),
    ("ищ", "ishch"),
    ("ял", "ial"),
    ("ун", "un"),
    ("ец", "ets"),
    ("ож", "ozh"),
    ("ав", "av"),
];
/// Surname endings: (male Cyrillic, male Latin, female Cyrillic, female Latin).
const ENDINGS: &[(&str, &str, &str, &str)] = &[
    ("ов", "ov", "ова", "ova"),
    ("ин", "in", "ина", "ina"),
    ("ский", "skii", "ская", "skaia"),
    ("ев", "ev", "ева", "eva"),
];
const FACILITIES: &[&str] = &[
    "Example Processing Center, Louisiana",
    "Sample Detention Facility, Arizona",
    "Demo County Jail, Texas",
];

/// A passphrase for a throw-away demo store: 24 random letters and digits.
pub fn passphrase() -> Zeroizing<String> {
    let mut rng = rand::thread_rng();
    Zeroizing::new(
        (0..24)
            .map(|_| rng.sample(rand::distributions::Alphanumeric) as char)
            .collect(),
    )
}

/// Adds `count` synthetic cases to `organisation`, in batches. Returns how many were added.
pub async fn seed(
    corridor: &Corridor,
    organisation: OrgId,
    count: u32,
    seed: u64,
    today: NaiveDate,
) -> Result<u32> {
    let mut rng = StdRng::seed_from_u64(seed);
    let programs: Vec<String> = corridor
        .programs()
        .iter()
        .map(|p| p.slug.as_str().to_owned())
        .collect();
    let mut batch = Vec::with_capacity(BATCH);
    for n in 0..count as usize {
        batch.push(synthetic_case(&mut rng, n, &programs, today));
        if batch.len() == BATCH {
            corridor
                .add_cases(organisation, std::mem::take(&mut batch))
                .await?;
        }
    }
    if !batch.is_empty() {
        corridor.add_cases(organisation, batch).await?;
    }
    seed_watch(corridor, organisation, today).await?;
    Ok(count)
}

/// The removal watch's demo: a removal flight with detained people on board, reported by two
/// sources that disagree on the day and the destination, and check-ins with some of the
/// removed people (the others have missed theirs, or contact is lost).
async fn seed_watch(corridor: &Corridor, organisation: OrgId, today: NaiveDate) -> Result<()> {
    use corridor_core::checkin::{CheckIn, CheckInChannel};
    use corridor_core::flight::FlightReportInput;
    use corridor_store::StoredCase;

    let filter = CaseFilter {
        organisation: Some(organisation),
        ..CaseFilter::default()
    };
    let rows = corridor.store.list_cases(&filter, Page::ALL).await?;
    let detained: Vec<String> = rows
        .iter()
        .filter(|r| r.columns.custody == Custody::Detained && r.columns.stage.is_open())
        .take(3)
        .map(|r| r.columns.id.to_string())
        .collect();
    let now = chrono::Utc::now();
    if !detained.is_empty() {
        let report = |departs: i64, destination: &str, reference: &str, confidence: &str| {
            let on_board: Vec<Value> = detained
                .iter()
                .map(|case| json!({ "case": case, "confidence": confidence }))
                .collect();
            FlightReportInput::from_json(
                &json!({
                    "source": { "kind": "ngo", "reference": reference },
                    "departs_on": (today + Duration::days(departs)).to_string(),
                    "departure": "AEX",
                    "stops": ["SNN"],
                    "destination": destination,
                    "carrier": "Synthetic Charter",
                    "on_board": on_board,
                })
                .to_string(),
            )
            .expect("the demo's flight report is valid")
        };
        let flight = corridor
            .store_flight_report(
                organisation,
                None,
                report(4, "CAI", "Synthetic flight tracker", "medium"),
                now,
            )
            .await?;
        corridor
            .store_flight_report(
                organisation,
                Some(flight),
                report(5, "SVO", "Synthetic detention visitor", "high"),
                now,
            )
            .await?;
    }
    for (n, row) in rows
        .iter()
        .filter(|r| r.columns.stage == Stage::Removed)
        .enumerate()
    {
        let Some(StoredCase::Live(record)) = corridor.store.case(row.columns.id).await? else {
            continue;
        };
        let case = crate::sealing::open_case(&corridor.root, &record)?;
        let Some(removed_on) = corridor.removed_on(&case).await? else {
            continue;
        };
        // Nobody removed more than two weeks ago has been reached (contact is lost); of the
        // others, two in three were reached a day or two ago.
        if (today - removed_on).num_days() > 14 || n % 3 == 2 {
            continue;
        }
        let on = (today - Duration::days(1 + (n % 2) as i64)).max(removed_on);
        let channel = CheckInChannel::ALL[n % CheckInChannel::ALL.len()];
        let check_in = CheckIn::new(
            corridor_core::CheckInId::random(),
            on,
            channel,
            Some("Synthetic check-in: safe, in touch."),
            removed_on,
            today,
        )
        .expect("the demo's check-in is valid");
        corridor
            .store_check_in(&record, check_in, None, now)
            .await?;
    }
    Ok(())
}

/// A synthetic watch list for the demo, so that its review queue has something in it: the
/// first `listed` demo cases' people, written surname first as lists do, and two people who
/// are nobody's case. Labelled as synthetic in every entry's programme.
pub async fn watch_list(corridor: &Corridor, listed: u32) -> Result<ListIndex> {
    let people = corridor
        .list_cases(&CaseFilter::default(), Page::new(0, listed))
        .await?;
    let mut entries: Vec<ListEntry> = people
        .iter()
        .enumerate()
        .map(|(n, case)| {
            let mut words: Vec<&str> = case.display_name.split_whitespace().collect();
            if let Some(surname) = words.pop() {
                words.insert(0, surname);
            }
            demo_entry(&format!("DEMO-{}", n + 1), &words.join(" "))
        })
        .collect();
    entries.push(demo_entry("DEMO-X1", "Vymyshlennyi Personazh Ivanovich"));
    entries.push(demo_entry("DEMO-X2", "Примерная Анастасия Олеговна"));
    let mut index = ListIndex::new();
    index.extend(entries);
    Ok(index)
}

fn demo_entry(id: &str, name: &str) -> ListEntry {
    ListEntry {
        programs: vec!["Demo watch list (synthetic)".to_owned()],
        ..ListEntry::new(ListSource::Registry, id, EntityKind::Person, name)
    }
}

/// The `n`th synthetic case. Stage, custody and risk profile cycle with different periods so
/// that every combination appears in a large enough seed.
pub fn synthetic_case(
    rng: &mut StdRng,
    n: usize,
    programs: &[String],
    today: NaiveDate,
) -> CaseInput {
    let stage = Stage::ALL[n % Stage::ALL.len()];
    let custody = Custody::ALL[n % Custody::ALL.len()];
    let female = rng.gen_bool(0.4);
    let (given_cyr, given_lat) = *pick(rng, if female { FEMALE_GIVEN } else { MALE_GIVEN });
    let (father_cyr, _) = *pick(rng, MALE_GIVEN);
    let (head_cyr, head_lat) = *pick(rng, STEM_HEADS);
    let (tail_cyr, tail_lat) = *pick(rng, STEM_TAILS);
    let (m_cyr, m_lat, f_cyr, f_lat) = *pick(rng, ENDINGS);
    let (end_cyr, end_lat) = if female {
        (f_cyr, f_lat)
    } else {
        (m_cyr, m_lat)
    };
    let surname_cyr = format!("{head_cyr}{tail_cyr}{end_cyr}");
    let surname_lat = format!("{head_lat}{tail_lat}{end_lat}");
    let patronymic = patronymic(father_cyr, female);

    let proceedings = match stage {
        Stage::Removed => ProceedingsStage::Removed,
        _ => ProceedingsStage::ALL[rng.gen_range(1..ProceedingsStage::ALL.len() - 1)],
    };
    let final_order = proceedings >= ProceedingsStage::FinalOrder;
    let mut us_status = json!({
        "custody": custody.as_str(),
        "proceedings": proceedings.as_str(),
        "relief_sought": ["asylum", "withholding_of_removal", "convention_against_torture"],
        "hearings": [],
        "stays": [],
    });
    if rng.gen_bool(0.9) {
        us_status["a_number"] = format!("A{:09}", rng.gen_range(10_000_000..999_999_999u32)).into();
    }
    if custody == Custody::Detained {
        us_status["detention_facility"] = (*pick(rng, FACILITIES)).into();
    }
    if final_order {
        let order = today - Duration::days(rng.gen_range(5..200));
        us_status["final_order_date"] = order.to_string().into();
        if rng.gen_bool(0.5) {
            let removal = today + Duration::days(rng.gen_range(2..40));
            us_status["scheduled_removal"] = removal.to_string().into();
        }
    } else {
        let hearing = today + Duration::days(rng.gen_range(1..90));
        us_status["hearings"] = json!([{ "date": hearing.to_string(), "kind": "individual" }]);
    }
    watch_dates(n, stage, today, &mut us_status);
    let birth_year = rng.gen_range(1965..2004);
    let birth_date = match rng.gen_range(0..3) {
        0 => birth_year.to_string(),
        1 => format!("{birth_year}-{:02}", rng.gen_range(1..=12)),
        _ => format!(
            "{birth_year}-{:02}-{:02}",
            rng.gen_range(1..=12),
            rng.gen_range(1..=28)
        ),
    };

    // Every tenth pair of cases is one family: same program, one family unit.
    let in_family = n % 10 < 2;
    let program = if in_family {
        &programs[(n / 10) % programs.len()]
    } else {
        &programs[n % programs.len()]
    };
    let value = json!({
        "program": program,
        "stage": stage.as_str(),
        "person": {
            "names": [
                { "text": format!("{surname_cyr} {given_cyr} {patronymic}"), "kind": "native" },
                { "text": format!("{given_lat} {surname_lat}"), "kind": "passport" },
            ],
            "birth_date": birth_date,
            "gender": if female { "female" } else { "male" },
            "nationalities": ["RU"],
            "languages": ["ru", "en"],
            "family": family(rng),
        },
        "us_status": us_status,
        "russia_risk": risk_profile(n, rng),
        "claims": claims(rng, today),
        "notes": "Synthetic demo case.",
        "assessment": assessment_facts(n, in_family),
    });
    serde_json::from_value(value).expect("synthetic cases are valid input")
}

/// Whatever the seed, some open cases face removal within the week and some have a hearing
/// within three days, so the removal watch shows alerts of every level. Fixed by `n`, not
/// drawn, so the rest of a case stays as it was.
fn watch_dates(n: usize, stage: Stage, today: NaiveDate, us_status: &mut Value) {
    if stage == Stage::Removed {
        // Removed one to thirty days ago: the check-ins after removal stand at every point
        // of their schedule.
        us_status["scheduled_removal"] = (today - Duration::days(1 + (n / 13 % 30) as i64))
            .to_string()
            .into();
        return;
    }
    if stage.is_closed() || stage == Stage::Arrived {
        return;
    }
    let days = |d: usize| (today + Duration::days(d as i64)).to_string();
    match n % 40 {
        5 => {
            us_status["proceedings"] = ProceedingsStage::FinalOrder.as_str().into();
            us_status["final_order_date"] = (today - Duration::days(10)).to_string().into();
            us_status["scheduled_removal"] = days(1 + (n / 40) % 6).into();
        }
        6 => {
            us_status["hearings"] =
                json!([{ "date": days(1 + (n / 40) % 3), "kind": "master_calendar" }]);
        }
        _ => {}
    }
}

/// Vulnerabilities, what happened to earlier returnees and family units, from their own
/// random stream so that the rest of a case stays as it was.
fn assessment_facts(n: usize, in_family: bool) -> Value {
    let mut rng = StdRng::seed_from_u64(0xA55E_55ED ^ n as u64);
    let count = rng.gen_range(0..3);
    let needs: Vec<&str> = corridor_core::assessment::Vulnerability::ALL
        .choose_multiple(&mut rng, count)
        .map(|v| v.as_str())
        .collect();
    let returnees = *pick(&mut rng, corridor_core::assessment::ReturneeOutcome::ALL);
    let mut facts = json!({
        "vulnerabilities": needs,
        "earlier_returnees": returnees.as_str(),
    });
    if in_family {
        let unit =
            uuid::Uuid::from_u128(0x00de_0000_0000_4000_8000_0000_0000_0000 | (n / 10) as u128);
        facts["family_unit"] = unit.to_string().into();
    }
    facts
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    items.choose(rng).expect("non-empty table")
}

fn patronymic(father: &str, female: bool) -> String {
    let stem = father.trim_end_matches(['й', 'ь', 'а', 'я']);
    let vowel_soft = father.ends_with(['й', 'ь']);
    match (vowel_soft, female) {
        (true, true) => format!("{stem}евна"),
        (true, false) => format!("{stem}евич"),
        (false, true) => format!("{stem}овна"),
        (false, false) => format!("{stem}ович"),
    }
}

fn family(rng: &mut StdRng) -> Value {
    match rng.gen_range(0..4) {
        0 => {
            json!([{ "relation": "sibling", "in_canada": true, "canadian_status": "permanent_resident" }])
        }
        1 => json!([{ "relation": "spouse", "in_canada": false }]),
        _ => json!([]),
    }
}

/// Four profiles, one per risk level, chosen by `n` so that each level appears.
fn risk_profile(n: usize, rng: &mut StdRng) -> Value {
    match (n / Stage::ALL.len()) % 4 {
        0 => {
            json!({ "public_profile": "low", "military": "not_applicable", "wanted": "not_wanted" })
        }
        1 => json!({ "public_profile": "high", "military": "reservist", "wanted": "not_wanted" }),
        2 => json!({
            "public_profile": "moderate",
            "military": "summons_evader",
            "wanted": "unknown",
            "registries": [{ "registry": "foreign_agents", "listed_on": "2024-03" }],
        }),
        _ => {
            let article = if rng.gen_bool(0.5) { "207.3" } else { "338" };
            json!({
                "public_profile": "high",
                "military": if article == "338" { "deserter" } else { "not_applicable" },
                "wanted": "federal",
                "criminal_cases": [{ "article": article, "status": "charged", "opened_on": "2023" }],
            })
        }
    }
}

fn claims(rng: &mut StdRng, today: NaiveDate) -> Value {
    let left = today - Duration::days(rng.gen_range(400..1500));
    let mut claims = vec![json!({
        "fact": "left_russia",
        "assertion": "Left Russia after the mobilisation announcement",
        "date": left.format("%Y-%m").to_string(),
        "source": { "kind": "self_report", "reference": "intake interview" },
        "confidence": "medium",
    })];
    if rng.gen_bool(0.1) {
        claims.push(json!({
            "fact": "protest_arrest",
            "assertion": "Detained at an anti-war protest",
            "source": { "kind": "ngo", "reference": "synthetic monitoring record" },
            "confidence": "high",
            "evidence": ["https://example.org/synthetic-record"],
        }));
        claims.push(json!({
            "fact": "protest_arrest",
            "assertion": "Fined but not detained",
            "source": { "kind": "media", "reference": "synthetic news item" },
            "confidence": "low",
        }));
    }
    Value::Array(claims)
}
