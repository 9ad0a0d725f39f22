// A `Secret` written as a generic argument of a sent field is caught early.
use crewtel::{Secret, Telemetry};

#[derive(Telemetry)]
struct Labelled<T> {
    #[telemetry(always)]
    value: T,
}

#[derive(Telemetry)]
struct Llm {
    #[telemetry(always)]
    model: Labelled<String>,
    #[telemetry(always)]
    key: Labelled<Secret<String>>,
}

fn main() {}
