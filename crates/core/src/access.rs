//! Who may do what: roles, permissions and the one table that joins them, plus the user
//! account as the domain sees it.
//!
//! Authorisation is **default deny**: a role may do exactly what [`PERMISSIONS`] lists for it,
//! and nothing else. A permission missing from the table, or a role missing from it, is refused.
//! Which *cases* a permission reaches (the user's organisation's, or those shared with it) is a
//! separate rule, applied by the use cases.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::ids::{OrgId, UserId};

string_enum! {
    /// What a user does in Corridor (see DESIGN.md, "Who uses it"). Every account has one role.
    pub enum Role {
        /// Intake of a person at risk, US immigration status, hearings, evidence, notes.
        Caseworker => "caseworker", "Caseworker",
        /// Checks evidence and signs it off (never their own uploads).
        Verifier => "verifier", "Verifier",
        /// Eligibility checklist, inadmissibility flags, court dates, stays.
        Legal => "legal", "Legal",
        /// Priority board, capacity per program, referrals, flights, alerts.
        Coordinator => "coordinator", "Coordinator",
        /// Sanctions and watch-list screening, list comparison, designation proposals.
        Analyst => "analyst", "Analyst",
        /// A Canadian partner: sees only the cases referred to it, only the referral fields.
        Sponsor => "sponsor", "Sponsor",
        /// Users, organisations, keys, backups.
        Admin => "admin", "Administrator",
    }
}

string_enum! {
    /// One thing a user may be allowed to do.
    pub enum Permission {
        /// Open a case and read its sealed contents (names, person, status, risk, notes, claims).
        CaseRead => "case_read", "Read cases",
        /// See the case list (which shows display names).
        CaseList => "case_list", "List cases",
        /// Search cases by name.
        CaseSearch => "case_search", "Search cases",
        /// Add a case.
        CaseCreate => "case_create", "Create cases",
        /// Change a case's contents: status, hearings, evidence, notes, claims.
        CaseEdit => "case_edit", "Edit cases",
        /// Move a case through the workflow.
        CaseTransition => "case_transition", "Move cases through the workflow",
        /// Crypto-shred a case.
        CasePurge => "case_purge", "Purge cases",
        /// Share a case with another organisation, or stop sharing it.
        CaseShare => "case_share", "Share cases with other organisations",
        /// Sign off evidence.
        EvidenceVerify => "evidence_verify", "Verify evidence",
        /// Eligibility checklist and inadmissibility flags.
        LegalReview => "legal_review", "Legal review",
        /// Prepare, send and track referrals.
        ReferralManage => "referral_manage", "Manage referrals",
        /// Read the referral fields of the cases referred to one's organisation, and no more.
        ReferralRead => "referral_read", "Read referrals",
        /// Run sanctions and watch-list screening.
        ScreeningRun => "screening_run", "Run screening",
        /// Work the screening review queue: read possible matches and decide them.
        ScreeningReview => "screening_review", "Review screening matches",
        /// Read the audit log.
        AuditRead => "audit_read", "Read the audit log",
        /// Create, disable and reset user accounts.
        UserManage => "user_manage", "Manage users",
        /// Create and rename organisations.
        OrganisationManage => "organisation_manage", "Manage organisations",
        /// Make and restore backups.
        Backup => "backup", "Backups",
        /// Issue and revoke API tokens.
        ApiTokenManage => "api_token_manage", "Manage API tokens",
        /// Record removal flights, check-ins and field reports; acknowledge and assign the
        /// removal watch's alerts.
        WatchManage => "watch_manage", "Keep the removal watch",
        /// Read the removal watch calendar (the feed carries case codes, never names).
        CalendarRead => "calendar_read", "Read the removal watch calendar",
        /// Export the public aggregate report (counts by month, none under five).
        ReportExport => "report_export", "Export the aggregate report",
    }
}

string_enum! {
    /// What a grant of a case to another organisation lets it read.
    #[derive(Default)]
    pub enum GrantKind {
        /// The whole case, as its owner reads it.
        #[default]
        Share => "share", "Shared",
        /// Only the fields of the referral (for a sponsor's organisation).
        Referral => "referral", "Referred",
    }
}

use Permission::*;

/// The one table that says which role may do what. [`Role::may`] reads only this table, and
/// anything not listed here is refused.
///
/// Least privilege throughout:
/// - **admin** runs the installation (users, organisations, API tokens, backups, the audit log)
///   but does **not** read, list or search cases. Administering accounts needs no case contents,
///   and an admin account is the one an attacker most wants: if it is taken over, it must not
///   hand over the people in the cases. (Backups stay sealed under the root key.) A person who
///   needs both duties has two accounts.
/// - **sponsor** reads only the referral fields of cases referred to its organisation; it has no
///   general case access at all.
/// - **verifier** reads cases to check evidence but does not edit them or move them on.
/// - **analyst** reads cases to judge screening hits but does not edit them.
/// - purging (irreversible) and sharing with another organisation belong to the coordinator.
pub const PERMISSIONS: &[(Role, &[Permission])] = &[
    (
        Role::Caseworker,
        &[
            CaseRead,
            CaseList,
            CaseSearch,
            CaseCreate,
            CaseEdit,
            CaseTransition,
            WatchManage,
            CalendarRead,
        ],
    ),
    (
        Role::Verifier,
        &[CaseRead, CaseList, CaseSearch, EvidenceVerify],
    ),
    (
        Role::Legal,
        &[
            CaseRead,
            CaseList,
            CaseSearch,
            CaseEdit,
            CaseTransition,
            LegalReview,
            WatchManage,
            CalendarRead,
        ],
    ),
    (
        Role::Coordinator,
        &[
            CaseRead,
            CaseList,
            CaseSearch,
            CaseEdit,
            CaseTransition,
            CasePurge,
            CaseShare,
            ReferralManage,
            ReferralRead,
            WatchManage,
            CalendarRead,
            ReportExport,
        ],
    ),
    (
        Role::Analyst,
        &[
            CaseRead,
            CaseList,
            CaseSearch,
            ScreeningRun,
            ScreeningReview,
        ],
    ),
    (Role::Sponsor, &[ReferralRead]),
    (
        Role::Admin,
        &[
            UserManage,
            OrganisationManage,
            Backup,
            ApiTokenManage,
            AuditRead,
        ],
    ),
];

impl Role {
    /// Whether this role may do `permission`: true only if [`PERMISSIONS`] says so.
    pub fn may(self, permission: Permission) -> bool {
        PERMISSIONS
            .iter()
            .filter(|(role, _)| *role == self)
            .any(|(_, granted)| granted.contains(&permission))
    }

    /// Everything this role may do, in table order (empty for a role missing from the table).
    pub fn permissions(self) -> &'static [Permission] {
        PERMISSIONS
            .iter()
            .find(|(role, _)| *role == self)
            .map_or(&[], |(_, granted)| granted)
    }
}

/// The shortest username accepted, in characters.
pub const MIN_USERNAME_CHARS: usize = 3;
/// The longest username accepted, in characters.
pub const MAX_USERNAME_CHARS: usize = 64;

/// Why a username was rejected. Messages never repeat the input (a password typed into the
/// username field must not end up in a log).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("username must be at least {MIN_USERNAME_CHARS} characters")]
    TooShort,
    #[error("username must be at most {MAX_USERNAME_CHARS} characters")]
    TooLong,
    #[error("username may contain only a-z, 0-9, '.', '_' and '-'")]
    InvalidCharacter,
    #[error("username must start with a letter or a digit")]
    InvalidStart,
}

/// A login name: 3 to 64 characters from `a-z 0-9 . _ -`, starting with a letter or digit
/// (so it can never be mistaken for a command-line option). Input is trimmed and ASCII
/// letters are lowercased, so `Alice` and `alice` are the same account.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Username(String);

impl Username {
    /// A validated, lowercased username.
    pub fn new(name: &str) -> Result<Self, UsernameError> {
        let name = name.trim().to_ascii_lowercase();
        let chars = name.chars().count();
        if chars < MIN_USERNAME_CHARS {
            return Err(UsernameError::TooShort);
        }
        if chars > MAX_USERNAME_CHARS {
            return Err(UsernameError::TooLong);
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        {
            return Err(UsernameError::InvalidCharacter);
        }
        if !name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) {
            return Err(UsernameError::InvalidStart);
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Username {
    type Err = UsernameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

crate::text::serde_via_str!(Username);

/// A user account as the domain sees it: no credentials (those live with the app and store).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub organisation: OrgId,
    pub username: Username,
    pub role: Role,
    /// A disabled account cannot log in, and its sessions end.
    pub disabled: bool,
    /// Whether the account has confirmed its TOTP authenticator. Until it has, the next login
    /// leads to enrolment; no session is ever granted without a second factor.
    pub totp_enrolled: bool,
    pub created_at: DateTime<Utc>,
}

impl User {
    /// Whether this user's role may do `permission` (see [`PERMISSIONS`]).
    pub fn may(&self, permission: Permission) -> bool {
        self.role.may(permission)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_role_appears_once_and_grants_no_permission_twice() {
        let mut roles = BTreeSet::new();
        for (role, granted) in PERMISSIONS {
            assert!(roles.insert(*role), "{role} appears twice");
            let unique: BTreeSet<_> = granted.iter().collect();
            assert_eq!(
                unique.len(),
                granted.len(),
                "{role} lists a permission twice"
            );
        }
    }

    #[test]
    fn every_role_has_a_permission_and_every_permission_a_role() {
        for role in Role::ALL {
            assert!(!role.permissions().is_empty(), "{role} may do nothing");
        }
        for permission in Permission::ALL {
            assert!(
                Role::ALL.iter().any(|role| role.may(*permission)),
                "nobody may {permission}"
            );
        }
    }

    #[test]
    fn may_is_exactly_membership_in_the_table() {
        // Built independently of `may`, from the table's rows.
        let granted: BTreeSet<(Role, Permission)> = PERMISSIONS
            .iter()
            .flat_map(|(role, ps)| ps.iter().map(move |p| (*role, *p)))
            .collect();
        for role in Role::ALL {
            for permission in Permission::ALL {
                assert_eq!(
                    role.may(*permission),
                    granted.contains(&(*role, *permission)),
                    "{role} / {permission}"
                );
                assert_eq!(
                    role.may(*permission),
                    role.permissions().contains(permission)
                );
            }
        }
    }

    #[test]
    fn least_privilege_where_it_matters() {
        for p in [CaseRead, CaseList, CaseSearch, CaseEdit, CaseCreate] {
            assert!(!Role::Sponsor.may(p), "sponsor may {p}");
            assert!(!Role::Admin.may(p), "admin may {p}");
        }
        assert_eq!(Role::Sponsor.permissions(), &[ReferralRead]);
        for role in Role::ALL {
            if *role != Role::Admin {
                assert!(!role.may(UserManage), "{role} may manage users");
                assert!(!role.may(Backup), "{role} may make backups");
            }
        }
        assert!(!Role::Verifier.may(CaseEdit));
        assert!(!Role::Analyst.may(CaseEdit));
        assert!(Role::Coordinator.may(CasePurge));
        assert!(!Role::Caseworker.may(CasePurge));
    }

    #[test]
    fn usernames_are_lowercased_and_checked_without_echo() {
        assert_eq!(
            Username::new("  Alice.B_2-x ").unwrap().as_str(),
            "alice.b_2-x"
        );
        assert_eq!(Username::new("abc").unwrap().as_str(), "abc");
        assert!(Username::new(&"a".repeat(64)).is_ok());
        assert_eq!(Username::new("ab"), Err(UsernameError::TooShort));
        assert_eq!(Username::new(""), Err(UsernameError::TooShort));
        assert_eq!(Username::new(&"a".repeat(65)), Err(UsernameError::TooLong));
        for bad in [
            "al ice",
            "alice@x",
            "алиса",
            "a/b",
            "a\u{0}b",
            "ali\u{130}e",
        ] {
            let err = Username::new(bad).unwrap_err();
            assert_eq!(err, UsernameError::InvalidCharacter, "{bad:?}");
        }
        for bad in ["-rf", ".abc", "_abc"] {
            assert_eq!(
                Username::new(bad),
                Err(UsernameError::InvalidStart),
                "{bad}"
            );
        }
        let err = Username::new("SECRET password!").unwrap_err();
        assert!(!err.to_string().contains("SECRET"));
        assert!(!err.to_string().to_lowercase().contains("secret"));
        let json = serde_json::to_string(&Username::new("bob").unwrap()).unwrap();
        assert_eq!(json, "\"bob\"");
        assert!(serde_json::from_str::<Username>("\"b b\"").is_err());
    }

    #[test]
    fn enums_follow_the_conventions() {
        check_string_enums!(Role, Permission);
    }
}
