//! Range reads: exact bytes at every boundary, only the chunks they touch, nothing past the end.

use corridor_blobs::BlobError;
use corridor_crypto::CaseKey;

use crate::support::{CHUNK, HEADER, TAG, backends, data};

#[tokio::test]
async fn ranges_at_chunk_boundaries_return_exactly_their_bytes() {
    for backend in backends() {
        let key = CaseKey::generate();
        let plain = data(3 * CHUNK + 100, 3);
        let len = plain.len();
        let id = backend.blobs.put(&key, &plain[..]).await.unwrap().id;
        let ranges = [
            (0, 0),
            (0, 1),
            (0, CHUNK),
            (CHUNK - 1, 1),
            (CHUNK - 1, 2),
            (CHUNK, 1),
            (CHUNK, CHUNK),
            (CHUNK - 1, CHUNK + 2),
            (1, 3 * CHUNK),
            (3 * CHUNK, 100),
            (len - 1, 1),
            (len, 0),
            (17, len - 17),
            (0, len),
        ];
        for (offset, n) in ranges {
            let mut reader = backend
                .blobs
                .get_range(&key, id, offset as u64, n as u64)
                .await
                .unwrap_or_else(|e| panic!("{} {offset}+{n}: {e}", backend.name));
            assert_eq!(reader.remaining(), n as u64);
            let mut got = Vec::new();
            while let Some(piece) = reader.next_chunk().await.unwrap() {
                assert!(!piece.is_empty() && piece.len() <= CHUNK);
                got.extend_from_slice(&piece);
            }
            assert!(got == plain[offset..offset + n], "{offset}+{n}");
        }
    }
}

#[tokio::test]
async fn ranges_past_the_end_are_refused() {
    for backend in backends() {
        let key = CaseKey::generate();
        let id = backend
            .blobs
            .put(&key, &data(CHUNK + 5, 1)[..])
            .await
            .unwrap()
            .id;
        let len = (CHUNK + 5) as u64;
        for (offset, n) in [
            (len, 1),
            (len + 1, 0),
            (0, len + 1),
            (u64::MAX, 2),
            (1, u64::MAX),
        ] {
            let error = backend.blobs.get_range(&key, id, offset, n).await.err();
            assert!(
                matches!(error, Some(BlobError::OutOfRange(bad)) if bad == id),
                "{offset}+{n}: {error:?}"
            );
        }
        // The empty blob has only the empty range.
        let empty = backend.blobs.put(&key, &b""[..]).await.unwrap().id;
        let reader = backend.blobs.get_range(&key, empty, 0, 0).await.unwrap();
        assert!(reader.read_to_end().await.unwrap().is_empty());
        assert!(backend.blobs.get_range(&key, empty, 0, 1).await.is_err());
    }
}

#[tokio::test]
async fn a_range_reads_only_the_chunks_it_touches() {
    for backend in backends() {
        let key = CaseKey::generate();
        let plain = data(3 * CHUNK, 4);
        let id = backend.blobs.put(&key, &plain[..]).await.unwrap().id;

        // Damage chunks 0 and 2: a range within chunk 1 never reads them.
        let mut stored = backend.stored(id).await;
        let sealed = CHUNK + TAG;
        stored[HEADER + 5] ^= 1;
        stored[HEADER + 2 * sealed + 5] ^= 1;
        backend.replace(id, stored).await;

        let middle = backend
            .blobs
            .get_range(&key, id, CHUNK as u64, CHUNK as u64)
            .await
            .unwrap()
            .read_to_end()
            .await
            .unwrap();
        assert!(middle[..] == plain[CHUNK..2 * CHUNK]);

        // One byte more on either side reaches a damaged chunk.
        for (offset, n) in [(CHUNK - 1, CHUNK), (CHUNK, CHUNK + 1)] {
            let reader = backend.blobs.get_range(&key, id, offset as u64, n as u64);
            let error = reader.await.unwrap().read_to_end().await.err().unwrap();
            assert!(matches!(error, BlobError::Unauthentic(_)), "{error:?}");
        }
    }
}
