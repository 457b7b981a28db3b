//! The dashboard: where the cases stand, and what is coming in the next days.

use chrono::{Duration, NaiveDate};
use corridor_core::{CaseId, HearingKind, Stage};
use corridor_store::{CaseCounts, CaseFilter, Page};

use crate::accounts::Principal;
use crate::{Corridor, Result};

/// How far ahead the dashboard looks.
pub const LOOKAHEAD_DAYS: i64 = 30;

/// A dated event of a case, with the name to show.
#[derive(Clone, PartialEq, Eq)]
pub struct Upcoming {
    pub case_id: CaseId,
    pub display_name: String,
    pub on_date: NaiveDate,
    pub what: UpcomingKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpcomingKind {
    Hearing(HearingKind),
    /// A scheduled removal, and the stage the case is at.
    Removal(Stage),
}

impl std::fmt::Debug for Upcoming {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upcoming")
            .field("case_id", &self.case_id)
            .field("on_date", &self.on_date)
            .field("what", &self.what)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dashboard {
    pub counts: CaseCounts,
    pub total: u64,
    /// Scheduled removals from today on, soonest first: the most urgent list in Corridor.
    pub removals: Vec<Upcoming>,
    pub hearings: Vec<Upcoming>,
    /// Detained, removed, referred, accepted and arrived by month, for the charts.
    pub trends: corridor_core::report::MonthlySeries,
}

impl Corridor {
    /// Counts by stage, custody and risk; removals and hearings from `today` to 30 days on;
    /// all of them over the cases `who` may see.
    pub async fn dashboard(&self, who: &Principal, today: NaiveDate) -> Result<Dashboard> {
        if let Err(error) = who.require(corridor_core::Permission::CaseList) {
            return self
                .refused(who, corridor_core::AuditAction::CaseListed, None, error)
                .await;
        }
        self.audit(crate::visibility::event(
            who,
            corridor_core::AuditAction::CaseListed,
            corridor_core::AuditOutcome::Allowed,
        ))
        .await?;
        let until = today + Duration::days(LOOKAHEAD_DAYS);
        let shared = self.shared_with(who).await?;
        let visible = crate::visibility::narrow(who, &CaseFilter::default(), &shared);
        let counts = self.store.case_counts(&visible).await?;
        let trends = self.trends(&visible, today).await?;
        let total = counts.by_stage.iter().map(|(_, n)| n).sum();
        let shared: std::collections::HashSet<CaseId> = shared.into_iter().collect();
        let may_see =
            |organisation, case| organisation == who.organisation || shared.contains(&case);
        let mut removals = self.store.removals_between(today, until).await?;
        removals.retain(|r| may_see(r.organisation, r.case_id));
        let mut hearings = self.store.hearings_between(today, until).await?;
        hearings.retain(|h| may_see(h.organisation, h.case_id));
        let mut ids: Vec<CaseId> = removals
            .iter()
            .map(|r| r.case_id)
            .chain(hearings.iter().map(|h| h.case_id))
            .collect();
        ids.sort();
        ids.dedup();
        let filter = CaseFilter {
            ids: Some(ids),
            ..CaseFilter::default()
        };
        let names: std::collections::HashMap<CaseId, String> = self
            .list_cases(&filter, Page::ALL)
            .await?
            .into_iter()
            .map(|c| (c.id, c.display_name))
            .collect();
        let name = |id: &CaseId| names.get(id).cloned().unwrap_or_default();
        Ok(Dashboard {
            counts,
            total,
            trends,
            removals: removals
                .iter()
                .map(|r| Upcoming {
                    case_id: r.case_id,
                    display_name: name(&r.case_id),
                    on_date: r.on_date,
                    what: UpcomingKind::Removal(r.stage),
                })
                .collect(),
            hearings: hearings
                .iter()
                .map(|h| Upcoming {
                    case_id: h.case_id,
                    display_name: name(&h.case_id),
                    on_date: h.on_date,
                    what: UpcomingKind::Hearing(h.kind),
                })
                .collect(),
        })
    }
}
