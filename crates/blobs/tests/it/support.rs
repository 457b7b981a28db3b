//! The backends every test runs against: a temporary local directory always, and the
//! S3-compatible server named by `CORRIDOR_TEST_S3_URL` when it is set.
//!
//! `CORRIDOR_TEST_S3_URL` is the endpoint (`http://127.0.0.1:5000` for a moto server);
//! `CORRIDOR_TEST_S3_BUCKET` (default `corridor-test`, created if missing),
//! `CORRIDOR_TEST_S3_REGION` (default `us-east-1`), `CORRIDOR_TEST_S3_ACCESS_KEY_ID` and
//! `CORRIDOR_TEST_S3_SECRET_ACCESS_KEY` (default `test`, which moto accepts) complete it. With
//! `CORRIDOR_TEST_S3_REQUIRED=1` (set by CI) a missing URL fails the run instead of skipping
//! the S3 half of the suite. Each backend gets its own folder of the bucket, so tests running
//! at once do not see each other's objects.

use std::io::{Read as _, Write as _};
use std::sync::{Arc, OnceLock};

use corridor_blobs::{BlobId, BlobStore, OBJECT_PREFIX, S3Config};
use futures_util::TryStreamExt as _;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt as _, PutPayload};

/// A blob store and a raw view of the same objects (to read and tamper with what is stored).
pub struct Backend {
    pub name: &'static str,
    pub blobs: BlobStore,
    pub raw: Arc<dyn ObjectStore>,
    /// The local directory, for the local backend.
    pub dir: Option<tempfile::TempDir>,
    /// The S3 server, bucket and this backend's folder, for the S3 backend.
    s3: Option<(S3Settings, String)>,
}

impl Backend {
    pub fn local() -> Backend {
        let dir = tempfile::tempdir().expect("temp dir");
        let blobs = BlobStore::local(dir.path()).expect("local blob store");
        let raw = LocalFileSystem::new_with_prefix(dir.path()).expect("raw local store");
        Backend {
            name: "local",
            blobs,
            raw: Arc::new(raw),
            dir: Some(dir),
            s3: None,
        }
    }

    pub fn s3() -> Option<Backend> {
        let settings = S3Settings::from_env()?;
        ensure_bucket(&settings);
        let prefix = format!("test-{}", uuid::Uuid::new_v4().simple());
        let blobs = BlobStore::s3(S3Config {
            bucket: settings.bucket.clone(),
            endpoint: Some(settings.url.clone()),
            region: Some(settings.region.clone()),
            access_key_id: Some(settings.access_key_id.clone()),
            secret_access_key: Some(settings.secret_access_key.clone()),
            allow_http: true,
            prefix: Some(prefix.clone()),
        })
        .expect("s3 blob store");
        let raw = AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_endpoint(&settings.url)
            .with_region(&settings.region)
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(&settings.secret_access_key)
            .with_allow_http(true)
            .build()
            .expect("raw s3 store");
        Some(Backend {
            name: "s3",
            blobs,
            raw: Arc::new(PrefixStore::new(raw, prefix.as_str())),
            dir: None,
            s3: Some((settings, prefix)),
        })
    }

    /// The stored bytes of a blob.
    pub async fn stored(&self, id: BlobId) -> Vec<u8> {
        let result = self.raw.get(&object_path(id)).await.expect("raw get");
        result.bytes().await.expect("raw bytes").to_vec()
    }

    /// Replaces the stored bytes of a blob.
    pub async fn replace(&self, id: BlobId, bytes: Vec<u8>) {
        self.raw
            .put(&object_path(id), PutPayload::from(bytes))
            .await
            .expect("raw put");
    }

    /// Every object's name and bytes.
    pub async fn objects(&self) -> Vec<(String, Vec<u8>)> {
        let metas: Vec<_> = self.raw.list(None).try_collect().await.expect("list");
        let mut out = Vec::new();
        for meta in metas {
            let bytes = self.raw.get(&meta.location).await.expect("get");
            out.push((
                meta.location.to_string(),
                bytes.bytes().await.expect("bytes").to_vec(),
            ));
        }
        out
    }
}

impl Backend {
    /// Multipart uploads begun and neither completed nor aborted, on S3 (always 0 locally).
    /// Asked unsigned, as a local moto server allows.
    pub fn pending_multipart_uploads(&self) -> usize {
        let Some((settings, prefix)) = &self.s3 else {
            return 0;
        };
        let (status, body) = http(
            settings,
            "GET",
            &format!("/{}?uploads&prefix={prefix}/", settings.bucket),
        );
        assert!(
            status.contains(" 200 "),
            "listing multipart uploads: {status}"
        );
        body.matches("<Upload>").count()
    }
}

/// Both backends when S3 is configured, else the local one.
pub fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::local()];
    all.extend(Backend::s3());
    all
}

pub fn object_path(id: BlobId) -> Path {
    Path::from(format!("{OBJECT_PREFIX}/{id}"))
}

struct S3Settings {
    url: String,
    bucket: String,
    region: String,
    access_key_id: String,
    secret_access_key: String,
}

impl S3Settings {
    fn from_env() -> Option<S3Settings> {
        let var = |name: &str, default: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_owned())
        };
        match std::env::var("CORRIDOR_TEST_S3_URL") {
            Ok(url) if !url.is_empty() => Some(S3Settings {
                url,
                bucket: var("CORRIDOR_TEST_S3_BUCKET", "corridor-test"),
                region: var("CORRIDOR_TEST_S3_REGION", "us-east-1"),
                access_key_id: var("CORRIDOR_TEST_S3_ACCESS_KEY_ID", "test"),
                secret_access_key: var("CORRIDOR_TEST_S3_SECRET_ACCESS_KEY", "test"),
            }),
            _ => {
                assert!(
                    std::env::var("CORRIDOR_TEST_S3_REQUIRED").as_deref() != Ok("1"),
                    "CORRIDOR_TEST_S3_REQUIRED=1 but CORRIDOR_TEST_S3_URL is not set"
                );
                None
            }
        }
    }
}

/// Creates the bucket once per run with a plain `PUT /<bucket>`, which a local moto server
/// accepts unsigned. A server that refuses (it exists, or wants a signature) is left to the
/// tests to report.
fn ensure_bucket(settings: &S3Settings) {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        http(settings, "PUT", &format!("/{}", settings.bucket));
    });
}

/// A plain HTTP/1.1 request to the S3 test server: the status line and the body.
fn http(settings: &S3Settings, method: &str, target: &str) -> (String, String) {
    let authority = settings
        .url
        .strip_prefix("http://")
        .unwrap_or(&settings.url)
        .trim_end_matches('/');
    let Ok(mut stream) = std::net::TcpStream::connect(authority) else {
        panic!("cannot connect to the S3 test server at {}", settings.url);
    };
    let request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {authority}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("receive");
    let status = response.lines().next().unwrap_or_default().to_owned();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// `len` bytes that do not compress and differ by `seed`.
pub fn data(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).into()
}

/// Plaintext bytes per chunk, as the format documents.
pub const CHUNK: usize = 64 * 1024;
/// Header bytes before the first chunk, and tag bytes after each chunk's ciphertext.
pub const HEADER: usize = 29;
pub const TAG: usize = 16;
