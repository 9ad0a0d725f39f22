use crewtel::{Secret, Telemetry};

#[derive(Telemetry)]
struct Llm {
    #[telemetry(always)]
    api_key: Option<Secret<String>>,
}

fn main() {}
