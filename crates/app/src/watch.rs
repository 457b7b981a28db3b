//! Removal watch as a use case: the alerts every open case raises on a given day. The day is
//! the caller's (the CLI's `--now`, a server's clock), so that "as of" questions and tests need
//! no real calendar.

use chrono::NaiveDate;
use corridor_core::watch::{WatchAlert, WatchWindows, alerts_for};
use corridor_core::{AuditAction, AuditOutcome, Permission};
use corridor_store::{CaseFilter, Page, StoredCase};

use crate::evidence::Custodian;
use crate::sealing::open_case;
use crate::visibility::event;
use crate::{Corridor, Result};

impl Corridor {
    /// The alerts of the open cases on `today`, loudest first, then soonest: for a user (needs
    /// `case_list`) their organisation's cases, for the operator every case. Audited as one
    /// listing.
    pub async fn watch_alerts(
        &self,
        by: Custodian<'_>,
        today: NaiveDate,
    ) -> Result<Vec<WatchAlert>> {
        if let Custodian::User(who) = by {
            self.permit(who, Permission::CaseList, AuditAction::CaseListed)
                .await?;
        }
        let filter = CaseFilter {
            organisation: by.organisation(),
            ..CaseFilter::default()
        };
        let rows = self.store.list_cases(&filter, Page::ALL).await?;
        let mut alerts = Vec::new();
        for row in rows.iter().filter(|row| !row.columns.stage.is_closed()) {
            if let Some(StoredCase::Live(record)) = self.store.case(row.columns.id).await? {
                let case = open_case(&self.root, &record)?;
                alerts.extend(alerts_for(&case, today, WatchWindows::default()));
            }
        }
        alerts.sort_by(|a, b| {
            b.level
                .cmp(&a.level)
                .then(a.on.cmp(&b.on))
                .then(a.case.cmp(&b.case))
        });
        let listed = match by {
            Custodian::User(who) => event(who, AuditAction::CaseListed, AuditOutcome::Allowed),
            Custodian::Operator => corridor_core::AuditEvent::new(
                chrono::Utc::now(),
                by.actor(),
                AuditAction::CaseListed,
                AuditOutcome::Allowed,
            ),
        };
        self.audit(listed.with_subject("removal-watch".to_owned()))
            .await?;
        Ok(alerts)
    }
}

impl Corridor {
    /// The public aggregate over every case (by month and milestone, counts under five
    /// hidden), as the operator exports it for advocacy. Audited as an export.
    pub async fn aggregate_report(&self) -> Result<Vec<corridor_core::report::AggregateRow>> {
        use corridor_core::Stage;
        use corridor_core::report::{Milestone, aggregate};
        let rows = self
            .store
            .list_cases(&CaseFilter::default(), Page::ALL)
            .await?;
        let mut events = Vec::new();
        for row in &rows {
            let columns = &row.columns;
            if columns.custody == corridor_core::Custody::Detained {
                events.push((Milestone::Detained, columns.created_at.date_naive()));
            }
            for change in self.store.stage_changes(columns.id).await? {
                let milestone = match change.to {
                    Stage::Referred => Milestone::Referred,
                    Stage::Accepted => Milestone::Accepted,
                    Stage::Arrived => Milestone::Arrived,
                    Stage::Removed => Milestone::Removed,
                    _ => continue,
                };
                events.push((milestone, change.at.date_naive()));
            }
        }
        self.audit(
            corridor_core::AuditEvent::new(
                chrono::Utc::now(),
                corridor_core::Actor::Operator,
                AuditAction::Export,
                AuditOutcome::Allowed,
            )
            .with_subject("aggregate-report".to_owned()),
        )
        .await?;
        Ok(aggregate(events))
    }
}
