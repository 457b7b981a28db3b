//! The public aggregate: by month, never a count under five shown as itself.

use chrono::NaiveDate;
use corridor_core::report::{Count, MIN_SHOWN, Milestone, aggregate, to_csv};
use proptest::prelude::*;

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

#[test]
fn counts_by_month_and_hides_small_ones() {
    let mut events = vec![(Milestone::Removed, day("2026-08-27")); 7];
    events.extend([(Milestone::Removed, day("2026-09-02")); 2]);
    events.extend([(Milestone::Arrived, day("2026-09-30")); 5]);
    let rows = aggregate(events);
    let csv = to_csv(&rows);
    assert_eq!(
        csv,
        "month,milestone,count\r\n2026-08,removed,7\r\n2026-09,removed,<5\r\n2026-09,arrived,5\r\n"
    );
    assert_eq!(rows[1].count, Count::FewerThanFive);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Whatever happened, no published cell shows a count under five, and no field is finer
    /// than a month.
    #[test]
    fn never_a_cell_under_five(
        events in prop::collection::vec(
            (prop::sample::select(Milestone::ALL.to_vec()), 0i64..400),
            0..200,
        )
    ) {
        let start = day("2025-01-01");
        let events: Vec<_> = events
            .into_iter()
            .map(|(m, d)| (m, start + chrono::Duration::days(d)))
            .collect();
        let rows = aggregate(events.clone());
        for row in &rows {
            if let Count::Exact(n) = row.count {
                prop_assert!(n >= MIN_SHOWN);
            }
        }
        for line in to_csv(&rows).lines().skip(1) {
            let fields: Vec<&str> = line.split(',').collect();
            prop_assert_eq!(fields.len(), 3);
            prop_assert_eq!(fields[0].len(), 7, "a month, YYYY-MM");
            let count = fields[2];
            prop_assert!(count == "<5" || count.parse::<u64>().is_ok_and(|n| n >= MIN_SHOWN));
        }
        // Every event is in exactly one cell: exact cells add up to at most the total.
        let exact: u64 = rows.iter().filter_map(|r| match r.count { Count::Exact(n) => Some(n), _ => None }).sum();
        prop_assert!(exact <= events.len() as u64);
    }
}

#[test]
fn monthly_series_counts_every_milestone_over_the_same_months_with_gaps_as_zero() {
    use corridor_core::report::{Month, monthly_series};
    let events = [
        (Milestone::Removed, day("2026-01-15")),
        (Milestone::Removed, day("2026-01-31")),
        (Milestone::Arrived, day("2026-03-01")),
        (Milestone::Detained, day("2025-12-31")),
        // Outside the months asked for: left out.
        (Milestone::Detained, day("2025-10-01")),
        (Milestone::Referred, day("2026-04-01")),
    ];
    let series = monthly_series(
        events,
        Month {
            year: 2026,
            month: 3,
        },
        4,
    );
    let shown: Vec<String> = series.months.iter().map(ToString::to_string).collect();
    assert_eq!(shown, ["2025-12", "2026-01", "2026-02", "2026-03"]);
    let of = |m: Milestone| {
        series
            .counts
            .iter()
            .find(|(x, _)| *x == m)
            .unwrap()
            .1
            .clone()
    };
    assert_eq!(of(Milestone::Detained), [1, 0, 0, 0]);
    assert_eq!(of(Milestone::Removed), [0, 2, 0, 0]);
    assert_eq!(of(Milestone::Arrived), [0, 0, 0, 1]);
    assert_eq!(of(Milestone::Referred), [0, 0, 0, 0]);
    assert_eq!(series.counts.len(), Milestone::ALL.len());
}
