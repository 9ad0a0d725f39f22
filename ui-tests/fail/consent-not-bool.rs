// The consent switch is a bool.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Crew {
    #[telemetry(always, free_text)]
    id: String,
    #[telemetry(consent)]
    share_crew: String,
}

fn main() {}
