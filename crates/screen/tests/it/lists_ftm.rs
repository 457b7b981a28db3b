//! The FollowTheMoney JSON-lines parser on the real OpenSanctions extracts, and on broken lines.

use std::fs::File;

use corridor_screen::lists::{EntityKind, NameStrength, OnError, ftm};

use crate::data_dir;

#[test]
fn the_real_extracts_read_persons_and_organisations_only() {
    let dir = data_dir("lists/opensanctions");
    let t1 = ftm::read(
        File::open(dir.join("t1.entities.ftm.json")).expect("t1"),
        OnError::Stop,
    )
    .expect("t1 reads");
    let zala = ftm::read(
        File::open(dir.join("zala.entities.ftm.json")).expect("zala"),
        OnError::Stop,
    )
    .expect("zala reads");
    let all: Vec<_> = t1.entries.iter().chain(&zala.entries).collect();
    // 10 persons, 11 companies and 2 organisations; sanctions, addresses and the like are
    // descriptions, not entries.
    assert_eq!(all.len(), 23);
    assert_eq!(
        all.iter().filter(|e| e.kind == EntityKind::Person).count(),
        10
    );
    let tobacco = all
        .iter()
        .find(|e| e.id == "NK-2GdmHtZTeNXjNVrBGEXZNj")
        .expect("Inter Tobacco");
    assert!(tobacco.names.len() > 10, "every language's name");
    assert!(
        tobacco
            .names
            .iter()
            .all(|n| n.strength == NameStrength::Primary)
    );
    assert_eq!(tobacco.countries, ["by"]);
    assert!(tobacco.programs.contains(&"sanction".to_owned()));
    assert!(
        all.iter().any(|e| e.russia_linked()),
        "entries with country ru"
    );
}

#[test]
fn broken_lines_are_named_and_skipped_or_stop() {
    let good = r#"{"id":"a","schema":"Person","properties":{"name":["Ivan Sidorov"],"birthDate":["1970"],"alias":["Ivan S."]}}"#;
    let text = format!(
        "\u{feff}{good}\n{{\"id\":\"b\",\"schema\":\"Person\",\"properties\":{{\"name\":[\"Secret Canary\"\n{}\n\n{{\"id\":\"c\",\"schema\":\"Person\",\"properties\":{{}}}}\n[1,2]\n",
        good.replace("\"a\"", "\"d\"")
    );
    let import = ftm::read(text.as_bytes(), OnError::Skip).expect("skipping");
    assert_eq!(import.entries.len(), 2);
    assert_eq!(import.entries[0].names[1].strength, NameStrength::Alias);
    let lines: Vec<u64> = import.skipped.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 5, 6], "{:?}", import.skipped);
    assert!(
        import
            .skipped
            .iter()
            .all(|e| !e.to_string().contains("Canary"))
    );
    let error = ftm::read(text.as_bytes(), OnError::Stop).expect_err("stop");
    assert_eq!(error.line, 2);
}
