// Keywords take no value; `rename` and `with` need one.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Agent {
    #[telemetry(always = "yes")]
    role: String,
    #[telemetry(always, rename)]
    goal: String,
    #[telemetry(always, with = "not a path")]
    llm: String,
    #[telemetry(always, rename = "")]
    tools: Vec<String>,
}

fn main() {}
