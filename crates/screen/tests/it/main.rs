//! Integration tests of corridor-screen. Test vectors come from `shared/data` next to the
//! workspace root; tests that need it fail, saying so, when it is missing.

mod corpus;
mod folding;
mod index;
mod iuliia;
mod lists_eu;
mod lists_ftm;
mod lists_generic;
mod lists_ofac;
mod lists_sema;
mod lists_targets;
mod lists_uk;
mod lists_un;
mod name_pairs;
mod props;
mod translit_vectors;

use std::path::{Path, PathBuf};

/// `shared/data/<sub>` next to the workspace root; panics, saying so, if it is missing.
pub fn data_dir(sub: &str) -> PathBuf {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(sub);
    assert!(
        dir.is_dir(),
        "test data directory {} is missing: these tests need shared/data next to the \
         workspace root (see shared/data/SOURCES.md)",
        dir.display()
    );
    dir
}
