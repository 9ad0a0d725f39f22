//! minicrew's events: CrewAI's span set, declared with crewtel's derives
//! (`rust_version` for `python_version`; `minicrew_version`, for
//! `crewai_version`, is on every event: see [`telemetry`](crate::telemetry)).
//! Views borrow the framework's structs, and each takes its consent from the
//! crew it belongs to; nothing is copied until an event is sent.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crewtel::{OnSend, Telemetry};

use crate::framework::{Agent, Crew, Minted, Task};

/// A crew as events name it.
#[derive(Telemetry)]
pub struct CrewIds<'a> {
    /// The crew's random key.
    #[telemetry(always)]
    pub crew_key: &'a Minted,
    /// The crew's random id.
    #[telemetry(always)]
    pub crew_id: &'a Minted,
}

impl<'a> CrewIds<'a> {
    fn of(crew: &'a Crew) -> Self {
        CrewIds {
            crew_key: &crew.key,
            crew_id: &crew.id,
        }
    }
}

/// A task as events name it.
#[derive(Telemetry)]
pub struct TaskIds<'a> {
    /// The task's random key.
    #[telemetry(always)]
    pub task_key: &'a Minted,
    /// The task's random id.
    #[telemetry(always)]
    pub task_id: &'a Minted,
    /// The task's random fingerprint.
    #[telemetry(always)]
    pub task_fingerprint: &'a Minted,
}

/// The agent of an event.
#[derive(Telemetry)]
pub struct AgentIds<'a> {
    /// The agent's random fingerprint.
    #[telemetry(always)]
    pub agent_fingerprint: &'a Minted,
    /// The agent's role, as the user wrote it.
    #[telemetry(always, free_text)]
    pub agent_role: &'a str,
}

impl<'a> AgentIds<'a> {
    fn of(agent: &'a Agent) -> Self {
        AgentIds {
            agent_fingerprint: &agent.fingerprint.uuid,
            agent_role: &agent.role,
        }
    }
}

/// What a task asks for: content, so only from crews that share.
#[derive(Telemetry)]
pub struct TaskContent<'a> {
    /// The task's description, with the crew's inputs filled in.
    #[telemetry(
        share_crew,
        rename = "formatted_description",
        with = "Formatted::render"
    )]
    pub description: Formatted<'a>,
    /// What a good result looks like, with the inputs filled in.
    #[telemetry(
        share_crew,
        rename = "formatted_expected_output",
        with = "Formatted::render"
    )]
    pub expected_output: Formatted<'a>,
}

impl<'a> TaskContent<'a> {
    fn of(crew: &'a Crew, task: &'a Task) -> Self {
        TaskContent {
            description: Formatted {
                template: &task.description,
                crew,
            },
            expected_output: Formatted {
                template: &task.expected_output,
                crew,
            },
        }
    }
}

/// A template and the crew whose inputs fill it: rendered only when it is
/// sent (a `share_crew` field is not read otherwise).
pub struct Formatted<'a> {
    template: &'a str,
    crew: &'a Crew,
}

// What `render` reads (a template and the crew's inputs) holds no `Secret`;
// crewtel cannot see into a struct that borrows the whole crew, so minicrew
// says so.
crewtel::secret_free!(Formatted<'_>);

impl Formatted<'_> {
    /// The text, with the crew's inputs filled in.
    pub fn render(&self) -> Cow<'_, str> {
        self.crew.interpolate(self.template)
    }
}

/// The exact platform, shared only by crews that opted in. Each value is
/// read when the event is sent ([`OnSend`]): with telemetry off, or from an
/// anonymous crew, the machine is not even asked.
#[derive(Telemetry)]
pub struct Platform {
    /// OS, kernel and architecture in one string.
    #[telemetry(share_crew, rename = "platform")]
    pub summary: OnSend<String>,
    /// The kernel release.
    #[telemetry(share_crew, rename = "platform_release")]
    pub release: OnSend<&'static str>,
    /// The OS family (`linux`, `darwin`, `windows`).
    #[telemetry(share_crew, rename = "platform_system")]
    pub system: OnSend<&'static str>,
    /// The OS release.
    #[telemetry(share_crew, rename = "platform_version")]
    pub version: OnSend<&'static str>,
    /// The exact logical CPU count.
    #[telemetry(share_crew, rename = "cpus")]
    pub cpus: OnSend<usize>,
}

const PLATFORM: Platform = Platform {
    summary: OnSend::new(platform::summary),
    release: OnSend::new(platform::release),
    system: OnSend::new(platform::system),
    version: OnSend::new(platform::version),
    cpus: OnSend::new(platform::cpus),
};

mod platform {
    use crewtel::Environment;

    pub fn summary() -> String {
        let env = Environment::get();
        format!(
            "{}-{}-{}",
            env.os_type,
            env.kernel_version.as_deref().unwrap_or("unknown"),
            env.host_arch
        )
    }

    pub fn release() -> &'static str {
        Environment::get().kernel_version.as_deref().unwrap_or("")
    }

    pub fn system() -> &'static str {
        Environment::get().os_type
    }

    pub fn version() -> &'static str {
        Environment::get().os_version.as_deref().unwrap_or("")
    }

    pub fn cpus() -> usize {
        Environment::get().logical_cpus.unwrap_or(0)
    }
}

/// A crew was built.
#[derive(Telemetry)]
#[telemetry(event = "Crew Created")]
pub struct CrewCreated<'a> {
    /// The crew: its own keys, as it classifies them, and its consent.
    #[telemetry(consent, flatten)]
    pub crew: &'a Crew,
    /// The Rust compiler minicrew was built with.
    #[telemetry(always)]
    pub rust_version: &'static str,
    /// The crew's random fingerprint.
    #[telemetry(always)]
    pub crew_fingerprint: &'a Minted,
    /// When the crew's fingerprint was minted.
    #[telemetry(always)]
    pub crew_fingerprint_created_at: &'a Minted,
    /// The exact platform (share_crew).
    #[telemetry(share_crew, flatten)]
    pub platform: Platform,
}

impl<'a> CrewCreated<'a> {
    /// The event of `crew`'s creation.
    pub fn of(crew: &'a Crew) -> Self {
        CrewCreated {
            crew,
            rust_version: crewtel::RUSTC_VERSION,
            crew_fingerprint: &crew.fingerprint.uuid,
            crew_fingerprint_created_at: &crew.fingerprint.created_at,
            platform: PLATFORM,
        }
    }
}

/// A task was created: what its execution span carries, and when its
/// fingerprint was minted.
#[derive(Telemetry)]
#[telemetry(event = "Task Created")]
pub struct TaskCreated<'a> {
    /// The task's execution: its keys, and its crew's consent.
    #[telemetry(consent, flatten)]
    pub execution: TaskExecution<'a>,
    /// When the task's fingerprint was minted.
    #[telemetry(always)]
    pub task_fingerprint_created_at: &'a Minted,
}

impl<'a> TaskCreated<'a> {
    /// The event of `task`'s creation in `crew`.
    pub fn of(crew: &'a Crew, task: &'a Task) -> Self {
        TaskCreated {
            execution: TaskExecution::of(crew, task),
            task_fingerprint_created_at: &task.fingerprint.created_at,
        }
    }
}

/// A task ran: a span from its start to its end.
#[derive(Telemetry)]
#[telemetry(event = "Task Execution")]
pub struct TaskExecution<'a> {
    /// The crew the task runs in: its consent is the event's.
    #[telemetry(consent)]
    pub crew: &'a Crew,
    /// The crew's ids.
    #[telemetry(always, flatten)]
    pub crew_ids: CrewIds<'a>,
    /// The crew's random fingerprint.
    #[telemetry(always)]
    pub crew_fingerprint: &'a Minted,
    /// The task's ids.
    #[telemetry(always, flatten)]
    pub task: TaskIds<'a>,
    /// The agent assigned to the task.
    #[telemetry(always, flatten)]
    pub agent: AgentIds<'a>,
    /// What the task asks for.
    #[telemetry(always, flatten)]
    pub content: TaskContent<'a>,
}

impl<'a> TaskExecution<'a> {
    /// The execution of `task` in `crew`.
    pub fn of(crew: &'a Crew, task: &'a Task) -> Self {
        TaskExecution {
            crew,
            crew_ids: CrewIds::of(crew),
            crew_fingerprint: &crew.fingerprint.uuid,
            task: TaskIds {
                task_key: &task.key,
                task_id: &task.id,
                task_fingerprint: &task.fingerprint.uuid,
            },
            agent: AgentIds::of(crew.agent(task)),
            content: TaskContent::of(crew, task),
        }
    }
}

/// What a finished task adds to its span.
#[derive(Telemetry)]
#[telemetry(event = "Task Execution (end)")]
pub struct TaskEnded<'a> {
    /// The crew the task ran in: its consent is the event's.
    #[telemetry(consent)]
    pub crew: &'a Crew,
    /// The task's output.
    #[telemetry(share_crew)]
    pub task_output: &'a str,
}

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

/// A crew ran, from kickoff to its last task: only from crews that share.
#[derive(Telemetry)]
#[telemetry(event = "Crew Execution", share_crew)]
pub struct CrewExecution<'a> {
    /// The crew that ran: its consent is the event's.
    #[telemetry(consent)]
    pub crew: &'a Crew,
    /// The crew's ids.
    #[telemetry(always, flatten)]
    pub crew_ids: CrewIds<'a>,
    /// The inputs the crew was kicked off with.
    #[telemetry(share_crew)]
    pub crew_inputs: &'a BTreeMap<String, String>,
    /// The crew's agents.
    #[telemetry(share_crew)]
    pub crew_agents: &'a [Agent],
    /// The crew's tasks.
    #[telemetry(share_crew)]
    pub crew_tasks: &'a [Task],
}

impl<'a> CrewExecution<'a> {
    /// The run of `crew`.
    pub fn of(crew: &'a Crew) -> Self {
        CrewExecution {
            crew,
            crew_ids: CrewIds::of(crew),
            crew_inputs: &crew.inputs,
            crew_agents: &crew.agents,
            crew_tasks: &crew.tasks,
        }
    }
}

/// One task's result, in `crew_tasks_output`.
#[derive(Telemetry)]
pub struct TaskResult {
    /// The task's random id.
    #[telemetry(share_crew)]
    pub id: Minted,
    /// The task's description.
    #[telemetry(share_crew)]
    pub description: String,
    /// What the task produced (empty when it failed).
    #[telemetry(share_crew)]
    pub output: String,
}

/// What a finished crew adds to its span.
#[derive(Telemetry)]
#[telemetry(event = "Crew Execution (end)", share_crew)]
pub struct CrewEnded<'a> {
    /// The crew that ran: its consent is the event's.
    #[telemetry(consent)]
    pub crew: &'a Crew,
    /// The crew's final output.
    #[telemetry(share_crew)]
    pub crew_output: &'a str,
    /// Each task's id, description and output.
    #[telemetry(share_crew)]
    pub crew_tasks_output: &'a [TaskResult],
}
