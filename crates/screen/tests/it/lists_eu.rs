//! The EU financial sanctions XML export. No real file is at hand: this fixture follows the
//! published export format 1.1 (attributes on `sanctionEntity`, `regulation`, `subjectType`,
//! `nameAlias`, `citizenship`, `birthdate`, `address`), with synthetic people.

use corridor_screen::lists::{EntityKind, NameStrength, OnError, eu};

const EXPORT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-01-01T00:00:00.000+01:00">
  <sanctionEntity designationDate="2022-02-23" logicalId="9001" euReferenceNumber="EU.0.1">
    <regulation programme="RUS" regulationType="amendment"/>
    <subjectType code="person" classificationCode="P"/>
    <nameAlias firstName="Ivan" lastName="Sintetikov" wholeName="Ivan Petrovich SINTETIKOV" strong="true" logicalId="1"/>
    <nameAlias wholeName="Иван Петрович Синтетиков" strong="true" logicalId="2"/>
    <nameAlias wholeName="Vanya" strong="false" logicalId="3"/>
    <citizenship countryIsoAlpha2Code="RU" countryDescription="RUSSIAN FEDERATION"/>
    <birthdate birthdate="1970-02-03" year="1970"/>
    <address city="Moscow" countryIsoAlpha2Code="RU" countryDescription="RUSSIAN FEDERATION"/>
  </sanctionEntity>
  <sanctionEntity logicalId="9002">
    <regulation programme="BLR"/>
    <subjectType code="enterprise"/>
    <nameAlias wholeName="Synthetic &amp; Sons LLC" strong="true"/>
  </sanctionEntity>
  <sanctionEntity logicalId="9003"><subjectType code="person"/></sanctionEntity>
</export>"#;

#[test]
fn the_export_reads_from_its_attributes() {
    let import = eu::read(EXPORT.as_bytes(), OnError::Skip).expect("read");
    assert_eq!(import.entries.len(), 2);
    assert_eq!(import.skipped.len(), 1, "the nameless 9003");
    assert_eq!(import.skipped[0].line, 3);
    let ivan = &import.entries[0];
    assert_eq!(ivan.id, "9001");
    assert_eq!(ivan.kind, EntityKind::Person);
    assert_eq!(ivan.names[0].text, "Ivan Petrovich SINTETIKOV");
    assert_eq!(ivan.names[2].strength, NameStrength::Weak);
    assert_eq!(ivan.birth_dates, ["1970-02-03"]);
    assert!(ivan.russia_linked());
    assert_eq!(import.entries[1].names[0].text, "Synthetic & Sons LLC");
    assert_eq!(import.entries[1].kind, EntityKind::Organisation);
    let error = eu::read(EXPORT.as_bytes(), OnError::Stop).expect_err("stop");
    assert!(error.reason.contains("nameAlias"), "{error}");
    let cut = &EXPORT[..EXPORT
        .find("<sanctionEntity logicalId=\"9002\">")
        .expect("tag")];
    let error = eu::read(cut.as_bytes(), OnError::Stop).expect_err("truncated");
    assert!(
        error.reason.contains("truncated") || error.reason.contains("XML"),
        "{error}"
    );
}
