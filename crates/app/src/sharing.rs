//! Sharing a case with another organisation. Default deny: an organisation sees a case because
//! it owns it or because the owner shared it, never otherwise. A case of another organisation
//! that is not shared is reported as not found, so its existence is not revealed.

use chrono::{DateTime, Utc};
use corridor_core::{AuditAction, AuditOutcome, CaseId, GrantKind, OrgId, Permission};
use corridor_store::{CaseShare, StoredCase};

use crate::accounts::Principal;
use crate::{AppError, Corridor, Result};

/// What a grant of each kind needs, and how it is audited: (permission, granted, withdrawn).
fn grant_rules(kind: GrantKind) -> (Permission, AuditAction, AuditAction) {
    match kind {
        GrantKind::Share => (
            Permission::CaseShare,
            AuditAction::CaseShared,
            AuditAction::CaseShareRevoked,
        ),
        GrantKind::Referral => (
            Permission::ReferralManage,
            AuditAction::CaseReferred,
            AuditAction::CaseReferralWithdrawn,
        ),
    }
}

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
        self.grant(actor, case, with, GrantKind::Share, now).await
    }

    /// Stops sharing a case of the actor's organisation (needs `case_share`). `Ok(false)` if
    /// it was not shared with that organisation.
    pub async fn unshare_case(&self, actor: &Principal, case: CaseId, with: OrgId) -> Result<bool> {
        self.revoke(actor, case, with, GrantKind::Share).await
    }

    /// Grants a case of the actor's organisation to another organisation, as a share or a
    /// referral (each needs its own permission). Audited, as is a refusal. `Ok(false)` if the
    /// organisation already had a grant of this case.
    pub async fn grant(
        &self,
        actor: &Principal,
        case: CaseId,
        with: OrgId,
        kind: GrantKind,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let (permission, granted, _) = grant_rules(kind);
        let owner = self.may_grant(actor, case, permission, granted).await?;
        if with == owner {
            return Err(AppError::Refused(
                "a case is always visible to its own organisation",
            ));
        }
        let existing = self.store.case_shares(case).await?;
        if existing
            .iter()
            .any(|grant| grant.organisation == with && grant.kind != kind)
        {
            return Err(AppError::Refused(
                "that organisation already has this case under another kind of grant; withdraw it first",
            ));
        }
        let inserted = self
            .store
            .share_case(&CaseShare {
                case_id: case,
                organisation: with,
                kind,
                granted_by: actor.user,
                granted_at: now,
            })
            .await?;
        tracing::info!(case = %case, with = %with, by = %actor.user, %kind, "case granted");
        let event = crate::visibility::event(actor, granted, AuditOutcome::Allowed)
            .with_case(case)
            .with_subject(with.to_string());
        self.audit(event).await?;
        Ok(inserted)
    }

    /// Withdraws a grant of this kind (each kind needs its own permission). Audited, as is a
    /// refusal. `Ok(false)` if there was none.
    pub async fn revoke(
        &self,
        actor: &Principal,
        case: CaseId,
        with: OrgId,
        kind: GrantKind,
    ) -> Result<bool> {
        let (permission, _, withdrawn) = grant_rules(kind);
        self.may_grant(actor, case, permission, withdrawn).await?;
        let revoked = self.store.unshare_case(case, with, kind).await?;
        tracing::info!(case = %case, with = %with, by = %actor.user, %kind, "case grant withdrawn");
        let event = crate::visibility::event(actor, withdrawn, AuditOutcome::Allowed)
            .with_case(case)
            .with_subject(with.to_string());
        self.audit(event).await?;
        Ok(revoked)
    }

    /// The organisations a case of the actor's organisation is shared with or referred to
    /// (needs `case_share` or `referral_manage`).
    pub async fn case_shares(&self, actor: &Principal, case: CaseId) -> Result<Vec<CaseShare>> {
        if !actor.may(Permission::CaseShare) {
            actor.require(Permission::ReferralManage)?;
        }
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
        Ok(self.store.case_shares(case).await?.iter().any(|share| {
            share.organisation == principal.organisation && share.kind == GrantKind::Share
        }))
    }

    /// The owner of `case` if the actor may grant it (`permission`, and the actor's
    /// organisation owns it); a refusal is audited as `action`.
    async fn may_grant(
        &self,
        actor: &Principal,
        case: CaseId,
        permission: Permission,
        action: AuditAction,
    ) -> Result<OrgId> {
        let checked = match actor.require(permission) {
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
