//! The program that runs minicrew's crews: it alone builds the process's
//! one `Reporter`; the framework (`examples/minicrew`, on crewtel's facade)
//! sends through the `Dispatch` it is given, each event under its own
//! crew's consent.
//!
//! ```sh
//! cargo run --example crew                      # no collector: prints what would be sent
//! CREWTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 cargo run --example crew   # sends
//! DO_NOT_TRACK=1 cargo run --example crew       # off: nothing at all
//! cargo run --example crew -- telemetry status  # is it on, why, and what was sent
//! cargo run --example crew -- telemetry off     # keep the choice: off, local or on
//! cargo run --example crew -- telemetry show    # the events sent or kept
//! cargo run --example crew -- telemetry catalogue   # everything it can send (Markdown)
//! cargo run --example crew -- --telemetry       # the same, as JSON for tools
//! cargo run --example crew -- telemetry registry    # the same, for OpenTelemetry Weaver (YAML)
//! cargo run --example crew -- telemetry diff docs/telemetry.json   # what the code sends beyond it
//! ```

use std::sync::Arc;

use crewtel::Dispatch;
use crewtel_reporter::status::Mode;
use crewtel_reporter::{Reporter, ReporterBuilder};
use minicrew::flow::{Flow, Origin};
use minicrew::run;
use minicrew::telemetry::{self, EveryEvent};
use minicrew::tools::{self, Tool, ToolError};

/// A tool this demonstration gives the researcher so that a failure is
/// reported too: it reads a web page, and the demonstration has no network.
/// Its error quotes what it was asked, as real errors do; only its type is
/// ever sent.
#[derive(Debug)]
struct Scrape;

impl Tool for Scrape {
    fn name(&self) -> &str {
        "scrape"
    }

    fn call(&self, input: &str) -> Result<String, ToolError> {
        Err(ToolError {
            message: format!("scrape timed out while reading the prompt: {input}"),
        })
    }
}

/// minicrew's reporter: the user's choice and the environment decide; with
/// no endpoint anywhere it prints what it would send.
fn builder() -> ReporterBuilder {
    Reporter::builder()
        .service_name("minicrew")
        .service_version(telemetry::VERSION)
        .first_run_notice(telemetry::NOTICE, telemetry::catalogue_version())
        .every_event(EveryEvent::detect)
        .debug_without_endpoint(true)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] => run_crews(),
        ["--telemetry"] => println!("{}", telemetry::document_json()),
        ["telemetry", "catalogue"] => print!("{}", telemetry::document()),
        ["telemetry", "registry"] => print!("{}", telemetry::registry()),
        ["telemetry", "diff", committed] => diff(committed),
        ["telemetry", command @ ..] => match builder().command(command) {
            Ok(said) => println!("{said}"),
            Err(why @ crewtel_reporter::CommandError::Usage) => {
                eprintln!(
                    "{why}\ntelemetry catalogue  everything minicrew can send (Markdown)\n\
                     telemetry registry   the same, as an OpenTelemetry registry (YAML)\n\
                     telemetry diff FILE  what the code sends beyond a committed catalogue (JSON)"
                );
                std::process::exit(2);
            }
            // The choice could not be kept: nothing changed.
            Err(why) => {
                eprintln!("{why}");
                std::process::exit(1);
            }
        },
        ["--help" | "-h" | "help"] => println!("{USAGE}"),
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    }
}

const USAGE: &str =
    "usage: crew                      run two research crews (share_crew off, then on), a test run and two flows
       crew telemetry status     is telemetry on, why, and what was sent
       crew telemetry on|off|local  keep your choice (local: kept on this machine, never uploaded)
       crew telemetry show       the events sent or kept, and what waits to be sent
       crew telemetry clear      delete the record, the notice's marker and what waits
       crew telemetry variables  the environment variables crewtel reads, and what each means
       crew telemetry catalogue  everything minicrew can send (Markdown)
       crew telemetry registry   the same, as an OpenTelemetry registry (YAML, for Weaver)
       crew --telemetry          the same, as JSON
       crew telemetry diff FILE  how what the code sends differs from a committed catalogue (JSON): fails on a widening";

/// Prints what expires within 30 days and how the code's catalogue differs
/// from the one committed at `path`, and fails (exit status 1) when it
/// widens what is sent.
fn diff(path: &str) {
    let committed = match std::fs::read_to_string(path) {
        Ok(committed) => committed,
        Err(error) => {
            eprintln!("cannot read {path}: {error}");
            std::process::exit(2);
        }
    };
    let current = telemetry::document_json();
    for soon in crewtel::document::expiring(&current, 30).unwrap_or_default() {
        println!("expires: {soon}");
    }
    match crewtel::document::Diff::between(&committed, &current) {
        Ok(diff) if diff.is_empty() => println!("no change from {path}"),
        Ok(diff) => {
            print!("{diff}");
            if diff.widens() {
                eprintln!(
                    "the code widens what {path} admits; admit it with: {}",
                    telemetry::REGENERATE_JSON
                );
                std::process::exit(1);
            }
        }
        Err(error) => {
            eprintln!("{path}: {error}");
            std::process::exit(2);
        }
    }
}

/// A review flow that pauses for its editor and resumes, then one whose
/// publishing fails.
fn run_flows(telemetry: &Dispatch) {
    for (share_crew, failing) in [(false, false), (true, true)] {
        let mut flow = Flow::review(share_crew, failing);
        flow.created(telemetry);
        flow.plot(telemetry);
        let state = flow.kickoff(telemetry, Origin::User);
        println!("The flow \"{}\" {state:?} for its editor.", flow.name);
        let state = flow.resume(telemetry, Origin::User, "approve", Some("Lovely, ship it."));
        println!("Resumed with the editor's answer: {state:?}.\n");
    }
}

fn run_crews() {
    // One reporter for the process, whatever the crews' consents.
    let reporter = Arc::new(builder().build());
    let status = reporter.status();
    match reporter.mode() {
        Mode::Debug => println!(
            "Printing each event to stderr as one JSON line ({}).",
            status.decided_by
        ),
        Mode::Export => println!(
            "Sending to {} ({}).",
            status.endpoint.unwrap_or_default(),
            status.decided_by
        ),
        Mode::Local => println!(
            "Telemetry is local ({}): events are kept on this machine, in {}; nothing is uploaded.",
            status.decided_by,
            status
                .record
                .map(|path| path.display().to_string())
                .unwrap_or_else(|| "no record (CREWTEL_RECORD=off)".to_owned())
        ),
        _ => println!(
            "Telemetry is off or has nowhere to go ({}): nothing is sent.",
            status.decided_by
        ),
    }
    let telemetry = Dispatch::new(reporter.clone());
    run::report_environment(&telemetry);
    run::install_template(&telemetry, "research");
    for share_crew in [false, true] {
        let mut tools = tools::standard();
        tools.researcher.push(Arc::new(Scrape));
        let crew = run::research_crew(share_crew, tools);
        println!(
            "Running a crew with share_crew = {share_crew}: {}",
            if share_crew {
                "usage data and the crew's content"
            } else {
                "anonymous usage data only"
            }
        );
        let output = run::kickoff(&telemetry, &crew);
        println!("The crew's output:\n{}\n", output.trim());
    }
    // A test run: the crew kicked off twice, each run scored.
    let crew = run::research_crew(false, tools::standard());
    let quality = run::test(&telemetry, &crew, 2, "gpt-4o");
    println!("Tested the crew twice: mean quality {quality:.1}.\n");
    run_flows(&telemetry);
    // Flushes within a bound (2 s by default), whatever the collector does.
    reporter.shutdown();
}
