//! The benchmarks compare three ways of building the same attributes; this
//! proves they are the same, so the comparison is fair, and counts heap
//! allocations (deterministic, unlike time): none when telemetry is off, and
//! no more for the derive than for the hand-written code.

#[path = "../benches/model/mod.rs"]
mod model;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use crewtel::{Consent, Telemetry};
use crewtel_reporter::Reporter;

/// Counts this thread's allocations (tests run on several threads).
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn allocations(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

#[test]
fn the_three_ways_build_the_same_attributes() {
    for n in [0, 1, 10, 100] {
        for consent in [Consent::Anonymous, Consent::ShareCrew] {
            let crew = model::crew(n, consent == Consent::ShareCrew);
            let derive = model::derive(&crew, consent);
            assert_eq!(
                derive,
                model::hand_written(&crew, consent),
                "hand-written, n = {n}, {consent:?}"
            );
            assert_eq!(
                derive,
                model::reflection(&crew, consent),
                "reflection, n = {n}, {consent:?}"
            );
        }
    }
}

#[test]
fn telemetry_off_allocates_nothing() {
    let reporter = Reporter::builder()
        .environment(|name| (name == "DO_NOT_TRACK").then(|| "1".into()))
        .build();
    let crew = model::crew(10, true);
    let count = allocations(|| {
        for _ in 0..1000 {
            reporter.emit(std::hint::black_box(&crew).telemetry_event());
            reporter.start(crew.telemetry_event()).end();
        }
    });
    assert_eq!(count, 0);
}

#[test]
fn building_an_event_allocates_nothing_until_it_is_turned_into_attributes() {
    let crew = model::crew(10, true);
    let count = allocations(|| {
        let event = std::hint::black_box(crew.telemetry_event());
        std::hint::black_box(event.name());
    });
    assert_eq!(count, 0);
}

#[test]
fn the_derive_allocates_no_more_than_hand_written_code() {
    for n in [1, 10, 100] {
        for consent in [Consent::Anonymous, Consent::ShareCrew] {
            let crew = model::crew(n, true);
            let derive = allocations(|| drop(std::hint::black_box(model::derive(&crew, consent))));
            let hand =
                allocations(|| drop(std::hint::black_box(model::hand_written(&crew, consent))));
            let reflection =
                allocations(|| drop(std::hint::black_box(model::reflection(&crew, consent))));
            println!(
                "n = {n:>3} {consent:?}: derive {derive}, hand-written {hand}, reflection {reflection} allocations"
            );
            assert!(
                derive <= hand,
                "n = {n}, {consent:?}: derive {derive} > hand-written {hand}"
            );
            assert!(reflection > derive);
        }
    }
}

#[test]
fn the_otlp_bytes_of_the_derive_and_of_hand_written_code_are_the_same() {
    for n in [1, 10] {
        for consent in [Consent::Anonymous, Consent::ShareCrew] {
            let crew = model::crew(n, true);
            let derive = model::otlp_bytes(model::derive(&crew, consent));
            assert!(
                derive.len() > 100 * n,
                "{n} {consent:?}: {} bytes",
                derive.len()
            );
            assert_eq!(
                derive,
                model::otlp_bytes(model::hand_written(&crew, consent)),
                "{n} {consent:?}"
            );
        }
    }
}

#[test]
fn the_hand_written_json_writer_emits_the_derives_bytes() {
    for n in [0, 1, 10] {
        for consent in [Consent::Anonymous, Consent::ShareCrew] {
            let mut crew = model::crew(n, consent == Consent::ShareCrew);
            if let Some(agent) = crew.agents.first_mut() {
                // Text JSON escapes, escaped again inside the outer string.
                agent.role = "a \"quoted\" \\ role\n\u{1}é🦙".into();
            }
            let derive = serde_json::to_string(&crew.telemetry_event()).unwrap();
            assert_eq!(model::hand_json(&crew), derive, "{n} {consent:?}");
            let one_pass = crew.telemetry_event().to_json().unwrap();
            assert_eq!(one_pass, derive, "{n} {consent:?}: to_json");
        }
    }
}
