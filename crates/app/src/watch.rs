//! Removal watch as use cases: the alerts of every watched case on a given day (US status
//! rules, flights with detained people on board, check-ins after removal), the calendar of
//! what is coming, and the milestones the reports count. The day is the caller's (the CLI's
//! `--now`, a server's clock), so that "as of" questions and tests need no real calendar.

use std::collections::HashSet;

use chrono::NaiveDate;
use corridor_core::calendar::{CalendarEvent, CalendarKind, case_events, sort_events};
use corridor_core::flight::detained_on_board;
use corridor_core::report::{Milestone, Month, MonthlySeries, monthly_series};
use corridor_core::watch::{
    WatchAlert, WatchWindows, alerts_for, check_in_alert, flight_alert, sort_alerts,
};
use corridor_core::{AuditAction, AuditOutcome, Case, CaseId, Custody, OrgId, Permission, Stage};
use corridor_store::{CaseFilter, Page, StoredCase};

use crate::accounts::Principal;
use crate::checkins::Monitoring;
use crate::evidence::Custodian;
use crate::sealing::open_case;
use crate::visibility::event;
use crate::{Corridor, Result};

/// How many months the dashboard's charts show.
pub const TREND_MONTHS: usize = 12;

impl Corridor {
    /// The alerts of the watched cases on `today`, loudest first, then soonest: for a user
    /// (needs `case_list`) their organisation's cases, for the operator every case. Audited as
    /// one listing.
    pub async fn watch_alerts(
        &self,
        by: Custodian<'_>,
        today: NaiveDate,
    ) -> Result<Vec<WatchAlert>> {
        if let Custodian::User(who) = by {
            self.permit(who, Permission::CaseList, AuditAction::CaseListed)
                .await?;
        }
        let alerts = self.alerts_of(by.organisation(), today).await?;
        self.audit(
            by.allowed(AuditAction::CaseListed)
                .with_subject("removal-watch".to_owned()),
        )
        .await?;
        Ok(alerts)
    }

    /// Every alert of `organisation`'s cases (all when `None`) on `today`.
    pub(crate) async fn alerts_of(
        &self,
        organisation: Option<OrgId>,
        today: NaiveDate,
    ) -> Result<Vec<WatchAlert>> {
        let watched = self.watched(organisation, today).await?;
        let mut alerts = Vec::new();
        for (case, monitoring) in &watched {
            alerts.extend(alerts_for(case, today, WatchWindows::default()));
            if let Some(monitoring) = monitoring {
                alerts.extend(check_in_alert(case.id, &monitoring.standing));
            }
        }
        let detained: HashSet<CaseId> = watched
            .iter()
            .map(|(case, _)| case)
            .filter(|case| case.us_status.custody == Custody::Detained && case.stage.is_open())
            .map(|case| case.id)
            .collect();
        for flight in self.open_flights(organisation).await? {
            alerts.extend(
                detained_on_board(&flight, today, |case| detained.contains(&case))
                    .iter()
                    .map(flight_alert),
            );
        }
        sort_alerts(&mut alerts);
        Ok(alerts)
    }

    /// The removal watch calendar from `from` to `to`: each watched case's hearings, stays'
    /// expiry, final order and scheduled removal, check-ins due after removal, and removal
    /// flights with a case of the organisation on board. Needs `calendar_read` (the feed's
    /// token scope); audited as `calendar_read`.
    pub async fn calendar_for(
        &self,
        who: &Principal,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> Result<Vec<CalendarEvent>> {
        self.permit(who, Permission::CalendarRead, AuditAction::CalendarRead)
            .await?;
        let mut events = Vec::new();
        let watched = self.watched(Some(who.organisation), today).await?;
        let ours: HashSet<CaseId> = watched.iter().map(|(case, _)| case.id).collect();
        for (case, monitoring) in &watched {
            if case.stage.is_open() {
                events.extend(case_events(case));
            }
            if let Some(monitoring) = monitoring {
                events.push(CalendarEvent {
                    case: case.id,
                    on: monitoring.standing.due_on,
                    kind: CalendarKind::CheckInDue,
                    detail: "",
                });
            }
        }
        for flight in self.open_flights(Some(who.organisation)).await? {
            let summary = flight.summary();
            let Some(on) = summary.departs_on() else {
                continue;
            };
            events.extend(
                summary
                    .passengers
                    .iter()
                    .filter(|p| ours.contains(&p.case))
                    .map(|p| CalendarEvent {
                        case: p.case,
                        on,
                        kind: CalendarKind::RemovalFlight,
                        detail: "",
                    }),
            );
        }
        events.retain(|e| (from..=to).contains(&e.on));
        sort_events(&mut events);
        self.audit(event(who, AuditAction::CalendarRead, AuditOutcome::Allowed))
            .await?;
        Ok(events)
    }

    /// The cases the watch looks at, opened: open ones, and removed or lost-contact ones with
    /// where their check-ins stand on `today`.
    async fn watched(
        &self,
        organisation: Option<OrgId>,
        today: NaiveDate,
    ) -> Result<Vec<(Case, Option<Monitoring>)>> {
        let filter = CaseFilter {
            organisation,
            ..CaseFilter::default()
        };
        let mut watched = Vec::new();
        for row in self.store.list_cases(&filter, Page::ALL).await? {
            let stage = row.columns.stage;
            if !(stage.is_open() || matches!(stage, Stage::Removed | Stage::LostContact)) {
                continue;
            }
            let Some(StoredCase::Live(record)) = self.store.case(row.columns.id).await? else {
                continue;
            };
            let case = open_case(&self.root, &record)?;
            let monitoring = self.monitoring_of(&record, &case, today).await?;
            watched.push((case, monitoring));
        }
        Ok(watched)
    }

    /// The milestones of the cases `filter` matches, each with its day: opened while detained
    /// (the day the case was opened; custody history is not kept), and the days the case moved
    /// to referred, accepted, arrived and removed.
    async fn milestone_events(&self, filter: &CaseFilter) -> Result<Vec<(Milestone, NaiveDate)>> {
        let rows = self.store.list_cases(filter, Page::ALL).await?;
        let mut events = Vec::new();
        for row in &rows {
            let columns = &row.columns;
            if columns.custody == Custody::Detained {
                events.push((Milestone::Detained, columns.created_at.date_naive()));
            }
            for change in self.store.stage_changes(columns.id).await? {
                let milestone = match change.to {
                    // A return from lost contact after removal is not another removal.
                    Stage::Removed if change.from == Stage::LostContact => continue,
                    Stage::Referred => Milestone::Referred,
                    Stage::Accepted => Milestone::Accepted,
                    Stage::Arrived => Milestone::Arrived,
                    Stage::Removed => Milestone::Removed,
                    _ => continue,
                };
                events.push((milestone, change.at.date_naive()));
            }
        }
        Ok(events)
    }

    /// The dashboard's trends: each milestone by month over the last [`TREND_MONTHS`] months
    /// to `today`, over the cases `filter` matches (the caller has narrowed it to what the
    /// user may see).
    pub(crate) async fn trends(
        &self,
        filter: &CaseFilter,
        today: NaiveDate,
    ) -> Result<MonthlySeries> {
        let events = self.milestone_events(filter).await?;
        Ok(monthly_series(events, Month::of(today), TREND_MONTHS))
    }

    /// The public aggregate (by month and milestone, counts under five hidden): over every
    /// case for the operator (the CLI), over their organisation's cases for a user who may
    /// export it. Audited as an export.
    pub async fn aggregate_report(
        &self,
        by: Custodian<'_>,
    ) -> Result<Vec<corridor_core::report::AggregateRow>> {
        if let Custodian::User(who) = by {
            self.permit(who, Permission::ReportExport, AuditAction::Export)
                .await?;
        }
        let filter = CaseFilter {
            organisation: by.organisation(),
            ..CaseFilter::default()
        };
        let events = self.milestone_events(&filter).await?;
        self.audit(
            by.allowed(AuditAction::Export)
                .with_subject("aggregate-report".to_owned()),
        )
        .await?;
        Ok(corridor_core::report::aggregate(events))
    }
}
