//! Sharing a case with another organisation. Default deny: an organisation sees a case because
//! it owns it or because the owner shared it, never otherwise. A case of another organisation
//! that is not shared is reported as not found, so its existence is not revealed.

use chrono::{DateTime, Utc};
use corridor_core::{AuditAction, AuditOutcome, CaseId, OrgId, Permission};
use corridor_store::{CaseShare, StoredCase};

use crate::accounts::Principal;
use crate::{AppError, Corridor, Result};

impl Corridor {
    /// Shares a case of the actor's organisation with another organisation (needs
    /// `case_share`). `Ok(false)` if it was already shared with it.
    pub async fn share_case(
        &self,
        actor: &Principal,
        case: CaseId,
        with: OrgId,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let owner = self.may_share(actor, case, AuditAction::CaseShared).await?;
        if with == owner {
            return Err(AppError::Refused(
                "a case is always visible to its own organisation",
            ));
        }
        let shared = self
            .store
            .share_case(&CaseShare {
                case_id: case,
                organisation: with,
                granted_by: actor.user,
                granted_at: now,
            })
            .await?;
        tracing::info!(case = %case, with = %with, by = %actor.user, "case shared");
        let event = crate::visibility::event(actor, AuditAction::CaseShared, AuditOutcome::Allowed)
            .with_case(case)
            .with_subject(with.to_string());
        self.audit(event).await?;
        Ok(shared)
    }

    /// Stops sharing a case of the actor's organisation (needs `case_share`). `Ok(false)` if
    /// it was not shared with that organisation.
    pub async fn unshare_case(&self, actor: &Principal, case: CaseId, with: OrgId) -> Result<bool> {
        self.may_share(actor, case, AuditAction::CaseShareRevoked)
            .await?;
        let unshared = self.store.unshare_case(case, with).await?;
        tracing::info!(case = %case, with = %with, by = %actor.user, "case unshared");
        let event =
            crate::visibility::event(actor, AuditAction::CaseShareRevoked, AuditOutcome::Allowed)
                .with_case(case)
                .with_subject(with.to_string());
        self.audit(event).await?;
        Ok(unshared)
    }

    /// The organisations a case of the actor's organisation is shared with (needs
    /// `case_share`).
    pub async fn case_shares(&self, actor: &Principal, case: CaseId) -> Result<Vec<CaseShare>> {
        actor.require(Permission::CaseShare)?;
        self.owned_by_actor(actor, case).await?;
        Ok(self.store.case_shares(case).await?)
    }

    /// Whether the principal's organisation may see the case: it owns it, or the case is
    /// shared with it. Says nothing about the role: check the permission too.
    pub async fn organisation_may_see(&self, principal: &Principal, case: CaseId) -> Result<bool> {
        let owner = self.case_owner(case).await?;
        self.organisation_may_see_owned(principal, case, owner)
            .await
    }

    /// [`Corridor::organisation_may_see`] for a case whose owner is already known.
    pub(crate) async fn organisation_may_see_owned(
        &self,
        principal: &Principal,
        case: CaseId,
        owner: OrgId,
    ) -> Result<bool> {
        if owner == principal.organisation {
            return Ok(true);
        }
        Ok(self
            .store
            .case_shares(case)
            .await?
            .iter()
            .any(|share| share.organisation == principal.organisation))
    }

    /// The owner of a case that `actor` may share or stop sharing: needs `case_share` and a case
    /// of the actor's organisation (another's is "not found"). A refusal is audited as `action`
    /// denied.
    async fn may_share(
        &self,
        actor: &Principal,
        case: CaseId,
        action: AuditAction,
    ) -> Result<OrgId> {
        let checked = match actor.require(Permission::CaseShare) {
            Ok(()) => self.owned_by_actor(actor, case).await,
            Err(error) => Err(error),
        };
        match checked {
            Err(error @ (AppError::Forbidden(_) | AppError::CaseNotFound(_))) => {
                self.refused(actor, action, Some(case), error).await
            }
            other => other,
        }
    }

    /// The owner of a case, if it is the actor's organisation; otherwise "not found".
    async fn owned_by_actor(&self, actor: &Principal, case: CaseId) -> Result<OrgId> {
        let owner = self.case_owner(case).await?;
        if owner != actor.organisation {
            return Err(AppError::CaseNotFound(case));
        }
        Ok(owner)
    }

    async fn case_owner(&self, case: CaseId) -> Result<OrgId> {
        let stored = self.store.case(case).await?;
        owner_of(stored.as_ref()).ok_or(AppError::CaseNotFound(case))
    }
}

/// The organisation that owns a stored case (a purged one too, by its tombstone).
pub(crate) fn owner_of(stored: Option<&StoredCase>) -> Option<OrgId> {
    match stored? {
        StoredCase::Purged(tombstone) => Some(tombstone.organisation),
        StoredCase::Live(record) => Some(record.columns.organisation),
    }
}
