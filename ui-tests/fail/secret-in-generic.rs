// A generic field instantiated with a `Secret` where the struct is used: the
// macro cannot see it, the type system does.
use crewtel::{Secret, Telemetry};

#[derive(Telemetry)]
struct Labelled<T> {
    #[telemetry(always, free_text)]
    label: String,
    #[telemetry(always)]
    value: T,
}

#[derive(Telemetry)]
struct Llm<K> {
    #[telemetry(always)]
    key: Labelled<K>,
}

fn main() {
    let llm = Llm {
        key: Labelled { label: "openai".into(), value: Secret::new(String::from("sk-123")) },
    };
    // As a method: rustc's "trait bounds were not satisfied", naming the
    // Secret in the type.
    let _ = llm.telemetry_event();
    // Through the trait: the bound's own message, which names the fix.
    let _ = crewtel::Telemetry::telemetry_event(&llm);
}
