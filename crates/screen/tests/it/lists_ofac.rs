//! The OFAC SDN CSV parser on the real files of `shared/data/lists/ofac`, and on broken ones.

use std::fs::File;

use corridor_screen::lists::{EntityKind, NameStrength, OnError, ofac};

use crate::data_dir;

fn open(name: &str) -> File {
    File::open(data_dir("lists/ofac").join(name)).expect("list file")
}

#[test]
fn the_real_sdn_list_reads_with_its_aliases_and_addresses() {
    let (mut alt, mut add) = (open("alt.csv"), open("add.csv"));
    let import = ofac::read(
        open("sdn.csv"),
        Some(&mut alt),
        Some(&mut add),
        OnError::Stop,
    )
    .expect("the real files read cleanly");
    assert!(import.skipped.is_empty());
    assert_eq!(import.entries.len(), 8976, "one entry per row of sdn.csv");
    let kinds = |kind| import.entries.iter().filter(|e| e.kind == kind).count();
    assert_eq!(kinds(EntityKind::Person), 4620);
    assert_eq!(kinds(EntityKind::Vessel), 406);
    assert_eq!(kinds(EntityKind::Aircraft), 277);

    let korobov = import
        .entries
        .iter()
        .find(|e| e.id == "21328")
        .expect("entry 21328");
    assert_eq!(korobov.names[0].text, "KOROBOV, Igor Valentinovich");
    assert_eq!(korobov.names[0].strength, NameStrength::Primary);
    assert_eq!(korobov.birth_dates, ["1956-08-03"]);
    assert_eq!(korobov.nationalities, ["Russia"]);
    assert!(
        korobov.programs.contains(&"CAATSA - RUSSIA".to_owned()),
        "{:?}",
        korobov.programs
    );
    assert!(korobov.russia_linked());

    let cuba_bank = import
        .entries
        .iter()
        .find(|e| e.id == "306")
        .expect("entry 306");
    assert!(
        cuba_bank
            .names
            .iter()
            .any(|n| n.text == "NATIONAL BANK OF CUBA" && n.strength == NameStrength::Alias),
        "aliases from alt.csv"
    );
    assert!(
        cuba_bank.countries.contains(&"Switzerland".to_owned()),
        "countries from add.csv"
    );
    let russian = import.entries.iter().filter(|e| e.russia_linked()).count();
    assert!(russian > 400, "Russia-linked entries: {russian}");
}

const GOOD: &str =
    "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";

#[test]
fn broken_files_name_the_line_and_stop_or_carry_on_as_asked() {
    let short = format!(
        "{GOOD}37,\"SECRET CANARY\",-0- \r\n{}",
        GOOD.replace("36", "38")
    );
    let error = ofac::read(short.as_bytes(), None, None, OnError::Stop).expect_err("short row");
    assert_eq!((error.file, error.line), ("sdn.csv", 2));
    assert!(
        error.reason.contains("3 fields") && !error.to_string().contains("CANARY"),
        "{error}"
    );
    let import = ofac::read(short.as_bytes(), None, None, OnError::Skip).expect("skipping");
    assert_eq!(import.entries.len(), 2, "the good rows around it are kept");
    assert_eq!(import.skipped.len(), 1);

    for (text, reason) in [
        (
            GOOD.replace("\"AEROCARIBBEAN AIRLINES\"", "-0- "),
            "the name is empty",
        ),
        (GOOD.replace("36,", "x36,"), "not a number"),
        (
            GOOD.replace(",-0- ,\"CUBA\"", ",\"robot\",\"CUBA\""),
            "the type",
        ),
        (format!("{GOOD}{GOOD}"), "appears twice"),
    ] {
        let error = ofac::read(text.as_bytes(), None, None, OnError::Stop).expect_err(reason);
        assert!(error.reason.contains(reason), "{error}");
    }

    // Truncated inside a quoted field, invalid UTF-8, an alias of no entry.
    let truncated = &GOOD[..20];
    let import = ofac::read(truncated.as_bytes(), None, None, OnError::Skip).expect("read");
    assert_eq!(import.entries.len(), 0);
    assert_eq!(import.skipped.len(), 1, "{:?}", import.skipped);
    let mut invalid = GOOD.as_bytes().to_vec();
    invalid
        .extend_from_slice(b"37,\"\xff\xfe\",-0- ,x,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n");
    let error = ofac::read(invalid.as_slice(), None, None, OnError::Stop).expect_err("utf-8");
    assert!(error.reason.contains("UTF-8") && error.line == 2, "{error}");
    let mut orphan: &[u8] = b"99,1,\"aka\",\"NOBODY\",-0- \r\n";
    let error = ofac::read(GOOD.as_bytes(), Some(&mut orphan), None, OnError::Stop)
        .expect_err("orphan alias");
    assert_eq!(error.file, "alt.csv");
    assert!(error.reason.contains("99"), "{error}");

    let empty = ofac::read(&b""[..], None, None, OnError::Stop).expect("empty");
    assert!(empty.entries.is_empty());
    let eof_only = ofac::read(&b"\x1a"[..], None, None, OnError::Stop).expect("DOS end of file");
    assert!(eof_only.entries.is_empty());
}
