//! Case use cases: add, list, show, move through the workflow, purge.

use chrono::{DateTime, NaiveDate, Utc};
use corridor_core::{
    Case, CaseId, CaseInput, Custody, OrgId, ProceedingsStage, ProgramSlug, RiskLevel, Stage,
};
use corridor_store::{CaseFilter, Page, StoredCase, Tombstone};

use crate::sealing::{open_case, open_names, seal_case};
use crate::{AppError, Corridor, Result};

/// One line of a case list: the plain columns and the display name.
#[derive(Clone, PartialEq, Eq, serde::Serialize)]
pub struct CaseSummary {
    pub id: CaseId,
    pub organisation: OrgId,
    pub display_name: String,
    pub program: ProgramSlug,
    pub stage: Stage,
    pub custody: Custody,
    pub proceedings: ProceedingsStage,
    pub risk_level: RiskLevel,
    pub scheduled_removal: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

/// Shows everything but the name.
impl std::fmt::Debug for CaseSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseSummary")
            .field("id", &self.id)
            .field("display_name", &"<redacted>")
            .field("stage", &self.stage)
            .finish_non_exhaustive()
    }
}

/// A case as shown: opened, or only its tombstone.
#[derive(Clone, Debug, PartialEq)]
pub enum CaseView {
    Live(Box<Case>),
    Purged(Tombstone),
}

impl Corridor {
    /// Validates the input against the programs, seals it and stores it in one transaction.
    pub async fn add_case(&self, organisation: OrgId, input: CaseInput) -> Result<CaseId> {
        let ids = self.add_cases(organisation, vec![input]).await?;
        Ok(ids[0])
    }

    /// Adds several cases in one transaction: all of them or none.
    pub async fn add_cases(
        &self,
        organisation: OrgId,
        inputs: Vec<CaseInput>,
    ) -> Result<Vec<CaseId>> {
        let now = Utc::now();
        let mut cases = Vec::with_capacity(inputs.len());
        for input in inputs {
            self.program(&input.program)?;
            cases.push(input.into_case(CaseId::random(), organisation, now));
        }
        let records: Vec<_> = cases
            .iter()
            .map(|case| seal_case(&self.root, case))
            .collect();
        self.store.insert_cases(&records).await?;
        for case in &cases {
            self.index_names(case.id, case.person.names.iter().map(|n| n.text()));
            tracing::info!(case = %case.id, stage = %case.stage, "case added");
        }
        for case in &cases {
            self.screen_case(case.id, case.organisation, &case.person)
                .await;
        }
        Ok(cases.iter().map(|case| case.id).collect())
    }

    /// Live cases matching the filter, newest first, with their display names opened.
    pub async fn list_cases(&self, filter: &CaseFilter, page: Page) -> Result<Vec<CaseSummary>> {
        let rows = self.store.list_cases(filter, page).await?;
        rows.iter()
            .map(|row| {
                let names = open_names(&self.root, row.columns.id, &row.wrapped_key, &row.names)?;
                let c = &row.columns;
                Ok(CaseSummary {
                    id: c.id,
                    organisation: c.organisation,
                    display_name: names.primary().text().to_owned(),
                    program: c.program.clone(),
                    stage: c.stage,
                    custody: c.custody,
                    proceedings: c.proceedings,
                    risk_level: c.risk_level,
                    scheduled_removal: c.scheduled_removal,
                    created_at: c.created_at,
                })
            })
            .collect()
    }

    pub async fn count_cases(&self, filter: &CaseFilter) -> Result<u64> {
        Ok(self.store.count_cases(filter).await?)
    }

    /// One case, opened; a purged case shows its tombstone.
    pub async fn case(&self, id: CaseId) -> Result<CaseView> {
        let stored = self.store.case(id).await?;
        self.open_stored(id, stored)
    }

    /// Opens what the store returned for `id`.
    pub(crate) fn open_stored(&self, id: CaseId, stored: Option<StoredCase>) -> Result<CaseView> {
        match stored {
            None => Err(AppError::CaseNotFound(id)),
            Some(StoredCase::Purged(tombstone)) => Ok(CaseView::Purged(tombstone)),
            Some(StoredCase::Live(record)) => {
                tracing::debug!(case = %id, "case opened");
                Ok(CaseView::Live(Box::new(open_case(&self.root, &record)?)))
            }
        }
    }

    /// Moves a case to another stage if the workflow allows it.
    pub async fn transition(&self, id: CaseId, to: Stage) -> Result<Stage> {
        let from = match self.store.case(id).await? {
            None => return Err(AppError::CaseNotFound(id)),
            Some(StoredCase::Purged(_)) => return Err(AppError::CasePurged(id)),
            Some(StoredCase::Live(record)) => record.columns.stage,
        };
        let to = from.transition(to)?;
        self.store.set_stage(id, from, to, Utc::now()).await?;
        tracing::info!(case = %id, %from, %to, "stage changed");
        Ok(to)
    }

    /// Crypto-shreds a case: its data key and every sealed value are destroyed, everywhere
    /// the store keeps them; a tombstone remains.
    ///
    /// Its evidence files and issued dossiers are unreadable from then on (their keys derive
    /// from the destroyed case key); their objects are then deleted too, as far as the blob
    /// store allows.
    pub async fn purge(&self, id: CaseId) -> Result<Tombstone> {
        let files = self.store.evidence_of_case(id).await?;
        let dossiers = self.store.dossiers_of_case(id).await?;
        let tombstone = self.store.purge_case(id, Utc::now()).await?;
        self.unindex(id);
        tracing::info!(case = %id, "case purged");
        for blob in files
            .iter()
            .filter_map(|item| crate::evidence::blob_of(item).ok())
        {
            self.delete_blob(blob).await;
        }
        for blob in dossiers
            .iter()
            .flat_map(|d| [&d.pdf_blob, &d.json_blob])
            .filter_map(|b| b.parse().ok())
        {
            self.delete_blob(blob).await;
        }
        Ok(tombstone)
    }
}
