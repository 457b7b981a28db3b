#![no_main]
//! Any bytes into the targets parser: entries or record errors, never a panic or a hang.

use corridor_screen::lists::OnError;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = corridor_screen::lists::targets::read(data, OnError::Skip);
});
