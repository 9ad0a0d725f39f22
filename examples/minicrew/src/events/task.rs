//! A task's events, and how events name a task and its agent.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crewtel::Telemetry;

use crate::framework::{Agent, Crew, Minted, Task};

use super::CrewIds;

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
    pub(crate) fn of(agent: &'a Agent) -> Self {
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
    pub(crate) fn of(crew: &'a Crew, task: &'a Task) -> Self {
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
    /// What the user attached to the task's fingerprint, when anything.
    #[telemetry(share_crew)]
    pub task_fingerprint_metadata: Option<&'a BTreeMap<String, String>>,
}

impl<'a> TaskCreated<'a> {
    /// The event of `task`'s creation in `crew`.
    pub fn of(crew: &'a Crew, task: &'a Task) -> Self {
        TaskCreated {
            execution: TaskExecution::of(crew, task),
            task_fingerprint_created_at: &task.fingerprint.created_at,
            task_fingerprint_metadata: Some(&task.fingerprint.metadata)
                .filter(|metadata| !metadata.is_empty()),
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
