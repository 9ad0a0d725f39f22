//! The example host, minicrew, against the reference: every span of
//! CrewAI's telemetry, with exactly its keys, under both consents (with
//! `rust_version` for `python_version` and `minicrew_version` for
//! `crewai_version`); and its telemetry document, generated from the code.

mod collector;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use collector::{Behaviour, Collector, attribute, scratch_dir};
use crewtel::{Dispatch, Reporter};
use minicrew::run;
use minicrew::telemetry::{self, EveryEvent};
use minicrew::tools::{ResearchTools, Search, Spellcheck, Tool, ToolError};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::status::StatusCode;

/// The table of `shared/reference/crewai-telemetry.md`, "Spans and their
/// attribute keys": span → (always, what share_crew adds).
const SPANS: &[(&str, &[&str], &[&str])] = &[
    (
        "Crew Created",
        &[
            "rust_version",
            "crew_key",
            "crew_id",
            "crew_fingerprint",
            "crew_fingerprint_created_at",
            "crew_process",
            "crew_memory",
            "crew_inputs_present",
            "crew_number_of_tasks",
            "crew_number_of_agents",
            "crew_agents",
            "crew_tasks",
        ],
        &[
            "platform",
            "platform_release",
            "platform_system",
            "platform_version",
            "cpus",
            "crew_inputs",
        ],
    ),
    (
        "Task Created",
        &[
            "crew_key",
            "crew_id",
            "crew_fingerprint",
            "task_key",
            "task_id",
            "task_fingerprint",
            "task_fingerprint_created_at",
            "agent_fingerprint",
            "agent_role",
        ],
        &["formatted_description", "formatted_expected_output"],
    ),
    (
        "Task Execution",
        &[
            "crew_key",
            "crew_id",
            "crew_fingerprint",
            "task_key",
            "task_id",
            "task_fingerprint",
            "agent_fingerprint",
            "agent_role",
        ],
        &[
            "formatted_description",
            "formatted_expected_output",
            "task_output",
        ],
    ),
    (
        "Tool Usage",
        &[
            "tool_name",
            "attempts",
            "llm",
            "agent_fingerprint",
            "agent_role",
        ],
        &[],
    ),
    (
        "Tool Repeated Usage",
        &["tool_name", "attempts", "llm"],
        &[],
    ),
    (
        "Tool Usage Error",
        &["llm", "tool_name", "agent_fingerprint", "agent_role"],
        &[],
    ),
    (
        "Crew Execution",
        &[],
        &[
            "crew_key",
            "crew_id",
            "crew_inputs",
            "crew_agents",
            "crew_tasks",
            "crew_output",
            "crew_tasks_output",
        ],
    ),
];

/// On every span.
const EVERY_SPAN: &[&str] = &[
    "minicrew_version",
    "coding_agent",
    "runtime_context",
    "cpu_band",
    "project_id",
];

/// Entries of `crew_agents` and `crew_tasks`: (always, what share_crew adds).
const AGENT_ENTRY: (&[&str], &[&str]) = (
    &[
        "key",
        "id",
        "role",
        "verbose?",
        "max_iter",
        "max_rpm",
        "function_calling_llm",
        "llm",
        "delegation_enabled?",
        "allow_code_execution?",
        "max_retry_limit",
        "tools_names",
    ],
    &[
        "goal",
        "backstory",
        "i18n",
        "fingerprint",
        "fingerprint_created_at",
    ],
);
const TASK_ENTRY: (&[&str], &[&str]) = (
    &[
        "key",
        "id",
        "async_execution?",
        "human_input?",
        "agent_role",
        "agent_key",
        "tools_names",
    ],
    &[
        "description",
        "expected_output",
        "context",
        "fingerprint",
        "fingerprint_created_at",
    ],
);

fn set(keys: &[&str]) -> BTreeSet<String> {
    keys.iter().map(|k| k.to_string()).collect()
}

fn expected(name: &str, shared: bool) -> BTreeSet<String> {
    let (_, always, share) = SPANS.iter().find(|(span, _, _)| *span == name).unwrap();
    let mut keys = set(always);
    if shared {
        keys.extend(set(share));
    }
    keys.extend(set(EVERY_SPAN));
    keys
}

struct Span {
    name: String,
    keys: BTreeSet<String>,
    failed: bool,
    attributes: Vec<opentelemetry_proto::tonic::common::v1::KeyValue>,
}

/// A tool that always fails, and whose error quotes the prompt it was given
/// (as real errors do): only its type may be sent.
#[derive(Debug)]
struct Unreachable;

impl Tool for Unreachable {
    fn name(&self) -> &str {
        "scrape"
    }

    fn call(&self, input: &str) -> Result<String, ToolError> {
        Err(ToolError {
            message: format!("timed out while reading the prompt: {input}"),
        })
    }
}

/// Runs minicrew's research crew against a loopback collector, one of its
/// tools failing.
fn run_crew(share_crew: bool) -> Vec<Span> {
    let collector = Collector::start(Behaviour::Accept);
    let env: BTreeMap<&str, String> = BTreeMap::from([
        ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        (
            "CREWTEL_DATA_DIR",
            scratch_dir("host").display().to_string(),
        ),
    ]);
    let reporter = Reporter::builder()
        .service_name("minicrew")
        .environment(move |name| env.get(name).cloned())
        .every_event(EveryEvent::detect)
        .build();
    let reporter = Arc::new(reporter);
    let tools = ResearchTools {
        researcher: vec![Arc::new(Search), Arc::new(Unreachable)],
        writer: vec![Arc::new(Spellcheck)],
    };
    let crew = run::research_crew(share_crew, tools);
    run::kickoff(&Dispatch::new(reporter.clone()), &crew);
    reporter.shutdown();
    collector
        .spans()
        .into_iter()
        .map(|(_, span)| Span {
            name: span.name.clone(),
            keys: span.attributes.iter().map(|kv| kv.key.clone()).collect(),
            failed: span
                .status
                .as_ref()
                .is_some_and(|s| s.code == StatusCode::Error as i32),
            attributes: span.attributes,
        })
        .collect()
}

fn check_parity(share_crew: bool) {
    let spans = run_crew(share_crew);
    let names: BTreeSet<&str> = spans.iter().map(|s| s.name.as_str()).collect();
    let mut wanted: BTreeSet<&str> = SPANS.iter().map(|(name, _, _)| *name).collect();
    if !share_crew {
        wanted.remove("Crew Execution");
    }
    assert_eq!(names, wanted, "the span set (share_crew = {share_crew})");

    for span in &spans {
        let mut keys = expected(&span.name, share_crew);
        if span.name == "Task Execution" && span.failed {
            keys.remove("task_output");
            keys.insert("error_type".into());
        }
        assert_eq!(
            span.keys, keys,
            "{} (share_crew = {share_crew}, failed = {})",
            span.name, span.failed
        );
    }
    assert!(
        spans.iter().any(|s| s.name == "Task Execution" && s.failed),
        "a failed task closes its span with an error"
    );

    // The nested entries, each filtered by its own classes.
    let created = spans.iter().find(|s| s.name == "Crew Created").unwrap();
    for (key, (always, share)) in [("crew_agents", AGENT_ENTRY), ("crew_tasks", TASK_ENTRY)] {
        let Some(Value::StringValue(json)) = attribute(&created.attributes, key) else {
            panic!("{key} is not a string")
        };
        let entries: Vec<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(json).unwrap();
        assert!(!entries.is_empty());
        let mut wanted = set(always);
        if share_crew {
            wanted.extend(set(share));
        }
        for entry in entries {
            assert_eq!(
                entry.keys().cloned().collect::<BTreeSet<_>>(),
                wanted,
                "an entry of {key} (share_crew = {share_crew})"
            );
        }
    }
}

#[test]
fn every_span_matches_the_reference_anonymously() {
    check_parity(false);
}

#[test]
fn every_span_matches_the_reference_when_shared() {
    check_parity(true);
}

#[test]
fn a_failed_task_sends_its_error_type_and_never_its_message() {
    let spans = run_crew(true);
    let failed = spans.iter().find(|s| s.failed).unwrap();
    assert_eq!(
        attribute(&failed.attributes, "error_type"),
        Some(&Value::StringValue("TaskFailed".into()))
    );
    let wire = format!(
        "{:?}",
        spans.iter().map(|s| &s.attributes).collect::<Vec<_>>()
    );
    assert!(
        !wire.contains("timed out while reading the prompt"),
        "an error message was sent"
    );
    assert!(!wire.contains("You are the"), "a system prompt was sent");
    assert!(!wire.contains("sk-"), "an API key was sent");
}

#[test]
fn the_committed_telemetry_document_is_what_the_code_generates() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/TELEMETRY.md"))
            .unwrap_or_default();
    let generated = telemetry::document();
    assert!(
        committed == generated,
        "docs/TELEMETRY.md differs from what minicrew's code sends. Regenerate it with:\n    {}",
        telemetry::REGENERATE
    );
    // And it lists every key of every span of the table.
    for (name, always, share) in SPANS {
        assert!(
            generated.contains(&format!("## {name}")),
            "{name} is not documented"
        );
        for key in always.iter().chain(share.iter()) {
            assert!(
                generated.contains(&format!("`{key}`")),
                "{key} of {name} is not documented"
            );
        }
    }
}
