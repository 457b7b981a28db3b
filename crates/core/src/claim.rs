//! Claims: every fact on a case's timeline carries its source, date and confidence. Claims about
//! the same fact may contradict each other; both stay visible.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::date::PartialDate;
use crate::ids::ClaimId;
use crate::text::{self, Text, TextError};

/// The longest assertion accepted, in characters.
pub const MAX_ASSERTION_CHARS: usize = 10_000;
/// The longest source reference accepted, in characters.
pub const MAX_REFERENCE_CHARS: usize = 2_000;

/// Why a string is not a [`FactKey`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("fact key must be 1 to 64 characters of a-z, 0-9 and _")]
pub struct FactKeyError;

/// Names the fact a claim is about, such as `returned_to_russia` or `detained_on_arrival`:
/// 1 to 64 characters of `[a-z0-9_]`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactKey(String);

impl FactKey {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for FactKey {
    type Err = FactKeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = (1..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(FactKeyError)
        }
    }
}

impl fmt::Display for FactKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for FactKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FactKey({})", self.0)
    }
}

crate::text::serde_via_str!(FactKey);

string_enum! {
    /// Where a claim comes from.
    pub enum SourceKind {
        /// The person themself.
        SelfReport => "self_report", "Self-report",
        Family => "family", "Family",
        Lawyer => "lawyer", "Lawyer",
        Media => "media", "Media report",
        CourtRecord => "court_record", "Court record",
        Registry => "registry", "Registry entry",
        Ngo => "ngo", "NGO",
        Government => "government", "Government",
        SocialMedia => "social_media", "Social media",
        Other => "other", "Other",
    }
}

/// Why a source was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("source reference {0}")]
pub struct SourceError(#[from] pub TextError);

/// The source of a claim: its kind and a non-empty reference (who said it, which outlet,
/// which court file). `Debug` hides the reference.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawSource")]
pub struct Source {
    kind: SourceKind,
    reference: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    kind: SourceKind,
    reference: Text<MAX_REFERENCE_CHARS, false>,
}

impl From<RawSource> for Source {
    fn from(raw: RawSource) -> Self {
        Self {
            kind: raw.kind,
            reference: raw.reference.0,
        }
    }
}

impl Source {
    /// A source; the reference is trimmed and must not be blank.
    pub fn new(kind: SourceKind, reference: &str) -> Result<Self, SourceError> {
        Ok(Self {
            kind,
            reference: text::clean(reference, MAX_REFERENCE_CHARS, false)?,
        })
    }

    /// The kind of source.
    pub fn kind(&self) -> SourceKind {
        self.kind
    }

    /// The reference.
    pub fn reference(&self) -> &str {
        &self.reference
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Source")
            .field("kind", &self.kind)
            .field("reference", &format_args!("<redacted>"))
            .finish()
    }
}

string_enum! {
    /// How sure the organisation is of a claim, in order.
    pub enum Confidence {
        Low => "low", "Low",
        Medium => "medium", "Medium",
        High => "high", "High",
        /// Checked against a primary record.
        Confirmed => "confirmed", "Confirmed",
    }
}

/// Why a string is not an [`EvidenceLink`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "evidence link must be an http(s) URL with a host, or evidence:<id> with an id of 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' and '-'; no spaces, at most 2048 characters"
)]
pub struct EvidenceLinkError;

/// A pointer to evidence: an `http://` or `https://` URL, or `evidence:<id>` for an item in
/// Corridor's evidence store.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EvidenceLink(String);

impl EvidenceLink {
    /// The link as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The evidence id, for `evidence:<id>` links.
    pub fn evidence_id(&self) -> Option<&str> {
        self.0.strip_prefix("evidence:")
    }

    /// Whether this is a web URL.
    pub fn is_url(&self) -> bool {
        self.evidence_id().is_none()
    }
}

impl FromStr for EvidenceLink {
    type Err = EvidenceLinkError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() > 2048 {
            return Err(EvidenceLinkError);
        }
        if let Some(id) = s.strip_prefix("evidence:") {
            let ok = (1..=128).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
            return if ok {
                Ok(Self(s.to_owned()))
            } else {
                Err(EvidenceLinkError)
            };
        }
        let after = |scheme: &str| {
            s.get(..scheme.len())
                .filter(|p| p.eq_ignore_ascii_case(scheme))
                .map(|_| &s[scheme.len()..])
        };
        let Some(rest) = after("https://").or_else(|| after("http://")) else {
            return Err(EvidenceLinkError);
        };
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host_ok = !host.is_empty() && !host.starts_with(':') && !host.starts_with('@');
        let chars_ok = s.chars().all(|c| !c.is_whitespace() && !c.is_control());
        if host_ok && chars_ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(EvidenceLinkError)
        }
    }
}

impl fmt::Display for EvidenceLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for EvidenceLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EvidenceLink({})", self.0)
    }
}

crate::text::serde_via_str!(EvidenceLink);

/// Why a claim was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("assertion {0}")]
pub struct ClaimError(#[from] pub TextError);

/// One sourced statement about a fact. `Debug` hides the assertion and the source reference.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawClaim")]
pub struct Claim {
    id: ClaimId,
    fact: FactKey,
    assertion: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<PartialDate>,
    source: Source,
    confidence: Confidence,
    evidence: Vec<EvidenceLink>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim {
    id: ClaimId,
    fact: FactKey,
    assertion: Text<MAX_ASSERTION_CHARS, true>,
    #[serde(default)]
    date: Option<PartialDate>,
    source: Source,
    confidence: Confidence,
    #[serde(default)]
    evidence: Vec<EvidenceLink>,
}

impl From<RawClaim> for Claim {
    fn from(raw: RawClaim) -> Self {
        Self {
            id: raw.id,
            fact: raw.fact,
            assertion: raw.assertion.0,
            date: raw.date,
            source: raw.source,
            confidence: raw.confidence,
            evidence: raw.evidence,
        }
    }
}

impl Claim {
    /// A claim; the assertion is trimmed and must not be blank (at most 10,000 characters).
    pub fn new(
        id: ClaimId,
        fact: FactKey,
        assertion: &str,
        date: Option<PartialDate>,
        source: Source,
        confidence: Confidence,
        evidence: Vec<EvidenceLink>,
    ) -> Result<Self, ClaimError> {
        let assertion = text::clean(assertion, MAX_ASSERTION_CHARS, true)?;
        Ok(Self::from_parts(
            id, fact, assertion, date, source, confidence, evidence,
        ))
    }

    /// Builds a claim from an already-validated assertion.
    pub(crate) fn from_parts(
        id: ClaimId,
        fact: FactKey,
        assertion: String,
        date: Option<PartialDate>,
        source: Source,
        confidence: Confidence,
        evidence: Vec<EvidenceLink>,
    ) -> Self {
        Self {
            id,
            fact,
            assertion,
            date,
            source,
            confidence,
            evidence,
        }
    }

    pub fn id(&self) -> ClaimId {
        self.id
    }

    pub fn fact(&self) -> &FactKey {
        &self.fact
    }

    pub fn assertion(&self) -> &str {
        &self.assertion
    }

    pub fn date(&self) -> Option<PartialDate> {
        self.date
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    pub fn confidence(&self) -> Confidence {
        self.confidence
    }

    pub fn evidence(&self) -> &[EvidenceLink] {
        &self.evidence
    }

    /// The assertion folded for comparison: lowercase, runs of whitespace collapsed to one
    /// space, trimmed.
    pub fn normalised_assertion(&self) -> String {
        normalise(&self.assertion)
    }
}

fn normalise(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

impl fmt::Debug for Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Claim")
            .field("id", &self.id)
            .field("fact", &self.fact)
            .field("assertion", &format_args!("<redacted>"))
            .field("date", &self.date)
            .field("source", &self.source)
            .field("confidence", &self.confidence)
            .field("evidence", &self.evidence.len())
            .finish()
    }
}

/// The claims about one fact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimGroup<'a> {
    pub fact: &'a FactKey,
    /// Every claim about the fact, in input order; none is ever dropped.
    pub claims: Vec<&'a Claim>,
    /// More than one distinct assertion (compared ignoring case and whitespace).
    pub contradicted: bool,
}

impl ClaimGroup<'_> {
    /// How many distinct assertions the group holds.
    pub fn distinct_assertions(&self) -> usize {
        self.claims
            .iter()
            .map(|c| c.normalised_assertion())
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// The highest confidence among the claims.
    pub fn best_confidence(&self) -> Option<Confidence> {
        self.claims.iter().map(|c| c.confidence).max()
    }
}

/// Groups claims by fact, groups in order of first appearance, claims in input order.
pub fn group_claims(claims: &[Claim]) -> Vec<ClaimGroup<'_>> {
    let mut groups: Vec<ClaimGroup<'_>> = Vec::new();
    for claim in claims {
        match groups.iter_mut().find(|g| *g.fact == claim.fact) {
            Some(group) => group.claims.push(claim),
            None => groups.push(ClaimGroup {
                fact: &claim.fact,
                claims: vec![claim],
                contradicted: false,
            }),
        }
    }
    for group in &mut groups {
        group.contradicted = group.distinct_assertions() > 1;
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(fact: &str, assertion: &str, kind: SourceKind) -> Claim {
        Claim::new(
            ClaimId::random(),
            fact.parse().unwrap(),
            assertion,
            None,
            Source::new(kind, "SRC-REF-TEXT").unwrap(),
            Confidence::Medium,
            vec![],
        )
        .unwrap()
    }

    #[test]
    fn fact_keys() {
        assert!("returned_to_russia".parse::<FactKey>().is_ok());
        assert!("a".parse::<FactKey>().is_ok());
        assert!("x".repeat(64).parse::<FactKey>().is_ok());
        for bad in ["", "Returned", "returned-to", "a b", "ф", &"x".repeat(65)] {
            assert_eq!(bad.parse::<FactKey>(), Err(FactKeyError), "{bad:?}");
        }
    }

    #[test]
    fn evidence_links() {
        for good in [
            "https://example.org/report?id=1#p2",
            "http://example.org",
            "HTTPS://example.org/x",
            "evidence:7f3a9c",
            "evidence:sha256-abc_1.2",
            "http://пример.рф/",
        ] {
            let link: EvidenceLink = good.parse().unwrap();
            assert_eq!(link.as_str(), good);
        }
        assert_eq!(
            "evidence:abc"
                .parse::<EvidenceLink>()
                .unwrap()
                .evidence_id(),
            Some("abc")
        );
        for bad in [
            "",
            "example.org",
            "ftp://example.org",
            "https://",
            "https:///path",
            "https://exa mple.org",
            "https://example.org/\n",
            "javascript:alert(1)",
            "evidence:",
            "evidence:a/b",
            "evidence: a",
            "file:///etc/passwd",
        ] {
            assert_eq!(
                bad.parse::<EvidenceLink>(),
                Err(EvidenceLinkError),
                "{bad:?}"
            );
        }
        assert!(
            format!("https://example.org/{}", "a".repeat(2048))
                .parse::<EvidenceLink>()
                .is_err()
        );
    }

    #[test]
    fn sources_and_assertions_must_not_be_blank() {
        assert_eq!(
            Source::new(SourceKind::Media, "  "),
            Err(SourceError(TextError::Empty))
        );
        let source = Source::new(SourceKind::Media, "Outlet").unwrap();
        assert_eq!(
            Claim::new(
                ClaimId::random(),
                "x".parse().unwrap(),
                " \n ",
                None,
                source,
                Confidence::Low,
                vec![]
            ),
            Err(ClaimError(TextError::Empty))
        );
    }

    #[test]
    fn grouping_keeps_both_contradicting_claims() {
        let claims = vec![
            claim("returned", "Deported by ICE charter", SourceKind::Media),
            claim("arrested", "Arrested on arrival", SourceKind::Family),
            claim("returned", "Went back voluntarily", SourceKind::Government),
            claim(
                "returned",
                "  deported   by ICE CHARTER ",
                SourceKind::Lawyer,
            ),
        ];
        let groups = group_claims(&claims);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].fact.as_str(), "returned");
        assert_eq!(groups[0].claims.len(), 3);
        assert!(groups[0].contradicted);
        assert_eq!(groups[0].distinct_assertions(), 2);
        assert_eq!(groups[0].claims[0].id(), claims[0].id());
        assert_eq!(groups[0].claims[1].id(), claims[2].id());
        assert_eq!(groups[0].claims[2].id(), claims[3].id());
        assert_eq!(groups[1].fact.as_str(), "arrested");
        assert!(!groups[1].contradicted);
        assert!(group_claims(&[]).is_empty());
    }

    #[test]
    fn agreeing_claims_differing_only_in_case_and_space_do_not_contradict() {
        let claims = vec![
            claim("f", "Detained  on arrival", SourceKind::Media),
            claim("f", "detained on\tARRIVAL", SourceKind::Ngo),
        ];
        let groups = group_claims(&claims);
        assert!(!groups[0].contradicted);
        assert_eq!(groups[0].claims.len(), 2);
    }

    #[test]
    fn claim_serde_round_trip_and_debug_redaction() {
        let mut c = claim("f", "SECRET assertion", SourceKind::Media);
        c.evidence.push("https://example.org/a".parse().unwrap());
        let json = serde_json::to_string(&c).unwrap();
        let back: Claim = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
        assert!(!format!("{c:?}").contains("SECRET"));
        assert!(!format!("{c:?}").contains("SRC-REF-TEXT"));
    }
}
