//! On the wire: what a `Reporter` sends to a loopback OTLP/HTTP collector.

mod collector;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use collector::{Behaviour, Collector, attribute, string, strings};
use crewtel::{Secret, Telemetry, TelemetryValue};
use crewtel_reporter::status::Mode;
use crewtel_reporter::{Reporter, ReporterBuilder};
use opentelemetry_proto::tonic::common::v1::any_value::Value;

#[derive(TelemetryValue)]
enum Process {
    Sequential,
}

#[derive(Telemetry)]
struct Agent {
    #[telemetry(always, free_text)]
    role: String,
    #[telemetry(share_crew)]
    goal: String,
}

#[derive(Telemetry)]
#[telemetry(event = "Crew Created")]
struct Crew {
    #[telemetry(always)]
    crew_process: Process,
    #[telemetry(always)]
    crew_memory: bool,
    #[telemetry(always)]
    crew_number_of_tasks: u32,
    #[telemetry(always)]
    ratio: f64,
    #[telemetry(always, free_text)]
    empty: String,
    #[telemetry(always, free_text)]
    unicode: String,
    #[telemetry(always, free_text)]
    tools_names: Vec<String>,
    #[telemetry(always)]
    flags: Vec<bool>,
    #[telemetry(always, rename = "crew_agents")]
    agents: Vec<Agent>,
    #[telemetry(share_crew, rename = "crew_inputs")]
    inputs: BTreeMap<String, String>,
    #[telemetry(consent)]
    share_crew: bool,
    #[telemetry(never)]
    api_key: Secret<String>,
}

fn crew(share_crew: bool, marker: &str) -> Crew {
    Crew {
        crew_process: Process::Sequential,
        crew_memory: false,
        crew_number_of_tasks: 0,
        ratio: 0.5,
        empty: String::new(),
        unicode: "llama 🦙 «ñ»".into(),
        tools_names: vec!["search".into(), "".into()],
        flags: vec![false, true],
        agents: vec![Agent {
            role: "researcher".into(),
            goal: format!("goal-{marker}"),
        }],
        inputs: BTreeMap::from([("topic".into(), format!("input-{marker}"))]),
        share_crew,
        api_key: Secret::new(format!("secret-{marker}")),
    }
}

/// A reporter configured by `vars` alone (the process environment is not
/// read), with its warnings collected.
fn configured(vars: &[(&str, String)]) -> (ReporterBuilder, Arc<Mutex<Vec<String>>>) {
    let mut env: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    env.entry("CREWTEL_DATA_DIR".into())
        .or_insert_with(|| collector::scratch_dir("export").display().to_string());
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&warnings);
    let builder = Reporter::builder()
        .service_name("crewtel-tests")
        .service_version("9.9.9")
        .environment(move |name| env.get(name).cloned())
        .on_warning(move |line| sink.lock().unwrap().push(line.to_owned()));
    (builder, warnings)
}

fn to(collector: &Collector) -> Vec<(&'static str, String)> {
    vec![("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint())]
}

/// Each protocol, decoded by the official `opentelemetry-proto` messages
/// (protobuf, and the specification's JSON through their serde form).
#[test]
fn every_value_type_round_trips_exactly() {
    for (protocol, content_type) in [
        ("http/protobuf", "application/x-protobuf"),
        ("http/json", "application/json"),
    ] {
        every_value_type_round_trips_in(protocol, content_type);
    }
}

fn every_value_type_round_trips_in(protocol: &str, content_type: &str) {
    let collector = Collector::start(Behaviour::Accept);
    let mut vars = to(&collector);
    vars.push(("CREWTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()));
    let (builder, warnings) = configured(&vars);
    let reporter = builder.build();
    assert_eq!(reporter.mode(), Mode::Export);
    reporter.emit(crew(false, "a").telemetry_event());
    reporter.shutdown();

    let received = collector.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].path, "/v1/traces");
    assert_eq!(received[0].header("content-type"), Some(content_type));
    let spans = collector.spans();
    assert_eq!(spans.len(), 1);
    let span = &spans[0].1;
    assert_eq!(span.name, "Crew Created");
    let a = &span.attributes;
    assert_eq!(attribute(a, "crew_process"), Some(&string("sequential")));
    assert_eq!(attribute(a, "crew_memory"), Some(&Value::BoolValue(false)));
    assert_eq!(
        attribute(a, "crew_number_of_tasks"),
        Some(&Value::IntValue(0))
    );
    assert_eq!(attribute(a, "ratio"), Some(&Value::DoubleValue(0.5)));
    assert_eq!(attribute(a, "empty"), Some(&string("")));
    assert_eq!(attribute(a, "unicode"), Some(&string("llama 🦙 «ñ»")));
    assert_eq!(attribute(a, "tools_names"), Some(&strings(&["search", ""])));
    let Some(Value::ArrayValue(flags)) = attribute(a, "flags") else {
        panic!("flags is not an array")
    };
    let flags: Vec<_> = flags.values.iter().map(|v| v.value.clone()).collect();
    assert_eq!(
        flags,
        [Some(Value::BoolValue(false)), Some(Value::BoolValue(true))]
    );
    assert_eq!(
        attribute(a, "crew_agents"),
        Some(&string(r#"[{"role":"researcher"}]"#))
    );
    assert_eq!(a.len(), 9, "exactly the anonymous keys: {a:?}");
    assert_eq!(span.trace_id.len(), 16);
    assert_eq!(span.span_id.len(), 8);
    assert!(span.parent_span_id.is_empty());
    assert!(span.end_time_unix_nano >= span.start_time_unix_nano && span.start_time_unix_nano > 0);
    assert!(warnings.lock().unwrap().is_empty());
}

#[test]
fn the_resource_carries_environment_data_and_nothing_identifying() {
    let collector = Collector::start(Behaviour::Accept);
    let (builder, _) = configured(&to(&collector));
    let reporter = builder.build();
    reporter.emit(crew(false, "r").telemetry_event());
    reporter.shutdown();
    let spans = collector.spans();
    let resource = &spans[0].0;
    let keys: Vec<&str> = resource.iter().map(|kv| kv.key.as_str()).collect();
    let listed: Vec<&str> = crewtel::catalogue::RESOURCE_KEYS
        .iter()
        .map(|k| k.key)
        .collect();
    assert!(
        keys.iter().all(|key| listed.contains(key)),
        "only listed keys: {keys:?}"
    );
    for always in [
        "service.name",
        "service.version",
        "os.type",
        "host.arch",
        "crewtel.cpu_band",
    ] {
        assert!(keys.contains(&always), "{always} in {keys:?}");
    }
    // Nothing finer than an anonymous event may carry: no exact CPU count
    // (the resource carries its band), no patch release, no kernel.
    let band =
        crewtel::context::cpu_band(std::thread::available_parallelism().ok().map(usize::from));
    assert_eq!(attribute(resource, "crewtel.cpu_band"), Some(&string(band)));
    assert_eq!(
        keys.iter().filter(|key| key.contains("cpu")).count(),
        1,
        "only the CPU band on the resource: {keys:?}"
    );
    if let Some(Value::StringValue(version)) = attribute(resource, "os.version") {
        assert!(
            version.chars().all(|c| c.is_ascii_digit()),
            "only the major release: {version}"
        );
    }
    assert_eq!(
        attribute(resource, "service.name"),
        Some(&string("crewtel-tests"))
    );
    assert_eq!(
        attribute(resource, "service.version"),
        Some(&string("9.9.9"))
    );
    assert_eq!(
        attribute(resource, "telemetry.sdk.name"),
        Some(&string("crewtel"))
    );
    assert_eq!(
        attribute(resource, "process.runtime.name"),
        Some(&string("rustc"))
    );
    assert_eq!(attribute(resource, "os.type"), Some(&string("linux")));
    assert_eq!(
        attribute(resource, "host.arch"),
        Some(&string(if cfg!(target_arch = "x86_64") {
            "amd64"
        } else {
            std::env::consts::ARCH
        }))
    );
    // Nothing from the "never" list, under any key, in any value: no value
    // is the process id, and none contains the host name, the user's name, a
    // path, or an argument of the command line.
    let values: Vec<String> = resource
        .iter()
        .map(
            |kv| match kv.value.as_ref().and_then(|v| v.value.as_ref()) {
                Some(Value::StringValue(s)) => s.clone(),
                Some(Value::IntValue(i)) => i.to_string(),
                other => format!("{other:?}"),
            },
        )
        .collect();
    let pid = std::process::id().to_string();
    assert!(!values.contains(&pid), "the process id is sent: {values:?}");
    let mut forbidden: Vec<String> = Vec::new();
    forbidden.extend(sysinfo::System::host_name().ok());
    forbidden.extend(std::env::var("USER").ok());
    forbidden.extend(std::env::var("HOME").ok());
    forbidden.extend(
        std::env::current_dir()
            .ok()
            .map(|d| d.display().to_string()),
    );
    forbidden.extend(
        std::env::current_exe()
            .ok()
            .map(|d| d.display().to_string()),
    );
    forbidden.extend(std::env::args().skip(1));
    forbidden.retain(|f| f.len() >= 3);
    for value in &values {
        for never in &forbidden {
            assert!(
                !value.contains(never.as_str()),
                "a resource value contains {never:?}: {value}"
            );
        }
    }
    for key in [
        "host.name",
        "host.id",
        "host.ip",
        "host.mac",
        "process.pid",
        "process.command_args",
        "process.executable.path",
        "os.description",
        "user.name",
    ] {
        assert!(!keys.contains(&key), "{key} must never be sent");
    }
}

#[test]
fn share_crew_values_arrive_only_from_consenting_crews() {
    let collector = Collector::start(Behaviour::Accept);
    let (builder, _) = configured(&to(&collector));
    let reporter = builder.build();
    let (private, shared) = (crew(false, "private"), crew(true, "shared"));
    reporter.emit(private.telemetry_event());
    reporter.emit(shared.telemetry_event());
    reporter.shutdown();
    let wire = format!("{:?}", collector.spans());
    assert!(
        !wire.contains("goal-private") && !wire.contains("input-private"),
        "{wire}"
    );
    assert!(
        wire.contains("goal-shared") && wire.contains("input-shared"),
        "{wire}"
    );
    for secret in [private.api_key.expose(), shared.api_key.expose()] {
        assert!(
            !wire.contains(secret.as_str()),
            "a Secret reached the wire: {wire}"
        );
    }
}

#[test]
fn json_protocol_gzip_headers_and_limits_apply_on_the_wire() {
    let collector = Collector::start(Behaviour::Accept);
    let mut vars = to(&collector);
    vars.extend([
        ("CREWTEL_EXPORTER_OTLP_PROTOCOL", "http/json".to_owned()),
        ("CREWTEL_EXPORTER_OTLP_COMPRESSION", "gzip".to_owned()),
        (
            "CREWTEL_EXPORTER_OTLP_HEADERS",
            "x-tenant=t%201,x-other=2".to_owned(),
        ),
        ("CREWTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "4".to_owned()),
        ("CREWTEL_ATTRIBUTE_COUNT_LIMIT", "3".to_owned()),
        ("OTEL_SERVICE_NAME", "from-env".to_owned()),
    ]);
    let (builder, warnings) = configured(&vars);
    let reporter = builder.build();
    reporter.emit(crew(false, "j").telemetry_event());
    reporter.shutdown();
    let received = collector.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].header("content-type"), Some("application/json"));
    assert_eq!(received[0].header("content-encoding"), Some("gzip"));
    assert_eq!(received[0].header("x-tenant"), Some("t 1"));
    let spans = collector.spans();
    let (resource, span) = &spans[0];
    assert_eq!(
        attribute(resource, "service.name"),
        Some(&string("crewtel-tests")),
        "the application's OTEL_SERVICE_NAME names the application, not the framework"
    );
    assert_eq!(
        span.attributes.len(),
        3,
        "CREWTEL_ATTRIBUTE_COUNT_LIMIT keeps the first 3"
    );
    assert_eq!(
        attribute(&span.attributes, "crew_process"),
        Some(&string("sequ"))
    );
    assert!(warnings.lock().unwrap().is_empty());
}

#[test]
fn an_endpoint_for_traces_is_used_as_it_is() {
    let collector = Collector::start(Behaviour::Accept);
    let (builder, _) = configured(&[(
        "CREWTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        format!("{}/custom/path", collector.endpoint()),
    )]);
    let reporter = builder.build();
    reporter.emit(crew(false, "p").telemetry_event());
    reporter.shutdown();
    assert_eq!(collector.received()[0].path, "/custom/path");
}

#[test]
fn the_hosts_default_endpoint_is_used_when_the_user_set_none() {
    let collector = Collector::start(Behaviour::Accept);
    let (builder, _) = configured(&[]);
    let reporter = builder
        .default_endpoint(collector.endpoint())
        .notice_output(std::io::sink(), true)
        .build();
    assert_eq!(reporter.mode(), Mode::Export);
    reporter.emit(crew(false, "d").telemetry_event());
    reporter.shutdown();
    assert_eq!(collector.spans().len(), 1);

    let users = Collector::start(Behaviour::Accept);
    let (builder, _) = configured(&to(&users));
    let reporter = builder.default_endpoint(collector.endpoint()).build();
    reporter.emit(crew(false, "u").telemetry_event());
    reporter.shutdown();
    assert_eq!(users.spans().len(), 1, "the environment wins");
    assert_eq!(
        collector.spans().len(),
        1,
        "the host's default got nothing more"
    );
}

#[test]
fn shutdown_is_idempotent_and_drop_flushes() {
    let collector = Collector::start(Behaviour::Accept);
    let (builder, _) = configured(&to(&collector));
    {
        let reporter = builder.build();
        reporter.emit(crew(false, "x").telemetry_event());
        // Dropped without an explicit shutdown.
    }
    assert_eq!(collector.spans().len(), 1);
    let (builder, _) = configured(&to(&collector));
    let reporter = builder.build();
    reporter.shutdown();
    reporter.shutdown();
    reporter.emit(crew(false, "late").telemetry_event());
    reporter.shutdown();
    assert_eq!(collector.spans().len(), 1, "nothing is sent after shutdown");
    assert_eq!(
        reporter.dropped_events(),
        1,
        "and the late event is counted as dropped"
    );
}

#[derive(Telemetry)]
#[telemetry(event = "Task Execution")]
struct TaskExecution {
    #[telemetry(always)]
    task_id: &'static str,
}

#[derive(Telemetry)]
struct TaskOutput<'a> {
    #[telemetry(share_crew)]
    task_output: &'a str,
}

#[derive(Debug)]
struct ToolError;

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the tool leaked sk-live-message-secret")
    }
}

impl std::error::Error for ToolError {}

#[test]
fn spans_end_with_their_output_or_an_error_type_only() {
    use crewtel::Consent;
    use opentelemetry_proto::tonic::trace::v1::status::StatusCode;

    let collector = Collector::start(Behaviour::Accept);
    let (builder, _) = configured(&to(&collector));
    let reporter = builder.build();
    let execution = TaskExecution { task_id: "t1" };
    let output = String::from("42 llamas");

    let span = reporter.start(execution.telemetry_event());
    span.end_with(
        TaskOutput {
            task_output: &output,
        }
        .telemetry_event_with(Consent::Anonymous),
    );
    // The span of a crew that shares: the output, which has no consent of
    // its own, goes under the span's.
    let span = reporter.start(execution.telemetry_event_with(Consent::ShareCrew));
    span.end_with(
        TaskOutput {
            task_output: &output,
        }
        .telemetry_event(),
    );
    let span = reporter.start(execution.telemetry_event());
    span.fail(&ToolError);
    drop(reporter.start(execution.telemetry_event())); // dropping ends it too
    let erased: Box<dyn std::error::Error + Send + Sync> =
        Box::new(std::io::Error::other("sk-live-message-secret"));
    reporter.start(execution.telemetry_event()).fail(&erased);
    reporter
        .start(execution.telemetry_event())
        .fail(&std::io::Error::other("sk-live-message-secret"));
    reporter.start(execution.telemetry_event()).end_with(
        TaskOutput {
            task_output: &output,
        }
        .telemetry_event_with(Consent::ShareCrew),
    );
    reporter.shutdown();

    let spans = collector.spans();
    assert_eq!(spans.len(), 7);
    assert_eq!(
        attribute(&spans[4].1.attributes, "error_type"),
        Some(&string(crewtel::attribute::DYN_ERROR))
    );
    assert_eq!(
        attribute(&spans[5].1.attributes, "error_type"),
        Some(&string("io::Error"))
    );
    let by_index = |i: usize| &spans[i].1;
    assert!(spans.iter().all(|(_, span)| span.name == "Task Execution"));
    assert_eq!(
        attribute(&by_index(0).attributes, "task_output"),
        None,
        "output only when shared"
    );
    assert_eq!(
        attribute(&by_index(6).attributes, "task_output"),
        None,
        "an anonymous span's end never shares, whatever consent it claims"
    );
    assert_eq!(
        attribute(&by_index(1).attributes, "task_output"),
        Some(&string("42 llamas"))
    );
    let failed = by_index(2);
    assert_eq!(
        attribute(&failed.attributes, "error_type"),
        Some(&string("ToolError"))
    );
    let status = failed.status.as_ref().expect("a failed span has a status");
    assert_eq!(status.code, StatusCode::Error as i32);
    let wire = format!("{spans:?}");
    assert!(
        !wire.contains("sk-live-message-secret"),
        "an error message reached the wire"
    );
    assert!(by_index(3).end_time_unix_nano >= by_index(3).start_time_unix_nano);
}

#[test]
fn every_event_attributes_are_computed_once_and_sent_on_every_span() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static DETECTIONS: AtomicUsize = AtomicUsize::new(0);
    let detect = || {
        DETECTIONS.fetch_add(1, Ordering::SeqCst);
        crewtel::ProcessContext::detect("proj-7")
    };

    let off = Reporter::builder()
        .environment(|name| (name == "DO_NOT_TRACK").then(|| "1".into()))
        .every_event(detect)
        .build();
    off.emit(crew(false, "o").telemetry_event());
    assert_eq!(
        DETECTIONS.load(Ordering::SeqCst),
        0,
        "detection ran while off"
    );

    let collector = Collector::start(Behaviour::Accept);
    let (builder, _) = configured(&to(&collector));
    let reporter = builder.every_event(detect).build();
    reporter.emit(crew(false, "a").telemetry_event());
    reporter
        .start(TaskExecution { task_id: "t" }.telemetry_event())
        .end();
    reporter.shutdown();
    assert_eq!(DETECTIONS.load(Ordering::SeqCst), 1);
    let spans = collector.spans();
    assert_eq!(spans.len(), 2);
    for (_, span) in &spans {
        assert_eq!(
            attribute(&span.attributes, "project_id"),
            Some(&string("proj-7"))
        );
        for key in ["coding_agent", "runtime_context", "cpu_band"] {
            assert!(
                attribute(&span.attributes, key).is_some(),
                "{key} missing on {}",
                span.name
            );
        }
    }
}

#[test]
fn keys_the_reporter_adds_never_repeat_an_events_own() {
    #[derive(Telemetry)]
    #[telemetry(event = "Flow Started")]
    struct FlowStarted {
        /// The flow's own project id, which wins over the process's.
        #[telemetry(always)]
        project_id: &'static str,
        #[telemetry(always)]
        cpu_band: &'static str,
    }

    let collector = Collector::start(Behaviour::Accept);
    let (builder, _) = configured(&to(&collector));
    let reporter = builder
        .every_event(|| crewtel::ProcessContext::detect("proj-of-the-process"))
        .build();
    let event = FlowStarted {
        project_id: "proj-of-the-flow",
        cpu_band: "many",
    };
    reporter.emit(event.telemetry_event());
    reporter
        .start(event.telemetry_event())
        .end_with(event.telemetry_event());
    reporter
        .start(event.telemetry_event())
        .fail(&std::io::Error::other("x"));
    reporter.shutdown();

    let spans = collector.spans();
    assert_eq!(spans.len(), 3);
    for (_, span) in &spans {
        let keys: Vec<&str> = span.attributes.iter().map(|kv| kv.key.as_str()).collect();
        let mut unique = keys.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(keys.len(), unique.len(), "a key twice: {keys:?}");
        assert_eq!(
            attribute(&span.attributes, "project_id"),
            Some(&string("proj-of-the-flow"))
        );
        assert_eq!(
            attribute(&span.attributes, "cpu_band"),
            Some(&string("many"))
        );
        assert!(attribute(&span.attributes, "coding_agent").is_some());
    }
}

#[test]
fn the_count_limit_drops_the_context_first_and_says_how_much_it_dropped() {
    #[derive(Telemetry)]
    #[telemetry(event = "Task Execution")]
    struct Execution {
        #[telemetry(always)]
        task_id: &'static str,
        #[telemetry(always)]
        agent_role: &'static str,
    }

    let collector = Collector::start(Behaviour::Accept);
    let mut vars = to(&collector);
    vars.push(("CREWTEL_ATTRIBUTE_COUNT_LIMIT", "3".into()));
    let (builder, _) = configured(&vars);
    let reporter = builder
        .every_event(|| crewtel::ProcessContext::detect("proj"))
        .build();
    let event = Execution {
        task_id: "t1",
        agent_role: "researcher",
    };
    reporter
        .start(event.telemetry_event())
        .fail(&std::io::Error::other("x"));
    reporter.shutdown();

    let spans = collector.spans();
    let span = &spans[0].1;
    let keys: Vec<&str> = span.attributes.iter().map(|kv| kv.key.as_str()).collect();
    assert_eq!(keys, ["task_id", "agent_role", "error_type"]);
    assert_eq!(
        span.dropped_attributes_count, 4,
        "the four every-event keys were dropped, and counted"
    );
}

#[test]
fn the_value_length_limit_never_sends_broken_json() {
    #[derive(Telemetry)]
    struct Team<'a> {
        #[telemetry(always, rename = "crew_agents")]
        agents: &'a [Agent],
        #[telemetry(always, rename = "lead")]
        lead: &'a [Agent],
    }
    let agent = |role: &str| Agent {
        role: role.into(),
        goal: String::new(),
    };
    let agents = [agent("researcher"), agent("writer"), agent("editor")];
    let lead = [agent("a role far longer than the limit allows")];
    let collector = Collector::start(Behaviour::Accept);
    let mut vars = to(&collector);
    vars.push(("CREWTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "45".into()));
    let (builder, _) = configured(&vars);
    let reporter = builder.build();
    reporter.emit(
        Team {
            agents: &agents,
            lead: &lead,
        }
        .telemetry_event(),
    );
    reporter.shutdown();
    let spans = collector.spans();
    let span = &spans[0].1;
    let Some(Value::StringValue(agents)) = attribute(&span.attributes, "crew_agents") else {
        panic!("crew_agents missing: {:?}", span.attributes)
    };
    let parsed: serde_json::Value = serde_json::from_str(agents).expect("whole JSON");
    assert_eq!(
        parsed,
        serde_json::json!([{"role": "researcher"}, {"role": "writer"}])
    );
    assert_eq!(
        attribute(&span.attributes, "lead"),
        None,
        "not even one entry fits"
    );
    assert_eq!(reporter.dropped_attributes(), 1);
}

/// Collects what a writer is given.
#[derive(Clone, Default)]
struct Printed(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Printed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_debug_printer_shows_what_the_collector_receives_after_the_same_limits() {
    let limits = [
        ("CREWTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "4".to_owned()),
        ("CREWTEL_ATTRIBUTE_COUNT_LIMIT", "3".to_owned()),
    ];
    // Exported.
    let collector = Collector::start(Behaviour::Accept);
    let mut vars = to(&collector);
    vars.extend(limits.clone());
    let (builder, _) = configured(&vars);
    let reporter = builder.build();
    reporter.emit(crew(false, "d").telemetry_event());
    reporter.shutdown();
    let spans = collector.spans();
    let exported: Vec<(String, String)> = spans[0]
        .1
        .attributes
        .iter()
        .map(|kv| (kv.key.clone(), format!("{:?}", kv.value)))
        .collect();

    // Printed: the same pipeline, the debug printer at its end.
    let mut vars: Vec<(&str, String)> = vec![("CREWTEL_DEBUG", "1".to_owned())];
    vars.extend(limits);
    let (builder, _) = configured(&vars);
    let printed = Printed::default();
    let reporter = builder.debug_output(printed.clone()).build();
    assert_eq!(reporter.mode(), Mode::Debug);
    reporter.emit(crew(false, "d").telemetry_event());
    reporter.shutdown();
    let text = String::from_utf8(printed.0.lock().unwrap().clone()).unwrap();
    let line: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
    let attributes = line["attributes"].as_object().unwrap();
    let keys: Vec<&str> = attributes.keys().map(String::as_str).collect();
    let exported_keys: Vec<&str> = exported.iter().map(|(key, _)| key.as_str()).collect();
    assert_eq!(keys, exported_keys, "the count limit applies to both");
    assert_eq!(attributes["crew_process"], "sequ", "and the length limit");
}

#[derive(Telemetry)]
#[telemetry(event = "Crew Completed")]
struct Run {
    #[telemetry(always)]
    agents: u32,
}

#[derive(Telemetry)]
#[telemetry(event = "Tool Usage")]
struct ToolUsage {
    #[telemetry(always)]
    attempts: u32,
}

/// Starts a run with two tasks, a tool call in the first, and a run-less
/// event; returns the spans received by name.
fn run_tree(
    builder: ReporterBuilder,
    collector: &Collector,
) -> HashMap<String, Vec<opentelemetry_proto::tonic::trace::v1::Span>> {
    let reporter = Arc::new(builder.build());
    let telemetry = crewtel::Dispatch::new(reporter.clone());
    let run = telemetry.start(Run { agents: 2 }.telemetry_event());
    let first = telemetry.start_in(&run, TaskExecution { task_id: "t1" }.telemetry_event());
    telemetry.emit_in(&first, ToolUsage { attempts: 1 }.telemetry_event());
    first.end();
    let second = telemetry.start_in(&run, TaskExecution { task_id: "t2" }.telemetry_event());
    second.end();
    run.end();
    telemetry.emit(ToolUsage { attempts: 9 }.telemetry_event());
    reporter.shutdown();
    collector.wait_until(|received| !received.is_empty());
    let mut by_name: HashMap<String, Vec<_>> = HashMap::new();
    for (_, span) in collector.spans() {
        by_name.entry(span.name.clone()).or_default().push(span);
    }
    by_name
}

#[test]
fn a_run_is_one_trace_whose_spans_are_children_of_what_they_ran_in() {
    let collector = Collector::start(Behaviour::Accept);
    let (builder, _) = configured(&to(&collector));
    let spans = run_tree(builder, &collector);
    let run = &spans["Crew Completed"][0];
    let tasks = &spans["Task Execution"];
    let tools = &spans["Tool Usage"];
    assert_eq!((tasks.len(), tools.len()), (2, 2));
    assert!(run.parent_span_id.is_empty(), "the run is the root");
    assert_eq!(run.trace_id.len(), 16);
    assert_eq!(run.span_id.len(), 8);
    for task in tasks {
        assert_eq!(task.trace_id, run.trace_id, "one trace per run");
        assert_eq!(task.parent_span_id, run.span_id);
    }
    assert_ne!(tasks[0].span_id, tasks[1].span_id);
    let in_task = tools
        .iter()
        .find(|tool| tool.trace_id == run.trace_id)
        .expect("the tool call is in the run's trace");
    let first = tasks
        .iter()
        .find(|task| task.span_id == in_task.parent_span_id)
        .expect("the tool call is a child of its task");
    assert_eq!(
        collector::attribute(&first.attributes, "task_id"),
        Some(&string("t1"))
    );
    let outside = tools
        .iter()
        .find(|tool| tool.trace_id != run.trace_id)
        .expect("an event outside the run is a trace of its own");
    assert!(outside.parent_span_id.is_empty());

    // A second run is another trace: the ids link nothing beyond a run.
    let again = Collector::start(Behaviour::Accept);
    let (builder, _) = configured(&to(&again));
    let second = run_tree(builder, &again);
    assert_ne!(second["Crew Completed"][0].trace_id, run.trace_id);
}

#[test]
fn a_host_that_wants_no_tree_gets_one_trace_per_span() {
    let collector = Collector::start(Behaviour::Accept);
    let (builder, _) = configured(&to(&collector));
    let spans = run_tree(builder.span_tree(false), &collector);
    let all: Vec<_> = spans.values().flatten().collect();
    assert_eq!(all.len(), 5);
    for span in &all {
        assert!(span.parent_span_id.is_empty(), "{} has a parent", span.name);
    }
    let traces: std::collections::HashSet<_> = all.iter().map(|span| &span.trace_id).collect();
    assert_eq!(traces.len(), 5, "each span is a trace of its own");
}

#[test]
fn the_readable_printer_shows_each_run_as_a_tree_with_consents_and_values() {
    let (builder, _) = configured(&[("CREWTEL_DEBUG", "pretty".to_owned())]);
    let printed = Printed::default();
    let reporter = Arc::new(builder.debug_output(printed.clone()).build());
    assert_eq!(reporter.mode(), Mode::Debug);
    let telemetry = crewtel::Dispatch::new(reporter.clone());
    let run = telemetry.start(Run { agents: 2 }.telemetry_event());
    let task = telemetry.start_in(&run, TaskExecution { task_id: "t1" }.telemetry_event());
    telemetry.emit_in(&task, ToolUsage { attempts: 1 }.telemetry_event());
    task.fail(&std::io::Error::other("the prompt leaked here"));
    run.end();
    telemetry.emit(crew(true, "shared-marker").telemetry_event());
    reporter.shutdown();
    let text = String::from_utf8(printed.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let at = |prefix: &str| {
        lines
            .iter()
            .position(|line| line.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line `{prefix}` in\n{text}"))
    };
    assert!(lines[0].contains("nothing leaves the process"), "{text}");
    // The run first, what ran inside it indented under it, in order.
    let run = at("● Crew Completed · anonymous");
    let task = at("    ● Task Execution · anonymous · failed: io::Error");
    let tool = at("        ● Tool Usage · anonymous");
    assert!(run < task && task < tool, "{text}");
    assert!(lines[run + 1].trim_start().starts_with("agents"), "{text}");
    assert!(
        lines[tool + 1].trim_start().starts_with("attempts"),
        "{text}"
    );
    assert!(lines[tool + 1].ends_with(" 1"), "{text}");
    // A crew that shares says so; an error's message is never shown.
    at("● Crew Created · shared by the crew");
    assert!(!text.contains("the prompt leaked here"), "{text}");
    assert!(text.contains("shared-marker"), "{text}");
}
