//! What could not be sent yet is kept, and sent later: by the same process
//! when the collector answers again, or by the next one.

mod collector;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use collector::{Behaviour, Collector, attribute, nothing_listening, scratch_dir};
use crewtel::Telemetry;
use crewtel_reporter::Reporter;
use opentelemetry_proto::tonic::common::v1::any_value::Value;

#[derive(Telemetry)]
#[telemetry(event = "Tool Usage")]
struct ToolUsage {
    #[telemetry(always)]
    attempts: u32,
}

/// One process: a reporter to `endpoint` on the data folder `dir`, which
/// emits the events numbered `events` and shuts down; its warnings. The
/// bound is long (the tests check what arrived after `shutdown`, and a
/// courier that has done what it can stops at once); `tests/processes.rs`
/// holds the default bound to its 100 ms.
fn process(dir: &Path, endpoint: String, events: std::ops::Range<u32>) -> Vec<String> {
    process_for(dir, endpoint, events, Duration::from_secs(10))
}

/// The same, with `bound` for its shutdown.
fn process_for(
    dir: &Path,
    endpoint: String,
    events: std::ops::Range<u32>,
    bound: Duration,
) -> Vec<String> {
    let (reporter, warnings) = reporter(dir, endpoint, bound);
    for attempts in events {
        reporter.emit(ToolUsage { attempts }.telemetry_event());
    }
    reporter.shutdown();
    warnings.lock().unwrap().clone()
}

/// A reporter to `endpoint` on the data folder `dir`, with `bound` for its
/// shutdown, and its warnings.
fn reporter(dir: &Path, endpoint: String, bound: Duration) -> (Reporter, Arc<Mutex<Vec<String>>>) {
    let env: HashMap<&str, String> = HashMap::from([
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
        ("CREWTEL_EXPORTER_OTLP_TIMEOUT", "500".to_owned()),
        ("CREWTEL_RECORD", "off".to_owned()),
        ("CREWTEL_DATA_DIR", dir.display().to_string()),
    ]);
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&warnings);
    let reporter = Reporter::builder()
        .service_name("outbox-tests")
        .environment(move |name| env.get(name).cloned())
        .on_warning(move |line| sink.lock().unwrap().push(line.to_owned()))
        .shutdown_timeout(bound)
        .build();
    (reporter, warnings)
}

/// How many times each event arrived at `collector`.
fn arrivals(collector: &Collector) -> BTreeMap<i64, usize> {
    accepted(collector, 0)
}

/// How many times each event arrived in the requests `collector` accepted,
/// the first `refused` having been refused.
fn accepted(collector: &Collector, refused: usize) -> BTreeMap<i64, usize> {
    let mut seen = BTreeMap::new();
    for received in collector.received().into_iter().skip(refused) {
        for resource in received.request.into_iter().flat_map(|r| r.resource_spans) {
            for span in resource.scope_spans.into_iter().flat_map(|s| s.spans) {
                if let Some(Value::IntValue(n)) = attribute(&span.attributes, "attempts") {
                    *seen.entry(*n).or_insert(0) += 1;
                }
            }
        }
    }
    seen
}

/// The requests kept in the outbox of `dir` (pending or claimed).
fn outbox_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir.join("outbox-tests").join("outbox"))
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| {
                    let name = path.to_string_lossy();
                    name.ends_with(".otlp") || name.ends_with(".sending")
                })
                .collect()
        })
        .unwrap_or_default()
}

fn once_each(events: std::ops::Range<u32>) -> BTreeMap<i64, usize> {
    events.map(|n| (i64::from(n), 1)).collect()
}

#[test]
fn a_collector_down_for_one_run_gets_every_event_of_both_from_the_next_once() {
    let dir = scratch_dir("down-then-up");
    process(&dir, nothing_listening(), 0..5);
    assert!(
        !outbox_files(&dir).is_empty(),
        "what could not be sent is kept"
    );

    let collector = Collector::start(Behaviour::Accept);
    process(&dir, collector.endpoint(), 5..8);
    assert_eq!(arrivals(&collector), once_each(0..8));
    assert!(outbox_files(&dir).is_empty(), "{:?}", outbox_files(&dir));

    // And a third run sends nothing twice.
    let again = Collector::start(Behaviour::Accept);
    process(&dir, again.endpoint(), 8..9);
    assert_eq!(arrivals(&again), once_each(8..9));
}

/// A request the collector takes as it comes is never written to disk:
/// with the outbox's folder gone (a file in its place, which no user can
/// write into), every event arrives and nothing warns of the disk.
#[test]
fn requests_a_collector_takes_at_once_are_never_written_to_disk() {
    let dir = scratch_dir("never-written");
    let collector = Collector::start(Behaviour::Accept);
    let (reporter, warnings) = reporter(&dir, collector.endpoint(), Duration::from_secs(10));
    let outbox = dir.join("outbox-tests").join("outbox");
    std::fs::remove_dir_all(&outbox).unwrap();
    std::fs::write(&outbox, b"").unwrap();
    // Three requests' worth, as they come, then the rest at exit.
    for attempts in 0..1200 {
        reporter.emit(ToolUsage { attempts }.telemetry_event());
    }
    collector.wait_until(|received| received.len() >= 2);
    for attempts in 1200..1300 {
        reporter.emit(ToolUsage { attempts }.telemetry_event());
    }
    reporter.shutdown();
    assert_eq!(arrivals(&collector), once_each(0..1300));
    assert_eq!(*warnings.lock().unwrap(), Vec::<String>::new());
}

#[test]
fn a_collector_that_answers_503_gets_what_it_refused_from_the_same_process_once_it_accepts() {
    let dir = scratch_dir("503");
    let collector = Collector::start(Behaviour::Fail {
        status: 503,
        retry_after: None,
        fail_times: 3,
    });
    let (reporter, warnings) = reporter(&dir, collector.endpoint(), Duration::from_secs(10));
    for attempts in 0..4 {
        reporter.emit(ToolUsage { attempts }.telemetry_event());
    }
    // The process goes on; its courier backs off (at least 0.5, 1 and 2 s)
    // and delivers once the collector accepts.
    collector.wait_until(|received| received.len() >= 4);
    reporter.shutdown();
    assert_eq!(accepted(&collector, 3), once_each(0..4));
    assert!(outbox_files(&dir).is_empty());
    let received = collector.received();
    let gaps: Vec<Duration> = received.windows(2).map(|w| w[1].at - w[0].at).collect();
    assert!(
        gaps[0] >= Duration::from_millis(450)
            && gaps[1] >= Duration::from_millis(950)
            && gaps[2] >= Duration::from_millis(1900),
        "backed off, doubling: {gaps:?}"
    );
    let warnings = warnings.lock().unwrap();
    assert_eq!(warnings.len(), 1, "a failure that lasted: {warnings:?}");
    assert!(warnings[0].contains("HTTP 503"), "{warnings:?}");
}

#[test]
fn a_collector_slower_than_the_shutdown_bound_is_warned_about_once_a_backlog_grows() {
    let dir = scratch_dir("slow");
    process(&dir, nothing_listening(), 0..1);
    // The next run's courier starts on what waits, and the collector does
    // not answer within the default bound.
    let hanging = Collector::start(Behaviour::Hang);
    let warnings = process_for(
        &dir,
        hanging.endpoint(),
        1..2,
        crewtel_reporter::DEFAULT_SHUTDOWN_TIMEOUT,
    );
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("did not answer within the shutdown bound (100 ms)")
            && warnings[0].contains("2 requests wait")
            && warnings[0].contains("CREWTEL_SHUTDOWN_TIMEOUT"),
        "{warnings:?}"
    );
}

#[test]
fn a_wait_a_collector_asks_for_binds_the_next_process_too() {
    let dir = scratch_dir("retry-after");
    let collector = Collector::start(Behaviour::Fail {
        status: 429,
        retry_after: Some(3600),
        fail_times: usize::MAX,
    });
    process(&dir, collector.endpoint(), 0..2);
    assert_eq!(collector.received().len(), 1, "asked for an hour of quiet");
    // The next process keeps the quiet: it sends nothing, keeps its events.
    process(&dir, collector.endpoint(), 2..4);
    assert_eq!(collector.received().len(), 1, "the next process waited too");
    assert_eq!(outbox_files(&dir).len(), 2, "{:?}", outbox_files(&dir));
}

#[test]
fn a_request_refused_for_good_is_not_kept_and_one_warning_names_the_fix() {
    for (status, fix) in [
        (400, "CREWTEL_EXPORTER_OTLP_PROTOCOL"),
        (401, "CREWTEL_EXPORTER_OTLP_HEADERS"),
        (403, "CREWTEL_EXPORTER_OTLP_HEADERS"),
        (404, "CREWTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
        (413, "request size limit"),
        (415, "CREWTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf"),
        (422, "project or experiment id"),
    ] {
        let dir = scratch_dir(&format!("refused-{status}"));
        let refusing = Collector::start(Behaviour::Fail {
            status,
            retry_after: None,
            fail_times: usize::MAX,
        });
        let warnings = process(&dir, refusing.endpoint(), 0..3);
        assert_eq!(warnings.len(), 1, "{status}: {warnings:?}");
        assert!(
            warnings[0].contains(&format!("HTTP {status}")) && warnings[0].contains(fix),
            "{status}: {warnings:?}"
        );
        assert!(outbox_files(&dir).is_empty(), "a {status} is not retried");
        assert_eq!(refusing.received().len(), 1, "{status} is not retried");
    }
}

#[test]
fn status_shows_what_is_pending_and_what_was_dropped() {
    let dir = scratch_dir("status");
    process(&dir, nothing_listening(), 0..2);
    let (reporter, _) = reporter(&dir, nothing_listening(), Duration::from_secs(10));
    // The courier tries what an earlier run left, fails, and backs off.
    let waited = std::time::Instant::now();
    let status = loop {
        let status = reporter.status();
        if status.pending.next_attempt_in.is_some() {
            break status;
        }
        assert!(waited.elapsed() < Duration::from_secs(10), "{status:?}");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status.pending.requests, 1, "{status:?}");
    assert!(status.pending.oldest_age.is_some());
    assert!(status.pending.next_attempt_in.unwrap() <= Duration::from_secs(1));
    let shown = status.to_string();
    assert!(shown.contains("pending:   1 requests"), "{shown}");
    assert!(shown.contains("next attempt in"), "{shown}");
    assert_eq!(status.dropped, crewtel_reporter::status::Drops::default());
    reporter.shutdown();
}

#[test]
fn uploads_are_rate_limited() {
    let dir = scratch_dir("rate");
    for n in 0..25 {
        process(&dir, nothing_listening(), n..n + 1);
    }
    assert_eq!(outbox_files(&dir).len(), 25);
    let collector = Collector::start(Behaviour::Accept);
    process_for(&dir, collector.endpoint(), 25..25, Duration::from_secs(20));
    assert_eq!(arrivals(&collector), once_each(0..25));
    // Ten in the first second, ten in the next, five in the third: the
    // last goes two seconds after the first at the earliest (arrival times
    // can only stretch that, less a little for the first's own delay).
    let at: Vec<_> = collector.received().iter().map(|r| r.at).collect();
    assert_eq!(at.len(), 25);
    assert!(
        at[24] - at[0] >= Duration::from_millis(1900),
        "25 requests within {:?}",
        at[24] - at[0]
    );
}

#[test]
fn a_file_that_is_not_a_request_is_set_aside_and_never_sent() {
    let dir = scratch_dir("damaged");
    let outbox = dir.join("outbox-tests").join("outbox");
    std::fs::create_dir_all(&outbox).unwrap();
    std::fs::write(
        outbox.join("00000000000000000001-0.otlp"),
        b"crewtel-outbox 1\ncontent-type: text/plain\n\nmy secret notes",
    )
    .unwrap();
    let collector = Collector::start(Behaviour::Accept);
    let warnings = process(&dir, collector.endpoint(), 0..2);
    assert_eq!(arrivals(&collector), once_each(0..2));
    let wire = format!("{:?}", collector.received());
    assert!(!wire.contains("my secret notes"));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(outbox.join("00000000000000000001-0.otlp.damaged").exists());
}

#[test]
fn turning_telemetry_off_deletes_what_is_pending() {
    let dir = scratch_dir("off");
    process(&dir, nothing_listening(), 0..3);
    assert!(!outbox_files(&dir).is_empty());
    let env: HashMap<&str, String> = HashMap::from([
        ("DO_NOT_TRACK", "1".to_owned()),
        ("CREWTEL_DATA_DIR", dir.display().to_string()),
    ]);
    let off = Reporter::builder()
        .service_name("outbox-tests")
        .environment(move |name| env.get(name).cloned())
        .build();
    drop(off);
    assert!(outbox_files(&dir).is_empty(), "{:?}", outbox_files(&dir));
    // And nothing is sent by the next run that is on.
    let collector = Collector::start(Behaviour::Accept);
    process(&dir, collector.endpoint(), 3..4);
    assert_eq!(arrivals(&collector), once_each(3..4));
}

/// `telemetry status` and `show` only read: with requests pending and a
/// collector up, neither connects, sends, nor changes a file.
#[test]
fn status_and_show_only_read() {
    let dir = scratch_dir("status-reads");
    process(&dir, nothing_listening(), 0..2);
    let before = outbox_files(&dir);
    assert_eq!(before.len(), 1);
    let collector = Collector::start(Behaviour::Accept);
    let endpoint = collector.endpoint();
    let data_dir = dir.display().to_string();
    let builder = || {
        let (endpoint, data_dir) = (endpoint.clone(), data_dir.clone());
        Reporter::builder()
            .service_name("outbox-tests")
            .environment(move |name| match name {
                "CREWTEL_EXPORTER_OTLP_ENDPOINT" => Some(endpoint.clone()),
                "CREWTEL_RECORD" => Some("off".to_owned()),
                "CREWTEL_DATA_DIR" => Some(data_dir.clone()),
                _ => None,
            })
    };
    let status = builder().command(&["status"]).unwrap();
    assert!(status.starts_with("telemetry: on"), "{status}");
    assert!(status.contains("pending:   1 requests"), "{status}");
    let shown = builder().command(&["show"]).unwrap();
    assert!(
        shown.contains("waiting in the outbox: 1 requests"),
        "{shown}"
    );
    // Whatever a courier would have done, it would have done by now.
    std::thread::sleep(Duration::from_millis(300));
    assert!(collector.received().is_empty(), "status sent something");
    assert_eq!(outbox_files(&dir), before, "status changed the outbox");

    // Turned off by a switch: status says so and deletes nothing (a
    // reporter built off would delete what is pending).
    let off = Reporter::builder()
        .service_name("outbox-tests")
        .environment(move |name| match name {
            "DO_NOT_TRACK" => Some("1".to_owned()),
            "CREWTEL_DATA_DIR" => Some(data_dir.clone()),
            _ => None,
        })
        .command(&["status"])
        .unwrap();
    assert!(off.starts_with("telemetry: off"), "{off}");
    assert_eq!(outbox_files(&dir), before, "status deleted the outbox");
}

/// What a real run would fall back from, status reports: an exporter that
/// cannot be built (a TLS file that is not there, a SOCKS proxy) sends
/// nothing, and status says so, with the one warning a run would give.
#[test]
fn status_says_when_the_exporter_could_not_be_built() {
    let dir = scratch_dir("status-unusable").display().to_string();
    for (name, value) in [
        ("CREWTEL_EXPORTER_OTLP_CERTIFICATE", "/nonexistent/ca.pem"),
        ("ALL_PROXY", "socks5://127.0.0.1:1080"),
    ] {
        let dir = dir.clone();
        let warnings = Arc::new(Mutex::new(Vec::<String>::new()));
        let sink = Arc::clone(&warnings);
        let status = Reporter::builder()
            .service_name("outbox-tests")
            .environment(move |variable| match variable {
                "CREWTEL_EXPORTER_OTLP_ENDPOINT" => Some("https://127.0.0.1:9/".to_owned()),
                "CREWTEL_DATA_DIR" => Some(dir.clone()),
                _ if variable == name => Some(value.to_owned()),
                _ => None,
            })
            .on_warning(move |line| sink.lock().unwrap().push(line.to_owned()))
            .command(&["status"])
            .unwrap();
        assert!(status.starts_with("telemetry: off"), "{name}: {status}");
        assert!(status.contains("could not be built"), "{status}");
        let warnings = warnings.lock().unwrap();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains(name), "{warnings:?}");
    }
}

/// A collector that takes the connection and never answers holds back the
/// sending, never the writing: while the courier waits on it, what the host
/// emits still goes from the queue into the outbox, so a small queue is not
/// overrun by a steady program.
#[test]
fn a_collector_that_hangs_holds_back_sending_never_the_writing() {
    let dir = scratch_dir("hangs-writing");
    let hanging = Collector::start(Behaviour::Hang);
    let env: HashMap<&str, String> = HashMap::from([
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", hanging.endpoint()),
        ("CREWTEL_EXPORTER_OTLP_TIMEOUT", "5000".to_owned()),
        ("CREWTEL_RECORD", "off".to_owned()),
        ("CREWTEL_DATA_DIR", dir.display().to_string()),
    ]);
    let reporter = Reporter::builder()
        .service_name("outbox-tests")
        .environment(move |name| env.get(name).cloned())
        .on_warning(|_| {})
        .queue_size(16)
        .build();
    // Three chunks, each smaller than the queue, a batch's delay apart:
    // the first is being sent (and hangs) while the others come.
    for chunk in 0..3 {
        for attempts in 0..10 {
            reporter.emit(
                ToolUsage {
                    attempts: chunk * 10 + attempts,
                }
                .telemetry_event(),
            );
        }
        std::thread::sleep(Duration::from_millis(1200));
    }
    let status = reporter.status();
    reporter.shutdown();
    assert_eq!(status.dropped.queue_full, 0, "{:?}", status.dropped);
    assert!(status.pending.requests >= 2, "{:?}", status.pending);
}
