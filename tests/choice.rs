//! A choice that lasts: `off`, `local` or `on`, kept for every crewtel host
//! or for one, bound by a project's file, overridden by the variables; and a
//! host's `telemetry` subcommands that keep and show it.

mod collector;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use collector::{Behaviour, Collector, scratch_dir};
use crewtel::Telemetry;
use crewtel_reporter::choice::{Choice, ChosenBy};
use crewtel_reporter::status::{Mode, Reason};
use crewtel_reporter::{Reporter, ReporterBuilder};

#[derive(Telemetry)]
#[telemetry(event = "Tool Usage")]
struct ToolUsage {
    /// How many times.
    #[telemetry(always)]
    attempts: u32,
}

/// A user's machine: its configuration and data folders, and a project.
struct Machine {
    root: PathBuf,
    vars: Vec<(&'static str, String)>,
}

impl Machine {
    fn new(name: &str) -> Machine {
        let root = scratch_dir(name);
        std::fs::create_dir_all(root.join("project/src")).unwrap();
        Machine {
            vars: vec![
                (
                    "CREWTEL_CONFIG_DIR",
                    root.join("config").display().to_string(),
                ),
                ("CREWTEL_DATA_DIR", root.join("data").display().to_string()),
            ],
            root,
        }
    }

    fn with(mut self, name: &'static str, value: impl Into<String>) -> Machine {
        self.vars.push((name, value.into()));
        self
    }

    fn user_file(&self) -> PathBuf {
        self.root.join("config/telemetry")
    }

    fn host_file(&self) -> PathBuf {
        self.root.join("config/choice-tests/telemetry")
    }

    fn project_file(&self) -> PathBuf {
        self.root.join("project/.crewtel-telemetry")
    }

    fn data(&self) -> PathBuf {
        self.root.join("data")
    }

    /// A builder for the host `choice-tests`, run from the project's `src`,
    /// its warnings collected.
    fn builder(&self) -> (ReporterBuilder, Arc<Mutex<Vec<String>>>) {
        let env: HashMap<&str, String> = self.vars.iter().cloned().collect();
        let warnings = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&warnings);
        let builder = Reporter::builder()
            .service_name("choice-tests")
            .project_dir(self.root.join("project/src"))
            .environment(move |name| env.get(name).cloned())
            .on_warning(move |line| sink.lock().unwrap().push(line.to_owned()))
            .shutdown_timeout(Duration::from_secs(5));
        (builder, warnings)
    }

    fn reporter(&self) -> Reporter {
        self.builder().0.build()
    }

    fn command(&self, args: &[&str]) -> String {
        self.builder().0.command(args).unwrap()
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn the_variable_wins_over_the_project_which_wins_over_the_host_and_then_the_user() {
    let collector = Collector::start(Behaviour::Accept);
    let machine =
        Machine::new("choice-order").with("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint());
    assert_eq!(
        machine.reporter().mode(),
        Mode::Export,
        "nothing chosen: on"
    );

    write(&machine.user_file(), "off\n");
    let reporter = machine.reporter();
    assert_eq!(reporter.mode(), Mode::Off);
    assert_eq!(reporter.status().decided_by, Reason::Chosen(ChosenBy::User));

    write(&machine.host_file(), "on\n");
    let status = machine.reporter().status();
    assert_eq!(
        status.mode,
        Mode::Export,
        "the host's choice wins over the user's"
    );
    assert_eq!(status.choice, Some(Choice::On));
    assert_eq!(status.chosen_by, Some(ChosenBy::Host));
    assert_eq!(
        status.choice_file.as_deref(),
        Some(machine.host_file().as_path())
    );

    write(&machine.project_file(), "local\n");
    let status = machine.reporter().status();
    assert_eq!(
        status.mode,
        Mode::Local,
        "the project's file binds its contributors"
    );
    assert_eq!(status.decided_by, Reason::Chosen(ChosenBy::Project));
    assert!(
        status.to_string().contains(".crewtel-telemetry"),
        "{status}"
    );

    let machine = machine.with("CREWTEL_TELEMETRY", "off");
    assert_eq!(
        machine.reporter().status().decided_by,
        Reason::Chosen(ChosenBy::Variable("CREWTEL_TELEMETRY"))
    );
    let machine = Machine {
        vars: machine
            .vars
            .into_iter()
            .filter(|(k, _)| *k != "CREWTEL_TELEMETRY")
            .collect(),
        ..machine
    }
    .with("CREWTEL_TELEMETRY", "on");
    assert_eq!(
        machine.reporter().mode(),
        Mode::Export,
        "the variable wins over the project"
    );

    let machine = machine.with("DO_NOT_TRACK", "1");
    assert_eq!(
        machine.reporter().status().decided_by,
        Reason::TurnedOff("DO_NOT_TRACK")
    );
}

#[test]
fn local_keeps_the_record_and_never_opens_a_socket() {
    let collector = Collector::start(Behaviour::Accept);
    let machine =
        Machine::new("choice-local").with("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint());
    write(&machine.host_file(), "local");
    let reporter = machine.reporter();
    assert_eq!(reporter.mode(), Mode::Local);
    for attempts in 0..3 {
        reporter.emit(ToolUsage { attempts }.telemetry_event());
    }
    reporter.shutdown();
    assert!(collector.received().is_empty(), "local uploaded something");
    let record = machine.data().join("choice-tests/sent.jsonl");
    let text = std::fs::read_to_string(&record).unwrap();
    let events: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .filter(|line: &serde_json::Value| line.get("name").is_some())
        .collect();
    assert_eq!(events.len(), 3, "{text}");
    assert!(events.iter().all(|e| e["kept_locally"].is_string()));
    assert!(
        !machine.data().join("choice-tests/outbox").exists(),
        "no outbox"
    );
    let status = reporter.status();
    assert!(!status.enabled, "nothing leaves the process");
    assert!(
        status.to_string().starts_with("telemetry: local"),
        "{status}"
    );
}

#[test]
fn off_by_a_kept_choice_writes_nothing_and_deletes_what_waits() {
    let machine = Machine::new("choice-off").with(
        "CREWTEL_EXPORTER_OTLP_ENDPOINT",
        collector::nothing_listening(),
    );
    let down = machine.builder().0.on_warning(|_| {}).build();
    down.emit(ToolUsage { attempts: 1 }.telemetry_event());
    down.shutdown();
    let outbox = machine.data().join("choice-tests/outbox");
    assert!(
        std::fs::read_dir(&outbox).unwrap().count() > 0,
        "kept for later"
    );

    let said = machine.command(&["off"]);
    assert!(
        said.starts_with("telemetry is now off for choice-tests"),
        "{said}"
    );
    assert!(
        said.contains("deleted 1 requests waiting to be sent"),
        "{said}"
    );
    assert!(!outbox.exists());
    std::fs::remove_dir_all(machine.data()).unwrap();
    let reporter = machine.reporter();
    assert_eq!(reporter.mode(), Mode::Off);
    reporter.emit(ToolUsage { attempts: 2 }.telemetry_event());
    reporter.shutdown();
    assert!(!machine.data().exists(), "off wrote something");
}

#[test]
fn a_malformed_choice_is_off_with_one_warning() {
    let machine = Machine::new("choice-malformed").with(
        "CREWTEL_EXPORTER_OTLP_ENDPOINT",
        collector::nothing_listening(),
    );
    write(&machine.user_file(), "yes, gladly");
    let (builder, warnings) = machine.builder();
    assert_eq!(builder.build().mode(), Mode::Off);
    let warnings = warnings.lock().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(!warnings[0].contains("gladly"), "the content is not echoed");

    let machine = machine.with("CREWTEL_TELEMETRY", "enabled");
    let (builder, warnings) = machine.builder();
    assert_eq!(builder.build().mode(), Mode::Off);
    assert_eq!(warnings.lock().unwrap().len(), 1);
}

#[test]
fn the_subcommands_say_what_they_changed() {
    let machine = Machine::new("choice-commands");
    let said = machine.command(&["local"]);
    assert_eq!(
        said,
        format!(
            "telemetry is now local for choice-tests (kept in {})",
            machine.host_file().display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(machine.host_file())
            .unwrap()
            .lines()
            .last(),
        Some("local")
    );
    let status = machine.command(&["status"]);
    assert!(status.starts_with("telemetry: local"), "{status}");

    // Something stronger decides here: the answer says so.
    write(&machine.project_file(), "off");
    let said = machine.command(&["on"]);
    assert!(
        said.ends_with("but the project's .crewtel-telemetry decides here: off"),
        "{said}"
    );
    std::fs::remove_file(machine.project_file()).unwrap();

    // Local, a run, then show and clear.
    machine.command(&["local"]);
    let reporter = machine.reporter();
    reporter.emit(ToolUsage { attempts: 7 }.telemetry_event());
    reporter.shutdown();
    let shown = machine.command(&["show"]);
    assert!(shown.starts_with("sent or kept: 1 events shown"), "{shown}");
    assert!(shown.contains(r#""attempts":7"#), "{shown}");
    assert!(
        shown.ends_with("waiting in the outbox: 0 requests"),
        "{shown}"
    );
    let cleared = machine.command(&["clear"]);
    assert!(
        cleared.starts_with("telemetry: deleted the record"),
        "{cleared}"
    );
    assert_eq!(machine.command(&["clear"]), "telemetry: nothing to clear");
    assert!(
        machine
            .command(&["show"])
            .starts_with("sent or kept: none recorded")
    );

    let usage = machine.builder().0.command(&["enable"]).unwrap_err();
    assert!(
        matches!(usage, crewtel_reporter::CommandError::Usage),
        "{usage:?}"
    );
    assert_eq!(usage.to_string(), crewtel_reporter::TELEMETRY_USAGE);

    // Every variable crewtel reads, one a line, with what it means.
    let variables = machine.command(&["variables"]);
    for name in [
        "DO_NOT_TRACK",
        "CREWTEL_TELEMETRY",
        "CREWTEL_EXPORTER_OTLP_ENDPOINT",
        "NO_PROXY",
    ] {
        assert!(
            variables
                .lines()
                .any(|line| line.starts_with(name) && line.len() > name.len() + 2),
            "{name}: {variables}"
        );
    }
}

/// A choice that cannot be kept changes nothing, and says why, as a value
/// a host can match.
#[test]
fn a_choice_that_cannot_be_kept_is_an_error_naming_its_file() {
    let dir = std::env::temp_dir().join(format!("crewtel-not-kept-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The configuration "directory" is a file: nothing can be written in it.
    let config = dir.join("config");
    std::fs::write(&config, "not a folder").unwrap();
    let (config_dir, data_dir) = (
        config.display().to_string(),
        dir.join("data").display().to_string(),
    );
    let error = crewtel_reporter::Reporter::builder()
        .service_name("unkept")
        .on_warning(|_| {})
        .environment(move |name| match name {
            "CREWTEL_CONFIG_DIR" => Some(config_dir.clone()),
            "CREWTEL_DATA_DIR" => Some(data_dir.clone()),
            _ => None,
        })
        .command(&["off"])
        .unwrap_err();
    match &error {
        crewtel_reporter::CommandError::NotKept { file, .. } => {
            assert!(file.starts_with(&config), "{}", file.display());
        }
        other => panic!("not NotKept: {other:?}"),
    }
    assert!(std::error::Error::source(&error).is_some());
    assert_eq!(std::fs::read_to_string(&config).unwrap(), "not a folder");
    let _ = std::fs::remove_dir_all(dir);
}
