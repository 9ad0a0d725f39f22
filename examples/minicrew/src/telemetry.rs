//! What minicrew tells its users about its telemetry: the keys on every
//! event, the catalogue of everything it can send, and its document.

use crewtel::{ProcessContext, Telemetry, catalogue::Catalogue, document};

use crate::events::{
    CrewCompleted, CrewCreated, CrewEnded, CrewExecution, CrewIndividualTestResult,
    CrewTestExecution, EnvironmentContext, FeatureUsage, FlowCompleted, FlowCreation,
    FlowExecution, FlowMethodFailed, FlowPaused, FlowPlotting, HumanFeedback, RunEnded,
    TaskCreated, TaskEnded, TaskExecution, TemplateInstalled, ToolRepeatedUsage, ToolUsage,
    ToolUsageError,
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
        CrewCompleted::CATALOGUE,
        RunEnded::CATALOGUE,
        CrewTestExecution::CATALOGUE,
        CrewIndividualTestResult::CATALOGUE,
        FlowCreation::CATALOGUE,
        FlowPlotting::CATALOGUE,
        FlowExecution::CATALOGUE,
        FlowCompleted::CATALOGUE,
        FlowPaused::CATALOGUE,
        FlowMethodFailed::CATALOGUE,
        HumanFeedback::CATALOGUE,
        FeatureUsage::CATALOGUE,
        EnvironmentContext::CATALOGUE,
        TemplateInstalled::CATALOGUE,
    ]
}

/// The version of the catalogue, for the first-run notice: a change of what
/// is sent shows the notice again.
pub fn catalogue_version() -> String {
    document::version(&catalogues(), Some(EveryEvent::CATALOGUE))
}

/// minicrew's telemetry document (Markdown), from its events' catalogues,
/// and where it differs from the reference.
pub fn document() -> String {
    let mut out = document::markdown(
        "minicrew",
        &catalogues(),
        Some(EveryEvent::CATALOGUE),
        REGENERATE,
    );
    out.push_str(&crate::reference::markdown());
    out
}

/// The command that regenerates `docs/telemetry.json`, the catalogue
/// minicrew's tests hold its code to (`crewtel::testing::assert_catalogue_admits`).
pub const REGENERATE_JSON: &str =
    "cargo run -q --example crew -- --telemetry > docs/telemetry.json";

/// The same, as JSON for tools.
pub fn document_json() -> String {
    document::json(&catalogues(), Some(EveryEvent::CATALOGUE))
}

/// The command that regenerates `docs/registry/minicrew.yaml`.
pub const REGENERATE_REGISTRY: &str =
    "cargo run -q --example crew -- telemetry registry > docs/registry/minicrew.yaml";

/// The same, as an OpenTelemetry semantic-convention registry (YAML), for
/// Weaver (`weaver registry check -r docs/registry`).
pub fn registry() -> String {
    document::registry(
        "minicrew",
        &catalogues(),
        Some(EveryEvent::CATALOGUE),
        REGENERATE_REGISTRY,
    )
}
