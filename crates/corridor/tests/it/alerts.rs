//! `corridor alerts list`: the removal watch through the binary, as of any day.

use serde_json::{Value, json};

use crate::support::{Env, example_with};

#[test]
fn alerts_are_listed_as_of_a_day_without_names() {
    let env = Env::initialised();
    let text = example_with(|case| {
        case["us_status"]["scheduled_removal"] = json!("2027-03-10");
        case["us_status"]["stays"] = json!([]);
    });
    let id = env.add_case(&env.file("case.json", &text));

    let listed: Value =
        serde_json::from_str(&env.ok(&["alerts", "list", "--now", "2027-03-05", "--json"]))
            .expect("json");
    let alerts = listed.as_array().expect("array");
    assert_eq!(alerts.len(), 1, "{listed}");
    assert_eq!(alerts[0]["level"], "emergency");
    assert_eq!(alerts[0]["rule"], "removal_soon");
    assert_eq!(alerts[0]["case"], id.as_str());
    assert_eq!(alerts[0]["on"], "2027-03-10");

    // A week earlier, nothing; after the day, nothing.
    let before = env.ok(&["alerts", "list", "--now", "2027-03-01"]);
    assert!(before.contains("no alert"), "{before}");
    let text = env.ok(&["alerts", "list", "--now", "2027-03-09"]);
    assert!(text.contains("emergency") && text.contains(&id), "{text}");
    for name in ["Pustovoitova", "Пустовойтова"] {
        assert!(!text.contains(name), "{text}");
    }
    let err = env.fails(&["alerts", "list", "--now", "next week"]);
    assert!(err.contains("--now"), "{err}");
}

#[test]
fn the_demo_shows_alerts_of_every_level() {
    let env = Env::initialised();
    env.ok(&["demo", "seed", "--cases", "400"]);
    let listed: Value = serde_json::from_str(&env.ok(&["alerts", "list", "--json"])).expect("json");
    let levels: std::collections::BTreeSet<&str> = listed
        .as_array()
        .expect("array")
        .iter()
        .map(|a| a["level"].as_str().expect("level"))
        .collect();
    assert_eq!(
        levels.into_iter().collect::<Vec<_>>(),
        ["emergency", "reminder", "urgent"]
    );
    // The demo's flight carries detained people, and some removed people are out of touch.
    let rules: std::collections::BTreeSet<&str> = listed
        .as_array()
        .expect("array")
        .iter()
        .map(|a| a["rule"].as_str().expect("rule"))
        .collect();
    for rule in [
        "flight_with_detained_person",
        "lost_contact",
        "removal_soon",
    ] {
        assert!(rules.contains(rule), "{rule} missing from {rules:?}");
    }
}

#[test]
fn the_sweep_moves_removed_people_out_of_touch_to_lost_contact_once() {
    let env = Env::initialised();
    env.ok(&["demo", "seed", "--cases", "200"]);
    let lost = env.ok(&["alerts", "list", "--json"]);
    let lost: Vec<String> = serde_json::from_str::<Value>(&lost)
        .expect("json")
        .as_array()
        .expect("array")
        .iter()
        .filter(|a| a["rule"] == "lost_contact")
        .map(|a| a["case"].as_str().expect("case").to_owned())
        .collect();
    assert!(!lost.is_empty());
    let moved = env.ok(&["alerts", "sweep"]);
    let mut moved: Vec<&str> = moved.lines().collect();
    moved.sort_unstable();
    let mut expected: Vec<&str> = lost.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(moved, expected, "exactly the cases out of touch");
    assert!(
        env.ok(&["alerts", "sweep"]).trim().is_empty(),
        "a second sweep moves nobody"
    );
    let shown: Value =
        serde_json::from_str(&env.ok(&["case", "show", &lost[0], "--json"])).expect("json");
    assert_eq!(shown["stage"], "lost_contact", "{shown}");
}

#[test]
fn a_bad_check_in_schedule_stops_the_command_naming_the_field() {
    let env = Env::initialised();
    std::fs::write(
        env.data_dir.join("watch.toml"),
        "[[phase]]\nevery_days = 0\n",
    )
    .expect("write");
    let err = env.fails(&["alerts", "sweep"]);
    assert!(err.contains("phase[0].every_days"), "{err}");
}

#[test]
fn the_aggregate_report_is_by_month_and_hides_small_counts() {
    let env = Env::initialised();
    env.ok(&["demo", "seed", "--cases", "400"]);
    let id = env.add_case(&env.file("case.json", &example_with(|_| {})));
    let csv = env.ok(&["report", "aggregate", "--csv"]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("month,milestone,count"));
    let this_month = chrono::Utc::now().format("%Y-%m").to_string();
    let mut detained = None;
    for line in lines {
        let fields: Vec<&str> = line.trim_end_matches('\r').split(',').collect();
        assert_eq!(fields.len(), 3, "{line}");
        assert_eq!(fields[0].len(), 7, "a month: {line}");
        let count = fields[2];
        assert!(
            count == "<5" || count.parse::<u64>().is_ok_and(|n| n >= 5),
            "{line}"
        );
        if fields[0] == this_month && fields[1] == "detained" {
            detained = Some(count.to_owned());
        }
    }
    let detained = detained.expect("the demo's detained people this month");
    assert!(detained.parse::<u64>().is_ok_and(|n| n >= 5), "{detained}");
    assert!(!csv.contains(&id), "no identifier");
}
