//! An async framework's telemetry (tokio, a crew's tasks on spawned tasks):
//! spans borrow nothing, so a crew's span is shared with the tasks it
//! spawns, and the reporter is built, used and shut down inside a
//! multi-threaded runtime.

mod collector;

use std::sync::Arc;
use std::time::Duration;

use collector::{Behaviour, Collector};
use crewtel::testing::Capture;
use crewtel::{ActiveSpan, Dispatch, Telemetry};
use crewtel_reporter::Reporter;

#[derive(Telemetry)]
#[telemetry(event = "Crew Execution")]
struct CrewRun {
    /// How many tasks the crew runs.
    #[telemetry(always)]
    tasks: usize,
    /// The crew's opt-in.
    #[telemetry(consent)]
    share_crew: bool,
}

#[derive(Telemetry)]
#[telemetry(event = "Task Execution")]
struct TaskRun {
    /// The task's place in its crew.
    #[telemetry(always)]
    index: usize,
    /// Its crew's opt-in.
    #[telemetry(consent)]
    share_crew: bool,
}

#[derive(Telemetry)]
struct TaskOutput {
    /// What the task produced.
    #[telemetry(share_crew)]
    output: String,
}

#[derive(Telemetry)]
#[telemetry(event = "Tool Usage")]
struct ToolUsage {
    /// The tool's name.
    #[telemetry(always, free_text)]
    tool_name: &'static str,
}

/// A framework's kickoff: the crew's span in an `Arc`, each task on a task
/// of its own, its span a child of the crew's, a tool call inside it.
async fn kickoff(telemetry: Dispatch, tasks: usize, share_crew: bool) {
    let crew = Arc::new(telemetry.start(CrewRun { tasks, share_crew }.telemetry_event()));
    let running: Vec<_> = (0..tasks)
        .map(|index| {
            let (telemetry, crew) = (telemetry.clone(), Arc::clone(&crew));
            tokio::spawn(async move {
                let task: ActiveSpan =
                    telemetry.start_in(&crew, TaskRun { index, share_crew }.telemetry_event());
                tokio::task::yield_now().await;
                telemetry.emit_in(
                    &task,
                    ToolUsage {
                        tool_name: "search",
                    }
                    .telemetry_event(),
                );
                tokio::time::sleep(Duration::from_millis(1)).await;
                task.end_with(
                    TaskOutput {
                        output: format!("output {index}"),
                    }
                    .telemetry_event(),
                );
            })
        })
        .collect();
    for task in running {
        task.await.expect("a task panicked");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crew_s_tasks_on_spawned_tasks_are_its_children() {
    let capture = Capture::new();
    let reporter = Arc::new(Reporter::builder().capture(&capture).build());
    let telemetry = Dispatch::new(reporter.clone());
    // The crew itself runs on a spawned task: its future is `Send`.
    let crews = [
        tokio::spawn(kickoff(telemetry.clone(), 3, true)),
        tokio::spawn(kickoff(telemetry.clone(), 2, false)),
    ];
    for crew in crews {
        crew.await.unwrap();
    }
    reporter.shutdown();

    let crews = capture.named("Crew Execution");
    assert_eq!(crews.len(), 2);
    for crew in &crews {
        let tasks: Vec<_> = capture
            .named("Task Execution")
            .into_iter()
            .filter(|task| task.parent == Some(crew.ids))
            .collect();
        let expected = match crew.get("tasks") {
            Some(crewtel::attribute::Value::I64(n)) => *n as usize,
            other => panic!("tasks: {other:?}"),
        };
        assert_eq!(tasks.len(), expected, "each task a child of its crew");
        for task in &tasks {
            assert_eq!(task.ids.trace_id, crew.ids.trace_id, "one trace a crew");
            assert_eq!(task.consent, crew.consent, "the crew's consent");
            assert_eq!(
                task.get("output").is_some(),
                crew.consent == Some(crewtel::Consent::ShareCrew)
            );
            let tools: Vec<_> = capture
                .named("Tool Usage")
                .into_iter()
                .filter(|tool| tool.parent == Some(task.ids))
                .collect();
            assert_eq!(tools.len(), 1);
        }
    }
    assert_ne!(crews[0].ids.trace_id, crews[1].ids.trace_id);
    assert_eq!(reporter.dropped_events(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reporter_is_built_used_and_shut_down_inside_a_runtime() {
    let collector = Collector::start(Behaviour::Accept);
    let dir = collector::scratch_dir("async-host").display().to_string();
    let endpoint = collector.endpoint();
    let reporter = Arc::new(
        Reporter::builder()
            .service_name("async-framework")
            .environment(move |name| match name {
                "CREWTEL_EXPORTER_OTLP_ENDPOINT" => Some(endpoint.clone()),
                "CREWTEL_DATA_DIR" => Some(dir.clone()),
                _ => None,
            })
            .shutdown_timeout(Duration::from_secs(10))
            .build(),
    );
    assert_eq!(reporter.mode(), crewtel_reporter::status::Mode::Export);
    kickoff(Dispatch::new(reporter.clone()), 2, false).await;
    // Shut down from a task of the runtime, and again on drop: no panic.
    let shutting = Arc::clone(&reporter);
    tokio::spawn(async move { shutting.shutdown() })
        .await
        .unwrap();
    drop(reporter);
    let spans = collector.spans();
    let names: Vec<&str> = spans.iter().map(|(_, span)| span.name.as_str()).collect();
    assert_eq!(names.len(), 5, "{names:?}");
    let crew = spans
        .iter()
        .find(|(_, s)| s.name == "Crew Execution")
        .unwrap();
    for (_, span) in spans.iter().filter(|(_, s)| s.name == "Task Execution") {
        assert_eq!(span.trace_id, crew.1.trace_id);
        assert_eq!(span.parent_span_id, crew.1.span_id);
    }
}

/// crewtel sets none of the process's global state: no OpenTelemetry
/// global provider, no `tracing` dispatcher. (No test in this binary sets
/// one.)
#[test]
fn a_reporter_sets_no_global_state() {
    use opentelemetry::trace::{Span as _, Tracer as _};

    let collector = Collector::start(Behaviour::Accept);
    let endpoint = collector.endpoint();
    let dir = collector::scratch_dir("async-globals")
        .display()
        .to_string();
    let reporter = Reporter::builder()
        .environment(move |name| match name {
            "CREWTEL_EXPORTER_OTLP_ENDPOINT" => Some(endpoint.clone()),
            "CREWTEL_DATA_DIR" => Some(dir.clone()),
            _ => None,
        })
        .build();
    let crew = reporter.start(
        CrewRun {
            tasks: 1,
            share_crew: false,
        }
        .telemetry_event(),
    );
    reporter.emit(
        ToolUsage {
            tool_name: "search",
        }
        .telemetry_event(),
    );
    crew.end();
    reporter.shutdown();
    assert!(
        !tracing_dispatcher_set(),
        "crewtel set tracing's dispatcher"
    );
    let span = opentelemetry::global::tracer("probe").start("probe");
    assert!(
        !span.span_context().is_valid(),
        "crewtel set OpenTelemetry's global provider"
    );
}

fn tracing_dispatcher_set() -> bool {
    tracing::dispatcher::has_been_set()
}
