//! Canada's SEMA list parser: the real 2020 file (old field names) and a fixture in the newer
//! field names (`EntityOrShip`, `DateOfBirthOrShipBuildDate`, `ShipIMONumber`), written from
//! the published format because no newer file is at hand.

use std::fs::File;

use corridor_screen::lists::{EntityKind, OnError, sema};

use crate::data_dir;

#[test]
fn the_real_2020_list_reads_with_the_old_field_names() {
    let file = File::open(data_dir("lists/ca-sema").join("sema-lmes-2020-04.xml")).expect("list");
    let import = sema::read(file, OnError::Stop).expect("the real file reads cleanly");
    assert!(import.skipped.is_empty());
    assert_eq!(import.entries.len(), 1369);
    let people = import
        .entries
        .iter()
        .filter(|e| e.kind == EntityKind::Person)
        .count();
    assert!(people >= 980, "people: {people}");
    let air_bagan = &import.entries[0];
    assert_eq!(air_bagan.names[0].text, "Air Bagan");
    assert_eq!(
        air_bagan.names.len(),
        3,
        "two aliases: {:?}",
        air_bagan.names
    );
    assert_eq!(air_bagan.programs, ["Burma / Birmanie"]);
    let russians = import.entries.iter().filter(|e| e.russia_linked()).count();
    assert!(russians > 100, "Russia regulation entries: {russians}");
    assert!(import.entries.iter().any(|e| !e.birth_dates.is_empty()));
}

#[test]
fn the_newer_field_names_and_broken_records() {
    let newer = "<?xml version=\"1.0\"?><data-set>\
        <record><Country>Russia / Russie</Country><LastName>Sidorov</LastName>\
        <GivenName>Ivan</GivenName><DateOfBirthOrShipBuildDate>1970</DateOfBirthOrShipBuildDate>\
        <Schedule>1, Part 1</Schedule><Item>1</Item></record>\
        <record><Country>Russia / Russie</Country><EntityOrShip>Baltic Star</EntityOrShip>\
        <ShipIMONumber>9999999</ShipIMONumber><Schedule>1</Schedule><Item>2</Item></record>\
        <record><Country>Russia / Russie</Country><Schedule>1</Schedule><Item>3</Item></record>\
        </data-set>";
    let import = sema::read(newer.as_bytes(), OnError::Skip).expect("read");
    assert_eq!(import.entries.len(), 2);
    assert_eq!(import.entries[0].names[0].text, "Ivan Sidorov");
    assert_eq!(import.entries[0].birth_dates, ["1970"]);
    assert_eq!(import.entries[1].kind, EntityKind::Vessel);
    assert_eq!(import.skipped.len(), 1);
    assert_eq!(import.skipped[0].line, 3, "the nameless third record");
    let error = sema::read(newer.as_bytes(), OnError::Stop).expect_err("stop");
    assert!(error.reason.contains("no name"), "{error}");
    let cut = &newer[..newer.len() - 30];
    assert!(sema::read(cut.as_bytes(), OnError::Stop).is_err());
}
