//! A small agent-framework host whose telemetry is declared with crewtel's
//! derives only. It builds a crew and reports its events through a
//! `crewtel::Reporter`, under both consents.
//!
//! ```sh
//! cargo run --example crew                      # no collector: prints what would be sent
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 cargo run --example crew   # sends
//! DO_NOT_TRACK=1 cargo run --example crew       # off: nothing at all
//! ```

use std::collections::BTreeMap;

use crewtel::{Consent, Mode, Reporter, Secret, Telemetry, TelemetryValue};

/// How a crew runs its tasks.
#[derive(TelemetryValue)]
enum Process {
    Sequential,
    Hierarchical,
}

#[derive(Telemetry)]
struct Agent {
    /// A random id minted when the agent is built; it never outlives the process.
    #[telemetry(always)]
    id: String,
    /// The agent's role in its crew.
    #[telemetry(always)]
    role: String,
    /// The model the agent talks to.
    #[telemetry(always)]
    llm: String,
    /// Whether the agent may hand work to another agent.
    #[telemetry(always, rename = "delegation_enabled?")]
    allow_delegation: bool,
    /// The most reasoning steps the agent takes for one task.
    #[telemetry(always)]
    max_iter: u32,
    /// Names of the tools the agent can use.
    #[telemetry(always, rename = "tools_names")]
    tools: Vec<String>,
    /// What the agent aims for.
    #[telemetry(share_crew)]
    goal: String,
    /// The agent's background story.
    #[telemetry(share_crew)]
    backstory: String,
    /// The system prompt: never sent.
    #[telemetry(never)]
    system_prompt: String,
}

#[derive(Telemetry)]
struct Task {
    /// A random id minted when the task is built.
    #[telemetry(always)]
    id: String,
    /// Whether the task runs asynchronously.
    #[telemetry(always, rename = "async_execution?")]
    async_execution: bool,
    /// The role of the agent the task is assigned to.
    #[telemetry(always)]
    agent_role: String,
    /// What the task asks for.
    #[telemetry(share_crew)]
    description: String,
    /// What a good result looks like.
    #[telemetry(share_crew)]
    expected_output: String,
}

#[derive(Telemetry)]
#[telemetry(event = "Crew Created")]
struct Crew {
    /// A random id minted when the crew is built.
    #[telemetry(always, rename = "crew_id")]
    id: String,
    /// How the crew runs its tasks.
    #[telemetry(always, rename = "crew_process")]
    process: Process,
    /// Whether the crew keeps memory between tasks.
    #[telemetry(always, rename = "crew_memory")]
    memory: bool,
    /// The crew's agents.
    #[telemetry(
        always,
        rename = "crew_agents",
        len(always, rename = "crew_number_of_agents")
    )]
    agents: Vec<Agent>,
    /// The crew's tasks.
    #[telemetry(
        always,
        rename = "crew_tasks",
        len(always, rename = "crew_number_of_tasks")
    )]
    tasks: Vec<Task>,
    /// The inputs the crew was kicked off with.
    #[telemetry(
        share_crew,
        rename = "crew_inputs",
        present(always, rename = "crew_inputs_present")
    )]
    inputs: BTreeMap<String, String>,
    /// The crew's opt-in switch.
    #[telemetry(consent)]
    share_crew: bool,
    /// The model provider's key: never sent.
    #[telemetry(never)]
    api_key: Secret<String>,
}

/// Stands in for the host's real work, which uses what telemetry never sends.
fn kick_off(crew: &Crew) {
    for agent in &crew.agents {
        let _prompt_bytes = agent.system_prompt.len();
    }
    let _authorised = !crew.api_key.expose().is_empty();
    let _other_process = Process::Hierarchical;
}

fn main() {
    let reporter = Reporter::builder()
        .service_name("crew-example")
        .service_version(env!("CARGO_PKG_VERSION"))
        // With no endpoint configured anywhere, show what would be sent.
        .debug_without_endpoint(true)
        .build();
    match reporter.mode() {
        Mode::Debug => println!(
            "No OTLP endpoint configured: each event is printed to stderr, one JSON line each."
        ),
        Mode::Export => println!("Sending events to the configured OTLP endpoint."),
        Mode::Off => println!("Telemetry is off: nothing is gathered, printed or sent."),
        _ => println!("Telemetry has nowhere to go: nothing is sent."),
    }

    let researcher = Agent {
        id: "4f1c9a52".into(),
        role: "Researcher".into(),
        llm: "gpt-4o-mini".into(),
        allow_delegation: false,
        max_iter: 20,
        tools: vec!["search".into(), "scrape".into()],
        goal: "Find what changed in the llama population".into(),
        backstory: "A field biologist turned analyst".into(),
        system_prompt: "You are a careful researcher...".into(),
    };
    let task = Task {
        id: "9b2e07d1".into(),
        async_execution: false,
        agent_role: researcher.role.clone(),
        description: "Summarise this year's census".into(),
        expected_output: "Three bullet points".into(),
    };
    let mut crew = Crew {
        id: "c0ffee42".into(),
        process: Process::Sequential,
        memory: false,
        agents: vec![researcher],
        tasks: vec![task],
        inputs: BTreeMap::from([("topic".into(), "llamas".into())]),
        share_crew: false,
        api_key: Secret::new("sk-live-do-not-send".into()),
    };
    kick_off(&crew);

    println!("share_crew = false: anonymous usage data only");
    reporter.emit(crew.telemetry_event());

    crew.share_crew = true;
    println!("share_crew = true: the crew's content too; its task inherits the consent");
    reporter.emit(crew.telemetry_event());
    let consent: Consent = crew.consent();
    reporter.emit(crew.tasks[0].telemetry_event_with(consent));

    // Flushes within a bound (2 s by default), whatever the collector does.
    reporter.shutdown();
}
