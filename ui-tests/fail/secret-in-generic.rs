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
    // As the struct's own method, and through the trait: the bound's own
    // message, which names the fix.
    let _ = llm.telemetry_event();
    let _ = crewtel::Telemetry::telemetry_event(&llm);
    // The `Secret` as the type argument itself.
    let labelled = Labelled { label: "openai".into(), value: Secret::new(String::from("sk-123")) };
    let _ = labelled.telemetry_event();
}
