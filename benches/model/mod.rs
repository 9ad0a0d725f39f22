//! One crew, three ways to turn it into exporter attributes, producing the
//! same keys and values: crewtel's derive, the best code a person would write
//! by hand against `crewtel::attribute::KeyValue`, and reflection (serialize the
//! whole struct with serde, then filter by an allow-list).
#![allow(dead_code)]

use std::collections::BTreeMap;

use crewtel::attribute::{Key, KeyValue, Value};
use crewtel::{Consent, Secret, Telemetry, TelemetryValue};
use serde::Serialize;

// crewtel's own escaping, shared by path, so that the hand-written limits
// differ from crewtel in the walk alone.
#[path = "../../runtime/src/json_writer/escape.rs"]
mod escape;

use escape::{Quoting, text};

#[derive(Clone, Copy, TelemetryValue, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Process {
    Sequential,
    Hierarchical,
}

#[derive(Clone, Telemetry, Serialize)]
pub struct Agent {
    #[telemetry(always, free_text)]
    pub role: String,
    #[telemetry(always, free_text)]
    pub llm: String,
    #[telemetry(always)]
    pub max_iter: u32,
    #[telemetry(always, rename = "delegation_enabled?")]
    #[serde(rename = "delegation_enabled?")]
    pub allow_delegation: bool,
    #[telemetry(always, free_text, rename = "tools_names")]
    #[serde(rename = "tools_names")]
    pub tools: Vec<String>,
    #[telemetry(share_crew)]
    pub goal: String,
    #[telemetry(share_crew)]
    pub backstory: String,
    #[telemetry(never)]
    #[serde(skip)]
    pub system_prompt: String,
}

#[derive(Clone, Telemetry, Serialize)]
pub struct Task {
    #[telemetry(always, free_text)]
    pub id: String,
    #[telemetry(always, free_text)]
    pub agent_role: String,
    #[telemetry(always, rename = "async_execution?")]
    #[serde(rename = "async_execution?")]
    pub async_execution: bool,
    #[telemetry(share_crew)]
    pub description: String,
    #[telemetry(share_crew)]
    pub expected_output: String,
    #[telemetry(never)]
    #[serde(skip)]
    pub prompt: String,
}

#[derive(Clone, Telemetry, Serialize)]
#[telemetry(event = "Crew Created")]
pub struct Crew {
    #[telemetry(always, free_text, rename = "crew_id")]
    #[serde(rename = "crew_id")]
    pub id: String,
    #[telemetry(always, rename = "crew_process")]
    #[serde(rename = "crew_process")]
    pub process: Process,
    #[telemetry(always, rename = "crew_memory")]
    #[serde(rename = "crew_memory")]
    pub memory: bool,
    #[telemetry(
        always,
        rename = "crew_agents",
        len(always, rename = "crew_number_of_agents")
    )]
    #[serde(rename = "crew_agents")]
    pub agents: Vec<Agent>,
    #[telemetry(
        always,
        rename = "crew_tasks",
        len(always, rename = "crew_number_of_tasks")
    )]
    #[serde(rename = "crew_tasks")]
    pub tasks: Vec<Task>,
    #[telemetry(
        share_crew,
        rename = "crew_inputs",
        present(always, rename = "crew_inputs_present")
    )]
    #[serde(rename = "crew_inputs")]
    pub inputs: BTreeMap<String, String>,
    #[telemetry(consent)]
    #[serde(skip)]
    pub share_crew: bool,
    #[telemetry(never)]
    #[serde(skip)]
    pub api_key: Secret<String>,
}

/// A crew of `n` agents and `n` tasks.
pub fn crew(n: usize, share_crew: bool) -> Crew {
    Crew {
        id: "6f1c2e0a-5d1b-4c5e-9a63-1f0e2b7c9d41".into(),
        process: Process::Sequential,
        memory: false,
        agents: (0..n)
            .map(|i| Agent {
                role: format!("Researcher {i}"),
                llm: "gpt-4o-mini".into(),
                max_iter: 20,
                allow_delegation: i % 2 == 0,
                tools: vec!["search".into(), "scrape".into()],
                goal: format!("Find what changed in population {i}"),
                backstory: "A field biologist turned analyst, careful with numbers.".into(),
                system_prompt: "You are a careful researcher. Never guess.".into(),
            })
            .collect(),
        tasks: (0..n)
            .map(|i| Task {
                id: format!("task-{i:04}"),
                agent_role: format!("Researcher {i}"),
                async_execution: false,
                description: format!("Summarise this year's census for region {i}"),
                expected_output: "Three bullet points".into(),
                prompt: "Summarise the following data...".into(),
            })
            .collect(),
        inputs: BTreeMap::from([
            ("topic".into(), "llamas".into()),
            ("year".into(), "2026".into()),
        ]),
        share_crew,
        api_key: Secret::new("sk-live-0123456789".into()),
    }
}

/// crewtel's derive.
pub fn derive(crew: &Crew, consent: Consent) -> Vec<KeyValue> {
    crew.telemetry_event_with(consent).key_values()
}

// --- By hand: what a careful person writes against `KeyValue` directly. ---

/// By hand: the nested lists written in one pass each, as `hand_json`
/// writes them (escaped once here: each is the value of one attribute).
pub fn hand_written(crew: &Crew, consent: Consent) -> Vec<KeyValue> {
    let shared = consent == Consent::ShareCrew;
    let mut attributes = Vec::with_capacity(9);
    attributes.push(KeyValue::new("crew_id", crew.id.clone()));
    attributes.push(KeyValue::new(
        "crew_process",
        match crew.process {
            Process::Sequential => "sequential",
            Process::Hierarchical => "hierarchical",
        },
    ));
    attributes.push(KeyValue::new("crew_memory", crew.memory));
    let mut agents = String::with_capacity(32 + 192 * crew.agents.len());
    agents_json(&mut agents, &crew.agents, shared, Quoting::Once);
    attributes.push(KeyValue::new("crew_agents", agents));
    attributes.push(KeyValue::new(
        "crew_number_of_agents",
        crew.agents.len() as i64,
    ));
    let mut tasks = String::with_capacity(32 + 128 * crew.tasks.len());
    tasks_json(&mut tasks, &crew.tasks, shared, Quoting::Once);
    attributes.push(KeyValue::new("crew_tasks", tasks));
    attributes.push(KeyValue::new(
        "crew_number_of_tasks",
        crew.tasks.len() as i64,
    ));
    if shared {
        let mut inputs = String::with_capacity(64);
        inputs_json(&mut inputs, &crew.inputs, Quoting::Once);
        attributes.push(KeyValue::new("crew_inputs", inputs));
    }
    attributes.push(KeyValue::new(
        "crew_inputs_present",
        !crew.inputs.is_empty(),
    ));
    attributes
}

/// The OTLP protobuf request that carries one span with `attributes`, as
/// the exporter builds it (`opentelemetry-proto`'s conversion, then prost).
pub fn otlp_bytes(attributes: Vec<KeyValue>) -> Vec<u8> {
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
    use opentelemetry_proto::transform::common::tonic::Attributes;
    use prost::Message;

    let span = Span {
        trace_id: vec![7; 16],
        span_id: vec![9; 8],
        name: "Crew Created".into(),
        start_time_unix_nano: 1_764_000_000_000_000_000,
        end_time_unix_nano: 1_764_000_000_000_000_500,
        attributes: Attributes::from(
            attributes
                .into_iter()
                .map(opentelemetry::KeyValue::from)
                .collect::<Vec<_>>(),
        )
        .0,
        ..Span::default()
    };
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans: vec![span],
                ..ScopeSpans::default()
            }],
            ..ResourceSpans::default()
        }],
    }
    .encode_to_vec()
}

// --- Reflection: serialize everything, then keep what an allow-list names. ---
// As lean as such code gets: one `serde_json::Value` of the whole crew (in
// declaration order, serde_json's `preserve_order`), filtered in place, keys
// taken from the allow-lists, nested lists re-encoded once.

const CREW_ALWAYS: &[&str] = &[
    "crew_id",
    "crew_process",
    "crew_memory",
    "crew_agents",
    "crew_tasks",
];
const CREW_SHARED: &[&str] = &["crew_inputs"];
const AGENT_ALWAYS: &[&str] = &[
    "role",
    "llm",
    "max_iter",
    "delegation_enabled?",
    "tools_names",
];
const AGENT_SHARED: &[&str] = &["goal", "backstory"];
const TASK_ALWAYS: &[&str] = &["id", "agent_role", "async_execution?"];
const TASK_SHARED: &[&str] = &["description", "expected_output"];

/// The allow-list's own `&'static str` for `key`, if it is allowed.
fn allowed(
    key: &str,
    always: &[&'static str],
    shared_list: &[&'static str],
    shared: bool,
) -> Option<&'static str> {
    let shared_list: &[&'static str] = if shared { shared_list } else { &[] };
    always
        .iter()
        .chain(shared_list)
        .find(|allowed| **allowed == key)
        .copied()
}

fn to_otel(value: serde_json::Value) -> Value {
    match value {
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::I64(i),
            None => Value::F64(n.as_f64().unwrap_or_default()),
        },
        serde_json::Value::String(s) => Value::from(s),
        other => Value::from(other.to_string()),
    }
}

/// Reflection.
pub fn reflection(crew: &Crew, consent: Consent) -> Vec<KeyValue> {
    let shared = consent == Consent::ShareCrew;
    let Ok(serde_json::Value::Object(all)) = serde_json::to_value(crew) else {
        return Vec::new();
    };
    let mut attributes = Vec::with_capacity(all.len() + 3);
    for (key, mut value) in all {
        let Some(key) = allowed(&key, CREW_ALWAYS, CREW_SHARED, shared) else {
            continue;
        };
        let nested = match key {
            "crew_agents" => Some((AGENT_ALWAYS, AGENT_SHARED, "crew_number_of_agents")),
            "crew_tasks" => Some((TASK_ALWAYS, TASK_SHARED, "crew_number_of_tasks")),
            _ => None,
        };
        if let Some((always, shared_list, count_key)) = nested {
            let entries = value.as_array_mut().map(std::mem::take).unwrap_or_default();
            let count = entries.len();
            let entries: Vec<serde_json::Value> = entries
                .into_iter()
                .map(|mut entry| {
                    if let Some(object) = entry.as_object_mut() {
                        object.retain(|k, _| allowed(k, always, shared_list, shared).is_some());
                    }
                    entry
                })
                .collect();
            attributes.push(KeyValue::new(
                Key::from_static(key),
                serde_json::Value::Array(entries).to_string(),
            ));
            attributes.push(KeyValue::new(count_key, count as i64));
        } else if key == "crew_inputs" {
            attributes.push(KeyValue::new(Key::from_static(key), value.to_string()));
        } else {
            attributes.push(KeyValue::new(Key::from_static(key), to_otel(value)));
        }
    }
    attributes.push(KeyValue::new(
        "crew_inputs_present",
        !crew.inputs.is_empty(),
    ));
    attributes
}

/// The limit for `serde_json::to_string(&crew.telemetry_event())`: the same
/// bytes, written by hand in one pass into one `String`, nested lists
/// escaped as they are written (never encoded, then escaped again).
pub fn hand_json(crew: &Crew) -> String {
    let mut out = String::with_capacity(256 + 256 * (crew.agents.len() + crew.tasks.len()));
    let shared = crew.share_crew;
    out.push_str(r#"{"name":"Crew Created","consent":"#);
    out.push_str(if shared {
        r#""share_crew""#
    } else {
        r#""anonymous""#
    });
    out.push_str(r#","attributes":{"crew_id":"#);
    text(&mut out, &crew.id, Quoting::Once);
    out.push_str(match crew.process {
        Process::Sequential => r#","crew_process":"sequential""#,
        Process::Hierarchical => r#","crew_process":"hierarchical""#,
    });
    out.push_str(if crew.memory {
        r#","crew_memory":true"#
    } else {
        r#","crew_memory":false"#
    });
    out.push_str(r#","crew_agents":""#);
    agents_json(&mut out, &crew.agents, shared, Quoting::Twice);
    out.push_str(r#"","crew_number_of_agents":"#);
    out.push_str(itoa::Buffer::new().format(crew.agents.len()));
    out.push_str(r#","crew_tasks":""#);
    tasks_json(&mut out, &crew.tasks, shared, Quoting::Twice);
    out.push_str(r#"","crew_number_of_tasks":"#);
    out.push_str(itoa::Buffer::new().format(crew.tasks.len()));
    if shared {
        out.push_str(r#","crew_inputs":""#);
        inputs_json(&mut out, &crew.inputs, Quoting::Twice);
        out.push('"');
    }
    out.push_str(if crew.inputs.is_empty() {
        r#","crew_inputs_present":false}}"#
    } else {
        r#","crew_inputs_present":true}}"#
    });
    out
}

/// `"key":` after a comma (or `{` for the first), quoted as `q` says: one
/// constant piece per key, as a person writes it.
macro_rules! key {
    ($out:expr, $q:expr, first $name:literal) => {
        key!(@ $out, $q, "{", $name)
    };
    ($out:expr, $q:expr, $name:literal) => {
        key!(@ $out, $q, ",", $name)
    };
    (@ $out:expr, $q:expr, $before:literal, $name:literal) => {
        $out.push_str(match $q {
            Quoting::Once => concat!($before, "\"", $name, "\":"),
            Quoting::Twice => concat!($before, "\\\"", $name, "\\\":"),
        })
    };
}

#[inline(always)]
fn flag(out: &mut String, value: bool) {
    out.push_str(if value { "true" } else { "false" });
}

/// The agents as the JSON list `crew_agents` carries.
// Inlined: each caller's quoting is a constant.
#[inline(always)]
fn agents_json(out: &mut String, agents: &[Agent], shared: bool, q: Quoting) {
    out.push('[');
    for (i, agent) in agents.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        key!(out, q, first "role");
        text(out, &agent.role, q);
        key!(out, q, "llm");
        text(out, &agent.llm, q);
        key!(out, q, "max_iter");
        out.push_str(itoa::Buffer::new().format(agent.max_iter));
        key!(out, q, "delegation_enabled?");
        flag(out, agent.allow_delegation);
        key!(out, q, "tools_names");
        out.push('[');
        for (j, tool) in agent.tools.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            text(out, tool, q);
        }
        out.push(']');
        if shared {
            key!(out, q, "goal");
            text(out, &agent.goal, q);
            key!(out, q, "backstory");
            text(out, &agent.backstory, q);
        }
        out.push('}');
    }
    out.push(']');
}

/// The tasks as the JSON list `crew_tasks` carries.
// Inlined: each caller's quoting is a constant.
#[inline(always)]
fn tasks_json(out: &mut String, tasks: &[Task], shared: bool, q: Quoting) {
    out.push('[');
    for (i, task) in tasks.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        key!(out, q, first "id");
        text(out, &task.id, q);
        key!(out, q, "agent_role");
        text(out, &task.agent_role, q);
        key!(out, q, "async_execution?");
        flag(out, task.async_execution);
        if shared {
            key!(out, q, "description");
            text(out, &task.description, q);
            key!(out, q, "expected_output");
            text(out, &task.expected_output, q);
        }
        out.push('}');
    }
    out.push(']');
}

/// The inputs as the JSON object `crew_inputs` carries.
// Inlined: each caller's quoting is a constant.
#[inline(always)]
fn inputs_json(out: &mut String, inputs: &BTreeMap<String, String>, q: Quoting) {
    out.push('{');
    for (i, (key, value)) in inputs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        text(out, key, q);
        out.push(':');
        text(out, value, q);
    }
    out.push('}');
}
