//! The UK consolidated list CSV (OFSI `ConList.csv`). No real file is at hand: this fixture
//! follows the published columns (a `Last Updated` line, then the header; one row per name,
//! grouped by `Group ID`), with synthetic targets.

use corridor_screen::lists::{EntityKind, NameStrength, OnError, uk};

const HEADER: &str = "Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,Name Non-Latin Script,Non-Latin Script Type,Non-Latin Script Language,DOB,Town of Birth,Country of Birth,Nationality,Passport Number,Passport Details,National Identification Number,National Identification Details,Position,Address 1,Address 2,Address 3,Address 4,Address 5,Address 6,Post/Zip Code,Country,Other Information,Group Type,Alias Type,Alias Quality,Regime,Listed On,UK Sanctions List Date Designated,Last Updated,Group ID\r\n";

/// One row: surname, given name, non-Latin name, DOB, alias type, alias quality, group,
/// group type.
fn row([surname, given, non_latin, dob, alias, quality, group, kind]: [&str; 8]) -> String {
    format!(
        "{surname},{given},,,,,,{non_latin},,,{dob},,,Russia,,,,,,,,,,,,,Russia,,{kind},{alias},{quality},Russia,01/03/2022,,01/03/2022,{group}\r\n"
    )
}

#[test]
fn rows_of_one_group_become_one_target() {
    let text = format!(
        "Last Updated,01/02/2026\r\n{HEADER}{}{}{}{}",
        row([
            "SINTETIKOV",
            "Ivan",
            "Иван Синтетиков",
            "03/02/1970",
            "Primary name",
            "",
            "15000",
            "Individual"
        ]),
        row([
            "SINTETIKOV",
            "Vanya",
            "",
            "00/00/1970",
            "AKA",
            "Low",
            "15000",
            "Individual"
        ]),
        row([
            "SYNTHETIC SHIPPING",
            "",
            "",
            "",
            "Primary name",
            "",
            "15001",
            "Entity"
        ]),
        row(["", "", "", "", "AKA", "", "15002", "Individual"]),
    );
    let import = uk::read(text.as_bytes(), OnError::Skip).expect("read");
    assert_eq!(import.entries.len(), 2);
    let ivan = &import.entries[0];
    assert_eq!(ivan.kind, EntityKind::Person);
    assert_eq!(ivan.names[0].text, "Ivan SINTETIKOV");
    assert_eq!(ivan.names[0].strength, NameStrength::Primary);
    assert!(ivan.names.iter().any(|n| n.text == "Иван Синтетиков"));
    assert!(
        ivan.names
            .iter()
            .any(|n| n.text == "Vanya SINTETIKOV" && n.strength == NameStrength::Weak)
    );
    assert_eq!(ivan.birth_dates, ["1970-02-03", "1970"]);
    assert!(ivan.russia_linked());
    assert_eq!(import.entries[1].kind, EntityKind::Organisation);
    assert_eq!(import.skipped.len(), 1);
    assert_eq!(import.skipped[0].line, 6, "the nameless row");
    let error = uk::read(text.as_bytes(), OnError::Stop).expect_err("stop");
    assert!(error.reason.contains("no name"), "{error}");
    let error = uk::read(&b"a,b\r\n1,2\r\n"[..], OnError::Stop).expect_err("no header");
    assert!(error.reason.contains("Group ID"), "{error}");
}
