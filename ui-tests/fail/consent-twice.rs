// At most one field is the consent switch.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Crew {
    #[telemetry(consent)]
    share_crew: bool,
    #[telemetry(consent)]
    share_more: bool,
}

fn main() {}
