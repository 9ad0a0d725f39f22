//! The capture API (`crewtel::testing`): what a host author tests with.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crewtel::attribute::Value;
use crewtel::testing::Capture;
use crewtel::{Consent, Dispatch, Telemetry};
use crewtel_reporter::Reporter;
use crewtel_reporter::status::Mode;

#[derive(Telemetry)]
#[telemetry(event = "Task Execution")]
struct Task {
    /// The crew's consent.
    #[telemetry(consent)]
    consent: Consent,
    /// Which task.
    #[telemetry(always)]
    key: &'static str,
    /// What it was asked.
    #[telemetry(share_crew)]
    description: &'static str,
}

#[derive(Telemetry)]
#[telemetry(event = "Task Execution (end)")]
struct TaskEnded {
    /// The crew's consent.
    #[telemetry(consent)]
    consent: Consent,
    /// How it went.
    #[telemetry(always)]
    attempts: u32,
}

#[derive(Telemetry)]
#[telemetry(event = "Tool Usage")]
struct ToolUsage {
    /// The tool.
    #[telemetry(always, free_text)]
    tool_name: String,
}

#[derive(Telemetry)]
#[telemetry(event = "Every Event")]
struct Version {
    /// The host's version.
    #[telemetry(always)]
    host_version: &'static str,
}

#[derive(Telemetry)]
struct Counts {
    /// Numbers.
    #[telemetry(always)]
    counts: Vec<u64>,
}

#[derive(Debug)]
struct Timeout;

impl std::fmt::Display for Timeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("timed out reading the secret plan")
    }
}

impl std::error::Error for Timeout {}

fn task(consent: Consent) -> Task {
    Task {
        consent,
        key: "t1",
        description: "the secret plan",
    }
}

#[test]
fn a_sink_capture_keeps_each_event_typed_with_its_consent_parent_and_status() {
    let capture = Capture::new();
    let telemetry = Dispatch::new(capture.sink());
    let run = telemetry.start(task(Consent::Anonymous).telemetry_event());
    telemetry.emit_in(
        &run,
        ToolUsage {
            tool_name: "search".into(),
        }
        .telemetry_event(),
    );
    let parent = run.ids().unwrap();
    run.end_with(
        TaskEnded {
            consent: Consent::Anonymous,
            attempts: 2,
        }
        .telemetry_event(),
    );
    telemetry
        .start(task(Consent::ShareCrew).telemetry_event())
        .fail(&Timeout);

    let events = capture.events();
    assert_eq!(events.len(), 3);
    let (tool, anonymous, shared) = (&events[0], &events[1], &events[2]);
    assert_eq!(tool.name, "Tool Usage");
    assert_eq!(tool.parent, Some(parent), "sent inside the task");
    assert_eq!(tool.ids.trace_id, parent.trace_id);
    assert_eq!(
        anonymous.keys(),
        ["key", "attempts"],
        "the end adds its keys"
    );
    assert_eq!(anonymous.consent, Some(Consent::Anonymous));
    assert_eq!(anonymous.catalogues.len(), 2);
    assert_eq!(shared.consent, Some(Consent::ShareCrew));
    assert_eq!(
        shared.get("description"),
        Some(&Value::from("the secret plan"))
    );
    assert_eq!(shared.error_type.as_deref(), Some("Timeout"));
    assert_eq!(capture.named("Task Execution").len(), 2);

    // A key absent from the anonymous run, and text never sent there.
    let anonymous_only = Capture::new();
    Dispatch::new(anonymous_only.sink())
        .start(task(Consent::Anonymous).telemetry_event())
        .fail(&Timeout);
    anonymous_only.assert_key_absent("description");
    anonymous_only.assert_never_sent("secret plan");
}

#[test]
fn the_assertions_fail_with_what_was_sent_where() {
    let capture = Capture::new();
    Dispatch::new(capture.sink()).emit(task(Consent::ShareCrew).telemetry_event());
    let absent = catch_unwind(AssertUnwindSafe(|| {
        capture.assert_key_absent("description")
    }));
    let message = *absent.unwrap_err().downcast::<String>().unwrap();
    assert!(
        message.contains("`description` was sent, in [\"Task Execution\"]"),
        "{message}"
    );
    let never = catch_unwind(AssertUnwindSafe(|| capture.assert_never_sent("secret")));
    let message = *never.unwrap_err().downcast::<String>().unwrap();
    assert!(
        message.contains("in `description` of Task Execution"),
        "{message}"
    );
}

#[test]
fn the_catalogue_check_finds_what_is_sent_uncatalogued_and_what_was_never_sent() {
    let capture = Capture::new();
    let telemetry = Dispatch::new(capture.sink());
    telemetry.emit(
        ToolUsage {
            tool_name: "search".into(),
        }
        .telemetry_event(),
    );
    assert_eq!(
        capture.check_catalogue(&[ToolUsage::CATALOGUE], &[]),
        Ok(())
    );
    let problems = capture
        .check_catalogue(&[Task::CATALOGUE], &[])
        .unwrap_err();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("Tool Usage") && problems[0].contains("not in the catalogue"));
    assert!(problems[1].contains("Task Execution") && problems[1].contains("never sent"));
}

#[test]
fn a_reporter_built_onto_a_capture_applies_the_whole_pipeline_and_keeps_its_counters() {
    let capture = Capture::new();
    let data = std::env::temp_dir().join(format!("crewtel-capture-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let data_dir = data.display().to_string();
    let reporter = Reporter::builder()
        .environment(move |name| match name {
            "CREWTEL_DATA_DIR" => Some(data_dir.clone()),
            // Ignored by a capture: a test's outcome does not depend on the
            // switches of the machine it runs on.
            "DO_NOT_TRACK" => Some("1".into()),
            "CREWTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT" => Some("8".into()),
            _ => None,
        })
        .every_event(|| Version {
            host_version: "1.2.3",
        })
        .capture(&capture)
        .build();
    assert_eq!(reporter.mode(), Mode::Capture);
    let run = reporter.start(task(Consent::ShareCrew).telemetry_event());
    reporter.emit(
        ToolUsage {
            tool_name: "a tool with a long name".into(),
        }
        .telemetry_event(),
    );
    run.end_with(
        TaskEnded {
            consent: Consent::ShareCrew,
            attempts: 1,
        }
        .telemetry_event(),
    );
    // Large by its numbers alone, which no length limit cuts.
    reporter.emit(
        Counts {
            counts: vec![u64::MAX; 200_000],
        }
        .telemetry_event(),
    );
    let tool = &capture.named("Tool Usage")[0];
    assert_eq!(
        tool.get("tool_name"),
        Some(&Value::from("a tool w")),
        "cut to the limit"
    );
    assert_eq!(tool.get("host_version"), Some(&Value::from("1.2.3")));
    assert_eq!(tool.consent, Some(Consent::Anonymous));
    let task = &capture.named("Task Execution")[0];
    assert_eq!(task.consent, Some(Consent::ShareCrew));
    assert_eq!(
        task.keys(),
        ["key", "description", "attempts", "host_version"]
    );
    // The event too large to send is dropped and counted, as by an export.
    assert!(capture.named("Counts").is_empty());
    assert_eq!(reporter.dropped_events(), 1);
    assert_eq!(reporter.status().dropped.too_large, 1);
    assert_eq!(
        capture.check_catalogue(
            &[Task::CATALOGUE, TaskEnded::CATALOGUE, ToolUsage::CATALOGUE],
            &[Version::CATALOGUE]
        ),
        Ok(())
    );
    assert_eq!(
        reporter.dropped_attributes(),
        0,
        "a cut value is not a drop"
    );
    let without_every_event = capture.check_catalogue(
        &[Task::CATALOGUE, TaskEnded::CATALOGUE, ToolUsage::CATALOGUE],
        &[],
    );
    assert!(
        without_every_event
            .unwrap_err()
            .iter()
            .any(|p| p.contains("`host_version` of Tool Usage is not catalogued"))
    );
}

/// The `telemetry` subcommands of a builder onto a capture act on the
/// folders the test gave it, never on the user's own.
#[test]
fn a_capture_s_subcommands_keep_to_the_test_s_folders() {
    let dir = std::env::temp_dir().join(format!("crewtel-capture-folders-{}", std::process::id()));
    let (config, data) = (dir.join("config"), dir.join("data"));
    let (config_var, data_var) = (config.display().to_string(), data.display().to_string());
    let capture = Capture::new();
    let builder = || {
        let (config_var, data_var) = (config_var.clone(), data_var.clone());
        Reporter::builder()
            .service_name("capture-folders")
            .on_warning(|_| {})
            .environment(move |name| match name {
                "CREWTEL_CONFIG_DIR" => Some(config_var.clone()),
                "CREWTEL_DATA_DIR" => Some(data_var.clone()),
                _ => None,
            })
            .capture(&capture)
    };
    let said = builder().command(&["off"]).unwrap();
    assert!(said.contains(&config.display().to_string()), "{said}");
    assert!(config.join("capture-folders").join("telemetry").is_file());
    // A capture still captures, whatever the choice kept.
    assert_eq!(builder().build().mode(), Mode::Capture);
    let _ = std::fs::remove_dir_all(dir);
}
