//! A CrewAI-shaped host model shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;

use crewtel::{Secret, Telemetry, TelemetryValue};

#[derive(TelemetryValue, Clone, Copy)]
pub enum Process {
    Sequential,
    Hierarchical,
}

#[derive(Telemetry, Clone)]
pub struct Agent {
    /// The agent's role.
    #[telemetry(always, free_text)]
    pub role: String,
    /// The model it talks to.
    #[telemetry(always, free_text)]
    pub llm: String,
    /// Tools it can use.
    #[telemetry(always, free_text, rename = "tools_names")]
    pub tools: Vec<String>,
    /// What it aims for.
    #[telemetry(share_crew)]
    pub goal: String,
    /// Its background.
    #[telemetry(share_crew)]
    pub backstory: String,
    /// Never sent.
    #[telemetry(never)]
    pub system_prompt: String,
    #[telemetry(never)]
    pub api_key: Secret<String>,
}

#[derive(Telemetry, Clone)]
pub struct CrewIds {
    /// The crew's random id.
    #[telemetry(always, free_text)]
    pub crew_id: String,
    /// A label the crew's author chose: content, so shared only.
    #[telemetry(share_crew)]
    pub crew_label: String,
}

#[derive(Telemetry, Clone)]
#[telemetry(event = "Task Created")]
pub struct Task {
    #[telemetry(always, flatten)]
    pub crew: CrewIds,
    /// The task's random id.
    #[telemetry(always, free_text)]
    pub task_id: String,
    /// What the task asks for.
    #[telemetry(share_crew, rename = "formatted_description")]
    pub description: String,
    /// The task's output.
    #[telemetry(share_crew, rename = "task_output")]
    pub output: Option<String>,
    #[telemetry(never)]
    pub prompt: String,
}

#[derive(Telemetry, Clone)]
#[telemetry(event = "Crew Created")]
pub struct Crew {
    #[telemetry(always, flatten)]
    pub ids: CrewIds,
    /// How the crew runs.
    #[telemetry(always, rename = "crew_process")]
    pub process: Process,
    /// Whether it keeps memory.
    #[telemetry(always, rename = "crew_memory")]
    pub memory: bool,
    /// The agents.
    #[telemetry(
        always,
        rename = "crew_agents",
        len(always, rename = "crew_number_of_agents")
    )]
    pub agents: Vec<Agent>,
    /// The inputs.
    #[telemetry(
        share_crew,
        rename = "crew_inputs",
        present(always, rename = "crew_inputs_present")
    )]
    pub inputs: BTreeMap<String, String>,
    /// The manager agent, if any.
    #[telemetry(share_crew)]
    pub manager: Option<Agent>,
    #[telemetry(consent)]
    pub share_crew: bool,
    #[telemetry(never)]
    pub api_key: Secret<String>,
}

pub fn agent(marker: &str) -> Agent {
    Agent {
        role: "researcher".into(),
        llm: "gpt-4o-mini".into(),
        tools: vec!["search".into()],
        goal: format!("goal {marker}"),
        backstory: format!("backstory {marker}"),
        system_prompt: format!("prompt {marker}"),
        api_key: Secret::new(format!("key {marker}")),
    }
}

pub fn crew(share_crew: bool) -> Crew {
    Crew {
        ids: CrewIds {
            crew_id: "c-1".into(),
            crew_label: "label".into(),
        },
        process: Process::Sequential,
        memory: false,
        agents: vec![agent("a1"), agent("a2")],
        inputs: BTreeMap::from([("topic".into(), "llamas".into())]),
        manager: Some(agent("m")),
        share_crew,
        api_key: Secret::new("sk-crew".into()),
    }
}

pub fn task() -> Task {
    Task {
        crew: CrewIds {
            crew_id: "c-1".into(),
            crew_label: "label".into(),
        },
        task_id: "t-1".into(),
        description: "count llamas".into(),
        output: Some("42 llamas".into()),
        prompt: "secret prompt".into(),
    }
}

/// The attributes of an event as a JSON value.
pub fn attributes<T: Telemetry>(event: crewtel::Event<'_, T>) -> serde_json::Value {
    serde_json::to_value(event.attributes()).unwrap()
}

/// The keys of an event, in the order they are sent.
pub fn keys<T: Telemetry>(event: crewtel::Event<'_, T>) -> Vec<String> {
    event
        .key_values()
        .into_iter()
        .map(|kv| kv.key.as_str().to_owned())
        .collect()
}
