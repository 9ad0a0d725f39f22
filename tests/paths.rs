//! A path in a variable is absolute, or it is ignored: run as a user who
//! guesses would (`CREWTEL_RECORD=yes`, `CREWTEL_DATA_DIR=0`, `.`, `~/x`, a
//! relative name, an empty value), from a scratch working directory that
//! must stay empty, each gets one warning naming the variable (never its
//! value) and the default. This binary (`harness = false`) runs itself as a
//! child process in that directory; the child only sends.

mod collector;

use std::path::Path;
use std::process::Command;

use collector::{Behaviour, Collector, scratch_dir};
use crewtel::Telemetry;
use crewtel_reporter::Reporter;

const CHILD: &str = "CREWTEL_TEST_CHILD";

#[derive(Telemetry)]
#[telemetry(event = "Tool Usage")]
struct ToolUsage {
    /// How many times.
    #[telemetry(always)]
    attempts: u32,
}

fn main() {
    if std::env::var_os(CHILD).is_some() {
        let reporter = Reporter::builder().service_name("paths").build();
        reporter.emit(ToolUsage { attempts: 1 }.telemetry_event());
        reporter.shutdown();
        return;
    }
    a_path_variable_that_is_not_absolute_writes_nothing_where_the_host_runs();
    println!("test a_path_variable_that_is_not_absolute_writes_nothing_where_the_host_runs ... ok");
}

fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn a_path_variable_that_is_not_absolute_writes_nothing_where_the_host_runs() {
    let collector = Collector::start(Behaviour::Accept);
    let values = ["sent.jsonl", "yes", "0", ".", "~/x", "", "dir/sub"];
    for name in ["CREWTEL_RECORD", "CREWTEL_DATA_DIR"] {
        for value in values {
            if name == "CREWTEL_RECORD" && value == "0" {
                continue; // `0` is `off`: a word the variable has.
            }
            let cwd = scratch_dir("paths-cwd");
            let home = scratch_dir("paths-home");
            std::fs::create_dir_all(&cwd).unwrap();
            std::fs::create_dir_all(&home).unwrap();
            let out = Command::new(std::env::current_exe().unwrap())
                .current_dir(&cwd)
                .env_clear()
                .env(CHILD, "1")
                .env("HOME", &home)
                .env("XDG_DATA_HOME", home.join("data"))
                .env("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint())
                .env(name, value)
                .output()
                .unwrap();
            assert!(out.status.success(), "{name}={value:?}: {out:?}");
            let case = format!("{name}={value:?}");
            assert_eq!(
                entries(&cwd),
                Vec::<String>::new(),
                "{case} wrote into the working directory"
            );
            let stderr = String::from_utf8_lossy(&out.stderr);
            let warnings: Vec<&str> = stderr
                .lines()
                .filter(|l| l.starts_with("crewtel:"))
                .collect();
            assert_eq!(warnings.len(), 1, "{case}: {stderr}");
            assert!(warnings[0].contains(name), "{case}: {}", warnings[0]);
            if value.len() > 2 {
                assert!(
                    !warnings[0].contains(value),
                    "{case} echoed: {}",
                    warnings[0]
                );
            }
            // The default: the record in the user's data directory.
            let record = home
                .join("data")
                .join("crewtel")
                .join("paths")
                .join("sent.jsonl");
            assert!(record.exists(), "{case}: no record at the default place");
            let _ = std::fs::remove_dir_all(&cwd);
            let _ = std::fs::remove_dir_all(&home);
        }
    }
}
