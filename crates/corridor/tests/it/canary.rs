//! A unique canary name goes in through `case add` and `evidence add` (in the file, its name and
//! what it shows); it must be found nowhere on disk (database, WAL, journal, sealed blobs,
//! program files) nor in the logs, in any letter case. With PostgreSQL, nowhere in a `pg_dump`
//! of the database either; with S3, nowhere in the bucket (`cases.rs`).

use crate::support::{Env, contains_ignoring_case, example_with, files_under, path_str, pg_url};

/// A case whose every free-text field carries the canary.
fn canary_case(canary: &str) -> String {
    example_with(|v| {
        v["person"]["names"] = serde_json::json!([
            { "text": format!("{canary} Ivanovna"), "kind": "passport" },
            { "text": format!("Ivanova-{canary}"), "kind": "alias" },
        ]);
        v["notes"] = format!("Met {canary} at the detention centre.").into();
        v["claims"][0]["assertion"] = format!("{canary} was detained").into();
    })
}

/// Adds the canary case, reads it back through every read path, and returns the log bytes.
fn exercise(env: &Env, canary: &str) {
    let file = env.file("canary.json", &canary_case(canary));
    let id = env.add_case(&file);
    std::fs::remove_file(&file).expect("remove input");
    let shown = env.ok(&["case", "show", &id]);
    assert!(shown.contains(canary), "the canary really went in");
    // Evidence: the canary in the file, its name and what it shows; read back whole.
    let content = format!("Statement by {canary}, signed.");
    let evidence = env.file(&format!("{canary}-statement.txt"), &content);
    let activity = format!("{canary} at the picket");
    let item = env
        .ok(&[
            "evidence",
            "add",
            "--case",
            &id,
            "--file",
            path_str(&evidence),
            "--kind",
            "testimony",
            "--activity",
            &activity,
        ])
        .trim()
        .to_owned();
    std::fs::remove_file(&evidence).expect("remove the evidence file");
    let listed = env.ok(&["evidence", "list", "--case", &id]);
    assert!(listed.contains(&item), "{listed}");
    let back = env.dir.path().join("back.txt");
    env.ok(&["evidence", "get", &item, "--out", path_str(&back)]);
    assert_eq!(std::fs::read_to_string(&back).expect("read"), content);
    std::fs::remove_file(&back).expect("remove the copy");
    env.ok(&["case", "list"]);
    env.ok(&["demo", "seed", "--cases", "5"]);
    let logs = env.logs.borrow();
    assert!(!logs.is_empty(), "trace logs were captured");
    assert!(!contains_ignoring_case(&logs, canary), "canary in the logs");
}

fn canary() -> String {
    format!("Qzcanary{}", uuid_fragment())
}

pub fn uuid_fragment() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_nanos();
    format!("{:x}{}", nanos, std::process::id())
}

#[test]
fn canary_is_nowhere_in_the_sqlite_files_or_logs() {
    let env = Env::initialised();
    let canary = canary();
    exercise(&env, &canary);
    let files = files_under(&env.data_dir);
    assert!(files.iter().any(|f| f.ends_with("corridor.db")));
    assert!(
        files
            .iter()
            .any(|f| f.parent().is_some_and(|p| p.ends_with("blobs"))),
        "the evidence file is among the files searched"
    );
    for file in files {
        let bytes = std::fs::read(&file).expect("read");
        assert!(
            !contains_ignoring_case(&bytes, &canary),
            "canary found in {}",
            file.display()
        );
    }
    // And in a backup.
    let backup = env.dir.path().join("backup.db");
    env.ok(&["backup", "--out", path_str(&backup)]);
    assert!(!contains_ignoring_case(
        &std::fs::read(&backup).expect("read"),
        &canary
    ));
}

#[test]
fn canary_is_nowhere_in_a_pg_dump() {
    let Some(url) = pg_url() else { return };
    let database = format!("corridor_canary_{}", uuid_fragment());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let pool = sqlx::PgPool::connect(&url).await.expect("connect");
        sqlx::query(&format!("CREATE DATABASE {database}"))
            .execute(&pool)
            .await
            .expect("create db");
    });
    let db_url = with_database(&url, &database);
    let mut env = Env::new();
    env.database_url = Some(db_url.clone());
    env.ok(&["init", "--insecure-fast-kdf"]);
    let canary = canary();
    exercise(&env, &canary);
    let dump = std::process::Command::new("pg_dump")
        .arg("--dbname")
        .arg(&db_url)
        .output()
        .expect("run pg_dump (install PostgreSQL's client tools)");
    assert!(
        dump.status.success(),
        "{}",
        String::from_utf8_lossy(&dump.stderr)
    );
    assert!(dump.stdout.len() > 1000, "the dump holds the store");
    assert!(
        !contains_ignoring_case(&dump.stdout, &canary),
        "canary in pg_dump"
    );
    for file in files_under(&env.data_dir) {
        let bytes = std::fs::read(&file).expect("read");
        assert!(
            !contains_ignoring_case(&bytes, &canary),
            "canary in {}",
            file.display()
        );
    }
    runtime.block_on(async {
        let pool = sqlx::PgPool::connect(&url).await.expect("connect");
        sqlx::query(&format!("DROP DATABASE {database} WITH (FORCE)"))
            .execute(&pool)
            .await
            .expect("drop");
    });
}

/// The same server URL with another database name.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let server = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{database}?{query}"),
        None => format!("{server}/{database}"),
    }
}
