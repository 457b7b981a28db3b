//! What a sponsor reads: the cases referred to their organisation, and of each only the fields
//! of the referral ([`ReferralView`]). A case that was not referred to them is not found, and
//! the refusal is audited like every other.

use corridor_core::{AuditAction, AuditOutcome, CaseId, GrantKind, Permission, ReferralView};
use corridor_store::StoredCase;

use crate::accounts::Principal;
use crate::sealing::open_case;
use crate::visibility::event;
use crate::{AppError, Corridor, Result};

impl Corridor {
    /// The referrals to `who`'s organisation, oldest first (needs `referral_read`).
    pub async fn referrals_for(&self, who: &Principal) -> Result<Vec<ReferralView>> {
        self.permit(who, Permission::ReferralRead, AuditAction::CaseListed)
            .await?;
        let ids = self
            .store
            .cases_shared_with(who.organisation, GrantKind::Referral)
            .await?;
        let mut referrals = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(StoredCase::Live(record)) = self.store.case(id).await? {
                referrals.push(ReferralView::of(&open_case(&self.root, &record)?));
            }
        }
        self.audit(event(who, AuditAction::CaseListed, AuditOutcome::Allowed))
            .await?;
        Ok(referrals)
    }

    /// One referral to `who`'s organisation (needs `referral_read`).
    pub async fn referral_for(&self, who: &Principal, id: CaseId) -> Result<ReferralView> {
        if let Err(error) = who.require(Permission::ReferralRead) {
            return self
                .refused(who, AuditAction::CaseRead, Some(id), error)
                .await;
        }
        let referred = self.store.case_shares(id).await?.iter().any(|grant| {
            grant.organisation == who.organisation && grant.kind == GrantKind::Referral
        });
        let record = match self.store.case(id).await? {
            Some(StoredCase::Live(record)) if referred => record,
            _ => {
                tracing::info!(user = %who.user, case = %id, "refused: not referred to this organisation");
                return self
                    .refused(
                        who,
                        AuditAction::CaseRead,
                        Some(id),
                        AppError::CaseNotFound(id),
                    )
                    .await;
            }
        };
        let referral = ReferralView::of(&open_case(&self.root, &record)?);
        self.audit(event(who, AuditAction::CaseRead, AuditOutcome::Allowed).with_case(id))
            .await?;
        Ok(referral)
    }
}
