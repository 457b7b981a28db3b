//! Writing cases as a signed-in user: intake (a new case for the user's organisation) and edits.
//! Only the owning organisation edits a case; a share lets another organisation read it, not
//! change it. Both writes are audited, and so is every refusal.

use chrono::{DateTime, SubsecRound, Utc};
use corridor_core::{
    AuditAction, AuditOutcome, Case, CaseDetails, CaseId, Claim, InputError, Permission,
};
use corridor_store::{CaseRecord, StoredCase};

use crate::accounts::Principal;
use crate::sealing::{case_key, open_case, seal_case_under};
use crate::visibility::event;
use crate::{AppError, Corridor, Result};

impl Corridor {
    /// Replaces the editable fields of a case of `who`'s organisation (needs `case_edit`),
    /// if nobody changed it since `seen_version` (its `updated_at` when the editor read it).
    /// Returns the new version. A case of another organisation, shared or not, is not found.
    pub async fn update_case_for(
        &self,
        who: &Principal,
        id: CaseId,
        seen_version: DateTime<Utc>,
        details: CaseDetails,
    ) -> Result<DateTime<Utc>> {
        if let Err(error) = who.require(Permission::CaseEdit) {
            return self
                .refused(who, AuditAction::CaseUpdated, Some(id), error)
                .await;
        }
        let record = self.owned_record(who, id, AuditAction::CaseUpdated).await?;
        self.program(&details.program)?;
        let mut case = open_case(&self.root, &record)?;
        // To the microsecond, as every store keeps it, so the version returned is the one
        // stored; never earlier than the version it replaces, even if the clock stepped back.
        let now = Utc::now().trunc_subsecs(6).max(record.columns.updated_at);
        details.apply_to(&mut case, now);
        // Under the key it always had: see `case_key`.
        let sealed = seal_case_under(&self.root, &case_key(&self.root, &record)?, &case);
        self.store.update_case(&sealed, seen_version).await?;
        self.index_names(id, case.person.names.iter().map(|n| n.text()));
        tracing::info!(case = %id, "case updated");
        self.screen_case(id, case.organisation, &case.person).await;
        self.audit(event(who, AuditAction::CaseUpdated, AuditOutcome::Allowed).with_case(id))
            .await?;
        Ok(now)
    }

    /// Adds a claim to a case of `who`'s organisation (needs `case_edit`); the case's other
    /// fields stay as they are (a write in between fails it rather than being undone). Every `evidence:<id>` it cites must be an item of this case: a citation
    /// is checked when it is made (the error names `evidence[i]`), and a claim citing an item
    /// that is not there is refused with nothing written. Returns the new version.
    pub async fn add_claim_for(
        &self,
        who: &Principal,
        id: CaseId,
        claim: Claim,
    ) -> Result<DateTime<Utc>> {
        if let Err(error) = who.require(Permission::CaseEdit) {
            return self
                .refused(who, AuditAction::CaseUpdated, Some(id), error)
                .await;
        }
        let record = self.owned_record(who, id, AuditAction::CaseUpdated).await?;
        let items: Vec<String> = self
            .store
            .evidence_of_case(id)
            .await?
            .iter()
            .map(|item| item.id.to_string())
            .collect();
        for (i, link) in claim.evidence().iter().enumerate() {
            if let Some(cited) = link.evidence_id()
                && !items.iter().any(|item| item == cited)
            {
                return Err(AppError::Input(InputError {
                    field: format!("evidence[{i}]"),
                    reason: "no evidence item of this case has this id".to_owned(),
                }));
            }
        }
        let mut case = open_case(&self.root, &record)?;
        let now = Utc::now().trunc_subsecs(6).max(record.columns.updated_at);
        case.claims.push(claim);
        case.updated_at = now;
        let sealed = seal_case_under(&self.root, &case_key(&self.root, &record)?, &case);
        self.store
            .update_case(&sealed, record.columns.updated_at)
            .await?;
        tracing::info!(case = %id, "claim added");
        self.audit(event(who, AuditAction::CaseUpdated, AuditOutcome::Allowed).with_case(id))
            .await?;
        Ok(now)
    }

    /// A case of `who`'s organisation, opened for editing (needs `case_edit`). Reading it is
    /// audited like any read; a case of another organisation, shared or not, is not found.
    pub async fn case_to_edit(&self, who: &Principal, id: CaseId) -> Result<Case> {
        if let Err(error) = who.require(Permission::CaseEdit) {
            return self
                .refused(who, AuditAction::CaseRead, Some(id), error)
                .await;
        }
        let record = self.owned_record(who, id, AuditAction::CaseRead).await?;
        let case = open_case(&self.root, &record)?;
        self.audit(event(who, AuditAction::CaseRead, AuditOutcome::Allowed).with_case(id))
            .await?;
        Ok(case)
    }

    /// `Ok` if `who` may create cases; a refusal is audited. For forms, which check before
    /// they validate, so that a refused user learns nothing from the validation.
    pub async fn may_create(&self, who: &Principal) -> Result<()> {
        self.permit(who, Permission::CaseCreate, AuditAction::CaseCreated)
            .await
    }

    /// `Ok` if `who` may edit case `id` (the permission, and their organisation owns it); a
    /// refusal is audited, and a case of another organisation is reported as not found.
    pub async fn may_edit(&self, who: &Principal, id: CaseId) -> Result<()> {
        if let Err(error) = who.require(Permission::CaseEdit) {
            return self
                .refused(who, AuditAction::CaseUpdated, Some(id), error)
                .await;
        }
        self.owned_record(who, id, AuditAction::CaseUpdated)
            .await
            .map(|_| ())
    }

    /// The stored live case `id` if `who`'s organisation owns it; otherwise the refusal is
    /// audited as `action` and the case reported as not found.
    pub(crate) async fn owned_record(
        &self,
        who: &Principal,
        id: CaseId,
        action: AuditAction,
    ) -> Result<CaseRecord> {
        match self.store.case(id).await? {
            Some(StoredCase::Live(record)) if record.columns.organisation == who.organisation => {
                Ok(*record)
            }
            Some(StoredCase::Purged(tombstone)) if tombstone.organisation == who.organisation => {
                Err(AppError::CasePurged(id))
            }
            _ => {
                tracing::info!(user = %who.user, case = %id, "refused: not a case of this organisation");
                self.refused(who, action, Some(id), AppError::CaseNotFound(id))
                    .await
            }
        }
    }

    /// The configured program `slug`; an unknown one is an error listing those there are.
    pub(crate) fn program(
        &self,
        slug: &corridor_core::ProgramSlug,
    ) -> Result<&corridor_core::Program> {
        self.programs
            .get(slug)
            .ok_or_else(|| AppError::UnknownProgram {
                slug: slug.clone(),
                known: self.program_list(),
            })
    }

    /// The slugs of the configured programs, for error messages.
    pub(crate) fn program_list(&self) -> String {
        self.programs
            .iter()
            .map(|p| p.slug.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
