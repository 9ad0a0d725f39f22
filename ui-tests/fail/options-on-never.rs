// Options that send something do nothing on a field that is never sent.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Agent {
    #[telemetry(never, rename = "prompt")]
    system_prompt: String,
    #[telemetry(consent, len(always))]
    share_crew: bool,
}

fn main() {}
