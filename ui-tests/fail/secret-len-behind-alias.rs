// Even behind an alias, a secret has no length to send.
use crewtel::{Secret, Telemetry};

type ApiKey = Secret<String>;

#[derive(Telemetry)]
struct Llm {
    #[telemetry(never, len(always))]
    api_key: ApiKey,
}

fn main() {}
