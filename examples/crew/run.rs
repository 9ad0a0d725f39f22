//! A crew's run, reporting every event minicrew knows: the work itself is
//! simulated; the telemetry is real.

use std::collections::BTreeMap;

use crewtel::{Reporter, Telemetry};

use crate::events::{
    CrewCreated, CrewEnded, CrewExecution, TaskCreated, TaskEnded, TaskExecution, TaskResult,
    ToolRepeatedUsage, ToolUsage, ToolUsageError,
};
use crate::framework::{Agent, Crew, Process, Task, TaskFailed, Tool, ToolError};

/// A research crew: two agents, two tasks, one of which fails.
pub fn research_crew(share_crew: bool) -> Crew {
    let researcher = Agent::new(
        "Researcher",
        "Find what changed in the llama population",
        "A field biologist turned analyst.",
        vec![
            Tool {
                name: "search".into(),
                broken: false,
            },
            Tool {
                name: "scrape".into(),
                broken: true,
            },
        ],
    );
    let writer = Agent::new(
        "Writer",
        "Explain the findings to a general audience",
        "A science journalist.",
        vec![Tool {
            name: "spellcheck".into(),
            broken: false,
        }],
    );
    let census = Task::new(
        "Summarise this year's llama census for {region}",
        "Three bullet points",
        &researcher,
        vec![],
    );
    let article = Task::new(
        "Write a short article from the summary",
        "Two paragraphs",
        &writer,
        vec![census.description.clone()],
    );
    Crew {
        key: crate::framework::Minted::key(),
        id: crate::framework::Minted::uuid(),
        fingerprint: crate::framework::Fingerprint::new(),
        process: Process::Sequential,
        memory: false,
        agents: vec![researcher, writer],
        tasks: vec![census, article],
        inputs: BTreeMap::from([("region".into(), "Altiplano".into())]),
        share_crew,
    }
}

/// Runs `crew`, reporting as it goes; returns its output.
pub fn kickoff(reporter: &Reporter, crew: &Crew) -> String {
    let consent = crew.consent();
    reporter.emit(CrewCreated::of(crew).telemetry_event_with(consent));
    // Sent only when the crew shares: the span is a no-op otherwise.
    let crew_span = reporter.start(CrewExecution::of(crew).telemetry_event_with(consent));

    let mut results = Vec::new();
    for task in &crew.tasks {
        reporter.emit(TaskCreated::of(crew, task).telemetry_event_with(consent));
        let span = reporter.start(TaskExecution::of(crew, task).telemetry_event_with(consent));
        let agent = crew.agent(task);
        match perform(reporter, agent, task) {
            Ok(output) => {
                span.end_with(
                    TaskEnded {
                        task_output: &output,
                    }
                    .telemetry_event_with(consent),
                );
                results.push(TaskResult {
                    id: task.id.clone(),
                    description: task.description.clone(),
                    output,
                });
            }
            Err(error) => {
                // The span closes with an error status and `error_type` only.
                span.fail(&error);
                results.push(TaskResult {
                    id: task.id.clone(),
                    description: task.description.clone(),
                    output: String::new(),
                });
            }
        }
    }

    let output = results
        .iter()
        .map(|r| r.output.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    crew_span.end_with(
        CrewEnded {
            crew_output: &output,
            crew_tasks_output: &results,
        }
        .telemetry_event_with(consent),
    );
    output
}

/// The agent works the task with its tools: each call is reported; the same
/// call twice is a repeated usage; a broken tool fails the task.
fn perform(reporter: &Reporter, agent: &Agent, task: &Task) -> Result<String, TaskFailed> {
    for tool in &agent.tools {
        reporter.emit(ToolUsage::of(agent, &tool.name, 1).telemetry_event());
        if tool.broken {
            reporter.emit(ToolUsageError::of(agent, &tool.name).telemetry_event());
            let message = format!(
                "{} timed out while reading the prompt: {}",
                tool.name, agent.system_prompt
            );
            return Err(TaskFailed {
                cause: ToolError { message },
            });
        }
        // The agent asks again with the same input.
        reporter.emit(ToolRepeatedUsage::of(agent, &tool.name, 2).telemetry_event());
    }
    Ok(format!(
        "{} done by the {}",
        task.expected_output, agent.role
    ))
}
