//! A busy program: runs of 6 spans (a run, two tasks in it, a tool call in
//! each task and one in the run) at 20,000 events a second for 5 seconds
//! to a loopback collector (in a child process), then `shutdown` with its
//! default bound, as a server's exit would. Prints what was emitted, what
//! the collector received before exit (spans, whole runs, spans whose
//! parent never arrived) and what the reporter counted as dropped or left
//! waiting in the outbox.
//!
//! `cargo bench --bench load` (`RATE=` events a second, `SECONDS=`); the
//! figures are in BENCHMARKS.md.

#[path = "../tests/collector/mod.rs"]
mod collector;
mod cpu;
mod loopback;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crewtel::{Dispatch, Telemetry};
use crewtel_reporter::Reporter;

/// Spans in one run.
const RUN: usize = 6;

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
    task_id: &'static str,
}

#[derive(Telemetry)]
#[telemetry(event = "Tool Usage")]
struct Tool {
    #[telemetry(always)]
    attempts: u32,
}

fn one_run(telemetry: &Dispatch) {
    let run = telemetry.start(Run { agents: 2 }.telemetry_event());
    for task_id in ["t1", "t2"] {
        let task = telemetry.start_in(&run, Task { task_id }.telemetry_event());
        telemetry.emit_in(&task, Tool { attempts: 1 }.telemetry_event());
        task.end();
    }
    telemetry.emit_in(&run, Tool { attempts: 2 }.telemetry_event());
    run.end();
}

fn number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("collector") {
        return loopback::serve();
    }
    let rate = number("RATE", 20_000);
    let seconds = number("SECONDS", 5);
    let mut collector = loopback::Loopback::start();
    // The same program with telemetry off first: what it costs without.
    let off = busy(None, rate, seconds);
    let on = busy(Some(&collector.endpoint), rate, seconds);
    let status = on.status;
    let runs = on.runs;
    let trees = collector.trees(RUN);
    let emitted = runs as usize * RUN;
    let sampling = status.sampling.map_or_else(
        || "none".to_owned(),
        |s| format!("keeping {:.1}%", s.keeping * 100.0),
    );
    let off_by = 100.0 * (trees.reweighted as f64 - runs as f64) / runs as f64;
    let cpu = match (on.cpu, off.cpu) {
        (Some(on_cpu), Some(off_cpu)) => format!(
            "{:.2} us",
            on_cpu.saturating_sub(off_cpu) as f64 / emitted as f64 / 1000.0
        ),
        _ => "(Linux only)".to_owned(),
    };
    println!(
        "| events a second | emitted (runs / spans) | received before exit (spans / whole runs) | whole runs re-weighted | runs cut | spans without their parent | sampling | CPU per event, all threads | dropped from the queue | requests waiting in the outbox | shutdown |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {:.0} | {runs} / {emitted} | {} / {} | {} ({off_by:+.1}%) | {} | {} | {sampling} | {cpu} | {} | {} | {} ms |",
        emitted as f64 / on.emitting.as_secs_f64(),
        trees.spans,
        trees.whole,
        trees.reweighted,
        trees.traces - trees.whole,
        trees.orphans,
        status.dropped.queue_full,
        status.pending.requests,
        on.shutdown.as_millis()
    );
}

/// What one busy run did.
struct Busy {
    runs: u64,
    emitting: Duration,
    shutdown: Duration,
    status: crewtel_reporter::status::Status,
    /// The process's CPU, all threads, from building the reporter to the
    /// end of its shutdown.
    cpu: Option<u64>,
}

/// Runs at `rate` events a second for `seconds` to `endpoint` (telemetry
/// off without one), then a shutdown with the default bound.
fn busy(endpoint: Option<&str>, rate: u64, seconds: u64) -> Busy {
    let dir = collector::scratch_dir("bench-load");
    let mut vars = vec![
        ("CREWTEL_RECORD", "off".to_owned()),
        ("CREWTEL_DATA_DIR", dir.display().to_string()),
    ];
    match endpoint {
        Some(endpoint) => vars.push(("CREWTEL_EXPORTER_OTLP_ENDPOINT", endpoint.to_owned())),
        None => vars.push(("CREWTEL_DISABLED", "1".to_owned())),
    }
    let started_cpu = cpu::process();
    let reporter = Arc::new(
        Reporter::builder()
            .environment(move |name| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.clone())
            })
            .on_warning(|line| eprintln!("{line}"))
            .build(),
    );
    let telemetry = Dispatch::new(reporter.clone());

    // Runs at `rate` events a second, caught up every millisecond.
    let runs_per_second = rate as f64 / RUN as f64;
    let start = Instant::now();
    let end = start + Duration::from_secs(seconds);
    let mut runs = 0u64;
    while Instant::now() < end {
        let due = (start.elapsed().as_secs_f64() * runs_per_second) as u64;
        while runs < due {
            one_run(&telemetry);
            runs += 1;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let emitting = start.elapsed();
    let exit = Instant::now();
    reporter.shutdown();
    let shutdown = exit.elapsed();
    let cpu = cpu::process()
        .zip(started_cpu)
        .map(|(now, then)| now - then);
    let status = reporter.status();
    let _ = std::fs::remove_dir_all(dir);
    Busy {
        runs,
        emitting,
        shutdown,
        status,
        cpu,
    }
}
