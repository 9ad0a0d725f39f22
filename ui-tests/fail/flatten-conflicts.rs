// A flattened struct sends its own keys.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct CrewIds {
    #[telemetry(always, free_text)]
    crew_id: String,
}

fn ids(_: &CrewIds) -> &'static str {
    "ids"
}

#[derive(Telemetry)]
struct Task {
    #[telemetry(always, flatten, rename = "crew")]
    crew: CrewIds,
    #[telemetry(always, flatten, with = "ids")]
    other: CrewIds,
}

fn main() {}
