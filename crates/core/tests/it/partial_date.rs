//! Partial dates: good and bad.

use chrono::{Datelike, NaiveDate};
use corridor_core::{DateError, PartialDate, Precision};
use proptest::prelude::*;

#[test]
fn good_dates() {
    let cases = [
        ("1988", Precision::Year, "1988-01-01", "1988-12-31"),
        ("1988-04", Precision::Month, "1988-04-01", "1988-04-30"),
        ("1988-04-12", Precision::Day, "1988-04-12", "1988-04-12"),
        ("2000-02", Precision::Month, "2000-02-01", "2000-02-29"),
        ("2100-02", Precision::Month, "2100-02-01", "2100-02-28"),
        ("1900", Precision::Year, "1900-01-01", "1900-12-31"),
        ("2024-02-29", Precision::Day, "2024-02-29", "2024-02-29"),
    ];
    for (text, precision, earliest, latest) in cases {
        let date: PartialDate = text.parse().unwrap();
        assert_eq!(date.precision(), precision, "{text}");
        assert_eq!(
            date.earliest(),
            earliest.parse::<NaiveDate>().unwrap(),
            "{text}"
        );
        assert_eq!(
            date.latest(),
            latest.parse::<NaiveDate>().unwrap(),
            "{text}"
        );
        assert_eq!(date.to_string(), text);
        assert_eq!(serde_json::to_string(&date).unwrap(), format!("\"{text}\""));
    }
}

#[test]
fn bad_dates() {
    let cases = [
        ("1988-02-30", DateError::Impossible),
        ("2023-02-29", DateError::Impossible),
        ("1988-06-31", DateError::Impossible),
        ("1988-01-00", DateError::Impossible),
        ("1988-01-32", DateError::Impossible),
        ("1988-13", DateError::MonthOutOfRange),
        ("1988-00-10", DateError::MonthOutOfRange),
        ("1899-12-31", DateError::YearOutOfRange),
        ("2101", DateError::YearOutOfRange),
        ("12-04-1988", DateError::Malformed),
        ("1988-4-12", DateError::Malformed),
        ("1988 04 12", DateError::Malformed),
        ("19880412", DateError::Malformed),
        ("1988-04-12 ", DateError::Malformed),
        ("year 1988", DateError::Malformed),
        ("", DateError::Malformed),
    ];
    for (text, expected) in cases {
        assert_eq!(
            text.parse::<PartialDate>(),
            Err(expected.clone()),
            "{text:?}"
        );
        let json = serde_json::to_string(text).unwrap();
        let err = serde_json::from_str::<PartialDate>(&json).unwrap_err();
        assert!(err.to_string().starts_with(&expected.to_string()), "{err}");
    }
    assert!(serde_json::from_str::<PartialDate>("1988").is_err());
    assert!(serde_json::from_str::<PartialDate>("null").is_err());
}

proptest! {
    #[test]
    fn every_calendar_day_in_range_round_trips(days in 0i64..(201 * 366)) {
        let date = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Days::new(days as u64);
        prop_assume!(date.year() <= 2100);
        let text = date.format("%Y-%m-%d").to_string();
        let partial: PartialDate = text.parse().unwrap();
        prop_assert_eq!(partial.earliest(), date);
        prop_assert_eq!(partial.latest(), date);
        prop_assert_eq!(partial.to_string(), text.clone());
        let month: PartialDate = text[..7].parse().unwrap();
        let year: PartialDate = text[..4].parse().unwrap();
        prop_assert!(month.contains(date) && year.contains(date));
        prop_assert!(year <= month && month <= partial);
        prop_assert!(year.earliest() <= month.earliest() && month.latest() <= year.latest());
    }

    #[test]
    fn any_year_month_day_numbers_parse_iff_the_date_exists(
        y in 1800u32..2200, m in 0u32..14, d in 0u32..33,
    ) {
        let text = format!("{y:04}-{m:02}-{d:02}");
        let in_range = (1900..=2100).contains(&y);
        let exists = NaiveDate::from_ymd_opt(y as i32, m, d).is_some();
        prop_assert_eq!(text.parse::<PartialDate>().is_ok(), in_range && exists, "{}", text);
    }
}
