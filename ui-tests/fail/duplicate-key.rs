// Two fields cannot send the same key, whether by name or by rename.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Crew {
    #[telemetry(always)]
    crew_id: String,
    #[telemetry(always, rename = "crew_id")]
    id: String,
    #[telemetry(always, len(always, rename = "crew_id"))]
    agents: Vec<String>,
}

fn main() {}
