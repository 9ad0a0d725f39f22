use crewtel::{Secret, Telemetry};

#[derive(Telemetry)]
struct Llm {
    #[telemetry(always)]
    api_key: Box<Secret<String>>,
}

fn main() {}
