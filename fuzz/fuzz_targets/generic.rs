#![no_main]
//! Any bytes into the generic registry CSV parser, through a fixed mapping.

use corridor_screen::lists::OnError;
use corridor_screen::lists::generic::{ColumnMapping, read};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mapping = ColumnMapping::names_of_people("fuzz", "name");
    let _ = read(data, &mapping, OnError::Skip);
});
