//! Inserts N synthetic cases (default 100,000) into a fresh SQLite store, then opens it as a
//! server does: derive the root key, read every case's sealed names, open them and build the
//! name index. Reports each time.
//!
//!     cargo bench -p corridor-app --bench open_store            # 100,000 cases
//!     CORRIDOR_BENCH_CASES=10000 cargo bench -p corridor-app --bench open_store
//!
//! Then a list update: every case screened against the real OFAC and UN lists
//! (`../shared/data/lists`), and screened again with nothing changed.
//!
//! Targets (2-core machine): insert < 30 s; unseal and index < 3 s.

use std::sync::Arc;
use std::time::Instant;

use corridor_app::{Corridor, demo, programs};
use corridor_core::OrgName;
use corridor_crypto::KdfParams;
use corridor_screen::lists::{self, OnError};
use corridor_screen::screening::ListIndex;
use corridor_store::SqliteStore;

const PASSPHRASE: &[u8] = b"benchmark passphrase, synthetic data only";

fn main() {
    let cases: u32 = std::env::var("CORRIDOR_BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(run(cases));
}

async fn run(cases: u32) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("corridor.db");
    let today = chrono::Utc::now().date_naive();

    let store = Arc::new(SqliteStore::open(&path).await.expect("open"));
    let (corridor, organisation) = Corridor::initialise(
        store,
        PASSPHRASE,
        KdfParams::DEFAULT,
        OrgName::new("Benchmark organisation").expect("name"),
        programs::default_catalog(),
    )
    .await
    .expect("initialise");
    let started = Instant::now();
    demo::seed(&corridor, organisation.id, cases, 42, today)
        .await
        .expect("seed");
    let insert = started.elapsed();
    corridor.close().await;
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);

    let started = Instant::now();
    let store = Arc::new(SqliteStore::open(&path).await.expect("reopen"));
    let corridor = Corridor::unseal(store, PASSPHRASE, programs::default_catalog())
        .await
        .expect("unseal");
    let unlock = started.elapsed();
    let stats = corridor.rebuild_index().await.expect("index");
    let total = started.elapsed();
    let hits = corridor.search_names("Ivan", 10).len();

    println!("cases inserted:            {cases}");
    println!(
        "insert (seal + write):     {:>8.2} s   target < 30 s",
        insert.as_secs_f64()
    );
    println!(
        "store file:                {:>8.1} MiB",
        size as f64 / 1_048_576.0
    );
    println!("derive root key (Argon2id):{:>8.2} s", unlock.as_secs_f64());
    println!(
        "read sealed names:         {:>8.2} s",
        stats.read.as_secs_f64()
    );
    println!(
        "unseal and index:          {:>8.2} s",
        stats.unseal_and_index.as_secs_f64()
    );
    println!(
        "open total (key+read+index):{:>7.2} s   target < 3 s",
        total.as_secs_f64()
    );
    println!("sample search hits:        {hits}");
    assert_eq!(stats.cases, cases as usize, "every case indexed");

    // A list update: every case screened against the real OFAC and UN lists.
    let lists = real_lists();
    let names = lists.names();
    let started = Instant::now();
    let screened = corridor.update_lists(lists).await.expect("screen everyone");
    println!(
        "screen everyone:           {:>8.2} s   ({} cases against {names} listed names; {} alerts)",
        started.elapsed().as_secs_f64(),
        screened.cases,
        screened.raised
    );
    let started = Instant::now();
    let again = corridor.screen_everyone().await.expect("screen again");
    println!(
        "screen everyone again:     {:>8.2} s   (nothing changed: {} new)",
        started.elapsed().as_secs_f64(),
        again.raised
    );
}

/// OFAC's SDN list (with its aliases) and the UN consolidated list from `../shared/data`.
fn real_lists() -> ListIndex {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/lists");
    let open = |name: &str| {
        std::io::BufReader::new(
            std::fs::File::open(dir.join(name))
                .unwrap_or_else(|e| panic!("{name}: {e} (the benchmark reads ../shared/data)")),
        )
    };
    let mut alt = open("ofac/alt.csv");
    let mut add = open("ofac/add.csv");
    let ofac = lists::ofac::read(
        open("ofac/sdn.csv"),
        Some(&mut alt),
        Some(&mut add),
        OnError::Skip,
    )
    .expect("ofac");
    let un = lists::un::read(open("un/consolidated.xml"), OnError::Skip).expect("un");
    let mut index = ListIndex::new();
    index.extend(ofac.entries);
    index.extend(un.entries);
    index
}
