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

/// Fresh ids for a span that starts now: in `parent`'s trace, and sampled
/// as it is, or in a new trace, sent whole until a sampler says otherwise.
pub(crate) fn fresh(parent: Option<SpanIds>) -> SpanIds {
    RNG.with_borrow_mut(|rng| {
        let span_id = rng.u64(1..);
        match parent {
            Some(parent) => parent.child(span_id),
            None => SpanIds::new(rng.u128(1..), span_id),
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
        let parent = SpanIds::new(5, 1).sampled(crewtel::sink::Sampling::Kept { threshold: 9 });
        let child = fresh(Some(parent));
        assert_eq!((child.trace_id, child.sampling), (5, parent.sampling));
        assert_ne!(child.span_id, parent.span_id);
    }
}
