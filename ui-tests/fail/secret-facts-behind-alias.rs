// No fact about a `Secret` is sent, even through an alias of its container.
use crewtel::{Secret, Telemetry};

type MaybeKey = Option<Secret<String>>;
type Keys = Vec<Secret<String>>;

#[derive(Telemetry)]
struct Llm {
    #[telemetry(never, present(always))]
    key: MaybeKey,
    #[telemetry(never, len(always))]
    keys: Keys,
}

fn main() {}
