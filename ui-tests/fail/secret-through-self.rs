// A field typed through `Self` is judged by what it is: a `Secret` there
// is never sent, and a struct holding one cannot be read by a `with`
// function.
use crewtel::{Secret, Telemetry};

trait Keys {
    type Key;
}

#[derive(Telemetry)]
struct Llm {
    #[telemetry(never)]
    key: Option<<Self as Keys>::Key>,
    #[telemetry(always)]
    max_tokens: u32,
}

impl Keys for Llm {
    type Key = Secret<String>;
}

fn has_key(llm: &Llm) -> bool {
    llm.key.is_some()
}

#[derive(Telemetry)]
struct Crew {
    #[telemetry(always, with = "has_key")]
    llm: Llm,
}

#[derive(Telemetry)]
struct Leaky {
    #[telemetry(always)]
    key: <Self as Keys>::Key,
}

impl Keys for Leaky {
    type Key = Secret<String>;
}

fn main() {}
