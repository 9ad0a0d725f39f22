// What is not text a person wrote is sent under `always` without a mark;
// what is, only with one.
#![deny(warnings)]

use crewtel::{Literal, Telemetry, TelemetryValue};

#[derive(TelemetryValue)]
enum Process {
    Sequential,
}

#[derive(Telemetry)]
struct Agent {
    /// Judged where declared: an entry of `crew_agents` below.
    #[telemetry(always, free_text)]
    role: String,
    #[telemetry(share_crew)]
    goal: String,
}

fn band(cpus: &usize) -> Literal {
    if *cpus > 4 { crewtel::literal!("5+") } else { crewtel::literal!("1-4") }
}

#[derive(Telemetry)]
#[telemetry(event = "Crew Created")]
struct Crew<'a> {
    #[telemetry(always)]
    version: &'static str,
    #[telemetry(always)]
    versions: Option<&'static [&'static str]>,
    #[telemetry(always)]
    process: Process,
    #[telemetry(always)]
    tasks: u32,
    #[telemetry(always)]
    ratio: f64,
    #[telemetry(always)]
    memory: bool,
    #[telemetry(always, rename = "cpu_band", with = "band")]
    cpus: usize,
    #[telemetry(always, rename = "crew_agents")]
    agents: &'a [Agent],
    #[telemetry(never, len(always), present(always))]
    description: String,
    #[telemetry(share_crew)]
    inputs: Vec<String>,
    #[telemetry(always, free_text)]
    name: &'a str,
}

fn main() {
    let agents = [Agent { role: "researcher".into(), goal: "g".into() }];
    let crew = Crew {
        version: env!("CARGO_PKG_VERSION"),
        versions: Some(&["1", "2"]),
        process: Process::Sequential,
        tasks: 2,
        ratio: 0.5,
        memory: false,
        cpus: 8,
        agents: &agents,
        description: "d".into(),
        inputs: vec![],
        name: "my crew",
    };
    assert_eq!(crew.telemetry_event().key_values().len(), 11);
    let free: Vec<&str> = Crew::CATALOGUE
        .keys()
        .iter()
        .filter(|key| key.free_text)
        .map(|key| key.key)
        .collect();
    assert_eq!(free, ["name"]);
    let nested = &Crew::CATALOGUE.keys()[7].nested;
    assert!(nested[0].free_text, "role is marked where it is declared");
}
