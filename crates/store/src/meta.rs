//! The store's identity: a `corridor_meta` row that says "this is a Corridor store, schema N".
//! Checked before migrations run, so that a foreign database or a newer schema is never touched.

use crate::{Result, SCHEMA_VERSION, StoreError};

/// What the engine said about the database before migrating it.
pub(crate) enum Found {
    /// No tables at all: a new store; migrations create it.
    Empty,
    /// Tables, but no `corridor_meta`: somebody else's database.
    Foreign,
    /// A Corridor store with this magic and schema version.
    Corridor { magic: String, schema_version: i64 },
}

pub(crate) const MAGIC: &str = "corridor-store";

/// Decides whether migrations may run.
pub(crate) fn check(found: Found) -> Result<()> {
    match found {
        Found::Empty => Ok(()),
        Found::Foreign => Err(StoreError::NotACorridorStore),
        Found::Corridor { magic, .. } if magic != MAGIC => Err(StoreError::NotACorridorStore),
        Found::Corridor { schema_version, .. } if schema_version > SCHEMA_VERSION => {
            Err(StoreError::NewerSchema {
                found: schema_version,
                supported: SCHEMA_VERSION,
            })
        }
        Found::Corridor { .. } => Ok(()),
    }
}
