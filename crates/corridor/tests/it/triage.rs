//! `corridor triage select`: the exact selection through the binary, families whole, the JSON
//! shape the issue names, no names in the output, bad input named.

use serde_json::{Value, json};

use crate::support::{Env, example_with};

const PROGRAM: &str = "ca-private-sponsorship";
const TODAY: &str = "2026-11-22";

/// A case of the sponsorship program; `edit` changes it further.
fn add(env: &Env, file: &str, edit: impl FnOnce(&mut Value)) -> String {
    let text = example_with(|case| {
        case["program"] = json!(PROGRAM);
        // No automatic stay, no scheduled removal unless the edit sets one.
        case["us_status"]["stays"] = json!([]);
        edit(case);
    });
    env.add_case(&env.file(file, &text))
}

fn select(env: &Env, capacity: &str) -> Value {
    let out = env.ok(&[
        "triage",
        "select",
        "--program",
        PROGRAM,
        "--capacity",
        capacity,
        "--today",
        TODAY,
        "--json",
    ]);
    serde_json::from_str(&out).expect("json")
}

fn selected_cases(board: &Value) -> Vec<Vec<String>> {
    board["selected"]
        .as_array()
        .expect("selected")
        .iter()
        .map(|unit| {
            unit["case_ids"]
                .as_array()
                .expect("case_ids")
                .iter()
                .map(|id| id.as_str().expect("id").to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn selection_takes_families_whole_and_exactly() {
    let env = Env::initialised();
    let family = "0b9f5c1e-1111-4c7a-9d0e-5f1a2b3c4d5e";
    let parent = add(&env, "parent.json", |case| {
        case["assessment"] = json!({ "family_unit": family });
    });
    let child = add(&env, "child.json", |case| {
        case["assessment"] =
            json!({ "family_unit": family, "vulnerabilities": ["child_or_adolescent_at_risk"] });
    });
    let alone = add(&env, "alone.json", |case| {
        case["us_status"]["scheduled_removal"] = json!("2026-11-25");
    });

    // One place: the family cannot fit; the person facing removal in three days can.
    let one = select(&env, "1");
    assert_eq!(one["capacity"], 1);
    assert_eq!(one["persons_selected"], 1);
    assert_eq!(selected_cases(&one), [vec![alone.clone()]]);
    assert_eq!(one["selected"][0]["persons"], 1);

    // Two places: the family is worth more than the one person, and is taken whole.
    let two = select(&env, "2");
    assert_eq!(two["persons_selected"], 2);
    let mut members = vec![parent.clone(), child.clone()];
    members.sort();
    assert_eq!(selected_cases(&two), [members.clone()]);
    assert_eq!(two["selected"][0]["persons"], 2);
    // Every unit says why it is in or out.
    let out_unit = two["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["selected"] == false)
        .expect("one unit out");
    assert!(
        out_unit["why"]
            .as_str()
            .expect("why")
            .starts_with("Not selected"),
        "{out_unit}"
    );

    let three = select(&env, "3");
    assert_eq!(three["persons_selected"], 3);
    assert_eq!(selected_cases(&three).len(), 2);

    // Text output: the board, with ids and reasons, never a name.
    let text = env.ok(&[
        "triage",
        "select",
        "--program",
        PROGRAM,
        "--capacity",
        "2",
        "--today",
        TODAY,
    ]);
    assert!(text.contains(&parent) && text.contains(&alone), "{text}");
    assert!(text.contains("IN "), "{text}");
    for name in ["Pustovoitova", "Пустовойтова", "Yaroslava"] {
        assert!(!text.contains(name), "{text}");
    }
}

#[test]
fn without_a_capacity_the_program_offers_what_it_has_left() {
    let env = Env::initialised();
    add(&env, "case.json", |_| {});
    let out = env.ok(&["triage", "select", "--today", TODAY, "--json"]);
    let board: Value = serde_json::from_str(&out).expect("json");
    // The only program with open cases, and its whole capacity (100 in its file).
    assert_eq!(board["program"], PROGRAM);
    assert_eq!(board["capacity"], 100);
    assert_eq!(board["persons_selected"], 1);
}

#[test]
fn bad_arguments_are_named() {
    let env = Env::initialised();
    add(&env, "case.json", |_| {});
    let err = env.fails(&["triage", "select", "--program", "no-such-program"]);
    assert!(
        err.contains("no-such-program") && err.contains(PROGRAM),
        "{err}"
    );
    let err = env.fails(&["triage", "select", "--program", "Not A Slug"]);
    assert!(err.contains("--program"), "{err}");
    let err = env.fails(&["triage", "select", "--capacity", "10001"]);
    assert!(err.contains("capacity"), "{err}");
    let err = env.fails(&["triage", "select", "--today", "2026-13-01"]);
    assert!(err.contains("--today"), "{err}");
    let err = env.fails(&["triage", "select", "--capacity=-1"]);
    assert!(err.contains("--capacity"), "{err}");
}
