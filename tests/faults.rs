//! A dead, slow or hostile collector costs the host nothing it can notice:
//! `emit` returns at once, `shutdown` keeps its bound, nothing panics, and at
//! most one warning is printed.

mod collector;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use collector::{Behaviour, Collector, nothing_listening};
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
}

const SHUTDOWN_BOUND: Duration = Duration::from_millis(500);
/// Generous: the bounds under test are about the network (seconds), not speed.
const SLACK: Duration = Duration::from_millis(750);
/// Far above what one emit costs, far below what any network wait would.
const EMIT_CEILING: Duration = Duration::from_millis(200);

struct Outcome {
    slowest_emit: Duration,
    shutdown: Duration,
    warnings: Vec<String>,
}

fn run(endpoint: String, export_timeout_ms: u64, events: u32, queue_size: usize) -> Outcome {
    let env: HashMap<&str, String> = HashMap::from([
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
        (
            "CREWTEL_EXPORTER_OTLP_TIMEOUT",
            export_timeout_ms.to_string(),
        ),
        ("CREWTEL_RECORD", "off".to_owned()),
        (
            "CREWTEL_DATA_DIR",
            collector::scratch_dir("faults").display().to_string(),
        ),
    ]);
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&warnings);
    let reporter = Reporter::builder()
        .environment(move |name| env.get(name).cloned())
        .on_warning(move |line| sink.lock().unwrap().push(line.to_owned()))
        .shutdown_timeout(SHUTDOWN_BOUND)
        .queue_size(queue_size)
        .build();
    assert_eq!(reporter.mode(), Mode::Export);
    let mut slowest_emit = Duration::ZERO;
    for attempts in 0..events {
        let usage = ToolUsage {
            tool_name: "search",
            attempts,
        };
        let started = Instant::now();
        reporter.emit(usage.telemetry_event());
        slowest_emit = slowest_emit.max(started.elapsed());
        if attempts % 50 == 0 {
            // Let the batch processor try an export while events keep coming.
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let started = Instant::now();
    reporter.shutdown();
    let shutdown = started.elapsed();
    drop(reporter);
    let warnings = warnings.lock().unwrap().clone();
    Outcome {
        slowest_emit,
        shutdown,
        warnings,
    }
}

fn assert_unnoticeable(what: &str, outcome: &Outcome) {
    assert!(
        outcome.slowest_emit < EMIT_CEILING,
        "{what}: an emit took {:?}",
        outcome.slowest_emit
    );
    assert!(
        outcome.shutdown < SHUTDOWN_BOUND + SLACK,
        "{what}: shutdown took {:?}",
        outcome.shutdown
    );
    assert!(
        outcome.warnings.len() <= 1,
        "{what}: more than one warning: {:?}",
        outcome.warnings
    );
}

#[test]
fn a_collector_that_is_not_there() {
    let endpoint = nothing_listening();
    let outcome = run(endpoint.clone(), 1000, 200, 2048);
    assert_unnoticeable("nothing listening", &outcome);
    assert_eq!(outcome.warnings.len(), 1);
    // Where it was looked for, and what to check.
    let at = endpoint.trim_start_matches("http://");
    let warning = &outcome.warnings[0];
    assert!(
        warning.contains(&format!("unreachable at {at}"))
            && warning.contains("CREWTEL_EXPORTER_OTLP_ENDPOINT"),
        "{warning}"
    );
}

#[test]
fn http_500() {
    let collector = Collector::start(Behaviour::Fail {
        status: 500,
        retry_after: None,
        fail_times: usize::MAX,
    });
    let outcome = run(collector.endpoint(), 1000, 200, 2048);
    assert_unnoticeable("HTTP 500", &outcome);
    assert_eq!(outcome.warnings.len(), 1);
    assert!(
        outcome.warnings[0].contains("HTTP 500"),
        "{:?}",
        outcome.warnings
    );
    assert!(!collector.received().is_empty());
}

#[test]
fn http_429_is_retried_after_the_wait_it_asks_for() {
    let collector = Collector::start(Behaviour::Fail {
        status: 429,
        retry_after: Some(1),
        fail_times: 1,
    });
    let env: HashMap<&str, String> = HashMap::from([
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("CREWTEL_EXPORTER_OTLP_TIMEOUT", "3000".to_owned()),
        ("CREWTEL_RECORD", "off".to_owned()),
        (
            "CREWTEL_DATA_DIR",
            collector::scratch_dir("faults").display().to_string(),
        ),
    ]);
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&warnings);
    let reporter = Reporter::builder()
        .environment(move |name| env.get(name).cloned())
        .on_warning(move |line| sink.lock().unwrap().push(line.to_owned()))
        .shutdown_timeout(Duration::from_secs(3))
        .build();
    let started = Instant::now();
    reporter.emit(
        ToolUsage {
            tool_name: "search",
            attempts: 1,
        }
        .telemetry_event(),
    );
    assert!(started.elapsed() < EMIT_CEILING);
    // The process goes on; its courier waits as asked, and tries again.
    collector.wait_until(|received| received.len() >= 2);
    reporter.shutdown();
    let received = collector.received();
    assert_eq!(received.len(), 2, "one throttled attempt, one retry");
    let waited = received[1].at - received[0].at;
    assert!(
        waited >= Duration::from_millis(950),
        "Retry-After: 1 was not honoured: {waited:?}"
    );
    assert_eq!(collector.spans().len(), 2, "the same span, sent twice");
    assert!(
        warnings.lock().unwrap().is_empty(),
        "a retried success is not a failure"
    );
}

#[test]
fn http_429_whose_wait_exceeds_the_budget_is_not_waited_for() {
    let collector = Collector::start(Behaviour::Fail {
        status: 429,
        retry_after: Some(3600),
        fail_times: usize::MAX,
    });
    let outcome = run(collector.endpoint(), 1000, 10, 2048);
    assert_unnoticeable("HTTP 429 with Retry-After: 3600", &outcome);
    assert_eq!(collector.received().len(), 1);
    assert_eq!(outcome.warnings.len(), 1);
}

#[test]
fn a_collector_that_never_answers() {
    let collector = Collector::start(Behaviour::Hang);
    let outcome = run(collector.endpoint(), 5000, 200, 2048);
    assert_unnoticeable("a hanging collector", &outcome);
    let received = collector.wait_until(|r| !r.is_empty());
    assert!(!received.is_empty(), "the collector was reached");
}

#[test]
fn a_connection_reset() {
    let collector = Collector::start(Behaviour::Reset);
    let outcome = run(collector.endpoint(), 1000, 200, 2048);
    assert_unnoticeable("a connection reset", &outcome);
    assert_eq!(outcome.warnings.len(), 1);
}

#[test]
fn a_garbage_answer() {
    let collector = Collector::start(Behaviour::Garbage);
    let outcome = run(collector.endpoint(), 1000, 200, 2048);
    assert_unnoticeable("a garbage answer", &outcome);
    assert_eq!(outcome.warnings.len(), 1);
}

#[test]
fn a_garbage_body_with_a_success_status() {
    let collector = Collector::start(Behaviour::GarbageBody);
    let outcome = run(collector.endpoint(), 1000, 200, 2048);
    assert_unnoticeable("a garbage body", &outcome);
    // The spans were delivered; an unreadable answer to a 200 is no failure.
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
}

#[test]
fn a_redirect_is_not_followed() {
    // A redirect would carry the events, and the headers that may hold
    // credentials, to an endpoint nobody chose.
    let elsewhere = Collector::start(Behaviour::Accept);
    let collector = Collector::start(Behaviour::Redirect(format!(
        "{}/v1/traces",
        elsewhere.endpoint()
    )));
    let outcome = run(collector.endpoint(), 1000, 10, 2048);
    assert_unnoticeable("a redirect", &outcome);
    collector.wait_until(|r| !r.is_empty());
    assert_eq!(elsewhere.received().len(), 0, "the redirect was followed");
    assert_eq!(outcome.warnings.len(), 1, "{:?}", outcome.warnings);
}

/// A reporter exporting to `collector`, with no record, and a shutdown
/// bound long enough for megabytes of events to be delivered.
fn exporting_to(collector: &Collector) -> Reporter {
    let env: HashMap<&str, String> = HashMap::from([
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("CREWTEL_RECORD", "off".to_owned()),
        (
            "CREWTEL_DATA_DIR",
            collector::scratch_dir("faults").display().to_string(),
        ),
    ]);
    Reporter::builder()
        .environment(move |name| env.get(name).cloned())
        .shutdown_timeout(Duration::from_secs(10))
        .build()
}

#[test]
fn an_event_too_large_to_export_is_dropped_and_counted() {
    #[derive(Telemetry)]
    struct Huge {
        #[telemetry(always, free_text)]
        text: String,
    }
    let collector = Collector::start(Behaviour::Accept);
    let reporter = exporting_to(&collector);
    reporter.emit(
        Huge {
            text: "x".repeat(2 << 20),
        }
        .telemetry_event(),
    );
    reporter.emit(
        ToolUsage {
            tool_name: "search",
            attempts: 1,
        }
        .telemetry_event(),
    );
    // Large by its numbers alone: an array is weighed by its content.
    reporter.emit(
        Counts {
            counts: vec![u64::MAX; 200_000],
        }
        .telemetry_event(),
    );
    reporter.shutdown();
    assert_eq!(reporter.dropped_events(), 2);
    let spans = collector.spans();
    assert_eq!(spans.len(), 1, "the small event still went out");
    assert_eq!(spans[0].1.name, "Tool Usage");
}

#[derive(Telemetry)]
struct Counts {
    #[telemetry(always)]
    counts: Vec<u64>,
}

#[test]
fn large_events_go_in_requests_of_their_own_and_never_cost_small_ones() {
    let collector = Collector::start(Behaviour::Accept);
    let reporter = exporting_to(&collector);
    // Each just under the event bound; together far over a collector's
    // usual 4 MiB request limit, in one batch.
    for _ in 0..6 {
        reporter.emit(
            Counts {
                counts: vec![u64::MAX; 40_000],
            }
            .telemetry_event(),
        );
        reporter.emit(
            ToolUsage {
                tool_name: "search",
                attempts: 1,
            }
            .telemetry_event(),
        );
    }
    reporter.shutdown();
    assert_eq!(reporter.dropped_events(), 0);
    assert_eq!(collector.spans().len(), 12, "every event arrived");
    // About 3 MiB of protobuf in all (half a MiB each): in requests of at
    // most 2 MiB.
    let received = collector.received();
    assert!(
        received.len() >= 2,
        "split into {} requests",
        received.len()
    );
    for request in &received {
        assert!(
            request.bytes < 4 << 20,
            "a request of {} bytes",
            request.bytes
        );
    }
}

#[test]
fn a_full_queue_drops_and_counts_instead_of_blocking() {
    let collector = Collector::start(Behaviour::Accept);
    let env: HashMap<&str, String> = HashMap::from([
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("CREWTEL_RECORD", "off".to_owned()),
        (
            "CREWTEL_DATA_DIR",
            collector::scratch_dir("full-queue").display().to_string(),
        ),
    ]);
    let reporter = Reporter::builder()
        .environment(move |name| env.get(name).cloned())
        .queue_size(16)
        .shutdown_timeout(Duration::from_secs(10))
        .build();
    // Far faster than a batch a second can take them: most find the queue
    // full, and none waits for room.
    let started = Instant::now();
    for attempts in 0..5000 {
        let usage = ToolUsage {
            tool_name: "search",
            attempts,
        };
        reporter.emit(usage.telemetry_event());
    }
    assert!(started.elapsed() < EMIT_CEILING * 5);
    reporter.shutdown();
    let status = reporter.status();
    let dropped = reporter.dropped_events();
    assert!(dropped > 0, "room for 16: some were dropped");
    assert_eq!(status.dropped.queue_full, dropped, "{:?}", status.dropped);
    // Every event either arrived, is counted as dropped, or was left out
    // by sampling under load (each here a run of its own).
    let left_out = status.sampling.map_or(0, |s| s.runs_left_out);
    assert_eq!(collector.spans().len() as u64 + dropped + left_out, 5000);
}

#[test]
fn inside_a_tokio_runtime_nothing_panics_or_blocks_past_the_bound() {
    for flavour in ["current_thread", "multi_thread"] {
        let runtime = match flavour {
            "current_thread" => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            _ => tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap(),
        };
        let good = Collector::start(Behaviour::Accept);
        let hanging = Collector::start(Behaviour::Hang);
        runtime.block_on(async {
            let outcome = run(good.endpoint(), 1000, 20, 2048);
            assert_unnoticeable(flavour, &outcome);
            assert!(
                outcome.warnings.is_empty(),
                "{flavour}: {:?}",
                outcome.warnings
            );
            let outcome = run(hanging.endpoint(), 5000, 20, 2048);
            assert_unnoticeable(flavour, &outcome);
            // And from a task, as an async host would.
            let endpoint = good.endpoint();
            tokio::spawn(async move { run(endpoint, 1000, 5, 2048) })
                .await
                .unwrap();
        });
        good.wait_until(|_| good.spans().len() >= 25);
        assert_eq!(
            good.spans().len(),
            25,
            "{flavour}: every event of the good collector arrived"
        );
    }
}

/// Host code that panics while crewtel builds its event: a `with` function
/// (`panics` on demand) and a hand-written `TelemetryValue`.
mod panicking {
    use std::sync::atomic::{AtomicBool, Ordering};

    use crewtel::{
        Literal, Telemetry, TelemetryValue,
        value::{Scalar, ScalarKind},
    };

    pub static PANIC: AtomicBool = AtomicBool::new(false);

    pub fn label(n: &u32) -> Literal {
        if PANIC.load(Ordering::SeqCst) {
            panic!("the prompt was: summarise my diary");
        }
        if *n > 1 {
            crewtel::literal!("many")
        } else {
            crewtel::literal!("one")
        }
    }

    pub struct Fragile(pub bool);

    impl TelemetryValue for Fragile {
        const KIND: Option<ScalarKind> = Some(ScalarKind::Bool);

        fn telemetry_value(&self) -> Scalar<'_> {
            if self.0 {
                panic!("a host's TelemetryValue panicked");
            }
            Scalar::Bool(true)
        }
    }

    impl crewtel::NotFreeText for Fragile {}

    #[derive(Telemetry)]
    #[telemetry(event = "Task Execution")]
    pub struct Task {
        #[telemetry(always, rename = "tools", with = "label")]
        pub tools: u32,
    }

    #[derive(Telemetry)]
    #[telemetry(event = "Task Execution (end)")]
    pub struct Ended {
        #[telemetry(always)]
        pub ok: Fragile,
    }
}

#[test]
fn host_code_that_panics_costs_the_event_and_nothing_else() {
    use std::sync::atomic::Ordering;

    use panicking::{Ended, Fragile, PANIC, Task};

    let collector = Collector::start(Behaviour::Accept);
    let env: HashMap<&str, String> = HashMap::from([
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("CREWTEL_RECORD", "off".to_owned()),
        (
            "CREWTEL_DATA_DIR",
            collector::scratch_dir("faults").display().to_string(),
        ),
    ]);
    let warnings = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&warnings);
    let reporter = Reporter::builder()
        .environment(move |name| env.get(name).cloned())
        .on_warning(move |line| sink.lock().unwrap().push(line.to_owned()))
        .every_event(|| -> crewtel::ProcessContext { panic!("every_event panicked") })
        .build();
    assert_eq!(reporter.mode(), Mode::Export);

    PANIC.store(true, Ordering::SeqCst);
    reporter.emit(Task { tools: 2 }.telemetry_event()); // dropped
    let _ = reporter.start(Task { tools: 2 }.telemetry_event()); // never opened
    PANIC.store(false, Ordering::SeqCst);
    reporter.emit(Task { tools: 2 }.telemetry_event()); // sent
    reporter
        .start(Task { tools: 1 }.telemetry_event())
        .end_with(Ended { ok: Fragile(true) }.telemetry_event()); // not sent as a success
    reporter
        .start(Task { tools: 1 }.telemetry_event())
        .end_with(Ended { ok: Fragile(false) }.telemetry_event()); // sent
    reporter.shutdown();

    let spans = collector.spans();
    assert_eq!(
        spans.len(),
        2,
        "only the events whose host code did not panic"
    );
    assert!(
        spans
            .iter()
            .all(|(_, span)| span.attributes.iter().all(|kv| kv.key != "project_id")),
        "the every_event context that panicked is not sent"
    );
    let ended: Vec<_> = spans
        .iter()
        .filter(|(_, span)| span.attributes.iter().any(|kv| kv.key == "ok"))
        .collect();
    assert_eq!(ended.len(), 1, "the span whose end panicked was not sent");
    // The every_event closure, one emit, one start and one end.
    assert_eq!(reporter.dropped_events(), 4);
    let warnings = warnings.lock().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(!warnings[0].contains("diary"), "the panic's message leaked");
}

/// A panic payload whose own drop panics.
struct Bomb;

impl Drop for Bomb {
    fn drop(&mut self) {
        panic!("the payload's drop panicked");
    }
}

fn explode(_: &u32) -> u32 {
    std::panic::panic_any(Bomb)
}

#[derive(Telemetry)]
#[telemetry(event = "Tool Usage")]
struct Explosive {
    #[telemetry(always, with = "explode")]
    attempts: u32,
}

/// A writer that panics on every write.
struct PanickingWriter;

impl std::io::Write for PanickingWriter {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        panic!("the host's writer panicked")
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn host_code_around_the_reporter_that_panics_stops_there() {
    // A panicking environment closure reads as nothing set; a panicking
    // warning sink and a payload whose drop panics stop in crewtel.
    let collector = Collector::start(Behaviour::Accept);
    let endpoint = collector.endpoint();
    let dir = collector::scratch_dir("panics").display().to_string();
    let outcome = std::panic::catch_unwind(|| {
        let reporter = Reporter::builder()
            .environment(move |name| match name {
                "CREWTEL_EXPORTER_OTLP_ENDPOINT" => Some(endpoint.clone()),
                "CREWTEL_RECORD" => Some("off".into()),
                "CREWTEL_DATA_DIR" => Some(dir.clone()),
                "OTEL_SERVICE_NAME" => panic!("the host's lookup panicked"),
                _ => None,
            })
            .on_warning(|_| panic!("the host's warning sink panicked"))
            .build();
        assert_eq!(reporter.mode(), Mode::Export);
        reporter.emit(Explosive { attempts: 1 }.telemetry_event());
        let _ = reporter.start(Explosive { attempts: 1 }.telemetry_event());
        reporter.emit(
            ToolUsage {
                tool_name: "search",
                attempts: 1,
            }
            .telemetry_event(),
        );
        reporter.shutdown();
        reporter.dropped_events()
    });
    assert_eq!(outcome.ok(), Some(2), "nothing unwound into the host");
    assert_eq!(collector.spans().len(), 1);

    // A host's debug writer that panics: every event is still attempted.
    let outcome = std::panic::catch_unwind(|| {
        let reporter = Reporter::builder()
            .environment(|name| (name == "CREWTEL_DEBUG").then(|| "1".into()))
            .debug_output(PanickingWriter)
            .build();
        assert_eq!(reporter.mode(), Mode::Debug);
        for attempts in 0..3 {
            reporter.emit(
                ToolUsage {
                    tool_name: "search",
                    attempts,
                }
                .telemetry_event(),
            );
        }
    });
    assert!(outcome.is_ok(), "the writer's panic unwound into the host");
}

/// A hand-written value whose `KIND` says integer and which returns the
/// user's prompt: the catalogue lists an integer, so nothing else leaves.
mod lying {
    use crewtel::{
        Telemetry, TelemetryValue,
        value::{Scalar, ScalarKind, Text},
    };

    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    pub struct Tokens(pub &'static str);

    impl TelemetryValue for Tokens {
        const KIND: Option<ScalarKind> = Some(ScalarKind::I64);

        fn telemetry_value(&self) -> Scalar<'_> {
            match self.0.parse() {
                Ok(count) => Scalar::I64(count),
                Err(_) => Scalar::Text(Text::Borrowed(self.0)),
            }
        }
    }

    impl crewtel::NotFreeText for Tokens {}

    #[derive(Telemetry)]
    #[telemetry(event = "LLM Call")]
    pub struct Call {
        /// Tokens used.
        #[telemetry(always)]
        pub tokens: Tokens,
        /// Tokens of each turn.
        #[telemetry(always)]
        pub turns: Vec<Tokens>,
        /// Turns by their tokens.
        #[telemetry(always)]
        pub by_tokens: std::collections::BTreeMap<Tokens, u32>,
        /// Each turn's tokens.
        #[telemetry(always)]
        pub by_turn: std::collections::BTreeMap<u32, Tokens>,
    }
}

#[test]
fn a_value_of_another_kind_than_declared_is_not_sent_and_warned_of_once() {
    use crewtel::testing::Capture;
    use lying::{Call, Tokens};

    let capture = Capture::new();
    let warnings = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&warnings);
    let reporter = Reporter::builder()
        .environment(|_| None)
        .on_warning(move |line| sink.lock().unwrap().push(line.to_owned()))
        .capture(&capture)
        .build();
    for _ in 0..3 {
        reporter.emit(
            Call {
                tokens: Tokens("my secret prompt"),
                turns: vec![Tokens("12"), Tokens("another prompt"), Tokens("30")],
                by_tokens: [(Tokens("7"), 1), (Tokens("a prompt as a key"), 2)].into(),
                by_turn: [(1, Tokens("12")), (2, Tokens("a prompt as a value"))].into(),
            }
            .telemetry_event(),
        );
    }
    reporter.emit(
        Call {
            tokens: Tokens("42"),
            turns: Vec::new(),
            by_tokens: Default::default(),
            by_turn: Default::default(),
        }
        .telemetry_event(),
    );
    reporter.shutdown();

    capture.assert_never_sent("prompt");
    let events = capture.events();
    assert_eq!(events.len(), 4, "the events themselves are sent");
    assert!(events[0].get("tokens").is_none(), "{:?}", events[0]);
    assert_eq!(
        events[0].get("turns"),
        Some(&crewtel::attribute::Value::Array(
            crewtel::attribute::Array::I64(vec![12, 30])
        )),
        "the list keeps its entries of the declared kind"
    );
    assert_eq!(
        events[0].get("by_tokens"),
        Some(&crewtel::attribute::Value::from(r#"{"7":1}"#)),
        "the map keeps its entries whose key is of the declared kind"
    );
    assert_eq!(
        events[0].get("by_turn"),
        Some(&crewtel::attribute::Value::from(r#"{"1":12,"2":null}"#)),
        "a value of another kind is written as null"
    );
    assert_eq!(
        events[3].get("tokens"),
        Some(&crewtel::attribute::Value::I64(42))
    );
    let warnings = warnings.lock().unwrap();
    let about: Vec<_> = warnings
        .iter()
        .filter(|line| line.contains("lying::Tokens"))
        .collect();
    assert_eq!(about.len(), 1, "one warning, naming the type: {warnings:?}");
}

/// A host whose warning sink emits (or is slow) never blocks the courier
/// against the host: the courier reports a lasting failure without
/// holding what `emit` takes to wake it.
#[test]
fn a_warning_sink_that_emits_blocks_neither_the_courier_nor_emit() {
    static REPORTER: std::sync::OnceLock<Arc<Reporter>> = std::sync::OnceLock::new();
    let collector = Collector::start(Behaviour::Fail {
        status: 503,
        retry_after: None,
        fail_times: usize::MAX,
    });
    let dir = collector::scratch_dir("warning-emits");
    let env: HashMap<&str, String> = HashMap::from([
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("CREWTEL_RECORD", "off".to_owned()),
        ("CREWTEL_DATA_DIR", dir.display().to_string()),
    ]);
    let warned = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&warned);
    let reporter = REPORTER.get_or_init(|| {
        Arc::new(
            Reporter::builder()
                .environment(move |name| env.get(name).cloned())
                .on_warning(move |line| {
                    // Emits into the reporter that warns, on its courier's
                    // thread, before it notes the warning.
                    if let Some(reporter) = REPORTER.get() {
                        reporter.emit(
                            ToolUsage {
                                tool_name: "warning",
                                attempts: 0,
                            }
                            .telemetry_event(),
                        );
                    }
                    sink.lock().unwrap().push(line.to_owned());
                })
                .shutdown_timeout(Duration::from_millis(100))
                .build(),
        )
    });
    reporter.emit(
        ToolUsage {
            tool_name: "search",
            attempts: 1,
        }
        .telemetry_event(),
    );
    // The third failed attempt in a row is reported (within the backoff's
    // first waits: about 3 s).
    let deadline = Instant::now() + Duration::from_secs(20);
    while warned.lock().unwrap().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        !warned.lock().unwrap().is_empty(),
        "the courier reported, and the sink's emit returned"
    );
    reporter.shutdown();
    let _ = std::fs::remove_dir_all(dir);
}

/// A slow link (a collector that reads 256 KiB a second, with a small
/// receive buffer) holds back sending, never the writing into the outbox:
/// while a request goes out, the courier takes the queue in, and a steady
/// program's small queue never fills. (On loopback the sender's buffers
/// take a request at once, and the courier waits for the answer: without
/// that wait sliced, 4 events are dropped here. Writing in pieces, with
/// the queue taken in between, is for links slower than those buffers.)
#[test]
fn a_slow_link_holds_back_sending_never_the_writing() {
    static TEXT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| "x".repeat(8 * 1024));
    let collector = Collector::start(Behaviour::SlowLink(256 * 1024));
    let dir = collector::scratch_dir("slow-link");
    let env: HashMap<&str, String> = HashMap::from([
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("CREWTEL_EXPORTER_OTLP_TIMEOUT", "30000".to_owned()),
        ("CREWTEL_RECORD", "off".to_owned()),
        ("CREWTEL_DATA_DIR", dir.display().to_string()),
    ]);
    // 64 events of 8 KiB: a request of half a MiB, two seconds on the link.
    let reporter = Reporter::builder()
        .environment(move |name| env.get(name).cloned())
        .queue_size(64)
        .shutdown_timeout(Duration::from_millis(500))
        .build();
    // 40 events a second for 4 s: 80 while one request goes out.
    let started = Instant::now();
    for attempts in 0..160 {
        reporter.emit(
            ToolUsage {
                tool_name: TEXT.as_str(),
                attempts,
            }
            .telemetry_event(),
        );
        let due = started + Duration::from_millis(25 * u64::from(attempts + 1));
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    assert!(
        !collector.received().is_empty(),
        "the link carried something meanwhile"
    );
    let status = reporter.status();
    assert_eq!(status.dropped.queue_full, 0, "{:?}", status.dropped);
    reporter.shutdown();
    let _ = std::fs::remove_dir_all(dir);
}
