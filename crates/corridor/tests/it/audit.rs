//! `corridor audit verify` and `corridor audit list`. The log is built by appending events
//! through the app against the data directory's store (the commands that will audit are wired
//! separately), then changed behind Corridor's back with sqlx, as someone with write access to
//! the database file (but not the passphrase) could.

use std::future::Future;
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use corridor_app::{Corridor, programs};
use corridor_core::{
    Actor, AuditAction, AuditEntry, AuditEvent, AuditOutcome, CaseId, OrgId, UserId, audit::hex,
};
use corridor_store::{PostgresStore, SqliteStore, Store};

use crate::support::{Env, PASSPHRASE, example_case, pg_url};

const ENTRIES: usize = 6;

fn event(i: usize) -> AuditEvent {
    let action = [
        AuditAction::LoginSucceeded,
        AuditAction::CaseRead,
        AuditAction::CaseUpdated,
        AuditAction::Export,
    ][i % 4];
    AuditEvent::new(
        Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0)
            .single()
            .expect("valid")
            + Duration::microseconds(61_000_123 * i64::try_from(i).expect("small")),
        Actor::User(UserId::random()),
        action,
        AuditOutcome::Allowed,
    )
    .with_organisation(OrgId::random())
    .with_case(CaseId::random())
    .with_subject(format!("export-{i}"))
    .with_address("192.0.2.10".parse().expect("ip"))
}

fn block_on<T>(future: impl Future<Output = T>) -> T {
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(future)
}

async fn append(store: Arc<dyn Store>, n: usize) -> Vec<AuditEntry> {
    let corridor = Corridor::unseal(store, PASSPHRASE.as_bytes(), programs::default_catalog())
        .await
        .expect("unseal");
    let mut entries = Vec::new();
    for i in 0..n {
        entries.push(corridor.audit(event(i)).await.expect("audit"));
    }
    corridor.close().await;
    entries
}

/// An initialised data directory whose log holds `ENTRIES` entries.
fn logged() -> (Env, Vec<AuditEntry>) {
    let env = Env::initialised();
    let path = env.data_dir.join("corridor.db");
    let entries = block_on(async {
        append(
            Arc::new(SqliteStore::open(&path).await.expect("open")),
            ENTRIES,
        )
        .await
    });
    (env, entries)
}

/// Runs `change` against the store's file, with the append-only triggers dropped.
fn tamper<F, Fut>(env: &Env, change: F)
where
    F: FnOnce(sqlx::SqlitePool) -> Fut,
    Fut: Future<Output = ()>,
{
    let url = format!("sqlite://{}", env.data_dir.join("corridor.db").display());
    block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.expect("connect");
        for trigger in ["audit_log_no_update", "audit_log_no_delete"] {
            sqlx::query(&format!("DROP TRIGGER IF EXISTS {trigger}"))
                .execute(&pool)
                .await
                .expect("drop trigger");
        }
        change(pool.clone()).await;
        pool.close().await;
    });
}

async fn exec(pool: &sqlx::SqlitePool, statement: &str) {
    sqlx::query(statement).execute(pool).await.expect(statement);
}

/// Changes one byte of a text column of one entry.
async fn change_text_byte(pool: &sqlx::SqlitePool, column: &str, seq: i64, at: usize) {
    let text: String =
        sqlx::query_scalar(&format!("SELECT {column} FROM audit_log WHERE seq = $1"))
            .bind(seq)
            .fetch_one(pool)
            .await
            .expect("read");
    let mut bytes = text.into_bytes();
    let i = if at < bytes.len() {
        at
    } else {
        bytes.len() - 1
    };
    bytes[i] = if bytes[i] == b'7' { b'8' } else { b'7' };
    let changed = String::from_utf8(bytes).expect("ascii");
    sqlx::query(&format!(
        "UPDATE audit_log SET {column} = $1 WHERE seq = $2"
    ))
    .bind(changed)
    .bind(seq)
    .execute(pool)
    .await
    .expect("write");
}

/// `audit verify` must fail with exit code 1, print nothing on stdout, and name `seq`.
fn assert_broken_at(env: &Env, seq: u64) -> String {
    let output = env.run(&["audit", "verify"]);
    let stderr = String::from_utf8(output.stderr).expect("utf-8");
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(output.stdout.is_empty());
    let expected = format!("error: audit log broken at entry {seq}: ");
    assert!(
        stderr.lines().any(|line| line.starts_with(&expected)),
        "expected {expected:?} in {stderr}"
    );
    stderr
}

#[test]
fn an_intact_log_verifies() {
    let env = Env::initialised();
    let out = env.ok(&["audit", "verify"]);
    assert_eq!(
        out,
        format!("audit log intact: 0 entries, head {}\n", "0".repeat(64))
    );
    let (env, entries) = logged();
    let out = env.ok(&["audit", "verify"]);
    assert_eq!(
        out,
        format!(
            "audit log intact: {ENTRIES} entries, head {}\n",
            hex(&entries[ENTRIES - 1].hash)
        )
    );
}

#[test]
fn verify_needs_the_passphrase() {
    let (env, _) = logged();
    let mut command = env.command(&["audit", "verify"]);
    command.env("CORRIDOR_PASSPHRASE", "not the passphrase");
    let output = env.run_command(command);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("wrong passphrase"));
}

#[test]
fn one_changed_byte_of_the_subject_is_found() {
    let (env, _) = logged();
    tamper(&env, |pool| async move {
        change_text_byte(&pool, "subject", 3, 0).await;
    });
    let err = assert_broken_at(&env, 3);
    assert!(err.contains("contents do not match its hash"), "{err}");
}

#[test]
fn one_changed_byte_of_the_time_is_found() {
    // The last digit of the microseconds: still a valid time, another instant.
    let (env, _) = logged();
    tamper(&env, |pool| async move {
        change_text_byte(&pool, "at", 3, 25).await;
    });
    assert_broken_at(&env, 3);
    // The separator: not a time in the one stored spelling.
    let (env, _) = logged();
    tamper(&env, |pool| async move {
        exec(
            &pool,
            "UPDATE audit_log SET at = replace(at, 'T', 't') WHERE seq = 3",
        )
        .await;
    });
    let err = assert_broken_at(&env, 3);
    assert!(err.contains("its at is not readable"), "{err}");
}

#[test]
fn one_changed_byte_of_the_action_is_found() {
    let (env, _) = logged();
    tamper(&env, |pool| async move {
        change_text_byte(&pool, "action", 3, 2).await;
    });
    let err = assert_broken_at(&env, 3);
    assert!(err.contains("its action is not readable"), "{err}");
    // Another valid action, so the row reads: the hash does not match.
    let (env, _) = logged();
    tamper(&env, |pool| async move {
        exec(
            &pool,
            "UPDATE audit_log SET action = 'logout' WHERE seq = 3",
        )
        .await;
    });
    assert_broken_at(&env, 3);
}

#[test]
fn one_changed_byte_of_the_hash_is_found() {
    let (env, _) = logged();
    tamper(&env, |pool| async move {
        let hash: Vec<u8> = sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = 3")
            .fetch_one(&pool)
            .await
            .expect("read");
        let mut changed = hash.clone();
        changed[17] ^= 0x01;
        sqlx::query("UPDATE audit_log SET hash = $1 WHERE seq = 3")
            .bind(changed)
            .execute(&pool)
            .await
            .expect("write");
    });
    assert_broken_at(&env, 3);
}

#[test]
fn a_deleted_entry_is_found() {
    let (env, _) = logged();
    tamper(&env, |pool| async move {
        exec(&pool, "DELETE FROM audit_log WHERE seq = 3").await;
    });
    let err = assert_broken_at(&env, 3);
    assert!(err.contains("missing"), "{err}");
}

#[test]
fn two_swapped_entries_are_found() {
    let (env, _) = logged();
    tamper(&env, |pool| async move {
        // Every column but seq exchanged between entries 3 and 4.
        let columns = "at, actor, organisation_id, action, case_id, subject, address, outcome, \
                       prev_hash, hash";
        exec(
            &pool,
            &format!(
                "CREATE TABLE saved AS SELECT seq, {columns} FROM audit_log \
                 WHERE seq IN (3, 4)"
            ),
        )
        .await;
        let set = columns
            .split(", ")
            .map(|c| format!("{c} = (SELECT {c} FROM saved WHERE saved.seq = 7 - audit_log.seq)"))
            .collect::<Vec<_>>()
            .join(", ");
        exec(
            &pool,
            &format!("UPDATE audit_log SET {set} WHERE seq IN (3, 4)"),
        )
        .await;
        exec(&pool, "DROP TABLE saved").await;
        let subjects: Vec<String> =
            sqlx::query_scalar("SELECT subject FROM audit_log WHERE seq IN (3, 4) ORDER BY seq")
                .fetch_all(&pool)
                .await
                .expect("read");
        assert_eq!(subjects, ["export-3", "export-2"], "exchanged");
    });
    assert_broken_at(&env, 3);
}

#[test]
fn a_cut_end_is_found_even_with_the_head_fixed_up() {
    let (env, _) = logged();
    tamper(&env, |pool| async move {
        exec(&pool, "DELETE FROM audit_log WHERE seq = 6").await;
        exec(
            &pool,
            "UPDATE audit_head SET seq = 5, \
             hash = (SELECT hash FROM audit_log WHERE seq = 5)",
        )
        .await;
    });
    let err = assert_broken_at(&env, 6);
    assert!(err.contains("removed from the end"), "{err}");
}

#[test]
fn audit_list_filters_and_prints() {
    let (env, entries) = logged();
    let out = env.ok(&["audit", "list"]);
    let seqs: Vec<&str> = out
        .lines()
        .map(|l| l.split_whitespace().next().expect("seq"))
        .collect();
    assert_eq!(seqs, ["6", "5", "4", "3", "2", "1"], "newest first");
    let third = &entries[2];
    let line = out.lines().nth(3).expect("entry 3");
    for part in [
        "2026-05-01T09:02:02.000246Z",
        "case_updated",
        "allowed",
        &third.event.actor.to_string(),
        &format!("case={}", third.event.case.expect("case")),
        "subject=export-2",
        "address=192.0.2.10",
    ] {
        assert!(line.contains(part), "{part:?} in {line}");
    }

    let case = third.event.case.expect("case").to_string();
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["audit", "list", "--case", &case, "--json"])).expect("json");
    let listed = json.as_array().expect("array");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["seq"], 3);
    assert_eq!(listed[0]["hash"], hex(&third.hash));
    assert_eq!(listed[0]["prev_hash"], hex(&entries[1].hash));
    assert_eq!(listed[0]["action"], "case_updated");

    let read = env.ok(&["audit", "list", "--action", "case_read"]);
    assert_eq!(read.lines().count(), 2, "{read}");
    assert!(read.lines().all(|l| l.contains("case_read")));
    let actor = entries[0].event.actor.to_string();
    let mine = env.ok(&["audit", "list", "--actor", &actor]);
    assert_eq!(mine.lines().count(), 1);
    let limited = env.ok(&["audit", "list", "--limit", "2"]);
    assert_eq!(limited.lines().count(), 2);
}

#[test]
fn audit_list_refuses_bad_filters_without_echo() {
    let env = Env::initialised();
    for (args, expected) in [
        (
            vec!["audit", "list", "--action", "case_redSECRET"],
            "--action: unknown value; expected one of: login_succeeded",
        ),
        (
            vec!["audit", "list", "--case", "SECRET"],
            "case id: not a valid case id",
        ),
        (
            vec!["audit", "list", "--actor", "SECRET"],
            "--actor: invalid actor",
        ),
    ] {
        let output = env.run(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(!stderr.contains("SECRET"), "{stderr}");
    }
    let output = env.run(&["audit", "list", "--limit", "0"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn verify_works_on_postgres_too() {
    let Some(url) = pg_url() else { return };
    let database = format!("corridor_audit_{}", crate::canary::uuid_fragment());
    let db_url = crate::canary::with_database(&url, &database);
    block_on(async {
        let pool = sqlx::PgPool::connect(&url).await.expect("connect");
        sqlx::query(&format!("CREATE DATABASE {database}"))
            .execute(&pool)
            .await
            .expect("create db");
    });
    let mut env = Env::new();
    env.database_url = Some(db_url.clone());
    env.ok(&["init", "--insecure-fast-kdf"]);
    let entries = block_on(async {
        let store = PostgresStore::open(&db_url, None).await.expect("open");
        append(Arc::new(store), ENTRIES).await
    });
    let out = env.ok(&["audit", "verify"]);
    assert!(
        out.contains(&format!(
            "{ENTRIES} entries, head {}",
            hex(&entries[5].hash)
        )),
        "{out}"
    );
    block_on(async {
        let pool = sqlx::PgPool::connect(&db_url).await.expect("connect");
        for statement in [
            "ALTER TABLE audit_log DISABLE TRIGGER USER",
            "UPDATE audit_log SET subject = 'export-9' WHERE seq = 4",
        ] {
            sqlx::query(statement)
                .execute(&pool)
                .await
                .expect(statement);
        }
        pool.close().await;
    });
    assert_broken_at(&env, 4);
    block_on(async {
        let pool = sqlx::PgPool::connect(&url).await.expect("connect");
        sqlx::query(&format!("DROP DATABASE {database} WITH (FORCE)"))
            .execute(&pool)
            .await
            .expect("drop");
    });
}

#[test]
fn operator_commands_are_audited_and_the_chain_verifies() {
    let env = Env::initialised();
    let id = env.add_case(&example_case());
    env.ok(&["case", "show", &id]);
    env.ok(&["case", "list"]);
    let backup = env.dir.path().join("audited-backup.db");
    env.ok(&["backup", "--out", backup.to_str().expect("utf-8")]);
    env.ok(&["case", "purge", &id]);
    let listed: serde_json::Value =
        serde_json::from_str(&env.ok(&["audit", "list", "--json"])).expect("json");
    let actions: Vec<&str> = listed
        .as_array()
        .expect("array")
        .iter()
        .map(|e| {
            e["event"]["action"]
                .as_str()
                .or_else(|| e["action"].as_str())
                .expect("action")
        })
        .collect();
    for expected in [
        "case_created",
        "case_read",
        "case_listed",
        "backup_written",
        "case_purged",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    let out = env.ok(&["audit", "verify"]);
    assert!(out.contains("intact"), "{out}");
}
