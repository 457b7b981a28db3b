//! Claims cite evidence: a claim's `evidence:<id>` link resolved against the case's items, and
//! what the case's claims rest on, in words, for the evidence strength's reasons.
//!
//! A citation is checked when it is read rather than refused when it is written: a case
//! document imported from elsewhere keeps the citations it came with, and one whose item is
//! not (or no longer) in the case is named, so that a caseworker attaches or corrects it.

use crate::claim::{Claim, EvidenceLink};
use crate::evidence::{ItemStanding, VerificationStatus};

/// What a claim's evidence link points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Citation<'a> {
    /// A web address: outside Corridor, not checked here.
    Web,
    /// An item of the case.
    Item(&'a ItemStanding),
    /// An `evidence:<id>` that is not among the case's items.
    Missing,
}

/// Resolves `link` against the case's items (by their ids).
pub fn resolve<'a>(link: &EvidenceLink, items: &'a [ItemStanding]) -> Citation<'a> {
    match link.evidence_id() {
        None => Citation::Web,
        Some(id) => items
            .iter()
            .find(|item| item.id == id)
            .map_or(Citation::Missing, Citation::Item),
    }
}

/// How the case's claims rest on its items, in words: how many of the claims that cite
/// items cite a verified one, and each citation of an item that is missing, disputed or
/// rejected. Nothing when no claim cites an item.
pub fn claim_support(claims: &[Claim], items: &[ItemStanding]) -> Vec<String> {
    let mut citing = 0;
    let mut supported = 0;
    let mut problems = Vec::new();
    for claim in claims {
        let cited: Vec<(&EvidenceLink, Citation<'_>)> = claim
            .evidence()
            .iter()
            .map(|link| (link, resolve(link, items)))
            .filter(|(_, citation)| *citation != Citation::Web)
            .collect();
        if cited.is_empty() {
            continue;
        }
        citing += 1;
        let verified = cited.iter().any(|(_, citation)| {
            matches!(citation, Citation::Item(item) if item.status == VerificationStatus::Verified)
        });
        if verified {
            supported += 1;
        }
        for (link, citation) in cited {
            let fact = claim.fact();
            match citation {
                Citation::Missing => problems.push(format!(
                    "a claim about `{fact}` cites {link}, which is not among this case's items"
                )),
                Citation::Item(item)
                    if matches!(
                        item.status,
                        VerificationStatus::Disputed | VerificationStatus::Rejected
                    ) =>
                {
                    problems.push(format!(
                        "a claim about `{fact}` cites {link}, which is {}",
                        item.status.label().to_lowercase()
                    ));
                }
                _ => {}
            }
        }
    }
    if citing == 0 {
        return Vec::new();
    }
    let mut reasons = vec![format!(
        "{supported} of {citing} claim{} citing items rest{} on a verified one",
        if citing == 1 { "" } else { "s" },
        if citing == 1 { "s" } else { "" },
    )];
    reasons.extend(problems);
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::{Confidence, Source, SourceKind};
    use crate::evidence::EvidenceKind;
    use crate::ids::ClaimId;

    fn item(id: &str, status: VerificationStatus) -> ItemStanding {
        ItemStanding {
            id: id.to_owned(),
            kind: EvidenceKind::CourtDocument,
            status,
            source: id.to_owned(),
            derived: false,
        }
    }

    fn claim(fact: &str, links: &[&str]) -> Claim {
        Claim::new(
            ClaimId::random(),
            fact.parse().expect("fact"),
            "An assertion",
            None,
            Source::new(SourceKind::CourtRecord, "Court").expect("source"),
            Confidence::High,
            links.iter().map(|l| l.parse().expect("link")).collect(),
        )
        .expect("claim")
    }

    #[test]
    fn links_resolve_to_items_of_the_case_or_are_named_missing() {
        let items = [item("a1", VerificationStatus::Verified)];
        let link = |s: &str| s.parse::<EvidenceLink>().expect("link");
        assert_eq!(
            resolve(&link("evidence:a1"), &items),
            Citation::Item(&items[0])
        );
        assert_eq!(resolve(&link("evidence:b2"), &items), Citation::Missing);
        assert_eq!(
            resolve(&link("https://example.org/x"), &items),
            Citation::Web
        );
    }

    #[test]
    fn support_counts_claims_on_verified_items_and_names_every_weak_citation() {
        let items = [
            item("v1", VerificationStatus::Verified),
            item("d1", VerificationStatus::Disputed),
            item("u1", VerificationStatus::Unverified),
        ];
        let claims = [
            claim("convicted_in_absentia", &["evidence:v1", "evidence:d1"]),
            claim("on_wanted_list", &["evidence:u1"]),
            claim("foreign_agent", &["evidence:gone"]),
            claim("protest", &["https://example.org/video"]),
        ];
        let reasons = claim_support(&claims, &items);
        assert_eq!(
            reasons[0],
            "1 of 3 claims citing items rest on a verified one"
        );
        assert!(
            reasons.contains(
                &"a claim about `convicted_in_absentia` cites evidence:d1, which is disputed"
                    .to_owned()
            )
        );
        assert!(reasons.contains(
            &"a claim about `foreign_agent` cites evidence:gone, which is not among this case's items"
                .to_owned()
        ));
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(
            claim_support(&claims[3..], &items).is_empty(),
            "web links only"
        );
        assert_eq!(
            claim_support(&claims[..1], &items)[0],
            "1 of 1 claim citing items rests on a verified one"
        );
    }
}
