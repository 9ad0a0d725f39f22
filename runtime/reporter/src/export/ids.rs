//! A span's ids, made when it starts, so that what happens inside it can
//! name it as its parent before it ends: random, never zero (W3C Trace
//! Context's invalid id). The generator is crewtel's own, one a thread,
//! seeded from the operating system's randomness (through `RandomState`):
//! a host that seeds fastrand's shared generator (a test, a simulation)
//! never makes two runs share their ids. (A process forked without `exec`
//! copies the generator, as it would the SDK's; it also loses the
//! reporter's threads, so it sends nothing to repeat them with.)

use std::cell::RefCell;
use std::hash::BuildHasher;

use crewtel::sink::SpanIds;

thread_local! {
    /// This thread's generator.
    static RNG: RefCell<fastrand::Rng> = RefCell::new(seeded());
}

fn seeded() -> fastrand::Rng {
    fastrand::Rng::with_seed(std::hash::RandomState::new().hash_one(0_u8))
}

/// Fresh ids for a span that starts now: in `trace`, or in a new trace.
pub(crate) fn fresh(trace: Option<u128>) -> SpanIds {
    RNG.with_borrow_mut(|rng| SpanIds {
        trace_id: trace.unwrap_or_else(|| rng.u128(1..)),
        span_id: rng.u64(1..),
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
