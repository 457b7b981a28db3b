//! Screening: Russian-aware name normalisation and the in-memory name index.
//!
//! One person appears under many spellings (ICAO passports, BGN/PCGN, scholarly, French and
//! German forms, Cyrillic). [`name_tokens`] folds any of them to the same tokens, and
//! [`NameIndex`] finds an id by (partial) name in any script or spelling. The index holds
//! folded tokens only, never the names as given.
//!
//! Modules, in pipeline order:
//! - `fold`: decomposition, marks, case, word splitting; the public functions;
//! - `translit`: the Cyrillic-to-Latin table;
//! - `skeleton`: the table of Latin spelling variants and the skeleton rules;
//! - `index`: [`NameIndex`];
//! - `matcher`: [`compare_names`], the decision whether two names are one, with its reasons.
//!
//! No IO here: list parsers will read from `Read`, the caller opens files.

pub mod compare;
pub mod eval;
mod fold;
mod index;
mod lines;
pub mod lists;
mod matcher;
pub mod screening;
mod skeleton;
mod translit;

pub use fold::{fold_token, name_tokens};
pub use index::{NameIndex, SearchHit};
pub use matcher::{
    AlignedTokens, DEFAULT_THRESHOLD, NameComparison, NameKind, PreparedName, TokenMatch,
    compare_names, compare_prepared,
};
