// A derived fact carries its own class, one that sends.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Crew {
    #[telemetry(always, len)]
    agents: Vec<String>,
    #[telemetry(always, len(never))]
    tasks: Vec<String>,
    #[telemetry(always, present(always, share_crew))]
    inputs: Option<String>,
    #[telemetry(always, len(always, renme = "n"))]
    tools: Vec<String>,
}

fn main() {}
