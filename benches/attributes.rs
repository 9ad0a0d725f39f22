//! Building an event and turning it into exporter attributes, three ways on
//! the same crew and the same keys and values: crewtel's derive, the best
//! hand-written code, and reflection (serde, then an allow-list); then the
//! OTLP protobuf bytes of the span that carries them, derive against hand.
//!
//! `cargo bench --bench attributes`; the figures are in BENCHMARKS.md.

mod model;

use std::hint::black_box;

use crewtel::Consent;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn attributes(c: &mut Criterion) {
    for consent in [Consent::Anonymous, Consent::ShareCrew] {
        let name = match consent {
            Consent::Anonymous => "attributes/anonymous",
            Consent::ShareCrew => "attributes/shared",
        };
        let mut group = c.benchmark_group(name);
        for n in [1, 10, 100] {
            let crew = model::crew(n, consent == Consent::ShareCrew);
            group.bench_with_input(BenchmarkId::new("derive", n), &crew, |b, crew| {
                b.iter(|| model::derive(black_box(crew), consent))
            });
            group.bench_with_input(BenchmarkId::new("hand-written", n), &crew, |b, crew| {
                b.iter(|| model::hand_written(black_box(crew), consent))
            });
            group.bench_with_input(BenchmarkId::new("reflection", n), &crew, |b, crew| {
                b.iter(|| model::reflection(black_box(crew), consent))
            });
        }
        group.finish();
    }
}

fn otlp_bytes(c: &mut Criterion) {
    for consent in [Consent::Anonymous, Consent::ShareCrew] {
        let name = match consent {
            Consent::Anonymous => "otlp_bytes/anonymous",
            Consent::ShareCrew => "otlp_bytes/shared",
        };
        let mut group = c.benchmark_group(name);
        for n in [1, 10, 100] {
            let crew = model::crew(n, consent == Consent::ShareCrew);
            group.bench_with_input(BenchmarkId::new("derive", n), &crew, |b, crew| {
                b.iter(|| model::otlp_bytes(model::derive(black_box(crew), consent)))
            });
            group.bench_with_input(BenchmarkId::new("hand-written", n), &crew, |b, crew| {
                b.iter(|| model::otlp_bytes(model::hand_written(black_box(crew), consent)))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, attributes, otlp_bytes);
criterion_main!(benches);
