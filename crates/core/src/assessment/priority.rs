//! The priority level, after UNHCR practice: an emergency must depart within days, an urgent
//! case within weeks, a normal one within the year. The windows are the program's (see
//! [`PriorityWindows`]); the level follows from the US status alone, so it can be recomputed
//! every morning from plain facts.

use chrono::NaiveDate;
use serde::Serialize;

use crate::assessment::policy::PriorityWindows;
use crate::us_status::{Custody, ProceedingsStage, UsStatus};

string_enum! {
    /// How soon a case must move.
    pub enum PriorityLevel {
        Normal => "normal", "Normal",
        Urgent => "urgent", "Urgent",
        Emergency => "emergency", "Emergency",
    }
}

/// Where a deadline comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineSource {
    /// The scheduled removal date.
    ScheduledRemoval,
    /// No date is known: the level's window counted from today.
    Window,
}

/// A case's priority: its level, why, and the time left.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Priority {
    pub level: PriorityLevel,
    pub why: String,
    pub deadline: NaiveDate,
    pub deadline_source: DeadlineSource,
    /// Days from today to the deadline (0 on the day itself).
    pub days_left: i64,
}

/// The priority of a case with this US status on `today`.
///
/// - **Emergency**: removal scheduled within the emergency window; or detained under a final
///   order with no stay in force (removal can come any day, unannounced).
/// - **Urgent**: removal scheduled within the urgent window; a final order with no stay; held in
///   detention; an appeal or review under way with no stay.
/// - **Normal**: otherwise.
pub fn priority(status: &UsStatus, today: NaiveDate, windows: &PriorityWindows) -> Priority {
    let removal = status
        .scheduled_removal
        .filter(|day| *day >= today && status.proceedings != ProceedingsStage::Removed);
    let days_to_removal = removal.map(|day| (day - today).num_days());
    let stayed = status.active_stay(today).is_some();
    let final_order = status.proceedings == ProceedingsStage::FinalOrder;
    let detained = status.custody == Custody::Detained;
    let under_review = matches!(
        status.proceedings,
        ProceedingsStage::BiaAppeal | ProceedingsStage::CircuitReview
    );
    let within = |window: u32| days_to_removal.is_some_and(|d| d <= i64::from(window));

    let (level, why) = if within(windows.emergency_days) {
        (
            PriorityLevel::Emergency,
            "removal scheduled within the emergency window".to_owned(),
        )
    } else if detained && final_order && !stayed {
        (
            PriorityLevel::Emergency,
            "detained under a final order with no stay".to_owned(),
        )
    } else if within(windows.urgent_days) {
        (
            PriorityLevel::Urgent,
            "removal scheduled within the urgent window".to_owned(),
        )
    } else if final_order && !stayed {
        (PriorityLevel::Urgent, "final order with no stay".to_owned())
    } else if detained {
        (PriorityLevel::Urgent, "detained".to_owned())
    } else if under_review && !stayed {
        (
            PriorityLevel::Urgent,
            format!("{} under way with no stay", status.proceedings.label()),
        )
    } else {
        (
            PriorityLevel::Normal,
            "no removal date, order or detention".to_owned(),
        )
    };
    let window = match level {
        PriorityLevel::Emergency => windows.emergency_days,
        PriorityLevel::Urgent => windows.urgent_days,
        PriorityLevel::Normal => windows.normal_days,
    };
    let by_window = today + chrono::Days::new(u64::from(window));
    let (deadline, deadline_source) = match removal {
        Some(day) if day <= by_window => (day, DeadlineSource::ScheduledRemoval),
        _ => (by_window, DeadlineSource::Window),
    };
    Priority {
        level,
        why,
        deadline,
        deadline_source,
        days_left: (deadline - today).num_days(),
    }
}
