//! The UN consolidated list parser on the real file of `shared/data/lists/un`, and on broken
//! and hostile documents.

use std::fs::File;

use corridor_screen::lists::{EntityKind, NameStrength, OnError, un};

use crate::data_dir;

#[test]
fn the_real_consolidated_list_reads() {
    let file = File::open(data_dir("lists/un").join("consolidated.xml")).expect("list");
    let import = un::read(file, OnError::Stop).expect("the real file reads cleanly");
    assert!(import.skipped.is_empty());
    let people = import
        .entries
        .iter()
        .filter(|e| e.kind == EntityKind::Person)
        .count();
    let others = import.entries.len() - people;
    assert_eq!((people, others), (730, 273));

    let badege = import
        .entries
        .iter()
        .find(|e| e.id == "6907993")
        .expect("6907993");
    assert_eq!(badege.names[0].text, "ERIC BADEGE");
    assert_eq!(badege.birth_dates, ["1971"]);
    assert_eq!(badege.nationalities, ["Democratic Republic of the Congo"]);
    assert_eq!(badege.countries, ["Rwanda"]);
    assert_eq!(badege.programs, ["DRC"]);
    let aliased = import
        .entries
        .iter()
        .filter(|e| e.names.iter().any(|n| n.strength != NameStrength::Primary))
        .count();
    assert!(aliased > 500, "aliases read: {aliased}");
    assert!(
        import
            .entries
            .iter()
            .any(|e| e.names.iter().any(|n| n.strength == NameStrength::Weak)),
        "low-quality aliases are weak"
    );
}

const ONE: &str = "<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>IVAN</FIRST_NAME>\
    <SECOND_NAME>SIDOROV</SECOND_NAME><INDIVIDUAL_DATE_OF_BIRTH><DATE>1970-02-03</DATE>\
    </INDIVIDUAL_DATE_OF_BIRTH></INDIVIDUAL>";

fn list(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><CONSOLIDATED_LIST><INDIVIDUALS>{body}</INDIVIDUALS></CONSOLIDATED_LIST>"
    )
}

#[test]
fn broken_and_hostile_documents_are_refused_or_skipped_never_expanded() {
    let good = un::read(list(ONE).as_bytes(), OnError::Stop).expect("good");
    assert_eq!(good.entries[0].names[0].text, "IVAN SIDOROV");
    assert_eq!(good.entries[0].birth_dates, ["1970-02-03"]);

    // A record without a name: skipped or stopping, named by its record number.
    let nameless = list(&format!(
        "{ONE}<INDIVIDUAL><DATAID>2</DATAID></INDIVIDUAL>{ONE}"
    ));
    let error = un::read(nameless.as_bytes(), OnError::Stop).expect_err("nameless");
    assert_eq!(error.line, 2);
    let skipped = un::read(nameless.as_bytes(), OnError::Skip).expect("skip");
    assert_eq!((skipped.entries.len(), skipped.skipped.len()), (2, 1));

    // Truncated, mismatched tags, not XML at all.
    let whole = list(ONE);
    let cut = whole.find("</SECOND_NAME>").expect("tag") + "</SECOND_NAME>".len();
    let truncated = &whole[..cut];
    let import = un::read(truncated.as_bytes(), OnError::Skip).expect("truncated, skipping");
    assert!(import.entries.is_empty() && import.skipped.len() == 1);
    let error = un::read(truncated.as_bytes(), OnError::Stop).expect_err("truncated");
    assert!(error.reason.contains("truncated"), "{error}");
    let mid_tag = &whole[..cut - 3];
    for on_error in [OnError::Stop, OnError::Skip] {
        let error = un::read(mid_tag.as_bytes(), on_error).expect_err("cut inside a tag");
        assert!(error.reason.contains("XML"), "{error}");
    }
    assert!(un::read(&b"<A><B></A>"[..], OnError::Stop).is_err());
    assert!(un::read(&b"\x00\xff garbage"[..], OnError::Skip).is_ok_and(|i| i.entries.is_empty()));

    // An entity-expansion bomb: the entities are never expanded, so it is read (and refused)
    // at once instead of filling memory.
    let bomb = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">\
        <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>\
        <CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>\
        <FIRST_NAME>&c;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>";
    let import = un::read(bomb.as_bytes(), OnError::Skip).expect("read");
    assert!(
        import.entries.iter().all(|e| e.names[0].text.len() < 100),
        "no entity was expanded"
    );

    // A 10,000-character name and a byte-order mark are taken as they are.
    let long = list(&ONE.replace("IVAN", &"И".repeat(10_000)));
    let import = un::read(format!("\u{feff}{long}").as_bytes(), OnError::Stop).expect("long");
    assert_eq!(import.entries.len(), 1);
}
