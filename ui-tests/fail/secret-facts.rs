// No fact about a secret is sent: not its length, presence or a conversion.
use crewtel::{Secret, Telemetry};

fn leak(key: &Secret<String>) -> String {
    key.expose().clone()
}

#[derive(Telemetry)]
struct Llm {
    #[telemetry(never, len(always))]
    api_key: Secret<String>,
    #[telemetry(never, present(always))]
    fallback_key: Option<Secret<String>>,
    #[telemetry(always, with = "leak")]
    org_key: Secret<String>,
}

fn main() {}
