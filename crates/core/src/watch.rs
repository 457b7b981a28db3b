//! Removal watch: the alerts a case raises on a given day, from rules over its US status. The
//! day is a parameter (the clock is the caller's), so a test can walk a simulated calendar and
//! the command line can ask "as of" any day.
//!
//! - a scheduled removal within the emergency window (7 days) is an **Emergency**;
//! - a final order of removal with no stay in force is **Urgent**;
//! - a hearing within the reminder window (3 days) is a **Reminder**;
//! - a stay that expires within the reminder window is a **Reminder** too: once it lapses, the
//!   order can be carried out;
//! - a removal flight reported with a detained person on board is an **Emergency**
//!   ([`flight_alert`]; the rule itself is [`crate::flight::detained_on_board`]);
//! - after removal, a check-in due is a **Reminder**, a missed one **Urgent**, and lost contact
//!   an **Emergency** ([`check_in_alert`]; the schedule is [`crate::checkin::standing`]).

use chrono::NaiveDate;
use serde::Serialize;

use crate::case::Case;
use crate::checkin::{CheckInStanding, MonitoringStatus};
use crate::flight::FlightAlert;
use crate::ids::CaseId;
use crate::us_status::ProceedingsStage;
use crate::workflow::Stage;

string_enum! {
    /// How loud an alert is.
    pub enum AlertLevel {
        Reminder => "reminder", "Reminder",
        Urgent => "urgent", "Urgent",
        Emergency => "emergency", "Emergency",
    }
}

string_enum! {
    /// The rule that raised an alert.
    pub enum WatchRule {
        RemovalSoon => "removal_soon", "Removal scheduled within days",
        FinalOrderWithoutStay => "final_order_without_stay", "Final order with no stay",
        HearingSoon => "hearing_soon", "Hearing within days",
        StayExpiring => "stay_expiring", "Stay about to expire",
        /// A removal flight is reported with a detained person on board.
        FlightWithDetainedPerson => "flight_with_detained_person", "Detained person on a removal flight",
        /// A check-in after removal is due.
        CheckInDue => "check_in_due", "Check-in due",
        /// A check-in after removal was missed.
        CheckInMissed => "check_in_missed", "Check-in missed",
        /// Check-ins after removal stopped long enough ago that contact is lost.
        LostContact => "lost_contact", "Contact lost after removal",
    }
}

/// The windows of the rules, in days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WatchWindows {
    /// A removal this many days away or fewer is an emergency.
    pub removal_days: i64,
    /// A hearing or a stay's expiry this many days away or fewer is a reminder.
    pub reminder_days: i64,
}

impl Default for WatchWindows {
    fn default() -> Self {
        Self {
            removal_days: 7,
            reminder_days: 3,
        }
    }
}

/// One alert: the case, the rule, its level, the day it is about (if any), and why in words
/// (no name, no free text).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WatchAlert {
    pub case: CaseId,
    pub rule: WatchRule,
    pub level: AlertLevel,
    pub on: Option<NaiveDate>,
    pub why: String,
}

/// The alerts `case` raises on `today`, loudest first. A closed case raises none (a removed
/// case is watched by its check-ins instead).
pub fn alerts_for(case: &Case, today: NaiveDate, windows: WatchWindows) -> Vec<WatchAlert> {
    if case.stage.is_closed() || case.stage == Stage::Arrived {
        return Vec::new();
    }
    let status = &case.us_status;
    if status.proceedings == ProceedingsStage::Removed {
        return Vec::new();
    }
    let mut alerts = Vec::new();
    let mut raise = |rule, level, on: Option<NaiveDate>, why: String| {
        alerts.push(WatchAlert {
            case: case.id,
            rule,
            level,
            on,
            why,
        });
    };
    if let Some(removal) = status.scheduled_removal {
        let days = (removal - today).num_days();
        if (0..=windows.removal_days).contains(&days) {
            raise(
                WatchRule::RemovalSoon,
                AlertLevel::Emergency,
                Some(removal),
                format!("removal scheduled {}", in_days(days)),
            );
        }
    }
    let stay = status.active_stay(today);
    if status.proceedings == ProceedingsStage::FinalOrder && stay.is_none() {
        raise(
            WatchRule::FinalOrderWithoutStay,
            AlertLevel::Urgent,
            status.final_order_date,
            "final order of removal, no stay in force".to_owned(),
        );
    }
    if let Some(expires) = stay.and_then(|s| s.expires_on()) {
        let days = (expires - today).num_days();
        if (0..=windows.reminder_days).contains(&days) {
            raise(
                WatchRule::StayExpiring,
                AlertLevel::Reminder,
                Some(expires),
                format!(
                    "{} expires {}",
                    stay.map_or("", |s| s.kind().label()),
                    in_days(days)
                ),
            );
        }
    }
    for hearing in &status.hearings {
        let days = (hearing.date - today).num_days();
        if (0..=windows.reminder_days).contains(&days) {
            raise(
                WatchRule::HearingSoon,
                AlertLevel::Reminder,
                Some(hearing.date),
                format!("{} {}", hearing.kind.label(), in_days(days)),
            );
        }
    }
    sort_alerts(&mut alerts);
    alerts
}

/// "today", "tomorrow", "in 5 days".
fn in_days(days: i64) -> String {
    match days {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        n => format!("in {n} days"),
    }
}

/// The alert of a detained person reported on a removal flight: always an emergency, whatever
/// the confidence (it is said, so the caseworker can weigh it).
pub fn flight_alert(alert: &FlightAlert) -> WatchAlert {
    WatchAlert {
        case: alert.case,
        rule: WatchRule::FlightWithDetainedPerson,
        level: AlertLevel::Emergency,
        on: alert.departs_on,
        why: format!(
            "reported on a removal flight{} while detained (confidence: {})",
            alert
                .departs_on
                .map_or_else(|| " (date not known)".to_owned(), |d| format!(" on {d}")),
            alert.confidence.label().to_lowercase()
        ),
    }
}

/// The alert a removed person's check-in standing raises, if any: due is a reminder, missed is
/// urgent, lost contact an emergency. `on` is the day the check-in was due.
pub fn check_in_alert(case: CaseId, standing: &CheckInStanding) -> Option<WatchAlert> {
    let level = standing.status.alert_level()?;
    let (rule, why) = match standing.status {
        MonitoringStatus::OnSchedule => return None,
        MonitoringStatus::Due => (
            WatchRule::CheckInDue,
            format!("check-in due since {}", standing.due_on),
        ),
        MonitoringStatus::Missed => (
            WatchRule::CheckInMissed,
            format!(
                "check-in missed: {} days overdue, last contact {}",
                standing.overdue_days, standing.last_contact
            ),
        ),
        MonitoringStatus::LostContact => (
            WatchRule::LostContact,
            format!(
                "no contact since {} ({} days past the check-in due)",
                standing.last_contact, standing.overdue_days
            ),
        ),
    };
    Some(WatchAlert {
        case,
        rule,
        level,
        on: Some(standing.due_on),
        why,
    })
}

/// Loudest first, then soonest, then by case: the one order of every alert list.
pub fn sort_alerts(alerts: &mut [WatchAlert]) {
    alerts.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(a.on.cmp(&b.on))
            .then(a.case.cmp(&b.case))
            .then(a.rule.cmp(&b.rule))
    });
}
