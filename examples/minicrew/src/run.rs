//! A crew's run, reporting every event minicrew knows: the work itself is
//! simulated; the telemetry is real. The code sends through a `Dispatch`
//! and never knows where events go, nor checks a consent: each event takes
//! its crew's.

use crewtel::{Dispatch, Telemetry};
use std::collections::BTreeMap;

use crate::events::{
    CrewCreated, CrewEnded, CrewExecution, TaskCreated, TaskEnded, TaskExecution, TaskResult,
    ToolRepeatedUsage, ToolUsage, ToolUsageError,
};
use crate::framework::{Agent, Crew, Fingerprint, Minted, Process, Task, TaskFailed};
use crate::tools::ResearchTools;

/// A research crew: a researcher with `researcher_tools` and a writer with
/// `writer_tools`, and a task for each ([`tools::standard`](crate::tools::standard)
/// gives the usual ones).
pub fn research_crew(
    share_crew: bool,
    ResearchTools {
        researcher: researcher_tools,
        writer: writer_tools,
    }: ResearchTools,
) -> Crew {
    let researcher = Agent::new(
        "Researcher",
        "Find what changed in the llama population",
        "A field biologist turned analyst.",
        researcher_tools,
    );
    let writer = Agent::new(
        "Writer",
        "Explain the findings to a general audience",
        "A science journalist.",
        writer_tools,
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
        key: Minted::key(),
        id: Minted::uuid(),
        fingerprint: Fingerprint::new(),
        process: Process::Sequential,
        memory: false,
        agents: vec![researcher, writer],
        tasks: vec![census, article],
        inputs: BTreeMap::from([("region".into(), "Altiplano".into())]),
        share_crew,
    }
}

/// Runs `crew`, reporting as it goes; returns its output.
pub fn kickoff(telemetry: &Dispatch, crew: &Crew) -> String {
    telemetry.emit(CrewCreated::of(crew).telemetry_event());
    // Sent only when the crew shares: the span is a no-op otherwise.
    let crew_span = telemetry.start(CrewExecution::of(crew).telemetry_event());

    let mut results = Vec::new();
    for task in &crew.tasks {
        telemetry.emit(TaskCreated::of(crew, task).telemetry_event());
        let span = telemetry.start(TaskExecution::of(crew, task).telemetry_event());
        let agent = crew.agent(task);
        let output = match perform(telemetry, crew, agent, task) {
            Ok(output) => {
                span.end_with(
                    TaskEnded {
                        crew,
                        task_output: &output,
                    }
                    .telemetry_event(),
                );
                output
            }
            Err(error) => {
                // The span closes with an error status and `error_type` only.
                span.fail(&error);
                String::new()
            }
        };
        results.push(TaskResult {
            id: task.id.clone(),
            description: task.description.clone(),
            output,
        });
    }

    let output = results
        .iter()
        .map(|r| r.output.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    crew_span.end_with(
        CrewEnded {
            crew,
            crew_output: &output,
            crew_tasks_output: &results,
        }
        .telemetry_event(),
    );
    output
}

/// The agent works the task with its tools: each call is reported; the same
/// call twice is a repeated usage; a tool that fails fails the task.
fn perform(
    telemetry: &Dispatch,
    crew: &Crew,
    agent: &Agent,
    task: &Task,
) -> Result<String, TaskFailed> {
    let prompt = format!(
        "{}\n{}",
        agent.system_prompt,
        crew.interpolate(&task.description)
    );
    for tool in &agent.tools {
        telemetry.emit(ToolUsage::of(agent, tool.name(), 1).telemetry_event());
        if let Err(cause) = tool.call(&prompt) {
            telemetry.emit(ToolUsageError::of(agent, tool.name()).telemetry_event());
            return Err(TaskFailed { cause });
        }
        // The agent asks again with the same input.
        telemetry.emit(ToolRepeatedUsage::of(agent, tool.name(), 2).telemetry_event());
    }
    Ok(format!(
        "{} done by the {}",
        task.expected_output, agent.role
    ))
}
