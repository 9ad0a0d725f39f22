//! A tool crate's domain model, classified for telemetry against the facade
//! alone: it derives, builds events and reads their attributes and
//! catalogue, and links no exporter.

use crewtel::{Consent, Event, Secret, Telemetry, TelemetryValue};

/// How a tool reaches its backend.
#[derive(Clone, Copy, Debug, TelemetryValue)]
pub enum Transport {
    /// In the same process.
    Local,
    /// Over the network.
    Remote,
}

/// A tool's usage, as its own crate declares it.
#[derive(Telemetry)]
#[telemetry(event = "Tool Usage")]
pub struct ToolUsage {
    /// The tool's name, written by its author.
    #[telemetry(always, free_text)]
    pub tool_name: String,
    /// How the tool reached its backend.
    #[telemetry(always)]
    pub transport: Transport,
    /// How many attempts the call took.
    #[telemetry(always)]
    pub attempts: u32,
    /// What the tool was asked.
    #[telemetry(share_crew, len(always))]
    pub input: String,
    /// The crew's opt-in.
    #[telemetry(consent)]
    pub share_crew: bool,
    /// The key the tool calls its service with: never sent.
    #[telemetry(never)]
    pub api_key: Secret<String>,
}

/// The event a tool call makes, under the crew's own consent.
pub fn usage_event(usage: &ToolUsage) -> Event<'_, ToolUsage> {
    usage.telemetry_event()
}

/// The attributes the event carries under `consent`, as JSON.
pub fn attributes_json(usage: &ToolUsage, consent: Consent) -> String {
    serde_json::to_string(&usage.telemetry_event_with(consent).attributes()).unwrap_or_default()
}
