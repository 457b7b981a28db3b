//! Default deny: the case use cases as a signed-in user reaches them. A user sees a case only
//! if their organisation owns it or it was shared with it, and only with the permission the
//! role table gives. A case the user may not see is reported as not found, so that its
//! existence is not revealed.

use chrono::Utc;
use corridor_core::{AuditAction, AuditEvent, AuditOutcome, CaseId, CaseInput, Permission};
use corridor_store::{CaseFilter, Page, StoredCase};

use crate::accounts::Principal;
use crate::sharing::owner_of;
use crate::{AppError, CaseSummary, CaseView, Corridor, Result};

/// Narrows `filter` to the cases `who`'s organisation owns or was given (`shared`). Most
/// organisations share nothing with each other; their lists then read the organisation's index
/// instead of testing every case against the shares.
pub(crate) fn narrow(who: &Principal, filter: &CaseFilter, shared: &[CaseId]) -> CaseFilter {
    if shared.is_empty() {
        let asked_for_another = filter.organisation.is_some_and(|o| o != who.organisation);
        CaseFilter {
            organisation: Some(who.organisation),
            // Asking for another organisation's cases, with none shared, finds nothing.
            ids: if asked_for_another {
                Some(Vec::new())
            } else {
                filter.ids.clone()
            },
            ..filter.clone()
        }
    } else {
        CaseFilter {
            visible_to: Some(who.organisation),
            ..filter.clone()
        }
    }
}

/// An audit event for something `who` did (through an API token, the token is the actor).
pub(crate) fn event(who: &Principal, action: AuditAction, outcome: AuditOutcome) -> AuditEvent {
    AuditEvent::new(Utc::now(), who.actor(), action, outcome).with_organisation(who.organisation)
}

impl Corridor {
    /// The cases shared with `who`'s organisation (usually none).
    pub(crate) async fn shared_with(&self, who: &Principal) -> Result<Vec<CaseId>> {
        Ok(self
            .store
            .cases_shared_with(who.organisation, corridor_core::GrantKind::Share)
            .await?)
    }

    /// Records a refusal (missing permission, or a case of another organisation) and passes
    /// the error on.
    pub(crate) async fn refused<T>(
        &self,
        who: &Principal,
        action: AuditAction,
        case: Option<CaseId>,
        error: AppError,
    ) -> Result<T> {
        let mut denied = event(who, action, AuditOutcome::Denied);
        if let Some(case) = case {
            denied = denied.with_case(case);
        }
        self.audit(denied).await?;
        Err(error)
    }

    /// `Ok` if `who`'s role may do `permission`; otherwise the refusal is audited as `action`.
    /// For handlers that check before they read a form, so that a refused user learns
    /// nothing from its validation.
    pub async fn permit(
        &self,
        who: &Principal,
        permission: Permission,
        action: AuditAction,
    ) -> Result<()> {
        match who.require(permission) {
            Ok(()) => Ok(()),
            Err(error) => self.refused(who, action, None, error).await,
        }
    }

    /// The cases `who` may see that match the filter: the total and one page.
    pub async fn cases_for(
        &self,
        who: &Principal,
        filter: &CaseFilter,
        page: Page,
    ) -> Result<(u64, Vec<CaseSummary>)> {
        if let Err(error) = who.require(Permission::CaseList) {
            return self
                .refused(who, AuditAction::CaseListed, None, error)
                .await;
        }
        let filter = narrow(who, filter, &self.shared_with(who).await?);
        let total = self.count_cases(&filter).await?;
        let cases = self.list_cases(&filter, page).await?;
        self.audit(event(who, AuditAction::CaseListed, AuditOutcome::Allowed))
            .await?;
        Ok((total, cases))
    }

    /// Case ids whose names match `query`, for a user allowed to search (narrowed to what the
    /// user may see by [`Corridor::cases_for`]).
    /// The search term itself is never recorded.
    pub async fn search_for(
        &self,
        who: &Principal,
        query: &str,
        limit: usize,
    ) -> Result<Vec<CaseId>> {
        if let Err(error) = who.require(Permission::CaseSearch) {
            return self
                .refused(who, AuditAction::CaseSearched, None, error)
                .await;
        }
        self.audit(event(who, AuditAction::CaseSearched, AuditOutcome::Allowed))
            .await?;
        Ok(self.search_names(query, limit))
    }

    /// One case, opened, if `who` may read it.
    pub async fn case_for(&self, who: &Principal, id: CaseId) -> Result<CaseView> {
        let stored = self.readable_stored(who, id, AuditAction::CaseRead).await?;
        let case = self.open_stored(id, Some(stored))?;
        self.audit(event(who, AuditAction::CaseRead, AuditOutcome::Allowed).with_case(id))
            .await?;
        Ok(case)
    }
}

impl Corridor {
    /// The stored case `id` (live or purged) if `who` may read it: the permission, and their
    /// organisation owns it or was given it. Otherwise the refusal is audited as `action` and
    /// the case reported as not found.
    pub(crate) async fn readable_stored(
        &self,
        who: &Principal,
        id: CaseId,
        action: AuditAction,
    ) -> Result<StoredCase> {
        if let Err(error) = who.require(Permission::CaseRead) {
            return self.refused(who, action, Some(id), error).await;
        }
        // One read of the case serves both the ownership check and the caller.
        let stored = self.store.case(id).await?;
        let visible = match owner_of(stored.as_ref()) {
            None => false,
            Some(owner) => self.organisation_may_see_owned(who, id, owner).await?,
        };
        match stored {
            Some(stored) if visible => Ok(stored),
            _ => {
                tracing::info!(user = %who.user, case = %id, "refused: not a case of this organisation");
                self.refused(who, action, Some(id), AppError::CaseNotFound(id))
                    .await
            }
        }
    }
}

impl Corridor {
    /// Adds a case to `who`'s organisation (needs `case_create`): validated against the
    /// programs, sealed and stored in one transaction, and audited.
    pub async fn add_case_for(&self, who: &Principal, input: CaseInput) -> Result<CaseId> {
        self.may_create(who).await?;
        let id = self.add_case(who.organisation, input).await?;
        self.audit(event(who, AuditAction::CaseCreated, AuditOutcome::Allowed).with_case(id))
            .await?;
        Ok(id)
    }
}

impl Corridor {
    /// The audit log as an administrator reads it: their own organisation's entries, newest
    /// first, narrowed by the filter.
    pub async fn audit_log_for(
        &self,
        who: &Principal,
        filter: &corridor_store::AuditFilter,
        page: Page,
    ) -> Result<Vec<corridor_core::AuditEntry>> {
        if let Err(error) = who.require(Permission::AuditRead) {
            return self
                .refused(who, AuditAction::AccessDenied, None, error)
                .await;
        }
        let filter = corridor_store::AuditFilter {
            organisation: Some(who.organisation),
            ..filter.clone()
        };
        self.audit_log(&filter, page).await
    }
}
