//! A crew's run, reporting every event minicrew knows: the work itself is
//! simulated; the telemetry is real. The code sends through a `Dispatch`
//! and never knows where events go, nor checks a consent: each event takes
//! its crew's.

use std::collections::BTreeMap;
use std::time::Instant;

use crewtel::{ActiveSpan, Dispatch, Telemetry};

use crate::events::{
    CodingTool, CrewCompleted, CrewCreated, CrewEnded, CrewExecution, CrewIndividualTestResult,
    CrewTestExecution, EnvironmentContext, FeatureUsage, Outcome, RunEnded, TaskCreated, TaskEnded,
    TaskExecution, TaskResult, TemplateInstalled, ToolRepeatedUsage, ToolUsage, ToolUsageError,
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
    let mut writer = Agent::new(
        "Writer",
        "Explain the findings to a general audience",
        "A science journalist.",
        writer_tools,
    );
    // The writer's model is behind the company's own gateway: only its
    // provider (`other`) is ever sent, never the host.
    writer.llm.base_url = Some("https://llm-gateway.corp.example/v1".into());
    writer.llm.name = Some("house style".into());
    let mut census = Task::new(
        "Summarise this year's llama census for {region}",
        "Three bullet points",
        &researcher,
        vec![],
    );
    census
        .fingerprint
        .metadata
        .insert("source".into(), "the yearly census".into());
    let mut article = Task::new(
        "Write a short article from the summary",
        "Two paragraphs",
        &writer,
        vec![census.description.clone()],
    );
    article
        .fingerprint
        .metadata
        .insert("kind".into(), "article".into());
    Crew {
        key: Minted::key(),
        id: Minted::uuid(),
        fingerprint: Fingerprint {
            metadata: BTreeMap::from([("team".into(), "field biology".into())]),
            ..Fingerprint::new()
        },
        process: Process::Sequential,
        memory: true,
        planning: true,
        hooks: true,
        agents: vec![researcher, writer],
        tasks: vec![census, article],
        inputs: BTreeMap::from([("region".into(), "Altiplano".into())]),
        share_crew,
    }
}

/// Runs `crew`, reporting as it goes; returns its output. The run is one
/// trace: Crew Completed is its root, everything else happens inside it.
pub fn kickoff(telemetry: &Dispatch, crew: &Crew) -> String {
    kickoff_in(telemetry, &ActiveSpan::none(), crew).0
}

/// Runs `crew` inside `parent` (a test run's span, or none); returns its
/// output and how it ended.
fn kickoff_in(telemetry: &Dispatch, parent: &ActiveSpan, crew: &Crew) -> (String, Outcome) {
    let started = Instant::now();
    let run = telemetry.start_in(parent, CrewCompleted::of(crew).telemetry_event());
    telemetry.emit_in(&run, CrewCreated::of(crew).telemetry_event());
    // Sent only when the crew shares: the span is a no-op otherwise, and
    // the tasks are then inside the run itself.
    let crew_span = telemetry.start_in(&run, CrewExecution::of(crew).telemetry_event());
    if crew.planning {
        telemetry.emit_in(&run, FeatureUsage::PlanningCreation.telemetry_event());
    }
    let tasks_in = if crew_span.is_recording() {
        &crew_span
    } else {
        &run
    };

    let mut results = Vec::new();
    let mut outcome = Outcome::Completed;
    for task in &crew.tasks {
        telemetry.emit_in(tasks_in, TaskCreated::of(crew, task).telemetry_event());
        let span = telemetry.start_in(tasks_in, TaskExecution::of(crew, task).telemetry_event());
        if crew.hooks {
            telemetry.emit_in(&span, FeatureUsage::HooksBeforeTask.telemetry_event());
        }
        let agent = crew.agent(task);
        let output = match perform(telemetry, &span, crew, agent, task) {
            Ok(output) => {
                if task.guardrail {
                    telemetry.emit_in(&span, FeatureUsage::GuardrailExecution.telemetry_event());
                }
                if crew.memory {
                    telemetry.emit_in(&span, FeatureUsage::MemorySave.telemetry_event());
                }
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
                outcome = Outcome::Failed;
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
    run.end_with(
        RunEnded {
            duration_ms: started.elapsed(),
            outcome,
        }
        .telemetry_event(),
    );
    (output, outcome)
}

/// Tests `crew`: runs it `iterations` times, each run scored by the model
/// `model_name`; returns the mean score. The test is one trace, each run
/// inside it.
pub fn test(telemetry: &Dispatch, crew: &Crew, iterations: u32, model_name: &str) -> f64 {
    let test =
        telemetry.start(CrewTestExecution::of(crew, iterations, model_name).telemetry_event());
    telemetry.emit_in(
        &test,
        FeatureUsage::EvalModels {
            authenticated: false,
            models: &[model_name],
        }
        .telemetry_event(),
    );
    let mut total = 0.0;
    for _ in 0..iterations {
        let started = Instant::now();
        let (output, outcome) = kickoff_in(telemetry, &test, crew);
        // The simulated judge: a run that failed a task scores lower.
        let quality = match outcome {
            Outcome::Completed => 9.0,
            Outcome::Failed => 4.5,
        } - (output.len() % 3) as f64 * 0.5;
        total += quality;
        telemetry.emit_in(
            &test,
            CrewIndividualTestResult {
                crew,
                crew_ids: crate::events::CrewIds::of(crew),
                quality,
                exec_time: started.elapsed(),
                model_name,
            }
            .telemetry_event(),
        );
    }
    test.end();
    total / f64::from(iterations.max(1))
}

/// Reports, once per process (the program calls it when it starts), the
/// coding agent and environment it runs under.
pub fn report_environment(telemetry: &Dispatch) {
    let agent = crewtel::ProcessContext::detect("").coding_agent;
    telemetry.emit(FeatureUsage::CodingAgent { agent }.telemetry_event());
    telemetry.emit(
        EnvironmentContext {
            tool: CodingTool::of(agent),
        }
        .telemetry_event(),
    );
}

/// Installs the project template `name` (minicrew's templates are built
/// in: there is nothing to fetch), reporting it.
pub fn install_template(telemetry: &Dispatch, name: &str) {
    telemetry.emit(
        TemplateInstalled {
            template_name: name,
        }
        .telemetry_event(),
    );
}

/// The agent works the task with its tools: each call is reported; the same
/// call twice is a repeated usage; a tool that fails fails the task.
fn perform(
    telemetry: &Dispatch,
    task_span: &ActiveSpan,
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
        if tool.over_mcp() {
            telemetry.emit_in(task_span, FeatureUsage::McpConnection.telemetry_event());
        }
        telemetry.emit_in(
            task_span,
            ToolUsage::of(agent, tool.name(), 1).telemetry_event(),
        );
        if let Err(cause) = tool.call(&prompt) {
            telemetry.emit_in(
                task_span,
                ToolUsageError::of(agent, tool.name()).telemetry_event(),
            );
            return Err(TaskFailed { cause });
        }
        // The agent asks again with the same input.
        telemetry.emit_in(
            task_span,
            ToolRepeatedUsage::of(agent, tool.name(), 2).telemetry_event(),
        );
    }
    Ok(format!(
        "{} done by the {}",
        task.expected_output, agent.role
    ))
}
