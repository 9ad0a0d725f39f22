use std::collections::BTreeMap;

use crewtel::{Secret, Telemetry};

#[derive(Telemetry)]
struct Llm {
    #[telemetry(share_crew)]
    keys_by_provider: BTreeMap<String, Secret<String>>,
}

fn main() {}
