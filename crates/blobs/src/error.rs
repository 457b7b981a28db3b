//! The one error type of the crate.
//!
//! Messages carry at most a blob id (random, so it says nothing about the file) and fixed
//! words: never plaintext, a file name, a hash of the content or key bytes. The storage
//! backend's own error is kept as the source, for operators; it names object paths
//! (`blobs/<id>`) and, for a local directory, the directory.

use crate::BlobId;

/// Why a blob operation failed.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// No object for this blob id.
    #[error("blob {0} not found")]
    NotFound(BlobId),
    /// A chunk failed authentication: the wrong case key, or the stored object was altered,
    /// truncated, extended, reordered or belongs to another blob. No byte of it is returned.
    #[error("blob {0} failed authentication: wrong key, or it was altered, truncated or moved")]
    Unauthentic(BlobId),
    /// The stored object is not shaped like a sealed blob (bad magic, impossible length).
    #[error("blob {0} is malformed: {1}")]
    Malformed(BlobId, &'static str),
    /// The object's format version is not one this build reads.
    #[error("blob {0} has unsupported format version {1}")]
    UnsupportedVersion(BlobId, u8),
    /// A range read asked for bytes past the end of the blob.
    #[error("range outside blob {0}")]
    OutOfRange(BlobId),
    /// Reading the plaintext to store failed; nothing was kept. Only the kind is kept, since a
    /// reader's message could say anything.
    #[error("reading the content to store failed ({0})")]
    Read(std::io::ErrorKind),
    /// The storage backend failed (I/O, network, permissions, …).
    #[error("blob storage failed")]
    Storage(#[source] object_store::Error),
    /// The backend could not be set up from its configuration.
    #[error("invalid blob storage configuration: {0}")]
    Config(
        &'static str,
        #[source] Option<Box<dyn std::error::Error + Send + Sync>>,
    ),
    /// A sealing task died (a panic in a worker thread).
    #[error("a blob sealing task failed")]
    Task,
}

impl BlobError {
    /// Whether this is an integrity failure: the stored object was altered, truncated or moved,
    /// or the key is wrong.
    pub fn is_integrity_failure(&self) -> bool {
        matches!(
            self,
            BlobError::Unauthentic(_)
                | BlobError::Malformed(..)
                | BlobError::UnsupportedVersion(..)
        )
    }

    /// A backend error about blob `id`, with "not found" told apart.
    pub(crate) fn storage(id: BlobId, error: object_store::Error) -> BlobError {
        match error {
            object_store::Error::NotFound { .. } => BlobError::NotFound(id),
            other => BlobError::Storage(other),
        }
    }
}
