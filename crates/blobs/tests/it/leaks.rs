//! Nothing readable leaves the process: not the content, not its hash, not in object names,
//! errors or `Debug` output.

use corridor_blobs::{BlobError, S3Config};
use corridor_crypto::CaseKey;

use crate::support::{Backend, CHUNK, backends, data, sha256};

const CANARY: &[u8] = b"CANARY-Sidorov-Ivan-7f3a9c";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A file with the canary at the start, across a chunk boundary and at the end.
fn document() -> Vec<u8> {
    let mut plain = CANARY.to_vec();
    plain.extend(data(CHUNK - CANARY.len() - 10, 1));
    plain.extend_from_slice(CANARY);
    plain.extend(data(1000, 2));
    plain.extend_from_slice(CANARY);
    plain
}

#[tokio::test]
async fn the_content_and_its_hash_appear_nowhere_in_storage() {
    for backend in backends() {
        let key = CaseKey::generate();
        let plain = document();
        let receipt = backend.blobs.put(&key, &plain[..]).await.unwrap();
        let digest = sha256(&plain);
        assert_eq!(receipt.sha256, digest);

        let objects = backend.objects().await;
        assert_eq!(objects.len(), 1);
        for (name, bytes) in &objects {
            assert_eq!(name, &format!("blobs/{}", receipt.id));
            for needle in [
                CANARY,
                &digest[..],
                hex(&digest).as_bytes(),
                &plain[100..132],
            ] {
                assert!(
                    !contains(bytes, needle),
                    "{}: content in the object",
                    backend.name
                );
                assert!(!contains(name.as_bytes(), needle));
            }
        }

        // The same on disk, file names and staging files included.
        if let Some(dir) = &backend.dir {
            let mut files = 0;
            let mut stack = vec![dir.path().to_path_buf()];
            while let Some(path) = stack.pop() {
                let name = path.to_string_lossy().into_owned();
                assert!(!name.contains(&hex(&digest)), "{name}");
                if path.is_dir() {
                    stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                } else {
                    files += 1;
                    let bytes = std::fs::read(&path).unwrap();
                    assert!(!contains(&bytes, CANARY), "{name}");
                    assert!(!contains(&bytes, &digest), "{name}");
                    assert!(!contains(&bytes, hex(&digest).as_bytes()), "{name}");
                }
            }
            assert_eq!(files, 1);
        }
    }
}

#[tokio::test]
async fn errors_and_debug_output_carry_no_content() {
    let backend = Backend::local();
    let key = CaseKey::generate();
    let plain = document();
    let receipt = backend.blobs.put(&key, &plain[..]).await.unwrap();
    let digest = hex(&receipt.sha256);

    let receipt_debug = format!("{receipt:?}");
    assert!(receipt_debug.contains(&receipt.id.to_string()));
    assert!(!receipt_debug.contains(&digest));
    assert!(!receipt_debug.contains("sha256"), "{receipt_debug}");

    let mut errors: Vec<BlobError> = Vec::new();
    errors.push(
        backend
            .blobs
            .get(&CaseKey::generate(), receipt.id)
            .await
            .unwrap()
            .read_to_end()
            .await
            .unwrap_err(),
    );
    errors.push(
        backend
            .blobs
            .get_range(&key, receipt.id, 1 << 40, 1)
            .await
            .err()
            .unwrap(),
    );
    errors.push(
        backend
            .blobs
            .get(&key, corridor_blobs::BlobId::random())
            .await
            .err()
            .unwrap(),
    );
    for error in &errors {
        for text in [
            error.to_string(),
            format!("{error:?}"),
            format!("{error:#?}"),
        ] {
            assert!(!text.contains("CANARY"), "{text}");
            assert!(!text.contains(&digest), "{text}");
        }
    }

    let config = S3Config {
        bucket: "bucket".into(),
        access_key_id: Some("AKIDEXAMPLE".into()),
        secret_access_key: Some("SECRET-wJalrXUtnFEMI".into()),
        ..S3Config::default()
    };
    let debug = format!("{config:?}");
    assert!(
        debug.contains("AKIDEXAMPLE") && !debug.contains("SECRET"),
        "{debug}"
    );
}
