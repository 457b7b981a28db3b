//! The audit hash chain: any single change to any entry, any deletion and any swap of a random
//! chain is found, and the first bad entry is named.

use std::net::{Ipv4Addr, Ipv6Addr};

use chrono::DateTime;
use corridor_core::{
    Actor, AuditAction, AuditEntry, AuditEvent, AuditOutcome, BreakReason, CaseId, ChainBreak,
    OrgId, UserId, verify_chain, verify_chain_to,
};
use proptest::prelude::*;
use proptest::sample::Index;
use uuid::Uuid;

/// 1970-01-01 to 9999-12-31, in microseconds: the range `AuditEvent::check` accepts.
const LAST_MICROS: i64 = 253_402_300_799_999_999;

fn actor() -> impl Strategy<Value = Actor> {
    prop_oneof![
        any::<u128>().prop_map(|u| Actor::User(UserId(Uuid::from_u128(u)))),
        "[A-Za-z0-9_-]{1,64}".prop_map(Actor::ApiToken),
        Just(Actor::Operator),
        Just(Actor::Public),
        Just(Actor::System),
        Just(Actor::Anonymous),
    ]
}

fn address() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u32>().prop_map(|a| Ipv4Addr::from(a).to_string()),
        any::<u128>().prop_map(|a| Ipv6Addr::from(a).to_string()),
    ]
}

fn event() -> impl Strategy<Value = AuditEvent> {
    (
        0..=LAST_MICROS,
        actor(),
        proptest::option::of(any::<u128>()),
        any::<Index>(),
        proptest::option::of(any::<u128>()),
        proptest::option::of("[A-Za-z0-9._:-]{1,128}"),
        proptest::option::of(address()),
        any::<Index>(),
    )
        .prop_map(
            |(micros, actor, organisation, action, case, subject, address, outcome)| AuditEvent {
                at: DateTime::from_timestamp_micros(micros).expect("in range"),
                actor,
                organisation: organisation.map(|u| OrgId(Uuid::from_u128(u))),
                action: *action.get(AuditAction::ALL),
                case: case.map(|u| CaseId(Uuid::from_u128(u))),
                subject,
                address,
                outcome: *outcome.get(AuditOutcome::ALL),
            },
        )
}

fn chain(min: usize) -> impl Strategy<Value = Vec<AuditEntry>> {
    proptest::collection::vec(event(), min..12).prop_map(|events| {
        let mut entries: Vec<AuditEntry> = Vec::new();
        for event in events {
            let next = AuditEntry::seal_next(entries.last(), event);
            entries.push(next);
        }
        entries
    })
}

/// Changes one byte of a text, keeping it ASCII.
fn change_byte(text: &mut String, at: Index) {
    let mut bytes = std::mem::take(text).into_bytes();
    let i = at.index(bytes.len());
    bytes[i] = if bytes[i] == b'a' { b'b' } else { b'a' };
    *text = String::from_utf8(bytes).expect("ascii");
}

fn change_uuid(uuid: &mut Uuid, at: Index, flip: u8) {
    let mut bytes = *uuid.as_bytes();
    bytes[at.index(16)] ^= flip;
    *uuid = Uuid::from_bytes(bytes);
}

fn other<T: Copy + PartialEq>(all: &[T], value: T, at: Index) -> T {
    let i = all.iter().position(|v| *v == value).expect("listed");
    all[(i + 1 + at.index(all.len() - 1)) % all.len()]
}

/// Changes one field of `entry` by one byte (or one value, for the closed sets). `flip` is
/// non-zero, so every change is a change.
fn change_field(entry: &mut AuditEntry, field: usize, at: Index, flip: u8) {
    let e = &mut entry.event;
    match field {
        0 => entry.seq ^= u64::from(flip) << (8 * at.index(8)),
        1 => entry.prev_hash[at.index(32)] ^= flip,
        2 => entry.hash[at.index(32)] ^= flip,
        3 => {
            let micros = e.at.timestamp_micros() ^ (i64::from(flip) << (8 * at.index(6)));
            e.at = DateTime::from_timestamp_micros(micros).expect("in range");
        }
        4 => {
            e.actor = match std::mem::replace(&mut e.actor, Actor::Anonymous) {
                Actor::User(mut id) => {
                    change_uuid(&mut id.0, at, flip);
                    Actor::User(id)
                }
                Actor::ApiToken(mut id) => {
                    change_byte(&mut id, at);
                    Actor::ApiToken(id)
                }
                Actor::Operator => Actor::Public,
                Actor::Public => Actor::System,
                Actor::System => Actor::Anonymous,
                Actor::Anonymous => Actor::Operator,
            }
        }
        5 => match &mut e.organisation {
            Some(id) => change_uuid(&mut id.0, at, flip),
            None => e.organisation = Some(OrgId(Uuid::from_u128(u128::from(flip)))),
        },
        6 => e.action = other(AuditAction::ALL, e.action, at),
        7 => match &mut e.case {
            Some(id) => change_uuid(&mut id.0, at, flip),
            None => e.case = Some(CaseId(Uuid::from_u128(u128::from(flip)))),
        },
        8 => match &mut e.subject {
            Some(subject) => change_byte(subject, at),
            None => e.subject = Some("0".to_owned()),
        },
        9 => match &mut e.address {
            Some(address) => change_byte(address, at),
            None => e.address = Some("0".to_owned()),
        },
        10 => e.outcome = other(AuditOutcome::ALL, e.outcome, at),
        _ => unreachable!("11 fields"),
    }
}

const FIELDS: usize = 11;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn an_intact_chain_verifies_to_its_head(entries in chain(0)) {
        let head = entries.last().map(AuditEntry::head).unwrap_or(corridor_core::ChainHead::GENESIS);
        let summary = verify_chain_to(entries.clone(), head).expect("intact");
        prop_assert_eq!(summary.entries, entries.len() as u64);
        prop_assert_eq!(summary.head, head.hash);
        for entry in &entries {
            prop_assert_eq!(entry.event.check(), Ok(()));
        }
    }

    #[test]
    fn any_change_to_any_field_is_found_at_that_entry(
        entries in chain(1),
        which in any::<Index>(),
        field in 0..FIELDS,
        at in any::<Index>(),
        flip in 1..=u8::MAX,
    ) {
        let head = entries.last().expect("non-empty").head();
        let i = which.index(entries.len());
        let mut changed = entries.clone();
        change_field(&mut changed[i], field, at, flip);
        prop_assume!(changed[i] != entries[i]);
        let err = verify_chain(changed.clone()).expect_err("a change must be found");
        prop_assert_eq!(err.seq, i as u64 + 1, "field {}: {}", field, err);
        prop_assert_eq!(verify_chain_to(changed, head).expect_err("found"), err);
    }

    #[test]
    fn deleting_any_entry_is_found_at_that_entry(entries in chain(1), which in any::<Index>()) {
        let head = entries.last().expect("non-empty").head();
        let i = which.index(entries.len());
        let mut shorter = entries.clone();
        shorter.remove(i);
        let seq = i as u64 + 1;
        let err = verify_chain_to(shorter.clone(), head).expect_err("a deletion must be found");
        if i + 1 < entries.len() {
            prop_assert_eq!(&err, &ChainBreak { seq, reason: BreakReason::Gap { next: seq + 1 } });
            prop_assert_eq!(verify_chain(shorter).expect_err("found without the head"), err);
        } else {
            // Only the head tells a chain cut at its end from a shorter chain.
            prop_assert_eq!(err, ChainBreak { seq, reason: BreakReason::Truncated { head: seq } });
        }
    }

    #[test]
    fn swapping_adjacent_entries_is_found_at_the_first(entries in chain(2), which in any::<Index>()) {
        let i = which.index(entries.len() - 1);
        let seq = i as u64 + 1;
        let mut swapped = entries.clone();
        swapped.swap(i, i + 1);
        prop_assert_eq!(
            verify_chain(swapped).expect_err("a swap must be found"),
            ChainBreak { seq, reason: BreakReason::OutOfOrder { found: seq + 1 } }
        );
        // As in a database, where the seq column stays and every other column is exchanged.
        let mut exchanged = entries.clone();
        let (a, b) = (exchanged[i].seq, exchanged[i + 1].seq);
        exchanged.swap(i, i + 1);
        exchanged[i].seq = a;
        exchanged[i + 1].seq = b;
        prop_assert_eq!(
            verify_chain(exchanged).expect_err("an exchange must be found"),
            ChainBreak { seq, reason: BreakReason::ContentAltered }
        );
    }

    #[test]
    fn swapping_any_two_entries_is_found_at_the_first(
        entries in chain(2),
        x in any::<Index>(),
        y in any::<Index>(),
    ) {
        let (i, j) = (x.index(entries.len()), y.index(entries.len()));
        prop_assume!(i != j);
        let first = i.min(j);
        let mut swapped = entries.clone();
        swapped.swap(i, j);
        let err = verify_chain(swapped).expect_err("a swap must be found");
        prop_assert_eq!(err.seq, first as u64 + 1);
        let is_out_of_order = matches!(err.reason, BreakReason::OutOfOrder { .. });
        prop_assert!(is_out_of_order, "{}", err);
    }
}
