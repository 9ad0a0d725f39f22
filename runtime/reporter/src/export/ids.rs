//! A span's ids, made when it starts, so that what happens inside it can
//! name it as its parent before it ends: random, never zero (W3C Trace
//! Context's invalid id).

use crewtel::sink::SpanIds;

/// Fresh ids for a span that starts now: in `trace`, or in a new trace.
pub(crate) fn fresh(trace: Option<u128>) -> SpanIds {
    SpanIds {
        trace_id: trace.unwrap_or_else(|| fastrand::u128(1..)),
        span_id: fastrand::u64(1..),
    }
}
