//! Sampling under load: what the reporter cannot send within its upload
//! budget is left out by whole runs (consistent probability sampling on the
//! trace id), each span sent saying at what threshold, and never a span
//! without its parent. A light program sends everything.

mod collector;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use collector::{Behaviour, Collector};
use crewtel::{Dispatch, Telemetry};
use crewtel_reporter::Reporter;
use opentelemetry_proto::tonic::trace::v1::Span;

/// Spans in one run.
const RUN: usize = 4;

#[derive(Telemetry)]
#[telemetry(event = "Crew Execution")]
struct Run {
    #[telemetry(always)]
    agents: u32,
}

#[derive(Telemetry)]
#[telemetry(event = "Task Execution")]
struct Task {
    #[telemetry(always)]
    index: u32,
}

#[derive(Telemetry)]
#[telemetry(event = "Tool Usage")]
struct Tool {
    #[telemetry(always)]
    attempts: u32,
}

/// A run: the crew, a task in it with a tool call, and one more tool call
/// in the crew; the crew's span ends last, as a crew's does.
fn one_run(telemetry: &Dispatch) {
    let run = telemetry.start(Run { agents: 2 }.telemetry_event());
    let task = telemetry.start_in(&run, Task { index: 1 }.telemetry_event());
    telemetry.emit_in(&task, Tool { attempts: 1 }.telemetry_event());
    task.end();
    telemetry.emit_in(&run, Tool { attempts: 2 }.telemetry_event());
    run.end();
}

/// A reporter sending to `collector` with a queue of `queue` events (its
/// budget is 10 requests of that many spans a second) and a shutdown
/// bound of `bound`.
fn reporter(collector: &Collector, queue: usize, bound: Duration) -> (Reporter, tempdir::Dir) {
    let dir = tempdir::Dir::new("sampling");
    let vars: HashMap<&str, String> = HashMap::from([
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("CREWTEL_RECORD", "off".to_owned()),
        ("CREWTEL_DATA_DIR", dir.path().display().to_string()),
    ]);
    let reporter = Reporter::builder()
        .service_name("sampling-tests")
        .environment(move |name| vars.get(name).cloned())
        .queue_size(queue)
        .shutdown_timeout(bound)
        .build();
    (reporter, dir)
}

/// The threshold of `span`'s `trace_state` (`ot=th:...`, 56 bits).
fn threshold(span: &Span) -> u64 {
    let th = span
        .trace_state
        .strip_prefix("ot=th:")
        .unwrap_or_else(|| panic!("no threshold: {:?}", span.trace_state));
    assert!((1..=14).contains(&th.len()), "{th}");
    u64::from_str_radix(&format!("{th:0<14}"), 16).expect("hex digits")
}

/// The trace id's low 56 bits: its randomness.
fn randomness(span: &Span) -> u64 {
    let id: [u8; 16] = span.trace_id.as_slice().try_into().expect("16 bytes");
    u64::from_be_bytes(id[8..].try_into().unwrap()) & ((1 << 56) - 1)
}

/// Every span received is of a whole run, its parent received too.
fn assert_whole_runs(spans: &[Span]) {
    let ids: HashSet<&[u8]> = spans.iter().map(|s| &s.span_id[..]).collect();
    let mut runs: HashMap<&[u8], usize> = HashMap::new();
    for span in spans {
        *runs.entry(&span.trace_id[..]).or_default() += 1;
        assert!(
            span.parent_span_id.is_empty() || ids.contains(&span.parent_span_id[..]),
            "{} arrived without its parent",
            span.name
        );
    }
    for (trace, count) in runs {
        assert_eq!(count, RUN, "the run {trace:02x?} was cut");
    }
}

#[test]
fn a_program_within_its_budget_sends_every_run_at_threshold_zero() {
    let collector = Collector::start(Behaviour::Accept);
    let (reporter, _dir) = reporter(&collector, 2048, Duration::from_secs(20));
    let reporter = std::sync::Arc::new(reporter);
    let telemetry = Dispatch::new(reporter.clone());
    for _ in 0..50 {
        one_run(&telemetry);
    }
    reporter.shutdown();
    assert_eq!(reporter.status().sampling, None);
    let spans: Vec<Span> = collector.spans().into_iter().map(|(_, s)| s).collect();
    assert_eq!(spans.len(), 50 * RUN);
    assert_whole_runs(&spans);
    for span in &spans {
        assert_eq!(span.trace_state, "ot=th:0");
        // Sampled, and the trace id's randomness declared (W3C level 2).
        assert_eq!(span.flags & 0x03, 0x03, "{:x}", span.flags);
    }
}

#[test]
fn under_load_whole_runs_are_left_out_and_each_kept_span_says_its_threshold() {
    let collector = Collector::start(Behaviour::Accept);
    // A budget of 10 requests of 16 spans a second: 160 spans.
    let (reporter, _dir) = reporter(&collector, 16, Duration::from_secs(20));
    let reporter = std::sync::Arc::new(reporter);
    let telemetry = Dispatch::new(reporter.clone());
    // 1,600 spans a second for a second and a half: ten times the budget,
    // paced as a busy program's are.
    let runs = 600;
    let started = Instant::now();
    for n in 0..runs {
        one_run(&telemetry);
        let due = started + Duration::from_micros(2_500 * (n + 1));
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    let status = reporter.status();
    let sampling = status.sampling.expect("sampling started under load");
    assert!(sampling.keeping < 0.5, "{sampling:?}");
    assert!(sampling.runs_left_out > 0);
    assert!(status.to_string().contains("sampling:"), "{status}");
    reporter.shutdown();
    assert_eq!(reporter.status().dropped.queue_full, 0);

    let spans: Vec<Span> = collector.spans().into_iter().map(|(_, s)| s).collect();
    assert!(!spans.is_empty() && spans.len() < runs as usize * RUN / 2);
    assert_whole_runs(&spans);
    let mut reweighted = 0.0;
    for span in &spans {
        let threshold = threshold(span);
        // Consistent: kept only where the trace's randomness reaches it.
        assert!(randomness(span) >= threshold);
        if span.parent_span_id.is_empty() {
            reweighted += (1u64 << 56) as f64 / ((1u64 << 56) - threshold) as f64;
        }
    }
    assert!(
        spans.iter().any(|span| threshold(span) > 0),
        "some runs were kept at a threshold"
    );
    // The runs received stand for the runs made (a small sample: loosely).
    let made = runs as f64;
    assert!(
        (made * 0.5..made * 1.5).contains(&reweighted),
        "{reweighted} for {made}"
    );
}

/// A collector slower than the budget: requests wait behind the courier,
/// and a program within the budget is sampled to what the collector takes,
/// still whole runs and no orphans.
#[test]
fn a_collector_slower_than_the_budget_is_met_by_sampling_too() {
    // 2 requests of at most 16 spans a second; the budget says 160 spans.
    let collector = Collector::start(Behaviour::Slow(Duration::from_millis(500)));
    let (reporter, _dir) = reporter(&collector, 16, Duration::from_secs(1));
    let reporter = std::sync::Arc::new(reporter);
    let telemetry = Dispatch::new(reporter.clone());
    // 120 spans a second for 4 s: within the budget, four times what the
    // collector takes.
    let started = Instant::now();
    for n in 0..120 {
        one_run(&telemetry);
        let due = started + Duration::from_micros(33_333 * (n + 1));
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    let sampling = reporter.status().sampling.expect("sampling started");
    assert!(sampling.runs_left_out > 0, "{sampling:?}");
    reporter.shutdown();
    let spans: Vec<Span> = collector.spans().into_iter().map(|(_, s)| s).collect();
    assert!(!spans.is_empty());
    for span in &spans {
        assert!(randomness(span) >= threshold(span));
    }
}

/// A collector that is away (every attempt fails) is the outbox's to wait
/// for: a program within its budget is not sampled for it, however many
/// requests pile up.
#[test]
fn a_collector_that_is_away_is_no_reason_to_sample() {
    let collector = Collector::start(Behaviour::Fail {
        status: 503,
        retry_after: None,
        fail_times: usize::MAX,
    });
    let (reporter, _dir) = reporter(&collector, 8, Duration::from_millis(100));
    let reporter = std::sync::Arc::new(reporter);
    let telemetry = Dispatch::new(reporter.clone());
    // 72 spans a second for 4 s: within the budget of 80, while requests
    // of 8 pile up (two seconds' worth and more) behind attempts that fail.
    let started = Instant::now();
    for n in 0..72 {
        one_run(&telemetry);
        let due = started + Duration::from_micros(55_555 * (n + 1));
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    let status = reporter.status();
    assert!(status.pending.requests > 20, "{:?}", status.pending);
    assert_eq!(status.sampling, None);
    reporter.shutdown();
}

mod tempdir {
    /// A folder of the test's own, removed after it.
    pub struct Dir(std::path::PathBuf);

    impl Dir {
        pub fn new(name: &str) -> Dir {
            Dir(super::collector::scratch_dir(name))
        }

        pub fn path(&self) -> &std::path::Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
