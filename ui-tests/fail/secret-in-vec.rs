use crewtel::{Secret, Telemetry};

#[derive(Telemetry)]
struct Llm {
    #[telemetry(always)]
    api_keys: Vec<Secret<String>>,
}

fn main() {}
