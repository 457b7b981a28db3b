//! Backup and restore: a consistent snapshot, still sealed, taken while the server runs.

use crate::cases::Server;
use crate::support::{Env, example_case, path_str};

#[test]
fn backup_while_serving_then_restore_round_trips() {
    let env = Env::initialised();
    let first = env.add_case(&example_case());
    let purged = env.add_case(&example_case());
    env.ok(&["case", "purge", &purged]);
    let shown_before = env.ok(&["case", "show", &first, "--json"]);

    let server = Server::start(&env);
    let backup = env.dir.path().join("corridor-backup.db");
    let out = env.ok(&["backup", "--out", path_str(&backup)]);
    assert!(out.contains("1 cases, 1 tombstones"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup)
            .expect("backup")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the backup is readable by its owner only"
        );
    }
    assert_eq!(server.get("/healthz").0, 200, "the server kept serving");
    drop(server);
    let err = env.fails(&["backup", "--out", path_str(&backup)]);
    assert!(err.contains("already exists"), "{err}");

    let mut restored = Env::new();
    restored.data_dir = env.dir.path().join("restored");
    let out = restored.ok(&["restore", path_str(&backup)]);
    assert!(out.contains("Restored 1 cases and 1 tombstones"), "{out}");
    assert_eq!(restored.case_ids(), vec![first.clone()]);
    assert_eq!(
        restored.ok(&["case", "show", &first, "--json"]),
        shown_before
    );
    let tombstone = restored.ok(&["case", "show", &purged]);
    assert!(tombstone.contains("purged"), "{tombstone}");

    // Restoring over a store that exists is refused.
    let err = restored.fails(&["restore", path_str(&backup)]);
    assert!(err.contains("already holds a store"), "{err}");
}

#[test]
fn restore_with_the_wrong_passphrase_creates_nothing() {
    let env = Env::initialised();
    env.add_case(&example_case());
    let backup = env.dir.path().join("b.db");
    env.ok(&["backup", "--out", path_str(&backup)]);
    let mut restored = Env::new();
    restored.data_dir = env.dir.path().join("restored");
    let target = restored.data_dir.clone();
    let mut command = restored.command(&["restore", path_str(&backup)]);
    command.env("CORRIDOR_PASSPHRASE", "the wrong passphrase");
    let output = restored.run_command(command);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("wrong passphrase"));
    assert!(!target.exists(), "nothing created");

    let not_a_backup = env.file("notes.txt", "plain notes");
    let output = restored.run(&["restore", path_str(&not_a_backup)]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a Corridor store"));
    assert!(!target.exists(), "nothing created");
}
