//! The fields of a case that a form edits: who the person is, where they stand in US
//! immigration, the headline facts of their risk in Russia, and the notes. Lists with a life of
//! their own (family, hearings, stays, relief, criminal cases, registries, claims) and the
//! workflow stage are kept as they are by an edit.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use crate::case::Case;
use crate::date::PartialDate;
use crate::input::CaseInput;
use crate::person::{Contact, CountryCode, Gender, LanguageCode, NameSet, Person};
use crate::program::ProgramSlug;
use crate::risk::{MilitaryStatus, PublicProfile, RussiaRisk, WantedStatus};
use crate::text::{self, Text, TextError};
use crate::us_status::{ANumber, Custody, ProceedingsStage, UsStatus};
use crate::workflow::Stage;

/// The longest short free-text field (facility, phone, email, address), in characters.
pub const MAX_SHORT_TEXT_CHARS: usize = 300;
/// The longest notes, in characters.
pub const MAX_NOTES_CHARS: usize = 20_000;

/// Optional free text: blank is `None`; otherwise trimmed, at most `max` characters, without
/// control characters (newlines allowed when `multiline`). Errors never repeat the text.
pub fn optional_text(text: &str, max: usize, multiline: bool) -> Result<Option<String>, TextError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    text::clean(text, max, multiline).map(Some)
}

/// The editable fields of a case, each already valid. As JSON (the API's edit), every field but
/// `program` and `names` may be left out (unknown or empty), unknown fields are refused, and
/// errors name the field without repeating its value.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawCaseDetails")]
pub struct CaseDetails {
    pub program: ProgramSlug,
    pub names: NameSet,
    pub birth_date: Option<PartialDate>,
    pub gender: Gender,
    pub nationalities: Vec<CountryCode>,
    pub languages: Vec<LanguageCode>,
    pub contact: Option<Contact>,
    pub a_number: Option<ANumber>,
    pub custody: Custody,
    pub detention_facility: Option<String>,
    pub proceedings: ProceedingsStage,
    pub final_order_date: Option<NaiveDate>,
    pub scheduled_removal: Option<NaiveDate>,
    pub wanted: WantedStatus,
    pub military: MilitaryStatus,
    pub public_profile: PublicProfile,
    pub notes: Option<String>,
}

/// The JSON shape of [`CaseDetails`]: free text checked as it is read, so an error's path
/// points at the field.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCaseDetails {
    program: ProgramSlug,
    names: NameSet,
    #[serde(default)]
    birth_date: Option<PartialDate>,
    #[serde(default)]
    gender: Gender,
    #[serde(default)]
    nationalities: Vec<CountryCode>,
    #[serde(default)]
    languages: Vec<LanguageCode>,
    #[serde(default)]
    contact: Option<Contact>,
    #[serde(default)]
    a_number: Option<ANumber>,
    #[serde(default)]
    custody: Custody,
    #[serde(default)]
    detention_facility: Option<Text<MAX_SHORT_TEXT_CHARS, false>>,
    #[serde(default)]
    proceedings: ProceedingsStage,
    #[serde(
        default,
        deserialize_with = "crate::date::full_date::option::deserialize"
    )]
    final_order_date: Option<NaiveDate>,
    #[serde(
        default,
        deserialize_with = "crate::date::full_date::option::deserialize"
    )]
    scheduled_removal: Option<NaiveDate>,
    #[serde(default)]
    wanted: WantedStatus,
    #[serde(default)]
    military: MilitaryStatus,
    #[serde(default)]
    public_profile: PublicProfile,
    #[serde(default)]
    notes: Option<Text<MAX_NOTES_CHARS, true>>,
}

impl From<RawCaseDetails> for CaseDetails {
    fn from(raw: RawCaseDetails) -> Self {
        CaseDetails {
            program: raw.program,
            names: raw.names,
            birth_date: raw.birth_date,
            gender: raw.gender,
            nationalities: raw.nationalities,
            languages: raw.languages,
            contact: raw.contact,
            a_number: raw.a_number,
            custody: raw.custody,
            detention_facility: raw.detention_facility.map(|t| t.0),
            proceedings: raw.proceedings,
            final_order_date: raw.final_order_date,
            scheduled_removal: raw.scheduled_removal,
            wanted: raw.wanted,
            military: raw.military,
            public_profile: raw.public_profile,
            notes: raw.notes.map(|t| t.0),
        }
    }
}

impl CaseDetails {
    /// The editable fields as the case holds them now.
    pub fn of(case: &Case) -> Self {
        let us = &case.us_status;
        let risk = &case.russia_risk;
        Self {
            program: case.program.clone(),
            names: case.person.names.clone(),
            birth_date: case.person.birth_date,
            gender: case.person.gender,
            nationalities: case.person.nationalities.clone(),
            languages: case.person.languages.clone(),
            contact: case.person.contact.clone(),
            a_number: us.a_number.clone(),
            custody: us.custody,
            detention_facility: us.detention_facility.clone(),
            proceedings: us.proceedings,
            final_order_date: us.final_order_date,
            scheduled_removal: us.scheduled_removal,
            wanted: risk.wanted,
            military: risk.military,
            public_profile: risk.public_profile,
            notes: case.notes.clone(),
        }
    }

    /// Writes these fields into `case`, keeping everything else, and stamps the change.
    pub fn apply_to(self, case: &mut Case, at: DateTime<Utc>) {
        case.program = self.program;
        let person = &mut case.person;
        person.names = self.names;
        person.birth_date = self.birth_date;
        person.gender = self.gender;
        person.nationalities = self.nationalities;
        person.languages = self.languages;
        person.contact = self.contact;
        let us = &mut case.us_status;
        us.a_number = self.a_number;
        us.custody = self.custody;
        us.detention_facility = self.detention_facility;
        us.proceedings = self.proceedings;
        us.final_order_date = self.final_order_date;
        us.scheduled_removal = self.scheduled_removal;
        let risk = &mut case.russia_risk;
        risk.wanted = self.wanted;
        risk.military = self.military;
        risk.public_profile = self.public_profile;
        case.notes = self.notes;
        case.updated_at = at;
    }

    /// A new case at intake made of these fields, with every list empty.
    pub fn into_input(self) -> CaseInput {
        let mut person = Person::new(self.names.clone());
        person.birth_date = self.birth_date;
        person.gender = self.gender;
        person.nationalities = self.nationalities.clone();
        person.languages = self.languages.clone();
        person.contact = self.contact.clone();
        CaseInput {
            program: self.program,
            stage: Stage::Intake,
            person,
            us_status: UsStatus {
                a_number: self.a_number,
                custody: self.custody,
                detention_facility: self.detention_facility,
                proceedings: self.proceedings,
                final_order_date: self.final_order_date,
                scheduled_removal: self.scheduled_removal,
                ..UsStatus::default()
            },
            russia_risk: RussiaRisk {
                wanted: self.wanted,
                military: self.military,
                public_profile: self.public_profile,
                ..RussiaRisk::default()
            },
            claims: Vec::new(),
            notes: self.notes,
            assessment: Default::default(),
        }
    }
}

/// Shows which fields are set, never their values.
impl std::fmt::Debug for CaseDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseDetails")
            .field("program", &self.program)
            .field("names", &self.names.len())
            .field("custody", &self.custody)
            .field("proceedings", &self.proceedings)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{CaseId, OrgId};
    use crate::person::{NameKind, PersonName};

    const EXAMPLE: &str = include_str!("../../../examples/case.json");

    fn example() -> Case {
        CaseInput::from_json(EXAMPLE).expect("example").into_case(
            CaseId::random(),
            OrgId::random(),
            Utc::now(),
        )
    }

    #[test]
    fn an_edit_changes_its_fields_and_keeps_the_lists_and_the_stage() {
        let case = example();
        let mut edited = case.clone();
        let mut details = CaseDetails::of(&case);
        details.names =
            NameSet::single(PersonName::new("Renamed Person", NameKind::Alias).unwrap());
        details.custody = Custody::Bond;
        details.wanted = WantedStatus::NotWanted;
        details.notes = None;
        let later = case.updated_at + chrono::Duration::minutes(5);
        details.apply_to(&mut edited, later);

        assert_eq!(edited.person.names.primary().text(), "Renamed Person");
        assert_eq!(edited.us_status.custody, Custody::Bond);
        assert_eq!(edited.notes, None);
        assert_eq!(edited.updated_at, later);
        assert_eq!(edited.created_at, case.created_at);
        assert_eq!(edited.stage, case.stage);
        assert_eq!(edited.claims, case.claims);
        assert_eq!(edited.person.family, case.person.family);
        assert_eq!(edited.us_status.hearings, case.us_status.hearings);
        assert_eq!(edited.us_status.stays, case.us_status.stays);
        assert_eq!(
            edited.russia_risk.criminal_cases,
            case.russia_risk.criminal_cases
        );
    }

    #[test]
    fn the_details_of_a_case_applied_back_change_nothing_but_the_time() {
        let case = example();
        let mut same = case.clone();
        CaseDetails::of(&case).apply_to(&mut same, case.updated_at);
        assert!(same == case);
    }

    #[test]
    fn a_new_case_from_details_starts_at_intake_with_empty_lists() {
        let details = CaseDetails::of(&example());
        let input = details.clone().into_input();
        assert_eq!(input.stage, Stage::Intake);
        assert!(input.claims.is_empty() && input.person.family.is_empty());
        assert!(input.us_status.hearings.is_empty());
        let case = input.into_case(CaseId::random(), OrgId::random(), Utc::now());
        assert!(CaseDetails::of(&case) == details);
    }

    #[test]
    fn details_parse_from_json_naming_the_faulty_field() {
        let json = r#"{"program": "ca-public-policy-2026",
            "names": [{"text": "Агафья Джейсонова", "kind": "native"}],
            "custody": "bond", "scheduled_removal": "2027-01-31", "notes": "two\nlines"}"#;
        let details: CaseDetails = crate::input::parse_json(json).expect("valid");
        assert_eq!(details.custody, Custody::Bond);
        assert_eq!(details.notes.as_deref(), Some("two\nlines"));
        for (bad, field) in [
            (
                json.replace("2027-01-31", "2027-02-30"),
                "scheduled_removal",
            ),
            (json.replace("\"bond\"", "\"jail\""), "custody"),
            (json.replace("\"custody\"", "\"costody\""), "costody"),
            (json.replace("\"two\\nlines\"", "\"\""), "notes"),
        ] {
            let err = crate::input::parse_json::<CaseDetails>(&bad).expect_err(field);
            assert_eq!(err.field, field, "{err}");
            assert!(!err.to_string().contains("Агафья"), "{err}");
        }
    }

    #[test]
    fn optional_text_is_none_when_blank_and_checked_otherwise() {
        assert_eq!(optional_text("  \n", 10, false), Ok(None));
        assert_eq!(
            optional_text(" a b ", 10, false),
            Ok(Some("a b".to_owned()))
        );
        assert_eq!(
            optional_text("x".repeat(11).as_str(), 10, false),
            Err(TextError::TooLong { max: 10 })
        );
        assert_eq!(
            optional_text("a\nb", 10, false),
            Err(TextError::ControlCharacter)
        );
        assert_eq!(optional_text("a\nb", 10, true), Ok(Some("a\nb".to_owned())));
    }
}
