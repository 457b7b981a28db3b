//! Where a referral stands with the receiving program: sent, acknowledged, accepted or
//! declined, travel, arrived; each with the day it happened. The status drives the case's
//! workflow: sending moves a prioritised case to referred, acceptance to accepted, a decline
//! back to prioritised (to be referred again, elsewhere or later), travel and arrival onward.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::UserId;
use crate::workflow::Stage;

string_enum! {
    /// A referral's status.
    pub enum ReferralStatus {
        Sent => "sent", "Sent",
        Acknowledged => "acknowledged", "Acknowledged",
        Accepted => "accepted", "Accepted",
        Declined => "declined", "Declined",
        Travel => "travel", "Travel",
        Arrived => "arrived", "Arrived",
    }
}

/// One step of a referral: what happened, on which day, who recorded it and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralEvent {
    pub status: ReferralStatus,
    /// The day it happened (a letter's date, the flight's day).
    pub on: NaiveDate,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

/// Why a status cannot be recorded: the field and the reason.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ReferralStatusError {
    pub field: &'static str,
    pub reason: String,
}

impl ReferralStatus {
    /// The statuses that may follow the referral's last one (`None`: nothing recorded yet).
    pub fn allowed_after(last: Option<ReferralStatus>) -> &'static [ReferralStatus] {
        use ReferralStatus::*;
        match last {
            None | Some(Declined) => &[Sent],
            Some(Sent) => &[Acknowledged, Accepted, Declined],
            Some(Acknowledged) => &[Accepted, Declined],
            Some(Accepted) => &[Travel],
            Some(Travel) => &[Arrived],
            Some(Arrived) => &[],
        }
    }

    /// The stage a case at `stage` moves to when this status is recorded.
    fn stage_from(self, stage: Stage) -> Option<Stage> {
        use ReferralStatus::*;
        match (self, stage) {
            (Sent, Stage::Prioritised) => Some(Stage::Referred),
            (Acknowledged, Stage::Referred) => Some(Stage::Referred),
            (Accepted, Stage::Referred) => Some(Stage::Accepted),
            (Declined, Stage::Referred) => Some(Stage::Prioritised),
            (Travel, Stage::Accepted) => Some(Stage::Travel),
            (Arrived, Stage::Travel) => Some(Stage::Arrived),
            _ => None,
        }
    }
}

/// Checks that `status`, which happened `on`, may follow `history` for a case at `stage` on
/// `today`; returns the stage the case moves to.
pub fn next_stage(
    history: &[ReferralEvent],
    status: ReferralStatus,
    on: NaiveDate,
    stage: Stage,
    today: NaiveDate,
) -> Result<Stage, ReferralStatusError> {
    let last = history.last();
    let allowed = ReferralStatus::allowed_after(last.map(|e| e.status));
    if !allowed.contains(&status) {
        let expected: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
        return Err(ReferralStatusError {
            field: "status",
            reason: if expected.is_empty() {
                "the referral is complete: nothing follows arrival".to_owned()
            } else {
                format!("may be only: {}", expected.join(", "))
            },
        });
    }
    if on > today {
        return Err(ReferralStatusError {
            field: "on",
            reason: "must not be in the future".to_owned(),
        });
    }
    if let Some(last) = last
        && on < last.on
    {
        return Err(ReferralStatusError {
            field: "on",
            reason: "must not be before the referral's previous step".to_owned(),
        });
    }
    status.stage_from(stage).ok_or_else(|| ReferralStatusError {
        field: "status",
        reason: format!("a case at stage `{stage}` cannot take this step"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).expect("day")
    }

    fn event(status: ReferralStatus, on: u32) -> ReferralEvent {
        ReferralEvent {
            status,
            on: day(on),
            by: UserId::random(),
            at: DateTime::from_timestamp(0, 0).expect("time"),
        }
    }

    #[test]
    fn the_happy_path_drives_the_workflow_to_arrival() {
        use ReferralStatus::*;
        let mut history = Vec::new();
        let mut stage = Stage::Prioritised;
        for (status, expected) in [
            (Sent, Stage::Referred),
            (Acknowledged, Stage::Referred),
            (Accepted, Stage::Accepted),
            (Travel, Stage::Travel),
            (Arrived, Stage::Arrived),
        ] {
            let next = next_stage(&history, status, day(10), stage, day(20)).expect("allowed");
            assert_eq!(next, expected, "{status}");
            // The workflow's own table allows every move.
            assert!(
                next == stage || stage.allowed_next().contains(&next),
                "{status}"
            );
            stage = next;
            history.push(event(status, 10));
        }
        let error = next_stage(&history, Sent, day(10), stage, day(20)).expect_err("complete");
        assert_eq!(error.field, "status");
    }

    #[test]
    fn a_decline_sends_the_case_back_to_be_referred_again() {
        use ReferralStatus::*;
        let history = vec![event(Sent, 1)];
        assert_eq!(
            next_stage(&history, Declined, day(5), Stage::Referred, day(20)),
            Ok(Stage::Prioritised)
        );
        assert!(Stage::Referred.allowed_next().contains(&Stage::Prioritised));
        let history = vec![event(Sent, 1), event(Declined, 5)];
        assert_eq!(
            next_stage(&history, Sent, day(6), Stage::Prioritised, day(20)),
            Ok(Stage::Referred)
        );
    }

    #[test]
    fn out_of_order_steps_dates_and_stages_are_refused_naming_the_field() {
        use ReferralStatus::*;
        let field = |r: Result<Stage, ReferralStatusError>| r.expect_err("refused").field;
        // Nothing sent yet: only sending.
        assert_eq!(
            field(next_stage(
                &[],
                Accepted,
                day(1),
                Stage::Prioritised,
                day(20)
            )),
            "status"
        );
        // Sent: not travel before acceptance.
        let sent = vec![event(Sent, 5)];
        assert_eq!(
            field(next_stage(&sent, Travel, day(6), Stage::Referred, day(20))),
            "status"
        );
        // In the future, or before the previous step.
        assert_eq!(
            field(next_stage(
                &sent,
                Accepted,
                day(21),
                Stage::Referred,
                day(20)
            )),
            "on"
        );
        assert_eq!(
            field(next_stage(
                &sent,
                Accepted,
                day(4),
                Stage::Referred,
                day(20)
            )),
            "on"
        );
        // A case that is not prioritised cannot be sent.
        assert_eq!(
            field(next_stage(&[], Sent, day(1), Stage::Assessing, day(20))),
            "status"
        );
    }
}
