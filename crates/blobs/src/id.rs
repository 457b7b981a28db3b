//! Blob ids and what a stored blob's writer gets back.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

/// A blob's id: a random UUID (v4), chosen when the blob is stored. The object is named
/// `blobs/<id>`, so the name says nothing about the file, its content or its case. Not a
/// secret: ids may be logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobId(Uuid);

impl BlobId {
    /// A fresh random id.
    pub fn random() -> BlobId {
        BlobId(Uuid::new_v4())
    }

    /// An id read back from storage.
    pub const fn from_uuid(uuid: Uuid) -> BlobId {
        BlobId(uuid)
    }

    /// The UUID, for storing.
    pub const fn as_uuid(&self) -> Uuid {
        self.0
    }

    /// The object's name in the store.
    pub(crate) fn object_path(&self) -> object_store::path::Path {
        object_store::path::Path::from(format!("{}/{self}", crate::OBJECT_PREFIX))
    }
}

impl fmt::Display for BlobId {
    /// The hyphenated lowercase form; also what the blob's key and chunks are bound to.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for BlobId {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<BlobId, uuid::Error> {
        Uuid::parse_str(s).map(BlobId)
    }
}

/// What storing a blob returns. The caller records it (the hash and length sealed with the
/// evidence record); this crate keeps neither anywhere.
pub struct BlobReceipt {
    /// The new blob's id.
    pub id: BlobId,
    /// Length of the plaintext, in bytes.
    pub length: u64,
    /// SHA-256 of the plaintext, computed while it streamed through.
    pub sha256: [u8; 32],
}

impl fmt::Debug for BlobReceipt {
    /// The hash is left out: it identifies the content (anyone holding a copy of a document can
    /// confirm it was stored).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlobReceipt")
            .field("id", &self.id)
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}
