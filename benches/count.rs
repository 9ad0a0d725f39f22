//! Runs one case of the benchmarks a given number of times, for counting
//! its instructions with callgrind rather than timing it (timings on a
//! shared 2-core machine move by 10% between runs; instruction counts do
//! not). `benches/count.sh` runs each case twice under callgrind and prints
//! the instructions of one iteration (the difference, divided), side by side.
//!
//! `cargo bench --bench count -- <case> <n agents and tasks> <iterations>`;
//! `cargo bench --bench count -- list` names the cases.

mod model;

use std::hint::black_box;

use crewtel::{Consent, Telemetry};

type Case = fn(&model::Crew, Consent) -> usize;

const CASES: &[(&str, Case)] = &[
    ("json/serde", |crew, _| {
        serde_json::to_string(&crew.telemetry_event()).map_or(0, |s| s.len())
    }),
    ("json/to_json", |crew, _| {
        crew.telemetry_event().to_json().map_or(0, |s| s.len())
    }),
    ("json/hand-written", |crew, _| model::hand_json(crew).len()),
    ("key_values/derive", |crew, consent| {
        model::derive(crew, consent).len()
    }),
    ("key_values/hand-written", |crew, consent| {
        model::hand_written(crew, consent).len()
    }),
    ("otlp_bytes/derive", |crew, consent| {
        model::otlp_bytes(model::derive(crew, consent)).len()
    }),
    ("otlp_bytes/hand-written", |crew, consent| {
        model::otlp_bytes(model::hand_written(crew, consent)).len()
    }),
];

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [case, n, iterations, consent] = args.as_slice() else {
        for (name, _) in CASES {
            println!("{name}");
        }
        println!("usage: count <case> <n> <iterations> <anonymous|shared>");
        return;
    };
    let (n, iterations): (usize, usize) = (
        n.parse().expect("n is a number"),
        iterations.parse().expect("iterations is a number"),
    );
    let shared = consent == "shared";
    let consent = if shared {
        Consent::ShareCrew
    } else {
        Consent::Anonymous
    };
    let (_, run) = CASES
        .iter()
        .find(|(name, _)| name == case)
        .expect("a case `list` names");
    let crew = model::crew(n, shared);
    let mut total = 0;
    for _ in 0..iterations {
        total += run(black_box(&crew), black_box(consent));
    }
    black_box(total);
}
