//! A program with telemetry on runs one thread of crewtel's: the courier,
//! which writes the queue's batches into requests and sends them; local
//! mode runs one too (it only writes); off runs none. (Linux: threads are
//! read from `/proc/self/task`.)

#![cfg(target_os = "linux")]

mod collector;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use collector::{Behaviour, Collector};
use crewtel::Telemetry;
use crewtel_reporter::Reporter;

#[derive(Telemetry)]
#[telemetry(event = "Tool Usage")]
struct ToolUsage {
    #[telemetry(always)]
    attempts: u32,
}

/// The names of this process's threads that are crewtel's.
fn crewtel_threads() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir("/proc/self/task")
        .unwrap()
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("comm")).ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| name.starts_with("crewtel"))
        .collect();
    names.sort();
    names
}

/// Waits (a little) until crewtel's threads are `expected`.
fn settles_to(expected: &[&str]) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let names = crewtel_threads();
        if names == expected || Instant::now() > deadline {
            return names;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn reporter(vars: HashMap<&'static str, String>) -> Reporter {
    Reporter::builder()
        .environment(move |name| vars.get(name).cloned())
        .shutdown_timeout(Duration::from_secs(5))
        .build()
}

/// One test, so that no other test's reporter runs beside it.
#[test]
fn on_runs_one_thread_local_one_off_none() {
    let collector = Collector::start(Behaviour::Accept);
    let dir = collector::scratch_dir("threads");
    let data_dir = dir.display().to_string();
    let on = reporter(HashMap::from([
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("CREWTEL_DATA_DIR", data_dir.clone()),
    ]));
    for attempts in 0..600 {
        on.emit(ToolUsage { attempts }.telemetry_event());
    }
    // Sending (600 events: two batches, written and sent by one thread).
    let received = collector.wait_until(|r| collector::spans_in(r).len() >= 512);
    assert!(!received.is_empty());
    assert_eq!(settles_to(&["crewtel-courier"]), ["crewtel-courier"]);
    on.shutdown();
    assert_eq!(collector.spans().len(), 600, "the rest at shutdown");
    drop(on);
    assert_eq!(settles_to(&[]), Vec::<String>::new());

    let local = reporter(HashMap::from([
        ("CREWTEL_TELEMETRY", "local".to_owned()),
        ("CREWTEL_DATA_DIR", data_dir.clone()),
    ]));
    local.emit(ToolUsage { attempts: 1 }.telemetry_event());
    // (A thread names itself once it runs.)
    assert_eq!(settles_to(&["crewtel-batch"]), ["crewtel-batch"]);
    drop(local);
    assert_eq!(settles_to(&[]), Vec::<String>::new());

    let off = reporter(HashMap::from([("CREWTEL_DISABLED", "1".to_owned())]));
    off.emit(ToolUsage { attempts: 1 }.telemetry_event());
    assert_eq!(crewtel_threads(), Vec::<String>::new());
    drop(off);
    let _ = std::fs::remove_dir_all(dir);
}
