//! Export failures, reported at most once per kind and never to the host's
//! control flow.

use std::collections::HashSet;
use std::sync::Mutex;

use crate::warning::WarningSink;

/// Remembers which kinds of failure were already reported.
pub(crate) struct Failures {
    seen: Mutex<HashSet<String>>,
    warn: WarningSink,
}

impl Failures {
    pub(crate) fn new(warn: WarningSink) -> Self {
        Failures {
            seen: Mutex::new(HashSet::new()),
            warn,
        }
    }

    /// Reports `kind` through the warning sink the first time it happens.
    pub(crate) fn report(&self, kind: &str) {
        let first = match self.seen.lock() {
            Ok(mut seen) => seen.insert(kind.to_owned()),
            Err(_) => false,
        };
        if first {
            (self.warn)(&format!(
                "crewtel: telemetry export failed ({kind}); the host is not affected, and further failures of this kind are not reported"
            ));
        }
    }
}

impl core::fmt::Debug for Failures {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Failures").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[test]
    fn each_kind_is_reported_once() {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        let failures = Failures::new(Arc::new(move |line: &str| {
            sink.lock().unwrap().push(line.to_owned())
        }));
        for _ in 0..3 {
            failures.report("collector unreachable");
            failures.report("HTTP 500");
        }
        let lines = lines.lock().unwrap();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].contains("collector unreachable"));
        assert!(lines[1].contains("HTTP 500"));
    }
}
