//! The catalogue as an OpenTelemetry semantic-convention registry: what
//! crewtel generates validates against Weaver's JSON schema, says what the
//! catalogue says of every key, and minicrew's committed registry is what
//! its code generates.

mod support;

use crewtel::{
    Telemetry,
    catalogue::{Catalogue, Tier},
    document,
};
use minicrew::telemetry;
use serde_json::Value;

fn schema() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!("weaver/semconv.schema.json"))
        .expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

fn parsed(yaml: &str) -> Value {
    serde_saphyr::from_str(yaml).expect("the registry is YAML")
}

/// The schema's complaints about `registry`, one a line.
fn invalid(registry: &Value) -> Vec<String> {
    schema()
        .iter_errors(registry)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

fn group<'v>(registry: &'v Value, id: &str) -> &'v Value {
    registry["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|group| group["id"] == id)
        .unwrap_or_else(|| panic!("no group {id}"))
}

fn attribute<'v>(group: &'v Value, key: &str) -> &'v Value {
    group["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == key || a["ref"] == key)
        .unwrap_or_else(|| panic!("no attribute {key} in {}", group["id"]))
}

fn minicrew() -> Value {
    parsed(&telemetry::registry())
}

#[test]
fn minicrew_s_registry_validates_against_weaver_s_schema() {
    let registry = minicrew();
    assert_eq!(invalid(&registry), Vec::<String>::new());
    let support = parsed(&document::registry(
        "support",
        &[support::Crew::CATALOGUE, support::Task::CATALOGUE],
        None,
        "regenerate",
    ));
    assert_eq!(invalid(&support), Vec::<String>::new());
}

#[test]
fn the_schema_refuses_a_registry_that_breaks_it() {
    let mut registry = minicrew();
    let span = registry["groups"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|group| group["type"] == "span")
        .unwrap();
    span.as_object_mut().unwrap().remove("span_kind");
    assert!(
        !invalid(&registry).is_empty(),
        "a span without its kind is refused"
    );
    let mut registry = minicrew();
    registry["groups"][0]["attributes"][0]["type"] = "text".into();
    assert!(!invalid(&registry).is_empty(), "an unknown type is refused");
}

#[test]
fn the_committed_registry_is_what_the_code_generates() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/registry/minicrew.yaml"
    ))
    .unwrap_or_default();
    assert!(
        committed == telemetry::registry(),
        "docs/registry/minicrew.yaml differs from what minicrew's code sends. Regenerate it with:\n    {}",
        telemetry::REGENERATE_REGISTRY
    );
}

/// Each event is a span group that refers to each of its keys (defined
/// once in the registry group, typed), `share_crew` keys as `opt_in`, with
/// the catalogue's facts as the annotation `crewtel`.
#[test]
fn every_key_of_every_event_is_in_its_span_with_its_facts() {
    let registry = minicrew();
    let defined = group(&registry, "registry.minicrew");
    let spans: Vec<&Catalogue> = telemetry::catalogues()
        .into_iter()
        .filter(|event| !event.event().ends_with(" (end)"))
        .collect();
    for event in spans {
        let id = format!(
            "span.minicrew.{}",
            event.event().to_lowercase().replace(' ', "_")
        );
        let span = group(&registry, &id);
        assert_eq!(span["type"], "span");
        assert_eq!(span["display_name"], event.event());
        assert_eq!(span["extends"], "minicrew.every_event");
        for key in event.keys() {
            let definition = attribute(defined, key.key);
            assert!(definition["type"].is_string(), "{} has a type", key.key);
            let reference = attribute(span, key.key);
            assert_eq!(reference["ref"], key.key);
            let facts = &reference["annotations"]["crewtel"];
            assert_eq!(facts["tier"], key.tier.as_str(), "{}", key.key);
            assert_eq!(facts["free_text"], key.free_text, "{}", key.key);
            assert_eq!(facts["rust_type"], key.rust_type, "{}", key.key);
            let level = &reference["requirement_level"];
            match key.tier {
                Tier::ShareCrew => assert_eq!(level, "opt_in", "{}", key.key),
                Tier::Always if !key.optional => assert_eq!(level, "required", "{}", key.key),
                Tier::Always => assert!(level.is_object(), "{}: {level}", key.key),
            }
            assert_eq!(
                facts["nested"].as_array().map_or(0, Vec::len),
                key.nested.len(),
                "{}",
                key.key
            );
        }
        // A failed span ends with its error's type name.
        assert!(
            attribute(span, "error_type")["requirement_level"]["conditionally_required"]
                .is_string()
        );
    }
}

#[test]
fn what_a_span_adds_when_it_ends_is_in_its_group() {
    let registry = minicrew();
    let execution = group(&registry, "span.minicrew.task_execution");
    let output = attribute(execution, "task_output");
    assert_eq!(output["annotations"]["crewtel"]["at_end"], true);
    assert_eq!(output["requirement_level"], "opt_in");
    // One end shared by two spans: Crew Completed gains its keys; Flow
    // Completed sends them from its start already, and lists them once.
    let crew = group(&registry, "span.minicrew.crew_completed");
    assert_eq!(
        attribute(crew, "duration_ms")["annotations"]["crewtel"]["at_end"],
        true
    );
    let flow = group(&registry, "span.minicrew.flow_completed");
    let durations = flow["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["ref"] == "duration_ms")
        .count();
    assert_eq!(durations, 1);
    assert!(
        registry["groups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|group| !group["id"].as_str().unwrap().ends_with("_end")),
        "an end names its spans: it is no group of its own"
    );
}

#[test]
fn the_resource_is_an_entity_with_every_resource_key() {
    let registry = minicrew();
    let resource = group(&registry, "entity.minicrew.environment");
    assert_eq!(resource["type"], "entity");
    let ids = |group: &Value, field: &str| -> Vec<String> {
        group["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a[field].as_str().unwrap().to_owned())
            .collect()
    };
    let expected: Vec<String> = crewtel::catalogue::RESOURCE_KEYS
        .iter()
        .map(|k| k.key.to_owned())
        .collect();
    assert_eq!(ids(resource, "ref"), expected);
    // Defined where semantic conventions define attributes: a registry group.
    let defined = group(&registry, "registry.minicrew.resource");
    assert_eq!(defined["type"], "attribute_group");
    assert_eq!(ids(defined, "id"), expected);
}

/// As semantic conventions lay a registry out (and their policies check):
/// every attribute is defined (`id`) in a `registry.` attribute group, and
/// every reference is to one defined.
#[test]
fn attributes_are_defined_in_registry_groups_and_referred_to_elsewhere() {
    let registry = minicrew();
    let groups = registry["groups"].as_array().unwrap();
    let mut defined = std::collections::BTreeSet::new();
    for group in groups {
        let id = group["id"].as_str().unwrap();
        for attribute in group["attributes"].as_array().unwrap() {
            if let Some(key) = attribute["id"].as_str() {
                assert!(id.starts_with("registry."), "{key} is defined in {id}");
                assert_eq!(group["type"], "attribute_group");
                assert!(defined.insert(key.to_owned()), "{key} is defined twice");
            }
        }
    }
    for group in groups {
        for attribute in group["attributes"].as_array().unwrap() {
            if let Some(key) = attribute["ref"].as_str() {
                assert!(
                    defined.contains(key),
                    "{} refers to {key}, defined nowhere",
                    group["id"]
                );
            }
        }
    }
}

mod odd {
    use crewtel::Telemetry;

    #[derive(Telemetry)]
    #[telemetry(event = "Outcome", tag = "outcome")]
    pub enum Outcome {
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
    #[telemetry(event = "Crew Created")]
    pub struct Spaced {
        /// Named like a resource key.
        #[telemetry(always, rename = "os.type")]
        pub os: &'static str,
    }

    #[derive(Telemetry)]
    #[telemetry(event = "Crew-Created")]
    pub struct Dashed {
        #[telemetry(always)]
        pub n: u32,
    }
}

#[test]
fn keys_sent_twice_under_one_name_and_names_that_read_alike_stay_apart() {
    let registry = parsed(&document::registry(
        "host",
        &[
            odd::Outcome::CATALOGUE,
            odd::Spaced::CATALOGUE,
            odd::Dashed::CATALOGUE,
        ],
        None,
        "regenerate",
    ));
    assert_eq!(invalid(&registry), Vec::<String>::new());
    // One reference to `x`, with the facts of each variant's.
    let outcome = group(&registry, "span.host.outcome");
    let refs: Vec<&Value> = outcome["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["ref"] == "x")
        .collect();
    assert_eq!(refs.len(), 1);
    let x = refs[0];
    assert_eq!(x["annotations"]["crewtel"]["tier"], "always");
    assert_eq!(x["annotations"]["crewtel"]["also"][0]["tier"], "share_crew");
    assert_eq!(
        x["requirement_level"]["conditionally_required"],
        "Sent only with `a`; with `b` (only from crews that opted in with `share_crew`)."
    );
    // `os.type` is defined once, with the resource.
    let definitions = registry["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["attributes"].as_array().unwrap())
        .filter(|a| a["id"] == "os.type")
        .count();
    assert_eq!(definitions, 1);
    // Two spans whose names read alike.
    assert_eq!(
        group(&registry, "span.host.crew_created")["display_name"],
        "Crew Created"
    );
    assert_eq!(
        group(&registry, "span.host.crew_created_2")["display_name"],
        "Crew-Created"
    );
}
