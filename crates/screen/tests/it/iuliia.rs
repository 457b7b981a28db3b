//! The transliteration schemas of `shared/data/translit` (from nalgeon/iuliia) and a reference
//! implementation of their rules, used to produce test vectors.
//!
//! A schema is a letter `mapping` plus optional context tables: `prev_mapping` (keyed by the
//! previous letter and the letter, or the letter alone at the start of a word), `next_mapping`
//! (the letter and the next one) and `ending_mapping` (the last two letters of a word longer
//! than two letters). This follows iuliia's engine; [`Schema::translate`] is checked against
//! every sample of every file before it is trusted (see `translit_vectors`).

use std::collections::HashMap;

use serde::Deserialize;

use crate::data_dir;

#[derive(Debug, Deserialize)]
pub struct Schema {
    pub name: String,
    mapping: HashMap<String, String>,
    prev_mapping: Option<HashMap<String, String>>,
    next_mapping: Option<HashMap<String, String>>,
    ending_mapping: Option<HashMap<String, String>>,
    pub samples: Vec<(String, String)>,
}

/// Every schema file, sorted by name. Panics if the directory or a file is unusable.
pub fn schemas() -> Vec<Schema> {
    let dir = data_dir("translit");
    let mut schemas: Vec<Schema> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()))
        })
        .collect();
    schemas.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(!schemas.is_empty(), "no schema in {}", dir.display());
    schemas
}

impl Schema {
    /// Transliterates `source` (lower-cased: case is irrelevant to folding).
    pub fn translate(&self, source: &str) -> String {
        let mut out = String::new();
        let mut word: Vec<char> = Vec::new();
        for c in source.chars().flat_map(char::to_lowercase) {
            if c.is_alphabetic() {
                word.push(c);
            } else {
                out.push_str(&self.translate_word(&word));
                word.clear();
                out.push(c);
            }
        }
        out.push_str(&self.translate_word(&word));
        out
    }

    fn translate_word(&self, word: &[char]) -> String {
        if word.len() > 2 {
            let (stem, ending) = word.split_at(word.len() - 2);
            let ending: String = ending.iter().collect();
            if let Some(latin) = self.ending_mapping.as_ref().and_then(|m| m.get(&ending)) {
                return self.translate_letters(stem) + latin;
            }
        }
        self.translate_letters(word)
    }

    fn translate_letters(&self, word: &[char]) -> String {
        let mut out = String::new();
        for (i, &curr) in word.iter().enumerate() {
            let prev: String = i.checked_sub(1).map(|p| word[p]).into_iter().collect();
            let next: String = word.get(i + 1).copied().into_iter().collect();
            let by_prev = self
                .prev_mapping
                .as_ref()
                .and_then(|m| m.get(&format!("{prev}{curr}")));
            let by_next = self
                .next_mapping
                .as_ref()
                .and_then(|m| m.get(&format!("{curr}{next}")));
            match by_prev
                .or(by_next)
                .or_else(|| self.mapping.get(&curr.to_string()))
            {
                Some(latin) => out.push_str(latin),
                None => out.push(curr),
            }
        }
        out
    }
}
