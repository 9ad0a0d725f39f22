//! The compile-time catalogue lists every key a struct can send, with its
//! effective tier, Rust type and purpose, nested and flattened structs included.

mod support;

use std::collections::BTreeMap;

use crewtel::attribute::{Array, Value};
use crewtel::{
    Consent, OnSend, Telemetry, TelemetryValue,
    catalogue::{CatalogueKey, Source, Tier, ValueKind},
};
use support::{Crew, Task};

#[test]
fn crew_catalogue_lists_every_key_with_tier_type_and_purpose() {
    let keys = Crew::CATALOGUE.keys();
    let summary: Vec<(&str, Tier, &str, Source)> = keys
        .iter()
        .map(|k| (k.key, k.tier, k.rust_type, k.source))
        .collect();
    assert_eq!(
        summary,
        [
            ("crew_id", Tier::Always, "String", Source::Value),
            ("crew_label", Tier::ShareCrew, "String", Source::Value),
            ("crew_process", Tier::Always, "Process", Source::Value),
            ("crew_memory", Tier::Always, "bool", Source::Value),
            ("crew_agents", Tier::Always, "Vec<Agent>", Source::Value),
            ("crew_number_of_agents", Tier::Always, "usize", Source::Len),
            (
                "crew_inputs",
                Tier::ShareCrew,
                "BTreeMap<String, String>",
                Source::Value
            ),
            ("crew_inputs_present", Tier::Always, "bool", Source::Present),
            ("manager", Tier::ShareCrew, "Option<Agent>", Source::Value),
        ]
    );
    assert_eq!(keys[2].purpose, "How the crew runs.");
    assert_eq!(
        keys[5].purpose,
        "The number of entries of `agents`: the agents."
    );
    assert_eq!(Crew::CATALOGUE.event(), "Crew Created");
    assert_eq!(Crew::CATALOGUE.type_name(), "Crew");
}

#[test]
fn nested_keys_take_the_stricter_tier() {
    let keys = Crew::CATALOGUE.keys();
    let agents = &keys[4].nested;
    let tiers: Vec<(&str, Tier)> = agents.iter().map(|k| (k.key, k.tier)).collect();
    assert_eq!(
        tiers,
        [
            ("role", Tier::Always),
            ("llm", Tier::Always),
            ("tools_names", Tier::Always),
            ("goal", Tier::ShareCrew),
            ("backstory", Tier::ShareCrew),
        ]
    );
    // The manager is `share_crew`: every key inside it is too.
    assert!(keys[8].nested.iter().all(|k| k.tier == Tier::ShareCrew));
    assert_eq!(keys[8].nested.len(), 5);
}

#[test]
fn never_and_consent_fields_are_not_in_the_catalogue() {
    for key in Crew::CATALOGUE
        .keys()
        .iter()
        .chain(Task::CATALOGUE.keys().iter())
    {
        assert!(
            !["api_key", "share_crew", "system_prompt", "prompt"].contains(&key.key),
            "{} is never sent but is catalogued",
            key.key
        );
    }
}

/// Every key an event actually sends is in the catalogue, under a tier its
/// consent allows: the catalogue cannot drift from what is sent.
#[test]
fn catalogue_matches_what_events_send() {
    for share in [false, true] {
        let crew = support::crew(share);
        let event = crew.telemetry_event();
        let catalogue = Crew::CATALOGUE.keys();
        for kv in event.key_values() {
            let entry = catalogue
                .iter()
                .find(|k| k.key == kv.key.as_str())
                .unwrap_or_else(|| panic!("{} is sent but not catalogued", kv.key));
            assert!(
                event.consent().allows(entry.tier),
                "{} sent under {:?}",
                kv.key,
                event.consent()
            );
        }
        let sent = event.key_values().len();
        let consent = Consent::from_share_crew(share);
        let allowed = catalogue.iter().filter(|k| consent.allows(k.tier)).count();
        assert_eq!(
            sent, allowed,
            "every catalogued key allowed under this consent is sent for this full crew"
        );
    }
}

#[test]
fn the_catalogue_serializes_for_tools() {
    let json = serde_json::to_value(Task::CATALOGUE.keys()).unwrap();
    assert_eq!(json[0]["key"], "crew_id");
    assert_eq!(json[0]["tier"], "always");
    assert_eq!(json[1]["tier"], "share_crew");
    assert_eq!(json[3]["key"], "formatted_description");
    assert_eq!(json[3]["purpose"], "What the task asks for.");
    assert_eq!(json[4]["rust_type"], "Option<String>");
}

#[test]
fn the_whole_catalogue_serializes_too() {
    let json = serde_json::to_value(Crew::CATALOGUE).unwrap();
    assert_eq!(json["event"], "Crew Created");
    assert_eq!(json["type_name"], "Crew");
    assert_eq!(json["keys"][0]["key"], "crew_id");
    assert_eq!(json["keys"][4]["nested"][3]["tier"], "share_crew");
}

#[test]
fn no_key_is_sent_twice_through_flatten() {
    // The derive asserts this at compile time; the check itself is shared.
    assert_eq!(Crew::CATALOGUE.duplicate_key(), None);
    assert_eq!(Task::CATALOGUE.duplicate_key(), None);
}

mod named_like_std {
    use crewtel::Telemetry;

    /// A host struct whose name is a standard one's: its keys are still
    /// listed where it is nested.
    #[derive(Telemetry)]
    pub struct String {
        /// A count the struct sends.
        #[telemetry(always)]
        pub hidden_count: u32,
    }

    #[derive(Telemetry)]
    pub struct Holder {
        #[telemetry(always)]
        pub inner: String,
        #[telemetry(always)]
        pub many: Vec<String>,
    }
}

#[test]
fn a_host_type_named_like_a_std_one_does_not_hide_its_keys() {
    let keys = named_like_std::Holder::CATALOGUE.keys();
    for key in &keys {
        let nested: Vec<&str> = key.nested.iter().map(|k| k.key).collect();
        assert_eq!(nested, ["hidden_count"], "{}", key.key);
    }
}

#[test]
fn recursion_is_guarded_by_where_a_type_is_declared_not_its_address() {
    #[derive(Telemetry)]
    struct Node {
        #[telemetry(always)]
        depth: u32,
        #[telemetry(always)]
        children: Vec<Node>,
    }
    let keys = Node::CATALOGUE.keys();
    assert_eq!(keys[1].key, "children");
    assert!(keys[1].nested.is_empty(), "listed once, not forever");
    assert!(Node::CATALOGUE.path().ends_with("::Node"));
}

#[derive(Clone, Copy, TelemetryValue)]
enum Mode {
    Fast,
}

#[derive(Telemetry)]
struct Tool {
    /// The tool's name.
    #[telemetry(always, free_text)]
    name: String,
}

#[derive(Debug)]
struct Failure;

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("failed")
    }
}

impl std::error::Error for Failure {}

crewtel::secret_free!(Failure);

fn first(names: &[String]) -> Option<&str> {
    names.first().map(String::as_str)
}

fn three() -> u32 {
    3
}

/// A field of every kind.
#[derive(Telemetry)]
#[telemetry(event = "Kinds")]
struct Kinds {
    #[telemetry(always)]
    mode: Mode,
    #[telemetry(always, free_text, len(always))]
    names: Vec<String>,
    #[telemetry(always, free_text, with = "first")]
    first_name: Vec<String>,
    #[telemetry(always)]
    ratio: Option<f64>,
    #[telemetry(always)]
    flags: [bool; 2],
    #[telemetry(always)]
    counts: Vec<u16>,
    #[telemetry(always)]
    lazily: OnSend<u32>,
    #[telemetry(always)]
    tool: Tool,
    #[telemetry(always)]
    tools: Vec<Tool>,
    #[telemetry(always, free_text)]
    by_name: BTreeMap<String, Tool>,
    #[telemetry(always, free_text)]
    labels: BTreeMap<String, String>,
    #[telemetry(never, error_type(always))]
    failure: Option<Failure>,
    #[telemetry(never, present(always))]
    note: Option<String>,
}

fn kinds() -> Kinds {
    Kinds {
        mode: Mode::Fast,
        names: vec!["a".into()],
        first_name: vec!["b".into()],
        ratio: Some(0.5),
        flags: [true, false],
        counts: vec![1, 2],
        lazily: OnSend::new(three),
        tool: Tool { name: "t".into() },
        tools: vec![Tool { name: "u".into() }],
        by_name: BTreeMap::from([("v".into(), Tool { name: "v".into() })]),
        labels: BTreeMap::from([("k".into(), "l".into())]),
        failure: Some(Failure),
        note: None,
    }
}

#[test]
fn each_key_says_what_its_value_arrives_as() {
    let kinds: Vec<(&str, ValueKind, bool)> = Kinds::CATALOGUE
        .keys()
        .iter()
        .map(|k| (k.key, k.kind, k.optional))
        .collect();
    assert_eq!(
        kinds,
        [
            ("mode", ValueKind::String, false),
            ("names", ValueKind::StringList, false),
            ("names_len", ValueKind::Integer, false),
            ("first_name", ValueKind::String, true),
            ("ratio", ValueKind::Float, true),
            ("flags", ValueKind::BooleanList, false),
            ("counts", ValueKind::IntegerList, false),
            ("lazily", ValueKind::Integer, false),
            ("tool", ValueKind::JsonObject, false),
            ("tools", ValueKind::JsonList, false),
            ("by_name", ValueKind::JsonMap, false),
            ("labels", ValueKind::JsonObject, false),
            ("failure_error_type", ValueKind::String, true),
            ("note_present", ValueKind::Boolean, false),
        ]
    );
}

/// Whether an attribute's value is what `kind` says it arrives as.
fn arrives_as(value: &Value, kind: ValueKind) -> bool {
    let json = |value: &Value| match value {
        Value::String(text) => serde_json::from_str::<serde_json::Value>(text).ok(),
        _ => None,
    };
    match (kind, value) {
        (ValueKind::String, Value::String(_))
        | (ValueKind::Integer, Value::I64(_))
        | (ValueKind::Float, Value::F64(_))
        | (ValueKind::Boolean, Value::Bool(_))
        | (ValueKind::StringList, Value::Array(Array::String(_)))
        | (ValueKind::IntegerList, Value::Array(Array::I64(_)))
        | (ValueKind::FloatList, Value::Array(Array::F64(_)))
        | (ValueKind::BooleanList, Value::Array(Array::Bool(_))) => true,
        (ValueKind::JsonObject | ValueKind::JsonMap, _) => {
            json(value).is_some_and(|v| v.is_object())
        }
        (ValueKind::JsonList, _) => json(value).is_some_and(|v| v.is_array()),
        _ => false,
    }
}

fn check_kinds(key_values: &[crewtel::attribute::KeyValue], catalogue: &[CatalogueKey]) {
    for kv in key_values {
        let key = catalogue
            .iter()
            .find(|k| k.key == kv.key.as_str())
            .unwrap_or_else(|| panic!("{} is sent but not catalogued", kv.key));
        assert!(
            arrives_as(&kv.value, key.kind),
            "{} arrives as {:?}, catalogued as {}",
            kv.key,
            kv.value,
            key.kind
        );
    }
}

#[test]
fn every_key_arrives_as_its_catalogue_says() {
    let key_values = kinds().telemetry_event().key_values();
    assert_eq!(
        key_values.len(),
        Kinds::CATALOGUE.keys().len(),
        "all of them sent"
    );
    check_kinds(&key_values, &Kinds::CATALOGUE.keys());
    for share in [false, true] {
        let crew = support::crew(share);
        check_kinds(
            &crew.telemetry_event().key_values(),
            &Crew::CATALOGUE.keys(),
        );
    }
}
