//! Removal flights as use cases: a caseworker records what a source says about a flight (a new
//! flight, or one more report about a known one), and reads the flights of their organisation
//! with what the reports agree and disagree on.
//!
//! A report is sealed under the root key without its passengers; who is on board is kept as
//! plain links (case, confidence), so that purging a case takes it off every flight, and the
//! watch can find the flights of detained people without opening every report.

use chrono::{DateTime, NaiveDate, Utc};
use corridor_core::flight::{FlightReportInput, FlightSummary, OnBoard, RemovalFlight};
use corridor_core::{
    AuditAction, AuditOutcome, FlightId, FlightReportId, InputError, OrgId, Permission,
};
use corridor_store::{FlightReportRow, FlightRow, PassengerRow, StoreError};
use serde::{Deserialize, Serialize};

use crate::accounts::Principal;
use crate::sealing::{open_flight_report, seal_flight_report};
use crate::visibility::event;
use crate::{AppError, Corridor, Result};

/// How often a report is retried when another report about the same flight lands first.
const REPORT_RETRIES: usize = 5;

/// What is sealed for a report: the day it was recorded and the report as submitted, without
/// its passengers.
#[derive(Serialize, Deserialize)]
struct SealedReport {
    reported_on: NaiveDate,
    report: FlightReportInput,
}

/// A flight as its organisation sees it: every report, and their reconciliation.
#[derive(Clone, Debug)]
pub struct FlightView {
    pub created_at: DateTime<Utc>,
    pub flight: RemovalFlight,
    pub summary: FlightSummary,
}

impl Corridor {
    /// Records what a source says about a flight: a new flight when `flight` is `None`,
    /// otherwise one more report about it (reports are never overwritten: several sources may
    /// disagree, and all stay visible). Everyone reported on board must be a live case of the
    /// caller's organisation. Audited as `flight_reported`.
    pub async fn report_flight_for(
        &self,
        who: &Principal,
        flight: Option<FlightId>,
        input: FlightReportInput,
        now: DateTime<Utc>,
    ) -> Result<FlightId> {
        self.permit(who, Permission::WatchManage, AuditAction::FlightReported)
            .await?;
        for on_board in &input.on_board {
            self.owned_record(who, on_board.case, AuditAction::FlightReported)
                .await?;
        }
        if let Some(flight) = flight {
            self.owned_flight(who, flight, AuditAction::FlightReported)
                .await?;
        }
        let flight = self
            .store_flight_report(who.organisation, flight, input, now)
            .await?;
        self.audit(
            event(who, AuditAction::FlightReported, AuditOutcome::Allowed)
                .with_subject(flight.to_string()),
        )
        .await?;
        Ok(flight)
    }

    /// Validates, seals and stores a report for `organisation` (the caller has checked who
    /// may, and that the passengers are the organisation's): a new flight, or one more report.
    pub(crate) async fn store_flight_report(
        &self,
        organisation: OrgId,
        flight: Option<FlightId>,
        input: FlightReportInput,
        now: DateTime<Utc>,
    ) -> Result<FlightId> {
        let id = FlightReportId::random();
        let today = now.date_naive();
        let report = input.clone().into_report(id, today).map_err(|e| {
            AppError::Input(InputError {
                field: e.field,
                reason: e.reason,
            })
        })?;
        let mut sealed = input;
        sealed.on_board.clear();
        let body = seal_flight_report(
            &self.root,
            id,
            &SealedReport {
                reported_on: today,
                report: sealed,
            },
        );
        let flight = match flight {
            None => {
                let flight = FlightRow {
                    id: FlightId::random(),
                    organisation,
                    created_at: now,
                };
                let row = report_row(id, flight.id, 0, now, body);
                let passengers = passengers(&row, report.on_board());
                self.store.insert_flight(&flight, &row, &passengers).await?;
                flight.id
            }
            Some(flight) => {
                self.append_report(flight, id, now, body, report.on_board())
                    .await?;
                flight
            }
        };
        Ok(flight)
    }

    /// `Ok` if `who` may add a report to flight `id` (the right, and their organisation
    /// recorded it); otherwise the refusal is audited. For handlers that check before they
    /// read a form.
    pub async fn may_report_on_flight(&self, who: &Principal, id: FlightId) -> Result<()> {
        self.permit(who, Permission::WatchManage, AuditAction::FlightReported)
            .await?;
        self.owned_flight(who, id, AuditAction::FlightReported)
            .await?;
        Ok(())
    }

    /// Appends at the next position, reading it again when another report took it first.
    async fn append_report(
        &self,
        flight: FlightId,
        id: FlightReportId,
        now: DateTime<Utc>,
        body: corridor_crypto::Sealed,
        on_board: &[OnBoard],
    ) -> Result<()> {
        for _ in 0..REPORT_RETRIES {
            let (reports, _) = self.store.flight_reports(flight).await?;
            let position = reports.last().map_or(0, |r| r.position + 1);
            let row = report_row(id, flight, position, now, body.clone());
            match self
                .store
                .add_flight_report(&row, &passengers(&row, on_board))
                .await
            {
                Err(StoreError::FlightReportConflict(_)) => continue,
                written => return Ok(written?),
            }
        }
        Err(AppError::Store(StoreError::FlightReportConflict(flight)))
    }

    /// The flights of the caller's organisation, newest first. Needs `case_list`.
    pub async fn flights_for(&self, who: &Principal) -> Result<Vec<FlightView>> {
        self.permit(who, Permission::CaseList, AuditAction::CaseListed)
            .await?;
        let mut views = Vec::new();
        for row in self.store.flights(Some(who.organisation)).await? {
            views.push(self.open_flight(&row).await?);
        }
        views.reverse();
        self.audit(
            event(who, AuditAction::CaseListed, AuditOutcome::Allowed)
                .with_subject("removal-flights".to_owned()),
        )
        .await?;
        Ok(views)
    }

    /// One flight of the caller's organisation. Needs `case_list`.
    pub async fn flight_for(&self, who: &Principal, id: FlightId) -> Result<FlightView> {
        self.permit(who, Permission::CaseList, AuditAction::CaseListed)
            .await?;
        let row = self.owned_flight(who, id, AuditAction::CaseListed).await?;
        let view = self.open_flight(&row).await?;
        self.audit(
            event(who, AuditAction::CaseListed, AuditOutcome::Allowed).with_subject(id.to_string()),
        )
        .await?;
        Ok(view)
    }

    /// Every flight of `organisation` (all when `None`), opened: what the watch reads.
    pub(crate) async fn open_flights(
        &self,
        organisation: Option<OrgId>,
    ) -> Result<Vec<RemovalFlight>> {
        let mut flights = Vec::new();
        for row in self.store.flights(organisation).await? {
            flights.push(self.open_flight(&row).await?.flight);
        }
        Ok(flights)
    }

    /// The flight `id` if the caller's organisation recorded it; otherwise the refusal is
    /// audited and the flight reported as not found (another organisation's flight and no
    /// flight at all look the same).
    async fn owned_flight(
        &self,
        who: &Principal,
        id: FlightId,
        action: AuditAction,
    ) -> Result<FlightRow> {
        match self.store.flight(id).await? {
            Some(row) if row.organisation == who.organisation => Ok(row),
            _ => {
                let refused = event(who, action, AuditOutcome::Denied).with_subject(id.to_string());
                self.audit(refused).await?;
                Err(AppError::FlightNotFound(id))
            }
        }
    }

    /// Opens a flight's reports and puts their passengers back on board. A report whose every
    /// statement was a person since purged says nothing any more, and is left out.
    async fn open_flight(&self, row: &FlightRow) -> Result<FlightView> {
        let (reports, passengers) = self.store.flight_reports(row.id).await?;
        let mut flight = RemovalFlight::new(row.id);
        for stored in &reports {
            let SealedReport {
                reported_on,
                mut report,
            } = open_flight_report(&self.root, stored.id, &stored.body)?;
            report.on_board = passengers
                .iter()
                .filter(|p| p.report == stored.id)
                .map(|p| OnBoard {
                    case: p.case_id,
                    confidence: p.confidence,
                })
                .collect();
            match report.into_report(stored.id, reported_on) {
                Ok(report) => flight.add_report(report),
                Err(error) => {
                    tracing::warn!(flight = %row.id, report = %stored.id, %error, "flight report left out");
                }
            }
        }
        let summary = flight.summary();
        Ok(FlightView {
            created_at: row.created_at,
            flight,
            summary,
        })
    }
}

fn report_row(
    id: FlightReportId,
    flight: FlightId,
    position: u32,
    recorded_at: DateTime<Utc>,
    body: corridor_crypto::Sealed,
) -> FlightReportRow {
    FlightReportRow {
        id,
        flight,
        position,
        recorded_at,
        body,
    }
}

fn passengers(row: &FlightReportRow, on_board: &[OnBoard]) -> Vec<PassengerRow> {
    on_board
        .iter()
        .map(|p| PassengerRow {
            report: row.id,
            flight: row.flight,
            case_id: p.case,
            confidence: p.confidence,
        })
        .collect()
}
