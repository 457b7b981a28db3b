//! Builds a NameIndex of 100,000 synthetic people with three names each (Cyrillic, an
//! ICAO-style and a BGN-style Latin spelling) under random 128-bit ids, inserted in random
//! order like UUIDs, then runs 1,000 searches; five rounds, best and median printed. Run with
//! `cargo bench -p corridor-screen --bench index`.

use std::hint::black_box;
use std::time::Instant;

use corridor_screen::NameIndex;

const PEOPLE: usize = 100_000;
const SEARCHES: usize = 1_000;
const ROUNDS: usize = 5;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const MALE: &[&str] = &[
    "Александр",
    "Алексей",
    "Андрей",
    "Артём",
    "Борис",
    "Вадим",
    "Василий",
    "Виктор",
    "Владимир",
    "Вячеслав",
    "Георгий",
    "Григорий",
    "Дмитрий",
    "Евгений",
    "Егор",
    "Иван",
    "Игорь",
    "Илья",
    "Кирилл",
    "Константин",
    "Лев",
    "Максим",
    "Михаил",
    "Никита",
    "Николай",
    "Олег",
    "Павел",
    "Пётр",
    "Роман",
    "Семён",
    "Сергей",
    "Степан",
    "Фёдор",
    "Юрий",
    "Ярослав",
];
const FEMALE: &[&str] = &[
    "Алёна",
    "Анастасия",
    "Анна",
    "Валентина",
    "Дарья",
    "Евгения",
    "Екатерина",
    "Елена",
    "Жанна",
    "Ирина",
    "Ксения",
    "Любовь",
    "Мария",
    "Марина",
    "Наталья",
    "Ольга",
    "Полина",
    "Светлана",
    "Софья",
    "Татьяна",
    "Юлия",
    "Яна",
];
const PATRONYMIC_STEMS: &[&str] = &[
    "Александров",
    "Алексеев",
    "Андреев",
    "Борисов",
    "Викторов",
    "Владимиров",
    "Дмитриев",
    "Евгеньев",
    "Иванов",
    "Игорев",
    "Михайлов",
    "Николаев",
    "Олегов",
    "Павлов",
    "Петров",
    "Сергеев",
    "Юрьев",
];
const ROOTS_A: &[&str] = &[
    "Бел", "Вор", "Гор", "Жук", "Зай", "Кор", "Куз", "Лих", "Мед", "Мол", "Нов", "Орл", "Пет",
    "Рыж", "Сид", "Сол", "Тих", "Хох", "Цвет", "Чер", "Шап", "Щег", "Юд", "Яш",
];
const ROOTS_B: &[&str] = &[
    "", "ал", "ев", "ин", "ов", "ан", "ул", "ен", "ич", "от", "уш", "ьяч", "ёл", "ец",
];

/// (masculine, feminine) surname suffixes.
const SUFFIXES: &[(&str, &str)] = &[
    ("ов", "ова"),
    ("ев", "ева"),
    ("ин", "ина"),
    ("ский", "ская"),
    ("ой", "ая"),
    ("енко", "енко"),
    ("ук", "ук"),
];

/// Simplified ICAO 9303 and BGN/PCGN letter tables, enough for synthetic spellings:
/// (letter, ICAO, BGN).
const LETTERS: &[(char, &str, &str)] = &[
    ('а', "a", "a"),
    ('б', "b", "b"),
    ('в', "v", "v"),
    ('г', "g", "g"),
    ('д', "d", "d"),
    ('е', "e", "e"),
    ('ё', "e", "yo"),
    ('ж', "zh", "zh"),
    ('з', "z", "z"),
    ('и', "i", "i"),
    ('й', "i", "y"),
    ('к', "k", "k"),
    ('л', "l", "l"),
    ('м', "m", "m"),
    ('н', "n", "n"),
    ('о', "o", "o"),
    ('п', "p", "p"),
    ('р', "r", "r"),
    ('с', "s", "s"),
    ('т', "t", "t"),
    ('у', "u", "u"),
    ('ф', "f", "f"),
    ('х', "kh", "kh"),
    ('ц', "ts", "ts"),
    ('ч', "ch", "ch"),
    ('ш', "sh", "sh"),
    ('щ', "shch", "shch"),
    ('ъ', "", ""),
    ('ы', "y", "y"),
    ('ь', "", "'"),
    ('э', "e", "e"),
    ('ю', "iu", "yu"),
    ('я', "ia", "ya"),
];

fn romanise(cyrillic: &str, bgn: bool) -> String {
    let mut out = String::new();
    for c in cyrillic.chars() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        let Some(&(_, icao, bgn_pcgn)) = LETTERS.iter().find(|(letter, ..)| *letter == lower)
        else {
            continue;
        };
        let latin = if bgn { bgn_pcgn } else { icao };
        let mut chars = latin.chars();
        match chars.next() {
            Some(first) if c != lower => {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
            _ => out.push_str(latin),
        }
    }
    out
}

struct Person {
    id: u128,
    given: &'static str,
    surname: String,
    names: [String; 3],
}

fn person(rng: &mut Rng) -> Person {
    let female = rng.below(2) == 0;
    let given = rng.pick(if female { FEMALE } else { MALE });
    let patronymic = format!(
        "{}{}",
        rng.pick(PATRONYMIC_STEMS),
        if female { "на" } else { "ич" }
    );
    let (masculine, feminine) = SUFFIXES[rng.below(SUFFIXES.len())];
    let surname = format!(
        "{}{}{}",
        rng.pick(ROOTS_A),
        rng.pick(ROOTS_B),
        if female { feminine } else { masculine }
    );
    let names = [
        format!("{surname} {given} {patronymic}"),
        format!("{} {}", romanise(given, false), romanise(&surname, false)),
        format!(
            "{}, {} {}",
            romanise(&surname, true).to_uppercase(),
            romanise(given, true),
            romanise(&patronymic, true)
        ),
    ];
    let id = (u128::from(rng.next()) << 64) | u128::from(rng.next());
    Person {
        id,
        given,
        surname,
        names,
    }
}

/// Smallest and median of the timings, in milliseconds.
fn summary(mut times: Vec<f64>) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    (times[0], times[times.len() / 2])
}

fn main() {
    let mut rng = Rng(0x5EED_1DEA_C0FF_EE11);
    let people: Vec<Person> = (0..PEOPLE).map(|_| person(&mut rng)).collect();
    let queries: Vec<String> = (0..SEARCHES)
        .map(|i| {
            let p = &people[rng.below(PEOPLE)];
            match i % 4 {
                // the ICAO spelling as entered
                0 => p.names[1].clone(),
                // Cyrillic, surname first
                1 => format!("{} {}", p.surname, p.given),
                // BGN spelling of the surname with the given name
                2 => format!("{} {}", romanise(p.given, true), romanise(&p.surname, true)),
                // a prefix: the first four letters of the surname
                _ => p.surname.chars().take(4).collect(),
            }
        })
        .collect();

    // Several rounds: the figures are the best and the median round.
    let (mut build_times, mut search_times) = (Vec::new(), Vec::new());
    let (mut hits, mut answered) = (0usize, 0usize);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let mut index = NameIndex::with_capacity(PEOPLE);
        for p in &people {
            index.insert(p.id, p.names.iter().map(String::as_str));
        }
        build_times.push(started.elapsed().as_secs_f64() * 1e3);
        assert_eq!(index.len(), PEOPLE);

        let started = Instant::now();
        (hits, answered) = (0, 0);
        for query in &queries {
            let found = black_box(index.search(black_box(query), 20));
            hits += found.len();
            answered += usize::from(!found.is_empty());
        }
        search_times.push(started.elapsed().as_secs_f64() * 1e3);
        drop(black_box(index));
    }

    let (best, median) = summary(build_times);
    println!(
        "build: {PEOPLE} ids x 3 names in {best:.1} ms best, {median:.1} ms median of {ROUNDS} \
         ({:.2} µs per id)",
        best * 1e3 / PEOPLE as f64
    );
    let (best, median) = summary(search_times);
    println!(
        "search: {SEARCHES} queries (limit 20) in {best:.1} ms best, {median:.1} ms median \
         ({:.1} µs per query); {hits} hits, {answered} queries answered",
        best * 1e3 / SEARCHES as f64
    );
    assert_eq!(answered, SEARCHES, "every query names an indexed person");
}
