//! Every value type arrives with its exact type and value, in JSON and as
//! OpenTelemetry attributes: `false`, `0`, empty and unicode included.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

use crewtel::attribute::{Array, KeyValue, Value};
use crewtel::{Consent, Telemetry, TelemetryValue};
use serde_json::json;

#[derive(TelemetryValue)]
enum Process {
    Sequential,
    #[telemetry(rename = "manager-led")]
    Hierarchical,
    HumanInTheLoop,
}

#[derive(Debug)]
enum ToolError {
    Timeout,
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tool timed out while sending sk-secret-in-message")
    }
}

impl std::error::Error for ToolError {}

// Whether a task failed is sent (`error_type` of an `Option`): the error
// holds no `Secret`.
crewtel::secret_free!(ToolError);

#[derive(Telemetry)]
struct Scalars<'a> {
    #[telemetry(always)]
    no: bool,
    #[telemetry(always)]
    yes: bool,
    #[telemetry(always)]
    zero: u32,
    #[telemetry(always)]
    negative: i8,
    #[telemetry(always)]
    big: u64,
    #[telemetry(always)]
    size: usize,
    #[telemetry(always)]
    float: f64,
    #[telemetry(always)]
    small_float: f32,
    #[telemetry(always, free_text)]
    empty: String,
    #[telemetry(always, free_text)]
    unicode: &'a str,
    #[telemetry(always, free_text)]
    cow: Cow<'a, str>,
    #[telemetry(always, free_text)]
    boxed: Box<str>,
    #[telemetry(always, free_text)]
    shared: Arc<str>,
    #[telemetry(always, free_text)]
    counted: Rc<String>,
    #[telemetry(always, free_text)]
    letter: char,
    #[telemetry(always)]
    process: Process,
    #[telemetry(always)]
    other_process: Process,
    #[telemetry(always)]
    third_process: Process,
    #[telemetry(always)]
    some: Option<u8>,
    #[telemetry(always)]
    none: Option<u8>,
    #[telemetry(always)]
    some_false: Option<bool>,
}

fn scalars() -> Scalars<'static> {
    Scalars {
        no: false,
        yes: true,
        zero: 0,
        negative: -7,
        big: u64::MAX,
        size: 12,
        float: 0.0,
        small_float: 1.5,
        empty: String::new(),
        unicode: "llama 🦙 — ñandú «ok»",
        cow: Cow::Owned("owned".into()),
        boxed: "boxed".into(),
        shared: "shared".into(),
        counted: Rc::new("counted".into()),
        letter: 'λ',
        process: Process::Sequential,
        other_process: Process::Hierarchical,
        third_process: Process::HumanInTheLoop,
        some: Some(0),
        none: None,
        some_false: Some(false),
    }
}

fn kv(key: &'static str, value: impl Into<Value>) -> KeyValue {
    KeyValue::new(key, value.into())
}

fn array(key: &'static str, value: Array) -> KeyValue {
    KeyValue::new(key, Value::Array(value))
}

#[test]
fn scalars_keep_their_exact_type_as_key_values() {
    let scalars = scalars();
    let expected = vec![
        kv("no", false),
        kv("yes", true),
        kv("zero", 0_i64),
        kv("negative", -7_i64),
        kv("big", i64::MAX),
        kv("size", 12_i64),
        kv("float", 0.0_f64),
        kv("small_float", 1.5_f64),
        kv("empty", ""),
        kv("unicode", "llama 🦙 — ñandú «ok»"),
        kv("cow", "owned"),
        kv("boxed", "boxed"),
        kv("shared", "shared"),
        kv("counted", "counted"),
        kv("letter", "λ"),
        kv("process", "sequential"),
        kv("other_process", "manager-led"),
        kv("third_process", "human_in_the_loop"),
        kv("some", 0_i64),
        kv("some_false", false),
    ];
    assert_eq!(scalars.telemetry_event().key_values(), expected);
}

#[test]
fn scalars_keep_their_exact_type_as_json() {
    let scalars = scalars();
    let json = serde_json::to_value(scalars.telemetry_event().attributes()).unwrap();
    assert_eq!(
        json,
        json!({
            "no": false, "yes": true, "zero": 0, "negative": -7, "big": i64::MAX, "size": 12,
            "float": 0.0, "small_float": 1.5, "empty": "", "unicode": "llama 🦙 — ñandú «ok»",
            "cow": "owned", "boxed": "boxed", "shared": "shared", "counted": "counted",
            "letter": "λ", "process": "sequential", "other_process": "manager-led",
            "third_process": "human_in_the_loop", "some": 0, "some_false": false
        })
    );
    assert!(json.get("none").is_none(), "None sends no attribute at all");
}

#[derive(Telemetry)]
struct Lists<'a> {
    #[telemetry(always, free_text)]
    names: Vec<String>,
    #[telemetry(always, free_text)]
    empty: Vec<String>,
    #[telemetry(always)]
    flags: [bool; 3],
    #[telemetry(always)]
    counts: &'a [u16],
    #[telemetry(always)]
    ratios: VecDeque<f64>,
    #[telemetry(always)]
    processes: Vec<Process>,
    #[telemetry(always, free_text)]
    tags: BTreeSet<&'a str>,
}

#[test]
fn lists_of_scalars_are_typed_arrays() {
    let lists = Lists {
        names: vec!["search".into(), "".into(), "naïve".into()],
        empty: vec![],
        flags: [false, true, false],
        counts: &[0, 1, 65535],
        ratios: VecDeque::from([0.0, -1.25]),
        processes: vec![Process::Sequential, Process::Hierarchical],
        tags: BTreeSet::from(["b", "a"]),
    };
    let strings =
        |items: &[&'static str]| Array::String(items.iter().map(|s| (*s).into()).collect());
    assert_eq!(
        lists.telemetry_event().key_values(),
        vec![
            array("names", strings(&["search", "", "naïve"])),
            array("empty", strings(&[])),
            array("flags", Array::Bool(vec![false, true, false])),
            array("counts", Array::I64(vec![0, 1, 65535])),
            array("ratios", Array::F64(vec![0.0, -1.25])),
            array("processes", strings(&["sequential", "manager-led"])),
            array("tags", strings(&["a", "b"])),
        ]
    );
    assert_eq!(
        serde_json::to_value(lists.telemetry_event().attributes()).unwrap(),
        json!({
            "names": ["search", "", "naïve"], "empty": [], "flags": [false, true, false],
            "counts": [0, 1, 65535], "ratios": [0.0, -1.25],
            "processes": ["sequential", "manager-led"], "tags": ["a", "b"]
        })
    );
}

#[derive(Telemetry)]
struct Tool {
    #[telemetry(always, free_text, rename = "tool_name")]
    name: String,
    #[telemetry(always)]
    attempts: u32,
    #[telemetry(share_crew)]
    description: String,
}

#[derive(Telemetry)]
struct Nested {
    #[telemetry(always)]
    tools: Vec<Tool>,
    #[telemetry(always)]
    no_tools: Vec<Tool>,
    #[telemetry(always)]
    favourite: Option<Tool>,
    #[telemetry(always, free_text)]
    by_name: BTreeMap<String, Tool>,
    #[telemetry(always, free_text)]
    inputs: BTreeMap<String, String>,
    #[telemetry(always)]
    limits: HashMap<u8, bool>,
}

#[test]
fn nested_structs_and_maps_are_json_encoded_strings() {
    let tool = |name: &str, attempts| Tool {
        name: name.into(),
        attempts,
        description: "does things".into(),
    };
    let nested = Nested {
        tools: vec![tool("search", 0), tool("🦙", 2)],
        no_tools: vec![],
        favourite: Some(tool("search", 1)),
        by_name: BTreeMap::from([("s".into(), tool("search", 0))]),
        inputs: BTreeMap::from([
            ("topic".into(), "".into()),
            ("ñ".into(), "\"quoted\"".into()),
        ]),
        limits: HashMap::from([(3, false)]),
    };
    let values = nested.telemetry_event().key_values();
    let text = |i: usize| match &values[i].value {
        Value::String(s) => s.to_string(),
        other => panic!("expected a JSON-encoded string, got {other:?}"),
    };
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text(0)).unwrap(),
        json!([{"tool_name": "search", "attempts": 0}, {"tool_name": "🦙", "attempts": 2}])
    );
    assert_eq!(text(1), "[]");
    assert_eq!(text(2), r#"{"tool_name":"search","attempts":1}"#);
    assert_eq!(text(3), r#"{"s":{"tool_name":"search","attempts":0}}"#);
    assert_eq!(text(4), r#"{"topic":"","ñ":"\"quoted\""}"#);
    assert_eq!(text(5), r#"{"3":false}"#);

    let shared = nested.telemetry_event_with(Consent::ShareCrew).key_values();
    let Value::String(tools) = &shared[0].value else {
        panic!("not a string")
    };
    assert!(tools.contains(r#""description":"does things""#));
}

#[test]
fn json_and_key_values_carry_the_same_encoded_nested_value() {
    let nested = Nested {
        tools: vec![Tool {
            name: "t".into(),
            attempts: 3,
            description: "d".into(),
        }],
        no_tools: vec![],
        favourite: None,
        by_name: BTreeMap::new(),
        inputs: BTreeMap::new(),
        limits: HashMap::new(),
    };
    let json = serde_json::to_value(nested.telemetry_event().attributes()).unwrap();
    let Value::String(tools) = &nested.telemetry_event().key_values()[0].value else {
        panic!()
    };
    assert_eq!(json["tools"], &**tools);
    assert!(json.get("favourite").is_none());
}

fn band(cpus: &usize) -> crewtel::Literal {
    match cpus {
        0 => crewtel::literal!("unknown"),
        1..=2 => crewtel::literal!("1-2"),
        _ => crewtel::literal!("3+"),
    }
}

#[derive(Telemetry)]
struct Facts {
    #[telemetry(never, len(always, rename = "message_count"))]
    messages: Vec<String>,
    #[telemetry(never, len(always))]
    prompt: String,
    #[telemetry(never, present(always))]
    inputs: Option<String>,
    #[telemetry(never, present(share_crew, rename = "has_context"))]
    context: Vec<String>,
    #[telemetry(never, error_type(always, rename = "failure_type"))]
    error: Option<ToolError>,
    #[telemetry(never, error_type(always, rename = "last_error_type"))]
    last_error: ToolError,
    #[telemetry(always, rename = "cpu_band", with = "band")]
    cpus: usize,
}

#[test]
fn derived_facts_send_a_fact_and_never_the_value() {
    let facts = Facts {
        messages: vec![],
        prompt: "sk-secret-in-prompt".into(),
        inputs: None,
        context: vec!["c".into()],
        error: Some(ToolError::Timeout),
        last_error: ToolError::Timeout,
        cpus: 2,
    };
    assert_eq!(
        facts.telemetry_event().key_values(),
        vec![
            kv("message_count", 0_i64),
            kv("prompt_len", 19_i64),
            kv("inputs_present", false),
            kv("failure_type", "ToolError"),
            kv("last_error_type", "ToolError"),
            kv("cpu_band", "1-2"),
        ]
    );
    let shared = serde_json::to_string(&facts.telemetry_event_with(Consent::ShareCrew)).unwrap();
    assert!(shared.contains(r#""has_context":true"#));
    assert!(
        !shared.contains("sk-secret"),
        "an error's message or a never field leaked: {shared}"
    );
}

#[test]
fn error_types_are_named_by_the_real_type_behind_pointers() {
    use std::error::Error;
    use std::sync::Arc;

    #[derive(Telemetry)]
    struct Failures {
        #[telemetry(never, error_type(always, rename = "io"))]
        io: std::io::Error,
        #[telemetry(never, error_type(always, rename = "boxed"))]
        boxed: Option<Box<ToolError>>,
        #[telemetry(never, error_type(always, rename = "shared"))]
        shared: Arc<std::io::Error>,
        #[telemetry(never, error_type(always, rename = "erased"))]
        erased: Box<dyn Error + Send + Sync>,
        #[telemetry(never, error_type(always, rename = "parse"))]
        parse: Option<std::num::ParseIntError>,
    }

    let failures = Failures {
        io: std::io::Error::other("sk-secret-in-io"),
        boxed: Some(Box::new(ToolError::Timeout)),
        shared: Arc::new(std::io::Error::other("sk-secret-shared")),
        erased: Box::new(ToolError::Timeout),
        parse: "sk-secret".parse::<u8>().err(),
    };
    assert_eq!(
        failures.telemetry_event().key_values(),
        vec![
            kv("io", "io::Error"),
            kv("boxed", "ToolError"),
            kv("shared", "io::Error"),
            kv("erased", crewtel::attribute::DYN_ERROR),
            kv("parse", "ParseIntError"),
        ]
    );
}

#[test]
fn no_error_sends_no_error_type() {
    let facts = Facts {
        messages: vec![],
        prompt: String::new(),
        inputs: Some(String::new()),
        context: vec![],
        error: None,
        last_error: ToolError::Timeout,
        cpus: 0,
    };
    let json = serde_json::to_value(facts.telemetry_event().attributes()).unwrap();
    assert!(json.get("failure_type").is_none());
    assert_eq!(json["inputs_present"], true);
    assert_eq!(json["cpu_band"], "unknown");
}

#[test]
fn a_struct_can_borrow_what_it_sends() {
    #[derive(Telemetry)]
    #[telemetry(event = "Tool Usage")]
    struct ToolUsage<'a> {
        #[telemetry(always, free_text, rename = "tool_name")]
        tool: &'a str,
        #[telemetry(always, free_text)]
        llm: &'a String,
        #[telemetry(always, flatten)]
        ids: &'a Ids,
    }
    #[derive(Telemetry)]
    struct Ids {
        #[telemetry(always, free_text)]
        agent_fingerprint: String,
    }
    let llm = String::from("gpt");
    let ids = Ids {
        agent_fingerprint: "fp".into(),
    };
    let usage = ToolUsage {
        tool: "search",
        llm: &llm,
        ids: &ids,
    };
    assert_eq!(
        usage.telemetry_event().key_values(),
        vec![
            kv("tool_name", "search"),
            kv("llm", "gpt"),
            kv("agent_fingerprint", "fp")
        ]
    );
    assert_eq!(usage.telemetry_event().name(), "Tool Usage");
}

#[test]
fn a_generic_struct_sends_what_it_is_instantiated_with() {
    #[derive(Telemetry)]
    struct Labelled<T> {
        #[telemetry(always)]
        value: T,
    }
    assert_eq!(
        Labelled { value: 0_u8 }.telemetry_event().key_values(),
        vec![kv("value", 0_i64)]
    );
    assert_eq!(
        Labelled { value: vec![true] }
            .telemetry_event()
            .key_values(),
        vec![array("value", Array::Bool(vec![true]))]
    );
}

#[test]
fn a_unit_struct_is_an_event_with_no_attributes() {
    #[derive(Telemetry)]
    #[telemetry(event = "Feature Usage")]
    struct Ping;
    assert!(Ping.telemetry_event().key_values().is_empty());
    assert_eq!(
        serde_json::to_string(&Ping.telemetry_event()).unwrap(),
        r#"{"name":"Feature Usage","consent":"anonymous","attributes":{}}"#
    );
}

#[test]
fn empty_lists_keep_their_element_type() {
    #[derive(Telemetry)]
    struct Empty {
        #[telemetry(always)]
        counts: Vec<u8>,
        #[telemetry(always)]
        flags: Vec<bool>,
        #[telemetry(always)]
        ratios: Vec<f32>,
        #[telemetry(always)]
        processes: Vec<Process>,
    }
    let empty = Empty {
        counts: vec![],
        flags: vec![],
        ratios: vec![],
        processes: vec![],
    };
    assert_eq!(
        empty.telemetry_event().key_values(),
        vec![
            array("counts", Array::I64(vec![])),
            array("flags", Array::Bool(vec![])),
            array("ratios", Array::F64(vec![])),
            array("processes", Array::String(vec![])),
        ]
    );
}

#[test]
fn f32_values_keep_their_decimal_form() {
    #[derive(Telemetry)]
    struct Temperature {
        #[telemetry(always)]
        value: f32,
    }
    assert_eq!(
        Temperature { value: 0.1 }.telemetry_event().key_values(),
        vec![kv("value", 0.1_f64)]
    );
}

#[test]
fn raw_identifiers_and_acronyms_are_sent_as_readers_write_them() {
    #[derive(TelemetryValue)]
    enum Kind {
        HTTPServer,
        r#Loop,
    }
    #[derive(Telemetry)]
    #[allow(non_camel_case_types)]
    struct r#Task {
        #[telemetry(always, len(always))]
        r#type: &'static str,
        #[telemetry(always)]
        r#kind: Kind,
        #[telemetry(always)]
        other: Kind,
    }
    let task = r#Task {
        r#type: "abc",
        r#kind: Kind::HTTPServer,
        other: Kind::r#Loop,
    };
    assert_eq!(
        serde_json::to_value(task.telemetry_event()).unwrap(),
        json!({"name": "Task", "consent": "anonymous", "attributes": {
            "type": "abc", "type_len": 3, "kind": "http_server", "other": "loop"
        }})
    );
}

#[test]
fn nesting_deeper_than_the_limit_is_cut_and_counted_never_a_stack_overflow() {
    #[derive(Telemetry)]
    struct Node {
        #[telemetry(always)]
        depth: u32,
        #[telemetry(always)]
        next: Option<Box<Node>>,
    }
    let mut head = Node {
        depth: 0,
        next: None,
    };
    for depth in 1..5_000 {
        head = Node {
            depth,
            next: Some(Box::new(head)),
        };
    }
    let reporter = crewtel_reporter::Reporter::builder()
        .environment(|_| None)
        .build();
    let before = reporter.dropped_attributes();

    let json = serde_json::to_string(&head.telemetry_event()).unwrap();
    let key_values = head.telemetry_event().key_values();
    assert_eq!(key_values.len(), 2);

    // Follow the chain as it was sent: it stops at the limit.
    let mut levels = 0;
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut next = value["attributes"]["next"].take();
    while let Some(encoded) = next.as_str() {
        value = serde_json::from_str(encoded).unwrap();
        levels += 1;
        next = value["next"].take();
        while next.is_object() {
            levels += 1;
            next = next["next"].take();
        }
    }
    assert!(
        levels <= crewtel::attribute::MAX_NESTING + 1,
        "{levels} levels"
    );
    assert!(reporter.dropped_attributes() > before, "the cut is counted");

    // The host's own chain, dropped without recursion.
    let mut next = head.next.take();
    while let Some(mut node) = next {
        next = node.next.take();
    }
}

static PLATFORM_READS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn platform_summary() -> String {
    PLATFORM_READS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    "linux-amd64".to_owned()
}

/// A value read when it is sent.
#[derive(crewtel::Telemetry)]
struct Platform {
    /// The platform, read when sent.
    #[telemetry(share_crew, rename = "platform")]
    summary: crewtel::OnSend<String>,
    /// The crew's opt-in.
    #[telemetry(consent)]
    share_crew: bool,
}

#[test]
fn an_on_send_value_is_read_only_when_its_key_is_sent() {
    let anonymous = Platform {
        summary: crewtel::OnSend::new(platform_summary),
        share_crew: false,
    };
    let built = anonymous.telemetry_event();
    assert!(built.key_values().is_empty());
    assert_eq!(serde_json::to_string(&built.attributes()).unwrap(), "{}");
    assert_eq!(
        PLATFORM_READS.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "an anonymous crew's platform is not even read"
    );
    let shared = Platform {
        share_crew: true,
        ..anonymous
    };
    assert_eq!(
        serde_json::to_string(&shared.telemetry_event().attributes()).unwrap(),
        r#"{"platform":"linux-amd64"}"#
    );
    assert_eq!(PLATFORM_READS.load(std::sync::atomic::Ordering::SeqCst), 1);
}

/// A span's timing.
#[derive(crewtel::Telemetry)]
struct Timed {
    /// How long the crew ran, in milliseconds.
    #[telemetry(always, rename = "duration_ms")]
    duration: std::time::Duration,
}

#[test]
fn a_duration_is_sent_as_milliseconds_in_an_f64() {
    let timed = Timed {
        duration: std::time::Duration::from_micros(2_250),
    };
    assert_eq!(
        timed.telemetry_event().key_values(),
        vec![KeyValue::new("duration_ms", 2.25_f64)]
    );
    assert_eq!(
        serde_json::to_string(&timed.telemetry_event().attributes()).unwrap(),
        r#"{"duration_ms":2.25}"#
    );
}

/// A run's settings, read by `with` functions that return a reference into
/// them.
struct Settings {
    retries: Option<u32>,
    ports: std::collections::BTreeSet<u16>,
    weights: [u8; 2],
}

fn retries(settings: &Settings) -> &Option<u32> {
    &settings.retries
}

fn ports(settings: &Settings) -> &std::collections::BTreeSet<u16> {
    &settings.ports
}

fn weights(settings: &Settings) -> &[u8; 2] {
    &settings.weights
}

crewtel::secret_free!(Settings);

#[derive(crewtel::Telemetry)]
struct Configured {
    #[telemetry(always, with = "retries")]
    retries: Settings,
    #[telemetry(always, with = "ports")]
    ports: Settings,
    #[telemetry(always, with = "weights")]
    weights: Settings,
}

#[test]
fn a_with_function_may_return_a_reference_to_an_option_a_set_or_an_array() {
    let settings = || Settings {
        retries: Some(3),
        ports: [443, 80].into(),
        weights: [1, 2],
    };
    let configured = Configured {
        retries: settings(),
        ports: settings(),
        weights: settings(),
    };
    assert_eq!(
        serde_json::to_string(&configured.telemetry_event().attributes()).unwrap(),
        r#"{"retries":3,"ports":[80,443],"weights":[1,2]}"#
    );
}

/// A tree of steps, which names itself.
#[derive(crewtel::Telemetry)]
struct Step {
    #[telemetry(always)]
    depth: u32,
    #[telemetry(never)]
    children: Vec<Step>,
    #[telemetry(never)]
    parent: Option<Box<Self>>,
}

fn step_count(step: &Step) -> usize {
    1 + step.children.iter().map(step_count).sum::<usize>()
}

#[derive(crewtel::Telemetry)]
struct Plan {
    #[telemetry(always, rename = "step_count", with = "step_count")]
    root: Step,
}

#[test]
fn a_with_function_may_read_a_struct_that_names_itself() {
    let leaf = || Step {
        depth: 1,
        children: vec![],
        parent: None,
    };
    let plan = Plan {
        root: Step {
            depth: 0,
            children: vec![leaf(), leaf()],
            parent: None,
        },
    };
    assert_eq!(
        serde_json::to_string(&plan.telemetry_event().attributes()).unwrap(),
        r#"{"step_count":3}"#
    );
    assert!(plan.root.parent.is_none());
}
