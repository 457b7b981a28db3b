//! Properties of folding and of the index.

use std::collections::BTreeMap;

use corridor_screen::{NameIndex, fold_token, name_tokens};
use proptest::prelude::*;

use crate::corpus;

/// Names as they come: Latin and Cyrillic letters, diacritics, apostrophes, separators.
fn name_text() -> impl Strategy<Value = String> {
    "[a-zA-Zа-яА-ЯёЁšžčŝâûéïÿß ,.'’ʹ\\-]{0,40}"
}

/// Full names built from the corpus, in random order and case.
fn corpus_name() -> impl Strategy<Value = String> {
    let words: Vec<&'static str> = corpus::all().collect();
    (
        prop::collection::vec(prop::sample::select(words), 1..4),
        any::<bool>(),
    )
        .prop_map(|(words, upper)| {
            let name = words.join(" ");
            if upper { name.to_uppercase() } else { name }
        })
}

fn any_name() -> impl Strategy<Value = String> {
    prop_oneof![name_text(), corpus_name(), any::<String>()]
}

proptest! {
    #[test]
    fn searching_by_the_inserted_name_finds_its_id(
        name in any_name(),
        others in prop::collection::vec(any_name(), 0..20),
    ) {
        let mut index = NameIndex::new();
        for (i, other) in others.iter().enumerate() {
            index.insert(i as u32 + 1, [other.as_str()]);
        }
        index.insert(0u32, [name.as_str()]);
        let hits = index.search(&name, usize::MAX);
        if name_tokens(&name).is_empty() {
            prop_assert!(hits.is_empty());
        } else {
            let hit = hits.iter().find(|h| h.id == 0);
            prop_assert_eq!(hit.map(|h| h.score), Some(1.0));
        }
    }

    #[test]
    fn tokens_are_never_empty_nor_contain_separators(name in any::<String>()) {
        for token in name_tokens(&name) {
            prop_assert!(!token.is_empty());
            prop_assert!(token.chars().all(char::is_alphanumeric), "{:?}", token);
        }
        let _ = fold_token(&name);
    }

    #[test]
    fn case_does_not_matter(name in name_text()) {
        prop_assert_eq!(name_tokens(&name.to_uppercase()), name_tokens(&name.to_lowercase()));
    }

    #[test]
    fn each_word_folds_like_fold_token(name in name_text()) {
        let words: Vec<String> = name
            .split([' ', ',', '.', '-'])
            .map(fold_token)
            .filter(|t| !t.is_empty())
            .collect();
        prop_assert_eq!(words, name_tokens(&name));
    }

    #[test]
    fn index_follows_a_model(
        ops in prop::collection::vec(
            (0u8..12, prop::option::of(prop::collection::vec(corpus_name(), 0..3))),
            1..40,
        )
    ) {
        let mut index = NameIndex::new();
        let mut model: BTreeMap<u8, Vec<String>> = BTreeMap::new();
        for (id, names) in ops {
            match names {
                Some(names) => {
                    index.insert(id, names.iter().map(String::as_str));
                    model.insert(id, names);
                }
                None => {
                    index.remove(id);
                    model.remove(&id);
                }
            }
        }
        prop_assert_eq!(index.len(), model.len());
        for (&id, names) in &model {
            for name in names {
                let found = index.search(name, usize::MAX);
                prop_assert!(found.iter().any(|h| h.id == id), "{} lost", id);
            }
        }
        // a removed id is never found
        for id in 0u8..12 {
            if !model.contains_key(&id) {
                for word in corpus::all().take(20) {
                    prop_assert!(index.search(word, usize::MAX).iter().all(|h| h.id != id));
                }
            }
        }
    }
}

proptest! {
    /// The matcher's score is a number in `0..=1` for any two strings, and a name with any
    /// letters always meets itself.
    #[test]
    fn the_matcher_scores_any_input_between_zero_and_one(a in any_name(), b in any_name()) {
        use corridor_screen::{NameKind, compare_names};
        for kind in [NameKind::Person, NameKind::Organisation] {
            let score = compare_names(&a, &b, kind).score;
            prop_assert!((0.0..=1.0).contains(&score), "{score}");
            if !name_tokens(&a).is_empty() {
                let own = compare_names(&a, &a, kind).score;
                prop_assert!(own > 0.99, "{a:?} against itself: {own}");
            }
        }
    }

    /// Any bytes fed to the list and pair parsers give entries or errors, never a panic.
    #[test]
    fn parsers_take_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        use corridor_screen::lists::{OnError, ofac};
        for on_error in [OnError::Stop, OnError::Skip] {
            let mut alt: &[u8] = &bytes;
            let mut add: &[u8] = &bytes;
            let _ = ofac::read(bytes.as_slice(), Some(&mut alt), Some(&mut add), on_error);
        }
        let _ = corridor_screen::eval::read_pairs(bytes.as_slice());
        let _ = corridor_screen::lists::un::read(bytes.as_slice(), OnError::Skip);
        let _ = corridor_screen::lists::sema::read(bytes.as_slice(), OnError::Skip);
        let _ = corridor_screen::lists::ftm::read(bytes.as_slice(), OnError::Skip);
        let _ = corridor_screen::lists::targets::read(bytes.as_slice(), OnError::Skip);
        let _ = corridor_screen::lists::eu::read(bytes.as_slice(), OnError::Skip);
        let _ = corridor_screen::lists::uk::read(bytes.as_slice(), OnError::Skip);
        let mapping = corridor_screen::lists::generic::ColumnMapping::names_of_people("any", "name");
        let _ = corridor_screen::lists::generic::read(bytes.as_slice(), &mapping, OnError::Skip);
    }

    /// XML-shaped noise reaches deeper into the UN parser.
    #[test]
    fn the_un_parser_takes_xml_shaped_noise(text in "(<INDIVIDUAL>|</INDIVIDUAL>|<FIRST_NAME>|</FIRST_NAME>|<ENTITY>|</ENTITY>|<DATAID>|</DATAID>|[a-zA-Z0-9 ]{0,5}|&amp;|&x;|<!\\[CDATA\\[|\\]\\]>){0,40}") {
        use corridor_screen::lists::{OnError, un};
        let _ = un::read(text.as_bytes(), OnError::Skip);
        let _ = un::read(text.as_bytes(), OnError::Stop);
    }

    /// CSV-shaped noise (quotes, commas, CR LF, `-0-`) reaches deeper into the OFAC parser.
    #[test]
    fn the_ofac_parser_takes_csv_shaped_noise(text in "([0-9]{1,3}|\"[a-zA-Z ,]{0,8}\"?|-0- |individual|vessel|,|\r\n|\n|\u{1a}){0,60}") {
        use corridor_screen::lists::{OnError, ofac};
        let _ = ofac::read(text.as_bytes(), None, None, OnError::Skip);
        let _ = ofac::read(text.as_bytes(), None, None, OnError::Stop);
    }
}
