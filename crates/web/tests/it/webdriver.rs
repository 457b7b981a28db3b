//! A small W3C WebDriver client for the browser tests: chromedriver on a free loopback port,
//! headless Chromium sessions through it, and the handful of commands the tests use.
//!
//! It speaks HTTP/1.1 to chromedriver over a plain `TcpStream` and JSON through `serde_json`,
//! so it adds no crate to the build (fantoccini 0.22 would add 31, with second versions of
//! `http`, `cookie`, `thiserror` and the ICU crates). Calls block: the tests are plain `#[test]`
//! functions and the server runs on a runtime of its own (`site.rs`).
//!
//! Cleanup does not depend on the test passing: dropping a [`Browser`] ends its session (which
//! quits Chromium, or kills it if chromedriver does not answer) and removes its profile
//! directory; the last [`Browser`] to go stops chromedriver.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

/// How long an explicit wait (an element, a URL, a condition) lasts before it fails.
pub const WAIT: Duration = Duration::from_secs(10);
/// How long chromedriver may take to start, and Chromium to open a session.
const START: Duration = Duration::from_secs(60);
/// How long one WebDriver command may take (a page load included).
const COMMAND: Duration = Duration::from_secs(60);
/// The W3C key under which an element reference travels.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// Set to 1 (CI does) to fail instead of skipping when Chromium or chromedriver is missing.
const REQUIRED_VAR: &str = "CORRIDOR_TEST_BROWSER_REQUIRED";

/// The flags Chromium needs on a closed network and in a container.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
];

/// A program on `PATH`, by the first of `names` found.
fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Chromium and chromedriver, or why the browser tests cannot run.
fn programs() -> Result<(PathBuf, PathBuf), String> {
    let chromium = on_path(&["chromium", "chromium-browser"]);
    let driver = on_path(&["chromedriver"]);
    match (chromium, driver) {
        (Some(chromium), Some(driver)) => Ok((chromium, driver)),
        (chromium, driver) => {
            let missing: Vec<&str> = [
                chromium.is_none().then_some("chromium"),
                driver.is_none().then_some("chromedriver"),
            ]
            .into_iter()
            .flatten()
            .collect();
            Err(format!("{} not found on PATH", missing.join(" and ")))
        }
    }
}

/// A running chromedriver, shared by the browser tests that run at the same time.
struct Chromedriver {
    child: Child,
    port: u16,
    chromium: PathBuf,
    _log_dir: tempfile::TempDir,
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The chromedriver in use, if any: the last `Arc` dropped stops it.
static DRIVER: Mutex<Weak<Chromedriver>> = Mutex::new(Weak::new());

impl Chromedriver {
    /// The running chromedriver, or a new one.
    fn shared(driver: &Path, chromium: &Path) -> Arc<Chromedriver> {
        let mut slot = DRIVER.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(running) = slot.upgrade() {
            return running;
        }
        let started = Arc::new(Chromedriver::start(driver, chromium));
        *slot = Arc::downgrade(&started);
        started
    }

    /// Starts chromedriver on a free port and waits until it is ready. A port taken between
    /// choosing it and chromedriver binding it is retried with another.
    fn start(program: &Path, chromium: &Path) -> Chromedriver {
        let log_dir = tempfile::tempdir().expect("a directory for chromedriver's log");
        let log_path = log_dir.path().join("chromedriver.log");
        let mut output = String::new();
        for _ in 0..3 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free loopback port")
                .port();
            let log = std::fs::File::create(&log_path).expect("chromedriver log");
            let mut child = Command::new(program)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("log handle"))
                .stderr(log)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
            let deadline = Instant::now() + START;
            let ready = loop {
                let status = http(port, "GET", "/status", None);
                if status.is_ok_and(|status| status["ready"] == json!(true)) {
                    break true;
                }
                if child.try_wait().ok().flatten().is_some() || Instant::now() > deadline {
                    break false;
                }
                std::thread::sleep(Duration::from_millis(50));
            };
            if ready {
                return Chromedriver {
                    child,
                    port,
                    chromium: chromium.to_owned(),
                    _log_dir: log_dir,
                };
            }
            let _ = child.kill();
            let _ = child.wait();
            output = std::fs::read_to_string(&log_path).unwrap_or_default();
        }
        panic!(
            "chromedriver ({}) did not become ready within {}s; its output:\n{output}",
            program.display(),
            START.as_secs()
        );
    }
}

/// One WebDriver request to chromedriver on `port`; the `value` of its answer, or the
/// WebDriver error as `error: message`.
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(COMMAND))
        .and_then(|()| stream.set_write_timeout(Some(COMMAND)))
        .map_err(|e| e.to_string())?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("{method} {path}: {e}"))?;
    let (status, bytes) = read_response(BufReader::new(stream))
        .map_err(|e| format!("{method} {path}: reading the answer: {e}"))?;
    let answer: Value = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{method} {path}: answer is not JSON ({e})"))?;
    let value = answer.get("value").cloned().unwrap_or(Value::Null);
    if status == 200 {
        Ok(value)
    } else {
        Err(format!(
            "{}: {}",
            value["error"].as_str().unwrap_or("HTTP error"),
            value["message"].as_str().unwrap_or_default()
        ))
    }
}

/// Status and body of an HTTP/1.1 response. chromedriver always sends `Content-Length`, and
/// keeps the connection open even when asked to close it: the body is read by its length.
fn read_response(mut reader: impl BufRead) -> std::io::Result<(u16, Vec<u8>)> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| bad("no status line"))?;
    let mut length = None;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| bad("content-length"))?,
            );
        }
    }
    let mut body = vec![0; length.ok_or_else(|| bad("no content-length"))?];
    reader.read_exact(&mut body)?;
    Ok((status, body))
}

/// A headless Chromium session with a fresh profile of its own.
pub struct Browser {
    driver: Arc<Chromedriver>,
    session: String,
    /// Chromium's browser process, killed if the session cannot be ended.
    pid: Option<u64>,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let path = format!("/session/{}", self.session);
        if http(self.driver.port, "DELETE", &path, None).is_err()
            && let Some(pid) = self.pid
        {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    }
}

/// An element of the current page.
pub struct Element<'a> {
    browser: &'a Browser,
    id: String,
}

impl Browser {
    /// A new browser. `None` (after a "skipped: …" line on stderr) when Chromium or
    /// chromedriver is missing, unless `CORRIDOR_TEST_BROWSER_REQUIRED=1`, which makes that a
    /// failure.
    pub fn start() -> Option<Browser> {
        // The test harness names each test's thread after the test.
        let thread = std::thread::current();
        let test = thread.name().unwrap_or("a browser test");
        let (chromium, driver) = match programs() {
            Ok(found) => found,
            Err(why) => {
                assert!(
                    std::env::var(REQUIRED_VAR).as_deref() != Ok("1"),
                    "{REQUIRED_VAR}=1 but {why}"
                );
                // Straight to stderr: the test harness would hide a println of a passing test.
                let _ = writeln!(
                    std::io::stderr(),
                    "skipped: {test}: {why} (install chromium and chromium-driver; \
                     {REQUIRED_VAR}=1 makes this a failure)"
                );
                return None;
            }
        };
        let driver = Chromedriver::shared(&driver, &chromium);
        let profile = tempfile::tempdir().expect("a profile directory");
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| (*a).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": driver.chromium, "args": args },
            "goog:loggingPrefs": { "browser": "ALL" },
            "timeouts": { "pageLoad": COMMAND.as_millis() as u64, "script": 10_000 },
        }}});
        let created = http(driver.port, "POST", "/session", Some(&capabilities))
            .unwrap_or_else(|e| panic!("{test}: Chromium did not start: {e}"));
        let session = created["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned();
        Some(Browser {
            pid: created["capabilities"]["goog:processID"].as_u64(),
            driver,
            session,
            _profile: profile,
        })
    }

    /// A command of this session; panics with the command and WebDriver's reason.
    #[track_caller]
    fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        match self.try_command(method, path, body) {
            Ok(value) => value,
            Err(e) => panic!("WebDriver {method} {path}: {e}"),
        }
    }

    fn try_command(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let path = format!("/session/{}{path}", self.session);
        http(self.driver.port, method, &path, body.as_ref())
    }

    /// Opens `url` and waits for the page to load.
    #[track_caller]
    pub fn goto(&self, url: &str) {
        self.command("POST", "/url", Some(json!({ "url": url })));
    }

    /// The address of the current page.
    #[track_caller]
    pub fn url(&self) -> String {
        self.command("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The path (and query) of the current page, without scheme and host.
    #[track_caller]
    pub fn path(&self) -> String {
        let url = self.url();
        let after_scheme = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
        after_scheme
            .find('/')
            .map_or("/".to_owned(), |i| after_scheme[i..].to_owned())
    }

    /// The HTML of the current page, as the browser holds it.
    #[track_caller]
    pub fn source(&self) -> String {
        self.command("GET", "/source", None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page and returns what
    /// it returns.
    #[track_caller]
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.command(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Whether the page has loaded; `false` while a navigation leaves no page to ask.
    fn loaded(&self) -> bool {
        let body = json!({ "script": "return document.readyState", "args": [] });
        self.try_command("POST", "/execute/sync", Some(body))
            .is_ok_and(|state| state == json!("complete"))
    }

    /// The first element matching `css` now, if any.
    #[track_caller]
    pub fn find(&self, css: &str) -> Option<Element<'_>> {
        self.find_in("", css)
    }

    /// Every element matching `css` now.
    #[track_caller]
    pub fn find_all(&self, css: &str) -> Vec<Element<'_>> {
        match self.locate("", "elements", css) {
            Ok(found) => found
                .as_array()
                .map(|list| list.iter().map(|v| self.element(v)).collect())
                .unwrap_or_default(),
            Err(e) => panic!("WebDriver find all {css:?}: {e}"),
        }
    }

    /// The first element matching `css` in `scope` (`""`: the page; `/element/ID`: inside that
    /// element), if any.
    #[track_caller]
    fn find_in(&self, scope: &str, css: &str) -> Option<Element<'_>> {
        match self.locate(scope, "element", css) {
            Ok(value) => Some(self.element(&value)),
            Err(e) if e.starts_with("no such element") => None,
            Err(e) => panic!("WebDriver find {css:?}: {e}"),
        }
    }

    /// Asks for the `element` (first) or `elements` (all) matching `css` in `scope`.
    fn locate(&self, scope: &str, what: &str, css: &str) -> Result<Value, String> {
        let query = json!({ "using": "css selector", "value": css });
        self.try_command("POST", &format!("{scope}/{what}"), Some(query))
    }

    fn element(&self, value: &Value) -> Element<'_> {
        Element {
            browser: self,
            id: value[ELEMENT_KEY]
                .as_str()
                .expect("an element reference")
                .to_owned(),
        }
    }

    /// Waits until `probe` returns something, for at most [`WAIT`]; panics naming `what`, the
    /// page and its heading.
    #[track_caller]
    pub fn wait_until<T>(&self, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(found) = probe() {
                return found;
            }
            if Instant::now() > deadline {
                let heading = self.find("h1").map(|h| h.text()).unwrap_or_default();
                panic!(
                    "timed out after {}s waiting for {what}; the browser is at {} (heading {heading:?})",
                    WAIT.as_secs(),
                    self.path(),
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for an element matching `css`.
    #[track_caller]
    pub fn wait_for(&self, css: &str) -> Element<'_> {
        self.wait_until(&format!("an element {css:?}"), || self.find(css))
    }

    /// Waits until the page's first `h1` contains `text`.
    #[track_caller]
    pub fn wait_for_heading(&self, text: &str) {
        self.wait_until(&format!("a heading containing {text:?}"), || {
            self.find("h1")
                .and_then(|h| h.try_text())
                .filter(|heading| heading.contains(text))
        });
    }

    /// Waits until the current path satisfies `test`, and the page has loaded.
    #[track_caller]
    pub fn wait_for_path(&self, what: &str, test: impl Fn(&str) -> bool) {
        self.wait_until(&format!("the address to be {what}"), || {
            (self.loaded() && test(&self.path())).then_some(())
        });
    }

    /// Clicks `target` and waits until the element `replaced` (found before the click; the
    /// whole document with `"html"`, htmx's swap target otherwise) has been replaced and the
    /// new page has loaded.
    #[track_caller]
    pub fn click_and_wait(&self, target: &Element<'_>, replaced: &str) {
        let old = self.wait_for(replaced);
        target.click();
        self.wait_until(
            &format!("{replaced:?} to be replaced after a click"),
            || (old.is_stale() && self.loaded()).then_some(()),
        );
    }

    /// The entries of the browser console since the last call (chromedriver hands each out once).
    #[track_caller]
    pub fn console(&self) -> Vec<Value> {
        let log = self.command("POST", "/se/log", Some(json!({ "type": "browser" })));
        log.as_array().cloned().unwrap_or_default()
    }

    /// The Content-Security-Policy violations the console reported since the last look.
    #[track_caller]
    pub fn csp_violations(&self) -> Vec<String> {
        self.console()
            .into_iter()
            .filter_map(|entry| entry["message"].as_str().map(str::to_owned))
            .filter(|message| message.contains("Content Security Policy"))
            .collect()
    }

    /// A PNG of the viewport, written to `target/browser-screenshots/NAME.png` and checked to be
    /// a PNG with an image in it. Returns the file.
    #[track_caller]
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let encoded = self.command("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().expect("base64 text"))
            .expect("a base64 screenshot");
        let (width, height) = png_size(&png).unwrap_or_else(|| panic!("{name}: not a PNG"));
        assert!(width > 0 && height > 0, "{name}: an empty image");
        let file = screenshot_dir().join(format!("{name}.png"));
        std::fs::write(&file, &png).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let written = std::fs::read(&file).expect("read back");
        assert_eq!(
            png_size(&written),
            Some((width, height)),
            "{name}: written whole"
        );
        file
    }
}

impl Element<'_> {
    /// The element as an argument of [`Browser::execute`].
    pub fn as_arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }

    fn path(&self, rest: &str) -> String {
        format!("/element/{}{rest}", self.id)
    }

    #[track_caller]
    pub fn click(&self) {
        self.browser
            .command("POST", &self.path("/click"), Some(json!({})));
    }

    /// Types `text` into the element.
    #[track_caller]
    pub fn send_keys(&self, text: &str) {
        self.browser
            .command("POST", &self.path("/value"), Some(json!({ "text": text })));
    }

    #[track_caller]
    pub fn clear(&self) {
        self.browser
            .command("POST", &self.path("/clear"), Some(json!({})));
    }

    /// The rendered text.
    #[track_caller]
    pub fn text(&self) -> String {
        self.try_text()
            .unwrap_or_else(|| panic!("the element {} is gone", self.id))
    }

    /// The rendered text, or `None` if the element is gone.
    pub fn try_text(&self) -> Option<String> {
        let text = self.browser.try_command("GET", &self.path("/text"), None);
        text.ok().map(|v| v.as_str().unwrap_or_default().to_owned())
    }

    /// An attribute as written in the HTML.
    #[track_caller]
    pub fn attribute(&self, name: &str) -> Option<String> {
        let value = self
            .browser
            .command("GET", &self.path(&format!("/attribute/{name}")), None);
        value.as_str().map(str::to_owned)
    }

    /// The first element inside this one matching `css`, if any.
    #[track_caller]
    pub fn find(&self, css: &str) -> Option<Element<'_>> {
        self.browser.find_in(&self.path(""), css)
    }

    /// True once the element has left the document (its page was replaced).
    #[track_caller]
    pub fn is_stale(&self) -> bool {
        match self.browser.try_command("GET", &self.path("/name"), None) {
            Ok(_) => false,
            Err(e) if e.starts_with("stale element reference") => true,
            Err(e) if e.starts_with("no such element") => true,
            // Asked mid-navigation, Chromium may answer that the node left its document.
            Err(e) if e.contains("does not belong to the document") => true,
            Err(e) => panic!("WebDriver element state: {e}"),
        }
    }
}

/// Width and height from a PNG's signature and IHDR chunk.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if bytes.len() < 33 || !bytes.starts_with(SIGNATURE) || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    Some((word(16), word(20)))
}

/// `target/browser-screenshots`, in the target directory this test binary was built in (the
/// ancestor holding cargo's `CACHEDIR.TAG`); failing that, under `CARGO_TARGET_DIR`, else the
/// workspace's `target/`.
pub fn screenshot_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let built_in = std::env::current_exe().ok().and_then(|exe| {
            exe.ancestors()
                .find(|dir| dir.join("CACHEDIR.TAG").is_file())
                .map(Path::to_owned)
        });
        let target = built_in
            .or_else(|| std::env::var_os("CARGO_TARGET_DIR").map(|dir| workspace.join(dir)))
            .unwrap_or_else(|| workspace.join("target"));
        let dir = target.join("browser-screenshots");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        dir
    })
}
