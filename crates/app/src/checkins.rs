//! After removal: check-ins on a schedule that starts the day a case is marked removed, the
//! escalation of missed ones to lost contact, and field reports (arrested, missing, ...) as
//! sourced claims on the case's timeline.
//!
//! The day a person was removed is the last time the case moved to `removed`; a case that came
//! in already removed (imported, or the demo) has none, and then the removal the US status
//! dates, or failing that the case's last update, stands in.

use chrono::{DateTime, NaiveDate, Utc};
use corridor_core::checkin::{
    CheckIn, CheckInChannel, CheckInSchedule, CheckInStanding, FieldReportKind, MonitoringStatus,
    standing,
};
use corridor_core::{
    Actor, AuditAction, AuditEvent, AuditOutcome, Case, CaseId, CheckInId, Claim, ClaimId,
    Confidence, InputError, PartialDate, Permission, ProceedingsStage, Source, Stage, UserId,
};
use corridor_store::{CaseFilter, CaseRecord, CheckInRow, Page, StoredCase};
use serde::{Deserialize, Serialize};

use crate::accounts::Principal;
use crate::sealing::{case_key, open_case, open_check_in, seal_check_in};
use crate::visibility::event;
use crate::{AppError, Corridor, Result};

/// What is sealed for a check-in: the check-in and who recorded it.
#[derive(Serialize, Deserialize)]
struct SealedCheckIn {
    check_in: CheckIn,
    recorded_by: Option<UserId>,
}

/// A recorded check-in, as the case page shows it.
#[derive(Clone, Debug)]
pub struct CheckInRecord {
    pub check_in: CheckIn,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: Option<UserId>,
}

/// Where a removed person's check-ins stand.
#[derive(Clone, Debug)]
pub struct Monitoring {
    pub removed_on: NaiveDate,
    /// Oldest first.
    pub check_ins: Vec<CheckInRecord>,
    pub standing: CheckInStanding,
}

impl Corridor {
    /// The schedule check-ins after removal follow.
    pub fn check_in_schedule(&self) -> &CheckInSchedule {
        &self.check_in_schedule
    }

    /// Replaces the check-in schedule (from the data directory's `watch.toml`).
    pub fn set_check_in_schedule(&mut self, schedule: CheckInSchedule) {
        self.check_in_schedule = schedule;
    }

    /// `Ok` if `who` may record check-ins and field reports on case `id` (the right, and
    /// their organisation owns it); otherwise the refusal is audited. For handlers that check
    /// before they read a form, so that a refused user learns nothing from its validation.
    pub async fn may_keep_watch_on(&self, who: &Principal, id: CaseId) -> Result<()> {
        self.permit(who, Permission::WatchManage, AuditAction::CheckInRecorded)
            .await?;
        self.owned_record(who, id, AuditAction::CheckInRecorded)
            .await?;
        Ok(())
    }

    /// Records a check-in with a removed person. A case whose contact was lost goes back to
    /// `removed` (the watch resumes), audited as a stage change. Audited as
    /// `check_in_recorded`.
    pub async fn record_check_in_for(
        &self,
        who: &Principal,
        id: CaseId,
        on: NaiveDate,
        channel: CheckInChannel,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Monitoring> {
        self.permit(who, Permission::WatchManage, AuditAction::CheckInRecorded)
            .await?;
        let record = self
            .owned_record(who, id, AuditAction::CheckInRecorded)
            .await?;
        let case = open_case(&self.root, &record)?;
        let Some(removed_on) = self.removed_on(&case).await? else {
            return Err(AppError::NotRemoved(id));
        };
        let check_in = CheckIn::new(
            CheckInId::random(),
            on,
            channel,
            note,
            removed_on,
            now.date_naive(),
        )
        .map_err(|e| {
            AppError::Input(InputError {
                field: e.field().to_owned(),
                reason: e.to_string(),
            })
        })?;
        self.store_check_in(&record, check_in, Some(who.user), now)
            .await?;
        self.audit(event(who, AuditAction::CheckInRecorded, AuditOutcome::Allowed).with_case(id))
            .await?;
        let monitoring = self
            .monitoring(&record, &case, removed_on, now.date_naive())
            .await?;
        if case.stage == Stage::LostContact
            && monitoring.standing.status != MonitoringStatus::LostContact
        {
            self.store
                .set_stage(id, Stage::LostContact, Stage::Removed, now)
                .await?;
            self.audit(
                event(who, AuditAction::CaseStageChanged, AuditOutcome::Allowed).with_case(id),
            )
            .await?;
        }
        Ok(monitoring)
    }

    /// Seals and stores a validated check-in of the case `record`.
    pub(crate) async fn store_check_in(
        &self,
        record: &CaseRecord,
        check_in: CheckIn,
        recorded_by: Option<UserId>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let key = case_key(&self.root, record)?;
        let row = CheckInRow {
            id: check_in.id(),
            case_id: record.columns.id,
            on_date: check_in.on(),
            recorded_at: now,
            body: seal_check_in(
                &key,
                check_in.id(),
                &SealedCheckIn {
                    check_in,
                    recorded_by,
                },
            ),
        };
        self.store.insert_check_in(&row).await?;
        Ok(())
    }

    /// Records what is heard about a removed person (arrested, charged, conscripted, released,
    /// left Russia, missing) as a claim on the case's timeline, with its source, date and
    /// confidence, like any other claim. Audited as `field_report_recorded` (and the claim as
    /// an edit of the case).
    #[allow(clippy::too_many_arguments)]
    pub async fn record_field_report_for(
        &self,
        who: &Principal,
        id: CaseId,
        kind: FieldReportKind,
        date: Option<PartialDate>,
        source: Source,
        confidence: Confidence,
        details: Option<&str>,
    ) -> Result<DateTime<Utc>> {
        self.permit(
            who,
            Permission::WatchManage,
            AuditAction::FieldReportRecorded,
        )
        .await?;
        let record = self
            .owned_record(who, id, AuditAction::FieldReportRecorded)
            .await?;
        // What is heard after return: a case not (yet) marked removed is marked first.
        if self
            .removed_on(&open_case(&self.root, &record)?)
            .await?
            .is_none()
        {
            return Err(AppError::NotRemoved(id));
        }
        let claim = Claim::new(
            ClaimId::random(),
            kind.fact_key(),
            details.unwrap_or(kind.label()),
            date,
            source,
            confidence,
            Vec::new(),
        )
        .map_err(|e| {
            AppError::Input(InputError {
                field: "details".to_owned(),
                reason: e.0.to_string(),
            })
        })?;
        let at = self.add_claim_for(who, id, claim).await?;
        self.audit(
            event(who, AuditAction::FieldReportRecorded, AuditOutcome::Allowed)
                .with_case(id)
                .with_subject(kind.as_str().to_owned()),
        )
        .await?;
        Ok(at)
    }

    /// The check-ins of a case `who` may read, and where they stand on `today`; `None` for a
    /// case not watched after removal. Audited as a read of the case.
    pub async fn monitoring_for(
        &self,
        who: &Principal,
        id: CaseId,
        today: NaiveDate,
    ) -> Result<Option<Monitoring>> {
        let StoredCase::Live(record) = self.readable_stored(who, id, AuditAction::CaseRead).await?
        else {
            return Err(AppError::CasePurged(id));
        };
        let case = open_case(&self.root, &record)?;
        self.monitoring_of(&record, &case, today).await
    }

    /// The check-ins of a case watched after removal, and where they stand on `today`; `None`
    /// for a case that is not.
    pub(crate) async fn monitoring_of(
        &self,
        record: &CaseRecord,
        case: &Case,
        today: NaiveDate,
    ) -> Result<Option<Monitoring>> {
        match self.removed_on(case).await? {
            Some(removed_on) => Ok(Some(
                self.monitoring(record, case, removed_on, today).await?,
            )),
            None => Ok(None),
        }
    }

    async fn monitoring(
        &self,
        record: &CaseRecord,
        case: &Case,
        removed_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<Monitoring> {
        let key = case_key(&self.root, record)?;
        let mut check_ins = Vec::new();
        for row in self.store.check_ins(case.id).await? {
            let sealed: SealedCheckIn = open_check_in(&key, case.id, row.id, &row.body)?;
            check_ins.push(CheckInRecord {
                check_in: sealed.check_in,
                recorded_at: row.recorded_at,
                recorded_by: sealed.recorded_by,
            });
        }
        let plain: Vec<CheckIn> = check_ins.iter().map(|c| c.check_in.clone()).collect();
        let standing = standing(&self.check_in_schedule, removed_on, &plain, today);
        Ok(Monitoring {
            removed_on,
            check_ins,
            standing,
        })
    }

    /// The day the person was removed, if the case is watched after removal (removed, or lost
    /// contact after a removal): the case's last move to `removed`, else the removal its US
    /// status dates (a case that came in removed), else the day the case was opened (stable,
    /// unlike its last update). `None` for any other
    /// case (contact lost before any removal is not this watch's).
    pub(crate) async fn removed_on(&self, case: &Case) -> Result<Option<NaiveDate>> {
        if !matches!(case.stage, Stage::Removed | Stage::LostContact) {
            return Ok(None);
        }
        let changes = self.store.stage_changes(case.id).await?;
        let moved = changes
            .iter()
            // A return from lost contact resumes the watch; it is not a new removal.
            .filter(|change| change.to == Stage::Removed && change.from != Stage::LostContact)
            .map(|change| change.at.date_naive())
            .max();
        // A case that came in removed has no move to removed, but its move from removed to
        // lost contact says it was.
        let lost_after_removal = changes
            .iter()
            .any(|change| change.from == Stage::Removed && change.to == Stage::LostContact);
        let was_removed = case.stage == Stage::Removed
            || moved.is_some()
            || lost_after_removal
            || case.us_status.proceedings == ProceedingsStage::Removed;
        Ok(was_removed.then(|| {
            moved
                .or(case.us_status.scheduled_removal)
                .unwrap_or_else(|| case.created_at.date_naive())
        }))
    }

    /// Moves every removed case whose check-ins have stopped long enough to `lost contact`,
    /// as of `now`. Run by the server on a timer (and by `corridor alerts sweep`); each move
    /// is audited with the actor `system`. Returns the cases moved.
    pub async fn sweep_lost_contact(&self, now: DateTime<Utc>) -> Result<Vec<CaseId>> {
        let filter = CaseFilter {
            stage: Some(Stage::Removed),
            ..CaseFilter::default()
        };
        let mut moved = Vec::new();
        for row in self.store.list_cases(&filter, Page::ALL).await? {
            let Some(StoredCase::Live(record)) = self.store.case(row.columns.id).await? else {
                continue;
            };
            let case = open_case(&self.root, &record)?;
            let Some(monitoring) = self.monitoring_of(&record, &case, now.date_naive()).await?
            else {
                continue;
            };
            if monitoring.standing.status != MonitoringStatus::LostContact {
                continue;
            }
            match self
                .store
                .set_stage(case.id, Stage::Removed, Stage::LostContact, now)
                .await
            {
                Ok(()) => {}
                // Someone moved it meanwhile (a check-in, a person): theirs stands.
                Err(corridor_store::StoreError::StageConflict { .. }) => continue,
                Err(error) => return Err(error.into()),
            }
            self.audit(
                AuditEvent::new(
                    now,
                    Actor::System,
                    AuditAction::CaseStageChanged,
                    AuditOutcome::Allowed,
                )
                .with_case(case.id)
                .with_subject("lost-contact".to_owned()),
            )
            .await?;
            tracing::info!(case = %case.id, "lost contact after removal");
            moved.push(case.id);
        }
        Ok(moved)
    }
}
