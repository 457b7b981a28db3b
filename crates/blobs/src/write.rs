//! Storing a blob: plaintext from any `AsyncRead`, sealed chunk by chunk and uploaded as it
//! comes, never held whole.
//!
//! Three stages overlap: reading the next batch of plaintext, sealing (and hashing) the
//! previous one on a blocking thread, and writing sealed bytes out: to a local file on its own
//! thread (the `local` module), or in parts to an object store (object_store's multipart
//! upload runs its part uploads as tasks). Memory stays bounded whatever the file's size: two
//! 4 MiB plaintext batches and at most about 40 MiB of sealed batches and parts per upload.
//!
//! A failure at any point (the reader, a write, the completion) aborts the upload, so nothing
//! partial is kept: a local staging file is removed, an S3 multipart upload aborted. Small
//! blobs (under one part) bound for an object store are buffered and written with a single
//! atomic put.

use std::sync::{Arc, Mutex, Weak};

use bytes::Bytes;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt as _, PutPayload, WriteMultipart};
use sha2::{Digest as _, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt as _};
use zeroize::Zeroizing;

use crate::format::{CHUNK_LEN, ChunkCipher, TAG_LEN};
use crate::local::LocalUpload;
use crate::{BlobError, BlobId};

const CHUNK: usize = CHUNK_LEN as usize;
/// Plaintext sealed per blocking task: 64 chunks (4 MiB).
const BATCH: usize = 64 * CHUNK;
/// Multipart part size. S3 wants at least 5 MiB per part but the last, and at most 10,000
/// parts, so 8 MiB parts allow blobs up to 80 GB.
pub(crate) const PART_LEN: usize = 8 << 20;
/// Part uploads in flight at once, bounding memory to a few parts.
const PARTS_IN_FLIGHT: usize = 2;

/// Threads that seal one batch: the cores there are, up to 4, so one upload leaves room for
/// others.
fn sealing_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4))
}

/// Seals consecutive chunks of one blob and hashes the plaintext on the way.
struct Sealer {
    cipher: Arc<ChunkCipher>,
    next_index: u64,
    hasher: Sha256,
    length: u64,
    buffers: BufferPool,
}

impl Sealer {
    /// Seals `plain`, which is whole chunks unless `ends_blob`, whose last chunk is then the
    /// blob's last (an empty `plain` then makes the empty last chunk of an empty blob).
    fn seal_batch(&mut self, plain: &[u8], ends_blob: bool) -> Bytes {
        debug_assert!(ends_blob || (plain.len().is_multiple_of(CHUNK) && !plain.is_empty()));
        let chunks = plain.len().div_ceil(CHUNK).max(usize::from(ends_blob));
        let mut out = self.buffers.take(plain.len() + chunks * TAG_LEN);

        let (cipher, first_index) = (&*self.cipher, self.next_index);
        let last_index = first_index + chunks as u64 - 1;
        let texts = plain
            .chunks(CHUNK)
            .chain(plain.is_empty().then_some(&[][..]));
        let slots = (first_index..).zip(texts.zip(out.chunks_mut(CHUNK + TAG_LEN)));
        let slots = Mutex::new(slots);
        // Chunks are independent: every worker takes the next unsealed one.
        let seal_remaining = || {
            loop {
                let next = slots.lock().expect("no worker panicked").next();
                let Some((index, (text, sealed))) = next else {
                    break;
                };
                sealed[..text.len()].copy_from_slice(text);
                cipher.seal(index, ends_blob && index == last_index, sealed);
            }
        };
        let hasher = &mut self.hasher;
        if plain.len() < 4 * CHUNK {
            hasher.update(plain);
            seal_remaining();
        } else {
            // SHA-256 is sequential and costs about half the AEAD: one worker hashes the batch
            // first, then joins the others in sealing.
            std::thread::scope(|scope| {
                let hashing = scope.spawn(|| {
                    hasher.update(plain);
                    seal_remaining();
                });
                for _ in 2..sealing_threads() {
                    scope.spawn(seal_remaining);
                }
                seal_remaining();
                hashing.join().expect("hashing thread");
            });
        }
        self.next_index += chunks as u64;
        self.length += plain.len() as u64;
        self.buffers.share(out)
    }
}

/// Output buffers, reused once the store is done with them: a fresh multi-MiB buffer costs a
/// page fault per 4 KiB, a fifth of the sealing time. They hold ciphertext only.
#[derive(Clone, Default)]
struct BufferPool(Arc<Mutex<Vec<Vec<u8>>>>);

/// Buffers kept for reuse: enough for the parts in flight and the batches being sealed.
const POOLED_BUFFERS: usize = 2 * PART_LEN / BATCH * (PARTS_IN_FLIGHT + 1);

impl BufferPool {
    /// A buffer of `len` bytes; stale ciphertext in it is overwritten by the caller.
    fn take(&self, len: usize) -> Vec<u8> {
        let mut buffer = self.0.lock().expect("pool").pop().unwrap_or_default();
        buffer.resize(len, 0);
        buffer
    }

    /// Shares `buffer` as `Bytes` that return it here when the last of them is dropped.
    fn share(&self, buffer: Vec<u8>) -> Bytes {
        Bytes::from_owner(Pooled {
            buffer,
            pool: Arc::downgrade(&self.0),
        })
    }
}

struct Pooled {
    buffer: Vec<u8>,
    pool: Weak<Mutex<Vec<Vec<u8>>>>,
}

impl AsRef<[u8]> for Pooled {
    fn as_ref(&self) -> &[u8] {
        &self.buffer
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.upgrade()
            && let Ok(mut pool) = pool.lock()
            && pool.len() < POOLED_BUFFERS
        {
            pool.push(std::mem::take(&mut self.buffer));
        }
    }
}

/// Where a blob is written.
pub(crate) enum Destination<'a> {
    /// A local directory, written by this crate (see the `local` module).
    Local(&'a std::path::Path),
    /// Any object store.
    Object(Arc<dyn ObjectStore>),
}

/// Where sealed bytes go.
enum Upload {
    Local(LocalUpload),
    Object(ObjectUpload),
}

impl Upload {
    async fn start(destination: Destination<'_>, id: BlobId) -> Result<Upload, BlobError> {
        Ok(match destination {
            Destination::Local(dir) => Upload::Local(LocalUpload::start(dir, id).await?),
            Destination::Object(store) => Upload::Object(ObjectUpload::new(store, id)),
        })
    }

    async fn push(&mut self, bytes: Bytes) -> Result<(), BlobError> {
        match self {
            Upload::Local(local) => local.push(bytes).await,
            Upload::Object(object) => object.push(bytes).await,
        }
    }

    /// Completes the upload; on failure nothing is left behind.
    async fn finish(self) -> Result<(), BlobError> {
        match self {
            Upload::Local(local) => local.finish().await,
            Upload::Object(object) => object.finish().await,
        }
    }

    /// Removes whatever was written. Best effort: the error that led here is what the caller
    /// sees.
    async fn abort(self) {
        match self {
            Upload::Local(local) => local.abort().await,
            Upload::Object(object) => object.abort().await,
        }
    }
}

/// Sealed bytes bound for an object store: buffered until they fill a part (then a multipart
/// upload starts), or written with one put if the blob ends first.
struct ObjectUpload {
    id: BlobId,
    state: ObjectState,
}

enum ObjectState {
    Buffered {
        store: Arc<dyn ObjectStore>,
        path: Path,
        parts: Vec<Bytes>,
        len: usize,
    },
    Multipart(WriteMultipart),
}

impl ObjectUpload {
    fn new(store: Arc<dyn ObjectStore>, id: BlobId) -> ObjectUpload {
        ObjectUpload {
            id,
            state: ObjectState::Buffered {
                store,
                path: id.object_path(),
                parts: Vec::new(),
                len: 0,
            },
        }
    }

    async fn push(&mut self, bytes: Bytes) -> Result<(), BlobError> {
        let id = self.id;
        self.push_part(bytes)
            .await
            .map_err(|e| BlobError::storage(id, e))
    }

    async fn push_part(&mut self, bytes: Bytes) -> Result<(), object_store::Error> {
        match &mut self.state {
            ObjectState::Buffered {
                store,
                path,
                parts,
                len,
            } => {
                *len += bytes.len();
                parts.push(bytes);
                if *len >= PART_LEN {
                    let upload = store.put_multipart(path).await?;
                    let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_LEN);
                    for part in parts.drain(..) {
                        writer.put(part);
                    }
                    self.state = ObjectState::Multipart(writer);
                }
            }
            ObjectState::Multipart(writer) => {
                writer.wait_for_capacity(PARTS_IN_FLIGHT).await?;
                writer.put(bytes);
            }
        }
        Ok(())
    }

    async fn finish(self) -> Result<(), BlobError> {
        let id = self.id;
        let finished = match self.state {
            ObjectState::Buffered {
                store, path, parts, ..
            } => store
                .put(&path, PutPayload::from_iter(parts))
                .await
                .map(drop),
            ObjectState::Multipart(mut writer) => {
                // `finish` itself does not abort when a part failed: wait for the parts first.
                match writer.wait_for_capacity(0).await {
                    Err(error) => {
                        let _ = writer.abort().await;
                        Err(error)
                    }
                    // On a failed completion `finish` aborts by itself.
                    Ok(()) => writer.finish().await.map(drop),
                }
            }
        };
        finished.map_err(|e| BlobError::storage(id, e))
    }

    async fn abort(self) {
        if let ObjectState::Multipart(writer) = self.state {
            let _ = writer.abort().await;
        }
    }
}

/// Plaintext of one batch, wiped when dropped.
struct Batch {
    buf: Zeroizing<Vec<u8>>,
    filled: usize,
}

impl Batch {
    fn new() -> Batch {
        Batch {
            buf: Zeroizing::new(vec![0u8; BATCH]),
            filled: 0,
        }
    }

    /// Reads until the batch is full or the reader ends; returns whether it ended.
    async fn fill<R: AsyncRead + Unpin>(&mut self, reader: &mut R) -> Result<bool, BlobError> {
        while self.filled < BATCH {
            let read = reader
                .read(&mut self.buf[self.filled..])
                .await
                .map_err(|e| BlobError::Read(e.kind()))?;
            if read == 0 {
                return Ok(true);
            }
            self.filled += read;
        }
        Ok(false)
    }

    fn plain(&self) -> &[u8] {
        &self.buf[..self.filled]
    }
}

/// Reads, seals and uploads one blob; see the module documentation.
pub(crate) async fn put<R: AsyncRead + Unpin>(
    destination: Destination<'_>,
    cipher: ChunkCipher,
    reader: &mut R,
) -> Result<(u64, [u8; 32]), BlobError> {
    let mut upload = Upload::start(destination, cipher.id()).await?;
    match seal_into(&mut upload, cipher, reader).await {
        Ok(receipt) => {
            upload.finish().await?;
            Ok(receipt)
        }
        Err(error) => {
            upload.abort().await;
            Err(error)
        }
    }
}

async fn seal_into<R: AsyncRead + Unpin>(
    upload: &mut Upload,
    cipher: ChunkCipher,
    reader: &mut R,
) -> Result<(u64, [u8; 32]), BlobError> {
    upload
        .push(Bytes::copy_from_slice(&cipher.header().to_bytes()))
        .await?;

    let mut sealer = Some(Sealer {
        cipher: Arc::new(cipher),
        next_index: 0,
        hasher: Sha256::new(),
        length: 0,
        buffers: BufferPool::default(),
    });
    let mut filling = Batch::new();
    let mut spare = Some(Batch::new());
    let mut sealing: Option<tokio::task::JoinHandle<(Sealer, Batch, Bytes)>> = None;
    loop {
        let ended = filling.fill(reader).await?;

        // The previous batch was sealing meanwhile; the sealer is needed back in order.
        if let Some(task) = sealing.take() {
            let (back, batch, sealed) = task.await.map_err(|_| BlobError::Task)?;
            sealer = Some(back);
            spare = Some(batch);
            upload.push(sealed).await?;
        }
        let mut current = sealer.take().expect("sealer is back");

        if ended {
            let (current, sealed) = tokio::task::spawn_blocking(move || {
                let sealed = current.seal_batch(filling.plain(), true);
                (current, sealed)
            })
            .await
            .map_err(|_| BlobError::Task)?;
            upload.push(sealed).await?;
            return Ok((current.length, current.hasher.finalize().into()));
        }

        // A full batch: its last chunk may turn out to be the blob's last, so it waits for the
        // next batch, which starts with it.
        let mut next = spare.take().expect("spare batch is back");
        next.buf[..CHUNK].copy_from_slice(&filling.buf[BATCH - CHUNK..]);
        next.filled = CHUNK;
        let mut batch = std::mem::replace(&mut filling, next);
        batch.filled = BATCH - CHUNK;
        sealing = Some(tokio::task::spawn_blocking(move || {
            let sealed = current.seal_batch(batch.plain(), false);
            (current, batch, sealed)
        }));
    }
}
