// A generic field, or an associated type of one, that is a `Secret` where
// the struct is used is neither counted nor tested for presence.
use crewtel::{Secret, Telemetry};

trait Provider {
    type Key;
}

struct OpenAi;

impl Provider for OpenAi {
    type Key = Secret<String>;
}

#[derive(Telemetry)]
struct Keys<T> {
    #[telemetry(never, len(always))]
    keys: Vec<T>,
}

#[derive(Telemetry)]
struct Llm<P: Provider> {
    #[telemetry(never, present(always))]
    key: Option<P::Key>,
    #[telemetry(never)]
    provider: P,
}

fn main() {
    let keys = Keys { keys: vec![Secret::new(String::from("sk-123"))] };
    let _ = keys.telemetry_event();
    let llm = Llm { key: None, provider: OpenAi };
    let _ = llm.telemetry_event();
}
