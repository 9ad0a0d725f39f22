// `free_text` marks an `always` value; anywhere else it does nothing.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Ids {
    #[telemetry(always, free_text)]
    crew_id: String,
}

#[derive(Telemetry)]
struct Agent {
    #[telemetry(share_crew, free_text)]
    goal: String,
    #[telemetry(never, free_text)]
    prompt: String,
    #[telemetry(always, flatten, free_text)]
    ids: Ids,
}

fn main() {}
