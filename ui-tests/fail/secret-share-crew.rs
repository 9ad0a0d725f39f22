// Consent does not unlock a secret.
use crewtel::{Secret, Telemetry};

#[derive(Telemetry)]
struct Llm {
    #[telemetry(share_crew)]
    api_key: Secret<String>,
}

fn main() {}
