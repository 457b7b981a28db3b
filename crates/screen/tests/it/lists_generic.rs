//! A Russian registry read through a column mapping. The Ministry of Justice publishes the
//! foreign agents register as a table; this fixture follows its columns (number, full name,
//! date of birth, kind, date of inclusion) with invented, synthetic people.

use corridor_screen::lists::generic::{ColumnMapping, read};
use corridor_screen::lists::{EntityKind, ListSource, OnError};

fn mapping() -> ColumnMapping {
    ColumnMapping {
        label: "ru_foreign_agents".to_owned(),
        name: "ФИО / Наименование".to_owned(),
        id: Some("№".to_owned()),
        aliases: Some("Иные имена".to_owned()),
        alias_separator: ';',
        birth_date: Some("Дата рождения".to_owned()),
        kind: Some("Вид".to_owned()),
        default_kind: EntityKind::Person,
        delimiter: b';',
    }
}

const TABLE: &str = "\u{feff}№;ФИО / Наименование;Иные имена;Дата рождения;Вид;Дата включения\r\n\
    1;Синтетикова Вера Петровна;\"Sintetikova Vera; Синтетикова В.\";1985-04-12;физическое лицо;2023-09-15\r\n\
    2;Синтетическое медиа;;;;2022-01-01\r\n";

#[test]
fn a_registry_reads_through_its_mapping() {
    let import = read(TABLE.as_bytes(), &mapping(), OnError::Stop).expect("read");
    assert_eq!(import.entries.len(), 2);
    let vera = &import.entries[0];
    assert_eq!(vera.source, ListSource::Registry);
    assert_eq!(vera.id, "1");
    assert_eq!(vera.kind, EntityKind::Person);
    assert_eq!(vera.names.len(), 3);
    assert_eq!(vera.birth_dates, ["1985-04-12"]);
    assert_eq!(vera.programs, ["ru_foreign_agents"]);
    assert_eq!(
        import.entries[1].kind,
        EntityKind::Person,
        "no kind: the default"
    );
}

#[test]
fn a_wrong_mapping_or_row_is_named() {
    let mut wrong = mapping();
    wrong.name = "Name".to_owned();
    let error = read(TABLE.as_bytes(), &wrong, OnError::Stop).expect_err("no such column");
    assert!(error.reason.contains("`Name`"), "{error}");
    let blank = TABLE.replace("Синтетическое медиа", "");
    let error = read(blank.as_bytes(), &mapping(), OnError::Stop).expect_err("blank name");
    assert_eq!(error.line, 3);
    let import = read(blank.as_bytes(), &mapping(), OnError::Skip).expect("skip");
    assert_eq!((import.entries.len(), import.skipped.len()), (1, 1));
}
