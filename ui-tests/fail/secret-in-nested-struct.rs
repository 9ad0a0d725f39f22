// A struct that holds a secret without deriving `Telemetry` cannot be sent, and
// a derived one must classify its secret `never`.
use crewtel::{Secret, Telemetry};

struct Credentials {
    #[allow(dead_code)]
    key: Secret<String>,
}

#[derive(Telemetry)]
struct Llm {
    #[telemetry(always, free_text)]
    model: String,
    #[telemetry(always)]
    credentials: Credentials,
}

fn main() {}
