//! The outbox across real processes: one that exits while the collector
//! hangs, one killed (`kill -9`) in the middle of a burst, two at once on
//! one data directory, one whose data directory cannot be used. This binary
//! (`harness = false`) runs itself as each child process; a child emits the
//! events it is told to, and shuts down.

mod collector;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use collector::{Behaviour, Collector, attribute, nothing_listening, scratch_dir};
use crewtel::Telemetry;
use crewtel_reporter::Reporter;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use prost::Message;

const CHILD: &str = "CREWTEL_TEST_CHILD";
const SERVICE: &str = "processes";

#[derive(Telemetry)]
#[telemetry(event = "Tool Usage")]
struct ToolUsage {
    /// Which event of the test this is.
    #[telemetry(always)]
    attempts: u32,
}

/// What a child is told: the events `first..first + count`, a pause
/// between them, and its shutdown bound.
struct Run<'a> {
    endpoint: String,
    dir: &'a Path,
    first: u32,
    count: u32,
    pause: Duration,
    bound: Option<Duration>,
}

fn main() {
    if std::env::var_os(CHILD).is_some() {
        child();
        return;
    }
    let tests: [(&str, fn()); 4] = [
        (
            "a_process_that_exits_while_the_collector_hangs_keeps_its_bound_and_loses_nothing",
            a_process_that_exits_while_the_collector_hangs_keeps_its_bound_and_loses_nothing,
        ),
        (
            "a_process_killed_in_a_burst_leaves_a_readable_outbox_whose_events_arrive_once",
            a_process_killed_in_a_burst_leaves_a_readable_outbox_whose_events_arrive_once,
        ),
        (
            "two_processes_at_once_send_every_event_once",
            two_processes_at_once_send_every_event_once,
        ),
        (
            "without_a_usable_data_directory_events_still_go_with_one_warning",
            without_a_usable_data_directory_events_still_go_with_one_warning,
        ),
    ];
    for (name, test) in tests {
        test();
        println!("test {name} ... ok");
    }
}

fn child() {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let number = |name: &str| var(name).parse::<u64>().unwrap_or(0);
    let mut builder = Reporter::builder().service_name(SERVICE);
    if let Ok(bound) = std::env::var("CHILD_BOUND_MS") {
        builder = builder.shutdown_timeout(Duration::from_millis(bound.parse().unwrap()));
    }
    let reporter = builder.build();
    let first = number("CHILD_FIRST") as u32;
    for attempts in first..first + number("CHILD_COUNT") as u32 {
        reporter.emit(ToolUsage { attempts }.telemetry_event());
        std::thread::sleep(Duration::from_millis(number("CHILD_PAUSE_MS")));
    }
    let started = Instant::now();
    reporter.shutdown();
    println!("shutdown_us={}", started.elapsed().as_micros());
}

fn spawn(run: &Run) -> Child {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .env(CHILD, "1")
        .env("CREWTEL_EXPORTER_OTLP_ENDPOINT", &run.endpoint)
        .env("CREWTEL_EXPORTER_OTLP_TIMEOUT", "5000")
        .env("CREWTEL_DATA_DIR", run.dir)
        .env("CREWTEL_RECORD", "off")
        .env("CHILD_FIRST", run.first.to_string())
        .env("CHILD_COUNT", run.count.to_string())
        .env("CHILD_PAUSE_MS", run.pause.as_millis().to_string())
        .env_remove("DO_NOT_TRACK")
        .env_remove("CREWTEL_DISABLED")
        .env_remove("OTEL_SDK_DISABLED")
        .env_remove("CREWTEL_DEBUG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(bound) = run.bound {
        command.env("CHILD_BOUND_MS", bound.as_millis().to_string());
    }
    command.spawn().unwrap()
}

/// Runs a child to its end: how long its shutdown took, and its warnings.
fn finish(child: Child) -> (Duration, Vec<String>) {
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the child failed: {out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let micros: u64 = stdout
        .lines()
        .find_map(|line| line.strip_prefix("shutdown_us="))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no shutdown time in {stdout:?}"));
    let warnings = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|line| line.starts_with("crewtel:"))
        .map(str::to_owned)
        .collect();
    (Duration::from_micros(micros), warnings)
}

fn outbox(dir: &Path) -> PathBuf {
    dir.join(SERVICE).join("outbox")
}

/// How many requests `dir`'s outbox holds, by their names.
fn requests(dir: &Path) -> usize {
    std::fs::read_dir(outbox(dir))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.ends_with(".otlp") || name.ends_with(".sending")
        })
        .count()
}

/// The events in every request kept in `dir`'s outbox, decoded from the
/// files as they are (each must be a request crewtel wrote).
fn kept_events(dir: &Path) -> BTreeMap<i64, usize> {
    let mut events = BTreeMap::new();
    for entry in std::fs::read_dir(outbox(dir))
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.ends_with(".otlp") || name.ends_with(".sending")) {
            assert!(!name.ends_with(".damaged"), "a damaged file: {name}");
            continue;
        }
        let bytes = std::fs::read(entry.path()).unwrap();
        let body = bytes
            .windows(2)
            .position(|w| w == b"\n\n")
            .map(|at| &bytes[at + 2..])
            .unwrap_or_else(|| panic!("{name} has no header"));
        let request = ExportTraceServiceRequest::decode(body)
            .unwrap_or_else(|e| panic!("{name} is not a request: {e}"));
        count(&mut events, request);
    }
    events
}

fn count(events: &mut BTreeMap<i64, usize>, request: ExportTraceServiceRequest) {
    for resource in request.resource_spans {
        for span in resource.scope_spans.into_iter().flat_map(|s| s.spans) {
            if let Some(Value::IntValue(n)) = attribute(&span.attributes, "attempts") {
                *events.entry(*n).or_insert(0) += 1;
            }
        }
    }
}

/// How many times each event arrived at `collector`.
fn arrivals(collector: &Collector) -> BTreeMap<i64, usize> {
    let mut events = BTreeMap::new();
    for received in collector.received() {
        if let Some(request) = received.request {
            count(&mut events, request);
        }
    }
    events
}

fn once_each(events: impl IntoIterator<Item = i64>) -> BTreeMap<i64, usize> {
    events.into_iter().map(|n| (n, 1)).collect()
}

/// Generous: the bound under test is 100 ms of crewtel's own time; this
/// only keeps a loaded 2-core machine from failing it.
const SLACK: Duration = Duration::from_millis(400);

fn a_process_that_exits_while_the_collector_hangs_keeps_its_bound_and_loses_nothing() {
    let dir = scratch_dir("processes-hang");
    let hanging = Collector::start(Behaviour::Hang);
    let run = Run {
        endpoint: hanging.endpoint(),
        dir: &dir,
        first: 0,
        count: 20,
        pause: Duration::ZERO,
        bound: None,
    };
    let (shutdown, _) = finish(spawn(&run));
    assert!(
        shutdown < crewtel_reporter::DEFAULT_SHUTDOWN_TIMEOUT + SLACK,
        "shutdown took {shutdown:?} against a hanging collector"
    );
    assert!(
        !hanging.wait_until(|r| !r.is_empty()).is_empty(),
        "the collector was tried"
    );
    assert_eq!(
        kept_events(&dir),
        once_each(0..20),
        "kept, the one in flight too"
    );

    let collector = Collector::start(Behaviour::Accept);
    let next = Run {
        endpoint: collector.endpoint(),
        first: 20,
        count: 1,
        bound: Some(Duration::from_secs(10)),
        ..run
    };
    finish(spawn(&next));
    assert_eq!(arrivals(&collector), once_each(0..21));
    assert!(kept_events(&dir).is_empty());
}

fn a_process_killed_in_a_burst_leaves_a_readable_outbox_whose_events_arrive_once() {
    let dir = scratch_dir("processes-kill");
    let run = Run {
        endpoint: nothing_listening(),
        dir: &dir,
        first: 0,
        count: 100_000,
        pause: Duration::from_millis(1),
        bound: None,
    };
    let mut burst = spawn(&run);
    let waited = Instant::now();
    while requests(&dir) < 3 {
        assert!(
            waited.elapsed() < Duration::from_secs(60),
            "nothing was kept"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    burst.kill().unwrap(); // SIGKILL
    burst.wait().unwrap();
    let kept = kept_events(&dir);
    assert!(kept.values().all(|n| *n == 1), "each kept once");

    let collector = Collector::start(Behaviour::Accept);
    let next = Run {
        endpoint: collector.endpoint(),
        first: 200_000,
        count: 1,
        pause: Duration::ZERO,
        bound: Some(Duration::from_secs(10)),
        ..run
    };
    finish(spawn(&next));
    let mut expected = kept;
    expected.insert(200_000, 1);
    assert_eq!(arrivals(&collector), expected, "what was kept, once");
}

fn two_processes_at_once_send_every_event_once() {
    let dir = scratch_dir("processes-two");
    // Twelve requests pending: six runs of two processes at once, each
    // run's events kept while no collector listens.
    for run in 0..6 {
        let down = |first| Run {
            endpoint: nothing_listening(),
            dir: &dir,
            first,
            count: 4,
            pause: Duration::ZERO,
            bound: None,
        };
        let (a, b) = (spawn(&down(run * 10)), spawn(&down(1000 + run * 10)));
        finish(a);
        finish(b);
    }
    let kept: Vec<std::ops::Range<i64>> = (0..6)
        .flat_map(|run| [run * 10..run * 10 + 4, 1000 + run * 10..1000 + run * 10 + 4])
        .collect();
    assert_eq!(kept_events(&dir), once_each(kept.iter().cloned().flatten()));
    assert_eq!(requests(&dir), 12);

    // Then two at once with the collector up: both deliver what is pending.
    let collector = Collector::start(Behaviour::Accept);
    let up = |first| Run {
        endpoint: collector.endpoint(),
        dir: &dir,
        first,
        count: 5,
        pause: Duration::ZERO,
        bound: Some(Duration::from_secs(10)),
    };
    let (a, b) = (spawn(&up(2000)), spawn(&up(3000)));
    finish(a);
    finish(b);
    let mut expected = kept;
    expected.extend([2000..2005, 3000..3005]);
    assert_eq!(
        arrivals(&collector),
        once_each(expected.into_iter().flatten()),
        "every event once, none sent by both"
    );
    assert!(kept_events(&dir).is_empty());
}

fn without_a_usable_data_directory_events_still_go_with_one_warning() {
    // A file where the data directory would be: nothing can be created
    // there, by any user (root included).
    let scratch = scratch_dir("processes-no-disk");
    std::fs::create_dir_all(&scratch).unwrap();
    let file = scratch.join("not-a-folder");
    std::fs::write(&file, b"").unwrap();
    let dir = file.join("data");
    let collector = Collector::start(Behaviour::Accept);
    let run = Run {
        endpoint: collector.endpoint(),
        dir: &dir,
        first: 0,
        count: 5,
        pause: Duration::ZERO,
        bound: Some(Duration::from_secs(10)),
    };
    let (_, warnings) = finish(spawn(&run));
    assert_eq!(arrivals(&collector), once_each(0..5));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("memory"), "{warnings:?}");
}
