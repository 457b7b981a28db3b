//! A stored blob that was altered, truncated, extended, reordered or moved, or read with the
//! wrong key, fails to open; no byte of it comes back.

use corridor_blobs::{BlobError, BlobId};
use corridor_crypto::CaseKey;

use crate::support::{Backend, CHUNK, HEADER, TAG, backends, data, object_path};

const SEALED: usize = CHUNK + TAG;

/// Reading the whole blob must fail as an integrity failure.
async fn assert_unreadable(backend: &Backend, key: &CaseKey, id: BlobId, what: &str) {
    let error = read_all(backend, key, id).await.expect_err(what);
    assert!(error.is_integrity_failure(), "{what}: {error:?}");
}

async fn read_all(backend: &Backend, key: &CaseKey, id: BlobId) -> Result<Vec<u8>, BlobError> {
    let reader = backend.blobs.get(key, id).await?;
    Ok(reader.read_to_end().await?.to_vec())
}

#[tokio::test]
async fn every_flipped_bit_of_a_small_blob_is_detected() {
    for backend in backends() {
        let key = CaseKey::generate();
        let plain = data(40, 1);
        let id = backend.blobs.put(&key, &plain[..]).await.unwrap().id;
        let stored = backend.stored(id).await;
        // Every bit locally; on S3 (a request per read) every bit of every fourth byte.
        let step = if backend.name == "local" { 1 } else { 4 };
        for byte in (0..stored.len()).step_by(step) {
            for bit in 0..8 {
                let mut altered = stored.clone();
                altered[byte] ^= 1 << bit;
                backend.replace(id, altered).await;
                let result = read_all(&backend, &key, id).await;
                let error = result.expect_err("flipped bit read back");
                assert!(error.is_integrity_failure(), "byte {byte}: {error:?}");
                let ranged = backend.blobs.get_range(&key, id, 0, 1).await;
                let ranged = match ranged {
                    Ok(reader) => reader.read_to_end().await.map(drop),
                    Err(error) => Err(error),
                };
                assert!(ranged.expect_err("range").is_integrity_failure());
            }
        }
        backend.replace(id, stored).await;
        assert_eq!(read_all(&backend, &key, id).await.unwrap(), plain);
    }
}

#[tokio::test]
async fn flipped_bits_anywhere_in_a_larger_blob_are_detected() {
    for backend in backends() {
        let key = CaseKey::generate();
        let plain = data(2 * CHUNK + 10, 2);
        let id = backend.blobs.put(&key, &plain[..]).await.unwrap().id;
        let stored = backend.stored(id).await;
        // Header bytes; first, middle and last ciphertext bytes and tag bytes of each chunk.
        let mut positions: Vec<usize> = (0..HEADER).collect();
        for chunk in 0..3 {
            let start = HEADER + chunk * SEALED;
            let end = (start + SEALED).min(stored.len());
            positions.extend([start, start + 1, (start + end) / 2, end - TAG - 1]);
            positions.extend([end - TAG, end - 1]);
        }
        for position in positions {
            let mut altered = stored.clone();
            altered[position] ^= 0x80;
            backend.replace(id, altered).await;
            let what = format!("{} byte {position}", backend.name);
            assert_unreadable(&backend, &key, id, &what).await;
        }
    }
}

#[tokio::test]
async fn a_bit_flipped_in_the_file_on_disk_is_detected() {
    let backend = Backend::local();
    let key = CaseKey::generate();
    let id = backend
        .blobs
        .put(&key, &data(CHUNK + 1, 3)[..])
        .await
        .unwrap()
        .id;
    let file = backend
        .dir
        .as_ref()
        .unwrap()
        .path()
        .join(object_path(id).as_ref());
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[HEADER + CHUNK / 2] ^= 4;
    std::fs::write(&file, bytes).unwrap();
    let error = read_all(&backend, &key, id).await.unwrap_err();
    assert!(
        matches!(error, BlobError::Unauthentic(bad) if bad == id),
        "{error:?}"
    );
    // The chunk before the damage is fine; the damaged one is refused whole.
    let first = backend.blobs.get_range(&key, id, 0, 10).await.unwrap();
    assert!(first.read_to_end().await.is_err());
    let last = backend
        .blobs
        .get_range(&key, id, CHUNK as u64, 1)
        .await
        .unwrap();
    assert_eq!(last.read_to_end().await.unwrap().len(), 1);
}

#[tokio::test]
async fn truncation_and_extension_are_detected() {
    for backend in backends() {
        let key = CaseKey::generate();
        let plain = data(3 * CHUNK, 4);
        let id = backend.blobs.put(&key, &plain[..]).await.unwrap().id;
        let stored = backend.stored(id).await;

        let cuts = [
            ("at a chunk boundary", HEADER + 2 * SEALED),
            ("at the first chunk boundary", HEADER + SEALED),
            ("inside the last chunk", stored.len() - 100),
            ("one byte", stored.len() - 1),
            ("into a tag", HEADER + SEALED + 10),
            ("to the header", HEADER),
            ("inside the header", 10),
            ("to nothing", 0),
        ];
        for (what, cut) in cuts {
            backend.replace(id, stored[..cut].to_vec()).await;
            assert_unreadable(&backend, &key, id, what).await;
            // A range read needs the header and the chunks it touches; with the header cut
            // too, it fails as well (cut chunks it does not touch are not its business).
            if cut <= HEADER {
                let error = backend.blobs.get_range(&key, id, 0, 1).await.err();
                let error = error.unwrap_or_else(|| panic!("{what}: range read"));
                assert!(error.is_integrity_failure(), "{what}: {error:?}");
            }
        }

        let mut extended = stored.clone();
        extended.extend_from_slice(&stored[HEADER..HEADER + SEALED]);
        backend.replace(id, extended).await;
        assert_unreadable(&backend, &key, id, "a chunk appended").await;

        let mut extended = stored.clone();
        extended.extend_from_slice(&[0; TAG]);
        backend.replace(id, extended).await;
        assert_unreadable(&backend, &key, id, "an empty chunk appended").await;
    }
}

#[tokio::test]
async fn swapped_or_repeated_chunks_are_detected() {
    for backend in backends() {
        let key = CaseKey::generate();
        let id = backend
            .blobs
            .put(&key, &data(3 * CHUNK, 5)[..])
            .await
            .unwrap()
            .id;
        let stored = backend.stored(id).await;
        let chunk = |i: usize| &stored[HEADER + i * SEALED..HEADER + (i + 1) * SEALED];

        let swapped = [&stored[..HEADER], chunk(1), chunk(0), chunk(2)].concat();
        backend.replace(id, swapped).await;
        assert_unreadable(&backend, &key, id, "chunks 0 and 1 swapped").await;
        let range = backend
            .blobs
            .get_range(&key, id, CHUNK as u64, 1)
            .await
            .unwrap();
        assert!(
            range
                .read_to_end()
                .await
                .unwrap_err()
                .is_integrity_failure()
        );

        let repeated = [&stored[..HEADER], chunk(0), chunk(0), chunk(2)].concat();
        backend.replace(id, repeated).await;
        assert_unreadable(&backend, &key, id, "chunk 0 twice").await;
    }
}

#[tokio::test]
async fn an_object_moved_to_another_blob_or_read_with_another_key_fails() {
    for backend in backends() {
        let key = CaseKey::generate();
        let a = backend.blobs.put(&key, &data(100, 6)[..]).await.unwrap().id;
        let b = backend.blobs.put(&key, &data(100, 7)[..]).await.unwrap().id;
        let (stored_a, stored_b) = (backend.stored(a).await, backend.stored(b).await);

        // Another case's key.
        let error = read_all(&backend, &CaseKey::generate(), a)
            .await
            .unwrap_err();
        assert!(
            matches!(error, BlobError::Unauthentic(bad) if bad == a),
            "{error:?}"
        );

        // Blob a's object stored under b's name, same case key.
        backend.replace(b, stored_a.clone()).await;
        assert_unreadable(&backend, &key, b, "a's object as b").await;

        // a's chunk behind b's header.
        let spliced = [&stored_b[..HEADER], &stored_a[HEADER..]].concat();
        backend.replace(b, spliced).await;
        assert_unreadable(&backend, &key, b, "a's chunk behind b's header").await;

        // a is unharmed.
        assert_eq!(read_all(&backend, &key, a).await.unwrap(), data(100, 6));
    }
}

#[tokio::test]
async fn an_empty_blob_is_authenticated_too() {
    for backend in backends() {
        let key = CaseKey::generate();
        let empty = backend.blobs.put(&key, &b""[..]).await.unwrap().id;
        assert!(read_all(&backend, &key, empty).await.unwrap().is_empty());

        // The wrong key, and every flipped bit.
        let error = read_all(&backend, &CaseKey::generate(), empty)
            .await
            .unwrap_err();
        assert!(matches!(error, BlobError::Unauthentic(_)), "{error:?}");
        let stored = backend.stored(empty).await;
        assert_eq!(stored.len(), HEADER + TAG);
        for byte in HEADER..stored.len() {
            let mut altered = stored.clone();
            altered[byte] ^= 1;
            backend.replace(empty, altered).await;
            assert_unreadable(&backend, &key, empty, "flipped tag bit").await;
        }

        // A blob cut down to the size of an empty one.
        let id = backend
            .blobs
            .put(&key, &data(3 * CHUNK, 8)[..])
            .await
            .unwrap()
            .id;
        let mut cut = backend.stored(id).await;
        cut.truncate(HEADER + TAG);
        backend.replace(id, cut).await;
        assert_unreadable(&backend, &key, id, "cut to an empty blob's size").await;
    }
}
