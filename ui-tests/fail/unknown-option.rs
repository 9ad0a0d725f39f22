// A misspelled option suggests the nearest one.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Agent {
    #[telemetry(alwyas)]
    role: String,
    #[telemetry(share_crew, renam = "agent_goal")]
    goal: String,
    #[telemetry(always, frobnicate)]
    llm: String,
}

fn main() {}
