//! minicrew: a small agent framework whose telemetry is declared with
//! crewtel's derives only, reporting CrewAI's whole span set.
//!
//! ```sh
//! cargo run --example crew                      # no collector: prints what would be sent
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 cargo run --example crew   # sends
//! DO_NOT_TRACK=1 cargo run --example crew       # off: nothing at all
//! cargo run --example crew -- telemetry status  # is it on, why, and what was sent
//! cargo run --example crew -- telemetry catalogue   # everything it can send (Markdown)
//! cargo run --example crew -- --telemetry       # the same, as JSON for tools
//! ```

mod events;
mod framework;
mod run;

use crewtel::{Mode, ProcessContext, Reporter, Telemetry, document};

/// minicrew's reporter: the environment decides; with no endpoint anywhere
/// it prints what it would send.
fn reporter() -> Reporter {
    Reporter::builder()
        .service_name("minicrew")
        .service_version(events::VERSION)
        .first_run_notice(
            "minicrew sends anonymous usage telemetry; `minicrew telemetry catalogue` lists all of it. \
             Turn it off with DO_NOT_TRACK=1.",
            document::version(&events::catalogues(), Some(ProcessContext::CATALOGUE)),
        )
        // The project's own id, from its configuration: none here.
        .every_event(|| ProcessContext::detect(""))
        .debug_without_endpoint(true)
        .build()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] => run_crews(),
        ["--telemetry"] => println!(
            "{}",
            document::json(&events::catalogues(), Some(ProcessContext::CATALOGUE))
        ),
        ["telemetry", "catalogue"] => print!("{}", events::document()),
        ["telemetry", "status"] => println!("{}", reporter().status()),
        ["--help" | "-h" | "help"] => println!("{USAGE}"),
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    }
}

const USAGE: &str =
    "usage: crew                      run two research crews (share_crew off, then on)
       crew telemetry status     is telemetry on, why, and what was sent
       crew telemetry catalogue  everything minicrew can send (Markdown)
       crew --telemetry          the same, as JSON";

fn run_crews() {
    for share_crew in [false, true] {
        let crew = run::research_crew(share_crew);
        let reporter = reporter();
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
            _ => println!(
                "Telemetry is off or has nowhere to go ({}): nothing is sent.",
                status.decided_by
            ),
        }
        println!(
            "Running a crew with share_crew = {share_crew}: {}",
            if share_crew {
                "usage data and the crew's content"
            } else {
                "anonymous usage data only"
            }
        );
        let output = run::kickoff(&reporter, &crew);
        println!("The crew's output:\n{}\n", output.trim());
        // Flushes within a bound (2 s by default), whatever the collector does.
        reporter.shutdown();
    }
}
