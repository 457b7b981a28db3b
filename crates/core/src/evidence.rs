//! Evidence: what an item is and shows, how it is verified, and how strong a case's evidence
//! is. The files themselves are sealed blobs (`corridor-blobs`); here is only what the rules
//! need.
//!
//! Verification moves an item from unverified through review to verified, disputed or
//! rejected. Each step is a [`Review`] by a verifier who is never the uploader, with a written
//! reason; signing an item off needs every check of its kind's checklist, and a program may
//! require two independent verifiers ([`apply_review`]).

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::citation::claim_support;
use crate::claim::{Claim, EvidenceLink};
use crate::date::PartialDate;
use crate::evidence_file::{FileName, MediaType};
use crate::ids::UserId;
use crate::input::{InputError, parse_json};
use crate::screening::DecisionReason;
use crate::text::Text;

string_enum! {
    /// What an evidence item is.
    pub enum EvidenceKind {
        SocialMediaPost => "social_media_post", "Social media post",
        Publication => "publication", "Publication",
        ProtestMedia => "protest_media", "Protest photo or video",
        CourtDocument => "court_document", "Court or police document",
        RegistryEntry => "registry_entry", "Registry entry",
        MediaReport => "media_report", "Media report",
        SupportLetter => "support_letter", "Letter of support",
        Testimony => "testimony", "Testimony",
        Other => "other", "Other",
    }
}

string_enum! {
    /// One point a verifier checks.
    pub enum Check {
        /// Who made or published it is identified.
        Source => "source", "Source identified",
        /// How it reached us, and that it is unaltered (the hash at capture, an archived copy).
        Provenance => "provenance", "Provenance and integrity",
        /// When it happened is confirmed.
        Date => "date", "Date confirmed",
        /// Where it happened is confirmed.
        Place => "place", "Place confirmed",
        /// It agrees with the case's other items and claims.
        Consistency => "consistency", "Consistent with other items",
    }
}

impl EvidenceKind {
    /// What a verifier must check before signing an item of this kind off.
    pub fn checklist(self) -> &'static [Check] {
        use Check::*;
        match self {
            EvidenceKind::SocialMediaPost => &[Source, Provenance, Date, Consistency],
            EvidenceKind::Publication => &[Source, Date, Consistency],
            EvidenceKind::ProtestMedia => &[Source, Provenance, Date, Place, Consistency],
            EvidenceKind::CourtDocument => &[Source, Provenance, Date, Consistency],
            EvidenceKind::RegistryEntry => &[Source, Date],
            EvidenceKind::MediaReport => &[Source, Date, Consistency],
            EvidenceKind::SupportLetter => &[Source, Provenance, Consistency],
            EvidenceKind::Testimony => &[Source, Consistency],
            EvidenceKind::Other => &[Source, Provenance, Date, Place, Consistency],
        }
    }

    /// How much a verified item of this kind weighs in [`evidence_strength`]: official records
    /// of persecution most, independent reporting next, the person's own circle least.
    fn weight(self) -> u32 {
        match self {
            EvidenceKind::CourtDocument | EvidenceKind::RegistryEntry => 30,
            EvidenceKind::MediaReport => 20,
            EvidenceKind::Publication | EvidenceKind::ProtestMedia => 15,
            EvidenceKind::SocialMediaPost | EvidenceKind::SupportLetter => 10,
            EvidenceKind::Testimony => 8,
            EvidenceKind::Other => 5,
        }
    }
}

string_enum! {
    /// Where an item stands in verification.
    #[derive(Default)]
    pub enum VerificationStatus {
        #[default]
        Unverified => "unverified", "Unverified",
        InReview => "in_review", "In review",
        Verified => "verified", "Verified",
        Disputed => "disputed", "Disputed",
        Rejected => "rejected", "Rejected",
    }
}

string_enum! {
    /// What a verifier does.
    pub enum ReviewStep {
        /// Takes the item into review (again, after a dispute).
        StartReview => "start_review", "Start review",
        /// Signs it off, every check of its kind done.
        Verify => "verify", "Verify",
        /// Questions it: something does not hold, or contradicts another item.
        Dispute => "dispute", "Dispute",
        /// Finds it unusable (forged, irrelevant, not about this person).
        Reject => "reject", "Reject",
    }
}

/// One step of verification, as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub by: UserId,
    pub at: DateTime<Utc>,
    pub step: ReviewStep,
    /// The checks done (for `verify`, the kind's whole checklist).
    pub checks: BTreeSet<Check>,
    pub reason: DecisionReason,
}

/// Why a review step was refused. Never repeats the reason's text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("the uploader of an item may not verify, dispute or reject it")]
    OwnUpload,
    #[error("an item that is {status} cannot be taken to `{step}`")]
    NotAllowed {
        status: VerificationStatus,
        step: ReviewStep,
    },
    #[error("field `checks`: signing off a {kind} needs every check; missing: {}", names(.missing))]
    ChecklistIncomplete {
        kind: EvidenceKind,
        missing: Vec<Check>,
    },
    #[error("this verifier has already signed the item off; another verifier must")]
    AlreadySignedOff,
}

fn names(checks: &[Check]) -> String {
    checks
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The status after `review`, given the item's kind, its uploader, its status and reviews so
/// far, and how many independent verifiers its program requires (at least one). A sign-off
/// short of that number is recorded and leaves the item in review.
pub fn apply_review(
    kind: EvidenceKind,
    uploader: UserId,
    status: VerificationStatus,
    earlier: &[Review],
    review: &Review,
    required_verifiers: u8,
) -> Result<VerificationStatus, ReviewError> {
    use ReviewStep::*;
    use VerificationStatus::*;
    if review.by == uploader {
        return Err(ReviewError::OwnUpload);
    }
    let refused = || ReviewError::NotAllowed {
        status,
        step: review.step,
    };
    match (status, review.step) {
        (Unverified | Disputed, StartReview) => Ok(InReview),
        (InReview, Verify) => {
            let missing: Vec<Check> = kind
                .checklist()
                .iter()
                .copied()
                .filter(|check| !review.checks.contains(check))
                .collect();
            if !missing.is_empty() {
                return Err(ReviewError::ChecklistIncomplete { kind, missing });
            }
            // The sign-offs since the item last went into review, by distinct verifiers.
            let since = earlier
                .iter()
                .rposition(|r| r.step == StartReview)
                .map_or(0, |i| i + 1);
            let signed: BTreeSet<UserId> = earlier[since..]
                .iter()
                .filter(|r| r.step == Verify)
                .map(|r| r.by)
                .collect();
            if signed.contains(&review.by) {
                return Err(ReviewError::AlreadySignedOff);
            }
            if signed.len() + 1 >= usize::from(required_verifiers.max(1)) {
                Ok(Verified)
            } else {
                Ok(InReview)
            }
        }
        (InReview | Verified, Dispute) => Ok(Disputed),
        (InReview | Disputed, Reject) => Ok(Rejected),
        _ => Err(refused()),
    }
}

/// What an item shows and where it comes from, as whoever adds it describes it. Sealed with
/// the item. Every field may be filled in later; the activity is what a verifier checks.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceDetails {
    /// The activity or persecution it shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    activity: Option<Text<2_000, true>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    date: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    place: Option<Text<200, false>>,
    /// Where it was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source_url: Option<EvidenceLink>,
    /// An archived copy (web.archive.org, archive.today, or another item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    archived_url: Option<EvidenceLink>,
    /// Who gave it to the organisation (a person, a publisher, a court).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    supplied_by: Option<Text<200, false>>,
}

/// The fields of [`EvidenceDetails`] by name, as a form or a command line gives them.
pub const DETAIL_FIELDS: [&str; 6] = [
    "activity",
    "date",
    "place",
    "source_url",
    "archived_url",
    "supplied_by",
];

impl EvidenceDetails {
    /// Details from named text fields (see [`DETAIL_FIELDS`]), as typed: a blank field is
    /// absent. The error names the first field refused, an unknown name included, and never
    /// repeats what was typed.
    pub fn from_fields<'a>(
        fields: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, InputError> {
        let mut document = serde_json::Map::new();
        for (name, value) in fields {
            if !value.trim().is_empty() {
                document.insert(name.to_owned(), value.into());
            }
        }
        parse_json(&serde_json::Value::Object(document).to_string())
    }

    pub fn activity(&self) -> Option<&str> {
        self.activity.as_ref().map(|t| t.0.as_str())
    }

    pub fn date(&self) -> Option<PartialDate> {
        self.date
    }

    pub fn source_url(&self) -> Option<&EvidenceLink> {
        self.source_url.as_ref()
    }

    pub fn archived_url(&self) -> Option<&EvidenceLink> {
        self.archived_url.as_ref()
    }

    pub fn place(&self) -> Option<&str> {
        self.place.as_ref().map(|t| t.0.as_str())
    }

    pub fn supplied_by(&self) -> Option<&str> {
        self.supplied_by.as_ref().map(|t| t.0.as_str())
    }
}

impl fmt::Debug for EvidenceDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EvidenceDetails(<redacted>)")
    }
}

/// The facts of an item's file, recorded as it was received. Sealed with the item.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFacts {
    pub name: FileName,
    pub media_type: MediaType,
    pub length: u64,
    /// SHA-256 of the file as received, lower-case hex.
    pub sha256: String,
    /// Capture metadata read from the file (EXIF, document information).
    #[serde(default)]
    pub metadata: Vec<(String, String)>,
}

impl fmt::Debug for FileFacts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileFacts")
            .field("media_type", &self.media_type)
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

/// Everything sealed of an item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceFacts {
    pub details: EvidenceDetails,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FileFacts>,
}

/// What [`evidence_strength`] reads of an item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemStanding {
    /// The item's id, as claims cite it (`evidence:<id>`).
    pub id: String,
    pub kind: EvidenceKind,
    pub status: VerificationStatus,
    /// Who or what the item comes from (a publisher, a court, a person), as compared for
    /// independence: two items of one source count as less than two sources.
    pub source: String,
    /// A copy derived from another item (a stripped copy, an excerpt) adds nothing of its own.
    pub derived: bool,
}

string_enum! {
    /// How well a case is documented.
    pub enum StrengthLevel {
        None => "none", "Not documented",
        Weak => "weak", "Weakly documented",
        Moderate => "moderate", "Moderately documented",
        Strong => "strong", "Well documented",
    }
}

/// A case's evidence strength: a score from 0 to 100, its level, and why.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceStrength {
    pub score: u32,
    pub level: StrengthLevel,
    pub reasons: Vec<String>,
}

impl fmt::Debug for EvidenceStrength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EvidenceStrength({} {:?})", self.score, self.level)
    }
}

/// The strength of a case's evidence, for triage. Only verified originals count. Each adds
/// its kind's weight; a further item from a source already counted adds half, so that
/// independent sources weigh more than many items from one. Disputed items are named in the
/// reasons, as a caseworker must resolve them, and so is how the case's claims rest on its
/// items ([`claim_support`]): a claim citing a missing or disputed item is named.
pub fn evidence_strength(items: &[ItemStanding], claims: &[Claim]) -> EvidenceStrength {
    let mut score = 0;
    let mut reasons = Vec::new();
    let mut sources: BTreeSet<String> = BTreeSet::new();
    for item in items
        .iter()
        .filter(|i| i.status == VerificationStatus::Verified && !i.derived)
    {
        let source = item.source.trim().to_lowercase();
        let independent = sources.insert(source);
        let added = if independent {
            item.kind.weight()
        } else {
            item.kind.weight() / 2
        };
        score += added;
        reasons.push(format!(
            "+{added}: verified {}{}",
            item.kind.label().to_lowercase(),
            if independent {
                ""
            } else {
                " (a source already counted)"
            }
        ));
    }
    let score = score.min(100);
    let verified = reasons.len();
    reasons.insert(
        0,
        format!(
            "{verified} verified item{} from {} independent source{}",
            if verified == 1 { "" } else { "s" },
            sources.len(),
            if sources.len() == 1 { "" } else { "s" }
        ),
    );
    let disputed = items
        .iter()
        .filter(|i| i.status == VerificationStatus::Disputed)
        .count();
    if disputed > 0 {
        reasons.push(format!("{disputed} disputed: resolve before referral"));
    }
    let waiting = items
        .iter()
        .filter(|i| {
            matches!(
                i.status,
                VerificationStatus::Unverified | VerificationStatus::InReview
            )
        })
        .count();
    if waiting > 0 {
        reasons.push(format!("{waiting} not yet verified: not counted"));
    }
    reasons.extend(claim_support(claims, items));
    let level = match score {
        0 => StrengthLevel::None,
        1..25 => StrengthLevel::Weak,
        25..60 => StrengthLevel::Moderate,
        _ => StrengthLevel::Strong,
    };
    EvidenceStrength {
        score,
        level,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(by: UserId, step: ReviewStep, checks: &[Check]) -> Review {
        Review {
            by,
            at: DateTime::<Utc>::from_timestamp(1_700_000_000, 0).expect("time"),
            step,
            checks: checks.iter().copied().collect(),
            reason: DecisionReason::new("checked against the court's register").expect("reason"),
        }
    }

    #[test]
    fn details_come_from_named_fields_and_blank_ones_are_absent() {
        let details = EvidenceDetails::from_fields([
            ("activity", "  Anti-war picket at the consulate "),
            ("date", "2022-03"),
            ("place", ""),
            ("source_url", "https://example.org/post/1"),
            ("archived_url", "   "),
            ("supplied_by", "The person"),
        ])
        .expect("valid details");
        assert_eq!(details.activity(), Some("Anti-war picket at the consulate"));
        assert_eq!(
            details.date().map(|d| d.to_string()).as_deref(),
            Some("2022-03")
        );
        assert_eq!(details.place(), None);
        assert_eq!(details.archived_url(), None);
        assert_eq!(details.supplied_by(), Some("The person"));
        assert_eq!(
            EvidenceDetails::from_fields([]),
            Ok(EvidenceDetails::default())
        );
    }

    #[test]
    fn refused_details_name_their_field_and_never_repeat_it() {
        for (field, value) in [
            ("date", "2022-13-40"),
            ("source_url", "javascript:alert(1)-CANARY"),
            ("place", "CANARY-\u{0}"),
            ("activity", &"x".repeat(2_001)),
            ("colour", "CANARY"),
        ] {
            let error = EvidenceDetails::from_fields([(field, value)]).expect_err(field);
            assert_eq!(error.field, field, "{error}");
            assert!(!error.to_string().contains("CANARY"), "{error}");
        }
    }

    #[test]
    fn the_uploader_never_reviews_their_own_item() {
        let uploader = UserId::random();
        for step in ReviewStep::ALL {
            let err = apply_review(
                EvidenceKind::Testimony,
                uploader,
                VerificationStatus::InReview,
                &[],
                &review(uploader, *step, Check::ALL),
                1,
            )
            .expect_err("own upload");
            assert_eq!(err, ReviewError::OwnUpload);
        }
    }

    #[test]
    fn verification_follows_its_states() {
        use ReviewStep::*;
        use VerificationStatus::*;
        let (uploader, verifier) = (UserId::random(), UserId::random());
        let all = EvidenceKind::ProtestMedia.checklist();
        let step = |status, step| {
            apply_review(
                EvidenceKind::ProtestMedia,
                uploader,
                status,
                &[],
                &review(verifier, step, all),
                1,
            )
        };
        assert_eq!(step(Unverified, StartReview), Ok(InReview));
        assert_eq!(step(InReview, Verify), Ok(Verified));
        assert_eq!(step(Verified, Dispute), Ok(Disputed));
        assert_eq!(step(Disputed, StartReview), Ok(InReview));
        assert_eq!(step(InReview, Reject), Ok(Rejected));
        for (status, refused) in [
            (Unverified, Verify),
            (Verified, Verify),
            (Rejected, StartReview),
            (Rejected, Verify),
            (Unverified, Reject),
            (Verified, StartReview),
        ] {
            assert_eq!(
                step(status, refused),
                Err(ReviewError::NotAllowed {
                    status,
                    step: refused
                }),
                "{status:?} {refused:?}"
            );
        }
    }

    #[test]
    fn signing_off_needs_the_whole_checklist_of_the_kind() {
        let (uploader, verifier) = (UserId::random(), UserId::random());
        let err = apply_review(
            EvidenceKind::ProtestMedia,
            uploader,
            VerificationStatus::InReview,
            &[],
            &review(verifier, ReviewStep::Verify, &[Check::Source, Check::Date]),
            1,
        )
        .expect_err("incomplete");
        assert_eq!(
            err,
            ReviewError::ChecklistIncomplete {
                kind: EvidenceKind::ProtestMedia,
                missing: vec![Check::Provenance, Check::Place, Check::Consistency],
            }
        );
        assert!(err.to_string().contains("provenance, place, consistency"));
        // A registry entry needs less.
        assert_eq!(
            apply_review(
                EvidenceKind::RegistryEntry,
                uploader,
                VerificationStatus::InReview,
                &[],
                &review(verifier, ReviewStep::Verify, &[Check::Source, Check::Date]),
                1,
            ),
            Ok(VerificationStatus::Verified)
        );
    }

    #[test]
    fn a_program_may_require_two_independent_verifiers() {
        let uploader = UserId::random();
        let (first, second) = (UserId::random(), UserId::random());
        let kind = EvidenceKind::CourtDocument;
        let sign = |by| review(by, ReviewStep::Verify, kind.checklist());
        let start = review(first, ReviewStep::StartReview, &[]);
        let status = apply_review(
            kind,
            uploader,
            VerificationStatus::InReview,
            std::slice::from_ref(&start),
            &sign(first),
            2,
        );
        assert_eq!(status, Ok(VerificationStatus::InReview), "one of two");
        let history = [start.clone(), sign(first)];
        assert_eq!(
            apply_review(
                kind,
                uploader,
                VerificationStatus::InReview,
                &history,
                &sign(first),
                2
            ),
            Err(ReviewError::AlreadySignedOff)
        );
        assert_eq!(
            apply_review(
                kind,
                uploader,
                VerificationStatus::InReview,
                &history,
                &sign(second),
                2
            ),
            Ok(VerificationStatus::Verified)
        );
        // A sign-off before a dispute and a new review does not count again.
        let history = [
            start.clone(),
            sign(first),
            review(second, ReviewStep::Dispute, &[]),
            review(second, ReviewStep::StartReview, &[]),
        ];
        assert_eq!(
            apply_review(
                kind,
                uploader,
                VerificationStatus::InReview,
                &history,
                &sign(second),
                2
            ),
            Ok(VerificationStatus::InReview)
        );
    }

    fn item(kind: EvidenceKind, status: VerificationStatus, source: &str) -> ItemStanding {
        ItemStanding {
            id: format!("{source}-{}", status.as_str()),
            kind,
            status,
            source: source.to_owned(),
            derived: false,
        }
    }

    #[test]
    fn strength_counts_verified_originals_and_rewards_independent_sources() {
        use EvidenceKind::*;
        use VerificationStatus::*;
        let none = evidence_strength(&[], &[]);
        assert_eq!((none.score, none.level), (0, StrengthLevel::None));

        let one_source = evidence_strength(
            &[
                item(MediaReport, Verified, "Meduza"),
                item(MediaReport, Verified, "meduza "),
            ],
            &[],
        );
        let two_sources = evidence_strength(
            &[
                item(MediaReport, Verified, "Meduza"),
                item(MediaReport, Verified, "OVD-Info"),
            ],
            &[],
        );
        assert_eq!(one_source.score, 30);
        assert_eq!(two_sources.score, 40);
        assert!(one_source.reasons[0].contains("1 independent source"));
        assert!(two_sources.reasons[0].starts_with("2 verified items from 2 independent"));

        let mut copy = item(CourtDocument, Verified, "Court");
        copy.derived = true;
        let mixed = evidence_strength(
            &[
                item(CourtDocument, Verified, "Basmanny District Court"),
                copy,
                item(Testimony, Unverified, "Sister"),
                item(ProtestMedia, Disputed, "Telegram"),
                item(RegistryEntry, Rejected, "Minjust"),
            ],
            &[],
        );
        assert_eq!(mixed.score, 30, "{:?}", mixed.reasons);
        assert_eq!(mixed.level, StrengthLevel::Moderate);
        assert!(
            mixed
                .reasons
                .iter()
                .any(|r| r == "1 disputed: resolve before referral")
        );
        assert!(
            mixed
                .reasons
                .iter()
                .any(|r| r == "1 not yet verified: not counted")
        );

        let many: Vec<ItemStanding> = (0..10)
            .map(|n| item(CourtDocument, Verified, &format!("court {n}")))
            .collect();
        let strong = evidence_strength(&many, &[]);
        assert_eq!((strong.score, strong.level), (100, StrengthLevel::Strong));
    }

    #[test]
    fn details_parse_with_errors_naming_the_field() {
        let details: EvidenceDetails = crate::parse_json(
            r#"{"activity": "Single picket, Pushkin Square", "date": "2022-02-24",
                "place": "Moscow", "source_url": "https://ovd.info/news/2022/02/24",
                "supplied_by": "OVD-Info"}"#,
        )
        .expect("valid");
        assert_eq!(details.activity(), Some("Single picket, Pushkin Square"));
        assert_eq!(details.supplied_by(), Some("OVD-Info"));
        assert!(!format!("{details:?}").contains("Pushkin"));
        let empty: EvidenceDetails = crate::parse_json("{}").expect("all optional");
        assert_eq!(empty, EvidenceDetails::default());
        for (json, field) in [
            (r#"{"source_url": "javascript:alert(1)"}"#, "source_url"),
            (r#"{"date": "2022-13"}"#, "date"),
            (r#"{"place": ""}"#, "place"),
            (r#"{"activty": "typo"}"#, "activty"),
        ] {
            let err = crate::parse_json::<EvidenceDetails>(json).expect_err(json);
            assert_eq!(err.field, field, "{json}: {err}");
        }
    }

    #[test]
    fn every_kind_checks_its_source() {
        for kind in EvidenceKind::ALL {
            assert!(kind.checklist().contains(&Check::Source), "{kind:?}");
        }
    }
}
