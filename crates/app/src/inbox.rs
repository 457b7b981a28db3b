//! The removal watch inbox: each user's view of their organisation's alerts, which they
//! acknowledge and assign to one another.
//!
//! Alerts are computed from the cases on the day asked, never stored; what is stored is a mark
//! (acknowledged by whom and when, assigned to whom) under a keyed digest of the alert's
//! identity (case, rule and the day it is about). An alert about another day (a removal moved
//! to an earlier date) is a new alert, so acknowledging one never silences the next.

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use corridor_core::watch::WatchAlert;
use corridor_core::{AuditAction, AuditOutcome, Permission, User, UserId, Username};
use corridor_store::{AlertMarkRow, Assignment};

use crate::accounts::Principal;
use crate::visibility::event;
use crate::{AppError, Corridor, Result};

/// What an alert's mark is stored under: a keyed digest, so the table says nothing of the
/// case's dates.
const MARK_DIGEST: &str = "watch-alert-mark";

/// An alert's identity: its case, rule and the day it is about. Posted back by the inbox's
/// forms; it names no person.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AlertKey(String);

impl AlertKey {
    pub fn of(alert: &WatchAlert) -> AlertKey {
        let on = alert
            .on
            .map_or_else(|| "undated".to_owned(), |d| d.to_string());
        AlertKey(format!("{}.{}.{on}", alert.case, alert.rule.as_str()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AlertKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which of the inbox's alerts to show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InboxFilter {
    /// Not yet acknowledged, assigned to the user or to nobody.
    #[default]
    Open,
    /// Assigned to the user, acknowledged or not.
    Mine,
    /// Everything, acknowledged included.
    All,
}

impl InboxFilter {
    pub const ALL: [InboxFilter; 3] = [InboxFilter::Open, InboxFilter::Mine, InboxFilter::All];

    pub fn as_str(self) -> &'static str {
        match self {
            InboxFilter::Open => "open",
            InboxFilter::Mine => "mine",
            InboxFilter::All => "all",
        }
    }

    /// The filter a query string names; anything else is the default.
    pub fn parse(text: Option<&str>) -> InboxFilter {
        InboxFilter::ALL
            .into_iter()
            .find(|f| Some(f.as_str()) == text)
            .unwrap_or_default()
    }
}

/// One alert in a user's inbox, with its mark.
#[derive(Clone, Debug)]
pub struct InboxItem {
    pub alert: WatchAlert,
    pub key: AlertKey,
    pub acknowledged: Option<(Username, DateTime<Utc>)>,
    pub assigned_to: Option<Username>,
    pub assigned_by: Option<(Username, DateTime<Utc>)>,
}

/// A user's inbox: the items shown, and whom alerts can be assigned to.
#[derive(Clone, Debug)]
pub struct Inbox {
    pub items: Vec<InboxItem>,
    /// How many alerts are open (unacknowledged), whatever the filter.
    pub open: usize,
    pub assignees: Vec<Username>,
}

impl Corridor {
    /// `who`'s inbox on `today`: their organisation's alerts, loudest first, filtered. Needs
    /// `case_list`; audited as a listing.
    pub async fn inbox_for(
        &self,
        who: &Principal,
        today: NaiveDate,
        filter: InboxFilter,
    ) -> Result<Inbox> {
        let alerts = self
            .watch_alerts(crate::Custodian::User(who), today)
            .await?;
        let users = self.store.users(who.organisation).await?;
        let name = |id: UserId| {
            users
                .iter()
                .find(|u| u.id == id)
                .map(|u| u.username.clone())
        };
        let marks: HashMap<Vec<u8>, AlertMarkRow> = self
            .store
            .alert_marks(who.organisation)
            .await?
            .into_iter()
            .map(|mark| (mark.alert_key.clone(), mark))
            .collect();
        let mut items = Vec::with_capacity(alerts.len());
        let mut open = 0;
        for alert in alerts {
            let key = AlertKey::of(&alert);
            let mark = marks.get(self.mark_digest(&key).as_slice());
            let acknowledged = mark
                .and_then(|m| m.acknowledged)
                .and_then(|(by, at)| Some((name(by)?, at)));
            let assigned = mark.and_then(|m| m.assigned.clone());
            if acknowledged.is_none() {
                open += 1;
            }
            let shown = match filter {
                InboxFilter::Open => {
                    acknowledged.is_none() && assigned.as_ref().is_none_or(|a| a.to == who.user)
                }
                InboxFilter::Mine => assigned.as_ref().is_some_and(|a| a.to == who.user),
                InboxFilter::All => true,
            };
            if !shown {
                continue;
            }
            items.push(InboxItem {
                alert,
                key,
                acknowledged,
                assigned_to: assigned.as_ref().and_then(|a| name(a.to)),
                assigned_by: assigned.and_then(|a| Some((name(a.by)?, a.at))),
            });
        }
        Ok(Inbox {
            items,
            open,
            assignees: assignable(&users).map(|u| u.username.clone()).collect(),
        })
    }

    /// Marks one of `who`'s current alerts as acknowledged. Needs `watch_manage`; audited.
    pub async fn acknowledge_watch_alert_for(
        &self,
        who: &Principal,
        key: &str,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.permit(
            who,
            Permission::WatchManage,
            AuditAction::WatchAlertAcknowledged,
        )
        .await?;
        let (alert, mut mark) = self.current_mark(who, key, today).await?;
        mark.acknowledged = Some((who.user, now));
        self.store.put_alert_mark(&mark).await?;
        self.audit(
            event(
                who,
                AuditAction::WatchAlertAcknowledged,
                AuditOutcome::Allowed,
            )
            .with_case(alert.case)
            .with_subject(alert.rule.as_str().to_owned()),
        )
        .await?;
        Ok(())
    }

    /// Assigns one of `who`'s current alerts to `to`, a user of the same organisation who may
    /// keep the watch. Needs `watch_manage`; audited.
    pub async fn assign_watch_alert_for(
        &self,
        who: &Principal,
        key: &str,
        to: &Username,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.permit(
            who,
            Permission::WatchManage,
            AuditAction::WatchAlertAssigned,
        )
        .await?;
        let users = self.store.users(who.organisation).await?;
        let Some(assignee) = assignable(&users).find(|u| &u.username == to) else {
            return Err(AppError::NoSuchUser);
        };
        let (alert, mut mark) = self.current_mark(who, key, today).await?;
        mark.assigned = Some(Assignment {
            to: assignee.id,
            by: who.user,
            at: now,
        });
        self.store.put_alert_mark(&mark).await?;
        self.audit(
            event(who, AuditAction::WatchAlertAssigned, AuditOutcome::Allowed)
                .with_case(alert.case)
                .with_subject(assignee.id.to_string()),
        )
        .await?;
        Ok(())
    }

    /// The current alert `key` of `who`'s organisation and its mark (a blank one if none).
    async fn current_mark(
        &self,
        who: &Principal,
        key: &str,
        today: NaiveDate,
    ) -> Result<(WatchAlert, AlertMarkRow)> {
        let alert = self
            .alerts_of(Some(who.organisation), today)
            .await?
            .into_iter()
            .find(|alert| AlertKey::of(alert).as_str() == key)
            .ok_or(AppError::WatchAlertNotFound)?;
        let digest = self.mark_digest(&AlertKey::of(&alert));
        let mark = self
            .store
            .alert_marks(who.organisation)
            .await?
            .into_iter()
            .find(|mark| mark.alert_key == digest)
            .unwrap_or(AlertMarkRow {
                organisation: who.organisation,
                alert_key: digest,
                case_id: alert.case,
                acknowledged: None,
                assigned: None,
            });
        Ok((alert, mark))
    }

    fn mark_digest(&self, key: &AlertKey) -> Vec<u8> {
        self.root
            .keyed_digest(MARK_DIGEST, key.as_str().as_bytes())
            .to_vec()
    }
}

/// The users an alert can be assigned to: enabled, and allowed to keep the watch.
fn assignable(users: &[User]) -> impl Iterator<Item = &User> {
    users
        .iter()
        .filter(|u| !u.disabled && u.role.may(Permission::WatchManage))
}
