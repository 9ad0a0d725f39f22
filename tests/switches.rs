//! Each switch and each malformed variable, through a real `Reporter`.

mod collector;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use collector::{Behaviour, Captured, Collector};
use crewtel::Telemetry;
use crewtel_reporter::Reporter;
use crewtel_reporter::status::Mode;

#[derive(Telemetry)]
#[telemetry(event = "Tool Usage")]
struct ToolUsage {
    #[telemetry(always)]
    tool_name: &'static str,
    #[telemetry(always)]
    attempts: u32,
    #[telemetry(share_crew)]
    note: &'static str,
}

const USAGE: ToolUsage = ToolUsage {
    tool_name: "search",
    attempts: 0,
    note: "shared only",
};

struct Run {
    mode: Mode,
    warnings: Vec<String>,
    debug: String,
    spans: usize,
}

/// Builds a reporter on `vars` with a live collector as the endpoint, emits
/// two events, shuts down, and says what came out where.
fn run(vars: &[(&str, &str)]) -> Run {
    let collector = Collector::start(Behaviour::Accept);
    let mut env: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    env.entry("CREWTEL_DATA_DIR".into())
        .or_insert_with(|| collector::scratch_dir("switches").display().to_string());
    env.entry("CREWTEL_EXPORTER_OTLP_ENDPOINT".into())
        .or_insert_with(|| collector.endpoint());
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&warnings);
    let debug = Captured::default();
    let reporter = Reporter::builder()
        .environment(move |name| env.get(name).cloned())
        .on_warning(move |line| sink.lock().unwrap().push(line.to_owned()))
        .debug_output(debug.clone())
        // Long: what arrived is checked after it.
        .shutdown_timeout(std::time::Duration::from_secs(10))
        .build();
    let mode = reporter.mode();
    reporter.emit(USAGE.telemetry_event());
    reporter.emit(USAGE.telemetry_event());
    reporter.shutdown();
    let warnings = warnings.lock().unwrap().clone();
    Run {
        mode,
        warnings,
        debug: debug.text(),
        spans: collector.spans().len(),
    }
}

#[test]
fn each_off_switch_turns_everything_off() {
    for switch in [
        ("OTEL_SDK_DISABLED", "true"),
        ("OTEL_SDK_DISABLED", "True"),
        ("DO_NOT_TRACK", "1"),
        ("CREWTEL_DISABLED", "yes"),
    ] {
        // Even with debug on and a malformed variable beside it: off wins,
        // and nothing else is read.
        let run = run(&[
            switch,
            ("CREWTEL_DEBUG", "1"),
            ("CREWTEL_EXPORTER_OTLP_TIMEOUT", "soon"),
        ]);
        assert_eq!(run.mode, Mode::Off, "{switch:?}");
        assert_eq!(run.spans, 0, "{switch:?}: something was sent");
        assert!(run.debug.is_empty(), "{switch:?}: something was printed");
        assert!(run.warnings.is_empty(), "{switch:?}: {:?}", run.warnings);
    }
}

#[test]
fn debug_prints_one_json_line_an_event_and_sends_nothing() {
    let run = run(&[("CREWTEL_DEBUG", "1")]);
    assert_eq!(run.mode, Mode::Debug);
    assert_eq!(run.spans, 0, "debug builds no network exporter");
    let lines: Vec<&str> = run.debug.lines().collect();
    assert_eq!(lines.len(), 3, "the resource, then one line an event");
    // First what every export would carry about this machine.
    let resource: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(resource["resource"]["telemetry.sdk.name"], "crewtel");
    assert!(resource["resource"].get("host.name").is_none());
    // Only what the one list of resource keys names, and nothing finer than
    // an anonymous event may carry: the CPU count's band, not the count.
    let listed: Vec<&str> = crewtel::catalogue::RESOURCE_KEYS
        .iter()
        .map(|k| k.key)
        .collect();
    for key in resource["resource"].as_object().unwrap().keys() {
        assert!(listed.contains(&key.as_str()), "{key} is not a listed key");
        assert!(!key.contains("cpu") || key == "crewtel.cpu_band", "{key}");
    }
    // Each event as the README shows one (name, consent, attributes), with
    // its place in its trace.
    let mut spans = Vec::new();
    for line in &lines[1..] {
        let mut event: serde_json::Value = serde_json::from_str(line).unwrap();
        let ids = event.as_object_mut().unwrap();
        let trace_id = ids.remove("trace_id").expect("a trace id");
        let span_id = ids.remove("span_id").expect("a span id");
        for id in [&trace_id, &span_id] {
            let hex = id.as_str().unwrap();
            assert!(hex.len() == 32 || hex.len() == 16, "{hex}");
            assert!(hex.chars().all(|c| c.is_ascii_hexdigit()), "{hex}");
        }
        spans.push(span_id);
        assert_eq!(
            event,
            serde_json::json!({"name": "Tool Usage", "consent": "anonymous", "attributes": {"tool_name": "search", "attempts": 0}})
        );
    }
    assert_ne!(spans[0], spans[1]);
}

#[test]
fn a_host_can_print_instead_when_no_endpoint_is_configured() {
    let debug = Captured::default();
    let reporter = Reporter::builder()
        .environment(|_| None)
        .debug_without_endpoint(true)
        .debug_output(debug.clone())
        .build();
    assert_eq!(reporter.mode(), Mode::Debug);
    reporter.emit(USAGE.telemetry_event());
    assert_eq!(
        debug.text().lines().count(),
        2,
        "the resource and the event"
    );
}

#[test]
fn each_malformed_variable_gets_one_warning_and_a_safe_default() {
    for (name, value) in [
        ("OTEL_SDK_DISABLED", "maybe"),
        ("CREWTEL_EXPORTER_OTLP_PROTOCOL", "smoke-signals"),
        ("CREWTEL_EXPORTER_OTLP_HEADERS", "no-equals-sign"),
        ("CREWTEL_EXPORTER_OTLP_TIMEOUT", "-5"),
        ("CREWTEL_EXPORTER_OTLP_COMPRESSION", "rar"),
        ("CREWTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "long"),
        ("CREWTEL_ATTRIBUTE_COUNT_LIMIT", "1.5"),
    ] {
        let run = run(&[(name, value)]);
        assert_eq!(run.warnings.len(), 1, "{name}={value}: {:?}", run.warnings);
        assert!(run.warnings[0].contains(name), "{:?}", run.warnings);
        assert!(
            !run.warnings[0].contains(value),
            "the value is echoed: {:?}",
            run.warnings
        );
        assert_eq!(run.mode, Mode::Export, "{name}={value}");
        assert_eq!(run.spans, 2, "{name}={value}: the safe default still sends");
    }
    let run = run(&[("CREWTEL_EXPORTER_OTLP_ENDPOINT", "collector.local:4318")]);
    assert_eq!(run.mode, Mode::NoEndpoint);
    assert_eq!(run.warnings.len(), 1);
    assert!(run.warnings[0].contains("CREWTEL_EXPORTER_OTLP_ENDPOINT"));
}

#[test]
fn status_names_the_application_s_endpoint_it_does_not_use() {
    let env = |name: &str| {
        (name == "OTEL_EXPORTER_OTLP_ENDPOINT").then(|| "http://app-collector:4318".to_owned())
    };
    let reporter = Reporter::builder().environment(env).build();
    let status = reporter.status();
    assert_eq!(reporter.mode(), Mode::NoEndpoint, "not sent there");
    assert_eq!(
        status.unused_application_endpoint,
        Some("OTEL_EXPORTER_OTLP_ENDPOINT")
    );
    let shown = status.to_string();
    assert!(
        shown.contains("OTEL_EXPORTER_OTLP_ENDPOINT")
            && shown.contains("CREWTEL_EXPORTER_OTLP_ENDPOINT"),
        "{shown}"
    );
    assert!(!shown.contains("app-collector"), "{shown}");

    let unset = Reporter::builder().environment(|_| None).build();
    assert_eq!(unset.status().unused_application_endpoint, None);
}
