//! Holding the code to the catalogue a host committed: what its CI runs so
//! that a change cannot widen what is sent without saying so.

use std::path::Path;

use crate::document::Diff;

/// Panics when `current` (the code's catalogue, as
/// [`document::json`](crate::document::json) writes it) is not the
/// catalogue committed at `committed`, and says how: first what widens what
/// is sent (an event or key added, a tier widened from `share_crew` to
/// `always`, a key newly free text, a type changed, an expiry pushed back or
/// removed, a resource key added), then what narrows it, each one line.
///
/// A change admits what it changes by regenerating the committed catalogue
/// in the same change (`regenerate`, the command that writes it), where a
/// reviewer sees it. (The catalogue's version, computed from the code,
/// changes with the code: every user sees the first-run notice again.) A
/// narrowing must be admitted too, so that the committed catalogue never
/// lags behind the code: one that did would later admit, unseen, a widening
/// back to what it still lists.
///
/// ```
/// use crewtel::{document, testing, Telemetry};
///
/// #[derive(Telemetry)]
/// #[telemetry(event = "Tool Usage")]
/// struct ToolUsage {
///     /// The tool's name.
///     #[telemetry(always, free_text)]
///     tool_name: String,
/// }
///
/// let committed = std::env::temp_dir().join("crewtel-doc-telemetry.json");
/// std::fs::write(&committed, document::json(&[ToolUsage::CATALOGUE], None)).unwrap();
/// let now = document::json(&[ToolUsage::CATALOGUE], None);
/// testing::assert_catalogue_admits(&committed, &now, "cargo xtask catalogue");
/// # std::fs::remove_file(&committed).unwrap();
/// ```
#[track_caller]
pub fn assert_catalogue_admits(committed: impl AsRef<Path>, current: &str, regenerate: &str) {
    let path = committed.as_ref();
    let Ok(text) = std::fs::read_to_string(path) else {
        panic!(
            "no committed catalogue at {}: write it with `{regenerate}` and commit it",
            path.display()
        );
    };
    let diff = match Diff::between(&text, current) {
        Ok(diff) => diff,
        Err(error) => panic!(
            "{}: {error}; write it again with `{regenerate}`",
            path.display()
        ),
    };
    if diff.is_empty() {
        return;
    }
    let lines = |widens: bool| -> Vec<String> {
        diff.changes
            .iter()
            .filter(|change| change.widens() == widens)
            .map(|change| format!("  {change}"))
            .collect()
    };
    let (wider, narrower) = (lines(true), lines(false));
    let mut message = format!(
        "the code's catalogue is not the one committed at {}:",
        path.display()
    );
    if !wider.is_empty() {
        message.push_str(&format!("\nit widens what is sent:\n{}", wider.join("\n")));
    }
    if !narrower.is_empty() {
        message.push_str(&format!(
            "\nit narrows what is sent:\n{}",
            narrower.join("\n")
        ));
    }
    message.push_str(&format!(
        "\nIf it should, admit it in this change: run `{regenerate}` and commit the catalogue."
    ));
    panic!("{message}");
}

/// Panics when a key or event of `catalogue` (its JSON, as
/// [`document::json`](crate::document::json) writes it) expires within
/// `days`, or has expired: each is one line of the message, so that a host
/// sees it coming and decides (push the date back, which the committed
/// catalogue must then admit, or remove the field).
///
/// ```
/// use crewtel::{document, testing, Telemetry};
///
/// #[derive(Telemetry)]
/// struct Crew {
///     /// How many agents, until the study ends.
///     #[telemetry(always, expires = "2999-12-31")]
///     agents: u32,
/// }
///
/// testing::assert_none_expire_within(&document::json(&[Crew::CATALOGUE], None), 30);
/// ```
#[track_caller]
pub fn assert_none_expire_within(catalogue: &str, days: u32) {
    let expiring = match crate::document::expiring(catalogue, days) {
        Ok(expiring) => expiring,
        Err(error) => panic!("{error}"),
    };
    if !expiring.is_empty() {
        let lines: Vec<String> = expiring.iter().map(|e| format!("  {e}")).collect();
        panic!(
            "telemetry that expires within {days} days:\n{}",
            lines.join("\n")
        );
    }
}
