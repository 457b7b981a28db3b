//! NameIndex behaviour.

use corridor_screen::{NameIndex, SearchHit};

fn ids(hits: &[SearchHit<u32>]) -> Vec<u32> {
    hits.iter().map(|h| h.id).collect()
}

fn sample() -> NameIndex<u32> {
    let mut index = NameIndex::with_capacity(8);
    index.insert(1, ["Ivan Petrovich Sidorov"]);
    index.insert(2, ["Мария Сидорова", "Maria Sidorova"]);
    index.insert(3, ["Iuliia Navalnaia"]);
    index.insert(4, ["Юлия Иванова"]);
    index.insert(5, ["Pyotr Sidorenko"]);
    index
}

#[test]
fn new_default_len() {
    let index: NameIndex<u64> = NameIndex::default();
    assert!(index.is_empty());
    assert_eq!(index.len(), 0);
    assert!(index.search("Ivan", 10).is_empty());
    let index = sample();
    assert_eq!(index.len(), 5);
    assert!(!index.is_empty());
}

#[test]
fn cyrillic_query_finds_latin_name_and_back() {
    let index = sample();
    assert_eq!(ids(&index.search("Юлия Навальная", 10)), [3]);
    assert_eq!(ids(&index.search("Yulia Ivanova", 10)), [4]);
    assert_eq!(ids(&index.search("Julija Nawalnaja", 10)), [3]);
    assert_eq!(ids(&index.search("Иван Сидоров", 10)), [1]);
}

#[test]
fn word_order_and_punctuation_do_not_matter() {
    let index = sample();
    for query in [
        "SIDOROV, Ivan",
        "Sidorov Ivan Petrovich",
        "Ivan Sidorov",
        "ivan-sidorov",
    ] {
        assert_eq!(ids(&index.search(query, 10)), [1], "{query}");
    }
}

#[test]
fn every_query_token_must_match() {
    let index = sample();
    assert!(index.search("Ivan Navalnaia", 10).is_empty());
    assert!(index.search("Ivan Petrovna Sidorov", 10).is_empty());
    // a token may match as a prefix: petrov starts petrovich
    assert_eq!(ids(&index.search("Ivan Petrov Sidorov", 10)), [1]);
}

#[test]
fn prefix_of_three_or_more_matches() {
    let index = sample();
    // "Sidor" is a prefix of sidorov, sidorova and sidorenko
    assert_eq!(ids(&index.search("Sidor", 10)), [1, 2, 5]);
    assert_eq!(ids(&index.search("Сидор Мар", 10)), [2]);
    assert_eq!(ids(&index.search("Nav", 10)), [3]);
    // below three characters of skeleton only exact tokens count
    assert!(index.search("Na", 10).is_empty());
    assert!(index.search("Iu", 10).is_empty());
}

#[test]
fn exact_matches_rank_above_prefix_matches() {
    let index = sample();
    let hits = index.search("Sidorov", 10);
    // exact sidorov (1) first, then the prefix match sidorova (2); sidorenko does not start
    // with sidorov
    assert_eq!(ids(&hits), [1, 2]);
    assert_eq!(hits[0].score, 1.0);
    assert!(hits[1].score < 1.0 && hits[1].score > 0.5, "{hits:?}");

    let hits = index.search("Sidorova", 10);
    assert_eq!(ids(&hits), [2]);

    // among prefix matches the closer one ranks first; ties go by id
    let mut index = NameIndex::new();
    index.insert(7u32, ["Sidorenko"]);
    index.insert(9u32, ["Sidorov"]);
    index.insert(8u32, ["Sidorov"]);
    index.insert(3u32, ["Ivan Sidorov"]);
    let hits = index.search("Sidor", 10);
    assert_eq!(ids(&hits), [3, 8, 9, 7]);
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    let hits = index.search("Ivan Sidor", 10);
    assert_eq!(ids(&hits), [3]);
    let hits = index.search("Ivan Sidorov", 10);
    assert_eq!(hits, [SearchHit { id: 3, score: 1.0 }]);
}

#[test]
fn limit_cuts_after_ranking() {
    let mut index = NameIndex::new();
    for id in (0u32..50).rev() {
        index.insert(id, ["Ivan Ivanov"]);
    }
    index.insert(100, ["Ivan Ivanovich Kuznetsov"]);
    assert_eq!(ids(&index.search("Ivanov", 3)), [0, 1, 2]);
    assert_eq!(index.search("Ivanov", 1000).len(), 51);
    assert!(index.search("Ivanov", 0).is_empty());
    // prefix-only match comes last
    assert_eq!(index.search("Ivanov", 1000).last().map(|h| h.id), Some(100));
}

#[test]
fn remove_forgets_the_id() {
    let mut index = sample();
    index.remove(1);
    assert_eq!(index.len(), 4);
    assert!(index.search("Ivan Sidorov", 10).is_empty());
    assert_eq!(ids(&index.search("Sidor", 10)), [2, 5]);
    // removing twice or an unknown id is harmless
    index.remove(1);
    index.remove(42);
    assert_eq!(index.len(), 4);
}

#[test]
fn insert_replaces_earlier_names() {
    let mut index = sample();
    index.insert(3, ["Юлия Петрова"]);
    assert_eq!(index.len(), 5);
    assert!(index.search("Navalnaia", 10).is_empty());
    assert_eq!(ids(&index.search("Yulia Petrova", 10)), [3]);
    // names of an id pool: a token may come from any of them
    index.insert(3, ["Iuliia Navalnaia", "Юлия Петрова"]);
    assert_eq!(ids(&index.search("Navalnaya", 10)), [3]);
    assert_eq!(ids(&index.search("Petrova", 10)), [3]);
    // no names: still counted, never found
    index.insert(3, []);
    assert_eq!(index.len(), 5);
    assert!(index.search("Petrova", 10).is_empty());
}

#[test]
fn empty_query_finds_nothing() {
    let index = sample();
    for query in ["", "   ", ",.-", "ъь"] {
        assert!(index.search(query, 10).is_empty(), "{query:?}");
    }
}

#[test]
fn debug_does_not_show_names() {
    let index = sample();
    let shown = format!("{index:?}");
    assert_eq!(shown, "NameIndex { len: 5, .. }");
}

#[test]
fn works_with_other_id_types() {
    let mut index: NameIndex<(u64, u64)> = NameIndex::new();
    index.insert((7, 1), ["Ivan Petrov"]);
    assert_eq!(index.search("Петров", 5)[0].id, (7, 1));
}
