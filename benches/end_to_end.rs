//! What one event costs end to end, on every thread: the process's CPU
//! (user and kernel, all threads: `CLOCK_PROCESS_CPUTIME_ID`) for N Crew
//! Created events of 10 agents and 10 tasks sent to a loopback collector,
//! minus the same run with telemetry off; the threads the process runs with
//! telemetry on; and how many spans the collector received. The collector
//! runs in a child process (this binary, `collector`), so that its own CPU
//! is not counted.
//!
//! `cargo bench --bench end_to_end` (`N=...` events a run, 10,000 by
//! default; `RECORD=1` keeps the local record too, as a host does by
//! default: each delivered event appended to it as a JSON line; `ONCE=on`
//! or `ONCE=off` makes one run and reads no clock, for
//! `valgrind --tool=callgrind` to count its instructions); the figures are
//! in BENCHMARKS.md.

#[path = "../tests/collector/mod.rs"]
mod collector;
mod cpu;
mod loopback;
mod model;

use std::time::Duration;

use crewtel::Telemetry;
use crewtel_reporter::Reporter;

/// Events emitted between two pauses of 10 ms: well within the queue, so
/// that none is dropped, and at most 4,000 a second, within the upload
/// budget, so that none is sampled out and every one is paid for end to
/// end (the load benchmark measures a program past the budget).
const CHUNK: usize = 40;
/// Runs with telemetry off and on, one after the other.
const ROUNDS: usize = 9;

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("end_to_end reads Linux's /proc and process clock: Linux only");
}

#[cfg(target_os = "linux")]
fn main() {
    if std::env::args().nth(1).as_deref() == Some("collector") {
        return loopback::serve();
    }
    let n: usize = std::env::var("N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let mut collector = loopback::Loopback::start();
    let endpoint = collector.endpoint.clone();
    if let Ok(once) = std::env::var("ONCE") {
        // One run, telemetry `on` or `off`, and no clock read (valgrind
        // cannot run rustix's clock): its instructions are counted by
        // `valgrind --tool=callgrind`, on every thread of this process.
        run((once == "on").then_some(endpoint.as_str()), n);
        println!("{} spans received", collector.spans());
        return;
    }

    let mut per_event = Vec::new();
    let mut on_host = Vec::new();
    let mut threads = 0;
    for _ in 0..ROUNDS {
        let (off, _) = run(None, n);
        let (on, running) = run(Some(&endpoint), n);
        threads = threads.max(running);
        let per = |on: u64, off: u64| on.saturating_sub(off) as f64 / n as f64 / 1000.0;
        per_event.push(per(on.process, off.process));
        on_host.push(per(on.host, off.host));
    }
    on_host.sort_by(f64::total_cmp);
    let received = collector.spans();
    per_event.sort_by(f64::total_cmp);
    println!(
        "| events a run | CPU per event, all threads (median of {ROUNDS}, min, max) | of which on the host's thread (median) | threads while events flow (the usual count, the host's included) | spans received / sent |"
    );
    println!("|---|---|---|---|---|");
    println!(
        "| {n} | {:.1} us ({:.1}, {:.1}) | {:.1} us | {threads} | {received} / {} |",
        per_event[ROUNDS / 2],
        per_event[0],
        per_event[ROUNDS - 1],
        on_host[ROUNDS / 2],
        n * ROUNDS
    );
}

/// The CPU a run took.
struct Spent {
    /// On every thread of the process.
    process: u64,
    /// On the thread that emits.
    host: u64,
}

#[cfg(target_os = "linux")]
/// The process's threads now.
fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, Iterator::count)
}

#[cfg(target_os = "linux")]
/// The CPU `n` events cost, from building the reporter to the end of its
/// shutdown (every request answered), and the threads it usually ran with; off when
/// there is no endpoint.
fn run(endpoint: Option<&str>, n: usize) -> (Spent, usize) {
    let crew = model::crew(10, false);
    let dir = collector::scratch_dir("bench-end-to-end");
    let record = match std::env::var("RECORD").as_deref() {
        Ok("1") => dir.join("sent.jsonl").display().to_string(),
        _ => "off".to_owned(),
    };
    let mut vars = vec![
        ("CREWTEL_RECORD", record),
        ("CREWTEL_DATA_DIR", dir.display().to_string()),
    ];
    match endpoint {
        Some(endpoint) => vars.push(("CREWTEL_EXPORTER_OTLP_ENDPOINT", endpoint.to_owned())),
        None => vars.push(("CREWTEL_DISABLED", "1".to_owned())),
    }
    let clocks = std::env::var_os("ONCE").is_none();
    let read = |clock: fn() -> Option<u64>| if clocks { clock().unwrap_or(0) } else { 0 };
    let (start, host) = (read(cpu::process), read(cpu::thread));
    let reporter = Reporter::builder()
        .environment(move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        })
        .on_warning(|line| eprintln!("{line}"))
        .shutdown_timeout(Duration::from_secs(10))
        .build();
    // How often each count of threads was seen.
    let mut seen = std::collections::BTreeMap::<usize, usize>::new();
    for chunk in 0..n.div_ceil(CHUNK) {
        for _ in 0..CHUNK.min(n - chunk * CHUNK) {
            reporter.emit(crew.telemetry_event());
        }
        *seen.entry(threads()).or_default() += 1;
        std::thread::sleep(Duration::from_millis(10));
    }
    reporter.shutdown();
    let spent = Spent {
        process: read(cpu::process) - start,
        host: read(cpu::thread) - host,
    };
    let _ = std::fs::remove_dir_all(dir);
    // The count seen most often: a courier of the run before may still be
    // ending, and a name is looked up on a short-lived thread.
    let usual = seen
        .into_iter()
        .max_by_key(|(_, times)| *times)
        .map_or(0, |(count, _)| count);
    (spent, usual)
}
