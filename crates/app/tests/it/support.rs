use std::path::PathBuf;
use std::sync::Arc;

use corridor_app::{Corridor, programs};
use corridor_core::{CaseInput, OrgId, OrgName};
use corridor_crypto::KdfParams;
use corridor_store::SqliteStore;

pub const PASSPHRASE: &[u8] = b"app tests passphrase";

pub struct TestCorridor {
    pub corridor: Corridor,
    pub organisation: OrgId,
    pub db: PathBuf,
    pub _dir: tempfile::TempDir,
}

impl TestCorridor {
    pub async fn new() -> TestCorridor {
        let dir = tempfile::tempdir().expect("dir");
        let db = dir.path().join("corridor.db");
        let store = Arc::new(SqliteStore::open(&db).await.expect("open"));
        let (corridor, organisation) = Corridor::initialise(
            store,
            PASSPHRASE,
            KdfParams::INSECURE_FAST_FOR_TESTS,
            OrgName::new("Test organisation").expect("name"),
            programs::default_catalog(),
        )
        .await
        .expect("initialise");
        TestCorridor {
            corridor,
            organisation: organisation.id,
            db,
            _dir: dir,
        }
    }

    /// A second, independent unseal of the same store (as a restarted server would do).
    pub async fn reopen(&self) -> Corridor {
        let store = Arc::new(SqliteStore::open(&self.db).await.expect("open"));
        Corridor::unseal(store, PASSPHRASE, programs::default_catalog())
            .await
            .expect("unseal")
    }

    pub async fn sql(&self, statement: &str) {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", self.db.display()))
            .await
            .expect("connect");
        sqlx::query(statement)
            .execute(&pool)
            .await
            .expect("statement");
        pool.close().await;
    }

    /// Swaps `column` between the first two rows of `table` (ordered by `key`), as an attacker
    /// with write access to the database file might.
    pub async fn swap(&self, table: &str, column: &str, key: &str) {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", self.db.display()))
            .await
            .expect("connect");
        let rows: Vec<(Vec<u8>, Vec<u8>)> = sqlx::query_as(&format!(
            "SELECT {key}, {column} FROM {table} ORDER BY {key} LIMIT 2"
        ))
        .fetch_all(&pool)
        .await
        .expect("read");
        assert_eq!(rows.len(), 2, "two rows to swap");
        assert_ne!(rows[0].1, rows[1].1, "distinct values");
        for (from, to) in [(0, 1), (1, 0)] {
            sqlx::query(&format!(
                "UPDATE {table} SET {column} = $1 WHERE {key} = $2"
            ))
            .bind(&rows[from].1)
            .bind(&rows[to].0)
            .execute(&pool)
            .await
            .expect("write");
        }
        pool.close().await;
    }

    /// The bytes of the database file and its WAL.
    pub fn disk_bytes(&self) -> Vec<u8> {
        let mut bytes = std::fs::read(&self.db).expect("db");
        let mut wal = self.db.as_os_str().to_owned();
        wal.push("-wal");
        if let Ok(more) = std::fs::read(PathBuf::from(wal)) {
            bytes.extend(more);
        }
        bytes
    }
}

pub const MEMBER_PASSWORD: &str = "a member's test password";

impl TestCorridor {
    /// The first administrator of the test organisation.
    pub async fn first_admin(&self) -> corridor_app::Principal {
        let user = self
            .corridor
            .create_first_admin(
                self.organisation,
                "admin",
                MEMBER_PASSWORD,
                chrono::Utc::now(),
            )
            .await
            .expect("admin");
        corridor_app::Principal::of(&user)
    }

    /// A new organisation, stored.
    pub async fn organisation(&self, name: &str) -> corridor_core::OrgId {
        let organisation = corridor_core::Organisation {
            id: corridor_core::OrgId::random(),
            name: corridor_core::OrgName::new(name).expect("name"),
        };
        self.corridor
            .store()
            .insert_organisation(&organisation)
            .await
            .expect("org");
        organisation.id
    }

    /// A user of `org` with `role`: created by `admin` in the admin's own organisation, by
    /// the operator elsewhere.
    pub async fn member(
        &self,
        admin: &corridor_app::Principal,
        org: corridor_core::OrgId,
        name: &str,
        role: corridor_core::Role,
    ) -> corridor_app::Principal {
        let now = chrono::Utc::now();
        let user = if org == admin.organisation {
            self.corridor
                .create_user(admin, org, name, role, MEMBER_PASSWORD, now)
                .await
        } else {
            self.corridor
                .create_user_as_operator(org, name, role, MEMBER_PASSWORD, now)
                .await
        };
        corridor_app::Principal::of(&user.expect("user"))
    }
}

pub fn example() -> CaseInput {
    CaseInput::from_json(include_str!("../../../../examples/case.json")).expect("example is valid")
}

pub fn example_with(edit: impl FnOnce(&mut serde_json::Value)) -> CaseInput {
    let mut value: serde_json::Value =
        serde_json::from_str(include_str!("../../../../examples/case.json")).expect("json");
    edit(&mut value);
    CaseInput::from_json(&value.to_string()).expect("valid edit")
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
