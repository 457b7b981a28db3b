//! The case form, shared by intake, edit and the public self-referral page: the fields as typed
//! (so that a refused form comes back exactly as it was filled in), their parsing into
//! [`CaseDetails`] with one message per faulty field, and what the template needs to draw it.

use std::collections::BTreeMap;
use std::str::FromStr;

use corridor_core::details::{MAX_NOTES_CHARS, MAX_SHORT_TEXT_CHARS, optional_text};
use corridor_core::{
    ANumber, CaseDetails, Contact, CountryCode, Custody, Gender, LanguageCode, MilitaryStatus,
    NameKind, NameSet, PartialDate, PersonName, ProceedingsStage, ProgramCatalog, ProgramSlug,
    PublicProfile, WantedStatus, parse_full_date,
};

use crate::i18n::Translator;

/// Blank name rows offered below the filled ones (more appear after a submit).
const SPARE_NAME_ROWS: usize = 2;
/// The most name rows a form may carry.
pub const MAX_NAME_ROWS: usize = 20;

/// The message keys of field errors, each a full sentence in the locale file.
pub mod messages {
    pub const REQUIRED_NAME: &str = "form.error.name_required";
    pub const NAME: &str = "form.error.name";
    pub const TOO_MANY_NAMES: &str = "form.error.too_many_names";
    pub const CHOICE: &str = "form.error.choice";
    pub const PROGRAM: &str = "form.error.program";
    pub const PARTIAL_DATE: &str = "form.error.partial_date";
    pub const DATE: &str = "form.error.date";
    pub const COUNTRIES: &str = "form.error.countries";
    pub const LANGUAGES: &str = "form.error.languages";
    pub const SHORT_TEXT: &str = "form.error.short_text";
    pub const EMAIL: &str = "form.error.email";
    pub const A_NUMBER: &str = "form.error.a_number";
    pub const NOTES: &str = "form.error.notes";
    pub const ORGANISATION: &str = "form.error.organisation";

    #[cfg(test)]
    pub const ALL: &[&str] = &[
        REQUIRED_NAME,
        NAME,
        TOO_MANY_NAMES,
        CHOICE,
        PROGRAM,
        PARTIAL_DATE,
        DATE,
        COUNTRIES,
        LANGUAGES,
        SHORT_TEXT,
        EMAIL,
        A_NUMBER,
        NOTES,
        ORGANISATION,
    ];
}

/// The single-valued fields of the form, by their `name` attribute.
pub const FIELDS: &[&str] = &[
    "program",
    "birth_date",
    "gender",
    "nationalities",
    "languages",
    "phone",
    "email",
    "address",
    "a_number",
    "custody",
    "detention_facility",
    "proceedings",
    "final_order_date",
    "scheduled_removal",
    "wanted",
    "military",
    "public_profile",
    "notes",
];

/// One name row as typed.
#[derive(Clone, Default)]
pub struct NameRow {
    pub text: String,
    pub kind: String,
}

/// The form as typed. `Debug` is deliberately not derived: it holds personal data.
#[derive(Clone, Default)]
pub struct CaseForm {
    values: BTreeMap<&'static str, String>,
    pub names: Vec<NameRow>,
}

/// Faulty fields: field name (`names.N` for a name row) to message key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(pub BTreeMap<String, &'static str>);

impl FieldErrors {
    fn add(&mut self, field: impl Into<String>, message: &'static str) {
        self.0.entry(field.into()).or_insert(message);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The field names, for logs and audit (never the values).
    pub fn fields(&self) -> Vec<&str> {
        self.0.keys().map(String::as_str).collect()
    }
}

impl CaseForm {
    /// The form from a urlencoded body's pairs, in order. Name rows pair the n-th `name_text`
    /// with the n-th `name_kind`; unknown fields (the CSRF token among them) are ignored.
    pub fn from_pairs(pairs: &[(String, String)]) -> CaseForm {
        let mut form = CaseForm::default();
        let mut kinds = Vec::new();
        for (key, value) in pairs {
            match key.as_str() {
                "name_text" => form.names.push(NameRow {
                    text: value.clone(),
                    kind: String::new(),
                }),
                "name_kind" => kinds.push(value.clone()),
                other => {
                    if let Some(field) = FIELDS.iter().find(|f| **f == other) {
                        form.values.insert(field, value.clone());
                    }
                }
            }
        }
        for (row, kind) in form.names.iter_mut().zip(kinds) {
            row.kind = kind;
        }
        form
    }

    /// The form filled from what a case holds now.
    pub fn from_details(details: &CaseDetails) -> CaseForm {
        let mut form = CaseForm::default();
        let joined = |items: Vec<&str>| items.join(", ");
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let contact = details.contact.clone().unwrap_or_default();
        let values: [(&'static str, String); 18] = [
            ("program", details.program.as_str().to_owned()),
            (
                "birth_date",
                details
                    .birth_date
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ),
            ("gender", details.gender.as_str().to_owned()),
            (
                "nationalities",
                joined(details.nationalities.iter().map(|c| c.as_str()).collect()),
            ),
            (
                "languages",
                joined(details.languages.iter().map(|l| l.as_str()).collect()),
            ),
            ("phone", contact.phone.unwrap_or_default()),
            ("email", contact.email.unwrap_or_default()),
            ("address", contact.address.unwrap_or_default()),
            (
                "a_number",
                details
                    .a_number
                    .as_ref()
                    .map(|a| a.to_string())
                    .unwrap_or_default(),
            ),
            ("custody", details.custody.as_str().to_owned()),
            (
                "detention_facility",
                details.detention_facility.clone().unwrap_or_default(),
            ),
            ("proceedings", details.proceedings.as_str().to_owned()),
            ("final_order_date", date(details.final_order_date)),
            ("scheduled_removal", date(details.scheduled_removal)),
            ("wanted", details.wanted.as_str().to_owned()),
            ("military", details.military.as_str().to_owned()),
            ("public_profile", details.public_profile.as_str().to_owned()),
            ("notes", details.notes.clone().unwrap_or_default()),
        ];
        form.values.extend(values);
        form.names = details
            .names
            .iter()
            .map(|n| NameRow {
                text: n.text().to_owned(),
                kind: n.kind().as_str().to_owned(),
            })
            .collect();
        form
    }

    /// What was typed in `field` (empty if nothing).
    pub fn value(&self, field: &str) -> &str {
        self.values.get(field).map(String::as_str).unwrap_or("")
    }

    pub fn set(&mut self, field: &'static str, value: &str) {
        self.values.insert(field, value.to_owned());
    }

    /// Parses every field, collecting a message for each faulty one.
    pub fn parse(&self, programs: &ProgramCatalog) -> Result<CaseDetails, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut check = |field: &'static str, message: &'static str, ok: bool| {
            if !ok {
                errors.add(field, message);
            }
        };

        let program = ProgramSlug::from_str(self.value("program").trim())
            .ok()
            .filter(|slug| programs.get(slug).is_some());
        check("program", messages::PROGRAM, program.is_some());

        let birth_date = optional(self.value("birth_date"), PartialDate::from_str);
        check("birth_date", messages::PARTIAL_DATE, birth_date.is_ok());
        let gender = choice::<Gender>(self.value("gender"));
        check("gender", messages::CHOICE, gender.is_ok());
        let nationalities = list::<CountryCode>(self.value("nationalities"));
        check("nationalities", messages::COUNTRIES, nationalities.is_ok());
        let languages = list::<LanguageCode>(self.value("languages"));
        check("languages", messages::LANGUAGES, languages.is_ok());
        let short = |field: &str| optional_text(self.value(field), MAX_SHORT_TEXT_CHARS, false);
        let phone = short("phone");
        check("phone", messages::SHORT_TEXT, phone.is_ok());
        let email = short("email");
        let email_ok =
            matches!(&email, Ok(None)) || matches!(&email, Ok(Some(e)) if looks_like_email(e));
        check("email", messages::EMAIL, email_ok);
        let address = short("address");
        check("address", messages::SHORT_TEXT, address.is_ok());
        let a_number = optional(self.value("a_number"), ANumber::from_str);
        check("a_number", messages::A_NUMBER, a_number.is_ok());
        let custody = choice::<Custody>(self.value("custody"));
        check("custody", messages::CHOICE, custody.is_ok());
        let facility = short("detention_facility");
        check("detention_facility", messages::SHORT_TEXT, facility.is_ok());
        let proceedings = choice::<ProceedingsStage>(self.value("proceedings"));
        check("proceedings", messages::CHOICE, proceedings.is_ok());
        let final_order = optional(self.value("final_order_date"), parse_full_date);
        check("final_order_date", messages::DATE, final_order.is_ok());
        let removal = optional(self.value("scheduled_removal"), parse_full_date);
        check("scheduled_removal", messages::DATE, removal.is_ok());
        let wanted = choice::<WantedStatus>(self.value("wanted"));
        check("wanted", messages::CHOICE, wanted.is_ok());
        let military = choice::<MilitaryStatus>(self.value("military"));
        check("military", messages::CHOICE, military.is_ok());
        let profile = choice::<PublicProfile>(self.value("public_profile"));
        check("public_profile", messages::CHOICE, profile.is_ok());
        let notes = optional_text(self.value("notes"), MAX_NOTES_CHARS, true);
        check("notes", messages::NOTES, notes.is_ok());

        let names = self.parse_names(&mut errors);

        match (
            program,
            names,
            birth_date,
            gender,
            nationalities,
            languages,
            (phone, email, address),
            a_number,
            custody,
            facility,
            proceedings,
            (final_order, removal),
            (wanted, military, profile),
            notes,
        ) {
            (
                Some(program),
                Some(names),
                Ok(birth_date),
                Ok(gender),
                Ok(nationalities),
                Ok(languages),
                (Ok(phone), Ok(email), Ok(address)),
                Ok(a_number),
                Ok(custody),
                Ok(detention_facility),
                Ok(proceedings),
                (Ok(final_order_date), Ok(scheduled_removal)),
                (Ok(wanted), Ok(military), Ok(public_profile)),
                Ok(notes),
            ) if errors.is_empty() => {
                let contact = Contact {
                    phone,
                    email,
                    address,
                };
                Ok(CaseDetails {
                    program,
                    names,
                    birth_date,
                    gender,
                    nationalities,
                    languages,
                    contact: (contact != Contact::default()).then_some(contact),
                    a_number,
                    custody,
                    detention_facility,
                    proceedings,
                    final_order_date,
                    scheduled_removal,
                    wanted,
                    military,
                    public_profile,
                    notes,
                })
            }
            _ => Err(errors),
        }
    }

    /// The filled name rows as a name set; blank rows are skipped.
    fn parse_names(&self, errors: &mut FieldErrors) -> Option<NameSet> {
        if self.names.len() > MAX_NAME_ROWS {
            errors.add("names", messages::TOO_MANY_NAMES);
            return None;
        }
        let mut names = Vec::new();
        let mut faulty = false;
        for (row, typed) in self.names.iter().enumerate() {
            if typed.text.trim().is_empty() {
                continue;
            }
            let Ok(kind) = typed.kind.trim().parse::<NameKind>() else {
                errors.add(format!("names.{row}"), messages::CHOICE);
                faulty = true;
                continue;
            };
            match PersonName::new(&typed.text, kind) {
                Ok(name) => names.push(name),
                Err(_) => {
                    errors.add(format!("names.{row}"), messages::NAME);
                    faulty = true;
                }
            }
        }
        if names.is_empty() && !faulty {
            errors.add("names.0", messages::REQUIRED_NAME);
        }
        if faulty {
            return None;
        }
        NameSet::new(names).ok()
    }

    /// The name rows to draw: the typed ones and a few blank ones.
    pub fn name_rows(&self) -> Vec<NameRow> {
        let mut rows: Vec<NameRow> = self
            .names
            .iter()
            .filter(|row| !row.text.trim().is_empty())
            .cloned()
            .collect();
        rows.truncate(MAX_NAME_ROWS);
        if rows.is_empty() {
            rows.push(NameRow {
                text: String::new(),
                kind: NameKind::Native.as_str().to_owned(),
            });
        }
        let spare = SPARE_NAME_ROWS.min(MAX_NAME_ROWS.saturating_sub(rows.len()));
        rows.extend((0..spare).map(|_| NameRow {
            text: String::new(),
            kind: NameKind::Alias.as_str().to_owned(),
        }));
        rows
    }
}

/// A drop-down's value: blank means the domain's default ("unknown").
fn choice<T: FromStr + Default>(typed: &str) -> Result<T, ()> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(T::default());
    }
    typed.parse().map_err(|_| ())
}

/// An optional value: blank is `None`.
fn optional<T, E>(typed: &str, parse: impl Fn(&str) -> Result<T, E>) -> Result<Option<T>, ()> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    parse(typed).map(Some).map_err(|_| ())
}

/// A list separated by commas or spaces, each item parsed (codes are case-insensitive).
fn list<T: FromStr>(typed: &str) -> Result<Vec<T>, ()> {
    typed
        .split([',', ' ', ';'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| item.parse().map_err(|_| ()))
        .collect()
}

/// A plausible address: something, `@`, a domain with a dot. (Deliverability is not ours to
/// judge; catching a phone number typed into the e-mail field is.)
fn looks_like_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// One option of a drop-down in the form.
pub struct FormChoice {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

/// Options for every value of a domain enum, labelled by the translator.
pub fn enum_choices(
    t: &Translator,
    family: &str,
    all: &'static [&'static str],
    selected: &str,
) -> Vec<FormChoice> {
    all.iter()
        .map(|value| FormChoice {
            value,
            label: t.label(family, value).to_owned(),
            selected: *value == selected,
        })
        .collect()
}

/// What the template draws: values as typed, choices, and the message of each faulty field.
pub struct FormView {
    pub form: CaseForm,
    pub errors: BTreeMap<String, String>,
    pub programs: Vec<(String, String, bool)>,
    pub genders: Vec<FormChoice>,
    pub custodies: Vec<FormChoice>,
    pub proceedings: Vec<FormChoice>,
    pub wanted: Vec<FormChoice>,
    pub military: Vec<FormChoice>,
    pub profiles: Vec<FormChoice>,
    pub name_kinds: Vec<&'static str>,
    pub name_rows: Vec<NameRow>,
}

impl FormView {
    pub fn new(
        t: &Translator,
        programs: &ProgramCatalog,
        form: CaseForm,
        errors: &FieldErrors,
    ) -> Self {
        let selected_program = form.value("program").to_owned();
        // A select without a typed value shows the domain's default ("unknown"), never
        // whichever option happens to come first.
        let typed_or = |field: &str, default: &'static str| -> String {
            match form.value(field) {
                "" => default.to_owned(),
                typed => typed.to_owned(),
            }
        };
        let gender = typed_or("gender", Gender::default().as_str());
        let custody = typed_or("custody", Custody::default().as_str());
        let proceedings = typed_or("proceedings", ProceedingsStage::default().as_str());
        let wanted = typed_or("wanted", WantedStatus::default().as_str());
        let military = typed_or("military", MilitaryStatus::default().as_str());
        let profile = typed_or("public_profile", PublicProfile::default().as_str());
        FormView {
            errors: errors
                .0
                .iter()
                .map(|(field, key)| (field.clone(), t.get(key).to_owned()))
                .collect(),
            programs: programs
                .iter()
                .map(|p| {
                    (
                        p.slug.as_str().to_owned(),
                        p.name.clone(),
                        p.slug.as_str() == selected_program,
                    )
                })
                .collect(),
            genders: enum_choices(t, "gender", Gender::NAMES, &gender),
            custodies: enum_choices(t, "custody", Custody::NAMES, &custody),
            proceedings: enum_choices(t, "proceedings", ProceedingsStage::NAMES, &proceedings),
            wanted: enum_choices(t, "wanted", WantedStatus::NAMES, &wanted),
            military: enum_choices(t, "military", MilitaryStatus::NAMES, &military),
            profiles: enum_choices(t, "public_profile", PublicProfile::NAMES, &profile),
            name_kinds: NameKind::NAMES.to_vec(),
            name_rows: form.name_rows(),
            form,
        }
    }

    /// The message for a faulty field, if any.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }

    /// The message for name row `row`, if any.
    pub fn name_error(&self, row: &usize) -> Option<&str> {
        self.error(&format!("names.{row}"))
    }

    pub fn value(&self, field: &str) -> &str {
        self.form.value(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn programs() -> ProgramCatalog {
        corridor_app::programs::default_catalog()
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn first_program() -> String {
        programs()
            .iter()
            .next()
            .expect("a program")
            .slug
            .as_str()
            .to_owned()
    }

    #[test]
    fn a_complete_form_parses_into_details() {
        let program = first_program();
        let form = CaseForm::from_pairs(&pairs(&[
            ("csrf", "ignored"),
            ("program", &program),
            ("name_text", "Ефросинья Формова"),
            ("name_kind", "native"),
            ("name_text", "  "),
            ("name_kind", "alias"),
            ("name_text", "Efrosinya Formova"),
            ("name_kind", "passport"),
            ("birth_date", "1990-04"),
            ("gender", "female"),
            ("nationalities", "ru, by"),
            ("languages", "ru en"),
            ("email", "e@example.org"),
            ("a_number", "A-208-555-013"),
            ("custody", "detained"),
            ("scheduled_removal", "2026-12-01"),
            ("wanted", "federal"),
            ("notes", "line one\nline two"),
        ]));
        let details = form.parse(&programs()).expect("valid");
        assert_eq!(details.names.len(), 2, "the blank row is skipped");
        assert_eq!(details.names.primary().text(), "Ефросинья Формова");
        assert_eq!(details.nationalities.len(), 2);
        assert_eq!(details.custody, Custody::Detained);
        assert_eq!(details.wanted, WantedStatus::Federal);
        assert_eq!(
            details.contact.as_ref().and_then(|c| c.email.as_deref()),
            Some("e@example.org")
        );
        assert_eq!(
            details.a_number.as_ref().map(|a| a.digits()),
            Some("208555013")
        );
        assert_eq!(
            details.scheduled_removal,
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
        );
    }

    #[test]
    fn every_faulty_field_gets_its_own_message() {
        let form = CaseForm::from_pairs(&pairs(&[
            ("program", "no-such-program"),
            ("name_text", "ok name"),
            ("name_kind", "nickname"),
            ("birth_date", "19-04"),
            ("gender", "robot"),
            ("nationalities", "Russia"),
            ("languages", "r"),
            ("email", "+1 555 0100"),
            ("a_number", "12"),
            ("custody", "jail"),
            ("final_order_date", "2026-02-30"),
            ("scheduled_removal", "next week"),
            ("detention_facility", &"x".repeat(MAX_SHORT_TEXT_CHARS + 1)),
            ("notes", "bell\u{7}"),
        ]));
        let errors = form.parse(&programs()).expect_err("invalid");
        let expected: BTreeMap<String, &str> = [
            ("program", messages::PROGRAM),
            ("names.0", messages::CHOICE),
            ("birth_date", messages::PARTIAL_DATE),
            ("gender", messages::CHOICE),
            ("nationalities", messages::COUNTRIES),
            ("languages", messages::LANGUAGES),
            ("email", messages::EMAIL),
            ("a_number", messages::A_NUMBER),
            ("custody", messages::CHOICE),
            ("final_order_date", messages::DATE),
            ("scheduled_removal", messages::DATE),
            ("detention_facility", messages::SHORT_TEXT),
            ("notes", messages::NOTES),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        assert_eq!(errors.0, expected);
    }

    #[test]
    fn a_form_without_a_name_asks_for_one_and_keeps_what_was_typed() {
        let program = first_program();
        let form = CaseForm::from_pairs(&pairs(&[
            ("program", &program),
            ("name_text", " "),
            ("name_kind", "native"),
            ("phone", "+1-555-0100"),
        ]));
        let errors = form.parse(&programs()).expect_err("no name");
        assert_eq!(errors.fields(), vec!["names.0"]);
        assert_eq!(errors.0["names.0"], messages::REQUIRED_NAME);
        assert_eq!(form.value("phone"), "+1-555-0100");
        let rows = form.name_rows();
        assert_eq!(rows.len(), 1 + SPARE_NAME_ROWS);
    }

    #[test]
    fn too_many_name_rows_are_refused() {
        let program = first_program();
        let mut items = vec![("program".to_owned(), program)];
        for _ in 0..=MAX_NAME_ROWS {
            items.push(("name_text".to_owned(), "Name".to_owned()));
            items.push(("name_kind".to_owned(), "alias".to_owned()));
        }
        let errors = CaseForm::from_pairs(&items)
            .parse(&programs())
            .expect_err("too many");
        assert_eq!(errors.0["names"], messages::TOO_MANY_NAMES);
    }

    #[test]
    fn a_case_round_trips_through_the_form() {
        let case =
            corridor_core::CaseInput::from_json(include_str!("../../../../examples/case.json"))
                .expect("example")
                .into_case(
                    corridor_core::CaseId::random(),
                    corridor_core::OrgId::random(),
                    chrono::Utc::now(),
                );
        let details = CaseDetails::of(&case);
        let form = CaseForm::from_details(&details);
        let mut pairs = Vec::new();
        for field in FIELDS {
            pairs.push(((*field).to_owned(), form.value(field).to_owned()));
        }
        for row in form.name_rows() {
            pairs.push(("name_text".to_owned(), row.text));
            pairs.push(("name_kind".to_owned(), row.kind));
        }
        let parsed = CaseForm::from_pairs(&pairs)
            .parse(&programs())
            .expect("valid");
        assert!(
            parsed == details,
            "the form shows every editable field as it is"
        );
    }

    #[test]
    fn a_blank_form_selects_the_unknown_values_not_the_first_option() {
        let t = Translator::english();
        let view = FormView::new(
            &t,
            &programs(),
            CaseForm::default(),
            &FieldErrors::default(),
        );
        let selected = |choices: &[FormChoice]| {
            choices
                .iter()
                .filter(|c| c.selected)
                .map(|c| c.value)
                .collect::<Vec<_>>()
        };
        assert_eq!(selected(&view.genders), ["unknown"]);
        assert_eq!(selected(&view.custodies), ["unknown"]);
        assert_eq!(selected(&view.wanted), ["unknown"]);
        assert_eq!(view.name_rows.len(), 1 + SPARE_NAME_ROWS);
    }

    #[test]
    fn every_message_key_exists() {
        let t = Translator::english();
        for key in messages::ALL {
            assert!(t.has(key), "missing message {key}");
        }
    }

    #[test]
    fn email_plausibility() {
        for good in ["a@b.org", "first.last@example.co.uk"] {
            assert!(looks_like_email(good), "{good}");
        }
        for bad in ["@b.org", "a@b", "a@.org", "a@org.", "a b@c.org", "555-0100"] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }
}
