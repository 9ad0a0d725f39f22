// Struct-level options: a misspelling and an empty event name.
use crewtel::Telemetry;

#[derive(Telemetry)]
#[telemetry(evnt = "Crew Created")]
struct Crew {
    #[telemetry(always)]
    id: String,
}

#[derive(Telemetry)]
#[telemetry(event = "")]
struct Task {
    #[telemetry(always)]
    id: String,
}

fn main() {}
