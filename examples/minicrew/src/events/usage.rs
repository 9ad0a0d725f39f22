//! What minicrew's users use: its features, the coding environment it runs
//! in, the templates they install.

use crewtel::{Telemetry, TelemetryValue};

/// A feature of minicrew was used. Each feature sends only the keys agreed
/// for it, declared as its variant's fields: a key nobody agreed for a
/// feature does not compile (the reference drops it at run time).
#[derive(Telemetry)]
#[telemetry(event = "Feature Usage", tag = "feature")]
pub enum FeatureUsage<'a> {
    /// A crew's planner made a plan before its tasks ran.
    #[telemetry(rename = "planning:creation")]
    PlanningCreation,
    /// A crew saved to its memory after a task.
    #[telemetry(rename = "memory:save")]
    MemorySave,
    /// A task's guardrail checked its output.
    #[telemetry(rename = "guardrail:execution")]
    GuardrailExecution,
    /// A hook ran before a task.
    #[telemetry(rename = "hooks:before_task")]
    HooksBeforeTask,
    /// A tool server was reached over MCP.
    #[telemetry(rename = "mcp:connection")]
    McpConnection,
    /// The coding agent the process runs under, once per process.
    #[telemetry(rename = "coding_agent")]
    CodingAgent {
        /// Which one, from a closed set (`claude_code`, `codex`, `cursor`,
        /// ..., `unknown`).
        #[telemetry(always)]
        agent: &'static str,
    },
    /// A crew's test compared models.
    #[telemetry(rename = "cli_usage:eval_models")]
    EvalModels {
        /// Whether the user was signed in.
        #[telemetry(always)]
        authenticated: bool,
        /// The models compared, as the user named them.
        #[telemetry(always, free_text, len(always, rename = "models_count"))]
        models: &'a [&'a str],
    },
}

/// The coding environment the process runs in, once per process.
#[derive(Telemetry)]
#[telemetry(event = "Environment Context")]
pub struct EnvironmentContext {
    /// The environment, from a closed set.
    #[telemetry(always)]
    pub tool: CodingTool,
}

/// A coding environment, as the reference names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, TelemetryValue)]
pub enum CodingTool {
    /// Claude Code.
    #[telemetry(rename = "CC")]
    ClaudeCode,
    /// OpenAI's Codex.
    #[telemetry(rename = "Codex")]
    Codex,
    /// Cursor.
    #[telemetry(rename = "Cursor")]
    Cursor,
    /// Another coding assistant.
    #[telemetry(rename = "other")]
    Other,
    /// None detected.
    #[telemetry(rename = "none")]
    None,
}

impl CodingTool {
    /// From crewtel's reading of the coding agent (`claude_code`, ...).
    pub fn of(agent: &str) -> CodingTool {
        match agent {
            "claude_code" => CodingTool::ClaudeCode,
            "codex" => CodingTool::Codex,
            "cursor" => CodingTool::Cursor,
            "unknown" => CodingTool::None,
            _ => CodingTool::Other,
        }
    }
}

/// A project template was installed.
#[derive(Telemetry)]
#[telemetry(event = "Template Installed")]
pub struct TemplateInstalled<'a> {
    /// The template's name, as the user asked for it.
    #[telemetry(always, free_text)]
    pub template_name: &'a str,
}
