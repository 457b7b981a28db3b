//! The screening index at scale: 1,000,000 names derived from the real lists in
//! `shared/data/lists` (every listed name, then recombinations of their given names and
//! surnames, and organisation names with a word changed, each with a typo one time in five),
//! built into a `ListIndex`, then queried.
//!
//! Reports build time, the process's resident memory growth, single-query p50/p99 latency and
//! queries per second on one core. Targets (issue 4): build < 10 s, p50 < 200 µs,
//! ≥ 5,000 queries/s per core, < 1 GB.
//!
//! Run: `cargo bench -p corridor-screen --bench screening` (`SCREEN_BENCH_NAMES=N` for another
//! size).

use std::fs::File;
use std::path::Path;
use std::time::{Duration, Instant};

use corridor_screen::DEFAULT_THRESHOLD;
use corridor_screen::lists::{EntityKind, ListEntry, ListSource, OnError, ftm, ofac, sema, un};
use corridor_screen::screening::{ListIndex, Query};

/// A small deterministic generator (xorshift64*), so every run builds the same names.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &'a [String]) -> &'a str {
        &items[self.below(items.len())]
    }
}

fn real_entries() -> Vec<ListEntry> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/lists");
    let open = |path: &str| File::open(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut alt = open("ofac/alt.csv");
    let mut entries = ofac::read(open("ofac/sdn.csv"), Some(&mut alt), None, OnError::Skip)
        .expect("ofac")
        .entries;
    entries.extend(
        un::read(open("un/consolidated.xml"), OnError::Skip)
            .expect("un")
            .entries,
    );
    entries.extend(
        sema::read(open("ca-sema/sema-lmes-2020-04.xml"), OnError::Skip)
            .expect("sema")
            .entries,
    );
    for file in [
        "opensanctions/t1.entities.ftm.json",
        "opensanctions/zala.entities.ftm.json",
    ] {
        entries.extend(ftm::read(open(file), OnError::Skip).expect("ftm").entries);
    }
    entries
}

/// One letter changed, dropped or doubled.
fn typo(rng: &mut Rng, name: &str) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    if chars.len() < 4 {
        return name.to_owned();
    }
    let at = 1 + rng.below(chars.len() - 2);
    match rng.below(3) {
        0 => chars[at] = ['a', 'e', 'i', 'o', 'u', 'y'][rng.below(6)],
        1 => {
            chars.remove(at);
        }
        _ => chars.insert(at, chars[at]),
    }
    chars.into_iter().collect()
}

fn entry(id: usize, name: String, kind: EntityKind) -> ListEntry {
    ListEntry::new(ListSource::OpenSanctions, &id.to_string(), kind, &name)
}

fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

fn main() {
    let target: usize = std::env::var("SCREEN_BENCH_NAMES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);

    let real = real_entries();
    let mut people: Vec<String> = Vec::new();
    let mut organisations: Vec<String> = Vec::new();
    for entry in &real {
        for name in &entry.names {
            match entry.kind {
                EntityKind::Person => people.push(name.text.clone()),
                _ => organisations.push(name.text.clone()),
            }
        }
    }
    let words = |names: &[String]| -> Vec<String> {
        names
            .iter()
            .flat_map(|n| n.split([' ', ',']).map(str::to_owned).collect::<Vec<_>>())
            .filter(|w| w.chars().count() > 2)
            .collect()
    };
    let person_words = words(&people);
    let organisation_words = words(&organisations);
    println!(
        "from the real lists: {} entries, {} person names, {} organisation names",
        real.len(),
        people.len(),
        organisations.len()
    );

    let mut entries: Vec<ListEntry> = Vec::with_capacity(target);
    for (i, name) in people.iter().chain(&organisations).enumerate().take(target) {
        let kind = if i < people.len() {
            EntityKind::Person
        } else {
            EntityKind::Organisation
        };
        entries.push(entry(i, name.clone(), kind));
    }
    while entries.len() < target {
        let id = entries.len();
        let (name, kind) = if rng.below(4) > 0 {
            let parts = 2 + rng.below(2);
            let name = (0..parts)
                .map(|_| rng.pick(&person_words).to_owned())
                .collect::<Vec<_>>()
                .join(" ");
            (name, EntityKind::Person)
        } else {
            let base = rng.pick(&organisations).to_owned();
            let extra = rng.pick(&organisation_words).to_owned();
            (format!("{base} {extra}"), EntityKind::Organisation)
        };
        let name = if rng.below(5) == 0 {
            typo(&mut rng, &name)
        } else {
            name
        };
        entries.push(entry(id, name, kind));
    }
    let names: Vec<String> = entries.iter().map(|e| e.names[0].text.clone()).collect();

    let before = resident_bytes();
    let started = Instant::now();
    let mut index = ListIndex::new();
    index.extend(entries);
    let build = started.elapsed();
    let grown = resident_bytes().saturating_sub(before);
    println!(
        "built: {} names in {:.2} s; resident memory grew by {} MB",
        index.names(),
        build.as_secs_f64(),
        grown / (1024 * 1024)
    );

    // Queries: listed names with a typo or their words reordered, and names nobody listed.
    let mut queries = Vec::new();
    for _ in 0..1_000 {
        let name = &names[rng.below(names.len())];
        let query = if rng.below(2) == 0 {
            typo(&mut rng, name)
        } else {
            let mut words: Vec<&str> = name.split_whitespace().collect();
            words.reverse();
            words.join(" ")
        };
        queries.push(query);
    }
    for _ in 0..1_000 {
        let word = rng.pick(&person_words).to_owned();
        let word = typo(&mut rng, &word);
        let surname = ["Zyxwvutova", "Qwertyevich", "Plonkington", "Nemoyeva"][rng.below(4)];
        queries.push(format!("{word} {surname}"));
    }
    // Warm up, then measure each query.
    for query in queries.iter().take(100) {
        let _ = index.screen(
            &Query {
                name: query.clone(),
                ..Query::default()
            },
            DEFAULT_THRESHOLD,
        );
    }
    let mut times: Vec<Duration> = Vec::with_capacity(queries.len());
    let mut found = 0usize;
    let all = Instant::now();
    for query in &queries {
        let started = Instant::now();
        let hits = index.screen(
            &Query {
                name: query.clone(),
                ..Query::default()
            },
            DEFAULT_THRESHOLD,
        );
        times.push(started.elapsed());
        found += usize::from(!hits.is_empty());
    }
    let total = all.elapsed();
    times.sort();
    let percentile = |p: f64| times[((times.len() as f64 - 1.0) * p) as usize];
    println!(
        "queries: {} ({} with a hit); p50 {} µs, p99 {} µs; {:.0} queries/s on one core",
        times.len(),
        found,
        percentile(0.5).as_micros(),
        percentile(0.99).as_micros(),
        times.len() as f64 / total.as_secs_f64()
    );
}
