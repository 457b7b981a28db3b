//! Fresh stores for each test: a temporary SQLite file, or a new schema in the PostgreSQL
//! database named by `CORRIDOR_TEST_PG_URL`.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use corridor_core::{
    CaseId, ClaimId, Custody, HearingKind, OrgId, OrgName, Organisation, ProceedingsStage,
    RiskLevel, Stage,
};
use corridor_crypto::{CaseKey, FieldAddress, KdfParams, RootKey};
use corridor_store::{
    CaseColumns, CaseRecord, CaseStore, ClaimRow, HearingRow, PostgresStore, SealedCase,
    SqliteStore,
};

pub struct TestSqlite {
    pub store: SqliteStore,
    pub dir: tempfile::TempDir,
}

impl TestSqlite {
    pub async fn new() -> TestSqlite {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("corridor.db"))
            .await
            .expect("open sqlite store");
        TestSqlite { store, dir }
    }
}

pub struct TestPostgres {
    pub store: PostgresStore,
    pub url: String,
    pub schema: String,
}

/// The PostgreSQL URL for tests, if any. With `CORRIDOR_TEST_PG_REQUIRED=1` (set by CI) a
/// missing URL fails the run instead of skipping the PostgreSQL half of the suite.
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

impl TestPostgres {
    pub async fn new() -> Option<TestPostgres> {
        let url = pg_url()?;
        let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
        let store = PostgresStore::open(&url, Some(&schema))
            .await
            .expect("open postgres store");
        Some(TestPostgres { store, url, schema })
    }

    pub async fn drop_schema(self) {
        self.store.close().await;
        let pool = sqlx::PgPool::connect(&self.url).await.expect("connect");
        sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.schema))
            .execute(&pool)
            .await
            .expect("drop schema");
    }
}

pub fn organisation(name: &str) -> Organisation {
    Organisation {
        id: OrgId::random(),
        name: OrgName::new(name).expect("valid name"),
    }
}

pub fn root_key() -> RootKey {
    RootKey::create(b"test passphrase", KdfParams::INSECURE_FAST_FOR_TESTS)
        .expect("root key")
        .0
}

pub fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0)
        .single()
        .expect("valid")
        + Duration::days(i64::from(day))
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// Options for a synthetic sealed case; the contents are opaque to the store.
pub struct Spec {
    pub organisation: OrgId,
    pub stage: Stage,
    pub custody: Custody,
    pub risk_level: RiskLevel,
    pub created_day: u32,
    pub scheduled_removal: Option<NaiveDate>,
    pub hearings: Vec<HearingRow>,
    pub claims: usize,
}

impl Spec {
    pub fn new(organisation: OrgId) -> Spec {
        Spec {
            organisation,
            stage: Stage::Intake,
            custody: Custody::Detained,
            risk_level: RiskLevel::High,
            created_day: 0,
            scheduled_removal: None,
            hearings: Vec::new(),
            claims: 2,
        }
    }

    pub fn build(self, root: &RootKey) -> CaseRecord {
        let id = CaseId::random();
        let record = id.to_string();
        let key = CaseKey::generate();
        let seal = |column: &str, text: &str| {
            key.seal(FieldAddress::new("cases", column, &record), text.as_bytes())
        };
        CaseRecord {
            columns: CaseColumns {
                id,
                organisation: self.organisation,
                program: "test-program".parse().expect("slug"),
                stage: self.stage,
                custody: self.custody,
                proceedings: ProceedingsStage::BiaAppeal,
                risk_level: self.risk_level,
                final_order_date: Some(date(2025, 11, 3)),
                scheduled_removal: self.scheduled_removal,
                created_at: at(self.created_day),
                updated_at: at(self.created_day),
            },
            wrapped_key: root.wrap(&key, &record),
            sealed: SealedCase {
                names: seal("names", "names"),
                person: seal("person", "person"),
                us_status: seal("us_status", "us status"),
                russia_risk: seal("russia_risk", "risk"),
                notes: Some(seal("notes", "notes")),
                assessment: Some(seal("assessment", "assessment")),
            },
            claims: (0..self.claims)
                .map(|position| {
                    let id = ClaimId::random();
                    ClaimRow {
                        id,
                        position: i32::try_from(position).expect("small"),
                        body: key.seal(
                            FieldAddress::new("claims", "body", &id.to_string()),
                            b"claim",
                        ),
                    }
                })
                .collect(),
            hearings: self.hearings,
        }
    }
}

pub fn hearing(on_date: NaiveDate) -> HearingRow {
    HearingRow {
        on_date,
        kind: HearingKind::Individual,
    }
}
