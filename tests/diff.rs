//! The diff between a committed catalogue and the code's: each widening and
//! each narrowing, found and named; and minicrew's CI holds its code to the
//! catalogue it committed.

use crewtel::document::{self, Change, Diff};
use crewtel::{
    Telemetry,
    catalogue::{Tier, ValueKind},
};
use serde_json::{Value, json};

mod v1 {
    use crewtel::Telemetry;

    #[derive(Telemetry)]
    pub struct Agent {
        /// The agent's role.
        #[telemetry(always, free_text)]
        pub role: String,
    }

    #[derive(Telemetry)]
    #[telemetry(event = "Crew Created")]
    pub struct Crew {
        /// The crew's id.
        #[telemetry(always)]
        pub crew_id: u64,
        /// The agents.
        #[telemetry(share_crew)]
        pub label: String,
        /// How many.
        #[telemetry(always)]
        pub size: u32,
        /// The agents.
        #[telemetry(always)]
        pub agents: Vec<Agent>,
    }
}

fn base() -> Value {
    serde_json::from_str(&document::json(&[v1::Crew::CATALOGUE], None)).unwrap()
}

fn diff(committed: &Value, current: &Value) -> Diff {
    Diff::between(&committed.to_string(), &current.to_string()).unwrap()
}

/// The key `name` of the first event.
fn key<'v>(document: &'v mut Value, name: &str) -> &'v mut Value {
    document["events"][0]["keys"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|k| k["key"] == name)
        .unwrap()
}

/// From `before` to `after` is the one change `widening`; back, the one
/// change `narrowing`.
fn one_way(before: &Value, after: &Value, widening: Change, narrowing: Change) {
    let forward = diff(before, after);
    assert_eq!(forward.changes, std::slice::from_ref(&widening));
    assert!(forward.widens(), "{widening} widens");
    let back = diff(after, before);
    assert_eq!(back.changes, std::slice::from_ref(&narrowing));
    assert!(back.narrows_only(), "{narrowing} narrows");
}

#[test]
fn the_same_catalogue_has_no_changes() {
    let diff = diff(&base(), &base());
    assert!(diff.is_empty() && !diff.widens() && !diff.narrows_only());
    assert_eq!(diff.to_string(), "");
}

#[test]
fn a_key_added_widens_and_removed_narrows() {
    let before = base();
    let mut after = base();
    after["events"][0]["keys"]
        .as_array_mut()
        .unwrap()
        .push(json!({"key": "goal", "tier": "share_crew", "kind": "string", "free_text": false}));
    one_way(
        &before,
        &after,
        Change::KeyAdded {
            event: "Crew Created".into(),
            key: "goal".into(),
            tier: Tier::ShareCrew,
        },
        Change::KeyRemoved {
            event: "Crew Created".into(),
            key: "goal".into(),
        },
    );
}

#[test]
fn a_nested_key_is_named_by_its_path() {
    let before = base();
    let mut after = base();
    key(&mut after, "agents")["nested"]
        .as_array_mut()
        .unwrap()
        .push(json!({"key": "backstory", "tier": "share_crew", "kind": "string"}));
    let diff = diff(&before, &after);
    assert_eq!(
        diff.to_string(),
        "widens: `Crew Created`: `agents[].backstory` is new, sent under share_crew\n"
    );
}

#[test]
fn a_tier_widened_from_share_crew_to_always_widens() {
    let before = base();
    let mut after = base();
    key(&mut after, "label")["tier"] = "always".into();
    one_way(
        &before,
        &after,
        Change::TierChanged {
            event: "Crew Created".into(),
            key: "label".into(),
            from: Tier::ShareCrew,
            to: Tier::Always,
        },
        Change::TierChanged {
            event: "Crew Created".into(),
            key: "label".into(),
            from: Tier::Always,
            to: Tier::ShareCrew,
        },
    );
}

#[test]
fn a_key_newly_free_text_widens() {
    let before = base();
    let mut after = base();
    key(&mut after, "crew_id")["free_text"] = true.into();
    one_way(
        &before,
        &after,
        Change::FreeTextChanged {
            event: "Crew Created".into(),
            key: "crew_id".into(),
            now: true,
        },
        Change::FreeTextChanged {
            event: "Crew Created".into(),
            key: "crew_id".into(),
            now: false,
        },
    );
}

#[test]
fn a_type_changed_widens_either_way() {
    let before = base();
    let mut after = base();
    key(&mut after, "size")["kind"] = "string".into();
    let forward = diff(&before, &after);
    assert_eq!(
        forward.changes,
        [Change::KindChanged {
            event: "Crew Created".into(),
            key: "size".into(),
            from: ValueKind::Integer,
            to: ValueKind::String,
        }]
    );
    assert!(forward.widens());
    assert!(diff(&after, &before).widens(), "what it can carry changed");
    assert_eq!(
        forward.to_string(),
        "widens: `Crew Created`: `size` arrives as string, not integer\n"
    );
}

#[test]
fn an_event_added_widens_and_removed_narrows() {
    let before = base();
    let mut after = base();
    let mut second = after["events"][0].clone();
    second["event"] = "Crew Ended".into();
    after["events"].as_array_mut().unwrap().push(second);
    one_way(
        &before,
        &after,
        Change::EventAdded {
            event: "Crew Ended".into(),
        },
        Change::EventRemoved {
            event: "Crew Ended".into(),
        },
    );
}

#[test]
fn a_resource_key_added_widens() {
    let before = base();
    let mut after = base();
    after["resource"]
        .as_array_mut()
        .unwrap()
        .push(json!({"key": "host.name", "purpose": "no"}));
    one_way(
        &before,
        &after,
        Change::ResourceKeyAdded {
            key: "host.name".into(),
        },
        Change::ResourceKeyRemoved {
            key: "host.name".into(),
        },
    );
}

#[test]
fn an_expiry_pushed_back_or_removed_widens_and_brought_forward_narrows() {
    let mut early = base();
    key(&mut early, "size")["expires"] = "2027-01-31".into();
    let mut late = base();
    key(&mut late, "size")["expires"] = "2027-06-30".into();
    let change = |from: Option<&str>, to: Option<&str>| Change::ExpiryChanged {
        event: "Crew Created".into(),
        key: "size".into(),
        from: from.map(Into::into),
        to: to.map(Into::into),
    };
    one_way(
        &early,
        &late,
        change(Some("2027-01-31"), Some("2027-06-30")),
        change(Some("2027-06-30"), Some("2027-01-31")),
    );
    one_way(
        &late,
        &base(),
        change(Some("2027-06-30"), None),
        change(None, Some("2027-06-30")),
    );
    let mut event = base();
    event["events"][0]["expires"] = "2027-06-30".into();
    let diff = diff(&event, &base());
    assert!(diff.widens(), "an event that no longer expires");
    assert_eq!(
        diff.to_string(),
        "widens: `Crew Created`: the event no longer expires (was 2027-06-30)\n"
    );
}

#[test]
fn a_catalogue_committed_before_kinds_and_resources_still_compares() {
    let mut old = base();
    for key in old["events"][0]["keys"].as_array_mut().unwrap() {
        key.as_object_mut().unwrap().remove("kind");
    }
    old.as_object_mut().unwrap().remove("resource");
    let diff = diff(&old, &base());
    // Only the resource keys the old one did not list.
    assert!(
        diff.changes
            .iter()
            .all(|change| matches!(change, Change::ResourceKeyAdded { .. })),
        "{diff}"
    );
}

#[test]
fn what_is_not_a_catalogue_is_an_error_that_says_so() {
    let error = Diff::between("{", &base().to_string()).unwrap_err();
    assert!(error.to_string().starts_with("not a crewtel catalogue"));
}

#[test]
fn the_diff_of_the_code_itself_finds_a_field_added() {
    #[derive(Telemetry)]
    #[telemetry(event = "Crew Created")]
    struct Crew {
        /// The crew's id.
        #[telemetry(always)]
        crew_id: u64,
        /// The agents.
        #[telemetry(share_crew)]
        label: String,
        /// How many.
        #[telemetry(always)]
        size: u32,
        /// The agents.
        #[telemetry(always)]
        agents: Vec<v1::Agent>,
        /// New: the prompt of the crew's manager.
        #[telemetry(always, free_text)]
        manager_prompt: String,
    }
    let committed = document::json(&[v1::Crew::CATALOGUE], None);
    let now = document::json(&[Crew::CATALOGUE], None);
    let diff = Diff::between(&committed, &now).unwrap();
    assert_eq!(
        diff.widenings()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["`Crew Created`: `manager_prompt` is new, sent under always"]
    );
}

/// minicrew's CI: its code sends nothing its committed catalogue does not
/// admit.
#[test]
fn minicrew_sends_nothing_its_committed_catalogue_does_not_admit() {
    crewtel::testing::assert_catalogue_admits(
        concat!(env!("CARGO_MANIFEST_DIR"), "/docs/telemetry.json"),
        &minicrew::telemetry::document_json(),
        minicrew::telemetry::REGENERATE_JSON,
    );
}

#[test]
#[should_panic(
    expected = "it widens what is sent:\n  `Crew Created`: `manager_prompt` is new, sent under always"
)]
fn the_check_fails_on_a_widening_and_names_it() {
    #[derive(Telemetry)]
    #[telemetry(event = "Crew Created")]
    struct Crew {
        /// The crew's id.
        #[telemetry(always)]
        crew_id: u64,
        /// New.
        #[telemetry(always, free_text)]
        manager_prompt: String,
    }
    let dir = std::env::temp_dir().join(format!("crewtel-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let committed = dir.join("telemetry.json");
    std::fs::write(&committed, document::json(&[v1::Crew::CATALOGUE], None)).unwrap();
    crewtel::testing::assert_catalogue_admits(
        &committed,
        &document::json(&[Crew::CATALOGUE], None),
        "regenerate",
    );
}

#[test]
#[should_panic(expected = "it narrows what is sent:\n  `Crew Created`: `goal` is no longer sent")]
fn the_check_fails_on_a_narrowing_too_so_that_the_committed_catalogue_never_lags() {
    let dir = std::env::temp_dir().join(format!("crewtel-narrow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let committed = dir.join("telemetry.json");
    let mut wider = base();
    wider["events"][0]["keys"]
        .as_array_mut()
        .unwrap()
        .push(json!({"key": "goal", "tier": "share_crew", "kind": "string"}));
    std::fs::write(&committed, wider.to_string()).unwrap();
    crewtel::testing::assert_catalogue_admits(&committed, &base().to_string(), "regenerate");
}

mod variants {
    use crewtel::Telemetry;

    #[derive(Telemetry)]
    #[telemetry(event = "Outcome", tag = "outcome")]
    pub enum Before {
        A {
            #[telemetry(always)]
            x: u32,
        },
        B {
            #[telemetry(share_crew)]
            x: u32,
        },
    }

    #[derive(Telemetry)]
    #[telemetry(event = "Outcome", tag = "outcome")]
    pub enum After {
        A {
            #[telemetry(always)]
            x: u32,
        },
        B {
            #[telemetry(always)]
            x: u32,
        },
    }

    #[derive(Telemetry)]
    #[telemetry(event = "Ping", share_crew)]
    pub struct Shared {
        #[telemetry(always)]
        pub n: u32,
    }

    #[derive(Telemetry)]
    #[telemetry(event = "Ping")]
    pub struct Anonymous {
        #[telemetry(always)]
        pub n: u32,
    }
}

#[test]
fn a_key_of_one_variant_is_told_from_its_namesake_in_another() {
    let before = document::json(&[variants::Before::CATALOGUE], None);
    let after = document::json(&[variants::After::CATALOGUE], None);
    let diff = Diff::between(&before, &after).unwrap();
    assert_eq!(
        diff.to_string(),
        "widens: `Outcome`: `x (with b)` is sent under always (was share_crew)\n"
    );
}

#[test]
fn an_event_s_own_tier_widened_is_a_widening() {
    let before = document::json(&[variants::Shared::CATALOGUE], None);
    let after = document::json(&[variants::Anonymous::CATALOGUE], None);
    let diff = Diff::between(&before, &after).unwrap();
    assert!(diff.widens());
    assert!(
        diff.to_string()
            .starts_with("widens: `Ping`: the event is sent under always (was share_crew)\n"),
        "{diff}"
    );
}

#[test]
fn an_event_s_expiry_is_reported_once_not_once_a_key() {
    let mut early = base();
    early["events"][0]["expires"] = "2027-01-31".into();
    let mut late = base();
    late["events"][0]["expires"] = "2027-06-30".into();
    for document in [&mut early, &mut late] {
        let date = document["events"][0]["expires"].clone();
        for key in document["events"][0]["keys"].as_array_mut().unwrap() {
            key["expires"] = date.clone();
        }
    }
    let diff = diff(&early, &late);
    assert_eq!(diff.changes.len(), 1, "{diff}");
}
