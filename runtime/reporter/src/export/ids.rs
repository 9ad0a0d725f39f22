//! A span's ids, made when it starts, so that what happens inside it can
//! name it as its parent before it ends: random, never zero (W3C Trace
//! Context's invalid id). The generator is crewtel's own, one a thread,
//! seeded from the operating system's randomness (through `RandomState`)
//! and again after a `fork`: a host that seeds fastrand's shared generator
//! (a test, a simulation) never makes two runs share their ids.

use std::cell::RefCell;
use std::hash::BuildHasher;

use crewtel::sink::SpanIds;

thread_local! {
    /// This thread's generator, and the process it was seeded in.
    static RNG: RefCell<(u32, fastrand::Rng)> = RefCell::new(seeded());
}

fn seeded() -> (u32, fastrand::Rng) {
    let pid = std::process::id();
    let seed = std::hash::RandomState::new().hash_one(pid);
    (pid, fastrand::Rng::with_seed(seed))
}

/// Fresh ids for a span that starts now: in `trace`, or in a new trace.
pub(crate) fn fresh(trace: Option<u128>) -> SpanIds {
    RNG.with_borrow_mut(|rng| {
        if rng.0 != std::process::id() {
            *rng = seeded();
        }
        let rng = &mut rng.1;
        SpanIds {
            trace_id: trace.unwrap_or_else(|| rng.u128(1..)),
            span_id: rng.u64(1..),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seeding fastrand's shared generator, as a host's test may, does not
    /// make crewtel's ids repeat.
    #[test]
    fn the_host_s_seed_is_not_crewtel_s() {
        fastrand::seed(7);
        let first = fresh(None);
        fastrand::seed(7);
        let second = fresh(None);
        assert_ne!(first, second);
        assert_ne!(first.span_id, 0);
        assert_eq!(fresh(Some(5)).trace_id, 5);
    }
}
