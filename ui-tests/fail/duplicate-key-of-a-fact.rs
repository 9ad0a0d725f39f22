// A derived fact's default key (`<key>_len`) is a key like any other.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Crew {
    #[telemetry(always, len(always))]
    agents: Vec<u32>,
    #[telemetry(always)]
    agents_len: u32,
}

fn main() {}
