//! The screening review queue: a case that may be a listed person raises an alert, and an
//! analyst decides whether it is a match, with a reason.
//!
//! Screening runs again whenever the person or a list changes. [`reconcile`] decides, from the
//! alerts a case already has and the possible matches found now, what is new: a pair never seen
//! is raised; a decision stands while neither the person nor the listed entry has changed since
//! it was made, and is asked again when either has; a pending alert that no longer matches
//! lapses. So a list update raises only what changed, and no decision is silently kept for
//! facts it was not made on.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::AlertId;
use crate::text::{TextError, clean};

string_enum! {
    /// Where an alert stands.
    pub enum AlertStatus {
        /// Waiting for an analyst.
        Pending => "pending", "Pending review",
        /// An analyst found the case is the listed person.
        Match => "match", "Confirmed match",
        /// An analyst found the case is not the listed person.
        NoMatch => "no_match", "Not a match",
        /// No longer a possible match (the person or the list changed) before anyone decided.
        Lapsed => "lapsed", "No longer matches",
    }
}

string_enum! {
    /// What an analyst decides about a pending alert.
    pub enum Verdict {
        Match => "match", "Match",
        NoMatch => "no_match", "Not a match",
    }
}

impl Verdict {
    /// The status an alert takes when decided so.
    pub fn status(self) -> AlertStatus {
        match self {
            Verdict::Match => AlertStatus::Match,
            Verdict::NoMatch => AlertStatus::NoMatch,
        }
    }
}

/// The longest decision reason accepted, in characters.
pub const MAX_REASON_CHARS: usize = 2_000;

/// Why a reason was rejected. Never repeats the text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("reason {0}")]
pub struct ReasonError(#[from] pub TextError);

/// Why an analyst decided as they did: required, trimmed, at most [`MAX_REASON_CHARS`]
/// characters, several lines allowed. Sealed in the store; `Debug` hides it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DecisionReason(String);

impl DecisionReason {
    pub fn new(text: &str) -> Result<DecisionReason, ReasonError> {
        Ok(DecisionReason(clean(text, MAX_REASON_CHARS, true)?))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DecisionReason {
    type Error = ReasonError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        DecisionReason::new(&text)
    }
}

impl From<DecisionReason> for String {
    fn from(reason: DecisionReason) -> String {
        reason.0
    }
}

impl fmt::Debug for DecisionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DecisionReason(<redacted>)")
    }
}

/// A listed entry, by its list and the list's own id for it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ListedRef {
    /// The list's machine name (`ofac_sdn`, `canada_sema`, ...).
    pub list: String,
    pub entry_id: String,
}

/// What screening found: the facts an analyst decides on. Sealed in the store, because the
/// names in it (and even the listed name, given the score) would tell who the case is.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct PossibleMatch {
    pub listed: ListedRef,
    /// The listed name that scored best.
    pub listed_name: String,
    /// The case's name it was found by.
    pub case_name: String,
    /// 0 to 1, after birth date and nationality were weighed.
    pub score: f64,
    /// How the names were matched, token by token, and what the other evidence did.
    pub explanation: Vec<String>,
    /// The programmes or topics the entry is listed under.
    pub programs: Vec<String>,
    /// Fingerprints of both sides as they were screened: a decision stands while both hold.
    pub entry_digest: String,
    pub subject_digest: String,
}

impl fmt::Debug for PossibleMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PossibleMatch")
            .field("listed", &self.listed)
            .field("score", &self.score)
            .finish_non_exhaustive()
    }
}

/// An alert a case already has, as [`reconcile`] needs to know it.
#[derive(Clone, Debug, PartialEq)]
pub struct KnownAlert {
    pub id: AlertId,
    pub status: AlertStatus,
    pub raised_at: DateTime<Utc>,
    pub listed: ListedRef,
    pub entry_digest: String,
    pub subject_digest: String,
}

/// What to write after screening one case.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScreeningPlan {
    /// Possible matches to raise as new pending alerts.
    pub raise: Vec<PossibleMatch>,
    /// Pending alerts that no longer match as they were raised.
    pub lapse: Vec<AlertId>,
}

impl ScreeningPlan {
    pub fn is_empty(&self) -> bool {
        self.raise.is_empty() && self.lapse.is_empty()
    }
}

/// Decides what changed for one case, from its alerts and what screening found now. Only
/// alerts of `loaded_lists` can lapse: a list that failed to load must not clear its alerts.
pub fn reconcile(
    known: &[KnownAlert],
    found: Vec<PossibleMatch>,
    loaded_lists: &BTreeSet<String>,
) -> ScreeningPlan {
    // The newest alert of each listed entry is the one that stands.
    let mut latest: HashMap<&ListedRef, &KnownAlert> = HashMap::new();
    for alert in known {
        let newer = latest
            .get(&alert.listed)
            .is_none_or(|seen| (alert.raised_at, alert.id) > (seen.raised_at, seen.id));
        if newer {
            latest.insert(&alert.listed, alert);
        }
    }
    let mut plan = ScreeningPlan::default();
    let mut still_found: BTreeSet<&ListedRef> = BTreeSet::new();
    let mut raise = Vec::new();
    for possible in &found {
        still_found.insert(&possible.listed);
        let unchanged = |alert: &KnownAlert| {
            alert.entry_digest == possible.entry_digest
                && alert.subject_digest == possible.subject_digest
        };
        match latest.get(&possible.listed) {
            None => raise.push(possible.clone()),
            Some(alert) => match alert.status {
                AlertStatus::Pending | AlertStatus::Match | AlertStatus::NoMatch
                    if unchanged(alert) => {}
                // Pending on facts that changed: replaced by an alert with today's facts.
                AlertStatus::Pending => {
                    plan.lapse.push(alert.id);
                    raise.push(possible.clone());
                }
                AlertStatus::Match | AlertStatus::NoMatch | AlertStatus::Lapsed => {
                    raise.push(possible.clone())
                }
            },
        }
    }
    for alert in latest.values() {
        if alert.status == AlertStatus::Pending
            && !still_found.contains(&alert.listed)
            && loaded_lists.contains(&alert.listed.list)
        {
            plan.lapse.push(alert.id);
        }
    }
    plan.lapse.sort();
    plan.raise = raise;
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(id: &str) -> ListedRef {
        ListedRef {
            list: "ofac_sdn".to_owned(),
            entry_id: id.to_owned(),
        }
    }

    fn found(id: &str, entry: &str, subject: &str) -> PossibleMatch {
        PossibleMatch {
            listed: listed(id),
            listed_name: "Listed Name".to_owned(),
            case_name: "Case Name".to_owned(),
            score: 0.9,
            explanation: Vec::new(),
            programs: Vec::new(),
            entry_digest: entry.to_owned(),
            subject_digest: subject.to_owned(),
        }
    }

    fn known(id: &str, status: AlertStatus, entry: &str, subject: &str, age: i64) -> KnownAlert {
        KnownAlert {
            id: AlertId::random(),
            status,
            raised_at: DateTime::<Utc>::from_timestamp(1_700_000_000 - age, 0).unwrap(),
            listed: listed(id),
            entry_digest: entry.to_owned(),
            subject_digest: subject.to_owned(),
        }
    }

    fn ofac() -> BTreeSet<String> {
        BTreeSet::from(["ofac_sdn".to_owned()])
    }

    fn raised(plan: &ScreeningPlan) -> Vec<&str> {
        plan.raise
            .iter()
            .map(|m| m.listed.entry_id.as_str())
            .collect()
    }

    #[test]
    fn a_pair_never_seen_is_raised_and_a_known_one_is_not_raised_twice() {
        let plan = reconcile(&[], vec![found("1", "e", "s")], &ofac());
        assert_eq!(raised(&plan), ["1"]);

        for status in [
            AlertStatus::Pending,
            AlertStatus::Match,
            AlertStatus::NoMatch,
        ] {
            let plan = reconcile(
                &[known("1", status, "e", "s", 0)],
                vec![found("1", "e", "s")],
                &ofac(),
            );
            assert!(plan.is_empty(), "{status:?}: {plan:?}");
        }
    }

    #[test]
    fn a_decision_is_asked_again_when_the_entry_or_the_person_changed() {
        for (entry, subject) in [("e2", "s"), ("e", "s2")] {
            for status in [AlertStatus::Match, AlertStatus::NoMatch] {
                let plan = reconcile(
                    &[known("1", status, "e", "s", 0)],
                    vec![found("1", entry, subject)],
                    &ofac(),
                );
                assert_eq!(raised(&plan), ["1"]);
                assert!(plan.lapse.is_empty(), "a decision never lapses");
            }
        }
    }

    #[test]
    fn a_pending_alert_on_changed_facts_is_replaced() {
        let old = known("1", AlertStatus::Pending, "e", "s", 0);
        let plan = reconcile(
            std::slice::from_ref(&old),
            vec![found("1", "e2", "s")],
            &ofac(),
        );
        assert_eq!(raised(&plan), ["1"]);
        assert_eq!(plan.lapse, [old.id]);
    }

    #[test]
    fn a_pending_alert_that_no_longer_matches_lapses_unless_its_list_is_not_loaded() {
        let old = known("1", AlertStatus::Pending, "e", "s", 0);
        let plan = reconcile(std::slice::from_ref(&old), Vec::new(), &ofac());
        assert_eq!(plan.lapse, [old.id]);
        assert!(plan.raise.is_empty());

        let plan = reconcile(std::slice::from_ref(&old), Vec::new(), &BTreeSet::new());
        assert!(
            plan.is_empty(),
            "a list that failed to load keeps its alerts"
        );

        let decided = known("1", AlertStatus::NoMatch, "e", "s", 0);
        assert!(reconcile(&[decided], Vec::new(), &ofac()).is_empty());
    }

    #[test]
    fn the_newest_alert_of_an_entry_is_the_one_that_stands() {
        // Decided "no match" long ago, then lapsed; now found again on the same facts.
        let history = [
            known("1", AlertStatus::NoMatch, "e", "s", 100),
            known("1", AlertStatus::Lapsed, "e", "s", 10),
        ];
        let plan = reconcile(&history, vec![found("1", "e", "s")], &ofac());
        assert_eq!(
            raised(&plan),
            ["1"],
            "a lapsed alert found again is raised again"
        );

        let history = [
            known("1", AlertStatus::Pending, "e", "s", 100),
            known("1", AlertStatus::Match, "e", "s", 10),
        ];
        assert!(reconcile(&history, vec![found("1", "e", "s")], &ofac()).is_empty());
    }

    #[test]
    fn reasons_are_required_bounded_and_never_shown_in_debug() {
        assert_eq!(
            DecisionReason::new("  "),
            Err(ReasonError(TextError::Empty))
        );
        assert!(DecisionReason::new(&"x".repeat(MAX_REASON_CHARS + 1)).is_err());
        let reason =
            DecisionReason::new(" born 1990, listed person born 1956\nother city ").unwrap();
        assert_eq!(
            reason.as_str(),
            "born 1990, listed person born 1956\nother city"
        );
        assert!(!format!("{reason:?}").contains("1956"));
        assert!(
            ReasonError(TextError::Empty)
                .to_string()
                .starts_with("reason ")
        );
    }
}
