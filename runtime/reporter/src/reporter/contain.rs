//! Host code that crewtel calls while it builds an event (a `with` function,
//! a hand-written `TelemetryValue`, an `every_event` closure) may panic. The
//! panic stops there: the event is dropped and counted, one warning is
//! written, and the host goes on.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::WarningSink;

/// Counts the events dropped because host code panicked, and warns once.
pub(crate) struct Containment {
    dropped: AtomicU64,
    warned: AtomicBool,
    warn: WarningSink,
}

impl Containment {
    pub(crate) fn new(warn: WarningSink) -> Self {
        Containment {
            dropped: AtomicU64::new(0),
            warned: AtomicBool::new(false),
            warn,
        }
    }

    /// `build()`, or `None` (counted, warned about once) when it panicked.
    /// The panic's message is never repeated: it may hold what the event
    /// was built from.
    #[inline]
    pub(crate) fn run<R>(&self, build: impl FnOnce() -> R) -> Option<R> {
        match catch_unwind(AssertUnwindSafe(build)) {
            Ok(built) => {
                self.warn_refused_kinds();
                Some(built)
            }
            Err(payload) => {
                // Its drop is host code too, and may panic again: leaked, a
                // few bytes a panic, rather than run.
                std::mem::forget(payload);
                self.dropped.fetch_add(1, Ordering::Relaxed);
                self.warn_once();
                None
            }
        }
    }

    /// Events dropped so far because host code panicked.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// One warning for each `TelemetryValue` type whose value, in this
    /// event or an earlier one, was not of the kind it declares.
    #[inline]
    fn warn_refused_kinds(&self) {
        for name in crewtel::diagnostics::newly_refused() {
            (self.warn)(&format!(
                "crewtel: a `{name}` value is not of the kind its `TelemetryValue::KIND` declares; such values are not sent"
            ));
        }
    }

    fn warn_once(&self) {
        if !self.warned.swap(true, Ordering::Relaxed) {
            (self.warn)(
                "crewtel: host code called to build an event panicked (a `with` function, a `TelemetryValue` impl or an `every_event` closure); that event was dropped, the host goes on, and further panics are counted but not reported",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[test]
    fn a_panic_is_contained_counted_and_reported_once() {
        let lines = Arc::new(Mutex::new(Vec::<String>::new()));
        let sink = Arc::clone(&lines);
        let containment = Containment::new(Arc::new(move |line: &str| {
            sink.lock().unwrap().push(line.to_owned())
        }));
        assert_eq!(containment.run(|| 7), Some(7));
        for _ in 0..3 {
            let out: Option<()> = containment.run(|| panic!("the prompt was: my diary"));
            assert_eq!(out, None);
        }
        assert_eq!(containment.dropped(), 3);
        let lines = lines.lock().unwrap();
        assert_eq!(lines.len(), 1);
        assert!(
            !lines[0].contains("diary"),
            "the panic's message is not repeated"
        );
    }
}
