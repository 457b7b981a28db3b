//! `corridor token create | list | revoke`, through the real binary, and the token used against
//! the API of a real `corridor serve`, as the README shows with curl.

use crate::cases::Server;
use crate::support::{Env, contains_ignoring_case, example_case, files_under};

/// An initialised store with a caseworker `casey`.
fn with_caseworker() -> Env {
    let env = Env::initialised();
    assert!(env.add_user("casey", "caseworker").status.success());
    env
}

/// Issues a token; returns the secret (all of stdout) and the stderr line.
fn create(env: &Env, args: &[&str]) -> (String, String) {
    let output = env.run(&[&["token", "create"], args].concat());
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    (stdout.trim_end().to_owned(), stderr)
}

/// A plain HTTP/1.1 request with a bearer token; returns status and body.
fn call(server: &Server, method: &str, path: &str, token: &str) -> (u16, String) {
    server.request(method, path, &format!("Authorization: Bearer {token}\r\n"))
}

#[test]
fn a_token_is_created_once_listed_without_its_secret_used_and_revoked() {
    let env = with_caseworker();
    let case = env.add_case(&example_case());
    let (secret, said) = create(
        &env,
        &[
            "--user",
            "casey",
            "--scope",
            "cases:read",
            "--label",
            "nightly export",
            "--days",
            "7",
        ],
    );
    assert_eq!(
        secret.len(),
        64,
        "stdout is the token and nothing else: {secret}"
    );
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(
        said.contains("casey") && said.contains("cases:read"),
        "{said}"
    );

    let listed = env.ok(&["token", "list"]);
    assert!(
        listed.contains("active") && listed.contains("casey") && listed.contains("nightly export"),
        "{listed}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["token", "list", "--json"])).expect("json");
    let token = &json.as_array().expect("list")[0];
    let id = token["id"].as_str().expect("id").to_owned();
    assert_eq!(token["scopes"], serde_json::json!(["cases:read"]));
    assert_eq!(token["status"], "active");
    assert!(token["last_used_at"].is_null());

    let server = Server::start(&env);
    let (status, body) = call(&server, "GET", "/api/v1/cases", &secret);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(&case), "{body}");
    let (status, body) = call(&server, "GET", &format!("/api/v1/cases/{case}"), &secret);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Pustovoitova"));
    let (status, _) = call(&server, "GET", "/api/v1/cases", &"0".repeat(64));
    assert_eq!(status, 401);

    assert_eq!(
        env.ok(&["token", "revoke", &id]).trim(),
        format!("revoked {id}")
    );
    let (status, body) = call(&server, "GET", "/api/v1/cases", &secret);
    assert_eq!(
        status, 401,
        "revoked at once, while the server runs: {body}"
    );
    drop(server);
    assert!(
        env.ok(&["token", "revoke", &id])
            .contains("already revoked"),
        "revoking twice changes nothing"
    );
    let listed = env.ok(&["token", "list"]);
    assert!(listed.contains("revoked"), "{listed}");

    let audit = env.ok(&["audit", "list", "--json"]);
    for action in [
        "api_token_created",
        "api_tokens_listed",
        "api_token_revoked",
        "api_token_refused",
    ] {
        assert!(audit.contains(action), "{action} audited");
    }
    assert!(
        audit.contains(&format!("token:{id}")),
        "the token is the actor of its reads"
    );

    // The secret was printed once and is kept nowhere: not in the store, not in any log.
    for file in files_under(&env.data_dir) {
        let bytes = std::fs::read(&file).expect("read");
        assert!(
            !contains_ignoring_case(&bytes, &secret),
            "{}",
            file.display()
        );
    }
    let logs = env.logs.borrow();
    assert!(
        !contains_ignoring_case(&logs, &secret),
        "no token in the logs"
    );
    assert!(!listed.contains(&secret));
}

#[test]
fn bad_token_commands_are_refused_with_a_clear_message_and_no_echo() {
    let env = with_caseworker();
    let base = ["token", "create", "--user", "casey"];
    for (extra, names) in [
        (&["--label", "x", "--scope", "cases:SECRET"][..], "--scope"),
        (
            &["--label", "x", "--scope", "cases:read", "--days", "0"][..],
            "--days",
        ),
        (
            &["--label", "x", "--scope", "cases:read", "--days", "366"][..],
            "--days",
        ),
        (
            &["--scope", "cases:read", "--label", "SECRET\nlabel"][..],
            "--label",
        ),
        (
            &["--scope", "cases:read", "--label", "Секрет"][..],
            "--label",
        ),
    ] {
        let output = env.run(&[&base[..], extra].concat());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(stderr.contains(names), "{extra:?}: {stderr}");
        assert!(
            !stderr.contains("SECRET") && !stderr.contains("Секрет"),
            "{extra:?}: {stderr}"
        );
    }
    let output = env.run(&[&base[..], &["--label", "x"]].concat());
    assert_eq!(output.status.code(), Some(2), "a scope is required");

    let stderr = env.fails(&[
        "token",
        "create",
        "--user",
        "nobody",
        "--scope",
        "cases:read",
        "--label",
        "x",
    ]);
    assert!(stderr.contains("no such user"), "{stderr}");
    let stderr = env.fails(&[
        "token",
        "create",
        "--user",
        "admin",
        "--scope",
        "cases:read",
        "--label",
        "x",
    ]);
    assert!(
        stderr.contains("no permission"),
        "an admin's token could do nothing: {stderr}"
    );
    let stderr = env.fails(&[
        "token",
        "create",
        "--user",
        "casey",
        "--scope",
        "cases:share",
        "--label",
        "x",
    ]);
    assert!(stderr.contains("cases:share"), "{stderr}");

    let output = env.run(&["token", "revoke", "SECRET"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&output.stderr).contains("SECRET"));
    let unknown = "67e55044-10b1-426f-9247-bb680e5fe0c8";
    let stderr = env.fails(&["token", "revoke", unknown]);
    assert!(stderr.contains("not found"), "{stderr}");
    assert!(env.ok(&["token", "list", "--json"]).trim() == "[]");
}
