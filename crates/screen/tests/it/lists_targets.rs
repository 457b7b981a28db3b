//! OpenSanctions' `targets.simple.csv`. No real file is at hand: this fixture is written from
//! the published column list (id, schema, name, aliases, birth_date, countries, addresses,
//! identifiers, sanctions, phones, emails, program_ids, dataset, first_seen, last_seen,
//! last_change), with `;` between several values.

use corridor_screen::lists::{EntityKind, NameStrength, OnError, targets};

const HEADER: &str = "id,schema,name,aliases,birth_date,countries,addresses,identifiers,sanctions,phones,emails,program_ids,dataset,first_seen,last_seen,last_change\r\n";

#[test]
fn targets_read_with_their_aliases_countries_and_programmes() {
    let text = format!(
        "{HEADER}NK-1,Person,Ivan Sidorov,\"Sidorov, Ivan;Иван Сидоров\",1970-02-03,ru,,,\"EU 269/2014\",,,RU-1,Sanctioned entities,2022-01-01,2026-01-01,2025-01-01\r\n\
         NK-2,Company,Example Trading LLC,,,ru;cy,,,,,,,Sanctioned entities,,,\r\n\
         NK-3,Address,Somewhere,,,,,,,,,,,,,\r\n"
    );
    let import = targets::read(text.as_bytes(), OnError::Stop).expect("read");
    assert_eq!(import.entries.len(), 2, "addresses are not targets");
    let ivan = &import.entries[0];
    assert_eq!(ivan.kind, EntityKind::Person);
    assert_eq!(ivan.names.len(), 3);
    assert_eq!(ivan.names[1].text, "Sidorov, Ivan");
    assert_eq!(ivan.names[2].strength, NameStrength::Alias);
    assert_eq!(ivan.birth_dates, ["1970-02-03"]);
    assert_eq!(ivan.nationalities, ["ru"]);
    assert!(ivan.programs.contains(&"RU-1".to_owned()));
    assert!(ivan.russia_linked());
    assert_eq!(import.entries[1].countries, ["ru", "cy"]);
}

#[test]
fn bad_targets_files_name_the_line() {
    let error =
        targets::read(&b"id,schema\r\nx,Person\r\n"[..], OnError::Stop).expect_err("no name");
    assert!(error.reason.contains("`name`"), "{error}");
    let text = format!("{HEADER}NK-1,Person,,,,,,,,,,,,,,\r\nNK-2,Person,Ok Name,,,,,,,,,,,,,\r\n");
    let error = targets::read(text.as_bytes(), OnError::Stop).expect_err("nameless row");
    assert_eq!(error.line, 2);
    let import = targets::read(text.as_bytes(), OnError::Skip).expect("skip");
    assert_eq!((import.entries.len(), import.skipped.len()), (1, 1));
    let mut invalid = HEADER.as_bytes().to_vec();
    invalid.extend_from_slice(b"NK-1,Person,\xff\xfe,,,,,,,,,,,,,\r\n");
    let error = targets::read(invalid.as_slice(), OnError::Stop).expect_err("utf-8");
    assert!(error.reason.contains("UTF-8") && error.line == 2, "{error}");
}
