// A `with` function cannot read a struct that holds a `Secret`, even in a
// `never` field: it could test it for presence or count it without
// `expose()`. Counting such structs (`len`) is fine: it says nothing of
// their secrets.
use crewtel::{Secret, Telemetry};

#[derive(Telemetry)]
struct Llm {
    #[telemetry(never)]
    key: Option<Secret<String>>,
    #[telemetry(always)]
    max_tokens: u32,
}

fn has_key(llm: &Llm) -> bool {
    llm.key.is_some()
}

#[derive(Telemetry)]
struct Crew {
    #[telemetry(always, with = "has_key")]
    llm: Llm,
    #[telemetry(always, len(always))]
    llms: Vec<Llm>,
}

fn main() {}
