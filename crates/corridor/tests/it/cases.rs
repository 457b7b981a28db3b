//! The happy paths of the case commands, init and serve.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::Stdio;

use crate::support::{Env, example_case, files_under};

#[test]
fn init_creates_the_store_and_refuses_to_run_twice() {
    let env = Env::initialised();
    assert!(env.data_dir.join("corridor.db").is_file());
    let programs = files_under(&env.data_dir.join("programs"));
    assert_eq!(programs.len(), 7, "the default programs are written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&env.data_dir)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700, "data directory is private");
    }
    let before = std::fs::read(env.data_dir.join("corridor.db")).expect("db");
    let err = env.fails(&["init", "--insecure-fast-kdf"]);
    assert!(err.contains("already holds a Corridor store"), "{err}");
    assert_eq!(
        std::fs::read(env.data_dir.join("corridor.db")).expect("db"),
        before
    );
}

#[test]
fn add_prints_only_the_id_and_the_case_reads_back() {
    let env = Env::initialised();
    let stdout = env.ok(&[
        "case",
        "add",
        "--json",
        example_case().to_str().expect("path"),
    ]);
    let id = stdout.trim();
    assert_eq!(stdout, format!("{id}\n"), "exactly one line");
    assert!(uuid_like(id), "{id}");

    assert_eq!(env.case_ids(), vec![id.to_owned()]);
    let shown: serde_json::Value =
        serde_json::from_str(&env.ok(&["case", "show", id, "--json"])).expect("json");
    let example: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example_case()).expect("read"))
            .expect("json");
    assert_eq!(shown["id"], id);
    assert_eq!(
        shown["stage"],
        example.get("stage").cloned().unwrap_or("intake".into())
    );
    assert_eq!(shown["program"], example["program"]);
    let names = |v: &serde_json::Value| -> Vec<String> {
        v["names"]
            .as_array()
            .expect("names")
            .iter()
            .map(|n| n["text"].as_str().expect("text").to_owned())
            .collect()
    };
    assert_eq!(names(&shown["person"]), names(&example["person"]));
    assert_eq!(
        shown["claims"].as_array().map(Vec::len),
        example["claims"].as_array().map(Vec::len)
    );

    let text = env.ok(&["case", "show", id]);
    let first_name = &names(&example["person"])[0];
    assert!(
        text.contains(first_name.as_str()),
        "the text view shows the name:\n{text}"
    );
}

#[test]
fn purge_leaves_a_tombstone_only() {
    let env = Env::initialised();
    let id = env.add_case(&example_case());
    let keep = env.add_case(&example_case());
    let out = env.ok(&["case", "purge", &id]);
    assert!(out.starts_with(&format!("purged {id}")), "{out}");
    assert_eq!(env.case_ids(), vec![keep.clone()]);
    let shown: serde_json::Value =
        serde_json::from_str(&env.ok(&["case", "show", &id, "--json"])).expect("json");
    assert_eq!(shown["id"], id.as_str());
    assert!(shown["purged_at"].is_string());
    assert!(shown.get("person").is_none());
    let err = env.fails(&["case", "purge", &id]);
    assert!(err.contains("purged"), "{err}");
    let err = env.fails(&["case", "purge", "not-an-id"]);
    assert!(err.contains("case id"), "{err}");
}

#[test]
fn demo_seed_spreads_over_every_stage_custody_and_risk() {
    let env = Env::initialised();
    env.ok(&["demo", "seed", "--cases", "60", "--seed", "7"]);
    let listed: serde_json::Value =
        serde_json::from_str(&env.ok(&["case", "list", "--json"])).expect("json");
    let cases = listed.as_array().expect("array");
    assert_eq!(cases.len(), 60);
    let distinct = |field: &str| {
        let mut values: Vec<_> = cases
            .iter()
            .map(|c| c[field].as_str().expect(field).to_owned())
            .collect();
        values.sort();
        values.dedup();
        values
    };
    assert_eq!(distinct("stage").len(), corridor_core::Stage::ALL.len());
    assert_eq!(distinct("custody").len(), corridor_core::Custody::ALL.len());
    assert_eq!(
        distinct("risk_level").len(),
        corridor_core::RiskLevel::ALL.len()
    );
    // Every synthetic case opens completely.
    for case in cases.iter().take(15) {
        env.ok(&["case", "show", case["id"].as_str().expect("id"), "--json"]);
    }
}

#[test]
fn serve_refuses_plain_http_off_loopback() {
    let env = Env::initialised();
    let output = env.run(&["serve", "--bind", "0.0.0.0:8080"]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("--behind-tls") && err.contains("plain HTTP"),
        "{err}"
    );
    let output = env.run(&["demo", "--bind", "0.0.0.0:8080"]);
    assert_eq!(output.status.code(), Some(2), "the demo stays on loopback");
}

#[test]
fn serve_asks_for_a_sign_in_before_any_case() {
    let env = Env::initialised();
    let id = env.add_case(&example_case());
    let server = Server::start(&env);
    for path in ["/", "/cases", &format!("/cases/{id}")] {
        let (status, body) = server.get(path);
        assert_eq!(status, 303, "{path} redirects to the sign-in");
        assert!(!body.contains("Pustovoitova"), "{path} shows nothing");
    }
    let (status, body) = server.get("/login");
    assert_eq!(status, 200);
    assert!(body.contains("Sign in"));
    assert_eq!(server.get("/healthz"), (200, "ok".to_owned()));
}

#[test]
fn demo_serves_a_throw_away_store_and_removes_it_on_ctrl_c() {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_corridor"));
    command
        .args(["demo", "--bind", "127.0.0.1:0", "--cases", "30"])
        .env_remove("CORRIDOR_PASSPHRASE")
        .env_remove("CORRIDOR_DATA_DIR")
        .stdin(Stdio::null());
    let (server, printed) = Server::spawn(command);
    let dir = printed
        .iter()
        .find_map(|l| l.strip_prefix("Corridor demo: 30 synthetic cases in "))
        .unwrap_or_else(|| panic!("no directory in {printed:?}"))
        .to_owned();
    let passphrase = printed
        .iter()
        .find_map(|l| {
            l.split("): ")
                .nth(1)
                .filter(|_| l.starts_with("Passphrase"))
        })
        .unwrap_or_else(|| panic!("no passphrase in {printed:?}"))
        .to_owned();
    let (status, body) = server.get("/login");
    assert_eq!(status, 200);
    assert!(body.contains("Sign in"));
    assert!(
        printed.contains(
            &"A synthetic watch list names some of them: 3 possible matches for the analyst to review."
                .to_owned()
        ),
        "{printed:?}"
    );

    // The printed passphrase opens the demo store from the CLI.
    let mut list = std::process::Command::new(env!("CARGO_BIN_EXE_corridor"));
    list.args(["case", "list", "--json", "--data-dir", &dir])
        .env("CORRIDOR_PASSPHRASE", &passphrase)
        .stdin(Stdio::null());
    let output = list.output().expect("list");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let cases: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(cases.as_array().map(Vec::len), Some(30));

    assert!(server.interrupt().success(), "Ctrl-C is a clean stop");
    assert!(
        !std::path::Path::new(&dir).exists(),
        "the throw-away directory is gone"
    );
}

fn uuid_like(text: &str) -> bool {
    text.len() == 36 && text.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// A `corridor serve` child process on a free loopback port.
pub struct Server {
    child: std::process::Child,
    pub addr: String,
}

impl Server {
    pub fn start(env: &Env) -> Server {
        Server::spawn(env.command(&["serve", "--bind", "127.0.0.1:0"])).0
    }

    /// Starts a serving command; returns the server and the lines it printed before listening.
    pub fn spawn(mut command: std::process::Command) -> (Server, Vec<String>) {
        command.stdout(Stdio::piped()).stderr(Stdio::null());
        let mut child = command.spawn().expect("spawn serve");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut printed = Vec::new();
        let addr = loop {
            let mut line = String::new();
            stdout.read_line(&mut line).expect("read line");
            assert!(
                !line.is_empty(),
                "the server exited before listening: {printed:?}"
            );
            if let Some(rest) = line.split("listening on http://").nth(1) {
                break rest.split('/').next().expect("address").to_owned();
            }
            printed.push(line.trim_end().to_owned());
        };
        (Server { child, addr }, printed)
    }

    /// Interrupts the server as Ctrl-C would and waits for it to exit.
    pub fn interrupt(mut self) -> std::process::ExitStatus {
        let status = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        self.child.wait().expect("wait")
    }

    /// A plain HTTP/1.1 GET; returns status and body.
    pub fn get(&self, path: &str) -> (u16, String) {
        self.request("GET", path, "")
    }

    /// A plain HTTP/1.1 request without a body; `headers` are extra `Name: value\r\n` lines.
    pub fn request(&self, method: &str, path: &str, headers: &str) -> (u16, String) {
        let mut stream = std::net::TcpStream::connect(&self.addr).expect("connect");
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n{headers}Connection: close\r\n\r\n",
            self.addr
        )
        .expect("write");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status");
        let body = response
            .split("\r\n\r\n")
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        (status, body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let env = Env::initialised();
    env.ok(&["demo", "seed", "--cases", "400"]);
    let mut command = env.command(&["case", "list", "--json"]);
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("spawn");
    let mut first = [0u8; 16];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("read");
    // The reader is gone now, like `| head -c 16`.
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(output.status.success(), "{stderr}");
}

#[test]
fn init_creates_the_first_admin_who_still_has_to_enrol() {
    let env = Env::new();
    let out = env.ok(&["init", "--insecure-fast-kdf", "--admin", "root.admin"]);
    assert!(out.contains("`root.admin` enrols TOTP"), "{out}");
    let enrol = env.fails(&["demo", "totp", "root.admin"]);
    let unknown = env.fails(&["demo", "totp", "nobody"]);
    assert_ne!(
        enrol, unknown,
        "the admin exists (and has not enrolled yet): {enrol}"
    );
}

#[test]
fn the_operator_adds_users_and_bad_roles_or_passwords_are_refused() {
    let env = Env::initialised();
    let output = env.add_user("casey", "caseworker");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("Created casey (Caseworker)"));
    let audit = env.ok(&["audit", "list", "--json"]);
    assert!(audit.contains("user_created"), "{audit}");

    let output = env.add_user("casey", "caseworker");
    assert_eq!(output.status.code(), Some(1), "the username is taken");

    let output = env.add_user("rolf", "superuser");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--role"));

    let mut command = env.command(&["user", "add", "shorty", "--role", "legal"]);
    command.env("CORRIDOR_USER_PASSWORD", "short");
    let output = env.run_command(command);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success() && stderr.contains("password"),
        "{stderr}"
    );
}

#[test]
fn evidence_goes_in_sealed_and_comes_back_identical() {
    let env = Env::initialised();
    let case = env.add_case(&example_case());
    let canary = format!("Qzevidence{}", crate::canary::uuid_fragment());
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.extend_from_slice(format!("(statement by {canary})\n").as_bytes());
    bytes.extend(std::iter::repeat_n(b'x', 300_000));
    bytes.extend_from_slice(b"\n%%EOF\n");
    let file = env.file("ruling.pdf", "");
    std::fs::write(&file, &bytes).expect("write");

    let id = env
        .ok(&[
            "evidence",
            "add",
            "--case",
            &case,
            "--file",
            crate::support::path_str(&file),
            "--kind",
            "court_document",
            "--activity",
            "Sentenced in absentia",
        ])
        .trim()
        .to_owned();
    std::fs::remove_file(&file).expect("remove the original");
    let listed = env.ok(&["evidence", "list", "--case", &case]);
    assert!(
        listed.contains(&id) && listed.contains("application/pdf"),
        "{listed}"
    );

    let out = env.data_dir.join("back.pdf");
    env.ok(&[
        "evidence",
        "get",
        &id,
        "--out",
        crate::support::path_str(&out),
    ]);
    assert_eq!(std::fs::read(&out).expect("read"), bytes, "identical");
    let chain = env.ok(&["audit", "list", "--action", "evidence_exported"]);
    assert_eq!(
        chain.lines().filter(|l| l.contains(&id)).count(),
        1,
        "writing the file out is an export in its chain of custody: {chain}"
    );
    let again = env.run(&[
        "evidence",
        "get",
        &id,
        "--out",
        crate::support::path_str(&out),
    ]);
    assert!(
        !again.status.success(),
        "an existing file is never overwritten"
    );
    std::fs::remove_file(&out).expect("remove the copy");

    for file in files_under(&env.data_dir) {
        let stored = std::fs::read(&file).expect("read");
        assert!(
            !crate::support::contains_ignoring_case(&stored, &canary),
            "canary in {}",
            file.display()
        );
    }
    assert!(
        !crate::support::contains_ignoring_case(&env.logs.borrow(), &canary),
        "canary in the logs"
    );

    // A file whose content is not what its name says is refused, and nothing is kept.
    let fake = env.file("photo.jpg", "just text, not a photo");
    let err = env.fails(&[
        "evidence",
        "add",
        "--case",
        &case,
        "--file",
        crate::support::path_str(&fake),
        "--kind",
        "protest_media",
    ]);
    assert!(
        err.contains("field `file`") && err.contains(".jpg"),
        "{err}"
    );
    let listed = env.ok(&["evidence", "list", "--case", &case]);
    assert_eq!(listed.lines().count(), 1, "{listed}");
    let blobs = std::fs::read_dir(env.data_dir.join("blobs"))
        .expect("blobs")
        .count();
    assert_eq!(blobs, 1, "only the first file's blob");
}

/// The S3-compatible test server (`CORRIDOR_TEST_S3_URL`, a loopback moto in CI), if any;
/// with `CORRIDOR_TEST_S3_REQUIRED=1` its absence fails the test.
fn s3_url() -> Option<String> {
    match std::env::var("CORRIDOR_TEST_S3_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CORRIDOR_TEST_S3_REQUIRED").as_deref() != Ok("1"),
                "CORRIDOR_TEST_S3_REQUIRED=1 but CORRIDOR_TEST_S3_URL is not set"
            );
            None
        }
    }
}

#[test]
fn evidence_can_live_in_an_s3_bucket() {
    let Some(url) = s3_url() else { return };
    // moto creates a bucket on a plain PUT.
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(host).expect("connect to the S3 server");
    write!(
        stream,
        "PUT /corridor-cli-test HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .expect("create the bucket");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answer");

    let env = Env::initialised();
    let prefix = format!("cli-{}", crate::canary::uuid_fragment());
    env.extra_env.borrow_mut().extend(
        [
            ("CORRIDOR_S3_BUCKET", "corridor-cli-test"),
            ("CORRIDOR_S3_ENDPOINT", url.as_str()),
            ("CORRIDOR_S3_REGION", "us-east-1"),
            ("CORRIDOR_S3_PREFIX", prefix.as_str()),
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    let case = env.add_case(&example_case());
    let canary = format!("Qzs3canary{}", crate::canary::uuid_fragment());
    let content = format!("My statement, {canary}.");
    let file = env.file(&format!("{canary}.txt"), &content);
    let id = env
        .ok(&[
            "evidence",
            "add",
            "--case",
            &case,
            "--file",
            crate::support::path_str(&file),
            "--kind",
            "testimony",
        ])
        .trim()
        .to_owned();
    assert!(
        !env.data_dir.join("blobs").exists(),
        "nothing in the data directory"
    );
    let out = env.data_dir.join("back.txt");
    env.ok(&[
        "evidence",
        "get",
        &id,
        "--out",
        crate::support::path_str(&out),
    ]);
    assert_eq!(std::fs::read_to_string(&out).expect("read"), content);

    // The canary is nowhere in the bucket: not in an object, not in an object's name.
    let objects = bucket_objects(&url, "corridor-cli-test", &prefix);
    assert_eq!(objects.len(), 1, "one sealed blob");
    for (name, bytes) in objects {
        assert!(!name.contains(&canary) && !name.contains("txt"), "{name}");
        assert!(
            !crate::support::contains_ignoring_case(&bytes, &canary),
            "canary in the object {name}"
        );
        assert!(!crate::support::contains_ignoring_case(
            &bytes,
            "My statement"
        ));
    }
}

/// Every object under `prefix` in the test server's bucket: its name and bytes.
fn bucket_objects(url: &str, bucket: &str, prefix: &str) -> Vec<(String, Vec<u8>)> {
    use futures_util::TryStreamExt as _;
    use object_store::{ObjectStore as _, ObjectStoreExt as _};
    let store = object_store::aws::AmazonS3Builder::new()
        .with_bucket_name(bucket)
        .with_endpoint(url)
        .with_region("us-east-1")
        .with_access_key_id("test")
        .with_secret_access_key("test")
        .with_allow_http(true)
        .build()
        .expect("an S3 client");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let prefix = object_store::path::Path::from(prefix);
        let metas: Vec<_> = store.list(Some(&prefix)).try_collect().await.expect("list");
        let mut objects = Vec::new();
        for meta in metas {
            let bytes = store
                .get(&meta.location)
                .await
                .expect("get")
                .bytes()
                .await
                .expect("bytes");
            objects.push((meta.location.to_string(), bytes.to_vec()));
        }
        objects
    })
}
