// Every option of both derives compiles without a warning in the host.
#![deny(warnings)]

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crewtel::{Consent, Secret, Telemetry, TelemetryValue};

#[derive(TelemetryValue)]
enum Process {
    Sequential,
    #[telemetry(rename = "manager")]
    Hierarchical,
}

#[derive(Debug)]
struct ToolError;

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tool failed")
    }
}

impl std::error::Error for ToolError {}

// `error_type` of an `Option` sends whether a tool failed: it holds no `Secret`.
crewtel::secret_free!(ToolError);

fn band(cpus: &usize) -> crewtel::Literal {
    if *cpus <= 2 { crewtel::literal!("1-2") } else { crewtel::literal!("3+") }
}

#[derive(Telemetry)]
struct CrewIds<'a> {
    #[telemetry(always, free_text)]
    crew_id: &'a str,
}

#[derive(Telemetry)]
struct Agent {
    #[telemetry(always, free_text)]
    role: String,
    #[telemetry(share_crew)]
    goal: String,
}

#[derive(Telemetry)]
struct Labelled<T> {
    #[telemetry(always)]
    value: T,
}

#[derive(Telemetry)]
#[telemetry(event = "Everything")]
struct Everything<'a> {
    #[telemetry(always, flatten)]
    ids: CrewIds<'a>,
    #[telemetry(always)]
    process: Process,
    #[telemetry(always, rename = "crew_agents", len(always, rename = "crew_number_of_agents"))]
    agents: Vec<Agent>,
    #[telemetry(always)]
    lead: Option<Agent>,
    #[telemetry(share_crew, present(always))]
    inputs: BTreeMap<String, String>,
    #[telemetry(always, free_text)]
    by_name: HashMap<String, Agent>,
    #[telemetry(always)]
    labelled: Labelled<u8>,
    #[telemetry(always, free_text)]
    tags: &'a [&'a str],
    #[telemetry(always, free_text)]
    note: Cow<'a, str>,
    #[telemetry(always, free_text)]
    ratio: f32,
    #[telemetry(always, with = "band")]
    cpus: usize,
    #[telemetry(never, error_type(always, rename = "failure_type"))]
    error: Option<ToolError>,
    #[telemetry(never, len(always))]
    messages: Vec<String>,
    #[telemetry(consent)]
    share_crew: bool,
    #[telemetry(never)]
    api_key: Secret<String>,
}

fn main() {
    let everything = Everything {
        ids: CrewIds { crew_id: "c1" },
        process: Process::Hierarchical,
        agents: vec![Agent { role: "r".into(), goal: "g".into() }],
        lead: None,
        inputs: BTreeMap::new(),
        by_name: HashMap::new(),
        labelled: Labelled { value: 7 },
        tags: &["a"],
        note: Cow::Borrowed("n"),
        ratio: 0.5,
        cpus: 2,
        error: Some(ToolError),
        messages: vec![],
        share_crew: false,
        api_key: Secret::new("k".into()),
    };
    let _ = Process::Sequential;
    let _ = everything.api_key.expose();
    let _ = &everything.messages;
    let json = serde_json::to_string(&everything.telemetry_event()).unwrap();
    assert!(json.contains(r#""failure_type":"ToolError""#), "{json}");
    assert!(json.contains(r#""process":"manager""#), "{json}");
    assert_eq!(everything.telemetry_event_with(Consent::ShareCrew).key_values().len(), 14);
}
