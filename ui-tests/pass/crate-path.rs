// A framework that re-exports crewtel points the derives at its own path.
#![deny(warnings)]

mod framework {
    pub use ::crewtel as telemetry;
}

use framework::telemetry::{Telemetry, TelemetryValue};

#[derive(TelemetryValue)]
#[telemetry(crate = "framework::telemetry")]
enum Process {
    Sequential,
}

#[derive(Telemetry)]
#[telemetry(crate = "framework::telemetry", event = "Crew Created")]
struct Crew {
    #[telemetry(always)]
    process: Process,
    #[telemetry(always)]
    r#type: &'static str,
}

fn main() {
    let crew = Crew { process: Process::Sequential, r#type: "demo" };
    let json = serde_json::to_string(&crew.telemetry_event()).unwrap();
    assert_eq!(json, r#"{"name":"Crew Created","consent":"anonymous","attributes":{"process":"sequential","type":"demo"}}"#);
}
