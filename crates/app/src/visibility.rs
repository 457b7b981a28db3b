//! Default deny: the case use cases as a signed-in user reaches them. A user sees a case only
//! if their organisation owns it or it was shared with it, and only with the permission the
//! role table gives. A case the user may not see is reported as not found, so that its
//! existence is not revealed.

use corridor_core::{CaseId, Permission};
use corridor_store::{CaseFilter, Page};

use crate::accounts::Principal;
use crate::{AppError, CaseSummary, CaseView, Corridor, Result};

impl Corridor {
    /// The cases `who` may see that match the filter: the total and one page.
    pub async fn cases_for(
        &self,
        who: &Principal,
        filter: &CaseFilter,
        page: Page,
    ) -> Result<(u64, Vec<CaseSummary>)> {
        who.require(Permission::CaseList)?;
        let filter = CaseFilter {
            visible_to: Some(who.organisation),
            ..filter.clone()
        };
        let total = self.count_cases(&filter).await?;
        let cases = self.list_cases(&filter, page).await?;
        Ok((total, cases))
    }

    /// Case ids whose names match `query`, for a user allowed to search (narrowed to what the
    /// user may see by [`Corridor::cases_for`]).
    pub fn search_for(&self, who: &Principal, query: &str, limit: usize) -> Result<Vec<CaseId>> {
        who.require(Permission::CaseSearch)?;
        Ok(self.search_names(query, limit))
    }

    /// One case, opened, if `who` may read it.
    pub async fn case_for(&self, who: &Principal, id: CaseId) -> Result<CaseView> {
        who.require(Permission::CaseRead)?;
        if !self.organisation_may_see(who, id).await? {
            tracing::info!(user = %who.user, case = %id, "refused: case of another organisation");
            return Err(AppError::CaseNotFound(id));
        }
        self.case(id).await
    }
}
