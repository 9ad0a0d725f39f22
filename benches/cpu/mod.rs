//! CPU time, for the benchmarks that count it on every thread (Linux's
//! per-process and per-thread clocks; `None` elsewhere).

#![allow(dead_code)] // Each benchmark asks what it needs.

/// The process's CPU time so far, all threads, in nanoseconds.
pub fn process() -> Option<u64> {
    clock(Clock::Process)
}

/// This thread's CPU time so far, in nanoseconds.
pub fn thread() -> Option<u64> {
    clock(Clock::Thread)
}

enum Clock {
    Process,
    Thread,
}

#[cfg(target_os = "linux")]
fn clock(which: Clock) -> Option<u64> {
    use rustix::time::ClockId;
    let id = match which {
        Clock::Process => ClockId::ProcessCPUTime,
        Clock::Thread => ClockId::ThreadCPUTime,
    };
    let at = rustix::time::clock_gettime(id);
    Some(at.tv_sec as u64 * 1_000_000_000 + at.tv_nsec as u64)
}

#[cfg(not(target_os = "linux"))]
fn clock(_: Clock) -> Option<u64> {
    None
}
