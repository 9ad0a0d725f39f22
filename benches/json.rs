//! Crew Created for a 10-agent, 10-task crew, built and serialized to JSON
//! (`serde_json::to_string(&event)`, and `event.to_json()`, the same bytes
//! in one pass): crewtel's derive against the limit, a
//! hand-written single-pass writer of the same bytes (`model::hand_json`,
//! held to them by `tests/bench_model.rs`).
//!
//! `cargo bench --bench json`; the figures are in BENCHMARKS.md.

mod model;

use std::hint::black_box;

use crewtel::Telemetry;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn json(c: &mut Criterion) {
    for (name, shared) in [
        ("crew_created_json_anonymous", false),
        ("crew_created_json_shared", true),
    ] {
        let mut group = c.benchmark_group(name);
        for n in [1, 10] {
            let crew = model::crew(n, shared);
            group.bench_with_input(BenchmarkId::new("derive", n), &crew, |b, crew| {
                b.iter(|| serde_json::to_string(&black_box(crew).telemetry_event()).unwrap())
            });
            group.bench_with_input(BenchmarkId::new("to_json", n), &crew, |b, crew| {
                b.iter(|| black_box(crew).telemetry_event().to_json().unwrap())
            });
            group.bench_with_input(BenchmarkId::new("hand-written", n), &crew, |b, crew| {
                b.iter(|| model::hand_json(black_box(crew)))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, json);
criterion_main!(benches);
