//! `corridor screen eval`: the matcher measured on labelled pairs through the real binary.

use crate::support::{Env, path_str};

fn dev_pairs() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/names/name_pairs_dev.csv")
}

#[test]
fn eval_prints_the_figures_and_ends_with_the_agreed_line() {
    let env = Env::new();
    let pairs = dev_pairs();
    let stdout = env.ok(&["screen", "eval", "--pairs", path_str(&pairs)]);
    assert!(stdout.contains("pairs: 495"), "{stdout}");
    assert!(stdout.contains("pairs per second: "), "{stdout}");
    let last = stdout.lines().last().expect("a last line");
    let figures: Vec<f64> = last
        .split(' ')
        .zip(["precision=", "recall=", "f1="])
        .map(|(part, key)| {
            let value = part.strip_prefix(key).unwrap_or_else(|| panic!("{last}"));
            assert_eq!(value.len(), 5, "three decimals: {last}");
            value.parse().expect("a number")
        })
        .collect();
    assert_eq!(figures.len(), 3, "{last}");
    assert!(figures[2] >= 0.85, "F1 target: {last}");

    let strict = env.ok(&[
        "screen",
        "eval",
        "--pairs",
        path_str(&pairs),
        "--threshold",
        "0.95",
    ]);
    let strict_last = strict.lines().last().expect("a last line");
    assert_ne!(strict_last, last, "the threshold is used");
}

#[test]
fn eval_refuses_bad_pairs_files_naming_the_line_not_the_name() {
    let env = Env::new();
    let bad_label = env.file(
        "bad.csv",
        "schema,name1,name2,is_match\nPerson,Secret Canary,Other,perhaps\n",
    );
    let err = env.fails(&["screen", "eval", "--pairs", path_str(&bad_label)]);
    assert!(err.contains("line 2") && err.contains("is_match"), "{err}");
    assert!(!err.contains("Secret Canary"), "{err}");

    let no_column = env.file("nocol.csv", "name1,name2\nA,B\n");
    let err = env.fails(&["screen", "eval", "--pairs", path_str(&no_column)]);
    assert!(err.contains("`schema`"), "{err}");

    let missing = env.fails(&["screen", "eval", "--pairs", "/no/such/file.csv"]);
    assert!(missing.contains("cannot read"), "{missing}");
    let pairs = dev_pairs();
    let err = env.fails(&[
        "screen",
        "eval",
        "--pairs",
        path_str(&pairs),
        "--threshold",
        "7",
    ]);
    assert!(err.contains("--threshold"), "{err}");
}

fn lists_dir(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/lists")
        .join(name)
}

#[test]
fn query_finds_a_listed_person_in_any_script_and_explains_it() {
    let env = Env::new();
    let ofac = lists_dir("ofac");
    let stdout = env.ok(&[
        "screen",
        "query",
        "--name",
        "Игорь Коробов",
        "--lists",
        path_str(&ofac),
    ]);
    let first = stdout.lines().next().expect("a hit");
    assert!(
        first.contains("ofac_sdn 21328") && first.contains("KOROBOV"),
        "{stdout}"
    );

    let json = env.ok(&[
        "screen",
        "query",
        "--name",
        "Igor Korobov",
        "--dob",
        "1956-08-03",
        "--lists",
        path_str(&ofac),
        "--json",
    ]);
    let hits: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(hits[0]["id"], "21328");
    assert_eq!(hits[0]["evidence"][0], "birth date agrees");
    assert!(hits[0]["matched"].as_array().is_some_and(|m| m.len() == 2));

    let other_decade = env.ok(&[
        "screen",
        "query",
        "--name",
        "Igor Korobov",
        "--dob",
        "1990",
        "--lists",
        path_str(&ofac),
        "--threshold",
        "0.8",
    ]);
    assert!(!other_decade.contains("21328"), "{other_decade}");
}

#[test]
fn query_refuses_what_it_cannot_use() {
    let env = Env::new();
    let err = env.fails(&["screen", "query", "--name", "X", "--lists", "/no/such/dir"]);
    assert!(err.contains("cannot read"), "{err}");
    let empty = tempfile::tempdir().expect("dir");
    let err = env.fails(&[
        "screen",
        "query",
        "--name",
        "X",
        "--lists",
        path_str(empty.path()),
    ]);
    assert!(err.contains("no list file recognised"), "{err}");
    let ofac = lists_dir("ofac");
    let err = env.fails(&["screen", "query", "--name", " ", "--lists", path_str(&ofac)]);
    assert!(err.contains("--name"), "{err}");
}

#[test]
fn lists_are_imported_kept_replaced_and_screened_against() {
    let env = Env::new();
    let status = env.ok(&["lists", "status"]);
    assert!(status.contains("no list imported"), "{status}");

    let sdn = lists_dir("ofac").join("sdn.csv");
    let out = env.ok(&["lists", "import", "ofac", path_str(&sdn)]);
    assert!(out.contains("imported 8976 entries"), "{out}");
    let un = lists_dir("un").join("consolidated.xml");
    env.ok(&["lists", "import", "un", path_str(&un)]);
    let status = env.ok(&["lists", "status", "--json"]);
    let manifest: serde_json::Value = serde_json::from_str(&status).expect("JSON");
    assert_eq!(manifest.as_array().map(Vec::len), Some(2));
    assert_eq!(manifest[0]["kind"], "ofac");
    assert_eq!(manifest[0]["entries"], 8976);
    assert!(
        env.data_dir.join("lists/ofac/alt.csv").is_file(),
        "companions kept"
    );

    // Without --lists, the imported lists are screened against.
    let hits = env.ok(&["screen", "query", "--name", "Igor Korobov"]);
    assert!(hits.contains("21328"), "{hits}");

    // A broken file: with --stop-on-error nothing changes; skipping, its bad line is named.
    let broken = env.file(
        "broken.csv",
        "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n37,\"SECRET CANARY\"\r\n",
    );
    let err = env.fails(&[
        "lists",
        "import",
        "ofac",
        path_str(&broken),
        "--stop-on-error",
    ]);
    assert!(
        err.contains("line 2") && err.contains("nothing was imported"),
        "{err}"
    );
    assert!(!err.contains("CANARY"), "{err}");
    let still = env.ok(&["lists", "status", "--json"]);
    assert!(still.contains("8976"), "the old list is whole: {still}");
    let output = env.run(&["lists", "import", "ofac", path_str(&broken)]);
    assert!(output.status.success());
    let warnings = String::from_utf8_lossy(&output.stderr);
    assert!(warnings.contains("line 2"), "{warnings}");
    let replaced = env.ok(&["lists", "status"]);
    assert!(
        replaced.contains("       1 entries") && replaced.contains("1 skipped"),
        "{replaced}"
    );

    let err = env.fails(&["lists", "import", "un", "/no/such/file.xml"]);
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn compare_lists_the_russia_linked_that_canada_has_not_listed_with_a_csv() {
    let env = Env::new();
    let dir = env.dir.path().join("lists");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("sdn.csv"),
        "1,\"KOROBOV, Igor Valentinovich\",\"individual\",\"RUSSIA-EO14024\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 03 Aug 1956.\"\r\n\
         2,\"SIDOROV, Ivan\",\"individual\",\"RUSSIA-EO14024\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
         3,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
    )
    .expect("sdn");
    std::fs::write(
        dir.join("sema-fixture.xml"),
        "<?xml version=\"1.0\"?><data-set><record><Country>Russia / Russie</Country>\
         <LastName>Sidorov</LastName><GivenName>Ivan</GivenName><Schedule>1</Schedule>\
         <Item>1</Item></record></data-set>",
    )
    .expect("sema");
    let csv_path = env.dir.path().join("gaps.csv");
    let stdout = env.ok(&[
        "lists",
        "compare",
        "--lists",
        path_str(&dir),
        "--csv",
        path_str(&csv_path),
    ]);
    assert!(stdout.starts_with("1 listed"), "{stdout}");
    assert!(
        stdout.contains("KOROBOV") && stdout.contains("ofac_sdn:1"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("SIDOROV") && !stdout.contains("AEROCARIBBEAN"),
        "{stdout}"
    );
    let csv = std::fs::read_to_string(&csv_path).expect("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "name,kind,listed_by,birth_dates,programs");
    assert_eq!(lines.len(), 2);
    assert!(lines[1].contains("1956-08-03"), "{csv}");
}

/// One OpenSanctions FollowTheMoney person per `(id, name, birth date)`, as JSON lines.
fn ftm_people(people: &[(&str, &str, &str)]) -> String {
    people
        .iter()
        .map(|(id, name, born)| {
            serde_json::json!({
                "id": id,
                "schema": "Person",
                "properties": {
                    "name": [name],
                    "birthDate": [born],
                    "nationality": ["ru"],
                    "topics": ["sanction"],
                },
            })
            .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The cases that screening raised an alert for, from the audit log (oldest first).
fn alerted_cases(env: &Env) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(&env.ok(&[
        "audit",
        "list",
        "--action",
        "screening_alert_raised",
        "--json",
    ]))
    .expect("json");
    let mut cases: Vec<String> = json
        .as_array()
        .expect("array")
        .iter()
        .rev()
        .map(|entry| {
            assert_eq!(entry["actor"], "system");
            entry["case"].as_str().expect("case").to_owned()
        })
        .collect();
    cases.dedup();
    cases
}

#[test]
fn cases_are_screened_when_added_and_everyone_when_a_served_corridors_lists_change() {
    let env = Env::initialised();
    let first = env.file(
        "first.ftm.json",
        &ftm_people(&[("t-1", "Iaroslava Pustovoitova", "1991-06-12")]),
    );
    env.ok(&["lists", "import", "ftm", path_str(&first)]);

    // `case add` screens the new person against the imported lists.
    let listed = env.add_case(&crate::support::example_case());
    assert_eq!(alerted_cases(&env), std::slice::from_ref(&listed));
    let other = env.file(
        "other.json",
        &crate::support::example_with(|v| {
            v["person"]["names"] =
                serde_json::json!([{ "text": "Глеб Ильич Коробейников", "kind": "native" }]);
            v["person"]["birth_date"] = "1970".into();
        }),
    );
    let later = env.add_case(&other);
    assert_eq!(
        alerted_cases(&env),
        std::slice::from_ref(&listed),
        "nobody lists him yet"
    );

    // Served, with the lists checked every second: an import that lists him is picked up
    // and everyone screened again; only the new possible match is raised.
    let (server, printed) = crate::cases::Server::spawn(env.command(&[
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--lists-poll-secs",
        "1",
    ]));
    assert!(
        printed.contains(&"Screened 2 cases: 0 new possible matches, 0 lapsed".to_owned()),
        "{printed:?}"
    );
    // The manifest's time must differ from the one read at start, even on a coarse clock.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = env.file(
        "second.ftm.json",
        &ftm_people(&[
            ("t-1", "Iaroslava Pustovoitova", "1991-06-12"),
            ("t-2", "Gleb Ilyich Korobeynikov", "1970-03-02"),
        ]),
    );
    env.ok(&["lists", "import", "ftm", path_str(&second)]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let alerted = loop {
        let alerted = alerted_cases(&env);
        if alerted.len() > 1 || std::time::Instant::now() > deadline {
            break alerted;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    };
    assert!(server.interrupt().success());
    assert_eq!(alerted, [listed, later]);
}
