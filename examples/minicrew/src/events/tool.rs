//! An agent's tool calls.

use crewtel::Telemetry;

use crate::framework::Agent;

use super::AgentIds;

/// An agent used a tool.
#[derive(Telemetry)]
#[telemetry(event = "Tool Usage")]
pub struct ToolUsage<'a> {
    /// The tool's name, as its author wrote it.
    #[telemetry(always, free_text)]
    pub tool_name: &'a str,
    /// How many times the agent tried it.
    #[telemetry(always)]
    pub attempts: u32,
    /// The model that chose the tool, as the user named it.
    #[telemetry(always, free_text)]
    pub llm: &'a str,
    /// The agent that used the tool.
    #[telemetry(always, flatten)]
    pub agent: AgentIds<'a>,
}

impl<'a> ToolUsage<'a> {
    /// `agent`'s use of `tool`, the `attempts`th.
    pub fn of(agent: &'a Agent, tool: &'a str, attempts: u32) -> Self {
        ToolUsage {
            tool_name: tool,
            attempts,
            llm: agent.llm.model(),
            agent: AgentIds::of(agent),
        }
    }
}

/// An agent called the same tool with the same input again.
#[derive(Telemetry)]
#[telemetry(event = "Tool Repeated Usage")]
pub struct ToolRepeatedUsage<'a> {
    /// The tool's name, as its author wrote it.
    #[telemetry(always, free_text)]
    pub tool_name: &'a str,
    /// How many times the agent tried it.
    #[telemetry(always)]
    pub attempts: u32,
    /// The model that chose the tool, as the user named it.
    #[telemetry(always, free_text)]
    pub llm: &'a str,
}

impl<'a> ToolRepeatedUsage<'a> {
    /// `agent`'s repeated use of `tool`, the `attempts`th.
    pub fn of(agent: &'a Agent, tool: &'a str, attempts: u32) -> Self {
        ToolRepeatedUsage {
            tool_name: tool,
            attempts,
            llm: agent.llm.model(),
        }
    }
}

/// A tool call failed (its error's message is never sent).
#[derive(Telemetry)]
#[telemetry(event = "Tool Usage Error")]
pub struct ToolUsageError<'a> {
    /// The model that chose the tool, as the user named it.
    #[telemetry(always, free_text)]
    pub llm: &'a str,
    /// The tool's name, as its author wrote it.
    #[telemetry(always, free_text)]
    pub tool_name: &'a str,
    /// The agent whose tool failed.
    #[telemetry(always, flatten)]
    pub agent: AgentIds<'a>,
}

impl<'a> ToolUsageError<'a> {
    /// `agent`'s failed call of `tool`.
    pub fn of(agent: &'a Agent, tool: &'a str) -> Self {
        ToolUsageError {
            llm: agent.llm.model(),
            tool_name: tool,
            agent: AgentIds::of(agent),
        }
    }
}
