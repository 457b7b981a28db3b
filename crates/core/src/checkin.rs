//! Check-ins after removal: once someone has been deported to Russia, the organisation keeps in
//! touch on a schedule so that nobody disappears unnoticed.
//!
//! - A [`CheckInSchedule`] says how often a removed person should be reached, by phases counted
//!   from the day of removal (by default every 3 days for the first 30 days, then weekly), and
//!   when a late check-in escalates (by default `missed` once 2 days overdue, `lost_contact`
//!   once 10 days overdue). Deployments may load their own from TOML.
//! - A [`CheckIn`] records one contact: when, through which channel, and an optional note
//!   (redacted from `Debug`).
//! - [`standing`] says, as of a given day, when contact was last made, when the next check-in is
//!   due and how worried to be ([`MonitoringStatus`]).
//! - [`FieldReportKind`] names what is heard about a person after return (arrested, charged,
//!   conscripted, ...); such reports are stored as sourced claims under the fact keys it gives.
//!
//! Everything here is pure: the day is always a parameter, so a test can walk a simulated
//! calendar and the command line can ask "as of" any day.

use std::fmt;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::claim::FactKey;
use crate::ids::CheckInId;
use crate::serde_error;
use crate::text::{self, Text, TextError};
use crate::watch::AlertLevel;

/// The longest interval between check-ins a phase may set, in days.
pub const MAX_EVERY_DAYS: u32 = 90;
/// The longest a phase may last, in days (ten years).
pub const MAX_PHASE_DAYS: u32 = 3_650;
/// The most phases a schedule may have.
pub const MAX_PHASES: usize = 20;
/// The most days overdue an escalation threshold may be.
pub const MAX_ESCALATION_DAYS: u32 = 365;
/// The longest check-in note accepted, in characters.
pub const MAX_NOTE_CHARS: usize = 2_000;

/// One phase of a [`CheckInSchedule`]: a check-in every `every_days` days, for `for_days` days
/// (the last phase has no end and lasts indefinitely).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// Days from one contact to the next check-in due (1 to [`MAX_EVERY_DAYS`]).
    pub every_days: u32,
    /// How long the phase lasts, in days; required on every phase but the last, absent on the
    /// last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_days: Option<u32>,
}

/// When a check-in that has not happened escalates, in days after it was due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// Overdue this many days or more: [`MonitoringStatus::Missed`].
    pub missed_after_days: u32,
    /// Overdue this many days or more: [`MonitoringStatus::LostContact`].
    pub lost_contact_after_days: u32,
}

impl Default for Escalation {
    /// Missed once 2 days overdue, lost contact once 10 days overdue.
    fn default() -> Self {
        Self {
            missed_after_days: 2,
            lost_contact_after_days: 10,
        }
    }
}

/// Why a check-in schedule was rejected: the field (as `phase[1].every_days` or
/// `escalation.lost_contact_after_days`; empty for the file as a whole) and the reason. Never
/// repeats the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ScheduleError {
    pub field: String,
    pub reason: String,
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "check-in schedule: {}", self.reason)
        } else {
            write!(
                f,
                "check-in schedule field `{}`: {}",
                self.field, self.reason
            )
        }
    }
}

fn refuse(field: impl Into<String>, reason: impl Into<String>) -> ScheduleError {
    ScheduleError {
        field: field.into(),
        reason: reason.into(),
    }
}

/// How often a removed person should be reached, by phases counted from the day of removal,
/// and when a late check-in escalates.
///
/// `Default` is every 3 days for the first 30 days, then every 7 days; missed once 2 days
/// overdue, lost contact once 10 days overdue. A deployment may load its own from TOML with
/// [`CheckInSchedule::from_toml`]:
///
/// ```toml
/// [[phase]]
/// every_days = 3
/// for_days = 30
/// [[phase]]
/// every_days = 7      # the last phase has no for_days: it lasts
///
/// [escalation]        # optional: 2 and 10 when absent
/// missed_after_days = 2
/// lost_contact_after_days = 10
/// ```
///
/// Serialises (to JSON, say) in the same shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawSchedule")]
pub struct CheckInSchedule {
    #[serde(rename = "phase")]
    phases: Vec<Phase>,
    escalation: Escalation,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchedule {
    #[serde(default)]
    phase: Vec<Phase>,
    #[serde(default)]
    escalation: Escalation,
}

impl TryFrom<RawSchedule> for CheckInSchedule {
    type Error = ScheduleError;

    fn try_from(raw: RawSchedule) -> Result<Self, Self::Error> {
        Self::new(raw.phase, raw.escalation)
    }
}

impl Default for CheckInSchedule {
    fn default() -> Self {
        Self {
            phases: vec![
                Phase {
                    every_days: 3,
                    for_days: Some(30),
                },
                Phase {
                    every_days: 7,
                    for_days: None,
                },
            ],
            escalation: Escalation::default(),
        }
    }
}

impl CheckInSchedule {
    /// A schedule. Refused, naming the field: no phase (or more than [`MAX_PHASES`]); an
    /// `every_days` of 0 or over [`MAX_EVERY_DAYS`]; a phase other than the last without
    /// `for_days`, or the last with one; a `for_days` shorter than the phase's `every_days` or
    /// over [`MAX_PHASE_DAYS`]; a `missed_after_days` of 0, or not below
    /// `lost_contact_after_days`; a `lost_contact_after_days` over [`MAX_ESCALATION_DAYS`].
    pub fn new(phases: Vec<Phase>, escalation: Escalation) -> Result<Self, ScheduleError> {
        if phases.is_empty() {
            return Err(refuse("phase", "at least one phase is required"));
        }
        if phases.len() > MAX_PHASES {
            return Err(refuse(
                "phase",
                format!("at most {MAX_PHASES} phases are allowed"),
            ));
        }
        let last = phases.len() - 1;
        for (i, phase) in phases.iter().enumerate() {
            if !(1..=MAX_EVERY_DAYS).contains(&phase.every_days) {
                return Err(refuse(
                    format!("phase[{i}].every_days"),
                    format!("must be 1 to {MAX_EVERY_DAYS}"),
                ));
            }
            let field = format!("phase[{i}].for_days");
            match phase.for_days {
                None if i != last => {
                    return Err(refuse(field, "required on every phase but the last"));
                }
                Some(_) if i == last => {
                    return Err(refuse(
                        field,
                        "the last phase lasts indefinitely and has no for_days",
                    ));
                }
                Some(days) if days < phase.every_days => {
                    return Err(refuse(field, "must be at least the phase's every_days"));
                }
                Some(days) if days > MAX_PHASE_DAYS => {
                    return Err(refuse(field, format!("must be at most {MAX_PHASE_DAYS}")));
                }
                _ => {}
            }
        }
        if escalation.missed_after_days == 0 {
            return Err(refuse("escalation.missed_after_days", "must be at least 1"));
        }
        if escalation.lost_contact_after_days > MAX_ESCALATION_DAYS {
            return Err(refuse(
                "escalation.lost_contact_after_days",
                format!("must be at most {MAX_ESCALATION_DAYS}"),
            ));
        }
        if escalation.missed_after_days >= escalation.lost_contact_after_days {
            return Err(refuse(
                "escalation.lost_contact_after_days",
                "must be greater than missed_after_days",
            ));
        }
        Ok(Self { phases, escalation })
    }

    /// Parses a schedule file. Unknown keys are refused; errors name the field and never repeat
    /// the input.
    pub fn from_toml(text: &str) -> Result<Self, ScheduleError> {
        let deserializer = toml::Deserializer::new(text);
        let raw: RawSchedule = serde_path_to_error::deserialize(deserializer).map_err(|err| {
            let described =
                serde_error::describe(serde_error::render_path(err.path()), err.inner().message());
            refuse(described.field, described.reason)
        })?;
        Self::try_from(raw)
    }

    /// The phases, in order.
    pub fn phases(&self) -> &[Phase] {
        &self.phases
    }

    /// The escalation thresholds.
    pub fn escalation(&self) -> Escalation {
        self.escalation
    }

    /// The interval (`every_days`) of the phase in force `day` days after removal (day 0 is
    /// the day of removal; a negative day counts as day 0).
    pub fn every_days_at(&self, day: i64) -> u32 {
        let mut start: i64 = 0;
        for phase in &self.phases {
            match phase.for_days {
                Some(days) if day >= start + i64::from(days) => start += i64::from(days),
                _ => return phase.every_days,
            }
        }
        // Unreachable for a valid schedule: the last phase has no for_days.
        self.phases.last().map_or(1, |p| p.every_days)
    }

    /// The day the next check-in is due after contact on `last_contact`: `every_days` of the
    /// phase in force on `last_contact` (counted from `removed_on`) later.
    pub fn due_after(&self, removed_on: NaiveDate, last_contact: NaiveDate) -> NaiveDate {
        let every = self.every_days_at((last_contact - removed_on).num_days());
        last_contact
            .checked_add_days(Days::new(u64::from(every)))
            .unwrap_or(NaiveDate::MAX)
    }
}

string_enum! {
    /// How contact was made.
    pub enum CheckInChannel {
        Phone => "phone", "Phone call",
        Messenger => "messenger", "Messenger",
        Video => "video", "Video call",
        InPerson => "in_person", "In person",
        ThroughFamily => "through_family", "Through family",
        ThroughLawyer => "through_lawyer", "Through a lawyer",
        Other => "other", "Other",
    }
}

/// Why a check-in was refused. Messages name the field and never repeat the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckInError {
    #[error("field `on`: a check-in cannot be dated after today")]
    InFuture,
    #[error("field `on`: a check-in cannot be dated before the removal")]
    BeforeRemoval,
    #[error("field `note`: {0}")]
    Note(TextError),
}

impl CheckInError {
    /// The field at fault: `on` or `note`.
    pub fn field(&self) -> &'static str {
        match self {
            Self::InFuture | Self::BeforeRemoval => "on",
            Self::Note(_) => "note",
        }
    }
}

/// One contact with a person after removal. `Debug` hides the note.
///
/// Deserialising checks the note only: the date was checked against the removal and the day it
/// was recorded by [`CheckIn::new`].
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "RawCheckIn")]
pub struct CheckIn {
    id: CheckInId,
    on: NaiveDate,
    channel: CheckInChannel,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheckIn {
    id: CheckInId,
    #[serde(deserialize_with = "crate::date::full_date::deserialize")]
    on: NaiveDate,
    channel: CheckInChannel,
    #[serde(default)]
    note: Option<Text<MAX_NOTE_CHARS, true>>,
}

impl From<RawCheckIn> for CheckIn {
    fn from(raw: RawCheckIn) -> Self {
        Self {
            id: raw.id,
            on: raw.on,
            channel: raw.channel,
            note: raw.note.map(|n| n.0),
        }
    }
}

impl CheckIn {
    /// A check-in of a person removed on `removed_on`, recorded on `today`. Refused if dated
    /// after `today` or before `removed_on`; the note, when given, is trimmed and must not be
    /// blank (at most [`MAX_NOTE_CHARS`] characters, several lines allowed).
    pub fn new(
        id: CheckInId,
        on: NaiveDate,
        channel: CheckInChannel,
        note: Option<&str>,
        removed_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<Self, CheckInError> {
        if on > today {
            return Err(CheckInError::InFuture);
        }
        if on < removed_on {
            return Err(CheckInError::BeforeRemoval);
        }
        let note = note
            .map(|n| text::clean(n, MAX_NOTE_CHARS, true))
            .transpose()
            .map_err(CheckInError::Note)?;
        Ok(Self {
            id,
            on,
            channel,
            note,
        })
    }

    pub fn id(&self) -> CheckInId {
        self.id
    }

    /// The day contact was made.
    pub fn on(&self) -> NaiveDate {
        self.on
    }

    pub fn channel(&self) -> CheckInChannel {
        self.channel
    }

    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
}

struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Debug for CheckIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckIn")
            .field("id", &self.id)
            .field("on", &self.on)
            .field("channel", &self.channel)
            .field("note", &self.note.as_ref().map(|_| Redacted))
            .finish()
    }
}

string_enum! {
    /// How a removed person's check-ins stand, in order of worry.
    pub enum MonitoringStatus {
        /// The next check-in is not due yet.
        OnSchedule => "on_schedule", "On schedule",
        /// Due today, or overdue by fewer days than the missed threshold.
        Due => "due", "Check-in due",
        /// Overdue by the missed threshold or more.
        Missed => "missed", "Check-in missed",
        /// Overdue by the lost-contact threshold or more.
        LostContact => "lost_contact", "Lost contact",
    }
}

impl MonitoringStatus {
    /// The alert this status raises: none on schedule, a reminder when due, urgent when
    /// missed, an emergency once contact is lost.
    pub fn alert_level(self) -> Option<AlertLevel> {
        match self {
            Self::OnSchedule => None,
            Self::Due => Some(AlertLevel::Reminder),
            Self::Missed => Some(AlertLevel::Urgent),
            Self::LostContact => Some(AlertLevel::Emergency),
        }
    }
}

/// Where a removed person's check-ins stand on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CheckInStanding {
    /// The latest check-in counted, or the day of removal if none.
    pub last_contact: NaiveDate,
    /// When the next check-in is due.
    pub due_on: NaiveDate,
    /// Days past `due_on`; 0 if not yet due.
    pub overdue_days: i64,
    pub status: MonitoringStatus,
}

/// Where the check-ins of a person removed on `removed_on` stand on `today`.
///
/// The last contact is the latest check-in dated from `removed_on` to `today` (check-ins before
/// the removal, or after `today` when asking "as of" a past day, do not count), or `removed_on`
/// itself if there is none. The next check-in is due `every_days` of the phase in force on the
/// day of the last contact (counted from the removal) after it. Then: before the due day,
/// [`OnSchedule`](MonitoringStatus::OnSchedule); from the due day,
/// [`Due`](MonitoringStatus::Due); from `missed_after_days` overdue,
/// [`Missed`](MonitoringStatus::Missed); from `lost_contact_after_days` overdue,
/// [`LostContact`](MonitoringStatus::LostContact). A later check-in starts the count again.
pub fn standing(
    schedule: &CheckInSchedule,
    removed_on: NaiveDate,
    check_ins: &[CheckIn],
    today: NaiveDate,
) -> CheckInStanding {
    let last_contact = check_ins
        .iter()
        .map(CheckIn::on)
        .filter(|on| (removed_on..=today).contains(on))
        .max()
        .unwrap_or(removed_on);
    let due_on = schedule.due_after(removed_on, last_contact);
    let overdue_days = (today - due_on).num_days().max(0);
    let escalation = schedule.escalation;
    let status = if today < due_on {
        MonitoringStatus::OnSchedule
    } else if overdue_days < i64::from(escalation.missed_after_days) {
        MonitoringStatus::Due
    } else if overdue_days < i64::from(escalation.lost_contact_after_days) {
        MonitoringStatus::Missed
    } else {
        MonitoringStatus::LostContact
    };
    CheckInStanding {
        last_contact,
        due_on,
        overdue_days,
        status,
    }
}

/// The prefix of the fact keys of field reports.
const FACT_PREFIX: &str = "after_return_";

string_enum! {
    /// What is heard about a person after return to Russia. Reports are stored as sourced
    /// claims on the timeline, under [`FieldReportKind::fact_key`].
    pub enum FieldReportKind {
        Arrested => "arrested", "Arrested",
        Charged => "charged", "Charged",
        Conscripted => "conscripted", "Conscripted",
        Released => "released", "Released",
        LeftRussia => "left_russia", "Left Russia",
        Missing => "missing", "Missing",
    }
}

impl FieldReportKind {
    /// The fact key claims of this kind are stored under: `after_return_arrested`, ...
    pub fn fact_key(self) -> FactKey {
        format!("{FACT_PREFIX}{}", self.as_str())
            .parse()
            .expect("after_return_ and a snake_case name make a valid fact key")
    }

    /// The kind of field report a claim's fact key names, if it names one.
    pub fn from_fact(fact: &FactKey) -> Option<Self> {
        fact.as_str().strip_prefix(FACT_PREFIX)?.parse().ok()
    }

    /// Whether the report is bad news that needs acting on: arrested, charged, conscripted or
    /// missing.
    pub fn is_alarming(self) -> bool {
        match self {
            Self::Arrested | Self::Charged | Self::Conscripted | Self::Missing => true,
            Self::Released | Self::LeftRussia => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MonitoringStatus::{Due, LostContact, Missed, OnSchedule};
    use proptest::prelude::*;

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, 1).unwrap() + chrono::Duration::days(n)
    }

    fn check_in(removed: i64, on: i64) -> CheckIn {
        CheckIn::new(
            CheckInId::random(),
            day(on),
            CheckInChannel::Messenger,
            None,
            day(removed),
            day(on),
        )
        .unwrap()
    }

    #[test]
    fn enums_follow_the_conventions() {
        check_string_enums!(CheckInChannel, MonitoringStatus, FieldReportKind);
    }

    #[test]
    fn sixty_days_of_silence_escalate_on_the_right_days() {
        let schedule = CheckInSchedule::default();
        let mut changes = Vec::new();
        let mut previous = None;
        for n in 0..=60 {
            let s = standing(&schedule, day(0), &[], day(n));
            assert_eq!(s.last_contact, day(0));
            assert_eq!(s.due_on, day(3));
            assert_eq!(s.overdue_days, (n - 3).max(0));
            if previous != Some(s.status) {
                changes.push((n, s.status));
                previous = Some(s.status);
            }
        }
        assert_eq!(
            changes,
            [(0, OnSchedule), (3, Due), (5, Missed), (13, LostContact)]
        );
        let alerts: Vec<_> = [OnSchedule, Due, Missed, LostContact]
            .map(MonitoringStatus::alert_level)
            .into();
        assert_eq!(
            alerts,
            [
                None,
                Some(AlertLevel::Reminder),
                Some(AlertLevel::Urgent),
                Some(AlertLevel::Emergency)
            ]
        );
    }

    #[test]
    fn after_thirty_days_check_ins_are_weekly() {
        let schedule = CheckInSchedule::default();
        // Someone who answers exactly when due, walked day by day.
        let mut check_ins = Vec::new();
        for n in 0..=60 {
            let s = standing(&schedule, day(0), &check_ins, day(n));
            assert_ne!(s.status, Missed);
            if s.status == Due {
                assert_eq!(s.overdue_days, 0);
                check_ins.push(check_in(0, n));
                let after = standing(&schedule, day(0), &check_ins, day(n));
                assert_eq!(after.status, OnSchedule);
                assert_eq!(after.last_contact, day(n));
            }
        }
        let days: Vec<i64> = check_ins
            .iter()
            .map(|c| (c.on() - day(0)).num_days())
            .collect();
        assert_eq!(days, [3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 37, 44, 51, 58]);
        // The phase in force on the day of the last contact sets the interval.
        assert_eq!(schedule.due_after(day(0), day(29)), day(32));
        assert_eq!(schedule.due_after(day(0), day(30)), day(37));
        assert_eq!(schedule.every_days_at(0), 3);
        assert_eq!(schedule.every_days_at(29), 3);
        assert_eq!(schedule.every_days_at(30), 7);
        assert_eq!(schedule.every_days_at(10_000), 7);
    }

    #[test]
    fn a_check_in_resets_the_count() {
        let schedule = CheckInSchedule::default();
        assert_eq!(
            standing(&schedule, day(0), &[], day(20)).status,
            LostContact
        );
        let check_ins = [check_in(0, 2), check_in(0, 20)];
        let s = standing(&schedule, day(0), &check_ins, day(20));
        assert_eq!(
            s,
            CheckInStanding {
                last_contact: day(20),
                due_on: day(23),
                overdue_days: 0,
                status: OnSchedule,
            }
        );
        assert_eq!(
            standing(&schedule, day(0), &check_ins, day(25)).status,
            Missed
        );
        // As of an earlier day, the later check-in does not count yet.
        let s = standing(&schedule, day(0), &check_ins, day(10));
        assert_eq!((s.last_contact, s.due_on), (day(2), day(5)));
        assert_eq!((s.overdue_days, s.status), (5, Missed));
        // A check-in dated before the removal (an earlier removal, say) does not count.
        let earlier = check_in(-40, -5);
        let s = standing(&schedule, day(0), &[earlier], day(1));
        assert_eq!(s.last_contact, day(0));
        // Order of the check-ins does not matter.
        let reversed = [check_ins[1].clone(), check_ins[0].clone()];
        assert_eq!(
            standing(&schedule, day(0), &reversed, day(22)),
            standing(&schedule, day(0), &check_ins, day(22))
        );
    }

    #[test]
    fn default_schedule_parses_from_its_documented_toml() {
        let text = r#"
[[phase]]
every_days = 3
for_days = 30
[[phase]]
every_days = 7      # the last phase has no for_days: it lasts
[escalation]
missed_after_days = 2
lost_contact_after_days = 10
"#;
        assert_eq!(
            CheckInSchedule::from_toml(text).unwrap(),
            CheckInSchedule::default()
        );
        // The escalation table is optional.
        let text = "[[phase]]\nevery_days = 3\nfor_days = 30\n[[phase]]\nevery_days = 7\n";
        assert_eq!(
            CheckInSchedule::from_toml(text).unwrap(),
            CheckInSchedule::default()
        );
        // JSON round trip in the same shape.
        let json = serde_json::to_string(&CheckInSchedule::default()).unwrap();
        assert_eq!(
            json,
            r#"{"phase":[{"every_days":3,"for_days":30},{"every_days":7}],"escalation":{"missed_after_days":2,"lost_contact_after_days":10}}"#
        );
        let back: CheckInSchedule = serde_json::from_str(&json).unwrap();
        assert_eq!(back, CheckInSchedule::default());
        assert!(serde_json::from_str::<CheckInSchedule>(r#"{"phase":[]}"#).is_err());
    }

    #[test]
    fn a_custom_schedule() {
        let schedule = CheckInSchedule::from_toml(
            r#"
[[phase]]
every_days = 1
for_days = 7
[[phase]]
every_days = 2
for_days = 14
[[phase]]
every_days = 5
[escalation]
missed_after_days = 1
lost_contact_after_days = 4
"#,
        )
        .unwrap();
        assert_eq!(schedule.phases().len(), 3);
        assert_eq!(
            schedule.escalation(),
            Escalation {
                missed_after_days: 1,
                lost_contact_after_days: 4
            }
        );
        let every: Vec<u32> = [0, 6, 7, 20, 21, 400]
            .map(|d| schedule.every_days_at(d))
            .into();
        assert_eq!(every, [1, 1, 2, 2, 5, 5]);
        let at = |n| standing(&schedule, day(0), &[], day(n)).status;
        assert_eq!(
            [at(0), at(1), at(2), at(4), at(5)],
            [OnSchedule, Due, Missed, Missed, LostContact]
        );
        let check_ins = [check_in(0, 21)];
        let s = standing(&schedule, day(0), &check_ins, day(25));
        assert_eq!((s.due_on, s.status), (day(26), OnSchedule));
    }

    #[test]
    fn bad_schedules_name_the_field() {
        const TAIL: &str = "[[phase]]\nevery_days = 7\n";
        let with_tail = |head: &str| format!("{head}{TAIL}");
        let cases: Vec<(String, &str)> = vec![
            (String::new(), "phase"),
            (
                "[escalation]\nmissed_after_days = 2\nlost_contact_after_days = 10\n".into(),
                "phase",
            ),
            ("[[phase]]\nevery_days = 0\n".into(), "phase[0].every_days"),
            (
                with_tail("[[phase]]\nevery_days = 3\nfor_days = 30\n")
                    + "[[phase]]\nevery_days = 91\n",
                "phase[1].for_days",
            ),
            (
                "[[phase]]\nevery_days = 3\nfor_days = 30\n[[phase]]\nevery_days = 91\n".into(),
                "phase[1].every_days",
            ),
            (
                with_tail("[[phase]]\nevery_days = 3\n"),
                "phase[0].for_days",
            ),
            (
                "[[phase]]\nevery_days = 3\nfor_days = 30\n".into(),
                "phase[0].for_days",
            ),
            (
                with_tail("[[phase]]\nevery_days = 7\nfor_days = 5\n"),
                "phase[0].for_days",
            ),
            (
                with_tail("[[phase]]\nevery_days = 7\nfor_days = 4000\n"),
                "phase[0].for_days",
            ),
            (
                with_tail("[[phase]]\nfor_days = 30\n"),
                "phase[0].every_days",
            ),
            (
                with_tail("[[phase]]\nevery_days = \"three\"\nfor_days = 30\n"),
                "phase[0].every_days",
            ),
            (
                with_tail("[[phase]]\nevery_days = -3\nfor_days = 30\n"),
                "phase[0].every_days",
            ),
            (
                with_tail("[[phase]]\nevery_dayz = 3\nfor_days = 30\n"),
                "phase[0].every_dayz",
            ),
            (
                TAIL.to_owned()
                    + "[escalation]\nmissed_after_days = 10\nlost_contact_after_days = 10\n",
                "escalation.lost_contact_after_days",
            ),
            (
                TAIL.to_owned()
                    + "[escalation]\nmissed_after_days = 12\nlost_contact_after_days = 10\n",
                "escalation.lost_contact_after_days",
            ),
            (
                TAIL.to_owned()
                    + "[escalation]\nmissed_after_days = 0\nlost_contact_after_days = 10\n",
                "escalation.missed_after_days",
            ),
            (
                TAIL.to_owned()
                    + "[escalation]\nmissed_after_days = 2\nlost_contact_after_days = 400\n",
                "escalation.lost_contact_after_days",
            ),
            (
                TAIL.to_owned() + "[escalation]\nmissed_after_days = 2\n",
                "escalation.lost_contact_after_days",
            ),
            (
                TAIL.to_owned()
                    + "[escalation]\nmissed_after_days = 2\nlost_contact_after_days = 10\nalert = 1\n",
                "escalation.alert",
            ),
            ("frequency = 3\n".to_owned() + TAIL, "frequency"),
        ];
        for (text, field) in &cases {
            let err = CheckInSchedule::from_toml(text).unwrap_err();
            assert_eq!(err.field, *field, "{text}");
            assert!(!err.reason.is_empty());
            assert!(err.to_string().contains(field), "{err}");
            assert!(!err.reason.contains("three"), "{err}");
        }
        let many = TAIL.replace("7", "7\nfor_days = 7").repeat(MAX_PHASES) + TAIL;
        assert_eq!(
            CheckInSchedule::from_toml(&many).unwrap_err().field,
            "phase"
        );
        // Neither an odd key nor a syntax error is echoed.
        for text in [
            format!("{TAIL}\"SECRET Key\" = 1\n"),
            format!("{TAIL}SECRET = \"unterminated\n"),
            "[[phase]\nevery_days = SECRET\n".to_owned(),
        ] {
            let err = CheckInSchedule::from_toml(&text).unwrap_err();
            assert!(!err.to_string().contains("SECRET"), "{err}");
        }
    }

    #[test]
    fn check_in_constructor_refuses_bad_input() {
        let new = |on: i64, note: Option<&str>| {
            CheckIn::new(
                CheckInId::random(),
                day(on),
                CheckInChannel::Phone,
                note,
                day(0),
                day(10),
            )
        };
        let err = new(11, None).unwrap_err();
        assert_eq!(err, CheckInError::InFuture);
        assert_eq!(err.field(), "on");
        assert!(err.to_string().contains("`on`"));
        let err = new(-1, None).unwrap_err();
        assert_eq!(err, CheckInError::BeforeRemoval);
        assert_eq!(err.field(), "on");
        assert!(err.to_string().contains("`on`"));
        assert_eq!(
            new(5, Some("  \n ")),
            Err(CheckInError::Note(TextError::Empty))
        );
        let long = "ж".repeat(MAX_NOTE_CHARS + 1);
        let err = new(5, Some(&long)).unwrap_err();
        assert_eq!(
            err,
            CheckInError::Note(TextError::TooLong {
                max: MAX_NOTE_CHARS
            })
        );
        assert_eq!(err.field(), "note");
        assert_eq!(
            new(5, Some("a\u{7}b")),
            Err(CheckInError::Note(TextError::ControlCharacter))
        );
        // The edges are allowed: the day of removal and today.
        assert!(new(0, None).is_ok());
        let c = new(10, Some("  line one\nline two ")).unwrap();
        assert_eq!(c.note(), Some("line one\nline two"));
        assert_eq!(c.on(), day(10));
        assert_eq!(c.channel(), CheckInChannel::Phone);
        assert!(new(5, Some(&"ж".repeat(MAX_NOTE_CHARS))).is_ok());
    }

    #[test]
    fn notes_never_reach_debug_and_serde_round_trips() {
        let c = CheckIn::new(
            CheckInId::random(),
            day(4),
            CheckInChannel::ThroughFamily,
            Some("CANARY: sister says he is in Lefortovo"),
            day(0),
            day(4),
        )
        .unwrap();
        let debug = format!("{c:?} {c:#?}");
        assert!(!debug.contains("CANARY"), "{debug}");
        assert!(!debug.contains("Lefortovo"), "{debug}");
        assert!(debug.contains("<redacted>"));
        let json = serde_json::to_string(&c).unwrap();
        let back: CheckIn = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
        assert_eq!(back.id(), c.id());
        let bare = check_in(0, 3);
        let json = serde_json::to_string(&bare).unwrap();
        assert!(!json.contains("note"));
        assert_eq!(serde_json::from_str::<CheckIn>(&json).unwrap(), bare);
        // Deserialising validates the note and the date without echoing them.
        let id = CheckInId::random();
        for bad in [
            format!(r#"{{"id":"{id}","on":"2025-03-01","channel":"phone","note":" "}}"#),
            format!(r#"{{"id":"{id}","on":"2025-02-30","channel":"phone"}}"#),
            format!(r#"{{"id":"{id}","on":"2025-03-01","channel":"SECRET"}}"#),
            format!(r#"{{"id":"{id}","on":"2025-03-01","channel":"phone","SECRET":1}}"#),
        ] {
            let err = crate::input::parse_json::<CheckIn>(&bad).unwrap_err();
            assert!(!err.to_string().contains("SECRET"), "{err}");
        }
    }

    #[test]
    fn field_report_fact_keys_round_trip() {
        let keys: Vec<String> = FieldReportKind::ALL
            .iter()
            .map(|k| k.fact_key().to_string())
            .collect();
        assert_eq!(
            keys,
            [
                "after_return_arrested",
                "after_return_charged",
                "after_return_conscripted",
                "after_return_released",
                "after_return_left_russia",
                "after_return_missing",
            ]
        );
        for &kind in FieldReportKind::ALL {
            assert_eq!(FieldReportKind::from_fact(&kind.fact_key()), Some(kind));
        }
        for other in [
            "arrested",
            "after_return_",
            "after_return_deported",
            "returned_to_russia",
        ] {
            let fact: FactKey = other.parse().unwrap();
            assert_eq!(FieldReportKind::from_fact(&fact), None, "{other}");
        }
        let alarming: Vec<_> = FieldReportKind::ALL
            .iter()
            .filter(|k| k.is_alarming())
            .copied()
            .collect();
        assert_eq!(
            alarming,
            [
                FieldReportKind::Arrested,
                FieldReportKind::Charged,
                FieldReportKind::Conscripted,
                FieldReportKind::Missing
            ]
        );
    }

    fn schedules() -> impl Strategy<Value = CheckInSchedule> {
        let phase = (1..=MAX_EVERY_DAYS, 0u32..60);
        (proptest::collection::vec(phase, 1..5), 1u32..15, 1u32..40).prop_map(
            |(phases, missed, extra)| {
                let last = phases.len() - 1;
                let phases = phases
                    .into_iter()
                    .enumerate()
                    .map(|(i, (every_days, more))| Phase {
                        every_days,
                        for_days: (i != last).then_some(every_days + more),
                    })
                    .collect();
                let escalation = Escalation {
                    missed_after_days: missed,
                    lost_contact_after_days: missed + extra,
                };
                CheckInSchedule::new(phases, escalation).unwrap()
            },
        )
    }

    proptest! {
        #[test]
        fn status_never_goes_backwards_without_a_check_in(
            schedule in schedules(),
            removed in 0i64..1_000,
            offsets in proptest::collection::vec(0i64..300, 0..6),
            start in 0i64..400,
            steps in 1usize..200,
        ) {
            let check_ins: Vec<CheckIn> =
                offsets.iter().map(|&o| check_in(removed, removed + o)).collect();
            let latest = offsets.iter().copied().max().unwrap_or(0);
            let first = removed + latest + start;
            let base = standing(&schedule, day(removed), &check_ins, day(first));
            let mut previous = base;
            for n in 1..steps as i64 {
                let s = standing(&schedule, day(removed), &check_ins, day(first + n));
                prop_assert_eq!(s.last_contact, base.last_contact);
                prop_assert_eq!(s.due_on, base.due_on);
                prop_assert!(s.status >= previous.status);
                prop_assert!(s.overdue_days >= previous.overdue_days);
                prop_assert!(s.overdue_days <= previous.overdue_days + 1);
                previous = s;
            }
        }
    }
}
