//! Identifiers: random v4 UUIDs wrapped in one type per entity, so that a case id can never be
//! passed where an organisation id is expected.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

/// A string was not a UUID. The message names the kind of id, never the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what}; expected a UUID such as 67e55044-10b1-426f-9247-bb680e5fe0c8")]
pub struct IdError {
    /// Which kind of id was expected ("case id", ...).
    pub what: &'static str,
}

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh random (v4) id.
            pub fn random() -> Self {
                Self(Uuid::new_v4())
            }

            /// Wraps an existing UUID.
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The wrapped UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0.hyphenated())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl FromStr for $name {
            type Err = IdError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::try_parse(s).map(Self).map_err(|_| IdError { what: $what })
            }
        }

        crate::text::serde_via_str!($name);
    };
}

id_type!(
    /// Identifies a case.
    CaseId,
    "case id"
);
id_type!(
    /// Identifies an organisation.
    OrgId,
    "organisation id"
);
id_type!(
    /// Identifies a claim on a case's timeline.
    ClaimId,
    "claim id"
);
id_type!(
    /// Identifies a user account.
    UserId,
    "user id"
);
id_type!(
    /// Identifies an API token (never its secret: the id is what lists, logs and the audit log
    /// show).
    ApiTokenId,
    "API token id"
);

id_type!(
    /// Identifies an evidence item (a file or link, or a copy derived from one).
    EvidenceId,
    "evidence id"
);
id_type!(
    /// Identifies a family unit: the cases of people who travel together, so selection takes
    /// all of them or none.
    FamilyUnitId,
    "family unit id"
);
id_type!(
    /// Identifies a screening alert: one possible match of a case with a listed entry.
    AlertId,
    "alert id"
);
id_type!(
    /// Identifies a removal flight (one departure, whatever the reports about it say).
    FlightId,
    "flight id"
);
id_type!(
    /// Identifies one report about a removal flight.
    FlightReportId,
    "flight report id"
);
id_type!(
    /// Identifies a recorded check-in with a person after removal.
    CheckInId,
    "check-in id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_as_hyphenated_strings() {
        let id = CaseId::random();
        let text = id.to_string();
        assert_eq!(text.len(), 36);
        assert_eq!(text.parse::<CaseId>().unwrap(), id);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{text}\""));
        assert_eq!(serde_json::from_str::<CaseId>(&json).unwrap(), id);
        assert_ne!(CaseId::random(), CaseId::random());
    }

    #[test]
    fn bad_ids_are_rejected_without_echo() {
        let err = "not-a-uuid-SECRET".parse::<OrgId>().unwrap_err();
        assert_eq!(err.what, "organisation id");
        assert!(!err.to_string().contains("SECRET"));
        let err = serde_json::from_str::<ClaimId>("\"SECRET\"").unwrap_err();
        assert!(!err.to_string().contains("SECRET"));
        assert!(serde_json::from_str::<ClaimId>("42").is_err());
    }
}
