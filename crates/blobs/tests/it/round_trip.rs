//! What goes in comes out, for every size the chunking treats differently.

use corridor_blobs::{BlobStore, OBJECT_PREFIX};
use corridor_crypto::CaseKey;

use crate::support::{Backend, CHUNK, HEADER, TAG, backends, data, sha256};

/// Sizes around every boundary: empty, one byte, a chunk and its neighbours, several chunks,
/// several MB, and past one multipart part (8 MiB) so S3 uploads in parts.
const SIZES: [usize; 10] = [
    0,
    1,
    CHUNK - 1,
    CHUNK,
    CHUNK + 1,
    2 * CHUNK,
    3 * CHUNK + 17,
    3 << 20,
    (8 << 20) + 5,
    (17 << 20) - 3,
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_size_round_trips_with_its_length_and_hash() {
    for backend in backends() {
        let key = CaseKey::generate();
        for (seed, len) in SIZES.into_iter().enumerate() {
            let plain = data(len, seed as u64);
            let receipt = backend.blobs.put(&key, &plain[..]).await.expect("put");
            assert_eq!(receipt.length, len as u64, "{} {len}", backend.name);
            assert_eq!(receipt.sha256, sha256(&plain), "{} {len}", backend.name);

            let back = backend
                .blobs
                .get(&key, receipt.id)
                .await
                .expect("get")
                .read_to_end()
                .await
                .expect("read");
            assert!(back[..] == plain[..], "{} {len}", backend.name);

            // Stored: a header and a tag per chunk beyond the plaintext, nothing else.
            let chunks = len.div_ceil(CHUNK).max(1);
            let stored = backend.stored(receipt.id).await;
            assert_eq!(stored.len(), HEADER + len + chunks * TAG, "{len}");
        }
    }
}

#[tokio::test]
async fn a_blob_streams_in_pieces_of_at_most_one_chunk() {
    for backend in backends() {
        let key = CaseKey::generate();
        let plain = data(5 * CHUNK + 3, 7);
        let id = backend.blobs.put(&key, &plain[..]).await.unwrap().id;
        let mut reader = backend.blobs.get(&key, id).await.unwrap();
        assert_eq!(reader.remaining(), plain.len() as u64);
        let mut pieces = Vec::new();
        while let Some(piece) = reader.next_chunk().await.unwrap() {
            pieces.push(piece.len());
        }
        assert_eq!(pieces, [CHUNK, CHUNK, CHUNK, CHUNK, CHUNK, 3]);
        assert_eq!(reader.remaining(), 0);
        assert!(reader.next_chunk().await.unwrap().is_none());

        // The same as a stream.
        use futures_util::TryStreamExt as _;
        let stream = backend.blobs.get(&key, id).await.unwrap().into_stream();
        let pieces: Vec<_> = stream.try_collect().await.unwrap();
        let joined: Vec<u8> = pieces.iter().flat_map(|p| p.iter().copied()).collect();
        assert!(joined == plain);
    }
}

#[tokio::test]
async fn the_same_file_twice_is_two_unrelated_objects() {
    for backend in backends() {
        let key = CaseKey::generate();
        let plain = data(1000, 1);
        let a = backend.blobs.put(&key, &plain[..]).await.unwrap();
        let b = backend.blobs.put(&key, &plain[..]).await.unwrap();
        assert_ne!(a.id, b.id);
        assert_eq!(a.sha256, b.sha256);
        let (stored_a, stored_b) = (backend.stored(a.id).await, backend.stored(b.id).await);
        // Only the magic, version and chunk length are shared.
        assert_eq!(stored_a[..13], stored_b[..13]);
        let same = stored_a
            .iter()
            .zip(&stored_b)
            .filter(|(x, y)| x == y)
            .count();
        assert!(same < 13 + 30, "{same} equal bytes");
    }
}

#[tokio::test]
async fn delete_removes_the_object_and_is_idempotent() {
    for backend in backends() {
        let key = CaseKey::generate();
        let id = backend.blobs.put(&key, &b"x"[..]).await.unwrap().id;
        backend.blobs.delete(id).await.unwrap();
        let error = backend.blobs.get(&key, id).await.expect_err("gone");
        assert!(
            matches!(error, corridor_blobs::BlobError::NotFound(gone) if gone == id),
            "{error:?}"
        );
        assert!(backend.objects().await.is_empty());
        backend.blobs.delete(id).await.unwrap();
    }
}

#[tokio::test]
async fn a_store_reopened_on_the_same_directory_reads_its_blobs() {
    let backend = Backend::local();
    let dir = backend.dir.as_ref().unwrap().path();
    let key = CaseKey::generate();
    let id = backend.blobs.put(&key, &b"kept"[..]).await.unwrap().id;
    let again = BlobStore::local(dir).unwrap();
    let back = again
        .get(&key, id)
        .await
        .unwrap()
        .read_to_end()
        .await
        .unwrap();
    assert_eq!(&back[..], b"kept");
}

#[cfg(unix)]
#[tokio::test]
async fn a_local_store_and_its_blobs_are_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode();
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("evidence");
    let store = BlobStore::local(&dir).unwrap();
    assert_eq!(mode(&dir) & 0o777, 0o700);
    assert_eq!(mode(&dir.join(OBJECT_PREFIX)) & 0o777, 0o700);

    // A small blob and one written in several parts.
    let key = CaseKey::generate();
    for len in [10, 20 << 20] {
        let id = store.put(&key, &data(len, 3)[..]).await.unwrap().id;
        let blob = dir.join(OBJECT_PREFIX).join(id.to_string());
        assert_eq!(mode(&blob) & 0o777, 0o600, "{len} bytes");
    }
}

#[test]
fn futures_are_send() {
    fn send<T: Send>(_: T) {}
    let backend = Backend::local();
    let key = CaseKey::generate();
    let id = corridor_blobs::BlobId::random();
    send(backend.blobs.put(&key, &b""[..]));
    send(backend.blobs.get(&key, id));
    send(backend.blobs.get_range(&key, id, 0, 1));
    send(backend.blobs.delete(id));
}
