//! The person's position in US immigration: A-number, custody, removal proceedings, relief
//! sought, hearings, stays of removal.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Why a string is not an A-number. Messages never repeat the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ANumberError {
    #[error(
        "A-number must be written A-123-456-789, A123456789 or 123456789 (digits, an optional leading `A`, hyphens only in the A-123-456-789 form)"
    )]
    Malformed,
    #[error("A-number must have 8 or 9 digits")]
    WrongLength,
    #[error("A-number cannot be all zeros")]
    AllZeros,
}

/// An alien registration number: nine digits (older eight-digit numbers gain a leading zero).
///
/// Accepted forms: `A-012-345-678`, `A012345678`, `A12345678`, `012345678`, `12345678`. Any other
/// letter, separator or length is rejected, as is an all-zero number. Displayed and serialised as
/// `A-012-345-678`. `Debug` output is redacted because the number identifies the person.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ANumber(String);

impl ANumber {
    /// The nine digits, as stored.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl FromStr for ANumber {
    type Err = ANumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let rest = s.strip_prefix('A');
        let digits: String = match rest {
            // A-ddd-ddd-ddd: hyphens exactly at these positions.
            Some(r) if r.starts_with('-') => {
                let b = r.as_bytes();
                let shape_ok = b.len() == 12
                    && b[0] == b'-'
                    && b[4] == b'-'
                    && b[8] == b'-'
                    && [&b[1..4], &b[5..8], &b[9..12]]
                        .iter()
                        .all(|g| g.iter().all(u8::is_ascii_digit));
                if !shape_ok {
                    return Err(if r.bytes().all(|c| c == b'-' || c.is_ascii_digit()) {
                        let n = r.bytes().filter(u8::is_ascii_digit).count();
                        if n == 9 {
                            ANumberError::Malformed
                        } else {
                            ANumberError::WrongLength
                        }
                    } else {
                        ANumberError::Malformed
                    });
                }
                r.chars().filter(char::is_ascii_digit).collect()
            }
            Some(r) => only_digits(r)?,
            None => only_digits(s)?,
        };
        let digits = match digits.len() {
            8 => format!("0{digits}"),
            9 => digits,
            _ => return Err(ANumberError::WrongLength),
        };
        if digits.bytes().all(|b| b == b'0') {
            return Err(ANumberError::AllZeros);
        }
        Ok(Self(digits))
    }
}

fn only_digits(s: &str) -> Result<String, ANumberError> {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s.to_owned())
    } else {
        Err(ANumberError::Malformed)
    }
}

impl fmt::Display for ANumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.0;
        write!(f, "A-{}-{}-{}", &d[0..3], &d[3..6], &d[6..9])
    }
}

impl fmt::Debug for ANumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ANumber(<redacted>)")
    }
}

crate::text::serde_via_str!(ANumber);

string_enum! {
    /// Whether and how ICE holds or supervises the person.
    #[derive(Default)]
    pub enum Custody {
        /// Held in an ICE detention facility.
        Detained => "detained", "Detained",
        /// Released on recognizance (I-220A).
        ReleasedOnRecognizance => "released_on_recognizance", "Released on recognizance",
        /// Order of supervision (I-220B): periodic check-ins; removal can come between them.
        OrderOfSupervision => "order_of_supervision", "Order of supervision",
        /// Alternatives to Detention (ankle monitor, app).
        AlternativesToDetention => "alternatives_to_detention", "Alternatives to detention",
        /// Released on bond.
        Bond => "bond", "Bond",
        /// Paroled.
        Parole => "parole", "Parole",
        /// Not in ICE custody or supervision.
        NotInCustody => "not_in_custody", "Not in custody",
        #[default]
        Unknown => "unknown", "Unknown",
    }
}

string_enum! {
    /// How far removal proceedings have gone, in order.
    #[derive(Default)]
    pub enum ProceedingsStage {
        /// No proceedings known.
        #[default]
        None => "none", "No proceedings",
        /// Notice to Appear served.
        NtaServed => "nta_served", "NTA served",
        MasterCalendar => "master_calendar", "Master calendar hearing",
        /// Individual (merits) hearing.
        IndividualHearing => "individual_hearing", "Individual hearing",
        /// Immigration judge's decision.
        JudgeDecision => "judge_decision", "Judge's decision",
        /// Appeal to the Board of Immigration Appeals (filing stays removal).
        BiaAppeal => "bia_appeal", "BIA appeal",
        /// Petition for review in a federal circuit court (no automatic stay).
        CircuitReview => "circuit_review", "Circuit court review",
        FinalOrder => "final_order", "Final order of removal",
        Removed => "removed", "Removed",
    }
}

string_enum! {
    /// Relief from removal sought.
    pub enum Relief {
        /// Asylum (form I-589; one-year filing deadline).
        Asylum => "asylum", "Asylum",
        WithholdingOfRemoval => "withholding_of_removal", "Withholding of removal",
        ConventionAgainstTorture => "convention_against_torture", "Convention Against Torture",
        VoluntaryDeparture => "voluntary_departure", "Voluntary departure",
    }
}

string_enum! {
    /// A hearing or appointment.
    pub enum HearingKind {
        MasterCalendar => "master_calendar", "Master calendar hearing",
        Individual => "individual", "Individual hearing",
        Bond => "bond", "Bond hearing",
        /// An ICE check-in (order of supervision, ATD).
        CheckIn => "check_in", "ICE check-in",
        Other => "other", "Other",
    }
}

/// A dated hearing or check-in.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hearing {
    #[serde(deserialize_with = "crate::date::full_date::deserialize")]
    pub date: NaiveDate,
    pub kind: HearingKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub court: Option<String>,
}

string_enum! {
    /// Who stayed removal.
    pub enum StayKind {
        /// ICE administrative stay (I-246).
        IceAdministrative => "ice_administrative", "ICE administrative stay",
        Bia => "bia", "BIA stay",
        CircuitCourt => "circuit_court", "Circuit court stay",
        /// Automatic stay while a BIA appeal is pending.
        AutomaticBiaAppeal => "automatic_bia_appeal", "Automatic stay (BIA appeal)",
    }
}

/// Why a stay was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expires_on must not be before granted_on")]
pub struct StayError;

/// A stay of removal. When both dates are known, it expires on or after the day it was granted.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawStay")]
pub struct Stay {
    kind: StayKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    granted_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_on: Option<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStay {
    kind: StayKind,
    #[serde(
        default,
        deserialize_with = "crate::date::full_date::option::deserialize"
    )]
    granted_on: Option<NaiveDate>,
    #[serde(
        default,
        deserialize_with = "crate::date::full_date::option::deserialize"
    )]
    expires_on: Option<NaiveDate>,
}

impl TryFrom<RawStay> for Stay {
    type Error = StayError;

    fn try_from(raw: RawStay) -> Result<Self, Self::Error> {
        Self::new(raw.kind, raw.granted_on, raw.expires_on)
    }
}

impl Stay {
    /// A stay; fails if it would expire before it was granted.
    pub fn new(
        kind: StayKind,
        granted_on: Option<NaiveDate>,
        expires_on: Option<NaiveDate>,
    ) -> Result<Self, StayError> {
        if let (Some(granted), Some(expires)) = (granted_on, expires_on)
            && expires < granted
        {
            return Err(StayError);
        }
        Ok(Self {
            kind,
            granted_on,
            expires_on,
        })
    }

    /// Who granted it.
    pub fn kind(&self) -> StayKind {
        self.kind
    }

    /// When it was granted, if known.
    pub fn granted_on(&self) -> Option<NaiveDate> {
        self.granted_on
    }

    /// When it expires, if it does.
    pub fn expires_on(&self) -> Option<NaiveDate> {
        self.expires_on
    }

    /// Whether the stay is in force on `day`: granted on or before it (or grant date unknown)
    /// and not expired before it (or no expiry).
    pub fn is_active_on(&self, day: NaiveDate) -> bool {
        self.granted_on.is_none_or(|g| g <= day) && self.expires_on.is_none_or(|e| day <= e)
    }
}

/// Where the person stands in US immigration. `Default` is "nothing known".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UsStatus {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a_number: Option<ANumber>,
    pub custody: Custody,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detention_facility: Option<String>,
    pub proceedings: ProceedingsStage,
    pub relief_sought: Vec<Relief>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::date::full_date::option::deserialize"
    )]
    pub asylum_filed_on: Option<NaiveDate>,
    pub hearings: Vec<Hearing>,
    pub stays: Vec<Stay>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::date::full_date::option::deserialize"
    )]
    pub final_order_date: Option<NaiveDate>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::date::full_date::option::deserialize"
    )]
    pub scheduled_removal: Option<NaiveDate>,
}

impl UsStatus {
    /// The earliest hearing on or after `today` (the first listed, on a tie).
    pub fn next_hearing(&self, today: NaiveDate) -> Option<&Hearing> {
        self.hearings
            .iter()
            .filter(|h| h.date >= today)
            .min_by_key(|h| h.date)
    }

    /// A stay in force on `today`; when several are, the one lasting longest (no expiry beats
    /// any expiry).
    pub fn active_stay(&self, today: NaiveDate) -> Option<&Stay> {
        self.stays
            .iter()
            .filter(|s| s.is_active_on(today))
            .max_by_key(|s| (s.expires_on.is_none(), s.expires_on))
    }

    /// Whether the person is held in detention.
    pub fn is_detained(&self) -> bool {
        self.custody == Custody::Detained
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_number_accepts_the_documented_forms() {
        for text in [
            "A-012-345-678",
            "A012345678",
            "A12345678",
            "012345678",
            "12345678",
        ] {
            let a: ANumber = text.parse().unwrap();
            assert_eq!(a.digits(), "012345678", "{text}");
            assert_eq!(a.to_string(), "A-012-345-678");
        }
        let a: ANumber = "987654321".parse().unwrap();
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"A-987-654-321\"");
        assert_eq!(
            serde_json::from_str::<ANumber>("\"A-987-654-321\"").unwrap(),
            a
        );
    }

    #[test]
    fn a_number_rejects_everything_else() {
        use ANumberError::*;
        let cases = [
            ("", WrongLength),
            ("A", WrongLength),
            ("1234567", WrongLength),
            ("1234567890", WrongLength),
            ("A-12-345-678", WrongLength),
            ("A-0123-456-789", WrongLength),
            ("A-012345678", Malformed),
            ("A-01-2345-678", Malformed),
            ("A 012 345 678", Malformed),
            ("A.012.345.678", Malformed),
            ("012-345-678", Malformed),
            ("a012345678", Malformed),
            ("AA12345678", Malformed),
            ("B012345678", Malformed),
            ("01234567B", Malformed),
            ("A01234567O", Malformed),
            (" 012345678", Malformed),
            ("012345678 ", Malformed),
            ("A-012-345-67X", Malformed),
            ("000000000", AllZeros),
            ("A-000-000-000", AllZeros),
            ("00000000", AllZeros),
            ("١٢٣٤٥٦٧٨٩", Malformed),
        ];
        for (text, expected) in cases {
            assert_eq!(text.parse::<ANumber>(), Err(expected), "{text:?}");
        }
        assert_eq!(WrongLength.to_string(), "A-number must have 8 or 9 digits");
    }

    #[test]
    fn a_number_debug_is_redacted() {
        let a: ANumber = "A-123-456-789".parse().unwrap();
        assert_eq!(format!("{a:?}"), "ANumber(<redacted>)");
        let status = UsStatus {
            a_number: Some(a),
            ..UsStatus::default()
        };
        assert!(!format!("{status:?}").contains("456"));
    }

    #[test]
    fn next_hearing_is_the_earliest_not_past() {
        let hearing = |d: &str, kind| Hearing {
            date: day(d),
            kind,
            court: None,
        };
        let status = UsStatus {
            hearings: vec![
                hearing("2025-03-01", HearingKind::MasterCalendar),
                hearing("2025-09-01", HearingKind::Individual),
                hearing("2025-06-01", HearingKind::CheckIn),
            ],
            ..UsStatus::default()
        };
        let next = |d| status.next_hearing(day(d)).map(|h| h.kind);
        assert_eq!(next("2025-01-01"), Some(HearingKind::MasterCalendar));
        assert_eq!(next("2025-03-01"), Some(HearingKind::MasterCalendar));
        assert_eq!(next("2025-03-02"), Some(HearingKind::CheckIn));
        assert_eq!(next("2025-06-02"), Some(HearingKind::Individual));
        assert_eq!(next("2025-09-02"), None);
        assert_eq!(UsStatus::default().next_hearing(day("2025-01-01")), None);
    }

    #[test]
    fn active_stay_respects_dates() {
        let stay = |kind, g: Option<&str>, e: Option<&str>| {
            Stay::new(kind, g.map(day), e.map(day)).unwrap()
        };
        let status = UsStatus {
            stays: vec![
                stay(
                    StayKind::IceAdministrative,
                    Some("2025-01-01"),
                    Some("2025-02-01"),
                ),
                stay(StayKind::Bia, Some("2025-03-01"), None),
            ],
            ..UsStatus::default()
        };
        let active = |d| status.active_stay(day(d)).map(Stay::kind);
        assert_eq!(active("2024-12-31"), None);
        assert_eq!(active("2025-01-01"), Some(StayKind::IceAdministrative));
        assert_eq!(active("2025-02-01"), Some(StayKind::IceAdministrative));
        assert_eq!(active("2025-02-02"), None);
        assert_eq!(active("2030-01-01"), Some(StayKind::Bia));
    }

    #[test]
    fn stay_cannot_expire_before_it_is_granted() {
        assert_eq!(
            Stay::new(
                StayKind::Bia,
                Some(day("2025-02-01")),
                Some(day("2025-01-31"))
            ),
            Err(StayError)
        );
        assert!(
            Stay::new(
                StayKind::Bia,
                Some(day("2025-02-01")),
                Some(day("2025-02-01"))
            )
            .is_ok()
        );
        let err = serde_json::from_str::<Stay>(
            r#"{"kind":"bia","granted_on":"2025-02-01","expires_on":"2025-01-01"}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("expires_on"));
    }

    #[test]
    fn proceedings_are_ordered() {
        assert!(ProceedingsStage::None < ProceedingsStage::NtaServed);
        assert!(ProceedingsStage::BiaAppeal < ProceedingsStage::FinalOrder);
        assert!(ProceedingsStage::FinalOrder < ProceedingsStage::Removed);
    }
}
