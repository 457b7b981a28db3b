//! Every kind of bad input gets a clear error naming the field, a non-zero exit, and nothing
//! already stored is lost or half-written.

use crate::support::{Env, PASSPHRASE, example_case, example_with, path_str};

/// Runs `case add` with the edited example; asserts it fails naming `field`, that `secret` (a
/// value that was typed) does not appear in the error, and that no case was stored.
fn add_fails(
    edit: impl FnOnce(&mut serde_json::Value),
    field: &str,
    secret: Option<&str>,
) -> String {
    let env = Env::initialised();
    let kept = env.add_case(&example_case());
    let file = env.file("bad.json", &example_with(edit));
    let err = env.fails(&["case", "add", "--json", path_str(&file)]);
    assert!(err.contains(field), "error must name `{field}`: {err}");
    assert!(err.contains("nothing was stored"), "{err}");
    if let Some(secret) = secret {
        assert!(!err.contains(secret), "error echoes the input: {err}");
    }
    assert_eq!(env.case_ids(), vec![kept], "nothing stored, nothing lost");
    err
}

#[test]
fn invalid_a_number() {
    add_fails(
        |v| v["us_status"]["a_number"] = "A-12-34".into(),
        "us_status.a_number",
        Some("A-12-34"),
    );
    add_fails(
        |v| v["us_status"]["a_number"] = "B012345678".into(),
        "us_status.a_number",
        Some("B012345678"),
    );
}

#[test]
fn impossible_date() {
    let err = add_fails(
        |v| v["person"]["birth_date"] = "1990-02-30".into(),
        "person.birth_date",
        Some("1990-02-30"),
    );
    assert!(err.to_lowercase().contains("date"), "{err}");
    add_fails(
        |v| v["us_status"]["final_order_date"] = "2025-13-01".into(),
        "us_status.final_order_date",
        None,
    );
}

#[test]
fn unknown_enum_value() {
    let err = add_fails(
        |v| v["us_status"]["custody"] = "teleported".into(),
        "us_status.custody",
        Some("teleported"),
    );
    assert!(err.contains("detained"), "lists the accepted values: {err}");
    add_fails(
        |v| v["person"]["names"][0]["kind"] = "nickname".into(),
        "person.names[0].kind",
        Some("nickname"),
    );
}

#[test]
fn missing_required_field() {
    add_fails(
        |v| {
            v.as_object_mut().expect("object").remove("program");
        },
        "program",
        None,
    );
    add_fails(
        |v| {
            v["person"].as_object_mut().expect("object").remove("names");
        },
        "names",
        None,
    );
}

#[test]
fn unknown_field_and_unknown_program() {
    add_fails(
        |v| v["favourite_colour"] = "green".into(),
        "favourite_colour",
        None,
    );
    add_fails(|v| v["program"] = "no-such-program".into(), "program", None);
}

#[test]
fn not_json_at_all() {
    let env = Env::initialised();
    let file = env.file("bad.json", "this is not json");
    let err = env.fails(&["case", "add", "--json", path_str(&file)]);
    assert!(err.contains("nothing was stored"), "{err}");
    assert!(env.case_ids().is_empty());
}

#[test]
fn wrong_passphrase_is_refused_and_writes_nothing() {
    let env = Env::initialised();
    let kept = env.add_case(&example_case());
    let db = env.data_dir.join("corridor.db");
    let before = std::fs::read(&db).expect("db");
    let mut command = env.command(&["case", "add", "--json", path_str(&example_case())]);
    command.env("CORRIDOR_PASSPHRASE", "not the passphrase");
    let output = env.run_command(command);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("wrong passphrase"));
    assert!(output.stdout.is_empty());
    assert_eq!(
        std::fs::read(&db).expect("db"),
        before,
        "store file unchanged"
    );
    assert_eq!(env.case_ids(), vec![kept]);
}

#[test]
fn passphrase_from_a_file_and_missing_passphrase() {
    let env = Env::initialised();
    let file = env.file("passphrase.txt", &format!("{PASSPHRASE}\n"));
    let mut command = env.command(&["case", "list", "--passphrase-file", path_str(&file)]);
    command.env_remove("CORRIDOR_PASSPHRASE");
    assert!(
        env.run_command(command).status.success(),
        "file passphrase works"
    );

    let mut command = env.command(&["case", "list"]);
    command.env_remove("CORRIDOR_PASSPHRASE");
    let output = env.run_command(command);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("CORRIDOR_PASSPHRASE"));

    let wrong = env.file("wrong.txt", "something else entirely\n");
    let mut command = env.command(&["case", "list", "--passphrase-file", path_str(&wrong)]);
    command.env_remove("CORRIDOR_PASSPHRASE");
    let output = env.run_command(command);
    assert!(String::from_utf8_lossy(&output.stderr).contains("wrong passphrase"));
}

#[test]
fn init_refuses_a_short_passphrase_and_creates_nothing() {
    let env = Env::new();
    let mut command = env.command(&["init", "--insecure-fast-kdf"]);
    command.env("CORRIDOR_PASSPHRASE", "short");
    let output = env.run_command(command);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("at least 12"));
    assert!(!env.data_dir.exists());
}

#[test]
fn commands_before_init_say_so() {
    let env = Env::new();
    let err = env.fails(&["case", "list"]);
    assert!(err.contains("corridor init"), "{err}");
    assert!(!env.data_dir.exists(), "a read command creates nothing");
}

#[test]
fn a_file_that_is_not_a_corridor_store_is_refused() {
    let env = Env::new();
    std::fs::create_dir_all(&env.data_dir).expect("dir");
    std::fs::create_dir_all(env.data_dir.join("programs")).expect("dir");
    let db = env.data_dir.join("corridor.db");
    std::fs::write(
        &db,
        b"Dear diary, today I did not write a database.".repeat(100),
    )
    .expect("write");
    let before = std::fs::read(&db).expect("db");
    let err = env.fails(&["case", "list"]);
    assert!(err.contains("not a Corridor store"), "{err}");
    assert_eq!(std::fs::read(&db).expect("db"), before);
}

#[test]
fn a_store_from_a_newer_schema_is_refused() {
    let env = Env::initialised();
    let db = env.data_dir.join("corridor.db");
    tokio::runtime::Runtime::new().expect("rt").block_on(async {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
            .await
            .expect("open");
        sqlx::query("UPDATE corridor_meta SET schema_version = 99")
            .execute(&pool)
            .await
            .expect("bump");
        pool.close().await;
    });
    let err = env.fails(&["case", "list"]);
    assert!(
        err.contains("schema version 99") && err.contains("upgrade Corridor"),
        "{err}"
    );
}

#[test]
fn a_broken_program_file_names_the_file_and_field() {
    let env = Env::initialised();
    let file = env.data_dir.join("programs").join("broken.toml");
    std::fs::write(
        &file,
        "slug = \"broken\"\nname = \"Broken\"\npathway = \"teleport\"\ncapacity = 3\n",
    )
    .expect("write");
    let err = env.fails(&["case", "list"]);
    assert!(
        err.contains("broken.toml") && err.contains("pathway"),
        "{err}"
    );
}

#[test]
fn init_refuses_a_weak_admin_password_or_bad_username_and_creates_nothing() {
    for (admin, password, expected) in [
        ("admin", "short", "password"),
        ("admin", "admin", "password"),
        ("Bad Name!", "a perfectly long password", "--admin"),
    ] {
        let env = Env::new();
        let mut command = env.command(&["init", "--insecure-fast-kdf", "--admin", admin]);
        command.env("CORRIDOR_ADMIN_PASSWORD", password);
        let output = env.run_command(command);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(
            !stderr.contains(password) || password == "admin",
            "the password is not echoed"
        );
        assert!(!env.data_dir.exists(), "nothing created");
    }
}
