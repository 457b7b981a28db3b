//! API tokens as the domain sees them: the scopes a token is limited to, the one table that says
//! which permissions each scope covers, the label an administrator gives a token, and its
//! bounded lifetime.
//!
//! A token acts as one user, and never for more than that user's role allows: its effective
//! permissions are the role's permissions **intersected** with those its scopes cover
//! ([`permitted`]). Default deny: a permission no scope covers (everything an administrator
//! does, for one) is out of reach of every token.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::access::{Permission, Role};
use crate::enums::UnknownValue;

string_enum! {
    /// What an API token may be used for. Spelled as in OAuth (`cases:read`).
    pub enum ApiScope {
        /// Open, list and search cases, and read the dashboard figures.
        CasesRead => "cases:read", "Read, list and search cases",
        /// Create cases and change their contents.
        CasesWrite => "cases:write", "Create and edit cases",
        /// Share cases with another organisation or refer them to a sponsor's, and undo it.
        CasesShare => "cases:share", "Share and refer cases to other organisations",
        /// Read the referrals made to the token's organisation (sponsors).
        ReferralsRead => "referrals:read", "Read referrals",
        /// Screen names against the sanctions and registry lists (`/match`).
        ScreeningRun => "screening:run", "Screen names against the lists",
        /// Subscribe to the removal watch calendar (ICS feed: case codes, never names).
        CalendarRead => "calendar:read", "Read the removal watch calendar",
    }
}

use Permission::*;

/// The one table that says which permissions each scope covers. [`ApiScope::covers`] reads only
/// this table; a permission not listed here is covered by no scope.
pub const SCOPES: &[(ApiScope, &[Permission])] = &[
    (ApiScope::CasesRead, &[CaseRead, CaseList, CaseSearch]),
    (ApiScope::CasesWrite, &[CaseCreate, CaseEdit]),
    (ApiScope::CasesShare, &[CaseShare, ReferralManage]),
    (ApiScope::ReferralsRead, &[ReferralRead]),
    (ApiScope::ScreeningRun, &[ScreeningRun]),
    (ApiScope::CalendarRead, &[CalendarRead]),
];

impl ApiScope {
    /// The permissions this scope covers, in table order.
    pub fn permissions(self) -> &'static [Permission] {
        SCOPES
            .iter()
            .find(|(scope, _)| *scope == self)
            .map_or(&[], |(_, covered)| covered)
    }

    /// Whether this scope covers `permission` (only if [`SCOPES`] says so).
    pub fn covers(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }

    /// The scope that covers `permission`, if any (each permission is in at most one scope).
    pub fn covering(permission: Permission) -> Option<ApiScope> {
        ApiScope::ALL.iter().copied().find(|s| s.covers(permission))
    }
}

/// Whether a principal may do `permission`: its role must allow it, and when it acts through an
/// API token (`scopes` is `Some`), one of the token's scopes must cover it too.
pub fn permitted(role: Role, scopes: Option<&ApiScopes>, permission: Permission) -> bool {
    role.may(permission) && scopes.is_none_or(|scopes| scopes.covers(permission))
}

/// Why a set of scopes was refused. Messages never repeat the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiScopesError {
    #[error("at least one scope is needed; expected some of: {}", ApiScope::NAMES.join(", "))]
    Empty,
    #[error("{0}")]
    Unknown(#[from] UnknownValue),
}

/// The scopes of a token: a non-empty set. Its text form (as stored) is the scope names in
/// declaration order, separated by single spaces, as in OAuth.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ApiScopes(BTreeSet<ApiScope>);

impl ApiScopes {
    /// The set of `scopes`; refused if empty. Repeats are ignored.
    pub fn new(scopes: impl IntoIterator<Item = ApiScope>) -> Result<ApiScopes, ApiScopesError> {
        let set: BTreeSet<ApiScope> = scopes.into_iter().collect();
        if set.is_empty() {
            return Err(ApiScopesError::Empty);
        }
        Ok(ApiScopes(set))
    }

    /// The scopes, in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = ApiScope> + '_ {
        self.0.iter().copied()
    }

    pub fn contains(&self, scope: ApiScope) -> bool {
        self.0.contains(&scope)
    }

    /// Whether one of the scopes covers `permission`.
    pub fn covers(&self, permission: Permission) -> bool {
        self.iter().any(|scope| scope.covers(permission))
    }

    /// What a token with these scopes, acting as a user of `role`, may do: the role's
    /// permissions that one of the scopes covers, in the role's table order.
    pub fn effective_permissions(&self, role: Role) -> Vec<Permission> {
        role.permissions()
            .iter()
            .copied()
            .filter(|p| permitted(role, Some(self), *p))
            .collect()
    }

    /// The scopes that give a user of `role` nothing (e.g. `cases:share` for a caseworker).
    pub fn useless_for(&self, role: Role) -> Vec<ApiScope> {
        self.iter()
            .filter(|scope| !scope.permissions().iter().any(|p| role.may(*p)))
            .collect()
    }
}

impl FromStr for ApiScopes {
    type Err = ApiScopesError;

    /// Scope names separated by whitespace.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let scopes = s
            .split_whitespace()
            .map(str::parse)
            .collect::<Result<Vec<ApiScope>, _>>()?;
        ApiScopes::new(scopes)
    }
}

impl fmt::Display for ApiScopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(ApiScope::as_str).collect();
        f.write_str(&names.join(" "))
    }
}

/// As a JSON list of scope names.
impl serde::Serialize for ApiScopes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> serde::Deserialize<'de> for ApiScopes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let scopes = <Vec<ApiScope> as serde::Deserialize>::deserialize(deserializer)?;
        ApiScopes::new(scopes).map_err(serde::de::Error::custom)
    }
}

/// The longest token label, in characters.
pub const MAX_TOKEN_LABEL_CHARS: usize = 64;

/// Why a token label was refused. Messages never repeat the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenLabelError {
    #[error("the label must not be empty")]
    Empty,
    #[error("the label must be at most {MAX_TOKEN_LABEL_CHARS} characters")]
    TooLong,
    #[error("the label may contain only ASCII letters, digits, spaces and - _ . : /")]
    InvalidCharacter,
}

/// What a token is for, as its administrator names it ("nightly export", "intake bot"). It is
/// stored and shown in plain text, so the alphabet is narrow: name the purpose, never a person.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TokenLabel(String);

impl TokenLabel {
    /// A trimmed label of 1 to 64 characters from `A-Z a-z 0-9`, space and `- _ . : /`.
    pub fn new(text: &str) -> Result<TokenLabel, TokenLabelError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(TokenLabelError::Empty);
        }
        if text.chars().count() > MAX_TOKEN_LABEL_CHARS {
            return Err(TokenLabelError::TooLong);
        }
        if !text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | ':' | '/'))
        {
            return Err(TokenLabelError::InvalidCharacter);
        }
        Ok(TokenLabel(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for TokenLabel {
    type Err = TokenLabelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TokenLabel::new(s)
    }
}

impl fmt::Display for TokenLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

crate::text::serde_via_str!(TokenLabel);

string_enum! {
    /// Where a token stands.
    pub enum TokenStatus {
        /// Usable (if its user is not disabled).
        Active => "active", "Active",
        /// Past its expiry time.
        Expired => "expired", "Expired",
        /// Revoked by an administrator or the operator.
        Revoked => "revoked", "Revoked",
    }
}

impl TokenStatus {
    /// The status at `now` of a token revoked at `revoked_at` (if ever) that expires at
    /// `expires_at`. Revoked wins over expired; a token expires at `expires_at` exactly.
    pub fn at(
        revoked_at: Option<DateTime<Utc>>,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> TokenStatus {
        if revoked_at.is_some() {
            TokenStatus::Revoked
        } else if now >= expires_at {
            TokenStatus::Expired
        } else {
            TokenStatus::Active
        }
    }
}

/// The longest lifetime a token may be given, in days: every token expires.
pub const MAX_TOKEN_DAYS: u16 = 365;
/// The lifetime of a token when none is asked for, in days.
pub const DEFAULT_TOKEN_DAYS: u16 = 90;

/// A lifetime was out of range. The message names the range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a token lives 1 to {MAX_TOKEN_DAYS} days")]
pub struct TokenLifetimeError;

/// How long a token lives from its creation: 1 to [`MAX_TOKEN_DAYS`] days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenLifetime(u16);

impl TokenLifetime {
    pub const DEFAULT: TokenLifetime = TokenLifetime(DEFAULT_TOKEN_DAYS);

    pub fn days(days: u16) -> Result<TokenLifetime, TokenLifetimeError> {
        if (1..=MAX_TOKEN_DAYS).contains(&days) {
            Ok(TokenLifetime(days))
        } else {
            Err(TokenLifetimeError)
        }
    }

    pub fn as_days(self) -> u16 {
        self.0
    }

    pub fn as_duration(self) -> chrono::Duration {
        chrono::Duration::days(i64::from(self.0))
    }
}

impl Default for TokenLifetime {
    fn default() -> Self {
        TokenLifetime::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_follow_the_conventions() {
        check_string_enums!(ApiScope, TokenStatus);
    }

    #[test]
    fn every_scope_appears_once_and_no_permission_is_in_two_scopes() {
        let mut seen = BTreeSet::new();
        let mut covered = BTreeSet::new();
        for (scope, permissions) in SCOPES {
            assert!(seen.insert(*scope), "{scope} appears twice");
            assert!(!permissions.is_empty(), "{scope} covers nothing");
            for p in *permissions {
                assert!(covered.insert(*p), "{p} is in two scopes");
            }
        }
        assert_eq!(
            seen.len(),
            ApiScope::ALL.len(),
            "every scope is in the table"
        );
    }

    #[test]
    fn no_scope_reaches_what_only_administrators_do() {
        for p in Role::Admin.permissions() {
            assert_eq!(ApiScope::covering(*p), None, "{p} is reachable by a token");
        }
        for p in [CasePurge, Permission::Backup, UserManage, ApiTokenManage] {
            assert_eq!(ApiScope::covering(p), None, "{p}");
        }
    }

    #[test]
    fn a_token_may_do_what_its_role_and_a_scope_both_allow() {
        let read = ApiScopes::new([ApiScope::CasesRead]).unwrap();
        let all = ApiScopes::new(ApiScope::ALL.iter().copied()).unwrap();
        for role in Role::ALL {
            for p in Permission::ALL {
                // Without a token: the role alone.
                assert_eq!(permitted(*role, None, *p), role.may(*p));
                // With one: both, computed independently of `permitted`.
                let by_table = SCOPES
                    .iter()
                    .any(|(s, ps)| read.contains(*s) && ps.contains(p));
                assert_eq!(
                    permitted(*role, Some(&read), *p),
                    role.may(*p) && by_table,
                    "{role} {p}"
                );
                assert!(!permitted(*role, Some(&all), *p) || role.may(*p));
            }
        }
        assert_eq!(
            read.effective_permissions(Role::Caseworker),
            vec![CaseRead, CaseList, CaseSearch]
        );
        assert!(
            all.effective_permissions(Role::Admin).is_empty(),
            "an administrator's token can do nothing"
        );
        assert!(!permitted(Role::Caseworker, Some(&read), CaseCreate));
        assert!(!permitted(
            Role::Caseworker,
            Some(&ApiScopes::new([ApiScope::CasesShare]).unwrap()),
            CaseShare
        ));
        assert!(permitted(
            Role::Coordinator,
            Some(&ApiScopes::new([ApiScope::CasesShare]).unwrap()),
            CaseShare
        ));
    }

    #[test]
    fn useless_scopes_are_named() {
        let scopes = ApiScopes::new([ApiScope::CasesRead, ApiScope::CasesShare]).unwrap();
        assert_eq!(
            scopes.useless_for(Role::Caseworker),
            vec![ApiScope::CasesShare]
        );
        assert!(scopes.useless_for(Role::Coordinator).is_empty());
        assert_eq!(scopes.useless_for(Role::Admin).len(), 2);
    }

    #[test]
    fn scope_sets_parse_print_and_refuse_without_echo() {
        let scopes: ApiScopes = " cases:share  cases:read cases:read ".parse().unwrap();
        assert_eq!(scopes.to_string(), "cases:read cases:share");
        assert_eq!(scopes.to_string().parse::<ApiScopes>().unwrap(), scopes);
        assert_eq!("".parse::<ApiScopes>(), Err(ApiScopesError::Empty));
        assert_eq!(ApiScopes::new([]), Err(ApiScopesError::Empty));
        let err = "cases:read SECRET:write".parse::<ApiScopes>().unwrap_err();
        assert!(!err.to_string().contains("SECRET"));
        assert!(err.to_string().contains("cases:read"));
        let json = serde_json::to_string(&scopes).unwrap();
        assert_eq!(json, r#"["cases:read","cases:share"]"#);
        assert_eq!(serde_json::from_str::<ApiScopes>(&json).unwrap(), scopes);
        assert!(serde_json::from_str::<ApiScopes>("[]").is_err());
        assert!(serde_json::from_str::<ApiScopes>(r#"["cases_read"]"#).is_err());
    }

    #[test]
    fn labels_are_short_plain_and_checked_without_echo() {
        assert_eq!(
            TokenLabel::new("  nightly export: v2/ci ")
                .unwrap()
                .as_str(),
            "nightly export: v2/ci"
        );
        assert!(TokenLabel::new(&"a".repeat(64)).is_ok());
        assert_eq!(TokenLabel::new(" "), Err(TokenLabelError::Empty));
        assert_eq!(
            TokenLabel::new(&"a".repeat(65)),
            Err(TokenLabelError::TooLong)
        );
        for bad in ["Ярослава", "a\nb", "x@y", "SECRET<script>"] {
            let err = TokenLabel::new(bad).unwrap_err();
            assert_eq!(err, TokenLabelError::InvalidCharacter, "{bad:?}");
            assert!(!err.to_string().contains("SECRET"));
        }
        assert!(serde_json::from_str::<TokenLabel>("\"a\\u0000b\"").is_err());
    }

    #[test]
    fn revoked_wins_and_expiry_is_exact() {
        let t = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let second = chrono::Duration::seconds(1);
        assert_eq!(TokenStatus::at(None, t, t - second), TokenStatus::Active);
        assert_eq!(TokenStatus::at(None, t, t), TokenStatus::Expired);
        assert_eq!(
            TokenStatus::at(Some(t), t + second, t),
            TokenStatus::Revoked
        );
        assert_eq!(
            TokenStatus::at(Some(t), t, t + second),
            TokenStatus::Revoked
        );
    }

    #[test]
    fn lifetimes_are_bounded() {
        assert_eq!(TokenLifetime::default().as_days(), DEFAULT_TOKEN_DAYS);
        assert_eq!(TokenLifetime::days(1).unwrap().as_duration().num_days(), 1);
        assert!(TokenLifetime::days(MAX_TOKEN_DAYS).is_ok());
        assert_eq!(TokenLifetime::days(0), Err(TokenLifetimeError));
        assert_eq!(
            TokenLifetime::days(MAX_TOKEN_DAYS + 1),
            Err(TokenLifetimeError)
        );
    }
}
