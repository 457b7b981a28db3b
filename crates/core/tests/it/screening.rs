//! Properties of `reconcile`, the rule that decides what a screening raises or lapses.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use corridor_core::{AlertId, AlertStatus, KnownAlert, ListedRef, PossibleMatch, reconcile};
use proptest::prelude::*;

const LISTS: [&str; 2] = ["ofac_sdn", "un_consolidated"];

fn listed(list: usize, entry: u8) -> ListedRef {
    ListedRef {
        list: LISTS[list].to_owned(),
        entry_id: entry.to_string(),
    }
}

fn status() -> impl Strategy<Value = AlertStatus> {
    prop::sample::select(AlertStatus::ALL.to_vec())
}

/// Alerts over a small space of entries and digests, so that every case of the rule occurs.
fn known() -> impl Strategy<Value = Vec<KnownAlert>> {
    prop::collection::vec(
        (0..2usize, 0..4u8, status(), 0..2u8, 0..2u8, 0..1_000i64),
        0..8,
    )
    .prop_map(|alerts| {
        alerts
            .into_iter()
            .map(|(list, entry, status, e, s, age)| KnownAlert {
                id: AlertId::random(),
                status,
                raised_at: DateTime::<Utc>::from_timestamp(1_700_000_000 - age, 0).expect("time"),
                listed: listed(list, entry),
                entry_digest: e.to_string(),
                subject_digest: s.to_string(),
            })
            .collect()
    })
}

fn found() -> impl Strategy<Value = Vec<PossibleMatch>> {
    prop::collection::btree_map((0..2usize, 0..4u8), (0..2u8, 0..2u8), 0..6).prop_map(|found| {
        found
            .into_iter()
            .map(|((list, entry), (e, s))| PossibleMatch {
                listed: listed(list, entry),
                listed_name: "Listed".to_owned(),
                case_name: "Case".to_owned(),
                score: 0.9,
                explanation: Vec::new(),
                programs: Vec::new(),
                entry_digest: e.to_string(),
                subject_digest: s.to_string(),
            })
            .collect()
    })
}

fn loaded() -> impl Strategy<Value = BTreeSet<String>> {
    prop::collection::btree_set(prop::sample::select(LISTS.to_vec()), 0..=2)
        .prop_map(|lists| lists.into_iter().map(str::to_owned).collect())
}

/// What the store holds after the plan is written: lapsed alerts lapsed, raised ones added as
/// the newest.
fn apply(mut known: Vec<KnownAlert>, plan: &corridor_core::ScreeningPlan) -> Vec<KnownAlert> {
    for alert in &mut known {
        if plan.lapse.contains(&alert.id) && alert.status == AlertStatus::Pending {
            alert.status = AlertStatus::Lapsed;
        }
    }
    let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).expect("time");
    known.extend(plan.raise.iter().map(|m| KnownAlert {
        id: AlertId::random(),
        status: AlertStatus::Pending,
        raised_at: now,
        listed: m.listed.clone(),
        entry_digest: m.entry_digest.clone(),
        subject_digest: m.subject_digest.clone(),
    }));
    known
}

proptest! {
    /// Screening again on the same facts changes nothing: a list update raises only what
    /// changed, and never the same alert twice.
    #[test]
    fn screening_twice_on_the_same_facts_raises_nothing_new(
        known in known(),
        found in found(),
        loaded in loaded(),
    ) {
        let first = reconcile(&known, found.clone(), &loaded);
        let after = apply(known, &first);
        let second = reconcile(&after, found, &loaded);
        prop_assert!(second.is_empty(), "{second:?}");
    }

    /// Only pending alerts lapse, only of loaded lists, and each found entry is raised at most
    /// once.
    #[test]
    fn lapses_and_raises_stay_within_their_bounds(
        known in known(),
        found in found(),
        loaded in loaded(),
    ) {
        let plan = reconcile(&known, found, &loaded);
        for id in &plan.lapse {
            let alert = known.iter().find(|a| a.id == *id).expect("a known alert");
            prop_assert_eq!(alert.status, AlertStatus::Pending);
            let still_found = plan.raise.iter().any(|m| m.listed == alert.listed);
            prop_assert!(still_found || loaded.contains(&alert.listed.list));
        }
        let raised: BTreeSet<&ListedRef> = plan.raise.iter().map(|m| &m.listed).collect();
        prop_assert_eq!(raised.len(), plan.raise.len());
    }
}
