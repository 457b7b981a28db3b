//! What the person risks on return to Russia: criminal cases, registry listings, being wanted,
//! military status and public profile, summed up as a [`RiskLevel`] with its reasons.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::date::PartialDate;

/// Why a string is not a Criminal Code article number. Messages never repeat the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "article must be a Russian Criminal Code article number such as 207.3: 1 to 3 digits, optionally a dot and 1 or 2 more digits, no leading zeros"
)]
pub struct ArticleError;

/// A well-formed Russian Criminal Code article number: `105`, `207.3`, `318.1`.
///
/// Administrative (KoAP) codes such as `20.3.3` have three parts and are rejected: they are not
/// criminal articles.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArticleCode {
    number: u16,
    part: Option<u8>,
}

impl ArticleCode {
    const fn new(number: u16, part: Option<u8>) -> Self {
        Self { number, part }
    }

    /// The article number (207 in 207.3).
    pub fn number(&self) -> u16 {
        self.number
    }

    /// The sub-article (3 in 207.3), if any.
    pub fn part(&self) -> Option<u8> {
        self.part
    }
}

fn number_part<T: FromStr>(s: &str, max_len: usize) -> Result<T, ArticleError> {
    let ok = !s.is_empty()
        && s.len() <= max_len
        && s.bytes().all(|b| b.is_ascii_digit())
        && !s.starts_with('0');
    if !ok {
        return Err(ArticleError);
    }
    s.parse().map_err(|_| ArticleError)
}

impl FromStr for ArticleCode {
    type Err = ArticleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (number, part) = match s.split_once('.') {
            Some((number, part)) => (number, Some(part)),
            None => (s, None),
        };
        Ok(Self {
            number: number_part(number, 3)?,
            part: part.map(|p| number_part(p, 2)).transpose()?,
        })
    }
}

impl fmt::Display for ArticleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.part {
            Some(part) => write!(f, "{}.{}", self.number, part),
            None => write!(f, "{}", self.number),
        }
    }
}

impl fmt::Debug for ArticleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ArticleCode({self})")
    }
}

crate::text::serde_via_str!(ArticleCode);

/// The longest sentence an article carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxTerm {
    /// Up to this many years of imprisonment.
    Years(u8),
    /// Up to life imprisonment.
    Life,
    /// Not recorded here.
    Unknown,
}

impl MaxTerm {
    /// Whether the term is at least `years` years (life counts; unknown does not).
    pub fn at_least_years(self, years: u8) -> bool {
        match self {
            Self::Years(y) => y >= years,
            Self::Life => true,
            Self::Unknown => false,
        }
    }
}

impl fmt::Display for MaxTerm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Years(y) => write!(f, "up to {y} years"),
            Self::Life => f.write_str("up to life"),
            Self::Unknown => f.write_str("maximum term unknown"),
        }
    }
}

/// A Russian Criminal Code article. The articles used against anti-war speech and against people
/// who refuse to fight (DOMAIN.md) are variants; any other well-formed article is `Other`.
///
/// Serialised as its code ("207.3"). Equality, hashing and order go by the code, so
/// `Other(207.3)` equals `ArmyFakes`; parsing always yields the named variant.
#[derive(Clone, Copy)]
pub enum Article {
    /// 207.3: "fakes" about the army. Up to 15 years.
    ArmyFakes,
    /// 280.3: "discrediting" the army (after an administrative offence under KoAP 20.3.3).
    /// Up to 7 years.
    ArmyDiscrediting,
    /// 280.4: public calls against state security. Up to 7 years.
    CallsAgainstStateSecurity,
    /// 205.2: justification of terrorism. Up to 7 years online.
    JustifyingTerrorism,
    /// 275: treason (including defection; donations to Ukraine are prosecuted as treason).
    /// Up to life.
    Treason,
    /// 275.1: confidential cooperation with a foreign state. Up to 8 years.
    ConfidentialCooperation,
    /// 282.1: extremist community. Maximum term (unverified): not recorded.
    ExtremistCommunity,
    /// 282.2: extremist organisation (e.g. the Anti-Corruption Foundation). Maximum term
    /// (unverified): not recorded.
    ExtremistOrganisation,
    /// 284.1: participation in an "undesirable" organisation. Up to 6 years (unverified).
    UndesirableOrganisation,
    /// 330.1: evading the foreign agent law. Up to 2 years (unverified).
    ForeignAgentEvasion,
    /// 332: refusal to obey orders / to fight. Up to 10 years.
    RefusalToObey,
    /// 337: absence without leave in wartime. Up to 10 years.
    AbsenceWithoutLeave,
    /// 338: desertion. Up to 15 years.
    Desertion,
    /// 352.1: voluntary surrender. Up to 10 years.
    VoluntarySurrender,
    /// Any other article.
    Other(ArticleCode),
}

/// The table of named articles: variant, code, description, maximum term, whether the maximum
/// term is verified. One place; everything else reads from it.
const ARTICLES: &[(Article, ArticleCode, &str, MaxTerm, bool)] = &[
    (
        Article::ArmyFakes,
        ArticleCode::new(207, Some(3)),
        "\"fakes\" about the army",
        MaxTerm::Years(15),
        true,
    ),
    (
        Article::ArmyDiscrediting,
        ArticleCode::new(280, Some(3)),
        "\"discrediting\" the army",
        MaxTerm::Years(7),
        true,
    ),
    (
        Article::CallsAgainstStateSecurity,
        ArticleCode::new(280, Some(4)),
        "public calls against state security",
        MaxTerm::Years(7),
        true,
    ),
    (
        Article::JustifyingTerrorism,
        ArticleCode::new(205, Some(2)),
        "justification of terrorism",
        MaxTerm::Years(7),
        true,
    ),
    (
        Article::Treason,
        ArticleCode::new(275, None),
        "treason",
        MaxTerm::Life,
        true,
    ),
    (
        Article::ConfidentialCooperation,
        ArticleCode::new(275, Some(1)),
        "confidential cooperation with a foreign state",
        MaxTerm::Years(8),
        true,
    ),
    (
        Article::ExtremistCommunity,
        ArticleCode::new(282, Some(1)),
        "extremist community",
        MaxTerm::Unknown,
        false,
    ),
    (
        Article::ExtremistOrganisation,
        ArticleCode::new(282, Some(2)),
        "extremist organisation",
        MaxTerm::Unknown,
        false,
    ),
    (
        Article::UndesirableOrganisation,
        ArticleCode::new(284, Some(1)),
        "participation in an \"undesirable\" organisation",
        MaxTerm::Years(6),
        false,
    ),
    (
        Article::ForeignAgentEvasion,
        ArticleCode::new(330, Some(1)),
        "evading the foreign agent law",
        MaxTerm::Years(2),
        false,
    ),
    (
        Article::RefusalToObey,
        ArticleCode::new(332, None),
        "refusal to obey orders",
        MaxTerm::Years(10),
        true,
    ),
    (
        Article::AbsenceWithoutLeave,
        ArticleCode::new(337, None),
        "absence without leave in wartime",
        MaxTerm::Years(10),
        true,
    ),
    (
        Article::Desertion,
        ArticleCode::new(338, None),
        "desertion",
        MaxTerm::Years(15),
        true,
    ),
    (
        Article::VoluntarySurrender,
        ArticleCode::new(352, Some(1)),
        "voluntary surrender",
        MaxTerm::Years(10),
        true,
    ),
];

impl Article {
    /// The named articles, in table order.
    pub const KNOWN: &'static [Article] = &[
        Self::ArmyFakes,
        Self::ArmyDiscrediting,
        Self::CallsAgainstStateSecurity,
        Self::JustifyingTerrorism,
        Self::Treason,
        Self::ConfidentialCooperation,
        Self::ExtremistCommunity,
        Self::ExtremistOrganisation,
        Self::UndesirableOrganisation,
        Self::ForeignAgentEvasion,
        Self::RefusalToObey,
        Self::AbsenceWithoutLeave,
        Self::Desertion,
        Self::VoluntarySurrender,
    ];

    fn entry(self) -> Option<&'static (Article, ArticleCode, &'static str, MaxTerm, bool)> {
        match self {
            Self::Other(_) => None,
            named => ARTICLES
                .iter()
                .find(|row| std::mem::discriminant(&row.0) == std::mem::discriminant(&named)),
        }
    }

    /// The article for `code`: the named variant when there is one, else `Other`.
    pub fn from_code(code: ArticleCode) -> Self {
        ARTICLES
            .iter()
            .find(|row| row.1 == code)
            .map_or(Self::Other(code), |row| row.0)
    }

    /// The article number.
    pub fn code(self) -> ArticleCode {
        match self {
            Self::Other(code) => code,
            named => named.entry().map_or(ArticleCode::new(0, None), |row| row.1),
        }
    }

    /// What the article punishes, in English; `None` for articles not in the table.
    pub fn description(self) -> Option<&'static str> {
        Self::from_code(self.code()).entry().map(|row| row.2)
    }

    /// The longest sentence the article carries, as far as recorded here.
    pub fn max_term(self) -> MaxTerm {
        Self::from_code(self.code())
            .entry()
            .map_or(MaxTerm::Unknown, |row| row.3)
    }

    /// Whether [`max_term`](Self::max_term) is a verified fact. Unverified terms (282.1, 282.2,
    /// 284.1, 330.1 in DOMAIN.md) should be checked before anyone relies on them.
    pub fn max_term_verified(self) -> bool {
        Self::from_code(self.code())
            .entry()
            .is_some_and(|row| row.4)
    }

    /// Whether this is one of the named articles.
    pub fn is_known(self) -> bool {
        !matches!(Self::from_code(self.code()), Self::Other(_))
    }

    /// Whether the article punishes refusing to fight (332, 337, 338, 352.1).
    pub fn is_military(self) -> bool {
        matches!(
            Self::from_code(self.code()),
            Self::RefusalToObey
                | Self::AbsenceWithoutLeave
                | Self::Desertion
                | Self::VoluntarySurrender
        )
    }
}

impl PartialEq for Article {
    fn eq(&self, other: &Self) -> bool {
        self.code() == other.code()
    }
}

impl Eq for Article {}

impl Hash for Article {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.code().hash(state);
    }
}

impl PartialOrd for Article {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Article {
    fn cmp(&self, other: &Self) -> Ordering {
        self.code().cmp(&other.code())
    }
}

impl FromStr for Article {
    type Err = ArticleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Self::from_code)
    }
}

impl From<ArticleCode> for Article {
    fn from(code: ArticleCode) -> Self {
        Self::from_code(code)
    }
}

impl fmt::Display for Article {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.code(), f)
    }
}

impl fmt::Debug for Article {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Article({})", self.code())
    }
}

crate::text::serde_via_str!(Article);

string_enum! {
    /// How far a criminal case has gone.
    pub enum CriminalCaseStatus {
        Investigation => "investigation", "Under investigation",
        Charged => "charged", "Charged",
        ConvictedInAbsentia => "convicted_in_absentia", "Convicted in absentia",
        Convicted => "convicted", "Convicted",
        Closed => "closed", "Closed",
    }
}

impl CriminalCaseStatus {
    /// Charged or convicted (in absentia or not).
    pub fn is_charged_or_convicted(self) -> bool {
        matches!(
            self,
            Self::Charged | Self::ConvictedInAbsentia | Self::Convicted
        )
    }
}

/// A criminal case opened against the person in Russia. `Debug` hides the note.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriminalCase {
    pub article: Article,
    pub status: CriminalCaseStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opened_on: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl fmt::Debug for CriminalCase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CriminalCase")
            .field("article", &self.article)
            .field("status", &self.status)
            .field("opened_on", &self.opened_on)
            .field(
                "note",
                &self.note.as_ref().map(|_| format_args!("<redacted>")),
            )
            .finish()
    }
}

string_enum! {
    /// Russian registries that signal persecution.
    pub enum Registry {
        /// Ministry of Justice register of foreign agents.
        ForeignAgents => "foreign_agents", "Foreign agents register",
        /// Rosfinmonitoring list of terrorists and extremists.
        Rosfinmonitoring => "rosfinmonitoring", "Rosfinmonitoring list",
        /// Linked to an "undesirable organisation".
        UndesirableOrganisation => "undesirable_organisation", "Undesirable organisations list",
        /// Interior Ministry wanted list.
        InteriorWantedList => "interior_wanted_list", "Interior Ministry wanted list",
    }
}

/// A listing in a registry.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryEntry {
    pub registry: Registry,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_on: Option<PartialDate>,
}

string_enum! {
    /// Whether Russia has put the person on a wanted list.
    #[derive(Default)]
    pub enum WantedStatus {
        NotWanted => "not_wanted", "Not wanted",
        /// Wanted across Russia.
        Federal => "federal", "Federal wanted list",
        /// Wanted across the CIS.
        Interstate => "interstate", "Interstate wanted list",
        /// Wanted internationally.
        International => "international", "International wanted list",
        #[default]
        Unknown => "unknown", "Unknown",
    }
}

string_enum! {
    /// The person's position towards the Russian armed forces.
    #[derive(Default)]
    pub enum MilitaryStatus {
        NotApplicable => "not_applicable", "Not applicable",
        Reservist => "reservist", "Reservist",
        Conscript => "conscript", "Conscription age",
        Mobilised => "mobilised", "Mobilised",
        Deserter => "deserter", "Deserter",
        /// Received a draft summons and did not report.
        SummonsEvader => "summons_evader", "Evaded a summons",
        #[default]
        Unknown => "unknown", "Unknown",
    }
}

string_enum! {
    /// How visible the person's activism is.
    #[derive(Default)]
    pub enum PublicProfile {
        #[default]
        Low => "low", "Low",
        Moderate => "moderate", "Moderate",
        High => "high", "High",
    }
}

string_enum! {
    /// How much danger return to Russia means, in order.
    pub enum RiskLevel {
        Low => "low", "Low",
        Elevated => "elevated", "Elevated",
        High => "high", "High",
        Severe => "severe", "Severe",
    }
}

/// The risk the person faces on return to Russia. `Default` is "nothing known".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RussiaRisk {
    pub criminal_cases: Vec<CriminalCase>,
    pub registries: Vec<RegistryEntry>,
    pub wanted: WantedStatus,
    pub military: MilitaryStatus,
    pub public_profile: PublicProfile,
}

/// The years of maximum sentence from which a charge or conviction makes the risk severe.
pub const SEVERE_MIN_YEARS: u8 = 10;

impl RussiaRisk {
    /// The risk level, by the first rule that applies:
    ///
    /// - **Severe**: a criminal case that is charged or convicted (in absentia or not) under an
    ///   article carrying 10 years or more (or life); or the person is a deserter; or is on a
    ///   federal, interstate or international wanted list.
    /// - **High**: any criminal case not closed; any registry listing; mobilised; evaded a
    ///   summons.
    /// - **Elevated**: a closed criminal case; a high public profile; reservist or of
    ///   conscription age.
    /// - **Low**: otherwise.
    ///
    /// Unknown facts never raise the level: record them to raise it.
    pub fn level(&self) -> RiskLevel {
        self.assess()
            .into_iter()
            .map(|(level, _)| level)
            .max()
            .unwrap_or(RiskLevel::Low)
    }

    /// Why the level is what it is: one line per fact that raises the risk, most serious first,
    /// each prefixed with the level it alone would give ("severe: wanted: ..."). The first line
    /// always carries the overall level. Empty when the level is low. Never contains personal
    /// data (no names, notes or dates), only articles, statuses and categories.
    pub fn reasons(&self) -> Vec<String> {
        let mut all = self.assess();
        all.sort_by_key(|(level, _)| std::cmp::Reverse(*level));
        all.into_iter()
            .map(|(level, reason)| format!("{level}: {reason}"))
            .collect()
    }

    fn assess(&self) -> Vec<(RiskLevel, String)> {
        let mut found = Vec::new();
        for case in &self.criminal_cases {
            let article = case.article;
            let term = article.max_term();
            let what = match article.description() {
                Some(description) => format!("article {article} ({description}, {term})"),
                None => format!("article {article} ({term})"),
            };
            let level =
                if case.status.is_charged_or_convicted() && term.at_least_years(SEVERE_MIN_YEARS) {
                    RiskLevel::Severe
                } else if case.status == CriminalCaseStatus::Closed {
                    RiskLevel::Elevated
                } else {
                    RiskLevel::High
                };
            found.push((
                level,
                format!("criminal case under {what}: {}", case.status.label()),
            ));
        }
        for entry in &self.registries {
            found.push((
                RiskLevel::High,
                format!("listed: {}", entry.registry.label()),
            ));
        }
        match self.wanted {
            WantedStatus::Federal | WantedStatus::Interstate | WantedStatus::International => {
                found.push((
                    RiskLevel::Severe,
                    format!("wanted: {}", self.wanted.label()),
                ));
            }
            WantedStatus::NotWanted | WantedStatus::Unknown => {}
        }
        let military = match self.military {
            MilitaryStatus::Deserter => Some(RiskLevel::Severe),
            MilitaryStatus::Mobilised | MilitaryStatus::SummonsEvader => Some(RiskLevel::High),
            MilitaryStatus::Reservist | MilitaryStatus::Conscript => Some(RiskLevel::Elevated),
            MilitaryStatus::NotApplicable | MilitaryStatus::Unknown => None,
        };
        if let Some(level) = military {
            found.push((level, format!("military: {}", self.military.label())));
        }
        if self.public_profile == PublicProfile::High {
            found.push((RiskLevel::Elevated, "high public profile".to_owned()));
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(article: &str, status: CriminalCaseStatus) -> CriminalCase {
        CriminalCase {
            article: article.parse().unwrap(),
            status,
            opened_on: None,
            note: Some("SECRET NOTE".into()),
        }
    }

    #[test]
    fn article_codes_parse_and_round_trip() {
        assert_eq!("207.3".parse::<Article>().unwrap(), Article::ArmyFakes);
        assert!(matches!(
            "207.3".parse::<Article>().unwrap(),
            Article::ArmyFakes
        ));
        assert_eq!("275".parse::<Article>().unwrap(), Article::Treason);
        let other: Article = "318.1".parse().unwrap();
        assert!(matches!(other, Article::Other(_)));
        assert_eq!(other.to_string(), "318.1");
        assert_eq!(other.max_term(), MaxTerm::Unknown);
        assert_eq!(other.description(), None);
        assert_eq!("105".parse::<Article>().unwrap().to_string(), "105");
        for known in Article::KNOWN {
            let text = known.to_string();
            assert_eq!(text.parse::<Article>().unwrap(), *known);
            assert_eq!(serde_json::to_string(known).unwrap(), format!("\"{text}\""));
            assert!(known.description().is_some());
            assert!(known.is_known());
        }
        assert_eq!(Article::KNOWN.len(), ARTICLES.len());
        // Other holding a named code behaves like the named variant.
        let code: ArticleCode = "338".parse().unwrap();
        assert_eq!(Article::Other(code), Article::Desertion);
        assert_eq!(Article::Other(code).max_term(), MaxTerm::Years(15));
    }

    #[test]
    fn malformed_articles_are_rejected() {
        for bad in [
            "",
            "20.3.3",
            "207.",
            ".3",
            "207.3a",
            "2073",
            "07",
            "207.03",
            "207,3",
            " 207.3",
            "207.123",
            "art. 207.3",
            "0",
            "-1",
        ] {
            assert_eq!(bad.parse::<Article>(), Err(ArticleError), "{bad:?}");
        }
        assert!(serde_json::from_str::<Article>("\"20.3.3\"").is_err());
        assert!(serde_json::from_str::<Article>("207").is_err());
    }

    #[test]
    fn max_terms_follow_the_table() {
        assert_eq!(Article::ArmyFakes.max_term(), MaxTerm::Years(15));
        assert_eq!(Article::Treason.max_term(), MaxTerm::Life);
        assert_eq!(Article::ExtremistOrganisation.max_term(), MaxTerm::Unknown);
        assert!(!Article::ForeignAgentEvasion.max_term_verified());
        assert!(!Article::UndesirableOrganisation.max_term_verified());
        assert!(Article::Desertion.max_term_verified());
        assert!(Article::Desertion.is_military());
        assert!(!Article::ArmyFakes.is_military());
    }

    #[test]
    fn risk_levels() {
        use CriminalCaseStatus::*;
        let base = RussiaRisk::default();
        assert_eq!(base.level(), RiskLevel::Low);
        assert!(base.reasons().is_empty());

        let with = |f: &dyn Fn(&mut RussiaRisk)| {
            let mut r = RussiaRisk::default();
            f(&mut r);
            r.level()
        };
        assert_eq!(
            with(&|r| r.criminal_cases.push(case("207.3", Charged))),
            RiskLevel::Severe
        );
        assert_eq!(
            with(&|r| r.criminal_cases.push(case("275", ConvictedInAbsentia))),
            RiskLevel::Severe
        );
        assert_eq!(
            with(&|r| r.criminal_cases.push(case("207.3", Investigation))),
            RiskLevel::High
        );
        assert_eq!(
            with(&|r| r.criminal_cases.push(case("280.3", Convicted))),
            RiskLevel::High
        );
        assert_eq!(
            with(&|r| r.criminal_cases.push(case("207.3", Closed))),
            RiskLevel::Elevated
        );
        assert_eq!(
            with(&|r| r.criminal_cases.push(case("318.1", Charged))),
            RiskLevel::High
        );
        assert_eq!(
            with(&|r| r.registries.push(RegistryEntry {
                registry: Registry::ForeignAgents,
                listed_on: None
            })),
            RiskLevel::High
        );
        assert_eq!(
            with(&|r| r.wanted = WantedStatus::Federal),
            RiskLevel::Severe
        );
        assert_eq!(
            with(&|r| r.wanted = WantedStatus::NotWanted),
            RiskLevel::Low
        );
        assert_eq!(
            with(&|r| r.military = MilitaryStatus::Deserter),
            RiskLevel::Severe
        );
        assert_eq!(
            with(&|r| r.military = MilitaryStatus::Mobilised),
            RiskLevel::High
        );
        assert_eq!(
            with(&|r| r.military = MilitaryStatus::SummonsEvader),
            RiskLevel::High
        );
        assert_eq!(
            with(&|r| r.military = MilitaryStatus::Reservist),
            RiskLevel::Elevated
        );
        assert_eq!(
            with(&|r| r.public_profile = PublicProfile::High),
            RiskLevel::Elevated
        );
        assert_eq!(
            with(&|r| r.public_profile = PublicProfile::Moderate),
            RiskLevel::Low
        );
    }

    #[test]
    fn reasons_explain_the_level_without_personal_data() {
        let risk = RussiaRisk {
            criminal_cases: vec![
                case("207.3", CriminalCaseStatus::Charged),
                case("280.3", CriminalCaseStatus::Investigation),
            ],
            registries: vec![RegistryEntry {
                registry: Registry::ForeignAgents,
                listed_on: Some("2023-05".parse().unwrap()),
            }],
            wanted: WantedStatus::International,
            military: MilitaryStatus::Reservist,
            public_profile: PublicProfile::High,
        };
        assert_eq!(risk.level(), RiskLevel::Severe);
        let reasons = risk.reasons();
        assert_eq!(
            reasons,
            [
                "severe: criminal case under article 207.3 (\"fakes\" about the army, up to 15 years): Charged",
                "severe: wanted: International wanted list",
                "high: criminal case under article 280.3 (\"discrediting\" the army, up to 7 years): Under investigation",
                "high: listed: Foreign agents register",
                "elevated: military: Reservist",
                "elevated: high public profile",
            ]
        );
        for reason in &reasons {
            assert!(!reason.contains("SECRET"));
            assert!(!reason.contains("2023"));
        }
        assert!(!format!("{risk:?}").contains("SECRET"));
    }

    #[test]
    fn levels_are_ordered() {
        assert!(RiskLevel::Low < RiskLevel::Elevated);
        assert!(RiskLevel::High < RiskLevel::Severe);
    }
}
