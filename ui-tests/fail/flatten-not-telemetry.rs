// Only a `Telemetry` struct can be flattened.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Task {
    #[telemetry(always, flatten)]
    crew_id: String,
}

fn main() {}
