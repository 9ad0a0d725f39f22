//! Where crewtel's own warnings go: one line each, to stderr or to the
//! host's `on_warning`. Below every module that warns.

use std::sync::Arc;

/// A function that receives crewtel's own warnings (one line each).
pub(crate) type WarningSink = Arc<dyn Fn(&str) + Send + Sync>;

/// `sink`, host code, made so that a panic in it stops there (its payload
/// leaked, not dropped: the drop is host code too).
pub(crate) fn contained(sink: WarningSink) -> WarningSink {
    Arc::new(move |line: &str| {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sink(line)))
            .map_err(std::mem::forget);
    })
}

/// `lookup`, the host's environment closure, made so that a panic in it
/// reads as the variable being unset.
pub(crate) fn lookup_contained(
    lookup: &dyn Fn(&str) -> Option<String>,
    name: &str,
) -> Option<String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| lookup(name)))
        .map_err(std::mem::forget)
        .ok()
        .flatten()
}
