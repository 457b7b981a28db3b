#![no_main]
//! Any text through the name normaliser and the matcher: tokens are never empty, a score is
//! always in 0..=1.

use corridor_screen::{NameKind, compare_names, name_tokens};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let middle = text
        .char_indices()
        .nth(text.chars().count() / 2)
        .map_or(text.len(), |(i, _)| i);
    let (left, right) = text.split_at(middle);
    for token in name_tokens(text) {
        assert!(!token.is_empty());
    }
    let score = compare_names(left, right, NameKind::Person).score;
    assert!((0.0..=1.0).contains(&score));
});
