// A class written twice is an error.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Agent {
    #[telemetry(always)]
    #[telemetry(always)]
    role: String,
}

fn main() {}
