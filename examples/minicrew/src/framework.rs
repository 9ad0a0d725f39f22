//! minicrew's domain: crews, agents, tasks and models. Each struct carries
//! its own telemetry classes: an `Agent` and a `Task` are the entries of a
//! crew's `crew_agents` and `crew_tasks`, and a `Crew` sends its own keys,
//! under its own consent, in every event that flattens it.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use crewtel::{
    NotFreeText, Secret, Telemetry, TelemetryValue,
    value::{Scalar, ScalarKind, Text},
};

use crate::tools::{Tool, ToolError, tool_names};

/// An id or a time minicrew mints itself: text, but never text a person
/// wrote, so it is sent anonymously without a `free_text` mark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Minted(String);

impl Minted {
    /// A random id (a UUID).
    pub fn uuid() -> Minted {
        Minted(uuid::Uuid::new_v4().to_string())
    }

    /// A short random key (CrewAI hashes goals and backstories into its
    /// keys, which leaks them by dictionary; a random key does not).
    pub fn key() -> Minted {
        Minted(uuid::Uuid::new_v4().simple().to_string()[..16].to_owned())
    }

    /// The time now (UTC, to the second).
    pub fn now() -> Minted {
        Minted(humantime::format_rfc3339_seconds(SystemTime::now()).to_string())
    }
}

impl std::ops::Deref for Minted {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl TelemetryValue for Minted {
    const KIND: Option<ScalarKind> = Some(ScalarKind::Text);

    fn telemetry_value(&self) -> Scalar<'_> {
        Scalar::Text(Text::Borrowed(&self.0))
    }
}

// No person writes it.
impl NotFreeText for Minted {}

/// A random id and when it was minted: it never outlives the process.
#[derive(Clone, Debug, Telemetry)]
pub struct Fingerprint {
    /// A random id of the object.
    #[telemetry(always, rename = "fingerprint")]
    pub uuid: Minted,
    /// When the id was minted (UTC, to the second).
    #[telemetry(always, rename = "fingerprint_created_at")]
    pub created_at: Minted,
    /// What the user attached to the fingerprint: their own dict, sent by
    /// the events that name the fingerprint, only when the crew shares.
    #[telemetry(never)]
    pub metadata: BTreeMap<String, String>,
}

impl Fingerprint {
    /// A fingerprint minted now.
    pub fn new() -> Fingerprint {
        Fingerprint {
            uuid: Minted::uuid(),
            created_at: Minted::now(),
            metadata: BTreeMap::new(),
        }
    }
}

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint::new()
    }
}

/// A language model, its settings and the credentials to reach it: each
/// attribute the reference's published page lists, classified.
#[derive(Clone, Debug, Telemetry)]
pub struct Llm {
    /// The model as the user configured it (`openai/gpt-4o`).
    #[telemetry(always, free_text)]
    pub model: String,
    /// The model's own name, without its provider (`gpt-4o`).
    #[telemetry(always, free_text)]
    pub model_name: String,
    /// A name the user gave this model's settings: theirs, so only from
    /// crews that share.
    #[telemetry(share_crew)]
    pub name: Option<String>,
    /// Where the model's API is: it can name a private host, so it is sent
    /// only as the provider it belongs to, a closed value.
    #[telemetry(always, rename = "provider", with = "provider_of")]
    pub base_url: Option<String>,
    /// How many of the likeliest tokens the model samples from.
    #[telemetry(always)]
    pub top_k: Option<u32>,
    /// How freely the model samples.
    #[telemetry(always)]
    pub temperature: Option<f64>,
    /// The key to the model's API: never sent, nor read by telemetry.
    #[telemetry(never)]
    pub api_key: Secret<String>,
}

impl Llm {
    /// `model` (`gpt-4o`, or `provider/model`), at its provider's default
    /// URL, with a fresh key.
    pub fn new(model: &str) -> Llm {
        Llm {
            model: model.to_owned(),
            model_name: model.rsplit('/').next().unwrap_or(model).to_owned(),
            name: None,
            base_url: None,
            top_k: None,
            temperature: Some(0.7),
            api_key: Secret::new(format!("sk-{}", &*Minted::key())),
        }
    }

    /// The model's name: all most events say of a model.
    pub fn model(&self) -> &str {
        &self.model
    }
}

/// Who runs a model's API, from its URL: never the URL itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, TelemetryValue)]
pub enum Provider {
    /// The provider's default URL: none was set.
    Default,
    /// `api.openai.com`.
    OpenAi,
    /// `api.anthropic.com`.
    Anthropic,
    /// An Azure OpenAI resource (`*.openai.azure.com`).
    Azure,
    /// A model served on this machine (`localhost`, a loopback address).
    Local,
    /// Any other host: a company's own gateway, a private address.
    Other,
}

/// The provider of the API at `base_url`.
pub fn provider_of(base_url: &Option<String>) -> Provider {
    let Some(url) = base_url else {
        return Provider::Default;
    };
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split(['/', ':', '?'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match host.as_str() {
        "api.openai.com" => Provider::OpenAi,
        "api.anthropic.com" => Provider::Anthropic,
        "localhost" | "127.0.0.1" | "[::1]" => Provider::Local,
        _ if host.ends_with(".openai.azure.com") => Provider::Azure,
        _ => Provider::Other,
    }
}

/// How a crew runs its tasks.
#[derive(Clone, Copy, Debug, TelemetryValue)]
pub enum Process {
    /// One task after another.
    Sequential,
    /// A manager agent hands out the tasks.
    Hierarchical,
}

/// An agent: one entry of `crew_agents`.
#[derive(Clone, Debug, Telemetry)]
pub struct Agent {
    /// A random key of the agent.
    #[telemetry(always)]
    pub key: Minted,
    /// A random id of the agent.
    #[telemetry(always)]
    pub id: Minted,
    /// The agent's role in its crew, as the user wrote it.
    #[telemetry(always, free_text)]
    pub role: String,
    /// Whether the agent logs verbosely.
    #[telemetry(always, rename = "verbose?")]
    pub verbose: bool,
    /// The most reasoning steps for one task.
    #[telemetry(always)]
    pub max_iter: u32,
    /// The most model requests per minute.
    #[telemetry(always)]
    pub max_rpm: Option<u32>,
    /// The model used for tool calls, if not the main one: its settings,
    /// each as it is classified.
    #[telemetry(always)]
    pub function_calling_llm: Option<Llm>,
    /// The agent's model: its settings, each as it is classified.
    #[telemetry(always)]
    pub llm: Llm,
    /// Whether the agent may hand work to another.
    #[telemetry(always, rename = "delegation_enabled?")]
    pub allow_delegation: bool,
    /// Whether the agent may run code.
    #[telemetry(always, rename = "allow_code_execution?")]
    pub allow_code_execution: bool,
    /// How often a failed step is retried.
    #[telemetry(always)]
    pub max_retry_limit: u32,
    /// The tools the agent can use.
    #[telemetry(always, free_text, rename = "tools_names", with = "tool_names")]
    pub tools: Vec<Arc<dyn Tool>>,
    /// What the agent aims for.
    #[telemetry(share_crew)]
    pub goal: String,
    /// The agent's background.
    #[telemetry(share_crew)]
    pub backstory: String,
    /// The language of the agent's prompts.
    #[telemetry(share_crew)]
    pub i18n: String,
    /// The agent's random fingerprint (shared only).
    #[telemetry(share_crew, flatten)]
    pub fingerprint: Fingerprint,
    /// The system prompt: content the user never agreed to send.
    #[telemetry(never)]
    pub system_prompt: String,
}

impl Agent {
    /// An agent with the defaults minicrew gives new agents.
    pub fn new(role: &str, goal: &str, backstory: &str, tools: Vec<Arc<dyn Tool>>) -> Agent {
        Agent {
            key: Minted::key(),
            id: Minted::uuid(),
            role: role.to_owned(),
            verbose: false,
            max_iter: 20,
            max_rpm: Some(60),
            function_calling_llm: Some(Llm::new("gpt-4o-mini")),
            llm: Llm::new("gpt-4o"),
            allow_delegation: false,
            allow_code_execution: false,
            max_retry_limit: 2,
            tools,
            goal: goal.to_owned(),
            backstory: backstory.to_owned(),
            i18n: "en".to_owned(),
            fingerprint: Fingerprint::new(),
            system_prompt: format!("You are the {role}. {backstory} Your goal: {goal}"),
        }
    }

    /// What a task knows of the agent assigned to it.
    pub fn reference(&self) -> AgentRef {
        AgentRef {
            role: self.role.clone(),
            key: self.key.clone(),
        }
    }
}

/// The agent a task is assigned to, as the task's entry names it.
#[derive(Clone, Debug, Telemetry)]
pub struct AgentRef {
    /// The assigned agent's role, as the user wrote it.
    #[telemetry(always, rename = "agent_role", free_text)]
    pub role: String,
    /// The assigned agent's random key.
    #[telemetry(always, rename = "agent_key")]
    pub key: Minted,
}

/// A task: one entry of `crew_tasks`.
#[derive(Clone, Debug, Telemetry)]
pub struct Task {
    /// A random key of the task.
    #[telemetry(always)]
    pub key: Minted,
    /// A random id of the task.
    #[telemetry(always)]
    pub id: Minted,
    /// Whether the task runs asynchronously.
    #[telemetry(always, rename = "async_execution?")]
    pub async_execution: bool,
    /// Whether a person reviews the output.
    #[telemetry(always, rename = "human_input?")]
    pub human_input: bool,
    /// The agent the task is assigned to.
    #[telemetry(always, flatten)]
    pub agent: AgentRef,
    /// The tools the task may use.
    #[telemetry(always, free_text, rename = "tools_names", with = "tool_names")]
    pub tools: Vec<Arc<dyn Tool>>,
    /// What the task asks for.
    #[telemetry(share_crew)]
    pub description: String,
    /// What a good result looks like.
    #[telemetry(share_crew)]
    pub expected_output: String,
    /// The descriptions of the tasks whose output this one uses.
    #[telemetry(share_crew)]
    pub context: Vec<String>,
    /// The task's random fingerprint (shared only).
    #[telemetry(share_crew, flatten)]
    pub fingerprint: Fingerprint,
    /// Whether the task's output is checked before it is accepted
    /// (reported as Feature Usage).
    #[telemetry(never)]
    pub guardrail: bool,
}

impl Task {
    /// A task for `agent`, using the output of the `context` tasks.
    pub fn new(
        description: &str,
        expected_output: &str,
        agent: &Agent,
        context: Vec<String>,
    ) -> Task {
        Task {
            key: Minted::key(),
            id: Minted::uuid(),
            async_execution: false,
            human_input: false,
            agent: agent.reference(),
            tools: agent.tools.clone(),
            description: description.to_owned(),
            expected_output: expected_output.to_owned(),
            context,
            fingerprint: Fingerprint::new(),
            guardrail: true,
        }
    }
}

/// A crew: agents working through tasks. Its `share_crew` switch is the
/// consent of every event of its run.
#[derive(Clone, Debug, Telemetry)]
pub struct Crew {
    /// The crew's random key.
    #[telemetry(always, rename = "crew_key")]
    pub key: Minted,
    /// The crew's random id.
    #[telemetry(always, rename = "crew_id")]
    pub id: Minted,
    /// Sent by the crew's events under their own names
    /// (`crew_fingerprint`, `crew_fingerprint_created_at`).
    #[telemetry(never)]
    pub fingerprint: Fingerprint,
    /// How the crew runs its tasks.
    #[telemetry(always, rename = "crew_process")]
    pub process: Process,
    /// Whether the crew keeps memory between tasks.
    #[telemetry(always, rename = "crew_memory")]
    pub memory: bool,
    /// Whether a planner plans the tasks first (reported as Feature Usage).
    #[telemetry(never)]
    pub planning: bool,
    /// Whether the crew runs its hooks before each task (reported as
    /// Feature Usage).
    #[telemetry(never)]
    pub hooks: bool,
    /// The crew's agents, each as its own classes allow.
    #[telemetry(
        always,
        rename = "crew_agents",
        len(always, rename = "crew_number_of_agents")
    )]
    pub agents: Vec<Agent>,
    /// The crew's tasks, each as its own classes allow.
    #[telemetry(
        always,
        rename = "crew_tasks",
        len(always, rename = "crew_number_of_tasks")
    )]
    pub tasks: Vec<Task>,
    /// The inputs the crew was kicked off with.
    #[telemetry(
        share_crew,
        rename = "crew_inputs",
        present(always, rename = "crew_inputs_present")
    )]
    pub inputs: BTreeMap<String, String>,
    /// The crew's opt-in: share its content too.
    #[telemetry(consent)]
    pub share_crew: bool,
}

impl Crew {
    /// `text` with `{name}` replaced by the crew's input `name`.
    pub fn interpolate<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        if !text.contains('{') {
            return std::borrow::Cow::Borrowed(text);
        }
        let mut out = text.to_owned();
        for (name, value) in &self.inputs {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        std::borrow::Cow::Owned(out)
    }

    /// The agent assigned to `task`.
    pub fn agent(&self, task: &Task) -> &Agent {
        self.agents
            .iter()
            .find(|agent| agent.key == task.agent.key)
            .unwrap_or(&self.agents[0])
    }
}

/// A task that could not finish.
#[derive(Debug)]
pub struct TaskFailed {
    /// The tool call that failed.
    pub cause: ToolError,
}

impl fmt::Display for TaskFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the task failed: {}", self.cause)
    }
}

impl std::error::Error for TaskFailed {}
