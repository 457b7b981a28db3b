//! Writing a blob into a local directory: a staging file beside the blob, written on its own
//! thread and synced as it grows, then renamed into place.
//!
//! object_store's local backend writes its staging file but never syncs it, so a blob had to be
//! synced whole after its last byte: the disk's write-back did not start until sealing was
//! over. Here the writer thread syncs every [`SYNC_EVERY`] bytes, so the disk writes one part
//! while the next is sealed, and only the tail is left to sync at the end.
//!
//! The staging file is `blobs/<id>#0`, the name object_store itself gives staging files, so
//! its listings skip one that a crash left behind. Dropping an unfinished upload (an error, a
//! cancelled request) removes it.

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::{BlobError, BlobId, OBJECT_PREFIX};

/// Bytes written between two syncs: small enough that the disk starts early, large enough
/// that the syncs' own cost stays small.
const SYNC_EVERY: u64 = 16 << 20;
/// Sealed batches queued for the writer; bounds memory when the disk is slower than sealing.
const QUEUED_BATCHES: usize = 4;

/// An upload under way into `dir/blobs/<id>`.
pub(crate) struct LocalUpload {
    /// Taken (closed) to tell the writer that the blob is complete.
    queue: Option<mpsc::Sender<Bytes>>,
    writer: Option<JoinHandle<std::io::Result<()>>>,
    staging: PathBuf,
    destination: PathBuf,
    folder: PathBuf,
}

impl LocalUpload {
    /// Creates the staging file (readable by the owner only) and starts its writer.
    pub(crate) async fn start(dir: &Path, id: BlobId) -> Result<LocalUpload, BlobError> {
        let folder = dir.join(OBJECT_PREFIX);
        let staging = folder.join(format!("{id}#0"));
        let file = {
            let staging = staging.clone();
            blocking(move || private_options().open(staging)).await?
        };
        let (queue, batches) = mpsc::channel(QUEUED_BATCHES);
        Ok(LocalUpload {
            queue: Some(queue),
            writer: Some(tokio::task::spawn_blocking(move || {
                write_all(file, batches)
            })),
            staging,
            destination: folder.join(id.to_string()),
            folder,
        })
    }

    /// Queues sealed bytes for the writer; waits only when the queue is full.
    pub(crate) async fn push(&mut self, bytes: Bytes) -> Result<(), BlobError> {
        let queue = self.queue.as_ref().expect("not finished");
        if queue.send(bytes).await.is_err() {
            // The writer stopped early: its error says why.
            return Err(self.writer_result().await.err().unwrap_or(BlobError::Task));
        }
        Ok(())
    }

    /// Waits for the last bytes to reach the disk, then moves the blob into place and syncs
    /// the folder, so the blob survives a crash once this returns.
    pub(crate) async fn finish(mut self) -> Result<(), BlobError> {
        self.queue = None;
        self.writer_result().await?;
        let (staging, destination, folder) = (
            self.staging.clone(),
            self.destination.clone(),
            self.folder.clone(),
        );
        blocking(move || {
            std::fs::rename(&staging, &destination)?;
            // A directory is opened read-only to sync it; Windows cannot, and needs it less.
            #[cfg(unix)]
            File::open(&folder)?.sync_all()?;
            Ok(())
        })
        .await?;
        // Renamed: nothing left for `drop` to remove.
        self.staging = PathBuf::new();
        Ok(())
    }

    /// Stops the writer and removes the staging file before returning. Best effort: the error
    /// that led here is what the caller sees.
    pub(crate) async fn abort(mut self) {
        self.queue = None;
        let _ = self.writer_result().await;
        let staging = std::mem::take(&mut self.staging);
        let _ = blocking(move || std::fs::remove_file(staging)).await;
    }

    async fn writer_result(&mut self) -> Result<(), BlobError> {
        let writer = self.writer.take().ok_or(BlobError::Task)?;
        writer
            .await
            .map_err(|_| BlobError::Task)?
            .map_err(local_failure)
    }
}

impl Drop for LocalUpload {
    /// An upload dropped before it finished (an error, a cancelled request) leaves nothing.
    fn drop(&mut self) {
        self.queue = None;
        if !self.staging.as_os_str().is_empty() {
            let staging = std::mem::take(&mut self.staging);
            let writer = self.writer.take();
            let remove = move || drop(std::fs::remove_file(staging));
            match tokio::runtime::Handle::try_current() {
                // Removed once the writer has let go of it (Windows cannot remove an open
                // file), without blocking the runtime.
                Ok(runtime) => drop(runtime.spawn(async move {
                    if let Some(writer) = writer {
                        let _ = writer.await;
                    }
                    let _ = tokio::task::spawn_blocking(remove).await;
                })),
                Err(_) => remove(),
            }
        }
    }
}

/// The writer thread: writes batches as they come, syncing every [`SYNC_EVERY`] bytes and at
/// the end. Stops at the first error; the queue's closing tells the uploader.
fn write_all(mut file: File, mut batches: mpsc::Receiver<Bytes>) -> std::io::Result<()> {
    let mut unsynced = 0u64;
    while let Some(batch) = batches.blocking_recv() {
        file.write_all(&batch)?;
        unsynced += batch.len() as u64;
        if unsynced >= SYNC_EVERY {
            file.sync_data()?;
            unsynced = 0;
        }
    }
    file.sync_all()
}

/// A new file, never an existing one, readable and writable by its owner only.
fn private_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T, BlobError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| BlobError::Task)?
        .map_err(local_failure)
}

/// A local I/O failure, in the shape the other backends' failures take.
fn local_failure(error: std::io::Error) -> BlobError {
    BlobError::Storage(object_store::Error::Generic {
        store: "LocalFileSystem",
        source: Box::new(error),
    })
}
