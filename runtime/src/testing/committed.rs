//! Holding the code to the catalogue a host committed: what its CI runs so
//! that a change cannot widen what is sent without saying so.

use std::path::Path;

use crate::document::Diff;

/// Panics when `current` (the code's catalogue, as
/// [`document::json`](crate::document::json) writes it) widens what the
/// catalogue committed at `committed` admits: a key or event added, a tier
/// widened (`share_crew` to `always`), a key newly free text, a type
/// changed, an expiry pushed back or removed. Each widening is one line of
/// the message.
///
/// A change admits a widening by regenerating the committed catalogue in
/// the same change (`regenerate`, the command that writes it), which a
/// reviewer sees in the diff, and which changes the catalogue's version, so
/// that every user sees the first-run notice again. What narrows passes,
/// and is printed: the committed catalogue can be regenerated at leisure.
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
    let widenings: Vec<String> = diff
        .widenings()
        .map(|change| format!("  {change}"))
        .collect();
    if !widenings.is_empty() {
        panic!(
            "the code sends more than {} admits:\n{}\nIf it should, admit it in this change: run `{regenerate}` and commit the catalogue (its version changes, so users see the first-run notice again).",
            path.display(),
            widenings.join("\n")
        );
    }
    if !diff.is_empty() {
        eprintln!(
            "the code sends less than {} admits (regenerate it with `{regenerate}`):\n{diff}",
            path.display()
        );
    }
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
