//! The public aggregate for advocacy: how many people were detained, removed, referred,
//! accepted and arrived, by month. Made to be published: no field finer than a month, no
//! identifier, and every count under five shown as "<5", so that no small group can be told
//! apart.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike as _, NaiveDate};
use serde::Serialize;

string_enum! {
    /// What the aggregate counts.
    pub enum Milestone {
        /// Cases opened while the person was held by ICE.
        Detained => "detained", "Detained",
        Removed => "removed", "Removed",
        Referred => "referred", "Referred",
        Accepted => "accepted", "Accepted",
        Arrived => "arrived", "Arrived",
    }
}

/// The smallest count shown as itself.
pub const MIN_SHOWN: u64 = 5;

/// A month, the finest time the aggregate shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(day: NaiveDate) -> Month {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }
}

impl Month {
    /// The month before this one.
    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A published count: itself from [`MIN_SHOWN`], otherwise only "fewer than five".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    Exact(u64),
    FewerThanFive,
}

impl Count {
    fn of(n: u64) -> Count {
        if n >= MIN_SHOWN {
            Count::Exact(n)
        } else {
            Count::FewerThanFive
        }
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Count::Exact(n) => write!(f, "{n}"),
            Count::FewerThanFive => f.write_str("<5"),
        }
    }
}

impl Serialize for Count {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One cell of the aggregate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AggregateRow {
    pub month: Month,
    pub milestone: Milestone,
    pub count: Count,
}

/// Counts `events` (a milestone and the day it happened) by month and milestone, oldest month
/// first. Only months and milestones that happened appear.
pub fn aggregate(events: impl IntoIterator<Item = (Milestone, NaiveDate)>) -> Vec<AggregateRow> {
    let mut counts: BTreeMap<(Month, Milestone), u64> = BTreeMap::new();
    for (milestone, day) in events {
        *counts.entry((Month::of(day), milestone)).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|((month, milestone), n)| AggregateRow {
            month,
            milestone,
            count: Count::of(n),
        })
        .collect()
}

/// The aggregate as CSV: `month,milestone,count`.
pub fn to_csv(rows: &[AggregateRow]) -> String {
    let mut out = String::from("month,milestone,count\r\n");
    for row in rows {
        out.push_str(&format!(
            "{},{},{}\r\n",
            row.month,
            row.milestone.as_str(),
            row.count
        ));
    }
    out
}

/// Counts by month for the organisation's own dashboard: every milestone over the same
/// months, oldest first. Exact counts (the dashboard is not published); no person appears.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MonthlySeries {
    pub months: Vec<Month>,
    /// One count per month, for each milestone in [`Milestone::ALL`] order.
    pub counts: Vec<(Milestone, Vec<u64>)>,
}

/// The `span` months ending with `last` (gaps counted as zero), and each milestone's count in
/// each. Events outside those months are left out.
pub fn monthly_series(
    events: impl IntoIterator<Item = (Milestone, NaiveDate)>,
    last: Month,
    span: usize,
) -> MonthlySeries {
    let mut months = Vec::with_capacity(span);
    let mut month = last;
    for _ in 0..span {
        months.push(month);
        month = month.previous();
    }
    months.reverse();
    let mut counts: Vec<(Milestone, Vec<u64>)> = Milestone::ALL
        .iter()
        .map(|m| (*m, vec![0; months.len()]))
        .collect();
    for (milestone, day) in events {
        let Ok(at) = months.binary_search(&Month::of(day)) else {
            continue;
        };
        if let Some((_, row)) = counts.iter_mut().find(|(m, _)| *m == milestone) {
            row[at] += 1;
        }
    }
    MonthlySeries { months, counts }
}
