//! Self-referral: anyone may ask an organisation for help through the public intake page. The
//! page writes a new case and can read nothing back, and it is throttled so that a flood of
//! submissions cannot bury the real ones. Addresses are counted in memory only, never stored
//! or logged.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use corridor_core::{Actor, AuditAction, AuditEvent, AuditOutcome, CaseDetails, OrgId};

use crate::{AppError, Corridor, Result};

/// How many public submissions are accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntakePolicy {
    /// Default one hour.
    pub window: Duration,
    /// Submissions accepted per address within the window (default 5).
    pub per_address: usize,
    /// Submissions accepted from everyone together within the window (default 200): the
    /// bound on what many addresses can do.
    pub overall: usize,
}

impl Default for IntakePolicy {
    fn default() -> Self {
        IntakePolicy {
            window: Duration::hours(1),
            per_address: 5,
            overall: 200,
        }
    }
}

/// Sliding-window counts of accepted submissions, per address and overall.
#[derive(Debug, Default)]
pub(crate) struct IntakeThrottle {
    state: Mutex<ThrottleState>,
}

#[derive(Debug, Default)]
struct ThrottleState {
    overall: VecDeque<DateTime<Utc>>,
    by_address: HashMap<IpAddr, VecDeque<DateTime<Utc>>>,
}

impl IntakeThrottle {
    /// Counts a submission from `address` at `now` if the policy allows it.
    fn admit(&self, policy: &IntakePolicy, address: IpAddr, now: DateTime<Utc>) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let since = now - policy.window;
        let expire = |times: &mut VecDeque<DateTime<Utc>>| {
            while times.front().is_some_and(|t| *t <= since) {
                times.pop_front();
            }
        };
        expire(&mut state.overall);
        state.by_address.retain(|_, times| {
            expire(times);
            !times.is_empty()
        });
        let from_address = state.by_address.get(&address).map_or(0, VecDeque::len);
        if state.overall.len() >= policy.overall || from_address >= policy.per_address {
            return false;
        }
        state.overall.push_back(now);
        state.by_address.entry(address).or_default().push_back(now);
        true
    }
}

impl Corridor {
    /// A self-referral for `organisation`: a new case at intake. Returns nothing that could be
    /// read back. Refused with [`AppError::Throttled`] when the address or everyone together
    /// sent too many within the window; an unknown organisation is
    /// [`AppError::OrganisationNotFound`].
    pub async fn public_intake(
        &self,
        organisation: OrgId,
        details: CaseDetails,
        from: IpAddr,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !self
            .organisations()
            .await?
            .iter()
            .any(|o| o.id == organisation)
        {
            return Err(AppError::OrganisationNotFound(organisation));
        }
        let event = |outcome| {
            AuditEvent::new(now, Actor::Public, AuditAction::PublicIntake, outcome)
                .with_organisation(organisation)
        };
        if !self.intake_throttle.admit(&self.intake_policy, from, now) {
            tracing::warn!("public intake throttled");
            self.audit(event(AuditOutcome::Denied)).await?;
            return Err(AppError::Throttled);
        }
        let id = self.add_case(organisation, details.into_input()).await?;
        self.audit(event(AuditOutcome::Allowed).with_case(id))
            .await?;
        Ok(())
    }

    /// Replaces the intake policy (tests, and deployments that expect more self-referrals).
    pub fn set_intake_policy(&mut self, policy: IntakePolicy) {
        self.intake_policy = policy;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).expect("time") + Duration::minutes(minutes)
    }

    #[test]
    fn each_address_and_everyone_together_are_bounded_within_the_window() {
        let policy = IntakePolicy {
            window: Duration::minutes(60),
            per_address: 2,
            overall: 3,
        };
        let throttle = IntakeThrottle::default();
        let a: IpAddr = "192.0.2.1".parse().expect("ip");
        let b: IpAddr = "192.0.2.2".parse().expect("ip");
        let c: IpAddr = "2001:db8::1".parse().expect("ip");
        assert!(throttle.admit(&policy, a, at(0)));
        assert!(throttle.admit(&policy, a, at(1)));
        assert!(!throttle.admit(&policy, a, at(2)), "third from one address");
        assert!(throttle.admit(&policy, b, at(3)));
        assert!(!throttle.admit(&policy, c, at(4)), "overall bound");
        // The window slides: the first submission expires at minute 60.
        assert!(throttle.admit(&policy, c, at(60)));
        assert!(
            !throttle.admit(&policy, a, at(60)),
            "a still has one in the window"
        );
        assert!(throttle.admit(&policy, a, at(62)));
    }
}
