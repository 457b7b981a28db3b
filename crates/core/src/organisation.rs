//! Organisations own cases.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ids::OrgId;
use crate::text::{self, TextError};

/// The longest organisation name accepted, in characters.
pub const MAX_ORG_NAME_CHARS: usize = 120;

/// Why an organisation name was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("organisation name {0}")]
pub struct OrgNameError(#[from] pub TextError);

/// An organisation's name: trimmed, non-empty, at most 120 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrgName(String);

impl OrgName {
    /// A validated name.
    pub fn new(name: &str) -> Result<Self, OrgNameError> {
        Ok(Self(text::clean(name, MAX_ORG_NAME_CHARS, false)?))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for OrgName {
    type Err = OrgNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for OrgName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

crate::text::serde_via_str!(OrgName);

/// An organisation using Corridor.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub id: OrgId,
    pub name: OrgName,
}

impl Organisation {
    /// A new organisation with a fresh id.
    pub fn new(name: OrgName) -> Self {
        Self {
            id: OrgId::random(),
            name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            OrgName::new("  Safe Passage  ").unwrap().as_str(),
            "Safe Passage"
        );
        assert_eq!(OrgName::new(""), Err(OrgNameError(TextError::Empty)));
        assert!(OrgName::new(&"x".repeat(120)).is_ok());
        assert_eq!(
            OrgName::new(&"x".repeat(121)),
            Err(OrgNameError(TextError::TooLong { max: 120 }))
        );
        let org = Organisation::new(OrgName::new("Safe Passage").unwrap());
        let json = serde_json::to_string(&org).unwrap();
        assert_eq!(serde_json::from_str::<Organisation>(&json).unwrap(), org);
        assert!(serde_json::from_str::<OrgName>("\"  \"").is_err());
    }
}
