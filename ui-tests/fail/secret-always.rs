use crewtel::{Secret, Telemetry};

#[derive(Telemetry)]
struct Llm {
    #[telemetry(always)]
    api_key: Secret<String>,
}

fn main() {}
