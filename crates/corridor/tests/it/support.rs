//! Runs the `corridor` binary against a temporary data directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const PASSPHRASE: &str = "correct horse battery staple";
pub const ADMIN_PASSWORD: &str = "first admin password, long enough";

pub fn example_case() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/case.json")
}

/// A data directory and the logs of every command run against it.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub data_dir: PathBuf,
    /// stderr of every command run so far (logs at trace level and error messages).
    pub logs: std::cell::RefCell<Vec<u8>>,
    /// More environment for every command (an S3 bucket for evidence, say).
    pub extra_env: std::cell::RefCell<Vec<(String, String)>>,
    pub database_url: Option<String>,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let data_dir = dir.path().join("data");
        Env {
            dir,
            data_dir,
            logs: Default::default(),
            extra_env: Default::default(),
            database_url: None,
        }
    }

    /// An initialised data directory.
    pub fn initialised() -> Env {
        let env = Env::new();
        env.ok(&["init", "--insecure-fast-kdf"]);
        env
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_corridor"));
        command
            .args(args)
            .arg("--data-dir")
            .arg(&self.data_dir)
            .env("CORRIDOR_PASSPHRASE", PASSPHRASE)
            .env("CORRIDOR_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("CORRIDOR_LOG", "trace")
            .env_remove("CORRIDOR_DATABASE_URL")
            .env_remove("CORRIDOR_DATA_DIR")
            .stdin(Stdio::null());
        if let Some(url) = &self.database_url {
            command.env("CORRIDOR_DATABASE_URL", url);
        }
        for (name, value) in self.extra_env.borrow().iter() {
            command.env(name, value);
        }
        command
    }

    pub fn run_command(&self, mut command: Command) -> Output {
        let output = command.output().expect("run corridor");
        self.logs.borrow_mut().extend_from_slice(&output.stderr);
        output
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_command(self.command(args))
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "corridor {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("utf-8 stdout")
    }

    /// Runs a command that must fail; returns its stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            !output.status.success(),
            "corridor {args:?} should have failed; stdout: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        String::from_utf8(output.stderr).expect("utf-8 stderr")
    }

    /// Runs `user add NAME --role ROLE` with a valid password.
    pub fn add_user(&self, name: &str, role: &str) -> Output {
        let mut command = self.command(&["user", "add", name, "--role", role]);
        command.env("CORRIDOR_USER_PASSWORD", "a long enough password");
        self.run_command(command)
    }

    /// Writes a file in the test's temporary directory (outside the data directory).
    pub fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write file");
        path
    }

    pub fn add_case(&self, json: &Path) -> String {
        let id = self.ok(&["case", "add", "--json", path_str(json)]);
        id.trim().to_owned()
    }

    pub fn case_ids(&self) -> Vec<String> {
        let listed: serde_json::Value =
            serde_json::from_str(&self.ok(&["case", "list", "--json"])).expect("json list");
        listed
            .as_array()
            .expect("array")
            .iter()
            .map(|c| c["id"].as_str().expect("id").to_owned())
            .collect()
    }
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// The example case with its JSON edited.
pub fn example_with(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let text = std::fs::read_to_string(example_case()).expect("examples/case.json");
    let mut value: serde_json::Value = serde_json::from_str(&text).expect("valid json");
    edit(&mut value);
    serde_json::to_string_pretty(&value).expect("json")
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

/// Whether `needle` occurs in `haystack`, ignoring ASCII letter case.
pub fn contains_ignoring_case(haystack: &[u8], needle: &str) -> bool {
    let haystack = haystack.to_ascii_lowercase();
    let needle = needle.to_ascii_lowercase();
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// The PostgreSQL URL for tests, if any (see the store crate's tests for the same rule).
pub fn pg_url() -> Option<String> {
    match std::env::var("CORRIDOR_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CORRIDOR_TEST_PG_REQUIRED").as_deref() != Ok("1"),
                "CORRIDOR_TEST_PG_REQUIRED=1 but CORRIDOR_TEST_PG_URL is not set"
            );
            None
        }
    }
}
