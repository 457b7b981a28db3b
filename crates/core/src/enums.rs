//! The one macro that gives every closed set of values the same shape: serde by the machine
//! spelling, `ALL`, `NAMES`, `as_str`, `label`, `FromStr` and `Display`.

/// A string did not name any value of a closed set. The message lists the accepted values and
/// never repeats the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown value; expected one of: {}", .expected.join(", "))]
pub struct UnknownValue {
    /// The accepted spellings.
    pub expected: &'static [&'static str],
}

/// Declares a unit-only enum with the project's conventions.
///
/// ```text
/// string_enum! {
///     /// Docs.
///     pub enum Colour {
///         /// Docs.
///         Red => "red", "Red",
///     }
/// }
/// ```
///
/// The `"red"` spelling is the one spelling everywhere: `as_str`, `FromStr`, `Display` and serde
/// (each variant is renamed to it). Spellings are snake_case, except where a format outside
/// Corridor sets them (API scopes are `cases:read`); a unit test checks every enum in the crate.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident => $s:literal, $label:literal
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $s)] $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The machine spelling of every value, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($s),+];

            /// The machine spelling (snake_case), as in JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $s),+
                }
            }

            /// A short English label for people.
            pub fn label(self) -> &'static str {
                match self {
                    $(Self::$variant => $label),+
                }
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = $crate::enums::UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($s => Ok(Self::$variant),)+
                    _ => Err($crate::enums::UnknownValue { expected: Self::NAMES }),
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Checks the conventions for the listed enums: serde's spelling equals `as_str`, `FromStr`
/// inverts `as_str`, `ALL` and `NAMES` agree, and labels are non-empty.
#[cfg(test)]
macro_rules! check_string_enums {
    ($($ty:ty),+ $(,)?) => {
        $(
            assert_eq!(<$ty>::ALL.len(), <$ty>::NAMES.len());
            for (value, name) in <$ty>::ALL.iter().zip(<$ty>::NAMES) {
                assert_eq!(value.as_str(), *name);
                assert_eq!(
                    serde_json::to_string(value).unwrap(),
                    format!("\"{}\"", value.as_str()),
                );
                let back: $ty = serde_json::from_str(&format!("\"{}\"", name)).unwrap();
                assert_eq!(back, *value);
                assert_eq!(name.parse::<$ty>().unwrap(), *value);
                assert_eq!(value.to_string(), *name);
                assert!(!value.label().is_empty());
            }
            let err = "NOT-A-VALUE".parse::<$ty>().unwrap_err();
            assert!(!err.to_string().contains("NOT-A-VALUE"));
            assert!(err.to_string().contains(<$ty>::NAMES[0]));
        )+
    };
}

#[cfg(test)]
mod tests {
    use crate::audit::{AuditAction, AuditOutcome};
    use crate::claim::{Confidence, SourceKind};
    use crate::person::{CanadianStatus, Gender, NameKind, Relation, Script};
    use crate::program::Pathway;
    use crate::risk::{
        CriminalCaseStatus, MilitaryStatus, PublicProfile, Registry, RiskLevel, WantedStatus,
    };
    use crate::us_status::{Custody, HearingKind, ProceedingsStage, Relief, StayKind};
    use crate::workflow::Stage;
    use crate::{
        AlertStatus, Check, EvidenceKind, MediaType, ReviewStep, StrengthLevel, Verdict,
        VerificationStatus,
    };

    #[test]
    fn every_enum_follows_the_conventions() {
        check_string_enums!(
            Script,
            NameKind,
            Gender,
            Relation,
            CanadianStatus,
            Custody,
            ProceedingsStage,
            Relief,
            HearingKind,
            StayKind,
            CriminalCaseStatus,
            Registry,
            WantedStatus,
            MilitaryStatus,
            PublicProfile,
            RiskLevel,
            SourceKind,
            Confidence,
            Stage,
            Pathway,
            AuditAction,
            AuditOutcome,
            AlertStatus,
            Verdict,
            EvidenceKind,
            Check,
            VerificationStatus,
            ReviewStep,
            StrengthLevel,
            MediaType,
        );
    }

    #[test]
    fn unknown_value_lists_the_accepted_values() {
        let err = "x".parse::<Gender>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown value; expected one of: female, male, other, unknown"
        );
    }
}
