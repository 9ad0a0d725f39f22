//! What minicrew tells its users about its telemetry: the keys on every
//! event, the catalogue of everything it can send, and its document.

use crewtel::{Catalogue, ProcessContext, Telemetry, document};

use crate::events::{
    CrewCreated, CrewEnded, CrewExecution, TaskCreated, TaskEnded, TaskExecution,
    ToolRepeatedUsage, ToolUsage, ToolUsageError,
};

/// The framework's own version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Sent with every event: minicrew's version and where the process runs.
/// The program gives it to its reporter (`every_event(EveryEvent::detect)`).
#[derive(Clone, Debug, Telemetry)]
#[telemetry(event = "Every Event")]
pub struct EveryEvent {
    /// The version of minicrew sending the event.
    #[telemetry(always)]
    pub minicrew_version: &'static str,
    /// Where and under what the process runs.
    #[telemetry(always, flatten)]
    pub process: ProcessContext,
}

impl EveryEvent {
    /// Detected once per process.
    pub fn detect() -> EveryEvent {
        EveryEvent {
            minicrew_version: VERSION,
            // The project's own id, from its configuration: none here.
            process: ProcessContext::detect(""),
        }
    }
}

/// The first-run notice, shown once before anything goes to a default
/// endpoint.
pub const NOTICE: &str = "minicrew sends anonymous usage telemetry; `minicrew telemetry catalogue` lists all of it. \
     Turn it off with DO_NOT_TRACK=1.";

/// The command that regenerates `docs/TELEMETRY.md`.
pub const REGENERATE: &str =
    "cargo run -q --example crew -- telemetry catalogue > docs/TELEMETRY.md";

/// Every event minicrew can send, for its telemetry document.
pub fn catalogues() -> Vec<&'static Catalogue> {
    vec![
        CrewCreated::CATALOGUE,
        TaskCreated::CATALOGUE,
        TaskExecution::CATALOGUE,
        TaskEnded::CATALOGUE,
        ToolUsage::CATALOGUE,
        ToolRepeatedUsage::CATALOGUE,
        ToolUsageError::CATALOGUE,
        CrewExecution::CATALOGUE,
        CrewEnded::CATALOGUE,
    ]
}

/// The version of the catalogue, for the first-run notice: a change of what
/// is sent shows the notice again.
pub fn catalogue_version() -> String {
    document::version(&catalogues(), Some(EveryEvent::CATALOGUE))
}

/// minicrew's telemetry document (Markdown), from its events' catalogues.
pub fn document() -> String {
    document::markdown(
        "minicrew",
        &catalogues(),
        Some(EveryEvent::CATALOGUE),
        REGENERATE,
    )
}

/// The same, as JSON for tools.
pub fn document_json() -> String {
    document::json(&catalogues(), Some(EveryEvent::CATALOGUE))
}
