// The macro cannot see through an alias; the type system can.
use crewtel::{Secret, Telemetry};

type ApiKey = Secret<String>;

#[derive(Telemetry)]
struct Llm {
    #[telemetry(always)]
    api_key: ApiKey,
    #[telemetry(always)]
    fallback_keys: Option<Vec<ApiKey>>,
}

fn main() {}
