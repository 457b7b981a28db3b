//! The web application as the browser tests meet it: the real router served on a loopback port
//! over a real SQLite store in a temporary directory, with the first administrator, users of
//! any role and organisation, and synthetic cases. Then the steps a person takes in a page:
//! signing in (password, then TOTP enrolment or a TOTP code, computed here from the secret the
//! enrolment page shows), filling and submitting forms, and reading a form's inline errors.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use corridor_app::{Corridor, programs};
use corridor_core::{CaseId, CaseInput, OrgId, OrgName, Organisation, Role};
use corridor_crypto::{KdfParams, TOTP_STEP_SECONDS, TotpSecret, step_at};
use corridor_store::SqliteStore;
use serde_json::{Value, json};

use crate::webdriver::{Browser, Element};

/// Every test user's password.
pub const PASSWORD: &str = "a long enough test password";

/// The served application. Dropping it stops the server.
pub struct Site {
    pub corridor: Arc<Corridor>,
    /// The first organisation, which the first administrator belongs to.
    pub home: OrgId,
    base: String,
    /// Each enrolled user's authenticator, by username.
    authenticators: Mutex<HashMap<String, Authenticator>>,
    runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

/// What a user's authenticator app would hold: the secret and the last step whose code was
/// used (a step is accepted once).
struct Authenticator {
    secret: String,
    last_step: i64,
}

impl Site {
    /// A new store with its first administrator (`admin`), served on 127.0.0.1, port 0.
    pub fn new() -> Site {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let dir = tempfile::tempdir().expect("dir");
        let (corridor, home, base) = runtime.block_on(async {
            let store = SqliteStore::open(&dir.path().join("corridor.db"))
                .await
                .expect("open");
            let (mut corridor, home) = Corridor::initialise(
                Arc::new(store),
                b"browser tests",
                KdfParams::INSECURE_FAST_FOR_TESTS,
                OrgName::new("Home organisation").expect("name"),
                programs::default_catalog(),
            )
            .await
            .expect("init");
            corridor.use_blob_store(
                corridor_blobs::BlobStore::local(&dir.path().join("evidence")).expect("blobs"),
            );
            corridor
                .create_first_admin(home.id, "admin", PASSWORD, chrono::Utc::now())
                .await
                .expect("admin");
            let corridor = Arc::new(corridor);
            let listener =
                corridor_web::bind("127.0.0.1:0".parse().expect("addr"), Default::default())
                    .await
                    .expect("bind");
            let base = format!("http://{}", listener.local_addr().expect("addr"));
            let app = corridor_web::router(corridor.clone())
                .into_make_service_with_connect_info::<SocketAddr>();
            tokio::spawn(async move { axum::serve(listener, app).await });
            (corridor, home.id, base)
        });
        Site {
            corridor,
            home,
            base,
            authenticators: Mutex::default(),
            runtime,
            _dir: dir,
        }
    }

    /// Runs a use case (seeding, checking) on the server's runtime.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// A file in the site's directory, for a browser to upload.
    pub fn file(&self, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = self._dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    }

    /// The full address of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A new organisation.
    pub fn organisation(&self, name: &str) -> OrgId {
        let organisation = Organisation::new(OrgName::new(name).expect("name"));
        self.block_on(self.corridor.store().insert_organisation(&organisation))
            .expect("organisation");
        organisation.id
    }

    /// A new user with [`PASSWORD`], not yet enrolled.
    pub fn user(&self, username: &str, role: Role, organisation: OrgId) {
        self.block_on(self.corridor.create_user_as_operator(
            organisation,
            username,
            role,
            PASSWORD,
            chrono::Utc::now(),
        ))
        .expect("user");
    }

    /// A case of `organisation`: `examples/case.json` changed by `edit`.
    pub fn add_case(&self, organisation: OrgId, edit: impl FnOnce(&mut Value)) -> CaseId {
        let mut value: Value =
            serde_json::from_str(include_str!("../../../../examples/case.json")).expect("json");
        edit(&mut value);
        let input = CaseInput::from_json(&value.to_string()).expect("a valid case");
        self.block_on(self.corridor.add_case(organisation, input))
            .expect("add")
    }

    /// Signs `username` in from the login page: password, then enrolment (and past the
    /// recovery codes) at the first sign-in, a TOTP code after that. Waits until the browser
    /// has left the sign-in pages.
    #[track_caller]
    pub fn sign_in(&self, browser: &Browser, username: &str) {
        self.enter_password(browser, username);
        let form = browser.wait_until("the enrolment or the TOTP form", || {
            browser
                .find("form[action='/login/enrol'], form[action='/login/totp']")
                .and_then(|form| form.attribute("action"))
        });
        if form == "/login/enrol" {
            self.confirm_enrolment(browser, username);
            let next = browser.wait_for("section.login a[href='/']");
            browser.click_and_wait(&next, "html");
        } else {
            self.enter_totp(browser, username);
        }
        browser.wait_for_path("past the sign-in", |path| !path.starts_with("/login"));
    }

    /// Opens the login page and submits `username` and the password.
    #[track_caller]
    pub fn enter_password(&self, browser: &Browser, username: &str) {
        browser.goto(&self.url("/login"));
        fill(browser, "username", username);
        fill(browser, "password", PASSWORD);
        submit(browser, "/login");
    }

    /// On the enrolment page: reads the secret, enters its current code, and returns the
    /// recovery codes the next page shows.
    #[track_caller]
    pub fn confirm_enrolment(&self, browser: &Browser, username: &str) -> Vec<String> {
        let secret = browser.wait_for("section.login p code").text();
        TotpSecret::from_base32(&secret).expect("the page shows a base32 secret");
        self.authenticators.lock().expect("lock").insert(
            username.to_owned(),
            Authenticator {
                secret,
                last_step: i64::MIN,
            },
        );
        fill(browser, "code", &self.code(username));
        submit(browser, "/login/enrol");
        browser.wait_for("ul.codes");
        browser
            .find_all("ul.codes code")
            .iter()
            .map(Element::text)
            .collect()
    }

    /// On the TOTP form: enters the next code.
    #[track_caller]
    pub fn enter_totp(&self, browser: &Browser, username: &str) {
        fill(browser, "code", &self.code(username));
        submit(browser, "/login/totp");
    }

    /// The code `username`'s authenticator shows for the earliest step not used yet (the
    /// server accepts the current step and one either side, each once), waiting for the clock
    /// only if even the next step is used.
    pub fn code(&self, username: &str) -> String {
        let mut authenticators = self.authenticators.lock().expect("lock");
        let authenticator = authenticators
            .get_mut(username)
            .unwrap_or_else(|| panic!("{username} has not enrolled in this test"));
        let now = || step_at(chrono::Utc::now().timestamp()).expect("after 1970");
        let step = now().max(authenticator.last_step.saturating_add(1));
        while now() + 1 < step {
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
        authenticator.last_step = step;
        let secret = TotpSecret::from_base32(&authenticator.secret).expect("secret");
        secret.code_for_step(step).to_string()
    }

    /// A well-formed code that the server will refuse: none of the accepted steps shows it.
    pub fn wrong_code(&self, username: &str) -> String {
        let authenticators = self.authenticators.lock().expect("lock");
        let secret = TotpSecret::from_base32(&authenticators[username].secret).expect("secret");
        let now = chrono::Utc::now().timestamp();
        let accepted: Vec<String> = [-2, -1, 0, 1, 2]
            .iter()
            .filter_map(|k| secret.code_at(now + k * TOTP_STEP_SECONDS))
            .map(|code| code.to_string())
            .collect();
        (0..10)
            .map(|d| d.to_string().repeat(6))
            .find(|code| !accepted.contains(code))
            .expect("a code that is not accepted")
    }
}

// Forms. The intake and edit scenarios build on these: `fill` a field by name, `submit` the
// form by its action, then read `field_errors` (or one `field_error`) and correct the field.

/// Sets the field `name` of the page's form to `value`: types into an input or text area
/// (clearing it first), or picks the option with that value in a select.
#[track_caller]
pub fn fill(browser: &Browser, name: &str, value: &str) {
    let field = browser.wait_for(&format!("[name='{name}']"));
    let is_select = browser.execute(
        "return arguments[0].tagName === 'SELECT'",
        vec![field.as_arg()],
    ) == json!(true);
    if is_select {
        let option = field
            .find(&format!("option[value='{value}']"))
            .unwrap_or_else(|| panic!("the select {name:?} has no option {value:?}"));
        option.click();
    } else {
        field.clear();
        field.send_keys(value);
    }
}

/// Submits the form whose action is `action` with its submit button, and waits for the
/// answer: the next page, or the part htmx swaps in for a form that has `hx-post`.
#[track_caller]
pub fn submit(browser: &Browser, action: &str) {
    let form = browser.wait_for(&format!("form[action='{action}']"));
    let button = form
        .find("button[type='submit'], input[type='submit']")
        .unwrap_or_else(|| panic!("the form {action} has no submit button"));
    let replaced = match form.attribute("hx-post") {
        Some(_) => form
            .attribute("hx-target")
            .unwrap_or_else(|| "body".to_owned()),
        None => "html".to_owned(),
    };
    browser.click_and_wait(&button, &replaced);
}

/// Every inline field error on the page (`.field-error`), in page order.
#[track_caller]
pub fn field_errors(browser: &Browser) -> Vec<String> {
    browser
        .find_all(".field-error")
        .iter()
        .map(Element::text)
        .collect()
}

/// The inline error of the field `name`, if it has one: the `.field-error` its
/// `aria-describedby` names, else the one in its label or `.field` container.
#[track_caller]
pub fn field_error(browser: &Browser, name: &str) -> Option<String> {
    let script = "
        const field = document.querySelector(`[name='${arguments[0]}']`);
        if (!field) { return null; }
        for (const id of (field.getAttribute('aria-describedby') || '').split(/\\s+/)) {
            const error = id && document.getElementById(id);
            if (error && error.matches('.field-error')) { return error.textContent.trim(); }
        }
        const container = field.closest('label, .field');
        const error = container && container.querySelector('.field-error');
        return error ? error.textContent.trim() : null;";
    let error = browser.execute(script, vec![json!(name)]);
    error.as_str().map(str::to_owned)
}
