//! Screening the people in cases, and the review queue it fills.
//!
//! Every case added or edited is screened against the loaded lists at once, and everyone is
//! screened again when the lists change. A possible match becomes a pending alert; an analyst of
//! the case's organisation decides it, match or not, with a reason. Which alerts to raise or
//! lapse is `corridor_core::reconcile`: only what changed since the last screening.
//!
//! Screening a case happens after the case is stored and never undoes it: if screening fails
//! (the store or the audit log refuses), the failure is logged without names and the next
//! screening of everyone (at start-up, after a list update) catches up.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, SubsecRound, Utc};
use corridor_core::{
    Actor, AlertId, AlertStatus, AuditAction, AuditEvent, AuditOutcome, CaseId, DecisionReason,
    KnownAlert, ListedRef, OrgId, Permission, Person, PossibleMatch, ScreeningPlan, UserId,
    Verdict, reconcile,
};
use corridor_crypto::RootKey;
use corridor_screen::DEFAULT_THRESHOLD;
use corridor_screen::lists::{EntityKind, ListEntry};
use corridor_screen::screening::{ListIndex, Query};
use corridor_store::{AlertDecision, AlertFilter, AlertRow, CaseFilter, Page, StoreError};

use crate::accounts::Principal;
use crate::sealing::{
    open_alert_facts, open_alert_reason, open_person, seal_alert_facts, seal_alert_reason,
};
use crate::visibility::event;
use crate::{AppError, Corridor, Result};

/// What a screening of everyone did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScreeningSummary {
    /// Live cases screened.
    pub cases: usize,
    /// New pending alerts.
    pub raised: usize,
    /// Pending alerts that no longer matched.
    pub lapsed: usize,
}

/// Where a case stands in screening, as its page shows it: counts only, no names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaseScreening {
    /// Possible matches waiting for an analyst.
    pub pending: usize,
    /// Alerts an analyst confirmed as the listed person.
    pub confirmed: usize,
}

/// An alert as the review queue shows it, opened.
#[derive(Clone, PartialEq)]
pub struct AlertView {
    pub id: AlertId,
    pub case_id: CaseId,
    /// The case's display name.
    pub case_name: String,
    pub status: AlertStatus,
    pub raised_at: DateTime<Utc>,
    pub facts: PossibleMatch,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<UserId>,
    /// The username of who decided, if they are of the organisation.
    pub decided_by_name: Option<String>,
    pub reason: Option<DecisionReason>,
}

impl std::fmt::Debug for AlertView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlertView")
            .field("id", &self.id)
            .field("case_id", &self.case_id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// Cases matched between yields when everyone is screened (a few tens of milliseconds).
const SCREENING_CHUNK: usize = 200;

/// One case's outcome, to be written.
struct CasePlan {
    case: CaseId,
    organisation: OrgId,
    plan: ScreeningPlan,
}

impl Corridor {
    /// Screens one case (just added or edited) against the loaded lists and records what
    /// changed. Never fails the write that called it: see the module's comment.
    pub(crate) async fn screen_case(&self, case: CaseId, organisation: OrgId, person: &Person) {
        if let Err(error) = self.screen_case_now(case, organisation, person).await {
            tracing::error!(case = %case, %error, "screening the case failed; the next screening of everyone will retry");
        }
    }

    async fn screen_case_now(
        &self,
        case: CaseId,
        organisation: OrgId,
        person: &Person,
    ) -> Result<()> {
        let (found, loaded) = {
            let index = self.lists.index.read().unwrap_or_else(|p| p.into_inner());
            if index.entries().is_empty() {
                // Nothing can match, and no alert can lapse (only those of loaded lists do).
                return Ok(());
            }
            (
                possible_matches(&self.root, &index, case, person),
                loaded_lists(&index),
            )
        };
        self.record_found(case, organisation, found, &loaded)
            .await?;
        Ok(())
    }

    /// Screens every live case against the loaded lists, raising only what changed: after a
    /// list update, and at start-up (lists may have changed while Corridor was stopped).
    ///
    /// The matching runs in chunks, yielding between them, against a snapshot of the alerts;
    /// only the cases where something changed are then written, one at a time, each against
    /// its alerts as they are then. So adding or editing a case is never held up for the
    /// length of a screening of everyone.
    pub async fn screen_everyone(&self) -> Result<ScreeningSummary> {
        let people = self.store.sealed_people().await?;
        let mut known: HashMap<CaseId, Vec<KnownAlert>> = HashMap::new();
        let rows = self.store.screening_alerts(&AlertFilter::default()).await?;
        for (row, alert) in rows.iter().zip(self.known_alerts(&rows)?) {
            known.entry(row.case_id).or_default().push(alert);
        }
        let mut changed = Vec::new();
        let mut loaded = BTreeSet::new();
        for chunk in people.chunks(SCREENING_CHUNK) {
            {
                let index = self.lists.index.read().unwrap_or_else(|p| p.into_inner());
                loaded = loaded_lists(&index);
                for sealed in chunk {
                    let person =
                        open_person(&self.root, sealed.id, &sealed.wrapped_key, &sealed.person)?;
                    let found = possible_matches(&self.root, &index, sealed.id, &person);
                    let had = known.get(&sealed.id).map_or(&[][..], Vec::as_slice);
                    if !reconcile(had, found.clone(), &loaded).is_empty() {
                        changed.push((sealed.id, sealed.organisation, found));
                    }
                }
            }
            tokio::task::yield_now().await;
        }
        let mut summary = ScreeningSummary {
            cases: people.len(),
            ..ScreeningSummary::default()
        };
        for (case, organisation, found) in changed {
            let (raised, lapsed) = self
                .record_found(case, organisation, found, &loaded)
                .await?;
            summary.raised += raised;
            summary.lapsed += lapsed;
        }
        tracing::info!(
            cases = summary.cases,
            raised = summary.raised,
            lapsed = summary.lapsed,
            "everyone screened"
        );
        Ok(summary)
    }

    /// Reconciles what was found for one case with its alerts as they are now, and writes the
    /// outcome: under the screening turn, so that two screenings of one case (an edit during a
    /// list update) never raise one alert twice.
    async fn record_found(
        &self,
        case: CaseId,
        organisation: OrgId,
        found: Vec<PossibleMatch>,
        loaded: &BTreeSet<String>,
    ) -> Result<(usize, usize)> {
        let _turn = self.lists.screening.lock().await;
        let rows = self
            .store
            .screening_alerts(&AlertFilter {
                case: Some(case),
                ..AlertFilter::default()
            })
            .await?;
        let plan = reconcile(&self.known_alerts(&rows)?, found, loaded);
        self.record(CasePlan {
            case,
            organisation,
            plan,
        })
        .await
    }

    /// Replaces the loaded lists and screens everyone against them.
    pub async fn update_lists(&self, index: ListIndex) -> Result<ScreeningSummary> {
        self.load_lists(index);
        self.screen_everyone().await
    }

    /// Writes one case's plan in one transaction and audits each alert raised or lapsed.
    /// A case purged meanwhile is skipped. Returns how many were raised and lapsed.
    async fn record(
        &self,
        CasePlan {
            case,
            organisation,
            plan,
        }: CasePlan,
    ) -> Result<(usize, usize)> {
        if plan.is_empty() {
            return Ok((0, 0));
        }
        let now = Utc::now().trunc_subsecs(6);
        let rows: Vec<AlertRow> = plan
            .raise
            .iter()
            .map(|facts| {
                let id = AlertId::random();
                AlertRow {
                    id,
                    case_id: case,
                    organisation,
                    status: AlertStatus::Pending,
                    raised_at: now,
                    facts: seal_alert_facts(&self.root, id, facts),
                    decided_at: None,
                    decided_by: None,
                    reason: None,
                }
            })
            .collect();
        let lapsed = match self.store.record_screening(&rows, &plan.lapse, now).await {
            Ok(lapsed) => lapsed,
            Err(StoreError::CaseNotFound(_)) => return Ok((0, 0)),
            Err(error) => return Err(error.into()),
        };
        let system = |action, alert: AlertId| {
            AuditEvent::new(now, Actor::System, action, AuditOutcome::Allowed)
                .with_organisation(organisation)
                .with_case(case)
                .with_subject(alert.to_string())
        };
        for row in &rows {
            self.audit(system(AuditAction::ScreeningAlertRaised, row.id))
                .await?;
        }
        for id in &plan.lapse {
            self.audit(system(AuditAction::ScreeningAlertLapsed, *id))
                .await?;
        }
        tracing::info!(case = %case, raised = rows.len(), lapsed, "case screened");
        Ok((rows.len(), lapsed))
    }

    fn known_alerts(&self, rows: &[AlertRow]) -> Result<Vec<KnownAlert>> {
        rows.iter()
            .map(|row| {
                let facts = open_alert_facts(&self.root, row.case_id, row.id, &row.facts)?;
                Ok(KnownAlert {
                    id: row.id,
                    status: row.status,
                    raised_at: row.raised_at,
                    listed: facts.listed,
                    entry_digest: facts.entry_digest,
                    subject_digest: facts.subject_digest,
                })
            })
            .collect()
    }
}

impl Corridor {
    /// The review queue of `who`'s organisation (needs `screening_review`), newest first:
    /// the alerts of one status, or all of them. Reading it is audited: it shows names.
    pub async fn screening_queue_for(
        &self,
        who: &Principal,
        status: Option<AlertStatus>,
    ) -> Result<Vec<AlertView>> {
        self.permit(
            who,
            Permission::ScreeningReview,
            AuditAction::ScreeningQueueRead,
        )
        .await?;
        let rows = self
            .store
            .screening_alerts(&AlertFilter {
                organisation: Some(who.organisation),
                status,
                ..AlertFilter::default()
            })
            .await?;
        let views = self.alert_views(who.organisation, rows).await?;
        self.audit(event(
            who,
            AuditAction::ScreeningQueueRead,
            AuditOutcome::Allowed,
        ))
        .await?;
        Ok(views)
    }

    /// Where a case of `who`'s organisation stands in screening; `None` for a case of another
    /// organisation (shared with `who`'s: its screening is its owner's business). For the case
    /// page, whose read of the case is audited already.
    pub async fn case_screening_for(
        &self,
        who: &Principal,
        case: CaseId,
        owner: OrgId,
    ) -> Result<Option<CaseScreening>> {
        if owner != who.organisation || !who.may(Permission::CaseRead) {
            return Ok(None);
        }
        let rows = self
            .store
            .screening_alerts(&AlertFilter {
                case: Some(case),
                organisation: Some(who.organisation),
                ..AlertFilter::default()
            })
            .await?;
        let count = |status| rows.iter().filter(|row| row.status == status).count();
        Ok(Some(CaseScreening {
            pending: count(AlertStatus::Pending),
            confirmed: count(AlertStatus::Match),
        }))
    }

    /// One alert of `who`'s organisation (needs `screening_review`); an alert of another
    /// organisation is not found. Audited as a read of the queue, naming the case.
    pub async fn screening_alert_for(&self, who: &Principal, id: AlertId) -> Result<AlertView> {
        self.permit(
            who,
            Permission::ScreeningReview,
            AuditAction::ScreeningQueueRead,
        )
        .await?;
        let row = self
            .own_alert(who, id, AuditAction::ScreeningQueueRead)
            .await?;
        let case = row.case_id;
        let view = self
            .alert_views(who.organisation, vec![row])
            .await?
            .remove(0);
        self.audit(
            event(who, AuditAction::ScreeningQueueRead, AuditOutcome::Allowed)
                .with_case(case)
                .with_subject(id.to_string()),
        )
        .await?;
        Ok(view)
    }

    /// Decides a pending alert of `who`'s organisation (needs `screening_review`), with a
    /// reason; audited. An alert decided or lapsed meanwhile is refused with
    /// [`AppError::AlertNotPending`], and its first decision stands.
    pub async fn decide_alert_for(
        &self,
        who: &Principal,
        id: AlertId,
        verdict: Verdict,
        reason: DecisionReason,
    ) -> Result<()> {
        self.permit(
            who,
            Permission::ScreeningReview,
            AuditAction::ScreeningAlertDecided,
        )
        .await?;
        let row = self
            .own_alert(who, id, AuditAction::ScreeningAlertDecided)
            .await?;
        let decision = AlertDecision {
            id,
            verdict,
            by: who.user,
            at: Utc::now().trunc_subsecs(6),
            reason: seal_alert_reason(&self.root, id, &reason),
        };
        self.store.decide_alert(&decision).await?;
        tracing::info!(alert = %id, case = %row.case_id, verdict = %verdict, "screening alert decided");
        self.audit(
            event(
                who,
                AuditAction::ScreeningAlertDecided,
                AuditOutcome::Allowed,
            )
            .with_case(row.case_id)
            .with_subject(id.to_string()),
        )
        .await?;
        Ok(())
    }

    /// The alert if `who`'s organisation owns its case; otherwise the refusal is audited as
    /// `action` and the alert reported as not found.
    async fn own_alert(
        &self,
        who: &Principal,
        id: AlertId,
        action: AuditAction,
    ) -> Result<AlertRow> {
        match self.store.screening_alert(id).await? {
            Some(row) if row.organisation == who.organisation => Ok(row),
            _ => {
                let denied = event(who, action, AuditOutcome::Denied).with_subject(id.to_string());
                self.audit(denied).await?;
                Err(AppError::AlertNotFound(id))
            }
        }
    }

    /// Opens alerts of `organisation` and names their cases (purged cases' alerts are gone
    /// with them) and who decided them.
    async fn alert_views(
        &self,
        organisation: OrgId,
        rows: Vec<AlertRow>,
    ) -> Result<Vec<AlertView>> {
        let usernames: HashMap<UserId, String> = self
            .store
            .users(organisation)
            .await?
            .into_iter()
            .map(|user| (user.id, user.username.to_string()))
            .collect();
        let mut ids: Vec<CaseId> = rows.iter().map(|r| r.case_id).collect();
        ids.sort();
        ids.dedup();
        let names: HashMap<CaseId, String> = self
            .list_cases(
                &CaseFilter {
                    ids: Some(ids),
                    ..CaseFilter::default()
                },
                Page::ALL,
            )
            .await?
            .into_iter()
            .map(|summary| (summary.id, summary.display_name))
            .collect();
        rows.into_iter()
            .map(|row| {
                Ok(AlertView {
                    id: row.id,
                    case_id: row.case_id,
                    case_name: names.get(&row.case_id).cloned().unwrap_or_default(),
                    status: row.status,
                    raised_at: row.raised_at,
                    facts: open_alert_facts(&self.root, row.case_id, row.id, &row.facts)?,
                    decided_at: row.decided_at,
                    decided_by: row.decided_by,
                    decided_by_name: row.decided_by.and_then(|id| usernames.get(&id).cloned()),
                    reason: row
                        .reason
                        .as_ref()
                        .map(|sealed| open_alert_reason(&self.root, row.case_id, row.id, sealed))
                        .transpose()?,
                })
            })
            .collect()
    }
}

/// The lists loaded now, by machine name: only their alerts may lapse.
fn loaded_lists(index: &ListIndex) -> BTreeSet<String> {
    index
        .sources()
        .iter()
        .map(|source| source.as_str().to_owned())
        .collect()
}

/// Every listed person that may be `person`, through any of their names: the best-scoring
/// name per entry, with the birth date and nationalities weighed.
fn possible_matches(
    root: &RootKey,
    index: &ListIndex,
    case: CaseId,
    person: &Person,
) -> Vec<PossibleMatch> {
    if index.entries().is_empty() {
        return Vec::new();
    }
    let subject_digest = subject_digest(root, case, person);
    let birth_date = person.birth_date.map(|date| date.to_string());
    let nationalities: Vec<String> = person
        .nationalities
        .iter()
        .map(|code| code.as_str().to_owned())
        .collect();
    let mut best: HashMap<usize, PossibleMatch> = HashMap::new();
    for name in person.names.iter() {
        let query = Query {
            name: name.text().to_owned(),
            birth_date: birth_date.clone(),
            nationalities: nationalities.clone(),
            kind: Some(EntityKind::Person),
        };
        for hit in index.screen(&query, DEFAULT_THRESHOLD) {
            if best
                .get(&hit.entry)
                .is_some_and(|seen| seen.score >= hit.score)
            {
                continue;
            }
            let entry = &index.entries()[hit.entry];
            best.insert(
                hit.entry,
                PossibleMatch {
                    listed: ListedRef {
                        list: entry.source.as_str().to_owned(),
                        entry_id: entry.id.clone(),
                    },
                    listed_name: hit.name.clone(),
                    case_name: name.text().to_owned(),
                    score: (hit.score * 1000.0).round() / 1000.0,
                    explanation: hit.explain(),
                    programs: entry.programs.clone(),
                    entry_digest: entry_digest(root, entry),
                    subject_digest: subject_digest.clone(),
                },
            );
        }
    }
    let mut found: Vec<PossibleMatch> = best.into_values().collect();
    found.sort_by(|a, b| a.listed.cmp(&b.listed));
    found
}

/// A fingerprint of what was screened of the person: their names, birth date and
/// nationalities. Keyed, so that it says nothing without the root key.
fn subject_digest(root: &RootKey, case: CaseId, person: &Person) -> String {
    let names: Vec<&str> = person.names.iter().map(|n| n.text()).collect();
    let screened = serde_json::json!({
        "case": case,
        "names": names,
        "birth_date": person.birth_date,
        "nationalities": person.nationalities,
    });
    hex(&root.keyed_digest("screening/subject", screened.to_string().as_bytes()))
}

/// A fingerprint of a listed entry as screened: a change to its names, birth dates,
/// nationalities or programmes asks again any decision made on it.
fn entry_digest(root: &RootKey, entry: &ListEntry) -> String {
    let names: Vec<&str> = entry.names.iter().map(|n| n.text.as_str()).collect();
    let listed = serde_json::json!({
        "list": entry.source.as_str(),
        "id": entry.id,
        "names": names,
        "birth_dates": entry.birth_dates,
        "nationalities": entry.nationalities,
        "programs": entry.programs,
    });
    hex(&root.keyed_digest("screening/entry", listed.to_string().as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
