//! Enums whose variants carry fields derive `Telemetry`: the variant's name
//! is a closed value under the enum's key, and each variant sends only the
//! keys its own fields declare, under the consent in force.

use crewtel::attribute::{KeyValue, Value};
use crewtel::{
    Consent, Telemetry, TelemetryValue,
    catalogue::{Source, Tier},
};
use serde_json::json;

#[derive(TelemetryValue)]
enum Provider {
    Anthropic,
}

/// A feature of the framework, used once.
#[derive(Telemetry)]
#[telemetry(event = "Feature Usage")]
enum Feature<'a> {
    /// Planning made a plan.
    #[telemetry(rename = "planning:creation")]
    Planning {
        /// The provider of the model planning used.
        #[telemetry(always)]
        provider: Provider,
        /// What the plan says: content.
        #[telemetry(share_crew)]
        plan: &'a str,
    },
    /// Memory saved entries.
    #[telemetry(rename = "memory:save")]
    MemorySave {
        /// How many entries were saved.
        #[telemetry(always)]
        entries: u32,
        /// What was saved: never sent.
        #[telemetry(never)]
        #[allow(dead_code)]
        content: &'a str,
    },
    /// The models an evaluation compared.
    #[telemetry(rename = "cli_usage:eval_models")]
    EvalModels {
        /// Whether the user was signed in.
        #[telemetry(always)]
        authenticated: bool,
        /// The models, by name.
        #[telemetry(always, free_text, len(always, rename = "models_count"))]
        models: Vec<&'a str>,
    },
    /// The coding agent the process runs under.
    CodingAgent,
}

/// An event that takes its consent from its variant.
#[derive(Telemetry)]
#[telemetry(tag = "event_type")]
enum Feedback<'a> {
    Requested {
        #[telemetry(consent)]
        share: bool,
        #[telemetry(always)]
        num_outcomes: u32,
    },
    Received {
        #[telemetry(consent)]
        share: bool,
        #[telemetry(always)]
        feedback_provided: bool,
        /// The outcome the person chose, in their words.
        #[telemetry(share_crew)]
        outcome: &'a str,
    },
}

fn kv(key: &'static str, value: impl Into<Value>) -> KeyValue {
    KeyValue::new(key, value)
}

#[test]
fn the_variant_is_sent_under_the_enum_key_with_its_own_keys() {
    let planning = Feature::Planning {
        provider: Provider::Anthropic,
        plan: "step one: read the user's notes",
    };
    assert_eq!(
        planning.telemetry_event().key_values(),
        [
            kv("feature", "planning:creation"),
            kv("provider", "anthropic")
        ]
    );
    assert_eq!(
        planning
            .telemetry_event_with(Consent::ShareCrew)
            .key_values(),
        [
            kv("feature", "planning:creation"),
            kv("provider", "anthropic"),
            kv("plan", "step one: read the user's notes"),
        ]
    );
    let save = Feature::MemorySave {
        entries: 0,
        content: "my diary",
    };
    for consent in [Consent::Anonymous, Consent::ShareCrew] {
        assert_eq!(
            save.telemetry_event_with(consent).key_values(),
            [kv("feature", "memory:save"), kv("entries", 0i64)],
            "a `never` field of a variant is not sent"
        );
    }
    let eval = Feature::EvalModels {
        authenticated: false,
        models: vec!["gpt-4o", "claude"],
    };
    assert_eq!(
        serde_json::to_value(eval.telemetry_event()).unwrap()["attributes"],
        json!({
            "feature": "cli_usage:eval_models",
            "authenticated": false,
            "models": ["gpt-4o", "claude"],
            "models_count": 2,
        })
    );
    assert_eq!(
        Feature::CodingAgent.telemetry_event().key_values(),
        [kv("feature", "coding_agent")]
    );
    assert_eq!(Feature::EVENT, "Feature Usage");
}

#[test]
fn a_variant_takes_its_consent_from_its_own_field() {
    let shared = Feedback::Received {
        share: true,
        feedback_provided: true,
        outcome: "approve the draft",
    };
    assert_eq!(shared.consent(), Consent::ShareCrew);
    assert_eq!(
        shared.telemetry_event().key_values(),
        [
            kv("event_type", "received"),
            kv("feedback_provided", true),
            kv("outcome", "approve the draft"),
        ]
    );
    let anonymous = Feedback::Received {
        share: false,
        feedback_provided: true,
        outcome: "approve the draft",
    };
    assert_eq!(anonymous.consent(), Consent::Anonymous);
    assert_eq!(
        anonymous.telemetry_event().key_values(),
        [kv("event_type", "received"), kv("feedback_provided", true)]
    );
    let requested = Feedback::Requested {
        share: false,
        num_outcomes: 3,
    };
    assert_eq!(
        requested.telemetry_event().key_values(),
        [kv("event_type", "requested"), kv("num_outcomes", 3i64)]
    );
}

#[test]
fn the_catalogue_lists_each_variants_keys_with_its_name() {
    let keys = Feature::CATALOGUE.keys();
    let listed: Vec<(&str, Option<&str>, Tier)> = keys
        .iter()
        .map(|key| (key.key, key.variants.first().copied(), key.tier))
        .collect();
    assert_eq!(
        listed,
        [
            ("feature", None, Tier::Always),
            ("provider", Some("planning:creation"), Tier::Always),
            ("plan", Some("planning:creation"), Tier::ShareCrew),
            ("entries", Some("memory:save"), Tier::Always),
            ("authenticated", Some("cli_usage:eval_models"), Tier::Always),
            ("models", Some("cli_usage:eval_models"), Tier::Always),
            ("models_count", Some("cli_usage:eval_models"), Tier::Always),
        ]
    );
    let feature = &keys[0];
    assert_eq!(feature.source, Source::Variant);
    assert_eq!(
        feature.purpose,
        "Which variant it is, one of: `planning:creation` (Planning made a plan); \
         `memory:save` (Memory saved entries); `cli_usage:eval_models` (The models \
         an evaluation compared); `coding_agent` (The coding agent the process runs under)."
    );
    assert!(keys[5].free_text);
    assert_eq!(Feature::max_attributes(), 4);
    let json = serde_json::to_value(Feature::CATALOGUE).unwrap();
    assert_eq!(json["keys"][1]["variants"][0], "planning:creation");
    assert!(json["keys"][0].get("variants").is_none());
}

/// Two variants may send the same key: they are never sent together.
#[derive(Telemetry)]
enum Outcome {
    Completed {
        #[telemetry(always)]
        duration_ms: f64,
    },
    Failed {
        #[telemetry(always)]
        duration_ms: f64,
        #[telemetry(never, error_type(always, rename = "failure"))]
        error: std::io::Error,
    },
}

#[test]
fn variants_may_share_a_key() {
    let failed = Outcome::Failed {
        duration_ms: 1.5,
        error: std::io::Error::other("the prompt was: sk-secret"),
    };
    let sent = failed.telemetry_event().key_values();
    assert_eq!(
        sent,
        [
            kv("outcome", "failed"),
            kv("duration_ms", 1.5),
            kv("failure", "io::Error"),
        ]
    );
    let completed = Outcome::Completed { duration_ms: 2.0 };
    assert_eq!(
        completed.telemetry_event().key_values(),
        [kv("outcome", "completed"), kv("duration_ms", 2.0)]
    );
}

/// An enum flattened into an enum's variant.
#[derive(Telemetry)]
enum Inner {
    Bar {
        #[telemetry(always)]
        j: u32,
    },
}

#[derive(Telemetry)]
enum Outer {
    Foo {
        #[telemetry(always)]
        k: u32,
        #[telemetry(always, flatten)]
        inner: Inner,
    },
}

/// One enum whose variants share a key, flattened into a struct: fine.
#[derive(Telemetry)]
struct Holder {
    #[telemetry(always, flatten)]
    outcome: Outcome,
    #[telemetry(always)]
    elapsed: u32,
}

#[test]
fn a_key_of_a_nested_enum_lists_every_variant_it_is_sent_with() {
    assert_eq!(Holder::CATALOGUE.duplicate_key(), None);
    let keys = Outer::CATALOGUE.keys();
    let j = keys.iter().find(|key| key.key == "j").unwrap();
    assert_eq!(j.variants, ["foo", "bar"], "sent with foo and bar");
    let sent = Outer::Foo {
        k: 1,
        inner: Inner::Bar { j: 2 },
    }
    .telemetry_event()
    .key_values();
    assert_eq!(
        sent,
        [
            kv("outer", "foo"),
            kv("k", 1i64),
            kv("inner", "bar"),
            kv("j", 2i64)
        ]
    );
}
