// A flattened struct cannot send a key its outer struct already sends.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct CrewIds {
    #[telemetry(always, free_text)]
    id: String,
}

#[derive(Telemetry)]
struct Task {
    #[telemetry(always)]
    id: u64,
    #[telemetry(always, flatten)]
    crew: CrewIds,
}

fn main() {}
