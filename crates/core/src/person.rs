//! The person at risk: names in several scripts and spellings, date of birth, nationality,
//! languages, family (relatives in Canada matter for the Safe Third Country Agreement) and contact.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::date::PartialDate;
use crate::text::{self, Text, TextError};

/// The longest name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;

string_enum! {
    /// The writing system of a name.
    pub enum Script {
        /// Only Cyrillic letters (Russian, Ukrainian, ...).
        Cyrillic => "cyrillic", "Cyrillic",
        /// Only Latin letters (passport transliterations, ...).
        Latin => "latin", "Latin",
        /// Mixed scripts, another script, or no letters at all.
        Other => "other", "Other",
    }
}

impl Script {
    /// Detects the script of `text` from its letters: Cyrillic if every letter is Cyrillic,
    /// Latin if every letter is Latin, otherwise (mixed, other scripts, no letters) `Other`.
    /// Digits, spaces and punctuation are ignored.
    pub fn detect(text: &str) -> Self {
        let (mut cyrillic, mut latin, mut other) = (false, false, false);
        for c in text.chars().filter(|c| c.is_alphabetic()) {
            match c {
                '\u{0400}'..='\u{052F}'
                | '\u{1C80}'..='\u{1C8F}'
                | '\u{2DE0}'..='\u{2DFF}'
                | '\u{A640}'..='\u{A69F}' => cyrillic = true,
                'A'..='Z'
                | 'a'..='z'
                | '\u{00C0}'..='\u{024F}'
                | '\u{1E00}'..='\u{1EFF}'
                | '\u{00AA}'
                | '\u{00BA}' => latin = true,
                _ => other = true,
            }
        }
        match (cyrillic, latin, other) {
            (true, false, false) => Self::Cyrillic,
            (false, true, false) => Self::Latin,
            _ => Self::Other,
        }
    }
}

string_enum! {
    /// What a name is.
    pub enum NameKind {
        /// The name in the person's own language and script.
        Native => "native", "Native",
        /// As written in a passport (usually ICAO 9303 transliteration).
        Passport => "passport", "Passport",
        /// Any other spelling or name the person is known by.
        Alias => "alias", "Alias",
        /// A name no longer used (before marriage, ...).
        Former => "former", "Former",
    }
}

/// Why a name was rejected. Messages never repeat the name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("name {0}")]
pub struct NameError(#[from] pub TextError);

/// One name of a person: trimmed, non-empty, at most 200 characters, with its script and kind.
///
/// `Debug` output hides the text.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawPersonName")]
pub struct PersonName {
    text: String,
    script: Script,
    kind: NameKind,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPersonName {
    text: Text<MAX_NAME_CHARS, false>,
    #[serde(default)]
    script: Option<Script>,
    kind: NameKind,
}

impl TryFrom<RawPersonName> for PersonName {
    type Error = NameError;

    fn try_from(raw: RawPersonName) -> Result<Self, Self::Error> {
        let script = raw.script.unwrap_or_else(|| Script::detect(&raw.text.0));
        Ok(Self {
            text: raw.text.0,
            script,
            kind: raw.kind,
        })
    }
}

impl PersonName {
    /// A name whose script is detected from its text.
    pub fn new(text: &str, kind: NameKind) -> Result<Self, NameError> {
        let text = text::clean(text, MAX_NAME_CHARS, false)?;
        Ok(Self {
            script: Script::detect(&text),
            text,
            kind,
        })
    }

    /// A name with an explicitly stated script.
    pub fn with_script(text: &str, script: Script, kind: NameKind) -> Result<Self, NameError> {
        let text = text::clean(text, MAX_NAME_CHARS, false)?;
        Ok(Self { text, script, kind })
    }

    /// The name as written (trimmed).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Its script.
    pub fn script(&self) -> Script {
        self.script
    }

    /// Its kind.
    pub fn kind(&self) -> NameKind {
        self.kind
    }
}

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersonName")
            .field("text", &format_args!("<redacted>"))
            .field("script", &self.script)
            .field("kind", &self.kind)
            .finish()
    }
}

/// A [`NameSet`] must hold at least one name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("at least one name is required")]
pub struct NameSetError;

/// A non-empty list of a person's names, in the order given.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<PersonName>", into = "Vec<PersonName>")]
pub struct NameSet(Vec<PersonName>);

impl NameSet {
    /// A set of the given names; fails when there are none.
    pub fn new(names: Vec<PersonName>) -> Result<Self, NameSetError> {
        if names.is_empty() {
            Err(NameSetError)
        } else {
            Ok(Self(names))
        }
    }

    /// A set of one name.
    pub fn single(name: PersonName) -> Self {
        Self(vec![name])
    }

    /// Adds a name at the end.
    pub fn push(&mut self, name: PersonName) {
        self.0.push(name);
    }

    /// The names in order.
    pub fn iter(&self) -> std::slice::Iter<'_, PersonName> {
        self.0.iter()
    }

    /// The names as a slice.
    pub fn as_slice(&self) -> &[PersonName] {
        &self.0
    }

    /// How many names (at least one).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false; present for symmetry with `len`.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The name to show: the first native name, else the first passport name, else the first.
    pub fn primary(&self) -> &PersonName {
        self.0
            .iter()
            .find(|n| n.kind == NameKind::Native)
            .or_else(|| self.0.iter().find(|n| n.kind == NameKind::Passport))
            .unwrap_or(&self.0[0])
    }
}

impl TryFrom<Vec<PersonName>> for NameSet {
    type Error = NameSetError;

    fn try_from(names: Vec<PersonName>) -> Result<Self, Self::Error> {
        Self::new(names)
    }
}

impl From<NameSet> for Vec<PersonName> {
    fn from(set: NameSet) -> Self {
        set.0
    }
}

impl<'a> IntoIterator for &'a NameSet {
    type Item = &'a PersonName;
    type IntoIter = std::slice::Iter<'a, PersonName>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

string_enum! {
    /// Gender as recorded for the case.
    #[derive(Default)]
    pub enum Gender {
        Female => "female", "Female",
        Male => "male", "Male",
        Other => "other", "Other",
        #[default]
        Unknown => "unknown", "Unknown",
    }
}

/// Why a country code was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("country code must be two ASCII letters (ISO 3166-1 alpha-2, such as RU)")]
pub struct CountryCodeError;

/// An ISO 3166-1 alpha-2 country code: two ASCII letters, stored uppercase. Lowercase input is
/// accepted and uppercased. Membership in the ISO list is not checked.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Russia.
    pub const RU: Self = Self(*b"RU");
    /// Canada.
    pub const CA: Self = Self(*b"CA");
    /// The United States.
    pub const US: Self = Self(*b"US");

    /// The code, uppercase.
    pub fn as_str(&self) -> &str {
        // Always two ASCII letters.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl FromStr for CountryCode {
    type Err = CountryCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(Self([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(CountryCodeError),
        }
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountryCode({})", self.as_str())
    }
}

crate::text::serde_via_str!(CountryCode);

/// Why a language code was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("language code must be two or three ASCII letters (ISO 639, such as ru or rus)")]
pub struct LanguageCodeError;

/// An ISO 639 language code: two (639-1) or three (639-2/3) ASCII letters, stored lowercase.
/// Uppercase input is accepted and lowercased. Membership in the ISO list is not checked.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LanguageCode(String);

impl LanguageCode {
    /// The code, lowercase.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for LanguageCode {
    type Err = LanguageCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if (2..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic()) {
            Ok(Self(s.to_ascii_lowercase()))
        } else {
            Err(LanguageCodeError)
        }
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LanguageCode({})", self.0)
    }
}

crate::text::serde_via_str!(LanguageCode);

string_enum! {
    /// How a relative is related to the person.
    pub enum Relation {
        Spouse => "spouse", "Spouse or partner",
        Child => "child", "Child",
        Parent => "parent", "Parent",
        Grandparent => "grandparent", "Grandparent",
        Sibling => "sibling", "Sibling",
        AuntOrUncle => "aunt_or_uncle", "Aunt or uncle",
        NieceOrNephew => "niece_or_nephew", "Niece or nephew",
        LegalGuardian => "legal_guardian", "Legal guardian",
        Other => "other", "Other",
    }
}

string_enum! {
    /// A relative's status in Canada.
    pub enum CanadianStatus {
        Citizen => "citizen", "Canadian citizen",
        PermanentResident => "permanent_resident", "Permanent resident",
        ProtectedPerson => "protected_person", "Protected person",
        TemporaryResident => "temporary_resident", "Temporary resident",
        RefugeeClaimant => "refugee_claimant", "Refugee claimant",
        Unknown => "unknown", "Unknown",
    }
}

/// Which relatives in Canada, with which status, let a person arriving from the United States
/// make a refugee claim despite the Safe Third Country Agreement.
///
/// **Policy, unverified.** The default lists follow DOMAIN.md's reading of the STCA family
/// exception: the relations are those it names; the statuses are an unverified reading (in
/// particular, only some temporary residents — work or study permit holders — qualify, and a
/// refugee claimant qualifies only once the claim was referred to the IRB). Deployments should
/// load a corrected policy rather than rely on the default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StcaFamilyPolicy {
    /// Relations that count.
    pub relations: Vec<Relation>,
    /// Statuses in Canada that count.
    pub statuses: Vec<CanadianStatus>,
}

impl Default for StcaFamilyPolicy {
    fn default() -> Self {
        Self {
            relations: vec![
                Relation::Spouse,
                Relation::Child,
                Relation::Parent,
                Relation::Grandparent,
                Relation::Sibling,
                Relation::AuntOrUncle,
                Relation::NieceOrNephew,
                Relation::LegalGuardian,
            ],
            statuses: vec![
                CanadianStatus::Citizen,
                CanadianStatus::PermanentResident,
                CanadianStatus::ProtectedPerson,
                CanadianStatus::TemporaryResident,
                CanadianStatus::RefugeeClaimant,
            ],
        }
    }
}

/// Why a family link was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FamilyLinkError {
    #[error("relative's name {0}")]
    Name(TextError),
    #[error("canadian_status is only allowed when in_canada is true")]
    StatusOutsideCanada,
}

/// A relative of the person. A status in Canada can only be recorded for a relative in Canada.
///
/// `Debug` output hides the relative's name.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawFamilyLink")]
pub struct FamilyLink {
    relation: Relation,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    in_canada: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    canadian_status: Option<CanadianStatus>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFamilyLink {
    relation: Relation,
    #[serde(default)]
    name: Option<Text<MAX_NAME_CHARS, false>>,
    #[serde(default)]
    in_canada: bool,
    #[serde(default)]
    canadian_status: Option<CanadianStatus>,
}

impl TryFrom<RawFamilyLink> for FamilyLink {
    type Error = FamilyLinkError;

    fn try_from(raw: RawFamilyLink) -> Result<Self, Self::Error> {
        Self::build(
            raw.relation,
            raw.name.map(|t| t.0),
            raw.in_canada,
            raw.canadian_status,
        )
    }
}

impl FamilyLink {
    /// A relative; `name` is trimmed and must not be blank when given.
    pub fn new(
        relation: Relation,
        name: Option<&str>,
        in_canada: bool,
        canadian_status: Option<CanadianStatus>,
    ) -> Result<Self, FamilyLinkError> {
        let name = name
            .map(|n| text::clean(n, MAX_NAME_CHARS, false))
            .transpose()
            .map_err(FamilyLinkError::Name)?;
        Self::build(relation, name, in_canada, canadian_status)
    }

    fn build(
        relation: Relation,
        name: Option<String>,
        in_canada: bool,
        canadian_status: Option<CanadianStatus>,
    ) -> Result<Self, FamilyLinkError> {
        if canadian_status.is_some() && !in_canada {
            return Err(FamilyLinkError::StatusOutsideCanada);
        }
        Ok(Self {
            relation,
            name,
            in_canada,
            canadian_status,
        })
    }

    /// How the relative is related.
    pub fn relation(&self) -> Relation {
        self.relation
    }

    /// The relative's name, when recorded.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Whether the relative lives in Canada.
    pub fn in_canada(&self) -> bool {
        self.in_canada
    }

    /// The relative's status in Canada, when known (only for relatives in Canada).
    pub fn canadian_status(&self) -> Option<CanadianStatus> {
        self.canadian_status
    }

    /// Whether this relative brings the person within the STCA family-member exception under
    /// the default [`StcaFamilyPolicy`] (**policy, unverified**: see there).
    pub fn qualifies_for_stca_family_exception(&self) -> bool {
        self.qualifies_for_stca_family_exception_under(&StcaFamilyPolicy::default())
    }

    /// Whether this relative brings the person within the STCA family-member exception under
    /// `policy`: the relative is in Canada, with a listed relation and a listed status.
    pub fn qualifies_for_stca_family_exception_under(&self, policy: &StcaFamilyPolicy) -> bool {
        self.in_canada
            && policy.relations.contains(&self.relation)
            && self
                .canadian_status
                .is_some_and(|status| policy.statuses.contains(&status))
    }
}

impl fmt::Debug for FamilyLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FamilyLink")
            .field("relation", &self.relation)
            .field(
                "name",
                &self.name.as_ref().map(|_| format_args!("<redacted>")),
            )
            .field("in_canada", &self.in_canada)
            .field("canadian_status", &self.canadian_status)
            .finish()
    }
}

/// How to reach the person. `Debug` output hides everything but which fields are set.
#[derive(Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Contact {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

impl fmt::Debug for Contact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hide = |v: &Option<String>| v.as_ref().map(|_| format_args!("<redacted>"));
        f.debug_struct("Contact")
            .field("phone", &hide(&self.phone))
            .field("email", &hide(&self.email))
            .field("address", &hide(&self.address))
            .finish()
    }
}

/// The person at risk.
///
/// `Debug` output hides names, date of birth and contact details.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub names: NameSet,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<PartialDate>,
    #[serde(default)]
    pub gender: Gender,
    #[serde(default)]
    pub nationalities: Vec<CountryCode>,
    #[serde(default)]
    pub languages: Vec<LanguageCode>,
    #[serde(default)]
    pub family: Vec<FamilyLink>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
}

impl Person {
    /// A person known only by the given names; everything else unknown or empty.
    pub fn new(names: NameSet) -> Self {
        Self {
            names,
            birth_date: None,
            gender: Gender::Unknown,
            nationalities: Vec::new(),
            languages: Vec::new(),
            family: Vec::new(),
            contact: None,
        }
    }

    /// Whether any relative qualifies the person for the STCA family exception under the
    /// default (unverified) policy.
    pub fn has_stca_family_exception(&self) -> bool {
        self.family
            .iter()
            .any(FamilyLink::qualifies_for_stca_family_exception)
    }
}

impl fmt::Debug for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Person")
            .field("names", &self.names)
            .field(
                "birth_date",
                &self.birth_date.map(|_| format_args!("<redacted>")),
            )
            .field("gender", &self.gender)
            .field("nationalities", &self.nationalities)
            .field("languages", &self.languages)
            .field("family", &self.family)
            .field("contact", &self.contact)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_scripts() {
        assert_eq!(Script::detect("Иван Петрович Сидоров"), Script::Cyrillic);
        assert_eq!(Script::detect("Ёжиков-Щукин Ю."), Script::Cyrillic);
        assert_eq!(Script::detect("Iuliia Iashina"), Script::Latin);
        assert_eq!(Script::detect("Julija Jašina"), Script::Latin);
        assert_eq!(Script::detect("O'Neil-Smith Jr. 3rd"), Script::Latin);
        assert_eq!(Script::detect("Иван Petrov"), Script::Other);
        assert_eq!(Script::detect("Ιωάννης"), Script::Other);
        assert_eq!(Script::detect("12 34"), Script::Other);
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        let name = PersonName::new("  Мария Лебедева ", NameKind::Native).unwrap();
        assert_eq!(name.text(), "Мария Лебедева");
        assert_eq!(name.script(), Script::Cyrillic);
        assert_eq!(name.kind(), NameKind::Native);
        assert_eq!(
            PersonName::new("   ", NameKind::Alias),
            Err(NameError(TextError::Empty))
        );
        let long = "я".repeat(201);
        assert!(PersonName::new(&long, NameKind::Alias).is_err());
        assert!(PersonName::new(&long[..400], NameKind::Alias).is_ok());
        assert!(PersonName::new("a\u{7}b", NameKind::Alias).is_err());
    }

    #[test]
    fn name_json_detects_script_when_absent() {
        let name: PersonName =
            serde_json::from_str(r#"{"text":"Maria Lebedeva","kind":"passport"}"#).unwrap();
        assert_eq!(name.script(), Script::Latin);
        let name: PersonName =
            serde_json::from_str(r#"{"text":"Masha","script":"other","kind":"alias"}"#).unwrap();
        assert_eq!(name.script(), Script::Other);
        let json = serde_json::to_value(&name).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"text":"Masha","script":"other","kind":"alias"})
        );
        assert!(serde_json::from_str::<PersonName>(r#"{"text":" ","kind":"alias"}"#).is_err());
        assert!(
            serde_json::from_str::<PersonName>(r#"{"text":"A","kind":"alias","x":1}"#).is_err()
        );
    }

    #[test]
    fn debug_hides_names_and_contacts() {
        let name = PersonName::new("Секретов", NameKind::Native).unwrap();
        let mut person = Person::new(NameSet::single(name));
        person.birth_date = Some("1990-01-02".parse().unwrap());
        person.contact = Some(Contact {
            phone: Some("+1 555 0100".into()),
            email: None,
            address: None,
        });
        person
            .family
            .push(FamilyLink::new(Relation::Sibling, Some("Тайнова"), false, None).unwrap());
        let debug = format!("{person:?}");
        assert!(!debug.contains("Секретов"));
        assert!(!debug.contains("Тайнова"));
        assert!(!debug.contains("555"));
        assert!(!debug.contains("1990"));
        assert!(debug.contains("<redacted>"));
    }

    #[test]
    fn primary_prefers_native_then_passport() {
        let alias = PersonName::new("Masha", NameKind::Alias).unwrap();
        let passport = PersonName::new("Mariia Lebedeva", NameKind::Passport).unwrap();
        let native = PersonName::new("Мария Лебедева", NameKind::Native).unwrap();
        let set = NameSet::new(vec![alias.clone()]).unwrap();
        assert_eq!(set.primary(), &alias);
        let set = NameSet::new(vec![alias.clone(), passport.clone()]).unwrap();
        assert_eq!(set.primary(), &passport);
        let set = NameSet::new(vec![alias, passport, native.clone()]).unwrap();
        assert_eq!(set.primary(), &native);
        assert_eq!(set.iter().count(), 3);
        assert_eq!(NameSet::new(vec![]), Err(NameSetError));
        assert!(serde_json::from_str::<NameSet>("[]").is_err());
    }

    #[test]
    fn country_and_language_codes() {
        assert_eq!("ru".parse::<CountryCode>().unwrap(), CountryCode::RU);
        assert_eq!("Ca".parse::<CountryCode>().unwrap().to_string(), "CA");
        for bad in ["", "R", "RUS", "R1", "Ру", "r u"] {
            assert!(bad.parse::<CountryCode>().is_err(), "{bad:?}");
        }
        assert_eq!("RU".parse::<LanguageCode>().unwrap().as_str(), "ru");
        assert_eq!("rus".parse::<LanguageCode>().unwrap().as_str(), "rus");
        for bad in ["", "r", "russ", "r1", "ру", "en-US"] {
            assert!(bad.parse::<LanguageCode>().is_err(), "{bad:?}");
        }
        assert_eq!(
            serde_json::to_string(&CountryCode::US).unwrap(),
            "\"US\"".to_owned()
        );
    }

    #[test]
    fn canadian_status_requires_being_in_canada() {
        assert_eq!(
            FamilyLink::new(
                Relation::Sibling,
                None,
                false,
                Some(CanadianStatus::Citizen)
            ),
            Err(FamilyLinkError::StatusOutsideCanada)
        );
        let err = serde_json::from_str::<FamilyLink>(
            r#"{"relation":"sibling","in_canada":false,"canadian_status":"citizen"}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("only allowed when in_canada"));
        assert!(FamilyLink::new(Relation::Sibling, Some(" "), true, None).is_err());
    }

    #[test]
    fn stca_family_exception() {
        let link = |relation, in_canada, status| {
            FamilyLink::new(relation, None, in_canada, status)
                .unwrap()
                .qualifies_for_stca_family_exception()
        };
        use CanadianStatus::*;
        assert!(link(Relation::Sibling, true, Some(Citizen)));
        assert!(link(Relation::AuntOrUncle, true, Some(PermanentResident)));
        assert!(link(Relation::LegalGuardian, true, Some(ProtectedPerson)));
        assert!(!link(Relation::Other, true, Some(Citizen)));
        assert!(!link(Relation::Sibling, true, Some(Unknown)));
        assert!(!link(Relation::Sibling, true, None));
        assert!(!link(Relation::Sibling, false, None));
        let strict = StcaFamilyPolicy {
            relations: vec![Relation::Spouse],
            statuses: vec![Citizen],
        };
        let sibling = FamilyLink::new(Relation::Sibling, None, true, Some(Citizen)).unwrap();
        assert!(!sibling.qualifies_for_stca_family_exception_under(&strict));
    }
}
