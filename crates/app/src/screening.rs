//! Screening as a signed-in user (or a token) reaches it: names against the sanctions and
//! registry lists loaded into this Corridor. Needs `screening_run`; every run is audited,
//! without the name screened.

use std::sync::{Arc, Mutex, RwLock};

use corridor_core::{AuditAction, AuditOutcome, Permission};
use corridor_screen::compare::Gap;
use corridor_screen::lists::ListEntry;
use corridor_screen::screening::{ListIndex, Query, ScreeningHit};

use crate::accounts::Principal;
use crate::visibility::event;
use crate::{Corridor, Result};

/// The loaded lists, shared by every request; replaced whole when lists are reloaded. Their
/// comparison (who Canada has not listed) depends on them alone: computed at the first ask
/// and kept until the next reload.
#[derive(Default)]
pub(crate) struct Lists {
    pub(crate) index: RwLock<ListIndex>,
    gaps: Mutex<Option<Arc<Vec<Gap>>>>,
    /// Taken by each screening of cases from reading their alerts to writing the outcome, so
    /// that two screenings of one case (an edit during a list update) do not raise an alert
    /// twice.
    pub(crate) screening: tokio::sync::Mutex<()>,
}

/// A hit with the listed entry it points to.
#[derive(Clone, Debug)]
pub struct ListedMatch {
    pub entry: ListEntry,
    pub hit: ScreeningHit,
}

impl Corridor {
    /// Replaces the loaded lists.
    pub fn load_lists(&self, index: ListIndex) {
        // Locks in one order everywhere (the comparison, then the index), so none waits on
        // the other.
        let mut gaps = self.lists.gaps.lock().unwrap_or_else(|p| p.into_inner());
        *self.lists.index.write().unwrap_or_else(|p| p.into_inner()) = index;
        *gaps = None;
    }

    /// How many listed names are loaded.
    pub fn listed_names(&self) -> usize {
        self.lists
            .index
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .names()
    }

    /// Screens `query` against the loaded lists (needs `screening_run`): the listed entries
    /// scoring at least `threshold`, best first, at most `limit`.
    pub async fn screen_for(
        &self,
        who: &Principal,
        query: &Query,
        threshold: f64,
        limit: usize,
    ) -> Result<Vec<ListedMatch>> {
        self.permit(who, Permission::ScreeningRun, AuditAction::ScreeningRun)
            .await?;
        let matches: Vec<ListedMatch> = {
            let index = self.lists.index.read().unwrap_or_else(|p| p.into_inner());
            index
                .screen(query, threshold)
                .into_iter()
                .take(limit)
                .map(|hit| ListedMatch {
                    entry: index.entries()[hit.entry].clone(),
                    hit,
                })
                .collect()
        };
        self.audit(event(who, AuditAction::ScreeningRun, AuditOutcome::Allowed))
            .await?;
        Ok(matches)
    }
}

impl Corridor {
    /// Who the loaded US, EU, UK and UN lists name with a Russia link and Canada's does not
    /// (needs `screening_run`). Audited as an export when `export` is set (a CSV download).
    pub async fn list_gaps_for(&self, who: &Principal, export: bool) -> Result<Arc<Vec<Gap>>> {
        let action = if export {
            AuditAction::Export
        } else {
            AuditAction::ScreeningRun
        };
        self.permit(who, Permission::ScreeningRun, action).await?;
        let gaps = {
            let mut cached = self.lists.gaps.lock().unwrap_or_else(|p| p.into_inner());
            match cached.as_ref() {
                Some(gaps) => gaps.clone(),
                None => {
                    let index = self.lists.index.read().unwrap_or_else(|p| p.into_inner());
                    let gaps = Arc::new(corridor_screen::compare::gaps(index.entries()));
                    *cached = Some(gaps.clone());
                    gaps
                }
            }
        };
        self.audit(event(who, action, AuditOutcome::Allowed))
            .await?;
        Ok(gaps)
    }
}
