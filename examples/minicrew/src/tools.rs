//! The tools an agent can call: a trait, so that a framework's users (and
//! its tests) bring their own.

use std::fmt;
use std::sync::Arc;

/// A tool an agent can call.
pub trait Tool: Send + Sync + fmt::Debug {
    /// The tool's name, as its author wrote it: all telemetry says of a tool.
    fn name(&self) -> &str;

    /// Runs the tool on `input`.
    fn call(&self, input: &str) -> Result<String, ToolError>;

    /// Whether the tool is served over MCP (reported as Feature Usage when
    /// it is reached).
    fn over_mcp(&self) -> bool {
        false
    }
}

// What reads a tool for telemetry (`tool_names`) reads its name only.
crewtel::secret_free!(dyn Tool);

/// The names of tools.
pub fn tool_names(tools: &[Arc<dyn Tool>]) -> Vec<&str> {
    tools.iter().map(|tool| tool.name()).collect()
}

/// A tool call that failed. Its message may quote the prompt; only its type
/// is ever sent.
#[derive(Debug)]
pub struct ToolError {
    /// What went wrong, as the tool said it: never sent.
    pub message: String,
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ToolError {}

/// Searches (simulated: it answers with what it was asked).
#[derive(Debug)]
pub struct Search;

impl Tool for Search {
    fn name(&self) -> &str {
        "search"
    }

    fn call(&self, input: &str) -> Result<String, ToolError> {
        Ok(format!("results for {input}"))
    }
}

/// Checks spelling (simulated).
#[derive(Debug)]
pub struct Spellcheck;

impl Tool for Spellcheck {
    fn name(&self) -> &str {
        "spellcheck"
    }

    fn call(&self, input: &str) -> Result<String, ToolError> {
        Ok(input.to_owned())
    }

    fn over_mcp(&self) -> bool {
        true
    }
}

/// The tools one agent can use.
pub type Toolbox = Vec<Arc<dyn Tool>>;

/// The tools of the research crew's two agents.
pub struct ResearchTools {
    /// The researcher's.
    pub researcher: Toolbox,
    /// The writer's.
    pub writer: Toolbox,
}

/// The research crew's usual tools: search for the researcher, spellcheck
/// for the writer.
pub fn standard() -> ResearchTools {
    ResearchTools {
        researcher: vec![Arc::new(Search)],
        writer: vec![Arc::new(Spellcheck)],
    }
}
