//! The removal watch's calendar: the dated events of cases (hearings, stays' expiry, final
//! orders, scheduled removals, removal flights, check-ins due after removal), and the same
//! events as an iCalendar feed for a caseworker's phone.
//!
//! The feed leaves Corridor and lands in calendar apps and their cloud backups, so an event
//! carries a case *code* (`C-1A2B3C4D`, the first 32 bits of the case id) and the kind of
//! event, never a name, a place or free text.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::case::Case;
use crate::ids::CaseId;

string_enum! {
    /// What happens on a calendar day.
    pub enum CalendarKind {
        Hearing => "hearing", "Hearing",
        StayExpires => "stay_expires", "Stay expires",
        FinalOrder => "final_order", "Final order of removal",
        ScheduledRemoval => "scheduled_removal", "Scheduled removal",
        RemovalFlight => "removal_flight", "Removal flight",
        CheckInDue => "check_in_due", "Check-in due",
    }
}

/// The short code a case goes by where its name must not: `C-` and the first eight hex digits
/// of its id, upper case. Enough to tell a caseworker's cases apart, not to identify anyone.
pub fn case_code(case: CaseId) -> String {
    let hex = case.as_uuid().simple().to_string();
    format!("C-{}", hex[..8].to_ascii_uppercase())
}

/// One dated event of one case. `detail` is a label from Corridor's own vocabulary (the kind of
/// hearing or stay), never text a person typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CalendarEvent {
    pub case: CaseId,
    pub on: NaiveDate,
    pub kind: CalendarKind,
    pub detail: &'static str,
}

/// The events a case's US status dates: each hearing, each stay's expiry, the final order and
/// the scheduled removal, in date order.
pub fn case_events(case: &Case) -> Vec<CalendarEvent> {
    let status = &case.us_status;
    let event = |on, kind, detail| CalendarEvent {
        case: case.id,
        on,
        kind,
        detail,
    };
    let mut events: Vec<CalendarEvent> = status
        .hearings
        .iter()
        .map(|h| event(h.date, CalendarKind::Hearing, h.kind.label()))
        .collect();
    events.extend(status.stays.iter().filter_map(|stay| {
        let expires = stay.expires_on()?;
        Some(event(
            expires,
            CalendarKind::StayExpires,
            stay.kind().label(),
        ))
    }));
    if let Some(day) = status.final_order_date {
        events.push(event(day, CalendarKind::FinalOrder, ""));
    }
    if let Some(day) = status.scheduled_removal {
        events.push(event(day, CalendarKind::ScheduledRemoval, ""));
    }
    sort_events(&mut events);
    events
}

/// Date order, then kind, then case: the one order of every calendar view.
pub fn sort_events(events: &mut [CalendarEvent]) {
    events.sort_by(|a, b| (a.on, a.kind, a.case, a.detail).cmp(&(b.on, b.kind, b.case, b.detail)));
}

impl CalendarEvent {
    /// The event's title as the feed shows it: the case code, the kind and its detail.
    pub fn summary(&self) -> String {
        if self.detail.is_empty() {
            format!("{}: {}", case_code(self.case), self.kind.label())
        } else {
            format!(
                "{}: {} ({})",
                case_code(self.case),
                self.kind.label(),
                self.detail
            )
        }
    }

    /// A UID that stays the same from one fetch of the feed to the next, so that calendar apps
    /// update an event rather than duplicate it.
    fn uid(&self) -> String {
        let detail: String = self
            .detail
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let mut uid = format!(
            "{}-{}-{}",
            case_code(self.case),
            self.kind.as_str(),
            self.on.format("%Y%m%d"),
        );
        if !detail.is_empty() {
            uid.push('-');
            uid.push_str(&detail);
        }
        uid + "@corridor"
    }
}

/// The events as an iCalendar (RFC 5545) document of all-day events, stamped `now`.
pub fn to_ics(events: &[CalendarEvent], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Corridor//Removal watch//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Corridor removal watch",
    ] {
        push_line(&mut out, line);
    }
    for event in events {
        push_line(&mut out, "BEGIN:VEVENT");
        push_line(&mut out, &format!("UID:{}", escape_text(&event.uid())));
        push_line(&mut out, &format!("DTSTAMP:{stamp}"));
        push_line(
            &mut out,
            &format!("DTSTART;VALUE=DATE:{}", event.on.format("%Y%m%d")),
        );
        if let Some(next) = event.on.succ_opt() {
            push_line(
                &mut out,
                &format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")),
            );
        }
        push_line(
            &mut out,
            &format!("SUMMARY:{}", escape_text(&event.summary())),
        );
        push_line(&mut out, &format!("CATEGORIES:{}", event.kind.as_str()));
        push_line(&mut out, "TRANSP:TRANSPARENT");
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

/// RFC 5545 TEXT escaping: backslash, semicolon, comma and newline.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line, folded at 75 octets (never inside a character) and ended by CRLF.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    let _ = write!(out, "\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::us_status::{Hearing, HearingKind, Stay, StayKind};
    use uuid::Uuid;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn case_id() -> CaseId {
        CaseId::from_uuid(Uuid::parse_str("1a2b3c4d-0000-4000-8000-000000000001").unwrap())
    }

    #[test]
    fn a_case_code_is_the_first_eight_hex_digits() {
        assert_eq!(case_code(case_id()), "C-1A2B3C4D");
    }

    #[test]
    fn the_events_of_a_case_are_its_dated_status_in_date_order() {
        let mut status = crate::us_status::UsStatus::default();
        status.hearings.push(Hearing {
            date: day("2026-12-10"),
            kind: HearingKind::MasterCalendar,
            court: Some("Canary Court".to_owned()),
        });
        status
            .stays
            .push(Stay::new(StayKind::IceAdministrative, None, Some(day("2026-12-01"))).unwrap());
        status.final_order_date = Some(day("2026-11-01"));
        status.scheduled_removal = Some(day("2026-12-20"));
        let name =
            crate::person::PersonName::new("Anna", crate::person::NameKind::Passport).unwrap();
        let mut case = Case::new(
            case_id(),
            crate::ids::OrgId::random(),
            "public-policy".parse().unwrap(),
            crate::person::Person::new(crate::person::NameSet::single(name)),
            Utc::now(),
        );
        case.us_status = status;
        let events = case_events(&case);
        let kinds: Vec<_> = events.iter().map(|e| (e.on, e.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                (day("2026-11-01"), CalendarKind::FinalOrder),
                (day("2026-12-01"), CalendarKind::StayExpires),
                (day("2026-12-10"), CalendarKind::Hearing),
                (day("2026-12-20"), CalendarKind::ScheduledRemoval),
            ]
        );
        let ics = to_ics(&events, Utc::now());
        assert!(!ics.contains("Canary") && !ics.contains("Anna"), "{ics}");
        assert!(ics.contains("UID:C-1A2B3C4D-hearing-20261210-master-calendar-hearing@corridor"));
    }

    #[test]
    fn the_feed_has_all_day_events_with_codes_and_crlf_lines() {
        let events = vec![CalendarEvent {
            case: case_id(),
            on: day("2026-12-10"),
            kind: CalendarKind::Hearing,
            detail: HearingKind::MasterCalendar.label(),
        }];
        let ics = to_ics(&events, "2026-11-22T10:00:00Z".parse().unwrap());
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.contains("DTSTART;VALUE=DATE:20261210\r\n"));
        assert!(ics.contains("DTEND;VALUE=DATE:20261211\r\n"));
        assert!(ics.contains("SUMMARY:C-1A2B3C4D: Hearing (Master calendar hearing)\r\n"));
        assert!(ics.contains("DTSTAMP:20261122T100000Z\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "bare LF in feed");
        assert!(ics.lines().all(|l| l.len() <= 76), "unfolded long line");
    }

    #[test]
    fn long_lines_fold_without_splitting_a_character() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "ж".repeat(60));
        push_line(&mut out, &line);
        for part in out.split("\r\n").filter(|p| !p.is_empty()) {
            assert!(part.len() <= 75, "{} octets", part.len());
        }
        assert_eq!(out.replace("\r\n ", "").trim_end(), line);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
