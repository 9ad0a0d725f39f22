// A conversion function cannot read a `Secret`, even one behind an alias.
use crewtel::{Secret, Telemetry};

type ApiKey = Secret<String>;

fn expose(key: &ApiKey) -> String {
    key.expose().clone()
}

#[derive(Telemetry)]
struct Llm {
    #[telemetry(always, with = "expose")]
    api_key: ApiKey,
}

fn main() {}
