// Every field must be classified; each unclassified field is reported, all in
// one compile.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Agent {
    #[telemetry(always)]
    role: String,
    goal: String,
    backstory: String,
}

fn main() {}
