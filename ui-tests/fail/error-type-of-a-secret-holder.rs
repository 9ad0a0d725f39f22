// `error_type(...)` of an `Option` sends whether it is `Some`, as
// `present(...)` does: a type of the host's own that holds a `Secret` (here
// an API key, which happens to implement `Debug` and `Display`) is refused
// under it, as it is under `present`.
use crewtel::{Secret, Telemetry};

#[derive(Debug)]
struct ApiKey {
    #[allow(dead_code)]
    key: Secret<String>,
}

impl std::fmt::Display for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an API key")
    }
}

#[derive(Telemetry)]
struct Llm {
    #[telemetry(never, error_type(always))]
    key: Option<ApiKey>,
}

#[derive(Telemetry)]
struct Wrapped<K> {
    #[telemetry(never, error_type(always))]
    key: Option<K>,
}

// A type alias named `Option` is judged by what it holds.
mod aliased {
    pub struct Keyed<E> {
        #[allow(dead_code)]
        pub error: E,
        #[allow(dead_code)]
        pub key: crewtel::Secret<String>,
    }

    impl<E> std::fmt::Debug for Keyed<E> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("Keyed")
        }
    }

    impl<E> std::fmt::Display for Keyed<E> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("keyed")
        }
    }

    type Option<E> = std::option::Option<Keyed<E>>;

    #[derive(crewtel::Telemetry)]
    struct Call {
        #[telemetry(never, error_type(always))]
        key: Option<std::io::Error>,
    }
}

fn main() {
    let llm = Wrapped::<ApiKey> { key: None };
    let _ = llm.telemetry_event();
}
