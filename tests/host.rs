//! The example host, minicrew, against the reference: every span of
//! CrewAI's telemetry, with exactly its keys, under both consents (with
//! `rust_version` for `python_version` and `minicrew_version` for
//! `crewai_version`); and its telemetry document, generated from the code.

mod collector;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use collector::{Behaviour, Collector, attribute, scratch_dir};
use crewtel::Dispatch;
use crewtel_reporter::Reporter;
use minicrew::flow::{Flow, Origin};
use minicrew::run;
use minicrew::telemetry::{self, EveryEvent};
use minicrew::tools::{ResearchTools, Search, Spellcheck, Tool, ToolError};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::status::StatusCode;

use minicrew::reference::{Change, DIFFERENCES, Wire};

const T: Wire = Wire::Text;
const I: Wire = Wire::Int;
const F: Wire = Wire::Float;
const B: Wire = Wire::Bool;

/// The table of `shared/reference/crewai-telemetry.md`, "Spans of the agent
/// runtime and their attribute keys", with each key's type as the reference
/// sends it (`"true"`/`"false"` and JSON are strings): span → (always, what
/// share_crew adds). Spans whose keys depend on what happened (a failure, a
/// feature) are completed by [`reference_keys`].
/// Keys and the types they arrive as.
type Keys = &'static [(&'static str, Wire)];

const SPANS: &[(&str, Keys, Keys)] = &[
    (
        "Crew Created",
        &[
            ("python_version", T),
            ("crew_key", T),
            ("crew_id", T),
            ("crew_fingerprint", T),
            ("crew_fingerprint_created_at", T),
            ("crew_process", T),
            ("crew_memory", T),
            ("crew_inputs_present", T),
            ("crew_number_of_tasks", I),
            ("crew_number_of_agents", I),
            ("crew_agents", T),
            ("crew_tasks", T),
            // minicrew's crews have fingerprint metadata.
            ("crew_fingerprint_metadata", T),
        ],
        &[
            ("platform", T),
            ("platform_release", T),
            ("platform_system", T),
            ("platform_version", T),
            ("cpus", I),
            ("crew_inputs", T),
        ],
    ),
    (
        "Task Created",
        &[
            ("crew_key", T),
            ("crew_id", T),
            ("crew_fingerprint", T),
            ("task_key", T),
            ("task_id", T),
            ("task_fingerprint", T),
            ("task_fingerprint_created_at", T),
            ("agent_fingerprint", T),
            ("agent_role", T),
            // minicrew's tasks have fingerprint metadata.
            ("task_fingerprint_metadata", T),
        ],
        &[
            ("formatted_description", T),
            ("formatted_expected_output", T),
        ],
    ),
    (
        "Task Execution",
        &[
            ("crew_key", T),
            ("crew_id", T),
            ("crew_fingerprint", T),
            ("task_key", T),
            ("task_id", T),
            ("task_fingerprint", T),
            ("agent_fingerprint", T),
            ("agent_role", T),
        ],
        &[
            ("formatted_description", T),
            ("formatted_expected_output", T),
            ("task_output", T),
        ],
    ),
    (
        "Tool Usage",
        &[
            ("tool_name", T),
            ("attempts", I),
            ("llm", T),
            ("agent_fingerprint", T),
            ("agent_role", T),
        ],
        &[],
    ),
    (
        "Tool Repeated Usage",
        &[("tool_name", T), ("attempts", I), ("llm", T)],
        &[],
    ),
    (
        "Tool Usage Error",
        &[
            ("llm", T),
            ("tool_name", T),
            ("agent_fingerprint", T),
            ("agent_role", T),
        ],
        &[],
    ),
    (
        "Crew Execution",
        &[],
        &[
            ("crew_key", T),
            ("crew_id", T),
            ("crew_inputs", T),
            ("crew_agents", T),
            ("crew_tasks", T),
            ("crew_output", T),
            ("crew_tasks_output", T),
        ],
    ),
    (
        "Crew Completed",
        &[
            ("crew_key", T),
            ("crew_id", T),
            ("crew_fingerprint", T),
            ("duration_ms", F),
            ("outcome", T),
        ],
        &[],
    ),
    (
        "Crew Individual Test Result",
        &[
            ("crew_key", T),
            ("crew_id", T),
            ("quality", T),
            ("exec_time", T),
            ("model_name", T),
        ],
        &[],
    ),
    (
        "Crew Test Execution",
        &[
            ("crew_key", T),
            ("crew_id", T),
            ("iterations", T),
            ("model_name", T),
        ],
        &[("inputs", T)],
    ),
    ("Flow Creation", &[("flow_name", T)], &[]),
    ("Flow Plotting", &[("flow_name", T), ("node_names", T)], &[]),
    (
        "Flow Execution",
        &[
            ("flow_name", T),
            ("node_names", T),
            ("origin", T),
            ("resumed", T),
            ("conversational", T),
        ],
        &[],
    ),
    (
        "Flow Completed",
        &[
            ("flow_name", T),
            ("duration_ms", F),
            ("outcome", T),
            ("origin", T),
            ("conversational", T),
        ],
        &[],
    ),
    ("Flow Paused", &[("flow_name", T), ("origin", T)], &[]),
    (
        "Flow Method Failed",
        &[("flow_name", T), ("origin", T), ("error_type", T)],
        &[],
    ),
    (
        "Human Feedback",
        &[("event_type", T), ("has_routing", B), ("num_outcomes", I)],
        &[],
    ),
    ("Feature Usage", &[("feature", T)], &[]),
    ("Environment Context", &[("tool", T)], &[]),
    ("Template Installed", &[("template_name", T)], &[]),
];

/// On every span.
const EVERY_SPAN: &[(&str, Wire)] = &[
    ("crewai_version", T),
    ("coding_agent", T),
    ("runtime_context", T),
    ("cpu_band", T),
    ("project_id", T),
];

/// The extra keys the reference's allow-list agrees for a feature (the
/// reference records them for `cli_usage:eval_models`; their types are not
/// recorded, so they are not compared).
const FEATURE_KEYS: &[(&str, &[&str])] = &[(
    "cli_usage:eval_models",
    &["authenticated", "models", "models_count"],
)];

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

/// The name a difference names a span by: a Feature Usage span with its
/// feature.
fn label(span: &Span) -> String {
    match (span.name.as_str(), attribute(&span.attributes, "feature")) {
        ("Feature Usage", Some(Value::StringValue(feature))) => format!("Feature Usage: {feature}"),
        (name, _) => name.to_owned(),
    }
}

/// The keys the reference sends for `span` (a span minicrew sent), with
/// their types where they are recorded.
fn reference_keys(span: &Span, shared: bool) -> BTreeMap<String, Option<Wire>> {
    let (_, always, share) = SPANS
        .iter()
        .find(|(name, _, _)| *name == span.name)
        .unwrap_or_else(|| panic!("{} is not a span of the reference", span.name));
    let mut keys: BTreeMap<String, Option<Wire>> = always
        .iter()
        .chain(if shared { *share } else { &[] })
        .chain(EVERY_SPAN)
        .map(|(key, wire)| (key.to_string(), Some(*wire)))
        .collect();
    let text = |key: &str| match attribute(&span.attributes, key) {
        Some(Value::StringValue(value)) => value.clone(),
        _ => String::new(),
    };
    match span.name.as_str() {
        "Task Execution" | "Flow Completed" if span.failed => {
            keys.remove("task_output");
            keys.insert("error_type".into(), Some(T));
        }
        "Human Feedback" if text("event_type") == "received" => {
            keys.insert("feedback_provided".into(), Some(B));
            keys.insert("outcome".into(), Some(T));
        }
        "Feature Usage" => {
            let feature = text("feature");
            for (name, extra) in FEATURE_KEYS {
                if *name == feature {
                    keys.extend(extra.iter().map(|key| (key.to_string(), None)));
                }
            }
        }
        _ => {}
    }
    keys
}

/// What minicrew sends for `span`: the reference's keys, with every listed
/// difference applied.
fn expected(span: &Span, shared: bool) -> BTreeMap<String, Option<Wire>> {
    let mut keys = reference_keys(span, shared);
    let label = label(span);
    for difference in DIFFERENCES.iter().filter(|d| d.applies_to(&label)) {
        let key = difference.key.to_owned();
        match difference.change {
            Change::Renamed(theirs) => {
                if let Some(wire) = keys.remove(theirs) {
                    keys.insert(key, wire);
                }
            }
            Change::Typed(wire) => {
                if let Some(sent) = keys.get_mut(&key) {
                    *sent = Some(wire);
                }
            }
            Change::SharedOnly => {
                if !shared {
                    keys.remove(&key);
                }
            }
            Change::SharedOnlyCounted(wire, count) => {
                if shared {
                    keys.insert(key, Some(wire));
                } else {
                    keys.remove(&key);
                }
                keys.insert(count.to_owned(), Some(I));
            }
            Change::Added(wire) => {
                keys.insert(key, Some(wire));
            }
            Change::Inside => {}
        }
    }
    keys
}

/// The type of a value on the wire.
fn wire(value: &Value) -> Option<Wire> {
    match value {
        Value::StringValue(_) => Some(Wire::Text),
        Value::IntValue(_) => Some(Wire::Int),
        Value::DoubleValue(_) => Some(Wire::Float),
        Value::BoolValue(_) => Some(Wire::Bool),
        Value::ArrayValue(array) => array
            .values
            .iter()
            .all(|v| matches!(v.value, Some(Value::StringValue(_))))
            .then_some(Wire::TextList),
        _ => None,
    }
}

struct Span {
    name: String,
    keys: BTreeSet<String>,
    failed: bool,
    attributes: Vec<opentelemetry_proto::tonic::common::v1::KeyValue>,
    trace_id: Vec<u8>,
    span_id: Vec<u8>,
    parent: Vec<u8>,
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

/// Runs everything minicrew reports against a loopback collector: its
/// environment, a template, the research crew (one of its tools failing),
/// a test of it, and a flow that pauses, resumes and fails.
fn run_crew(share_crew: bool) -> Vec<Span> {
    let collector = Collector::start(Behaviour::Accept);
    let env: BTreeMap<&str, String> = BTreeMap::from([
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
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
    run_everything(reporter, share_crew);
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
            trace_id: span.trace_id,
            span_id: span.span_id,
            parent: span.parent_span_id,
        })
        .collect()
}

/// Everything minicrew reports, sent through `reporter`, which is then shut
/// down.
fn run_everything(reporter: Reporter, share_crew: bool) {
    let reporter = Arc::new(reporter);
    let tools = ResearchTools {
        researcher: vec![Arc::new(Search), Arc::new(Unreachable)],
        writer: vec![Arc::new(Spellcheck)],
    };
    let telemetry = Dispatch::new(reporter.clone());
    run::report_environment(&telemetry);
    run::install_template(&telemetry, "research");
    let crew = run::research_crew(share_crew, tools);
    run::kickoff(&telemetry, &crew);
    run::test(&telemetry, &crew, 1, "gpt-4o");
    let mut flow = Flow::review(share_crew, true);
    flow.created(&telemetry);
    flow.plot(&telemetry);
    flow.kickoff(&telemetry, Origin::User);
    flow.resume(&telemetry, Origin::User, "approve", Some("Lovely."));
    let mut typed = Flow::review(share_crew, false);
    typed.kickoff(&telemetry, Origin::User);
    typed.resume(&telemetry, Origin::User, "ship it, my dear", None);
    reporter.shutdown();
}

#[test]
fn what_minicrew_sends_is_its_catalogue_whole_and_nothing_else() {
    for share_crew in [false, true] {
        let capture = crewtel::testing::Capture::new();
        let reporter = Reporter::builder()
            .service_name("minicrew")
            .every_event(EveryEvent::detect)
            .capture(&capture)
            .build();
        run_everything(reporter, share_crew);
        let catalogues = telemetry::catalogues();
        let every_event = <EveryEvent as crewtel::Telemetry>::CATALOGUE;
        let checked = capture.check_catalogue(&catalogues, &[every_event]);
        if share_crew {
            assert_eq!(checked, Ok(()), "shared: every event, each key catalogued");
        } else {
            // Anonymously, Crew Execution (and its end) is never sent.
            let problems = checked.unwrap_err();
            assert_eq!(problems.len(), 2, "{problems:?}");
            assert!(
                problems.iter().all(|p| p.starts_with("Crew Execution")),
                "{problems:?}"
            );
            capture.assert_key_absent("crew_inputs");
            capture.assert_key_absent("goal");
        }
        capture.assert_never_sent("sk-");
        capture.assert_never_sent("timed out while reading the prompt");
        capture.assert_never_sent("llm-gateway.corp.example");
    }
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
        let keys = expected(span, share_crew);
        let context = format!(
            "{} (share_crew = {share_crew}, failed = {})",
            label(span),
            span.failed
        );
        assert_eq!(
            span.keys,
            keys.keys().cloned().collect::<BTreeSet<_>>(),
            "{context}"
        );
        for attribute in &span.attributes {
            let Some(Some(wanted)) = keys.get(&attribute.key) else {
                continue;
            };
            let sent = attribute.value.as_ref().and_then(|v| v.value.as_ref());
            assert_eq!(
                sent.and_then(wire),
                Some(*wanted),
                "the type of {} in {context}",
                attribute.key
            );
        }
    }
    for name in ["Task Execution", "Flow Completed", "Flow Method Failed"] {
        assert!(
            spans.iter().any(|s| s.name == name && s.failed),
            "a failure closes {name} with an error"
        );
    }
    let features: BTreeSet<String> = spans
        .iter()
        .filter(|s| s.name == "Feature Usage")
        .map(label)
        .collect();
    assert!(features.len() >= 3, "{features:?}");

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
            if key == "crew_agents" {
                check_models(&entry, share_crew);
            }
        }
    }
}

/// The model settings of an agent's entry (the `Inside` difference of
/// `crew_agents`): each classified, its URL only as a provider. minicrew's
/// writer talks to a private gateway under a name the user gave it.
fn check_models(entry: &serde_json::Map<String, serde_json::Value>, share_crew: bool) {
    use serde_json::Value as Json;
    let writer = entry["role"] == "Writer";
    for key in ["llm", "function_calling_llm"] {
        let Some(Json::Object(model)) = entry.get(key) else {
            panic!("{key} of an agent is not an object: {entry:?}")
        };
        let keys: BTreeSet<&str> = model.keys().map(String::as_str).collect();
        let mut wanted = BTreeSet::from(["model", "model_name", "provider", "temperature"]);
        let gateway = writer && key == "llm";
        if gateway && share_crew {
            wanted.insert("name");
        }
        assert_eq!(keys, wanted, "{key} (share_crew = {share_crew}): {model:?}");
        for text in ["model", "model_name", "provider"] {
            assert!(model[text].is_string(), "{key}.{text} is a string");
        }
        assert!(
            model["temperature"].is_f64(),
            "{key}.temperature is a float"
        );
        let provider = if gateway { "other" } else { "default" };
        assert_eq!(model["provider"], provider, "{key}.provider");
        let all = Json::Object(model.clone()).to_string();
        assert!(
            !all.contains("corp.example"),
            "a private host was sent: {all}"
        );
        assert!(!all.contains("sk-"), "an API key was sent: {all}");
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
    let failed = spans
        .iter()
        .find(|s| s.name == "Task Execution" && s.failed)
        .expect("a failed task");
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
fn what_the_reference_leaks_minicrew_sends_only_from_those_that_share() {
    let anonymous = format!(
        "{:?}",
        run_crew(false)
            .iter()
            .map(|s| &s.attributes)
            .collect::<Vec<_>>()
    );
    let shared = format!(
        "{:?}",
        run_crew(true)
            .iter()
            .map(|s| &s.attributes)
            .collect::<Vec<_>>()
    );
    for (what, text) in [
        ("a flow's method name", "draft_article"),
        ("fingerprint metadata", "field biology"),
        ("a task's fingerprint metadata", "the yearly census"),
        ("a model's own name", "house style"),
    ] {
        assert!(!anonymous.contains(text), "{what} was sent anonymously");
        assert!(shared.contains(text), "{what} is not sent when shared");
    }
    for (what, text) in [
        ("a private model host", "corp.example"),
        ("a person's feedback", "Lovely."),
        ("an answer that is no outcome", "ship it, my dear"),
        ("a method's error", "failed on the draft"),
    ] {
        assert!(!anonymous.contains(text), "{what} was sent");
        assert!(!shared.contains(text), "{what} was sent, even shared");
    }
    assert!(
        anonymous.contains(r#"\"provider\":\"other\""#),
        "the private host's provider is sent"
    );
}

/// `span`'s parent among `spans`.
fn parent<'s>(spans: &'s [Span], span: &Span) -> Option<&'s Span> {
    spans.iter().find(|s| s.span_id == span.parent)
}

#[test]
fn each_run_is_one_trace_with_what_ran_inside_it() {
    for share_crew in [false, true] {
        let spans = run_crew(share_crew);
        let roots: Vec<&Span> = spans.iter().filter(|s| s.parent.is_empty()).collect();
        let root_names: BTreeSet<&str> = roots.iter().map(|s| s.name.as_str()).collect();
        // The crew's run, the test, each flow run; and what happens outside
        // any run: the environment, a template, a flow's creation and plot.
        assert_eq!(
            root_names,
            BTreeSet::from([
                "Crew Completed",
                "Crew Test Execution",
                "Flow Execution",
                "Feature Usage",
                "Environment Context",
                "Template Installed",
                "Flow Creation",
                "Flow Plotting",
            ]),
            "share_crew = {share_crew}"
        );
        for span in &spans {
            if span.parent.is_empty() {
                continue;
            }
            let up = parent(&spans, span)
                .unwrap_or_else(|| panic!("the parent of {} was not sent", span.name));
            assert_eq!(
                up.trace_id, span.trace_id,
                "{} is in its parent's trace",
                span.name
            );
            let expected: &[&str] = match span.name.as_str() {
                "Tool Usage" | "Tool Repeated Usage" | "Tool Usage Error" => &["Task Execution"],
                "Task Execution" | "Task Created" if share_crew => &["Crew Execution"],
                "Task Execution" | "Task Created" => &["Crew Completed"],
                "Crew Created" | "Crew Execution" => &["Crew Completed"],
                "Crew Completed" => &["Crew Test Execution"],
                "Crew Individual Test Result" => &["Crew Test Execution"],
                "Feature Usage" => &["Crew Completed", "Task Execution", "Crew Test Execution"],
                "Flow Paused" | "Flow Method Failed" | "Flow Completed" | "Human Feedback" => {
                    &["Flow Execution"]
                }
                other => panic!("{other} has a parent"),
            };
            assert!(
                expected.contains(&up.name.as_str()),
                "{} is inside {} (share_crew = {share_crew})",
                span.name,
                up.name
            );
        }
        let traces: BTreeSet<&Vec<u8>> = roots.iter().map(|s| &s.trace_id).collect();
        assert_eq!(traces.len(), roots.len(), "each root is a trace of its own");
    }
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
    // And it lists every span of the table, and every difference.
    for (name, _, _) in SPANS {
        assert!(
            generated.contains(&format!("## {name}")),
            "{name} is not documented"
        );
    }
    for difference in DIFFERENCES {
        assert!(
            generated.contains(&format!("| `{}` |", difference.key)),
            "the difference of {} is not documented",
            difference.key
        );
    }
}
