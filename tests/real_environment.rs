//! The process environment, read for real (every other test injects its
//! variables): what crewtel refuses, nothing beneath it may use behind its
//! back. This binary (`harness = false`) runs itself as a child process with
//! the variables set; the child only reports.

mod collector;

use std::process::Command;

use collector::{Behaviour, Collector, attribute};
use crewtel::Telemetry;
use crewtel_reporter::Reporter;

const CHILD: &str = "CREWTEL_TEST_CHILD";

#[derive(Telemetry)]
#[telemetry(event = "Wide")]
struct Wide {
    #[telemetry(always)]
    a: u8,
    #[telemetry(always)]
    b: u8,
    #[telemetry(always)]
    c: u8,
    #[telemetry(always)]
    d: u8,
}

fn main() {
    if std::env::var_os(CHILD).is_some() {
        let reporter = Reporter::builder().service_name("real-env").build();
        reporter.emit(
            Wide {
                a: 1,
                b: 2,
                c: 3,
                d: 4,
            }
            .telemetry_event(),
        );
        reporter.shutdown();
        return;
    }
    variables_crewtel_refuses_are_not_used_beneath_it();
    println!("test variables_crewtel_refuses_are_not_used_beneath_it ... ok");
}

fn variables_crewtel_refuses_are_not_used_beneath_it() {
    let collector = Collector::start(Behaviour::Accept);
    let status = Command::new(std::env::current_exe().unwrap())
        .env(CHILD, "1")
        .env("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint())
        .env("CREWTEL_RECORD", "off")
        // Malformed as a whole: crewtel discards it, so no header may arrive.
        .env(
            "CREWTEL_EXPORTER_OTLP_HEADERS",
            "authorization=Bearer%20sk-SECRET,broken",
        )
        // Not crewtel's variables: nothing may cut attributes or sample by them.
        .env("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "2")
        .env("OTEL_TRACES_SAMPLER", "always_off")
        .env_remove("OTEL_SDK_DISABLED")
        .env_remove("DO_NOT_TRACK")
        .env_remove("CREWTEL_DISABLED")
        .env_remove("CREWTEL_DEBUG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert!(status.status.success(), "{stderr}");
    assert!(
        stderr.contains("CREWTEL_EXPORTER_OTLP_HEADERS"),
        "one warning names the variable: {stderr}"
    );
    assert!(
        !stderr.contains("sk-SECRET"),
        "the value was echoed: {stderr}"
    );

    let received = collector.wait_until(|r| !r.is_empty());
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].header("authorization"),
        None,
        "a refused header was sent"
    );
    let spans = collector.spans();
    assert_eq!(
        spans.len(),
        1,
        "OpenTelemetry's sampler variable was obeyed"
    );
    let span = &spans[0].1;
    assert_eq!(
        span.attributes.len(),
        4,
        "OpenTelemetry's attribute limit variable was obeyed"
    );
    assert!(attribute(&span.attributes, "d").is_some());
}
