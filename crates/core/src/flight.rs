//! Removal flights: the charters that carry people out of the country, as sources report them.
//!
//! Reports about one flight often disagree (a date moves, a destination is rumoured). Every
//! report is kept exactly as it was recorded, none overwrites another; [`RemovalFlight::summary`]
//! reconciles them into a view that shows each value with the reports behind it, so a
//! caseworker sees the dispute rather than whichever report came last.
//!
//! The flight watch rule, [`detained_on_board`], turns a flight into alerts for the detained
//! people reported on board.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::claim::{Confidence, Source};
use crate::ids::{CaseId, FlightId, FlightReportId};
use crate::input::parse_json;
use crate::text::{self, TextError};

/// The most intermediate stops a report may list.
pub const MAX_STOPS: usize = 8;
/// The longest carrier name accepted, in characters.
pub const MAX_CARRIER_CHARS: usize = 80;
/// The longest note accepted, in characters.
pub const MAX_NOTE_CHARS: usize = 2_000;

/// Why a string is not an [`AirportCode`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("airport code must be three letters (IATA), such as AEX")]
pub struct AirportCodeError;

/// An IATA airport code: three ASCII letters, stored uppercase. Lowercase input is accepted and
/// uppercased. Membership in the IATA list is not checked.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AirportCode([u8; 3]);

impl AirportCode {
    /// The code, uppercase.
    pub fn as_str(&self) -> &str {
        // Always three ASCII letters.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl FromStr for AirportCode {
    type Err = AirportCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.as_bytes() {
            [a, b, c] if [a, b, c].iter().all(|x| x.is_ascii_alphabetic()) => Ok(Self([
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase(),
                c.to_ascii_uppercase(),
            ])),
            _ => Err(AirportCodeError),
        }
    }
}

impl fmt::Display for AirportCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for AirportCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AirportCode({})", self.as_str())
    }
}

crate::text::serde_via_str!(AirportCode);

/// Why a carrier name was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("carrier {0}")]
pub struct CarrierError(#[from] pub TextError);

/// The airline operating a flight ("GlobalX", "Avelo"): 1 to 80 characters on one line,
/// trimmed.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Carrier(String);

impl Carrier {
    /// A carrier; the name is trimmed and must not be blank.
    pub fn new(name: &str) -> Result<Self, CarrierError> {
        Ok(Self(text::clean(name, MAX_CARRIER_CHARS, false)?))
    }

    /// The name as recorded.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether two reports name the same carrier: sources differ in case and spacing
    /// ("GlobalX", "GLOBALX"), and that is not a dispute.
    pub fn same_as(&self, other: &Carrier) -> bool {
        let fold = |s: &str| {
            s.split_whitespace()
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
                .join(" ")
        };
        fold(&self.0) == fold(&other.0)
    }
}

impl FromStr for Carrier {
    type Err = CarrierError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<String> for Carrier {
    type Error = CarrierError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(&value)
    }
}

impl From<Carrier> for String {
    fn from(carrier: Carrier) -> String {
        carrier.0
    }
}

impl fmt::Display for Carrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Carrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Carrier({})", self.0)
    }
}

/// A person a report places on the flight, by their case, and how sure the report is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnBoard {
    pub case: CaseId,
    pub confidence: Confidence,
}

/// Why a flight report was rejected: the field path (as `stops[2]` or `on_board[1].case`;
/// empty for the report as a whole) and a reason. The reason never contains text from the
/// input: reports name people and sources, and errors reach logs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct FlightReportError {
    pub field: String,
    pub reason: String,
}

impl FlightReportError {
    fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for FlightReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "flight report: {}", self.reason)
        } else {
            write!(f, "field `{}`: {}", self.field, self.reason)
        }
    }
}

/// One source's account of a removal flight. Every field but the source is optional, since
/// sources rarely know everything, but a report must say something (a date, an airport, a
/// carrier or someone on board).
///
/// `Debug` hides the source reference and the note.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawFlightReport")]
pub struct FlightReport {
    id: FlightReportId,
    source: Source,
    /// The day the report was recorded: the "earliest report" of reconciliation.
    reported_on: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    departs_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    departure: Option<AirportCode>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    stops: Vec<AirportCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    destination: Option<AirportCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    carrier: Option<Carrier>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    on_board: Vec<OnBoard>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

/// The stored shape, checked by [`FlightReport::checked`] like a new report: a stored report
/// must never hold what a caseworker could not have entered.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlightReport {
    id: FlightReportId,
    source: Source,
    #[serde(deserialize_with = "crate::date::full_date::deserialize")]
    reported_on: NaiveDate,
    #[serde(
        default,
        deserialize_with = "crate::date::full_date::option::deserialize"
    )]
    departs_on: Option<NaiveDate>,
    #[serde(default)]
    departure: Option<AirportCode>,
    #[serde(default)]
    stops: Vec<AirportCode>,
    #[serde(default)]
    destination: Option<AirportCode>,
    #[serde(default)]
    carrier: Option<Carrier>,
    #[serde(default)]
    on_board: Vec<OnBoard>,
    #[serde(default)]
    note: Option<String>,
}

impl TryFrom<RawFlightReport> for FlightReport {
    type Error = FlightReportError;

    fn try_from(raw: RawFlightReport) -> Result<Self, Self::Error> {
        Self {
            id: raw.id,
            source: raw.source,
            reported_on: raw.reported_on,
            departs_on: raw.departs_on,
            departure: raw.departure,
            stops: raw.stops,
            destination: raw.destination,
            carrier: raw.carrier,
            on_board: raw.on_board,
            note: raw.note,
        }
        .checked()
    }
}

impl FlightReport {
    /// Checks the invariants across fields and cleans the note; the one gate every report
    /// passes, new or stored.
    fn checked(mut self) -> Result<Self, FlightReportError> {
        if self.stops.len() > MAX_STOPS {
            return Err(FlightReportError::new(
                "stops",
                format!("at most {MAX_STOPS} stops"),
            ));
        }
        if self.departure.is_some() && self.destination == self.departure {
            return Err(FlightReportError::new(
                "destination",
                "must not be the departure airport",
            ));
        }
        for (i, entry) in self.on_board.iter().enumerate() {
            if self.on_board[..i]
                .iter()
                .any(|seen| seen.case == entry.case)
            {
                return Err(FlightReportError::new(
                    format!("on_board[{i}].case"),
                    "the same case is already on board in this report",
                ));
            }
        }
        self.note = self
            .note
            .map(|note| text::clean(&note, MAX_NOTE_CHARS, true))
            .transpose()
            .map_err(|err| FlightReportError::new("note", err.to_string()))?;
        let says_something = self.departs_on.is_some()
            || self.departure.is_some()
            || !self.stops.is_empty()
            || self.destination.is_some()
            || self.carrier.is_some()
            || !self.on_board.is_empty();
        if !says_something {
            return Err(FlightReportError::new(
                "",
                "must give at least a date, an airport, a carrier or someone on board",
            ));
        }
        Ok(self)
    }

    pub fn id(&self) -> FlightReportId {
        self.id
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The day the report was recorded.
    pub fn reported_on(&self) -> NaiveDate {
        self.reported_on
    }

    /// The day the flight leaves, by this report.
    pub fn departs_on(&self) -> Option<NaiveDate> {
        self.departs_on
    }

    pub fn departure(&self) -> Option<AirportCode> {
        self.departure
    }

    /// Intermediate stops, in order; empty when the report gives none.
    pub fn stops(&self) -> &[AirportCode] {
        &self.stops
    }

    pub fn destination(&self) -> Option<AirportCode> {
        self.destination
    }

    pub fn carrier(&self) -> Option<&Carrier> {
        self.carrier.as_ref()
    }

    /// The people the report places on board, each case once.
    pub fn on_board(&self) -> &[OnBoard] {
        &self.on_board
    }

    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
}

impl fmt::Debug for FlightReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlightReport")
            .field("id", &self.id)
            .field("source", &self.source)
            .field("reported_on", &self.reported_on)
            .field("departs_on", &self.departs_on)
            .field("departure", &self.departure)
            .field("stops", &self.stops)
            .field("destination", &self.destination)
            .field("carrier", &self.carrier)
            .field("on_board", &self.on_board)
            .field(
                "note",
                &self.note.as_ref().map(|_| format_args!("<redacted>")),
            )
            .finish()
    }
}

/// A flight report as a caseworker submits it: a [`FlightReport`] without its id and the day
/// it was recorded, which are assigned on creation.
///
/// `{ source, departs_on?, departure?, stops? (default []), destination?, carrier?,
/// on_board? (default []), note? }`, dates written `YYYY-MM-DD`, unknown fields rejected.
/// Values are checked as they are parsed; the checks across fields are made by
/// [`into_report`](Self::into_report).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlightReportInput {
    pub source: Source,
    #[serde(
        default,
        deserialize_with = "crate::date::full_date::option::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub departs_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departure: Option<AirportCode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stops: Vec<AirportCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<AirportCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<Carrier>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on_board: Vec<OnBoard>,
    /// Free text, up to 2,000 characters over several lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl FlightReportInput {
    /// Parses a submitted report. Errors name the field and never repeat the input.
    pub fn from_json(json: &str) -> Result<Self, FlightReportError> {
        parse_json(json).map_err(|err| FlightReportError::new(err.field, err.reason))
    }

    /// The report, with its id and the day it was recorded. Refuses a report that says nothing,
    /// more than [`MAX_STOPS`] stops, a destination equal to the departure, a case on board
    /// twice and a blank or overlong note.
    pub fn into_report(
        self,
        id: FlightReportId,
        reported_on: NaiveDate,
    ) -> Result<FlightReport, FlightReportError> {
        FlightReport {
            id,
            source: self.source,
            reported_on,
            departs_on: self.departs_on,
            departure: self.departure,
            stops: self.stops,
            destination: self.destination,
            carrier: self.carrier,
            on_board: self.on_board,
            note: self.note,
        }
        .checked()
    }
}

impl fmt::Debug for FlightReportInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlightReportInput")
            .field("source", &self.source)
            .field("departs_on", &self.departs_on)
            .field("departure", &self.departure)
            .field("stops", &self.stops)
            .field("destination", &self.destination)
            .field("carrier", &self.carrier)
            .field("on_board", &self.on_board)
            .field(
                "note",
                &self.note.as_ref().map(|_| format_args!("<redacted>")),
            )
            .finish()
    }
}

/// One removal flight and every report about it, in the order they were added.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemovalFlight {
    id: FlightId,
    reports: Vec<FlightReport>,
}

impl RemovalFlight {
    /// A flight no one has reported on yet.
    pub fn new(id: FlightId) -> Self {
        Self {
            id,
            reports: Vec::new(),
        }
    }

    pub fn id(&self) -> FlightId {
        self.id
    }

    /// Every report, in the order added.
    pub fn reports(&self) -> &[FlightReport] {
        &self.reports
    }

    /// Adds a report. Reports are only ever appended: a correction is a new report, so the
    /// record of who said what stays whole.
    pub fn add_report(&mut self, report: FlightReport) {
        self.reports.push(report);
    }

    /// The reports reconciled: every value reported for each field, with its reports, best
    /// supported first; and everyone reported on board.
    pub fn summary(&self) -> FlightSummary {
        // Earliest first: by the day recorded, then (the sort is stable) by the order added.
        // Tallies are built in this order, so a value first seen earlier wins a tie.
        let mut reports: Vec<&FlightReport> = self.reports.iter().collect();
        reports.sort_by_key(|r| r.reported_on);

        let mut passengers: BTreeMap<CaseId, Passenger> = BTreeMap::new();
        for report in &reports {
            for entry in &report.on_board {
                let passenger = passengers.entry(entry.case).or_insert(Passenger {
                    case: entry.case,
                    confidence: entry.confidence,
                    reports: Vec::new(),
                });
                passenger.confidence = passenger.confidence.max(entry.confidence);
                passenger.reports.push(report.id);
            }
        }

        FlightSummary {
            flight: self.id,
            reports: reports.len(),
            dates: Tally::of(&reports, |r| r.departs_on, PartialEq::eq),
            departures: Tally::of(&reports, |r| r.departure, PartialEq::eq),
            // A report that lists no stops has not said the flight is direct: it is left out
            // rather than counted against the reports that list some.
            stops: Tally::of(
                &reports,
                |r| (!r.stops.is_empty()).then(|| r.stops.clone()),
                PartialEq::eq,
            ),
            destinations: Tally::of(&reports, |r| r.destination, PartialEq::eq),
            carriers: Tally::of(&reports, |r| r.carrier.clone(), Carrier::same_as),
            passengers: passengers.into_values().collect(),
        }
    }
}

/// One value reported for a field, and the reports that give it (earliest first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reported<T> {
    pub value: T,
    pub sources: Vec<FlightReportId>,
}

impl<T> Reported<T> {
    /// How many reports give the value.
    pub fn support(&self) -> usize {
        self.sources.len()
    }
}

/// The distinct values reported for one field, ordered by support (most reports first), then by
/// the earliest report giving them. Reports that leave the field out are not counted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Tally<T> {
    values: Vec<Reported<T>>,
}

impl<T> Tally<T> {
    /// Tallies `value` over `reports` (earliest first); `same` decides when two reports agree.
    fn of(
        reports: &[&FlightReport],
        value: impl Fn(&FlightReport) -> Option<T>,
        same: impl Fn(&T, &T) -> bool,
    ) -> Self {
        let mut values: Vec<Reported<T>> = Vec::new();
        for report in reports {
            let Some(v) = value(report) else { continue };
            match values.iter_mut().find(|r| same(&r.value, &v)) {
                Some(existing) => existing.sources.push(report.id),
                None => values.push(Reported {
                    value: v,
                    sources: vec![report.id],
                }),
            }
        }
        // Stable: among equal support, first seen (earliest reported) stays first.
        values.sort_by_key(|r| std::cmp::Reverse(r.support()));
        Self { values }
    }

    /// Every distinct value, best first.
    pub fn values(&self) -> &[Reported<T>] {
        &self.values
    }

    /// The best-supported value, if any report gives one.
    pub fn best(&self) -> Option<&Reported<T>> {
        self.values.first()
    }

    /// Whether reports disagree: more than one distinct value.
    pub fn disputed(&self) -> bool {
        self.values.len() > 1
    }

    /// Whether no report gives the field.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// A person reported on board: the highest confidence any report gives, and every report that
/// places them there (earliest first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Passenger {
    pub case: CaseId,
    pub confidence: Confidence,
    pub reports: Vec<FlightReportId>,
}

/// A flight's reports reconciled (see [`RemovalFlight::summary`]). Holds no source reference
/// and no note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FlightSummary {
    pub flight: FlightId,
    /// How many reports were reconciled.
    pub reports: usize,
    pub dates: Tally<NaiveDate>,
    pub departures: Tally<AirportCode>,
    pub stops: Tally<Vec<AirportCode>>,
    pub destinations: Tally<AirportCode>,
    pub carriers: Tally<Carrier>,
    /// Everyone reported on board, by case id.
    pub passengers: Vec<Passenger>,
}

impl FlightSummary {
    /// The best-supported departure date, if any report gives one.
    pub fn departs_on(&self) -> Option<NaiveDate> {
        self.dates.best().map(|r| r.value)
    }

    /// The fields reports disagree on, in the order "date", "departure", "stops",
    /// "destination", "carrier".
    pub fn disputes(&self) -> Vec<&'static str> {
        [
            ("date", self.dates.disputed()),
            ("departure", self.departures.disputed()),
            ("stops", self.stops.disputed()),
            ("destination", self.destinations.disputed()),
            ("carrier", self.carriers.disputed()),
        ]
        .into_iter()
        .filter_map(|(field, disputed)| disputed.then_some(field))
        .collect()
    }
}

/// A detained person reported on a removal flight that has not left: what the flight watch
/// raises. Case ids only, never names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct FlightAlert {
    pub flight: FlightId,
    pub case: CaseId,
    /// The day the flight may leave (see [`detained_on_board`]); `None` when no report gives
    /// one yet.
    pub departs_on: Option<NaiveDate>,
    /// The highest confidence any report gives that the person is on board.
    pub confidence: Confidence,
}

/// The flight watch rule: one alert, by case id, for each person reported on board whose case
/// `is_detained`, while the flight may still leave with them: while **any** report dates it
/// `today` or later, and also when no report gives a date yet (an undated flight is still a
/// threat). Disputed dates count for the person: a flight one source says left yesterday and
/// another says leaves tomorrow still raises the alert, since a missed removal costs more than
/// a false alarm. The alert carries the best-supported date if it is still ahead, otherwise the
/// soonest date still ahead. Once every reported date is before `today` the flight is taken to
/// have left and raises nothing (what became of the people on it is for their cases to
/// record). People reported on board but not detained raise nothing.
///
/// The day is a parameter, as in [`crate::watch::alerts_for`], so a test can walk a calendar.
pub fn detained_on_board(
    flight: &RemovalFlight,
    today: NaiveDate,
    is_detained: impl Fn(CaseId) -> bool,
) -> Vec<FlightAlert> {
    let summary = flight.summary();
    let ahead = |day: &NaiveDate| *day >= today;
    let departs_on = if summary.dates.is_empty() {
        None
    } else {
        let best = summary.departs_on().filter(ahead);
        let soonest_ahead = summary
            .dates
            .values()
            .iter()
            .map(|reported| reported.value)
            .filter(ahead)
            .min();
        match best.or(soonest_ahead) {
            Some(day) => Some(day),
            None => return Vec::new(),
        }
    };
    summary
        .passengers
        .into_iter()
        .filter(|p| is_detained(p.case))
        .map(|p| FlightAlert {
            flight: flight.id,
            case: p.case,
            departs_on,
            confidence: p.confidence,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::SourceKind;
    use uuid::Uuid;

    const CANARY: &str = "CANARY-SOURCE-7731";

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).expect("day")
    }

    fn case(n: u128) -> CaseId {
        CaseId::from_uuid(Uuid::from_u128(n))
    }

    fn code(s: &str) -> AirportCode {
        s.parse().unwrap()
    }

    fn input() -> FlightReportInput {
        FlightReportInput {
            source: Source::new(SourceKind::Ngo, CANARY).unwrap(),
            departs_on: None,
            departure: None,
            stops: Vec::new(),
            destination: None,
            carrier: None,
            on_board: Vec::new(),
            note: None,
        }
    }

    fn report(reported_on: NaiveDate, fill: impl FnOnce(&mut FlightReportInput)) -> FlightReport {
        let mut input = input();
        fill(&mut input);
        input
            .into_report(FlightReportId::random(), reported_on)
            .unwrap()
    }

    /// The error `json` gives, parsed then turned into a report; checks it never echoes
    /// `secret`.
    fn error(json: &str, secret: &str) -> FlightReportError {
        let err = FlightReportInput::from_json(json)
            .and_then(|input| input.into_report(FlightReportId::random(), day(1)))
            .unwrap_err();
        assert!(!err.to_string().contains(secret), "{err}");
        assert!(!err.to_string().contains(CANARY), "{err}");
        err
    }

    #[test]
    fn airport_codes() {
        for (text, stored) in [("aex", "AEX"), ("AEX", "AEX"), ("Svo", "SVO")] {
            let parsed = code(text);
            assert_eq!(parsed.as_str(), stored);
            assert_eq!(parsed.to_string(), stored);
            assert_eq!(format!("{parsed:?}"), format!("AirportCode({stored})"));
        }
        for bad in [
            "", "AE", "AEXX", "A1X", "AE-", " AEX", "ÄEX", "ЖЖЖ", "SECRET",
        ] {
            let err = bad.parse::<AirportCode>().unwrap_err();
            assert_eq!(err, AirportCodeError, "{bad:?}");
        }
        assert_eq!(
            AirportCodeError.to_string(),
            "airport code must be three letters (IATA), such as AEX"
        );
        let json = serde_json::to_string(&code("aex")).unwrap();
        assert_eq!(json, "\"AEX\"");
        assert_eq!(
            serde_json::from_str::<AirportCode>("\"led\"").unwrap(),
            code("LED")
        );
        let err = serde_json::from_str::<AirportCode>("\"SECRET\"").unwrap_err();
        assert!(!err.to_string().contains("SECRET"));
    }

    #[test]
    fn carriers() {
        assert_eq!(Carrier::new("  GlobalX ").unwrap().as_str(), "GlobalX");
        assert_eq!(Carrier::new(" "), Err(CarrierError(TextError::Empty)));
        assert_eq!(
            Carrier::new("a\nb"),
            Err(CarrierError(TextError::ControlCharacter))
        );
        assert!(Carrier::new(&"x".repeat(MAX_CARRIER_CHARS)).is_ok());
        assert!(Carrier::new(&"x".repeat(MAX_CARRIER_CHARS + 1)).is_err());
        assert!(
            Carrier::new("Global X")
                .unwrap()
                .same_as(&Carrier::new("global  x").unwrap())
        );
        assert!(
            !Carrier::new("GlobalX")
                .unwrap()
                .same_as(&Carrier::new("Avelo").unwrap())
        );
        let carrier: Carrier = serde_json::from_str("\" EgyptAir \"").unwrap();
        assert_eq!(serde_json::to_string(&carrier).unwrap(), "\"EgyptAir\"");
    }

    #[test]
    fn a_full_report_parses() {
        let a = case(1);
        let json = format!(
            r#"{{
                "source": {{"kind": "media", "reference": "{CANARY}"}},
                "departs_on": "2026-03-10",
                "departure": "aex",
                "stops": ["elp", "SNN"],
                "destination": "SVO",
                "carrier": "GlobalX",
                "on_board": [{{"case": "{a}", "confidence": "high"}}],
                "note": "Seen on the manifest.\nTwo guards per person."
            }}"#
        );
        let report = FlightReportInput::from_json(&json)
            .unwrap()
            .into_report(FlightReportId::random(), day(2))
            .unwrap();
        assert_eq!(report.departs_on(), Some(day(10)));
        assert_eq!(report.departure(), Some(code("AEX")));
        assert_eq!(report.stops(), [code("ELP"), code("SNN")]);
        assert_eq!(report.destination(), Some(code("SVO")));
        assert_eq!(report.carrier().map(Carrier::as_str), Some("GlobalX"));
        assert_eq!(
            report.on_board(),
            [OnBoard {
                case: a,
                confidence: Confidence::High
            }]
        );
        assert_eq!(report.reported_on(), day(2));
        assert_eq!(report.source().reference(), CANARY);
        assert!(report.note().unwrap().contains('\n'));

        // The stored shape round-trips.
        let stored = serde_json::to_string(&report).unwrap();
        assert_eq!(
            serde_json::from_str::<FlightReport>(&stored).unwrap(),
            report
        );
    }

    #[test]
    fn bad_values_name_their_field_without_echo() {
        let src = format!(r#""source": {{"kind": "ngo", "reference": "{CANARY}"}}"#);
        let ok_case = case(1);
        let cases: [(String, &str, &str); 8] = [
            (
                format!(r#"{{{src}, "stops": ["AEX", "SNN", "SECRET"]}}"#),
                "SECRET",
                "stops[2]",
            ),
            (
                format!(r#"{{{src}, "destination": "S1CRET"}}"#),
                "S1CRET",
                "destination",
            ),
            (format!(r#"{{{src}, "departure": 42}}"#), "42", "departure"),
            (
                format!(r#"{{{src}, "departs_on": "2026-02-30"}}"#),
                "2026-02-30",
                "departs_on",
            ),
            (
                format!(r#"{{{src}, "carrier": "SECRET\nAIR"}}"#),
                "SECRET",
                "carrier",
            ),
            (
                format!(
                    r#"{{{src}, "on_board": [{{"case": "{ok_case}", "confidence": "low"}},
                        {{"case": "SECRET-ID", "confidence": "low"}}]}}"#
                ),
                "SECRET-ID",
                "on_board[1].case",
            ),
            (
                format!(
                    r#"{{{src}, "on_board": [{{"case": "{ok_case}", "confidence": "SECRET"}}]}}"#
                ),
                "SECRET",
                "on_board[0].confidence",
            ),
            (
                format!(r#"{{{src}, "carrier": "Avelo", "flight_number": "SECRET"}}"#),
                "SECRET",
                "flight_number",
            ),
        ];
        for (json, secret, field) in cases {
            assert_eq!(error(&json, secret).field, field, "{json}");
        }
        let err = error(r#"{"carrier": "Avelo"}"#, "Avelo");
        assert_eq!(err.field, "source");
        let err = error(
            r#"{"source": {"kind": "ngo", "reference": " "}, "carrier": "Avelo"}"#,
            "Avelo",
        );
        assert_eq!(err.field, "source.reference");
    }

    #[test]
    fn reports_that_break_the_rules_name_the_field_without_echo() {
        let src = format!(r#""source": {{"kind": "ngo", "reference": "{CANARY}"}}"#);

        let err = error(&format!(r#"{{{src}}}"#), CANARY);
        assert_eq!(err.field, "");
        assert!(err.reason.starts_with("must give at least"), "{err}");
        // A note alone says nothing about the flight.
        let err = error(&format!(r#"{{{src}, "note": "SECRET"}}"#), "SECRET");
        assert_eq!(err.field, "");

        let dup = case(7).to_string();
        let err = error(
            &format!(
                r#"{{{src}, "on_board": [{{"case": "{dup}", "confidence": "low"}},
                    {{"case": "{}", "confidence": "low"}},
                    {{"case": "{dup}", "confidence": "high"}}]}}"#,
                case(8)
            ),
            &dup,
        );
        assert_eq!(err.field, "on_board[2].case");

        let nine = ["\"SNN\""; MAX_STOPS + 1].join(",");
        let err = error(&format!(r#"{{{src}, "stops": [{nine}]}}"#), "SNN");
        assert_eq!(err.field, "stops");
        let eight = ["\"SNN\""; MAX_STOPS].join(",");
        assert!(
            FlightReportInput::from_json(&format!(r#"{{{src}, "stops": [{eight}]}}"#))
                .unwrap()
                .into_report(FlightReportId::random(), day(1))
                .is_ok()
        );

        let err = error(
            &format!(r#"{{{src}, "departure": "svo", "destination": "SVO"}}"#),
            "SVO",
        );
        assert_eq!(err.field, "destination");

        let long = "SECRET ".repeat(MAX_NOTE_CHARS / 6);
        let err = error(
            &format!(r#"{{{src}, "carrier": "Avelo", "note": "{long}"}}"#),
            "SECRET",
        );
        assert_eq!(err.field, "note");
        assert_eq!(
            err.to_string(),
            format!("field `note`: must be at most {MAX_NOTE_CHARS} characters")
        );
        let err = error(
            &format!(r#"{{{src}, "carrier": "Avelo", "note": " "}}"#),
            CANARY,
        );
        assert_eq!(err.field, "note");
    }

    #[test]
    fn stored_reports_are_checked_too() {
        let good = report(day(1), |r| r.departure = Some(code("AEX")));
        let mut value = serde_json::to_value(&good).unwrap();
        value["destination"] = "AEX".into();
        let err = serde_json::from_value::<FlightReport>(value).unwrap_err();
        assert!(err.to_string().contains("destination"), "{err}");
    }

    #[test]
    fn disagreeing_reports_are_all_kept_and_ranked_by_support() {
        let mut flight = RemovalFlight::new(FlightId::random());
        let first = report(day(3), |r| {
            r.departs_on = Some(day(10));
            r.departure = Some(code("AEX"));
            r.destination = Some(code("SVO"));
            r.carrier = Some(Carrier::new("GlobalX").unwrap());
        });
        let second = report(day(5), |r| {
            r.departs_on = Some(day(12));
            r.departure = Some(code("aex"));
            r.destination = Some(code("IST"));
            r.carrier = Some(Carrier::new("GLOBALX").unwrap());
        });
        flight.add_report(second.clone());
        flight.add_report(first.clone());

        // One report each: the earliest reported (not the first added) is best.
        let summary = flight.summary();
        assert_eq!(summary.reports, 2);
        assert_eq!(summary.departs_on(), Some(day(10)));
        assert_eq!(summary.dates.values().len(), 2);
        assert_eq!(summary.dates.values()[1].value, day(12));
        assert_eq!(summary.dates.values()[1].sources, [second.id()]);
        assert_eq!(summary.destinations.best().unwrap().value, code("SVO"));
        assert_eq!(summary.disputes(), ["date", "destination"]);
        assert!(!summary.departures.disputed());
        assert_eq!(
            summary.departures.best().unwrap().sources,
            [first.id(), second.id()]
        );
        // Spelling differences are not a dispute; the earliest spelling is shown.
        assert!(!summary.carriers.disputed());
        assert_eq!(summary.carriers.best().unwrap().value.as_str(), "GlobalX");
        assert!(summary.stops.is_empty());

        // A third report agreeing with the later one outweighs the earlier.
        let third = report(day(6), |r| {
            r.departs_on = Some(day(12));
            r.destination = Some(code("IST"));
            r.stops = vec![code("SNN")];
        });
        flight.add_report(third.clone());
        let summary = flight.summary();
        assert_eq!(flight.reports().len(), 3);
        assert_eq!(summary.departs_on(), Some(day(12)));
        let best = summary.dates.best().unwrap();
        assert_eq!(best.sources, [second.id(), third.id()]);
        assert_eq!(best.support(), 2);
        assert_eq!(summary.dates.values()[1].value, day(10));
        assert_eq!(summary.destinations.best().unwrap().value, code("IST"));
        assert_eq!(summary.disputes(), ["date", "destination"]);
        // Reports that give no stops do not dispute the one that does.
        assert_eq!(summary.stops.values().len(), 1);
        assert_eq!(summary.stops.best().unwrap().value, [code("SNN")]);
    }

    #[test]
    fn a_passenger_has_the_highest_confidence_of_any_report() {
        let (a, b) = (case(2), case(1));
        let on = |case, confidence| OnBoard { case, confidence };
        let mut flight = RemovalFlight::new(FlightId::random());
        let r1 = report(day(1), |r| r.on_board = vec![on(a, Confidence::Low)]);
        let r2 = report(day(2), |r| {
            r.on_board = vec![on(a, Confidence::High), on(b, Confidence::Medium)];
        });
        let r3 = report(day(3), |r| r.on_board = vec![on(a, Confidence::Medium)]);
        for r in [&r3, &r1, &r2] {
            flight.add_report(r.clone());
        }
        let passengers = flight.summary().passengers;
        assert_eq!(
            passengers,
            [
                Passenger {
                    case: b,
                    confidence: Confidence::Medium,
                    reports: vec![r2.id()],
                },
                Passenger {
                    case: a,
                    confidence: Confidence::High,
                    reports: vec![r1.id(), r2.id(), r3.id()],
                },
            ]
        );
    }

    #[test]
    fn the_alert_rule_over_a_calendar() {
        let (detained, free) = (case(1), case(2));
        let is_detained = |c: CaseId| c == detained;
        let on = |case, confidence| OnBoard { case, confidence };

        let mut flight = RemovalFlight::new(FlightId::random());
        flight.add_report(report(day(1), |r| {
            r.on_board = vec![on(detained, Confidence::Low), on(free, Confidence::High)];
        }));
        // Undated: still a threat, every day.
        for today in [day(1), day(20)] {
            assert_eq!(
                detained_on_board(&flight, today, is_detained),
                [FlightAlert {
                    flight: flight.id(),
                    case: detained,
                    departs_on: None,
                    confidence: Confidence::Low,
                }]
            );
        }

        flight.add_report(report(day(2), |r| {
            r.departs_on = Some(day(10));
            r.on_board = vec![on(detained, Confidence::High)];
        }));
        for d in 1..=15 {
            let alerts = detained_on_board(&flight, day(d), is_detained);
            if d <= 10 {
                assert_eq!(
                    alerts,
                    [FlightAlert {
                        flight: flight.id(),
                        case: detained,
                        departs_on: Some(day(10)),
                        confidence: Confidence::High,
                    }],
                    "day {d}"
                );
            } else {
                assert!(alerts.is_empty(), "day {d}: the flight has left");
            }
        }

        // Two more reports date it day 8: the best date is now day 8, but day 10 is still
        // reported, so the alert stays until day 10 has passed, dated by what is ahead.
        for reported in [3, 4] {
            flight.add_report(report(day(reported), |r| r.departs_on = Some(day(8))));
        }
        assert_eq!(flight.summary().departs_on(), Some(day(8)));
        let dated = |d| detained_on_board(&flight, day(d), is_detained)[0].departs_on;
        assert_eq!(dated(7), Some(day(8)));
        assert_eq!(
            dated(9),
            Some(day(10)),
            "the disputed later date still counts"
        );
        assert!(detained_on_board(&flight, day(11), is_detained).is_empty());

        // No one detained on board: nothing, even before the flight.
        assert!(detained_on_board(&flight, day(5), |_| false).is_empty());
        // No one on board at all: nothing.
        let mut empty = RemovalFlight::new(FlightId::random());
        empty.add_report(report(day(1), |r| r.departs_on = Some(day(10))));
        assert!(detained_on_board(&empty, day(5), |_| true).is_empty());
    }

    #[test]
    fn debug_never_shows_the_source_or_the_note() {
        let secret_note = "CANARY-NOTE-2291";
        let mut input = input();
        input.carrier = Some(Carrier::new("Avelo").unwrap());
        input.on_board = vec![OnBoard {
            case: case(1),
            confidence: Confidence::Medium,
        }];
        input.note = Some(secret_note.to_owned());
        let shown = format!("{input:?}");
        assert!(shown.contains("<redacted>"), "{shown}");

        let report = input.into_report(FlightReportId::random(), day(1)).unwrap();
        let mut flight = RemovalFlight::new(FlightId::random());
        flight.add_report(report.clone());
        for shown in [
            shown,
            format!("{report:?}"),
            format!("{report:#?}"),
            format!("{flight:?}"),
            format!("{:?}", flight.summary()),
            format!("{:?}", detained_on_board(&flight, day(1), |_| true)),
        ] {
            assert!(!shown.contains(CANARY), "{shown}");
            assert!(!shown.contains(secret_note), "{shown}");
        }
        assert!(format!("{report:?}").contains("note: Some(<redacted>)"));
    }

    #[test]
    fn flights_round_trip() {
        let mut flight = RemovalFlight::new(FlightId::random());
        flight.add_report(report(day(1), |r| {
            r.departs_on = Some(day(10));
            r.stops = vec![code("ELP"), code("SNN")];
            r.note = Some("  two lines\nof note ".to_owned());
        }));
        assert_eq!(flight.reports()[0].note(), Some("two lines\nof note"));
        let json = serde_json::to_string(&flight).unwrap();
        assert_eq!(
            serde_json::from_str::<RemovalFlight>(&json).unwrap(),
            flight
        );
    }
}
