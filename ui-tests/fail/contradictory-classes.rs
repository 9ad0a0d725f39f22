// A field has exactly one class.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Agent {
    #[telemetry(always, never)]
    role: String,
    #[telemetry(share_crew, always)]
    goal: String,
}

fn main() {}
