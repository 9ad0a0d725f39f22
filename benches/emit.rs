//! What `emit` costs the host: off, with nowhere to send, with a collector
//! that is not there and with one that never answers (criterion); then the
//! latency distribution per call, end-to-end throughput to a loopback
//! collector, memory after a million emits, the time `shutdown` takes
//! against a hanging collector, and how many events a second the outbox
//! absorbs while the collector is down (printed tables).
//!
//! `cargo bench --bench emit`; the figures are in BENCHMARKS.md.

#[path = "../tests/collector/mod.rs"]
mod collector;
mod model;

use std::hint::black_box;
use std::time::{Duration, Instant};

use collector::{Behaviour, Collector, nothing_listening};
use crewtel::Telemetry;
use crewtel_reporter::Reporter;
use criterion::Criterion;

/// A reporter on `vars` alone, its outbox in a scratch folder. The local
/// record is off: its file writes happen on the courier's thread, not in
/// `emit`, and would only add disk noise.
fn reporter(vars: Vec<(&'static str, String)>) -> Reporter {
    let mut vars = vars;
    if !vars.iter().any(|(k, _)| *k == "CREWTEL_RECORD") {
        vars.push(("CREWTEL_RECORD", "off".into()));
    }
    if !vars.iter().any(|(k, _)| *k == "CREWTEL_DATA_DIR") {
        let dir = collector::scratch_dir("bench-emit");
        vars.push(("CREWTEL_DATA_DIR", dir.display().to_string()));
    }
    Reporter::builder()
        .environment(move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        })
        .on_warning(|_| {})
        .shutdown_timeout(Duration::from_millis(200))
        .build()
}

fn off() -> Reporter {
    reporter(vec![("DO_NOT_TRACK", "1".into())])
}

fn endpoint(endpoint: String) -> Reporter {
    reporter(vec![
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
        ("CREWTEL_EXPORTER_OTLP_TIMEOUT", "1000".into()),
    ])
}

fn criterion_emit(c: &mut Criterion, hanging: &Collector) {
    let crew = model::crew(10, false);
    let mut group = c.benchmark_group("emit");
    // With the record kept (the default), each event's consent is noted
    // for its record line.
    let recording = reporter(vec![
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", nothing_listening()),
        ("CREWTEL_EXPORTER_OTLP_TIMEOUT", "1000".into()),
        ("CREWTEL_RECORD", "on".into()),
    ]);
    let cases: [(&str, Reporter); 5] = [
        ("off", off()),
        ("no endpoint", reporter(vec![])),
        ("collector not there", endpoint(nothing_listening())),
        ("collector not there, record kept", recording),
        ("collector hangs", endpoint(hanging.endpoint())),
    ];
    for (name, reporter) in &cases {
        group.bench_function(*name, |b| {
            b.iter(|| reporter.emit(black_box(&crew).telemetry_event()))
        });
    }
    group.finish();
}

/// Per-call latency of `emit` (10-agent crew), as percentiles.
fn latency_table(hanging: &Collector) {
    let crew = model::crew(10, false);
    println!("\nemit latency per call, 100000 calls (10-agent crew)");
    println!("| reporter | p50 | p99 | p99.9 | max |");
    println!("|---|---|---|---|---|");
    for (name, reporter) in [
        ("off", off()),
        ("collector not there", endpoint(nothing_listening())),
        ("collector hangs", endpoint(hanging.endpoint())),
    ] {
        let mut samples: Vec<Duration> = (0..100_000)
            .map(|_| {
                let started = Instant::now();
                reporter.emit(black_box(&crew).telemetry_event());
                started.elapsed()
            })
            .collect();
        samples.sort_unstable();
        let at = |q: f64| samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)];
        println!(
            "| {name} | {:?} | {:?} | {:?} | {:?} |",
            at(0.5),
            at(0.99),
            at(0.999),
            samples[samples.len() - 1]
        );
    }
}

/// Events per second from `emit` to spans decoded by a loopback collector,
/// and how many the bounded queue dropped, for bursts of rising size.
fn throughput_table() {
    println!("\nend-to-end to a loopback collector (1-agent crew, queue 2048)");
    println!("| burst | emit time | delivered | dropped | delivered/s |");
    println!("|---|---|---|---|---|");
    let crew = model::crew(1, false);
    for burst in [1_000, 10_000, 100_000] {
        let collector = Collector::start(Behaviour::Accept);
        let reporter = Reporter::builder()
            .environment({
                let endpoint = collector.endpoint();
                let dir = collector::scratch_dir("bench-throughput");
                move |name| match name {
                    "CREWTEL_EXPORTER_OTLP_ENDPOINT" => Some(endpoint.clone()),
                    "CREWTEL_RECORD" => Some("off".into()),
                    "CREWTEL_DATA_DIR" => Some(dir.display().to_string()),
                    _ => None,
                }
            })
            .shutdown_timeout(Duration::from_secs(30))
            .build();
        let started = Instant::now();
        for _ in 0..burst {
            reporter.emit(crew.telemetry_event());
        }
        let emitted = started.elapsed();
        reporter.shutdown();
        let total = started.elapsed();
        let delivered = collector.spans().len();
        println!(
            "| {burst} | {emitted:?} | {delivered} | {} | {:.0} |",
            reporter.dropped_events(),
            delivered as f64 / total.as_secs_f64()
        );
    }
}

/// A line of /proc/self/status in KiB (`VmRSS`: now; `VmHWM`: the peak).
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

/// Resident memory while a million events go to a collector that is not
/// there: the queue is bounded, so it must stay flat.
fn memory_table() {
    println!("\nresident memory, 1000000 emits to a collector that is not there (10-agent crew)");
    println!("| after emits | resident now (KiB) | peak so far (KiB) |");
    println!("|---|---|---|");
    let crew = model::crew(10, false);
    let reporter = endpoint(nothing_listening());
    println!(
        "| 0 | {} | {} |",
        status_kib("VmRSS:"),
        status_kib("VmHWM:")
    );
    for step in 1..=5 {
        for _ in 0..200_000 {
            reporter.emit(crew.telemetry_event());
        }
        println!(
            "| {} | {} | {} |",
            step * 200_000,
            status_kib("VmRSS:"),
            status_kib("VmHWM:")
        );
    }
    println!("dropped: {}", reporter.dropped_events());
}

/// A reporter to `endpoint`, its outbox in `dir`, no record, quiet.
fn exporting(endpoint: String, dir: &std::path::Path) -> crewtel_reporter::ReporterBuilder {
    let dir = dir.display().to_string();
    Reporter::builder()
        .environment(move |name| match name {
            "CREWTEL_EXPORTER_OTLP_ENDPOINT" => Some(endpoint.clone()),
            "CREWTEL_RECORD" => Some("off".into()),
            "CREWTEL_DATA_DIR" => Some(dir.clone()),
            _ => None,
        })
        .on_warning(|_| {})
}

/// `sorted`'s value at quantile `q`.
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)]
}

/// How long `shutdown` keeps the host, over many runs: against a collector
/// that never answers (the whole bound is the most it may take) and one
/// that accepts.
fn exit_table(hanging: &Collector) {
    println!("\nshutdown after 10 emits (1-agent crew), 50 runs each, default bound");
    println!("| collector | p50 | p90 | max | events kept for later |");
    println!("|---|---|---|---|---|");
    let crew = model::crew(1, false);
    let accepting = Collector::start(Behaviour::Accept);
    for (name, collector) in [("hangs", hanging), ("accepts", &accepting)] {
        let mut kept = 0;
        let mut samples: Vec<Duration> = (0..50)
            .map(|_| {
                let dir = collector::scratch_dir("bench-exit");
                let reporter = exporting(collector.endpoint(), &dir).build();
                for _ in 0..10 {
                    reporter.emit(crew.telemetry_event());
                }
                let started = Instant::now();
                reporter.shutdown();
                let took = started.elapsed();
                kept += reporter.status().pending.requests;
                took
            })
            .collect();
        samples.sort_unstable();
        println!(
            "| {name} | {:?} | {:?} | {:?} | {kept} of 50 requests |",
            quantile(&samples, 0.5),
            quantile(&samples, 0.9),
            samples[samples.len() - 1],
        );
    }
}

/// Events a second written to the outbox while the collector is down: a
/// burst of `emit` (1-agent crew) into a queue that holds it all, then
/// `shutdown`, counting what the outbox's files hold.
fn absorbed_table() {
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use prost::Message;

    println!("\nabsorbed by the outbox while the collector is down (1-agent crew, queue 65536)");
    println!("| burst | emit + shutdown | kept in the outbox | dropped | kept per second |");
    println!("|---|---|---|---|---|");
    let crew = model::crew(1, false);
    for burst in [1_000, 10_000, 30_000] {
        let dir = collector::scratch_dir("bench-absorbed");
        let reporter = exporting(nothing_listening(), &dir)
            .queue_size(1 << 16)
            .build();
        let started = Instant::now();
        for _ in 0..burst {
            reporter.emit(crew.telemetry_event());
        }
        reporter.shutdown();
        let took = started.elapsed();
        let mut kept = 0;
        for entry in std::fs::read_dir(dir.join("unknown_service").join("outbox"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let bytes = std::fs::read(entry.path()).unwrap_or_default();
            let Some(at) = bytes.windows(2).position(|w| w == b"\n\n") else {
                continue;
            };
            if let Ok(request) = ExportTraceServiceRequest::decode(&bytes[at + 2..]) {
                kept += request
                    .resource_spans
                    .iter()
                    .flat_map(|r| &r.scope_spans)
                    .map(|s| s.spans.len())
                    .sum::<usize>();
            }
        }
        println!(
            "| {burst} | {took:?} | {kept} | {} | {:.0} |",
            reporter.dropped_events(),
            kept as f64 / took.as_secs_f64()
        );
    }
}

fn main() {
    let hanging = Collector::start(Behaviour::Hang);
    let mut c = Criterion::default().configure_from_args();
    criterion_emit(&mut c, &hanging);
    c.final_summary();
    // The tables only when benchmarks run (not for `cargo test --benches`).
    if std::env::args().any(|a| a == "--bench") {
        latency_table(&hanging);
        throughput_table();
        memory_table();
        exit_table(&hanging);
        absorbed_table();
    }
}
