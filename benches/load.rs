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
    let dir = collector::scratch_dir("bench-load");
    let vars = [
        ("CREWTEL_RECORD", "off".to_owned()),
        ("CREWTEL_DATA_DIR", dir.display().to_string()),
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint.clone()),
    ];
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
    let status = reporter.status();
    let trees = collector.trees(RUN);
    let emitted = runs as usize * RUN;
    let sampling = status.sampling.map_or_else(
        || "none".to_owned(),
        |s| format!("keeping {:.1}%", s.keeping * 100.0),
    );
    let off = 100.0 * (trees.reweighted as f64 - runs as f64) / runs as f64;
    println!(
        "| events a second | emitted (runs / spans) | received before exit (spans / whole runs) | whole runs re-weighted | runs cut | spans without their parent | sampling | dropped from the queue | requests waiting in the outbox | shutdown |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {:.0} | {runs} / {emitted} | {} / {} | {} ({off:+.1}%) | {} | {} | {sampling} | {} | {} | {} ms |",
        emitted as f64 / emitting.as_secs_f64(),
        trees.spans,
        trees.whole,
        trees.reweighted,
        trees.traces - trees.whole,
        trees.orphans,
        status.dropped.queue_full,
        status.pending.requests,
        shutdown.as_millis()
    );
    let _ = std::fs::remove_dir_all(dir);
}
