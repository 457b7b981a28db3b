//! Dates that may be known only to the year or the month, such as a date of birth taken from a
//! relative's memory or the opening of a criminal case reported in the press.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

/// The earliest year accepted in a [`PartialDate`].
pub const MIN_YEAR: u16 = 1900;
/// The latest year accepted in a [`PartialDate`].
pub const MAX_YEAR: u16 = 2100;

/// Why a string is not a [`PartialDate`]. Messages never repeat the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("date must be written YYYY, YYYY-MM or YYYY-MM-DD")]
    Malformed,
    #[error("year must be between 1900 and 2100")]
    YearOutOfRange,
    #[error("month must be between 01 and 12")]
    MonthOutOfRange,
    #[error("impossible date")]
    Impossible,
    #[error("date must be a full date written YYYY-MM-DD")]
    NotFullDate,
}

/// Parses a full calendar date written `YYYY-MM-DD` (year 1900..=2100), with the same error
/// messages as [`PartialDate`].
pub fn parse_full_date(text: &str) -> Result<NaiveDate, DateError> {
    let date: PartialDate = text.parse().map_err(|err| match err {
        DateError::Malformed => DateError::NotFullDate,
        other => other,
    })?;
    if date.precision() == Precision::Day {
        Ok(date.earliest())
    } else {
        Err(DateError::NotFullDate)
    }
}

/// Serde helpers for `NaiveDate` fields: deserialise through [`parse_full_date`], so errors
/// read "impossible date" rather than chrono's messages. Serialisation stays chrono's
/// (`YYYY-MM-DD`).
pub(crate) mod full_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer};

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_full_date(&text).map_err(serde::de::Error::custom)
    }

    pub(crate) mod option {
        use chrono::NaiveDate;
        use serde::{Deserialize, Deserializer};

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<NaiveDate>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|text| super::super::parse_full_date(&text).map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}

/// How much of a [`PartialDate`] is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Precision {
    Year,
    Month,
    Day,
}

/// A year, a year and month, or a full date, with the year in 1900..=2100.
///
/// Written (and serialised) as "1988", "1988-04" or "1988-04-12". Ordered by year, then month,
/// then day, a less precise date sorting before the more precise dates it contains
/// ("1988" < "1988-01" < "1988-01-01" < "1988-02").
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    year: u16,
    month: Option<u8>,
    day: Option<u8>,
}

impl PartialDate {
    /// A date known to the year.
    pub fn from_year(year: u16) -> Result<Self, DateError> {
        check_year(year)?;
        Ok(Self {
            year,
            month: None,
            day: None,
        })
    }

    /// A date known to the month.
    pub fn from_year_month(year: u16, month: u8) -> Result<Self, DateError> {
        check_year(year)?;
        if !(1..=12).contains(&month) {
            return Err(DateError::MonthOutOfRange);
        }
        Ok(Self {
            year,
            month: Some(month),
            day: None,
        })
    }

    /// A full date.
    pub fn from_ymd(year: u16, month: u8, day: u8) -> Result<Self, DateError> {
        let partial = Self::from_year_month(year, month)?;
        NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))
            .ok_or(DateError::Impossible)?;
        Ok(Self {
            day: Some(day),
            ..partial
        })
    }

    /// A full date from a calendar date.
    pub fn from_date(date: NaiveDate) -> Result<Self, DateError> {
        let year = u16::try_from(date.year()).map_err(|_| DateError::YearOutOfRange)?;
        // Month and day always fit in a u8.
        Self::from_ymd(year, date.month() as u8, date.day() as u8)
    }

    /// The year.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month (1..=12), when known.
    pub fn month(&self) -> Option<u8> {
        self.month
    }

    /// The day of the month, when known.
    pub fn day(&self) -> Option<u8> {
        self.day
    }

    /// How much of the date is known.
    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (None, _) => Precision::Year,
            (Some(_), None) => Precision::Month,
            (Some(_), Some(_)) => Precision::Day,
        }
    }

    /// The first calendar day the date can stand for.
    pub fn earliest(&self) -> NaiveDate {
        self.bound(false)
    }

    /// The last calendar day the date can stand for.
    pub fn latest(&self) -> NaiveDate {
        self.bound(true)
    }

    /// Whether `date` falls within the period this date stands for.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.earliest() <= date && date <= self.latest()
    }

    fn bound(&self, last: bool) -> NaiveDate {
        let year = i32::from(self.year);
        let month = u32::from(self.month.unwrap_or(if last { 12 } else { 1 }));
        let day = match self.day {
            Some(day) => u32::from(day),
            None if last => days_in_month(year, month),
            None => 1,
        };
        // The constructors guarantee a valid date; fall back to the year bounds rather than panic.
        NaiveDate::from_ymd_opt(year, month, day)
            .or_else(|| NaiveDate::from_ymd_opt(year, 1, 1))
            .unwrap_or(NaiveDate::MIN)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    (28..=31)
        .rev()
        .find(|&d| NaiveDate::from_ymd_opt(year, month, d).is_some())
        .unwrap_or(28)
}

fn check_year(year: u16) -> Result<(), DateError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(DateError::YearOutOfRange)
    }
}

fn digits<T: FromStr>(part: &str, len: usize) -> Result<T, DateError> {
    if part.len() != len || !part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DateError::Malformed);
    }
    part.parse().map_err(|_| DateError::Malformed)
}

impl FromStr for PartialDate {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.split('-');
        let year = digits::<u16>(parts.next().unwrap_or(""), 4)?;
        let month = parts.next().map(|m| digits::<u8>(m, 2)).transpose()?;
        let day = parts.next().map(|d| digits::<u8>(d, 2)).transpose()?;
        if parts.next().is_some() {
            return Err(DateError::Malformed);
        }
        match (month, day) {
            (None, _) => Self::from_year(year),
            (Some(month), None) => Self::from_year_month(year, month),
            (Some(month), Some(day)) => Self::from_ymd(year, month, day),
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
        }
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PartialDate({self})")
    }
}

impl TryFrom<NaiveDate> for PartialDate {
    type Error = DateError;

    fn try_from(date: NaiveDate) -> Result<Self, Self::Error> {
        Self::from_date(date)
    }
}

crate::text::serde_via_str!(PartialDate);

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_the_three_precisions() {
        let y: PartialDate = "1988".parse().unwrap();
        assert_eq!(y.precision(), Precision::Year);
        assert_eq!((y.earliest(), y.latest()), (d(1988, 1, 1), d(1988, 12, 31)));

        let m: PartialDate = "1988-02".parse().unwrap();
        assert_eq!(m.precision(), Precision::Month);
        assert_eq!((m.earliest(), m.latest()), (d(1988, 2, 1), d(1988, 2, 29)));

        let full: PartialDate = "1988-04-12".parse().unwrap();
        assert_eq!(full.precision(), Precision::Day);
        assert_eq!(full.earliest(), d(1988, 4, 12));
        assert_eq!(full.latest(), d(1988, 4, 12));
        assert_eq!(full.day(), Some(12));
        assert!(y.contains(d(1988, 7, 1)));
        assert!(!m.contains(d(1988, 3, 1)));
    }

    #[test]
    fn round_trips_through_display_and_serde() {
        for text in ["1900", "2100", "1988-04", "2000-02-29", "1999-12-31"] {
            let date: PartialDate = text.parse().unwrap();
            assert_eq!(date.to_string(), text);
            let json = serde_json::to_string(&date).unwrap();
            assert_eq!(json, format!("\"{text}\""));
            assert_eq!(serde_json::from_str::<PartialDate>(&json).unwrap(), date);
        }
    }

    #[test]
    fn rejects_bad_dates_with_a_reason() {
        use DateError::*;
        let cases = [
            ("1988-02-30", Impossible),
            ("1900-02-29", Impossible),
            ("1988-04-31", Impossible),
            ("1988-04-00", Impossible),
            ("1988-13", MonthOutOfRange),
            ("1988-00", MonthOutOfRange),
            ("1988-13-01", MonthOutOfRange),
            ("1899", YearOutOfRange),
            ("2101-01-01", YearOutOfRange),
            ("0000", YearOutOfRange),
            ("", Malformed),
            ("88", Malformed),
            ("1988-4", Malformed),
            ("1988-04-1", Malformed),
            ("1988/04/12", Malformed),
            ("1988-04-12-01", Malformed),
            ("1988-", Malformed),
            (" 1988", Malformed),
            ("1988-04-12T00:00", Malformed),
            ("+988", Malformed),
            ("١٩٨٨", Malformed),
        ];
        for (text, expected) in cases {
            assert_eq!(text.parse::<PartialDate>(), Err(expected), "{text:?}");
        }
        assert_eq!(DateError::Impossible.to_string(), "impossible date");
        assert!(serde_json::from_str::<PartialDate>("1988").is_err());
    }

    #[test]
    fn orders_by_period_start_then_precision() {
        let mut dates: Vec<PartialDate> =
            ["1988-02", "1988-01-01", "1987-12-31", "1988", "1988-01"]
                .iter()
                .map(|s| s.parse().unwrap())
                .collect();
        dates.sort();
        let texts: Vec<String> = dates.iter().map(ToString::to_string).collect();
        assert_eq!(
            texts,
            ["1987-12-31", "1988", "1988-01", "1988-01-01", "1988-02"]
        );
    }

    #[test]
    fn full_dates() {
        assert_eq!(parse_full_date("2025-01-14"), Ok(d(2025, 1, 14)));
        assert_eq!(parse_full_date("2025-02-30"), Err(DateError::Impossible));
        assert_eq!(parse_full_date("2025-02"), Err(DateError::NotFullDate));
        assert_eq!(parse_full_date("14/01/2025"), Err(DateError::NotFullDate));
        assert_eq!(
            parse_full_date("2025-13-01"),
            Err(DateError::MonthOutOfRange)
        );
    }

    #[test]
    fn from_date_checks_the_year_range() {
        assert_eq!(
            PartialDate::from_date(d(1988, 4, 12)).unwrap().to_string(),
            "1988-04-12"
        );
        assert_eq!(
            PartialDate::from_date(d(1850, 1, 1)),
            Err(DateError::YearOutOfRange)
        );
    }
}
