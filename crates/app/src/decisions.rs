//! People's decisions on an assessment: a legal user clears an inadmissibility flag (needs
//! `legal_review`), a coordinator, who runs the priority board, replaces a computed score
//! (needs `referral_manage`) and records a referral's steps, which move the case's stage. Each needs a reason, is sealed with the case, and is
//! audited; a refusal writes nothing.

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use corridor_core::assessment::{FlagClearance, FlagKind, Reason, ScoreKind, ScoreOverride};
use corridor_core::{
    AuditAction, AuditOutcome, CaseId, InputError, Permission, ReferralEvent, ReferralStatus,
};

use crate::accounts::Principal;
use crate::sealing::{case_key, open_case, seal_case_under};
use crate::visibility::event;
use crate::{AppError, Corridor, Result};

fn field_error(field: &str, reason: impl Into<String>) -> AppError {
    AppError::Input(InputError {
        field: field.to_owned(),
        reason: reason.into(),
    })
}

impl Corridor {
    /// `Ok` if `who` may clear flags on case `id` (the right, and their organisation owns
    /// it); a refusal is audited. For forms, which check before they validate.
    pub async fn may_clear_flags(&self, who: &Principal, id: CaseId) -> Result<()> {
        self.may_decide(who, id, Permission::LegalReview, AuditAction::FlagCleared)
            .await
    }

    /// `Ok` if `who` may override scores on case `id`; a refusal is audited.
    pub async fn may_override_scores(&self, who: &Principal, id: CaseId) -> Result<()> {
        self.may_decide(
            who,
            id,
            Permission::ReferralManage,
            AuditAction::ScoreOverridden,
        )
        .await
    }

    /// `Ok` if `who` may record referral steps on case `id`; a refusal is audited.
    pub async fn may_record_referral(&self, who: &Principal, id: CaseId) -> Result<()> {
        self.may_decide(
            who,
            id,
            Permission::ReferralManage,
            AuditAction::ReferralStatusRecorded,
        )
        .await
    }

    async fn may_decide(
        &self,
        who: &Principal,
        id: CaseId,
        permission: Permission,
        action: AuditAction,
    ) -> Result<()> {
        if let Err(error) = who.require(permission) {
            return self.refused(who, action, Some(id), error).await;
        }
        self.owned_record(who, id, action).await.map(|_| ())
    }

    /// Clears `flag` on case `id` of `who`'s organisation, with `reason`, if the flag is
    /// raised and not yet cleared on `today`. Returns the case's new version.
    pub async fn clear_flag_for(
        &self,
        who: &Principal,
        id: CaseId,
        flag: FlagKind,
        reason: &str,
        today: NaiveDate,
    ) -> Result<DateTime<Utc>> {
        if let Err(error) = who.require(Permission::LegalReview) {
            return self
                .refused(who, AuditAction::FlagCleared, Some(id), error)
                .await;
        }
        let reason = Reason::new(reason, "reason")
            .map_err(|e| field_error(e.field, e.reason.to_string()))?;
        let record = self.owned_record(who, id, AuditAction::FlagCleared).await?;
        let mut case = open_case(&self.root, &record)?;
        let confirmed = self.confirmed_listing(id).await?;
        let assessment = self.assess_case(&case, &[], confirmed, today)?;
        match assessment.checklist.flags.iter().find(|f| f.kind == flag) {
            None => return Err(field_error("flag", "this flag is not raised on the case")),
            Some(raised) if !raised.blocks() => {
                return Err(field_error("flag", "this flag is already cleared"));
            }
            Some(_) => {}
        }
        let now = Utc::now().trunc_subsecs(6).max(record.columns.updated_at);
        case.assessment.clearances.push(FlagClearance {
            flag,
            by: who.user,
            at: now,
            reason,
        });
        case.updated_at = now;
        self.save_decision(who, &record, &case, AuditAction::FlagCleared, flag.as_str())
            .await?;
        tracing::info!(case = %id, flag = flag.as_str(), "flag cleared");
        Ok(now)
    }

    /// Replaces the computed `score` of case `id` of `who`'s organisation by `value` (0 to
    /// 100), with `reason`. Returns the case's new version.
    pub async fn override_score_for(
        &self,
        who: &Principal,
        id: CaseId,
        score: ScoreKind,
        value: u32,
        reason: &str,
    ) -> Result<DateTime<Utc>> {
        if let Err(error) = who.require(Permission::ReferralManage) {
            return self
                .refused(who, AuditAction::ScoreOverridden, Some(id), error)
                .await;
        }
        if value > corridor_core::assessment::facts::MAX_SCORE {
            return Err(field_error("value", "must be 0 to 100"));
        }
        let reason = Reason::new(reason, "reason")
            .map_err(|e| field_error(e.field, e.reason.to_string()))?;
        let record = self
            .owned_record(who, id, AuditAction::ScoreOverridden)
            .await?;
        let mut case = open_case(&self.root, &record)?;
        let now = Utc::now().trunc_subsecs(6).max(record.columns.updated_at);
        case.assessment.overrides.push(ScoreOverride {
            score,
            value,
            by: who.user,
            at: now,
            reason,
        });
        case.updated_at = now;
        self.save_decision(
            who,
            &record,
            &case,
            AuditAction::ScoreOverridden,
            score.as_str(),
        )
        .await?;
        tracing::info!(case = %id, score = score.as_str(), "score overridden");
        Ok(now)
    }

    /// Records that case `id`'s referral reached `status` on `on` (needs `referral_manage`),
    /// moving the case's stage with it in the same write. Sending needs the case prioritised
    /// and referable (no flag awaiting a legal review, the program's requirements met).
    /// Returns the case's stage afterwards.
    pub async fn record_referral_status_for(
        &self,
        who: &Principal,
        id: CaseId,
        status: ReferralStatus,
        on: NaiveDate,
        today: NaiveDate,
    ) -> Result<corridor_core::Stage> {
        if let Err(error) = who.require(Permission::ReferralManage) {
            return self
                .refused(who, AuditAction::ReferralStatusRecorded, Some(id), error)
                .await;
        }
        let record = self
            .owned_record(who, id, AuditAction::ReferralStatusRecorded)
            .await?;
        let mut case = open_case(&self.root, &record)?;
        let to = corridor_core::referral_status::next_stage(
            &case.assessment.referral,
            status,
            on,
            case.stage,
            today,
        )
        .map_err(|e| field_error(e.field, e.reason))?;
        if status == ReferralStatus::Sent {
            self.referable_assessment(&record, &case, today).await?;
        }
        let now = Utc::now().trunc_subsecs(6).max(record.columns.updated_at);
        if to != case.stage {
            case.transition(to, now)?;
        }
        case.assessment.referral.push(ReferralEvent {
            status,
            on,
            by: who.user,
            at: now,
        });
        case.updated_at = now;
        self.save_decision(
            who,
            &record,
            &case,
            AuditAction::ReferralStatusRecorded,
            status.as_str(),
        )
        .await?;
        tracing::info!(case = %id, status = status.as_str(), stage = %to, "referral status recorded");
        Ok(to)
    }

    /// Writes a decision taken on `case` (read as `record`) and audits it as `action` about
    /// `subject`. A write in between fails it rather than being undone.
    async fn save_decision(
        &self,
        who: &Principal,
        record: &corridor_store::CaseRecord,
        case: &corridor_core::Case,
        action: AuditAction,
        subject: &str,
    ) -> Result<()> {
        let sealed = seal_case_under(&self.root, &case_key(&self.root, record)?, case);
        self.store
            .update_case(&sealed, record.columns.updated_at)
            .await?;
        self.audit(
            event(who, action, AuditOutcome::Allowed)
                .with_case(case.id)
                .with_subject(subject.to_owned()),
        )
        .await?;
        Ok(())
    }
}
