//! Corridor's evidence storage: files (blobs) sealed before they leave the process, in a
//! local directory or S3-compatible object storage.
//!
//! - **Sealed in chunks, streamed.** A blob is read from any [`AsyncRead`], cut into 64 KiB
//!   chunks, each sealed with XChaCha20-Poly1305 and uploaded as it comes: a file is never
//!   held whole in memory. The layout and what it binds are in the `format` module.
//! - **Keys from the case key.** Each blob has its own key, derived from its case's key and its
//!   id ([`CaseKey::blob_key`]). Nothing about keys is stored here: purging the case (its
//!   wrapped key) makes its blobs unreadable, wherever copies of them are.
//! - **Authenticated reads, whole or by range.** [`BlobStore::get`] streams the whole blob,
//!   [`BlobStore::get_range`] fetches only the chunks a plaintext range touches. A flipped bit,
//!   a truncation, reordered chunks, an object moved to another id or the wrong key is an error
//!   ([`BlobError::is_integrity_failure`]); no unauthenticated byte is ever returned.
//! - **Names say nothing.** Objects are named `blobs/<random uuid>`: not the file name, not
//!   the content's hash. The SHA-256 of the plaintext, computed while it streams, is returned
//!   in the [`BlobReceipt`] for the caller to seal with its record; this crate stores it
//!   nowhere.
//! - **Nothing partial.** An upload that fails (the reader, the network, the disk) is aborted:
//!   no object appears, a local staging file is removed, an S3 multipart upload is aborted.
//!   An upload whose process dies mid-way can leave an S3 multipart upload (invisible, but
//!   billed): give the bucket a lifecycle rule that aborts incomplete multipart uploads. A local
//!   staging file (`blobs/<id>#0`) is left only by a crash.
//! - **Durable when stored.** A local blob is synced to disk before [`BlobStore::put`]
//!   returns, so a receipt the caller recorded names a blob that survives a crash.
//!
//! ```
//! use corridor_blobs::BlobStore;
//! use corridor_crypto::CaseKey;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), corridor_blobs::BlobError> {
//! # let dir = tempfile::tempdir().unwrap();
//! let store = BlobStore::local(dir.path())?;
//! let case_key = CaseKey::generate();
//!
//! let receipt = store.put(&case_key, &b"scan of a summons"[..]).await?;
//! assert_eq!(receipt.length, 17);
//!
//! let whole = store.get(&case_key, receipt.id).await?.read_to_end().await?;
//! assert_eq!(&whole[..], b"scan of a summons");
//! let part = store.get_range(&case_key, receipt.id, 8, 9).await?.read_to_end().await?;
//! assert_eq!(&part[..], b"a summons");
//! # Ok(())
//! # }
//! ```

mod error;
mod format;
mod id;
mod local;
mod read;
mod write;

use std::fmt;
use std::sync::Arc;

use corridor_crypto::CaseKey;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt as _};
use tokio::io::AsyncRead;

pub use error::BlobError;
pub use id::{BlobId, BlobReceipt};
pub use read::BlobReader;

use format::{ChunkCipher, Header};

/// The folder every blob object is named under: `blobs/<id>`.
pub const OBJECT_PREFIX: &str = "blobs";

/// Where blobs are kept, and the one way the rest of Corridor stores and reads them.
///
/// Cheap to clone (the backend is shared).
#[derive(Clone)]
pub struct BlobStore {
    store: Arc<dyn ObjectStore>,
    /// The directory of a local store, which this crate writes itself (reads go through
    /// `store`).
    local_dir: Option<Arc<std::path::Path>>,
}

impl fmt::Debug for BlobStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BlobStore")
            .field(&format_args!("{}", self.store))
            .finish()
    }
}

impl BlobStore {
    /// Blobs in a local directory, as `dir/blobs/<id>`. The directory is created (mode 0700)
    /// if it does not exist.
    pub fn local(dir: &std::path::Path) -> Result<BlobStore, BlobError> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        // The blobs' own folder too, which staging files are created in.
        builder.create(dir.join(OBJECT_PREFIX)).map_err(|e| {
            BlobError::Config("cannot create the blob directory", Some(Box::new(e)))
        })?;
        let store = LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| BlobError::Config("cannot open the blob directory", Some(Box::new(e))))?;
        Ok(BlobStore {
            store: Arc::new(store),
            local_dir: Some(dir.into()),
        })
    }

    /// Blobs in an S3 bucket or an S3-compatible server. Settings missing from `config` are
    /// read from the usual `AWS_*` environment variables (`AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT`, …), which also allow instance
    /// and web-identity credentials.
    pub fn s3(config: S3Config) -> Result<BlobStore, BlobError> {
        let prefix = config.prefix.clone();
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(config.bucket)
            .with_allow_http(config.allow_http);
        if let Some(endpoint) = config.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        if let Some(region) = config.region {
            builder = builder.with_region(region);
        }
        if let Some(access_key_id) = config.access_key_id {
            builder = builder.with_access_key_id(access_key_id);
        }
        if let Some(secret_access_key) = config.secret_access_key {
            builder = builder.with_secret_access_key(secret_access_key);
        }
        let store = builder
            .build()
            .map_err(|e| BlobError::Config("invalid S3 settings", Some(Box::new(e))))?;
        Ok(BlobStore::from_object_store(match prefix {
            Some(prefix) => Arc::new(PrefixStore::new(store, prefix.as_str())),
            None => Arc::new(store),
        }))
    }

    /// Blobs in any `object_store` backend (tests, other clouds). Objects are named
    /// `blobs/<id>` within it.
    pub fn from_object_store(store: Arc<dyn ObjectStore>) -> BlobStore {
        BlobStore {
            store,
            local_dir: None,
        }
    }

    /// Seals and stores everything `reader` yields as a new blob of the case whose key is
    /// `case_key`. Returns the new id, the plaintext's length and its SHA-256; the caller
    /// records them. On any error nothing is kept.
    pub async fn put<R: AsyncRead + Unpin>(
        &self,
        case_key: &CaseKey,
        mut reader: R,
    ) -> Result<BlobReceipt, BlobError> {
        let id = BlobId::random();
        let cipher = ChunkCipher::new(case_key.blob_key(&id.to_string()), Header::new_random(), id);
        let destination = match &self.local_dir {
            Some(dir) => write::Destination::Local(dir),
            None => write::Destination::Object(Arc::clone(&self.store)),
        };
        let (length, sha256) = write::put(destination, cipher, &mut reader).await?;
        Ok(BlobReceipt { id, length, sha256 })
    }

    /// The whole blob, streamed and authenticated chunk by chunk.
    pub async fn get(&self, case_key: &CaseKey, id: BlobId) -> Result<BlobReader, BlobError> {
        let key = case_key.blob_key(&id.to_string());
        read::whole(&self.store, id, |header| ChunkCipher::new(key, header, id)).await
    }

    /// Plaintext bytes `offset..offset + len` of the blob; only the chunks they fall in are
    /// fetched. A range past the end is [`BlobError::OutOfRange`].
    pub async fn get_range(
        &self,
        case_key: &CaseKey,
        id: BlobId,
        offset: u64,
        len: u64,
    ) -> Result<BlobReader, BlobError> {
        let key = case_key.blob_key(&id.to_string());
        read::range(&self.store, id, offset, len, |header| {
            ChunkCipher::new(key, header, id)
        })
        .await
    }

    /// Deletes the blob's object. Deleting a blob that does not exist succeeds.
    pub async fn delete(&self, id: BlobId) -> Result<(), BlobError> {
        match self.store.delete(&id.object_path()).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(other) => Err(BlobError::Storage(other)),
        }
    }
}

/// Settings of an S3 or S3-compatible backend. `None` falls back to the `AWS_*` environment
/// variables. `Debug` leaves the secret out.
#[derive(Clone, Default)]
pub struct S3Config {
    /// The bucket.
    pub bucket: String,
    /// Endpoint URL of an S3-compatible server (`https://minio.example:9000`); `None` for AWS.
    /// Requests use path-style addressing (`endpoint/bucket/key`).
    pub endpoint: Option<String>,
    /// Region, e.g. `eu-central-1`.
    pub region: Option<String>,
    /// Access key id.
    pub access_key_id: Option<String>,
    /// Secret access key.
    pub secret_access_key: Option<String>,
    /// Allow plain `http://` endpoints: for a test server on loopback, never across a network.
    pub allow_http: bool,
    /// A folder of the bucket to keep the objects under (`<prefix>/blobs/<id>`), so that one
    /// bucket can serve several deployments; `None` for the bucket's root.
    pub prefix: Option<String>,
}

impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "<redacted>"),
            )
            .field("allow_http", &self.allow_http)
            .field("prefix", &self.prefix)
            .finish()
    }
}
