//! An upload that fails or is cancelled half way keeps nothing: no object, no staging file,
//! no multipart upload.

use std::pin::Pin;
use std::task::{Context, Poll};

use corridor_blobs::{BlobError, OBJECT_PREFIX};
use corridor_crypto::CaseKey;
use tokio::io::{AsyncRead, ReadBuf};

use crate::support::{Backend, backends, data};

/// Yields `data` up to `fail_at` bytes, then fails (or, with `stall`, never answers again).
struct BrokenReader {
    data: Vec<u8>,
    position: usize,
    fail_at: usize,
    stall: bool,
}

impl BrokenReader {
    fn failing_at(fail_at: usize) -> BrokenReader {
        BrokenReader {
            data: data(fail_at + 1000, 9),
            position: 0,
            fail_at,
            stall: false,
        }
    }
}

impl AsyncRead for BrokenReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.position == self.fail_at {
            if self.stall {
                return Poll::Pending;
            }
            // A message a careless error path could pass on.
            return Poll::Ready(Err(std::io::Error::other(
                "upload of /home/user/Sidorov-CANARY.pdf broke",
            )));
        }
        let n = buf
            .remaining()
            .min(self.fail_at - self.position)
            .min(100_000);
        let start = self.position;
        buf.put_slice(&self.data[start..start + n]);
        self.position += n;
        Poll::Ready(Ok(()))
    }
}

/// Every file under the local directory (staging files included).
fn files_under(path: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(path).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

async fn assert_nothing_kept(backend: &Backend, what: &str) {
    assert!(
        backend.objects().await.is_empty(),
        "{} {what}",
        backend.name
    );
    assert_eq!(backend.pending_multipart_uploads(), 0, "{what}");
    if let Some(dir) = &backend.dir {
        assert_eq!(
            files_under(dir.path()),
            Vec::<std::path::PathBuf>::new(),
            "{what}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_failing_half_way_leaves_nothing() {
    for backend in backends() {
        let key = CaseKey::generate();
        // At once; within the first batch; after a few batches but within the first part
        // (one buffered put); past two parts (a multipart upload under way).
        for fail_at in [0, 100_000, 6 << 20, 20 << 20] {
            let error = backend
                .blobs
                .put(&key, BrokenReader::failing_at(fail_at))
                .await
                .expect_err("broken reader");
            assert!(
                matches!(error, BlobError::Read(std::io::ErrorKind::Other)),
                "{error:?}"
            );
            assert!(!error.to_string().contains("CANARY"));
            assert_nothing_kept(&backend, &format!("failing at {fail_at}")).await;
        }
        // The store still works afterwards.
        let receipt = backend.blobs.put(&key, &b"after"[..]).await.unwrap();
        assert_eq!(receipt.length, 5);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_local_upload_leaves_nothing() {
    let backend = Backend::local();
    let key = CaseKey::generate();
    let mut reader = BrokenReader::failing_at(20 << 20);
    reader.stall = true;
    let upload = backend.blobs.put(&key, reader);
    let cancelled = tokio::time::timeout(std::time::Duration::from_secs(2), upload).await;
    assert!(cancelled.is_err(), "the upload should still be waiting");
    // The staging file is removed on a blocking thread after the upload is dropped.
    let dir = backend.dir.as_ref().unwrap().path();
    for _ in 0..100 {
        if files_under(dir).is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_nothing_kept(&backend, "cancelled").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_folder_that_cannot_be_written_refuses_the_blob() {
    let backend = Backend::local();
    let folder = backend.dir.as_ref().unwrap().path().join(OBJECT_PREFIX);
    // Something that is not a folder where the blobs' folder should be.
    std::fs::remove_dir(&folder).unwrap();
    std::fs::write(&folder, b"").unwrap();
    let key = CaseKey::generate();
    let error = backend
        .blobs
        .put(&key, &data(100, 1)[..])
        .await
        .expect_err("no folder to write in");
    assert!(matches!(error, BlobError::Storage(_)), "{error:?}");

    std::fs::remove_file(&folder).unwrap();
    std::fs::create_dir(&folder).unwrap();
    let receipt = backend.blobs.put(&key, &data(100, 1)[..]).await.unwrap();
    assert_eq!(receipt.length, 100);
}
