// A flattened consent field must be a `Telemetry` struct: a `bool` has no
// keys to flatten.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Crew {
    /// The crew's number.
    #[telemetry(always)]
    number: u32,
    #[telemetry(consent, flatten)]
    share_crew: bool,
}

fn main() {}
