// A mistake in a nested struct is reported once, where it is, not again
// wherever the struct is nested.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Agent {
    role: String,
}

#[derive(Telemetry)]
struct Crew {
    #[telemetry(always)]
    agents: Vec<Agent>,
    #[telemetry(always)]
    lead: Agent,
    #[telemetry(always)]
    backup: Option<Box<Agent>>,
}

fn main() {}
